"""Schools, hospitals, pharmacies and planned community-health facilities per comune.

Points are assigned to the comune they lie in; the comune declared by the source is kept
beside it, and points outside the CMM or in another comune than declared are flagged and
listed, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.errors import Said
from territorio.points import PointFileError, check_duplicates, check_inside
from territorio.spatial import assign_comune

PNRR_TYPES = {
    "Casa della Comunita'": "case_comunita_previste",
    "Ospedale di Comunita'": "ospedali_comunita_previsti",
    "Centrale Operativa Territoriale": "cot_previste",
}
UPPER_SECONDARY_TYPES = ("Liceo", "Istituto Tecnico", "Istituto Professionale")


def locate(
    points: gpd.GeoDataFrame, comuni: gpd.GeoDataFrame, declared: str | None
) -> gpd.GeoDataFrame:
    """Add the comune each point lies in, and flags.

    ``comune_geo`` is the comune the point lies in (None outside the CMM; a point on a shared
    border goes to its declared comune, see :func:`territorio.spatial.assign_comune`),
    ``fuori_cmm`` flags points outside it and ``comune_diverso`` points inside it but not in
    the declared comune.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> points = tt.locate_points(
    ...     tt.datasets.pharmacies_frame().to_crs(32632), territory.comuni, "com_istat_code"
    ... )
    >>> points[["codice_farmacia", "fuori_cmm", "comune_diverso"]].values.tolist()
    [['F0', False, False], ['F1', False, False], ['F2', False, False], ['F3', False, True],
     ['F4', True, False]]
    >>> points["comune_geo"].dropna().tolist()  # F3 declares 015003 but lies in 015006
    ['015001', '015001', '015002', '015006']
    """
    claimed = points[declared] if declared and declared in points.columns else None
    out = points.copy()
    out["comune_geo"] = assign_comune(points, comuni, claimed)
    out["fuori_cmm"] = pd.isna(out["comune_geo"])
    if declared and declared in out.columns:
        out["comune_dichiarato"] = out[declared]
        out["comune_diverso"] = ~out["fuori_cmm"] & (out["comune_geo"] != out[declared])
    else:
        out["comune_diverso"] = False
    return out


def count_per_comune(
    points: gpd.GeoDataFrame, codes: Iterable[str], mask: np.ndarray | None = None
) -> pd.Series:
    """Points per comune by location (0 where none); ``mask`` selects the points counted.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> pharmacies = tt.locate_points(
    ...     tt.datasets.pharmacies_frame().to_crs(32632), territory.comuni, "com_istat_code"
    ... )
    >>> tt.count_per_comune(pharmacies, territory.codes).tolist()
    [2, 1, 0, 0, 0, 1, 0, 0, 0]
    """
    selected = points if mask is None else points[mask]
    counts = selected["comune_geo"].dropna().value_counts()
    return counts.reindex(list(codes), fill_value=0).astype(int)


def students(sedi: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """Upper-secondary pupils per comune (state sedi; ``allievi_sede`` where known).

    Returns ``scuole_sec2_allievi`` and ``scuole_sec2_sedi_con_allievi`` (sedi with a number).

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> sedi = tt.locate_points(
    ...     tt.datasets.lombarde_frame().to_crs(32632), territory.comuni, "com_istat_code"
    ... )
    >>> tt.school_pupils(sedi, ["015005", "015007"]).values.tolist()
    [[120.0, 1.0], [80.0, 1.0]]
    """
    state = sedi[
        (sedi["classificazione"] == "Statale") & sedi["tipologia_sede"].isin(UPPER_SECONDARY_TYPES)
    ].copy()
    state["allievi"] = pd.to_numeric(state["allievi_sede"], errors="coerce")
    known = state[state["allievi"].notna()]
    out = pd.DataFrame(index=pd.Index(list(codes), name=KEY))
    out["scuole_sec2_allievi"] = (
        known.groupby("comune_geo")["allievi"].sum().reindex(out.index).fillna(0)
    )
    out["scuole_sec2_sedi_con_allievi"] = (
        known.groupby("comune_geo").size().reindex(out.index, fill_value=0).astype(int)
    )
    return out


def pnrr_counts(projects: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """Planned Case / Ospedali di Comunità and COT per comune, from the declared ISTAT code.

    Examples
    --------
    >>> import territorio as tt
    >>> projects = tt.datasets.pnrr_frame().rename(columns={"com_istat_code": "pro_com_t"})
    >>> tt.pnrr_health_counts(projects, ["015001", "015005"]).values.tolist()
    [[2, 0, 0], [0, 1, 0]]
    """
    out = pd.DataFrame(index=pd.Index(list(codes), name=KEY))
    for label, column in PNRR_TYPES.items():
        part = projects[projects["tipo_struttura"] == label]
        out[column] = part.groupby(KEY).size().reindex(out.index, fill_value=0).astype(int)
    return out


def flagged(frames: dict[str, gpd.GeoDataFrame], name_columns: dict[str, str]) -> pd.DataFrame:
    """One table of the points outside the CMM or outside their declared comune."""
    rows = []
    for layer, frame in frames.items():
        bad = frame[frame["fuori_cmm"] | frame["comune_diverso"]]
        for _, row in bad.iterrows():
            lon_lat = row.get("lon"), row.get("lat")
            rows.append(
                {
                    "strato": layer,
                    "nome": row.get(name_columns[layer]),
                    "comune_dichiarato": row.get("comune_dichiarato"),
                    "comune_geo": row["comune_geo"],
                    "problema": "fuori dalla CMM" if row["fuori_cmm"] else "in un altro comune",
                    "lon": lon_lat[0],
                    "lat": lon_lat[1],
                }
            )
    return pd.DataFrame(
        rows,
        columns=["strato", "nome", "comune_dichiarato", "comune_geo", "problema", "lon", "lat"],
    )


_TYPE_ALIASES = {
    "casa della comunita": "Casa della Comunita'",
    "casa della comunità": "Casa della Comunita'",
    "casa della comunita'": "Casa della Comunita'",
    "cdc": "Casa della Comunita'",
    "ospedale di comunita": "Ospedale di Comunita'",
    "ospedale di comunità": "Ospedale di Comunita'",
    "ospedale di comunita'": "Ospedale di Comunita'",
    "odc": "Ospedale di Comunita'",
    "centrale operativa territoriale": "Centrale Operativa Territoriale",
    "cot": "Centrale Operativa Territoriale",
}


def validate_community_points(
    frame: gpd.GeoDataFrame, problems: list[str], *, source: Path | str, area: shapely.Geometry
) -> gpd.GeoDataFrame:
    """Validate user coordinates of Case / Ospedali di Comunità and COT, row by row.

    The template is ``territorio/services/strutture_comunita_TEMPLATE.csv``; the file is read
    by :func:`territorio.readers.read_community_points`.

    Raises
    ------
    territorio.points.PointFileError
        Listing rows outside the CMM, swapped lat/lon, repeated CUP or place, unknown types.
    """
    types = []
    for row, value in zip(frame["_row"], frame["tipo_struttura"], strict=True):
        label = _TYPE_ALIASES.get(str(value).strip().lower())
        if label is None:
            problems.append(
                Said(
                    f"row {row}, column 'tipo_struttura': {value!r}; expected Casa della "
                    "Comunità, Ospedale di Comunità or Centrale Operativa Territoriale (COT)",
                    f"riga {row}, colonna 'tipo_struttura': {value!r}; atteso Casa della "
                    "Comunità, Ospedale di Comunità o Centrale Operativa Territoriale (COT)",
                )
            )
        types.append(label)
    check_duplicates(frame, "cup", problems)
    check_inside(frame, area, area_name="the CMM", problems=problems)
    if problems:
        raise PointFileError(source, problems)
    name = frame["denominazione"] if "denominazione" in frame.columns else frame["cup"]
    return gpd.GeoDataFrame(
        {"cup": frame["cup"].astype(str), "tipo_struttura": types, "denominazione": name},
        geometry=frame.geometry.values,
        crs=frame.crs,
    )
