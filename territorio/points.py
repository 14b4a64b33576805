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

from territorio.crs import WORK_CRS
from territorio.errors import TerritorioError

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
