"""Proximity measures on the accessibility engine.

Facility → nearest interchange node, and the share of residents within a time of any facility
(one multi-source pass from the facilities).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.network.times import AccessResult, cell_times, solve_mode
from territorio.population import PopulationGrid


def to_nearest_node(points: gpd.GeoDataFrame, access: AccessResult) -> pd.DataFrame:
    """Walking time from each point to its nearest interchange node, with that node's service.

    Points inside the network extract are measured on the network (``metodo`` ``rete``),
    others by straight-line distance × the measured circuity (``stima``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``points``: ``nodo_id``, ``nodo_nome``, ``nodo_modi``, ``nodo_linee``,
        ``nodo_corse_giorno_ferrovia``, ``tempo_piedi_nodo_min``, ``metodo``.

    Examples
    --------
    >>> import territorio as tt
    >>> data = tt.datasets.synthetic_access()
    >>> access = tt.access_to_nodes(data.network, data.stations, data.grid, data.codes)
    >>> schools = tt.datasets.schools_frame().to_crs(32632)
    >>> near = tt.time_to_nearest_node(schools, access)
    >>> near[["nodo_nome", "tempo_piedi_nodo_min", "metodo"]].round(1).values.tolist()
    [['Centro', 6.7, 'rete'], ['Centro', 6.7, 'rete'], ['Nord', 0.4, 'rete'],
     ['Centro', 24.0, 'stima']]
    """
    xy = shapely.get_coordinates(points.geometry.values)
    probe = PopulationGrid(xy, np.zeros(len(xy)), np.zeros(len(xy), dtype=int))
    times = cell_times(
        access.network, access.stations, {"walk": access.modes["walk"]}, probe, access.area
    )
    station = times.station["walk"]
    stations = access.stations.reset_index(drop=True)
    pick = np.maximum(station, 0)
    out = pd.DataFrame(index=points.index)
    found = station >= 0
    for column, source in (
        ("nodo_id", "nodo_id"),
        ("nodo_nome", "nome"),
        ("nodo_modi", "modi"),
        ("nodo_linee", "linee"),
        ("nodo_corse_giorno_ferrovia", "corse_giorno_ferrovia"),
    ):
        values = stations[source].to_numpy()[pick].astype(object)
        values[~found] = None
        out[column] = values
    minutes = times.minutes["walk"]
    out["tempo_piedi_nodo_min"] = np.where(np.isfinite(minutes), minutes, np.nan)
    out["metodo"] = np.where(times.in_network, "rete", "stima")
    return out


def residents_within(
    points: gpd.GeoDataFrame,
    access: AccessResult,
    mode: str,
    minutes: float,
    speed_kmh: float,
    max_snap_m: float,
    codes: np.ndarray,
) -> pd.DataFrame:
    """Residents of each comune within ``minutes`` of any point (one pass from all points).

    Returns ``ab`` (residents) and ``pct`` per ``pro_com_t``, on the same grid as the access
    indicators (its population model; straight-line estimate outside the extract).

    Examples
    --------
    >>> import territorio as tt
    >>> data = tt.datasets.synthetic_access()
    >>> access = tt.access_to_nodes(data.network, data.stations, data.grid, data.codes)
    >>> schools = tt.datasets.schools_frame().to_crs(32632)
    >>> within = tt.residents_within(schools, access, "bike", 5, 15.0, 300.0, data.codes)
    >>> within["pct"].round(1).tolist()
    [3.2, 50.0, 100.0, 50.0, 100.0, 66.8, 100.0, 50.0, 6.5]
    """
    result = solve_mode(
        access.network, points, mode, speed_kmh, max_snap_m, access.min_component_share
    )
    grid = access.times.grid
    times = cell_times(access.network, points, {mode: result}, grid, access.area)
    within = times.minutes[mode] <= minutes
    reached = np.bincount(grid.zone, weights=grid.residents * within, minlength=len(codes))
    total = np.bincount(grid.zone, weights=grid.residents, minlength=len(codes))
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(total > 0, 100.0 * reached / total, np.nan)
    return pd.DataFrame({"ab": reached, "pct": pct}, index=pd.Index(codes, name=KEY))
