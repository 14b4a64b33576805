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
from territorio.errors import CRSError, MissingColumnError, Said
from territorio.readers.files import Expectation, read_table, read_vector, split_layer


def read_points(
    path: Path | str,
    *,
    required: Iterable[str],
    crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read a point file (CSV with lon/lat or x/y, or a GeoPackage) into EPSG:32632.

    Returns the points and the problems found, so callers can add their own checks before
    raising one :class:`RegisterError`. Every row read is either returned or named in the
    problems (empty geometry, coordinates that are not numbers or not in the stated CRS):
    none is dropped without a word.
    """
    path = Path(path)
    problems: list[str] = []
    file, _ = split_layer(path)
    if file.suffix.lower() in (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".kml"):
        frame = read_vector(
            path, Expectation(label=str(path), columns=tuple(required), user_file=True)
        )
        frame = frame.reset_index(drop=True)
        frame["_row"] = np.arange(1, len(frame) + 1)
        frame = _single_points(frame, problems)
        frame["_lonlat"] = list(
            zip(
                *Transformer.from_crs(frame.crs, 4326, always_xy=True).transform(
                    frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
                ),
                strict=True,
            )
        )
        return frame, problems
    table = read_table(path, Expectation(label=str(path), columns=tuple(required), user_file=True))
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
            problems.append(
                Said(
                    f"row {row}, column '{column}': {raw!r} is not a number",
                    f"riga {row}, colonna '{column}': {raw!r} non è un numero",
                )
            )
    row_crs = table["crs"] if "crs" in table.columns else pd.Series([None] * len(table))
    lon = np.full(len(table), np.nan)
    lat = np.full(len(table), np.nan)
    xw = np.full(len(table), np.nan)
    yw = np.full(len(table), np.nan)
    for crs_text, rows in table.groupby(row_crs.fillna("").astype(str).str.strip()).groups.items():
        text = crs_text or default_crs
        if not text:
            listed = [int(table.loc[r, "_row"]) for r in rows][:5]
            problems.append(
                Said(
                    f"rows {listed}, column 'crs': x/y need a CRS (crs column or --crs)",
                    f"righe {listed}, colonna 'crs': x/y richiedono un CRS (colonna crs o --crs)",
                )
            )
            continue
        try:
            source = parse_crs(text, source=str(path)) if xcol == "x" or crs_text else CRS(4326)
        except CRSError as exc:
            first = int(table.loc[rows[0], "_row"])
            problems.append(
                Said(f"row {first}, column 'crs': {exc}", f"riga {first}, colonna 'crs': {exc}")
            )
            continue
        idx = table.index.get_indexer(rows)
        to_ll = Transformer.from_crs(source, 4326, always_xy=True)
        to_work = Transformer.from_crs(source, WORK_CRS, always_xy=True)
        lon[idx], lat[idx] = to_ll.transform(xs.to_numpy()[idx], ys.to_numpy()[idx])
        xw[idx], yw[idx] = to_work.transform(xs.to_numpy()[idx], ys.to_numpy()[idx])
    if xcol == "lon":
        _check_degrees(table, xs, ys, row_crs, problems)
    ok = np.isfinite(xw) & np.isfinite(yw)
    reported = xs.isna() | ys.isna()
    for position in np.flatnonzero(~ok & ~reported.to_numpy()):
        row = int(table["_row"].iloc[position])
        if not any(p.startswith(f"row {row},") for p in problems):
            where = f"({xs.iloc[position]}, {ys.iloc[position]})"
            problems.append(
                Said(
                    f"row {row}, columns '{xcol}'/'{ycol}': {where} cannot be placed in its CRS",
                    f"riga {row}, colonne '{xcol}'/'{ycol}': {where} non si colloca nel suo CRS",
                )
            )
    frame = gpd.GeoDataFrame(
        table.loc[ok].drop(columns=[c for c in ("geometry",) if c in table.columns]),
        geometry=shapely.points(xw[ok], yw[ok]),
        crs=WORK_CRS,
    ).reset_index(drop=True)
    frame["_lonlat"] = list(zip(lon[ok], lat[ok], strict=True))
    return frame, problems


def _single_points(frame: gpd.GeoDataFrame, problems: list[str]) -> gpd.GeoDataFrame:
    """Points of a vector file: a MultiPoint of one point is that point; the rest reported."""
    geometry = frame.geometry
    types = geometry.geom_type.to_numpy()
    parts = shapely.get_num_geometries(geometry.values)
    single_multi = (types == "MultiPoint") & (parts == 1)
    fixed = geometry.values.copy()
    fixed[single_multi] = shapely.get_geometry(geometry.values[single_multi], 0)
    frame = frame.set_geometry(gpd.GeoSeries(fixed, index=frame.index, crs=frame.crs))
    empty = frame.geometry.isna().to_numpy() | frame.geometry.is_empty.to_numpy()
    for row in frame.loc[empty, "_row"]:
        problems.append(
            Said(
                f"row {row}, column 'geometry': empty geometry (no point to place)",
                f"riga {row}, colonna 'geometry': geometria vuota (nessun punto da collocare)",
            )
        )
    kinds = frame.geometry.geom_type.to_numpy()
    wrong = ~empty & (kinds != "Point")
    for row, kind in zip(frame.loc[wrong, "_row"], kinds[wrong], strict=True):
        problems.append(
            Said(
                f"row {row}, column 'geometry': a {kind}; expected a point",
                f"riga {row}, colonna 'geometry': un {kind}; atteso un punto",
            )
        )
    return frame.loc[~empty & ~wrong].reset_index(drop=True)


def _check_degrees(
    table: pd.DataFrame, xs: pd.Series, ys: pd.Series, row_crs: pd.Series, problems: list[str]
) -> None:
    """lon/lat beyond ±180/±90 are metres of a projected CRS, not degrees: say so per row."""
    plain = row_crs.fillna("").astype(str).str.strip().to_numpy() == ""
    bad = plain & ((xs.abs() > 180) | (ys.abs() > 90)).to_numpy()
    for position in np.flatnonzero(bad):
        row = int(table["_row"].iloc[position])
        pair = f"({xs.iloc[position]:g}, {ys.iloc[position]:g})"
        problems.append(
            Said(
                f"row {row}, columns 'lon'/'lat': {pair} are not degrees (longitude -180…180, "
                "latitude -90…90); metres of a projected CRS go in columns x, y with their crs "
                "(e.g. EPSG:32632)",
                f"riga {row}, colonne 'lon'/'lat': {pair} non sono gradi (longitudine "
                "-180…180, latitudine -90…90); i metri di un CRS proiettato vanno nelle colonne "
                "x, y con il loro crs (es. EPSG:32632)",
            )
        )
