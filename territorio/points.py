"""Checks of user point files (5G registers, candidate sites, facilities with coordinates).

Reading the file is :func:`territorio.readers.read_points`, which returns the points with
their row numbers and the problems found so far; the checks here add theirs, and the caller
raises one :class:`PointFileError` listing them all, each with its row (1 = first data row)
and column.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from territorio.classes import fmt_number
from territorio.crs import WORK_CRS
from territorio.errors import Said, TerritorioError, italian

MAX_PROBLEMS = 25


class PointFileError(TerritorioError):
    """A point file (register, candidates, facilities) with invalid rows; lists every problem."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        extra = len(problems) - MAX_PROBLEMS
        shown = "\n  ".join(problems[:MAX_PROBLEMS])
        more = f"\n  … and {extra} more" if extra > 0 else ""
        super().__init__(f"{path}: {len(problems)} problem(s):\n  {shown}{more}")
        shown_it = "\n  ".join(italian(p) for p in problems[:MAX_PROBLEMS])
        more_it = f"\n  … e altri {extra}" if extra > 0 else ""
        word = "problema" if len(problems) == 1 else "problemi"
        self.italian = f"{path}: {len(problems)} {word}:\n  {shown_it}{more_it}"


def _area_it(name: str) -> str:
    """An area's name as an Italian sentence says it (``the CMM`` → ``la CMM``)."""
    return "la CMM" if name == "the CMM" else name


def check_inside(
    frame: gpd.GeoDataFrame, area: shapely.Geometry, *, area_name: str, problems: list[str]
) -> np.ndarray:
    """Flag points outside ``area``; suggest swapped lat/lon when swapping puts them inside."""
    inside = shapely.contains_xy(area, frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
    if inside.all():
        return inside
    to_work = Transformer.from_crs(4326, WORK_CRS, always_xy=True)
    for position in np.flatnonzero(~inside):
        row = int(frame["_row"].iloc[position])
        lon, lat = frame["_lonlat"].iloc[position]
        sx, sy = to_work.transform(lat, lon)
        if np.isfinite(sx) and shapely.contains_xy(area, sx, sy):
            problems.append(
                Said(
                    f"row {row}, columns 'lon'/'lat': ({lon:.5f}, {lat:.5f}) lies outside "
                    f"{area_name} but ({lat:.5f}, {lon:.5f}) lies inside: lon and lat look "
                    "swapped",
                    f"riga {row}, colonne 'lon'/'lat': ({lon:.5f}, {lat:.5f}) cade fuori da "
                    f"{_area_it(area_name)} ma ({lat:.5f}, {lon:.5f}) cade dentro: lon e lat "
                    "sembrano scambiate",
                )
            )
        else:
            distance = shapely.distance(area, frame.geometry.iloc[position]) / 1000
            km_it = fmt_number(distance, "km", "it")
            problems.append(
                Said(
                    f"row {row}, columns 'lon'/'lat': ({lon:.5f}, {lat:.5f}) lies "
                    f"{distance:,.1f} km outside {area_name}",
                    f"riga {row}, colonne 'lon'/'lat': ({lon:.5f}, {lat:.5f}) cade {km_it} km "
                    f"fuori da {_area_it(area_name)}",
                )
            )
    return inside


def check_duplicates(frame: gpd.GeoDataFrame, id_column: str, problems: list[str]) -> None:
    """Repeated ids, and different ids at the same place (within 1 m)."""
    ids = frame[id_column].astype(str).str.strip()
    for value, rows in frame.groupby(ids)["_row"]:
        if len(rows) > 1:
            problems.append(
                Said(
                    f"rows {list(rows)}, column '{id_column}': id {value!r} repeated",
                    f"righe {list(rows)}, colonna '{id_column}': identificativo {value!r} ripetuto",
                )
            )
    keys = np.round(shapely.get_coordinates(frame.geometry.values)).astype(np.int64)
    codes = pd.Series([f"{a}_{b}" for a, b in keys])
    for _, positions in codes.groupby(codes).groups.items():
        if len(positions) > 1:
            rows = frame["_row"].iloc[list(positions)].tolist()
            problems.append(
                Said(
                    f"rows {rows}, columns 'lon'/'lat': several sites at the same place",
                    f"righe {rows}, colonne 'lon'/'lat': più siti nello stesso punto",
                )
            )


#: A site may lie this far outside the comune its code names (boundary generalisation).
CODE_TOLERANCE_M = 100.0


def check_codes(
    frame: gpd.GeoDataFrame,
    comuni: gpd.GeoDataFrame,
    problems: list[str],
    *,
    column: str = "com_istat_code",
) -> None:
    """Check a point file's ISTAT codes: a real code, of a comune of ``comuni``, where it lies.

    Blank codes are accepted (the column is optional information); ``comuni`` has
    ``pro_com_t``, ``comune`` and polygons in EPSG:32632.
    """
    from territorio.codes import normalise_istat_code

    if column not in frame.columns or frame.empty:
        return
    names = dict(zip(comuni["pro_com_t"], comuni["comune"], strict=True))
    where = gpd.sjoin(
        frame[["_row", "geometry"]],
        comuni[["pro_com_t", "geometry"]],
        how="left",
        predicate="within",
    ).drop_duplicates("_row")
    lies_in = dict(zip(where["_row"], where["pro_com_t"], strict=True))
    shapes = dict(zip(comuni["pro_com_t"], comuni.geometry, strict=True))
    for position, value in enumerate(frame[column]):
        if pd.isna(value) or not str(value).strip():
            continue
        row = int(frame["_row"].iloc[position])
        try:
            code = normalise_istat_code(value)
        except ValueError:
            problems.append(
                Said(
                    f"row {row}, column '{column}': {value!r} is not an ISTAT code (6 digits, "
                    "e.g. 015146 for Milano)",
                    f"riga {row}, colonna '{column}': {value!r} non è un codice ISTAT (6 cifre, "
                    "es. 015146 per Milano)",
                )
            )
            continue
        if code not in names:
            problems.append(
                Said(
                    f"row {row}, column '{column}': {code} is not a comune of the territory",
                    f"riga {row}, colonna '{column}': {code} non è un comune del territorio",
                )
            )
            continue
        found = lies_in.get(row)
        point = frame.geometry.iloc[position]
        if found != code and shapely.distance(shapes[code], point) > CODE_TOLERANCE_M:
            known = isinstance(found, str)
            actual = f"{names[found]} ({found})" if known else "no comune"
            actual_it = f"{names[found]} ({found})" if known else "nessun comune"
            problems.append(
                Said(
                    f"row {row}, column '{column}': {code} is {names[code]}, but the site lies "
                    f"in {actual}",
                    f"riga {row}, colonna '{column}': {code} è {names[code]}, ma il sito cade in "
                    f"{actual_it}",
                )
            )
