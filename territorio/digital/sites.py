"""Import and validation of radio-site registers and candidate-site files.

A register follows ``services/templates/cmm_siti_5g_TEMPLATE.csv`` of the layer mirror: one row
per site with ``site_id``, coordinates (``lon``/``lat`` in WGS 84, or ``x``/``y`` with a
``crs`` column or a CRS given by the caller), ``tecnologie`` (``4G;5G NR``) and ``stato``.
A GeoPackage with point geometry and the same attribute columns is accepted too. Every problem
is reported with its row (1 = first data row) and column; all problems are listed at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from territorio.codes import KEY
from territorio.errors import CRSError, MissingColumnError, TerritorioError
from territorio.readers import WORK_CRS, Expectation, parse_crs, read_table

TECHNOLOGIES = ("2G", "3G", "4G", "5G", "5G NR", "5G NSA", "5G SA", "5G DSS")
ALIASES = {"GSM": "2G", "UMTS": "3G", "LTE": "4G", "NR": "5G NR", "5GNR": "5G NR"}
STATES = ("attivo", "in_costruzione", "autorizzato")
CELL_TYPES = ("macro", "small")
MAX_PROBLEMS = 25


class RegisterError(TerritorioError):
    """A register or candidate file with invalid rows; lists every problem found."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n  ".join(problems[:MAX_PROBLEMS])
        more = (
            f"\n  … and {len(problems) - MAX_PROBLEMS} more" if len(problems) > MAX_PROBLEMS else ""
        )
        super().__init__(f"{path}: {len(problems)} problem(s):\n  {shown}{more}")


