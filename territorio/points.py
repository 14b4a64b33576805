"""Reading user point files: CSV with lon/lat or x/y (+ CRS) or a GeoPackage, validated.

Shared by every theme that imports owners' point lists (5G registers, candidate sites,
facilities with coordinates). Problems are collected with their row (1 = first data row) and
column and reported together.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from territorio.errors import CRSError, MissingColumnError, TerritorioError
from territorio.readers import WORK_CRS, Expectation, parse_crs, read_table

MAX_PROBLEMS = 25


class PointFileError(TerritorioError):
    """A point file (register, candidates, facilities) with invalid rows; lists every problem."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n  ".join(problems[:MAX_PROBLEMS])
        more = (
            f"\n  … and {len(problems) - MAX_PROBLEMS} more" if len(problems) > MAX_PROBLEMS else ""
        )
        super().__init__(f"{path}: {len(problems)} problem(s):\n  {shown}{more}")


def read_points(
    path: Path | str,
    *,
    required: Iterable[str],
    crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read a point file (CSV with lon/lat or x/y, or a GeoPackage) into EPSG:32632.

    Returns the points (invalid coordinates dropped) and the problems found, so callers can
    add their own checks before raising one :class:`RegisterError`.
    """
    path = Path(path)
    problems: list[str] = []
    if path.suffix.lower() in (".gpkg", ".geojson", ".shp", ".fgb"):
        from territorio.readers import read_vector

        frame = read_vector(path, Expectation(label=str(path), columns=tuple(required)))
        frame = frame[~frame.geometry.is_empty & frame.geometry.notna()]
        if not (frame.geom_type == "Point").all():
            raise PointFileError(path, ["geometry: expected points"])
        frame = frame.reset_index(drop=True)
        frame["_row"] = np.arange(1, len(frame) + 1)
        frame["_lonlat"] = list(
            zip(
                *Transformer.from_crs(frame.crs, 4326, always_xy=True).transform(
                    frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
                ),
                strict=True,
            )
        )
        return frame, problems
    table = read_table(path, Expectation(label=str(path), columns=tuple(required)))
    table["_row"] = np.arange(1, len(table) + 1)
    if {"lon", "lat"} <= set(table.columns) and table[["lon", "lat"]].notna().any().any():
        xcol, ycol, default_crs = "lon", "lat", "EPSG:4326"
    elif {"x", "y"} <= set(table.columns):
        xcol, ycol, default_crs = "x", "y", crs
    else:
        raise MissingColumnError(path, ["lon", "lat"], list(table.columns))
    xs = pd.to_numeric(table[xcol].astype(str).str.replace(",", ".", regex=False), errors="coerce")
    ys = pd.to_numeric(table[ycol].astype(str).str.replace(",", ".", regex=False), errors="coerce")
    for column, values in ((xcol, xs), (ycol, ys)):
        for row in table.loc[values.isna(), "_row"]:
            raw = table.loc[table["_row"] == row, column].iloc[0]
            problems.append(f"row {row}, column '{column}': {raw!r} is not a number")
    row_crs = table["crs"] if "crs" in table.columns else pd.Series([None] * len(table))
    lon = np.full(len(table), np.nan)
    lat = np.full(len(table), np.nan)
    xw = np.full(len(table), np.nan)
    yw = np.full(len(table), np.nan)
    for crs_text, rows in table.groupby(row_crs.fillna("").astype(str).str.strip()).groups.items():
        text = crs_text or default_crs
        if not text:
            problems.append(
                f"rows {[int(table.loc[r, '_row']) for r in rows][:5]}, column 'crs': x/y need "
                "a CRS (crs column or --crs)"
            )
            continue
        try:
            source = parse_crs(text, source=str(path)) if xcol == "x" or crs_text else CRS(4326)
        except CRSError as exc:
            problems.append(f"row {int(table.loc[rows[0], '_row'])}, column 'crs': {exc}")
            continue
        idx = table.index.get_indexer(rows)
        to_ll = Transformer.from_crs(source, 4326, always_xy=True)
        to_work = Transformer.from_crs(source, WORK_CRS, always_xy=True)
        lon[idx], lat[idx] = to_ll.transform(xs.to_numpy()[idx], ys.to_numpy()[idx])
        xw[idx], yw[idx] = to_work.transform(xs.to_numpy()[idx], ys.to_numpy()[idx])
    ok = np.isfinite(xw) & np.isfinite(yw)
    frame = gpd.GeoDataFrame(
        table.loc[ok].drop(columns=[c for c in ("geometry",) if c in table.columns]),
        geometry=shapely.points(xw[ok], yw[ok]),
        crs=WORK_CRS,
    ).reset_index(drop=True)
    frame["_lonlat"] = list(zip(lon[ok], lat[ok], strict=True))
    return frame, problems


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
                f"row {row}, columns 'lon'/'lat': ({lon:.5f}, {lat:.5f}) lies outside "
                f"{area_name} but ({lat:.5f}, {lon:.5f}) lies inside: lon and lat look swapped"
            )
        else:
            distance = shapely.distance(area, frame.geometry.iloc[position]) / 1000
            problems.append(
                f"row {row}, columns 'lon'/'lat': ({lon:.5f}, {lat:.5f}) lies {distance:,.1f} km "
                f"outside {area_name}"
            )
    return inside


def check_duplicates(frame: gpd.GeoDataFrame, id_column: str, problems: list[str]) -> None:
    """Repeated ids, and different ids at the same place (within 1 m)."""
    ids = frame[id_column].astype(str).str.strip()
    for value, rows in frame.groupby(ids)["_row"]:
        if len(rows) > 1:
            problems.append(f"rows {list(rows)}, column '{id_column}': id {value!r} repeated")
    keys = np.round(shapely.get_coordinates(frame.geometry.values)).astype(np.int64)
    codes = pd.Series([f"{a}_{b}" for a, b in keys])
    for _, positions in codes.groupby(codes).groups.items():
        if len(positions) > 1:
            rows = frame["_row"].iloc[list(positions)].tolist()
            problems.append(f"rows {rows}, columns 'lon'/'lat': several sites at the same place")
