"""Validation of radio-site registers and candidate-site files (read by ``territorio.readers``).

A register follows ``services/templates/cmm_siti_5g_TEMPLATE.csv`` of the layer mirror: one row
per site with ``site_id``, coordinates (``lon``/``lat`` in WGS 84, or ``x``/``y`` with a
``crs`` column or a CRS given by the caller), ``tecnologie`` (``4G;5G NR``) and ``stato``.
A GeoPackage with point geometry and the same attribute columns is accepted too. Every problem
is reported with its row (1 = first data row) and column; all problems are listed at once.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.crs import WORK_CRS
from territorio.errors import MissingColumnError, Said
from territorio.plausibility import MAX_RADIUS_M, plausible_radius
from territorio.points import PointFileError as RegisterError
from territorio.points import check_codes, check_duplicates, check_inside

TECHNOLOGIES = ("2G", "3G", "4G", "5G", "5G NR", "5G NSA", "5G SA", "5G DSS")
ALIASES = {"GSM": "2G", "UMTS": "3G", "LTE": "4G", "NR": "5G NR", "5GNR": "5G NR"}
STATES = ("attivo", "in_costruzione", "autorizzato")
CELL_TYPES = ("macro", "small")


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


def validate_register(
    frame: gpd.GeoDataFrame,
    problems: list[str],
    *,
    source: Path | str,
    area: shapely.Geometry,
    area_name: str = "the CMM",
    radius_by_technology: dict[str, float],
    small_cell_radius_m: float,
    comuni: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Validate the rows of a radio-site register.

    Parameters
    ----------
    frame
        The points as :func:`territorio.readers.read_points` returns them (``_row``,
        ``_lonlat``, the file's columns; EPSG:32632).
    problems
        Problems found while reading; this function adds its own.
    source
        The file, for the error message.
    area
        Sites must lie inside it (EPSG:32632), e.g. the CMM outline or a custom area.
    area_name
        Its name in messages.
    radius_by_technology
        Radius in metres of a macro cell per technology; a site takes the largest of its
        technologies unless it has its own ``raggio_m``.
    small_cell_radius_m
        Radius of sites whose ``tipo_cella`` is ``small``.
    comuni
        With ``pro_com_t``, ``comune`` and polygons: ``com_istat_code`` must be the code of
        the comune where the site lies.

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
    for position, row in enumerate(frame["_row"]):
        techs, unknown = normalise_technologies(frame["tecnologie"].iloc[position])
        if unknown:
            known = ", ".join(TECHNOLOGIES)
            problems.append(
                Said(
                    f"row {row}, column 'tecnologie': unknown value(s) {unknown}; expected any "
                    f"of {known} separated by ';'",
                    f"riga {row}, colonna 'tecnologie': valori sconosciuti {unknown}; attesi "
                    f"tra {known}, separati da ';'",
                )
            )
        elif not techs:
            problems.append(
                Said(
                    f"row {row}, column 'tecnologie': empty",
                    f"riga {row}, colonna 'tecnologie': vuota",
                )
            )
        state = str(frame["stato"].iloc[position]).strip().lower()
        if state not in STATES:
            given = frame["stato"].iloc[position]
            problems.append(
                Said(
                    f"row {row}, column 'stato': {given!r}; expected one of {', '.join(STATES)}",
                    f"riga {row}, colonna 'stato': {given!r}; atteso uno tra {', '.join(STATES)}",
                )
            )
        if not str(frame["site_id"].iloc[position]).strip() or pd.isna(
            frame["site_id"].iloc[position]
        ):
            problems.append(
                Said(f"row {row}, column 'site_id': empty", f"riga {row}, colonna 'site_id': vuota")
            )
    radius = _radii(frame, radius_by_technology, small_cell_radius_m, problems)
    check_duplicates(frame, "site_id", problems)
    check_inside(frame, area, area_name=area_name, problems=problems)
    if comuni is not None:
        check_codes(frame, comuni, problems)
    if problems:
        raise RegisterError(source, problems)
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
            if not plausible_radius(value):
                problems.append(
                    Said(
                        f"row {row}, column 'raggio_m': {own!r} is not a radius in metres above "
                        f"0 and at most {MAX_RADIUS_M:.0f}",
                        f"riga {row}, colonna 'raggio_m': {own!r} non è un raggio in metri "
                        f"maggiore di 0 e al massimo {MAX_RADIUS_M:.0f}",
                    )
                )
            radius[position] = value
            continue
        kind = "macro"
        if "tipo_cella" in frame.columns and not pd.isna(frame["tipo_cella"].iloc[position]):
            kind = str(frame["tipo_cella"].iloc[position]).strip().lower() or "macro"
            if kind not in CELL_TYPES:
                given = frame["tipo_cella"].iloc[position]
                problems.append(
                    Said(
                        f"row {row}, column 'tipo_cella': {given!r}; expected macro or small",
                        f"riga {row}, colonna 'tipo_cella': {given!r}; atteso macro o small",
                    )
                )
        if kind == "small":
            radius[position] = small
            continue
        techs, _ = normalise_technologies(frame["tecnologie"].iloc[position])
        values = [by_tech[t] for t in techs if t in by_tech]
        radius[position] = max(values) if values else np.nan
    return radius


def validate_candidates(
    frame: gpd.GeoDataFrame,
    problems: list[str],
    *,
    source: Path | str,
    area: shapely.Geometry,
    area_name: str = "the CMM",
) -> gpd.GeoDataFrame:
    """Validate candidate locations for new sites: ``id`` (or ``site_id``), optional ``nome``.

    Raises
    ------
    RegisterError
    """
    path = Path(source)
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
