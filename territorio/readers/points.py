"""Reading user point files: CSV with lon/lat or x/y (+ CRS), or a GeoPackage, to EPSG:32632."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from territorio.crs import WORK_CRS, parse_crs
from territorio.errors import CRSError, MissingColumnError
from territorio.points import PointFileError
from territorio.readers.files import Expectation, read_table, read_vector


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