def normalise_technologies(text: object) -> tuple[tuple[str, ...], list[str]]:
    """Split ``"4G;5G NR"`` into known technologies; return them and the unknown values."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return (), []
    known, unknown = [], []
    for raw in str(text).replace(",", ";").split(";"):
        value = " ".join(raw.strip().upper().split())
        if not value:
            continue
        value = ALIASES.get(value, value)
        (known if value in TECHNOLOGIES else unknown).append(
            value if value in TECHNOLOGIES else raw.strip()
        )
    return tuple(dict.fromkeys(known)), unknown


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
            raise RegisterError(path, ["geometry: expected points"])
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


def read_register(
    path: Path | str,
    *,
    area: shapely.Geometry,
    area_name: str = "the CMM",
    crs: str | None = None,
    radius_by_technology: dict[str, float],
    small_cell_radius_m: float,
) -> gpd.GeoDataFrame:
    """Read and validate a radio-site register.

    Parameters
    ----------
    path
        CSV following the template, or a GeoPackage of points with the same columns.
    area
        Sites must lie inside it (EPSG:32632), e.g. the CMM outline or a custom area.
    area_name
        Its name in messages.
    crs
        CRS of ``x``/``y`` columns when the file has no ``crs`` column.
    radius_by_technology
        Radius in metres of a macro cell per technology; a site takes the largest of its
        technologies unless it has its own ``raggio_m``.
    small_cell_radius_m
        Radius of sites whose ``tipo_cella`` is ``small``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id``, ``denominazione_sito``, ``tecnologie`` (``;``-joined), ``stato``,
        ``raggio_m``, geometry (EPSG:32632); rows in file order.

    Raises
    ------
    RegisterError
        Listing every problem with row and column.
    """
    frame, problems = read_points(path, required=("site_id", "tecnologie", "stato"), crs=crs)
    for position, row in enumerate(frame["_row"]):
        techs, unknown = normalise_technologies(frame["tecnologie"].iloc[position])
        if unknown:
            problems.append(
                f"row {row}, column 'tecnologie': unknown value(s) {unknown}; expected any of "
                f"{', '.join(TECHNOLOGIES)} separated by ';'"
            )
        elif not techs:
            problems.append(f"row {row}, column 'tecnologie': empty")
        state = str(frame["stato"].iloc[position]).strip().lower()
        if state not in STATES:
            problems.append(
                f"row {row}, column 'stato': {frame['stato'].iloc[position]!r}; expected one of "
                f"{', '.join(STATES)}"
            )
        if not str(frame["site_id"].iloc[position]).strip() or pd.isna(
            frame["site_id"].iloc[position]
        ):
            problems.append(f"row {row}, column 'site_id': empty")
    radius = _radii(frame, radius_by_technology, small_cell_radius_m, problems)
    check_duplicates(frame, "site_id", problems)
    check_inside(frame, area, area_name=area_name, problems=problems)
    if problems:
        raise RegisterError(path, problems)
    out = gpd.GeoDataFrame(
        {
            "site_id": frame["site_id"].astype(str).str.strip(),
            "denominazione_sito": frame.get(
                "denominazione_sito", pd.Series([""] * len(frame))
            ).fillna(""),
            "tecnologie": [";".join(normalise_technologies(t)[0]) for t in frame["tecnologie"]],
            "stato": frame["stato"].astype(str).str.strip().str.lower(),
            "raggio_m": radius,
        },
        geometry=frame.geometry.values,
        crs=WORK_CRS,
    )
    return out


def _radii(
    frame: pd.DataFrame, by_tech: dict[str, float], small: float, problems: list[str]
) -> np.ndarray:
    radius = np.full(len(frame), np.nan)
    for position, row in enumerate(frame["_row"]):
        own = frame["raggio_m"].iloc[position] if "raggio_m" in frame.columns else None
        if own is not None and not pd.isna(own) and str(own).strip():
            try:
                value = float(str(own).replace(",", "."))
            except ValueError:
                value = -1.0
            if not value > 0:
                problems.append(f"row {row}, column 'raggio_m': {own!r} is not a positive number")
            radius[position] = value
            continue
        kind = "macro"
        if "tipo_cella" in frame.columns and not pd.isna(frame["tipo_cella"].iloc[position]):
            kind = str(frame["tipo_cella"].iloc[position]).strip().lower() or "macro"
            if kind not in CELL_TYPES:
                problems.append(
                    f"row {row}, column 'tipo_cella': {frame['tipo_cella'].iloc[position]!r}; "
                    f"expected macro or small"
                )
        if kind == "small":
            radius[position] = small
            continue
        techs, _ = normalise_technologies(frame["tecnologie"].iloc[position])
        values = [by_tech[t] for t in techs if t in by_tech]
        radius[position] = max(values) if values else np.nan
    return radius


def read_candidates(
    path: Path | str, *, area: shapely.Geometry, area_name: str = "the CMM", crs: str | None = None
) -> gpd.GeoDataFrame:
    """Read candidate locations for new sites: ``id`` (or ``site_id``), optional ``nome``.

    Raises
    ------
    RegisterError
    """
    frame, problems = read_points(path, required=(), crs=crs)
    id_column = "id" if "id" in frame.columns else "site_id" if "site_id" in frame.columns else None
    if id_column is None:
        raise MissingColumnError(path, ["id"], [c for c in frame.columns if not c.startswith("_")])
    check_duplicates(frame, id_column, problems)
    check_inside(frame, area, area_name=area_name, problems=problems)
    if problems:
        raise RegisterError(path, problems)
    name = frame["nome"] if "nome" in frame.columns else frame[id_column]
    return gpd.GeoDataFrame(
        {
            "candidato": frame[id_column].astype(str),
            "nome": name.astype(str),
            "fonte": Path(path).name,
        },
        geometry=frame.geometry.values,
        crs=WORK_CRS,
    )


def school_candidates(schools: gpd.GeoDataFrame, area: shapely.Geometry) -> gpd.GeoDataFrame:
    """Upper-secondary school locations (one per distinct place) inside ``area``.

    Several sedi at one address become one candidate named after its first istituto.
    """
    upper = schools[schools["secondaria_2_grado"].astype(bool)]
    upper = upper[shapely.contains_xy(area, upper.geometry.x, upper.geometry.y)]
    keys = np.round(shapely.get_coordinates(upper.geometry.values)).astype(np.int64)
    upper = upper.assign(_key=[f"{a}_{b}" for a, b in keys])
    first = upper.groupby("_key", sort=False).first()
    sedi = upper.groupby("_key", sort=False).size()
    name_column = "denominazione_istituto" if "denominazione_istituto" in upper else "denominazione"
    return gpd.GeoDataFrame(
        {
            "candidato": first["codice_meccanografico"].astype(str).to_numpy(),
            "nome": first[name_column].astype(str).to_numpy(),
            "sedi": sedi.reindex(first.index).to_numpy(),
            KEY: first[KEY].to_numpy() if KEY in first else None,
            "fonte": "scuole_sedi (secondaria di II grado)",
        },
        geometry=first.geometry.to_numpy(),
        crs=upper.crs,
    ).reset_index(drop=True)
