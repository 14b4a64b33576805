"""Validation of radio-site registers and candidate-site files (read by ``territorio.readers``).

A register follows ``services/templates/cmm_siti_5g_TEMPLATE.csv`` of the layer mirror: one row
per site with ``site_id``, coordinates (``lon``/``lat`` in WGS 84, or ``x``/``y`` with a
``crs`` column or a CRS given by the caller), ``tecnologie`` (``4G;5G NR``) and ``stato``.
A GeoPackage with point geometry and the same attribute columns is accepted too. Every problem
is reported with its row (1 = first data row) and column; all problems are listed at once.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.crs import WORK_CRS
from territorio.errors import InputNotice, MissingColumnError, Said
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
    default_technology: str = "5G NR",
) -> gpd.GeoDataFrame:
    """Validate the rows of a radio-site register.

    A minimal register with coordinates only is accepted: a missing ``site_id`` column
    becomes the row number, ``stato`` becomes ``attivo`` and ``tecnologie`` the
    ``default_technology``; the defaults applied are said (an :class:`InputNotice`) and kept in
    ``attrs["predefiniti"]`` of the result as (English, Italian) pairs.

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
    default_technology
        Technology of every row when the file has no ``tecnologie`` column.

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
    frame, defaults = _apply_defaults(frame, default_technology, source)
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
    # plain (en, it) pairs: attrs are deep-copied by pandas
    out.attrs["predefiniti"] = [(str(d), d.italian) for d in defaults]
    return out


def _apply_defaults(
    frame: gpd.GeoDataFrame, technology: str, source: Path | str
) -> tuple[gpd.GeoDataFrame, list[Said]]:
    """Fill the columns a minimal register leaves out, and say which."""
    frame = frame.copy()
    applied: list[Said] = []
    if "site_id" not in frame.columns:
        frame["site_id"] = frame["_row"].astype(str)
        applied.append(Said("site_id = row number", "site_id = numero di riga"))
    if "stato" not in frame.columns:
        frame["stato"] = "attivo"
        applied.append(Said("stato = attivo", "stato = attivo"))
    if "tecnologie" not in frame.columns:
        frame["tecnologie"] = technology
        applied.append(Said(f"tecnologie = {technology}", f"tecnologie = {technology}"))
    if applied:
        warnings.warn(
            InputNotice(
                f"{source}: colonne assenti, valori predefiniti applicati a tutte le righe: "
                + "; ".join(a.italian for a in applied),
                f"{source}: columns absent, defaults applied to every row: "
                + "; ".join(str(a) for a in applied),
            ),
            stacklevel=3,
        )
    return frame, applied


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

    An optional ``costo_eur`` (or ``costo``) column gives each candidate's cost in euros
    (Italian decimal commas are read); an empty cell means the cost is not known and the
    candidate is left out of budget plans only.

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
    cost = _costs(frame, problems)
    if problems:
        raise RegisterError(path, problems)
    name = frame["nome"] if "nome" in frame.columns else frame[id_column]
    columns = {
        "candidato": frame[id_column].astype(str),
        "nome": name.astype(str),
        "fonte": Path(path).name,
    }
    if cost is not None:
        columns["costo_eur"] = cost
    return gpd.GeoDataFrame(columns, geometry=frame.geometry.values, crs=WORK_CRS)


COST_COLUMNS = ("costo_eur", "costo")


def _costs(frame: pd.DataFrame, problems: list[str]) -> np.ndarray | None:
    """The candidates' costs in euros (NaN where empty); problems for anything else."""
    column = next((c for c in COST_COLUMNS if c in frame.columns), None)
    if column is None:
        return None
    raw = frame[column]
    text = raw.astype(str).str.strip().str.replace(".", "", regex=False)
    parsed = pd.to_numeric(raw, errors="coerce")
    # numbers read as text (e.g. "1.234,5" where the column mixes forms) get one more try
    retry = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    value = parsed.where(parsed.notna(), retry).to_numpy(dtype=float, na_value=np.nan)
    for position, row in enumerate(frame["_row"]):
        given = raw.iloc[position]
        if pd.isna(given) or not str(given).strip():
            continue
        if not np.isfinite(value[position]) or value[position] < 0:
            problems.append(
                Said(
                    f"row {row}, column '{column}': {given!r} is not a cost in euros (a number "
                    "≥ 0, e.g. 85000 or 85.000,50)",
                    f"riga {row}, colonna '{column}': {given!r} non è un costo in euro (un "
                    "numero ≥ 0, es. 85000 o 85.000,50)",
                )
            )
    return value


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
