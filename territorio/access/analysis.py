"""Walking and cycling access to interchange nodes: stations, times per cell, per-comune shares.

Stations merged and classed (:func:`build_stations`) → one multi-source pass per mode over the
street network and every cell of the population grid snapped to it
(:mod:`territorio.network.times`) → per-comune shares of residents and area within each time
threshold (:func:`comune_indicators`). :func:`access_to_nodes` does it all from arrays and
frames; reading the layers is :func:`territorio.loaders.load_access_inputs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.access.nodes import gtfs_departures, lum_classes, merge_colocated, metro_termini
from territorio.codes import KEY
from territorio.network.graph import StreetNetwork
from territorio.network.tiles import Mapper, embedded_map, grid_labels
from territorio.network.times import AccessResult, CellTimes, cell_times, network_area, solve_mode
from territorio.population import PopulationGrid
from territorio.spatial import assign_comune

MODES = {"walk": "piedi", "bike": "bici"}


def build_stations(
    entries: gpd.GeoDataFrame,
    rail: gpd.GeoDataFrame,
    gtfs: Mapping[str, pd.DataFrame],
    comuni: gpd.GeoDataFrame,
    *,
    merge_distance_m: float = 150.0,
    class1_min_lines: int = 4,
    min_peak_frequency: float = 0.0,
) -> gpd.GeoDataFrame:
    """Interchange nodes merged into stations, with LUM class and rail service level.

    Rail departures per day and lines come from the GTFS feed on its busiest Tuesday to
    Thursday, matched through the rail layer's ``gtfs2023_stop_id``.

    Parameters
    ----------
    entries
        Interchange-node entries (rail and metro) with ``mode``, ``lines``, ``freq_punta_ora``.
    rail
        Rail stations with ``rfi_code`` and ``gtfs2023_stop_id``.
    gtfs
        The rail GTFS feed, table name → DataFrame.
    comuni
        ``pro_com_t`` and polygons: each station gets the comune it lies in.
    merge_distance_m, class1_min_lines, min_peak_frequency
        As in ``[access]`` of the run config.

    Examples
    --------
    >>> import territorio as tt
    >>> d = tt.datasets
    >>> stations = tt.build_stations(
    ...     d.entries_frame(),
    ...     d.rail_frame().to_crs(32632),
    ...     d.gtfs_tables(),
    ...     d.synthetic_territory().comuni,
    ... )
    >>> stations[["nome", "modi", "linee", "classe_lum", "corse_giorno_ferrovia"]].values.tolist()
    [['Centro', 'ferrovia', 'S1;S2;S3;S4', 1, 2.0],
     ['Nord', 'metro', 'M1;M2', 2, nan],
     ['Lontana', 'ferrovia', 'S5', 2, nan]]
    >>> stations["pro_com_t"].notna().tolist()  # Lontana lies outside the territory
    [True, True, False]
    """
    stations = merge_colocated(entries, merge_distance_m)
    termini = metro_termini(entries[entries["mode"] == "metro"])
    stations["classe_lum"] = lum_classes(stations, termini, class1_min_lines=class1_min_lines)
    departures = gtfs_departures(gtfs)
    stop_of = pd.Series(rail["gtfs2023_stop_id"].to_numpy(), index="rail:" + rail["rfi_code"])
    per_entry = stop_of.map(departures["corse_giorno"])
    lines_entry = stop_of.map(departures["linee_gtfs"])
    counts, lines = [], []
    for originals in stations["id_originali"]:
        ids = [i for i in originals.split(";") if i in per_entry.index]
        values = per_entry.reindex(ids).dropna()
        counts.append(float(values.sum()) if len(values) else np.nan)
        lines.append(
            ";".join(sorted({x for v in lines_entry.reindex(ids).dropna() for x in v.split(";")}))
        )
    stations["corse_giorno_ferrovia"] = counts
    stations["linee_ferrovia_gtfs"] = lines
    stations.attrs["giorno_servizio_gtfs"] = departures.attrs["day"]
    stations[KEY] = assign_comune(stations, comuni)
    if min_peak_frequency > 0:
        stations = stations[stations["freq_punta_ora"] >= min_peak_frequency]
    return stations.reset_index(drop=True)


def comune_indicators(
    times: CellTimes, codes: np.ndarray, thresholds: list[int], min_network_share: float
) -> pd.DataFrame:
    """Shares of area and residents within each threshold, median minutes, method.

    ``times.grid.zone`` indexes ``codes`` (the comuni the grid was built on).

    Examples
    --------
    >>> import territorio as tt
    >>> data = tt.datasets.synthetic_access()
    >>> access = tt.access_to_nodes(data.network, data.stations, data.grid, data.codes)
    >>> shares = tt.access_shares(access.times, data.codes, [10], 0.99)
    >>> row = shares.loc["015004"]
    >>> float(row["accesso_10min_piedi_pct"]), float(row["accesso_10min_bici_pct"])
    (52.5, 100.0)
    >>> row["accesso_metodo"]
    'rete'
    """
    grid = times.grid
    codes = np.asarray(codes)
    frame = pd.DataFrame({"zone": grid.zone, "res": grid.residents, "rete": times.in_network})
    out = pd.DataFrame(index=pd.Index(codes, name=KEY))
    by_zone = frame.groupby("zone")
    residents = by_zone["res"].sum().reindex(range(len(codes))).to_numpy()
    for mode, label in MODES.items():
        if mode not in times.minutes:
            continue
        minutes = times.minutes[mode]
        for limit in thresholds:
            within = minutes <= limit
            area = pd.Series(within).groupby(grid.zone).mean().reindex(range(len(codes))).to_numpy()
            reached = np.bincount(grid.zone, weights=grid.residents * within, minlength=len(codes))
            out[f"accesso_{limit}min_{label}_ab"] = reached
            out[f"accesso_{limit}min_{label}_pct"] = 100.0 * reached / residents
            out[f"accesso_{limit}min_{label}_area_pct"] = 100.0 * area
        median = pd.Series(minutes).groupby(grid.zone).median().reindex(range(len(codes)))
        out[f"tempo_mediano_{label}_min"] = median.replace(np.inf, np.nan).to_numpy()
    share = by_zone["rete"].mean().reindex(range(len(codes))).to_numpy()
    out["accesso_quota_rete_pct"] = 100.0 * share
    out["accesso_metodo"] = np.where(share >= min_network_share, "rete", "stima")
    return out


def access_to_nodes(
    network: StreetNetwork,
    stations: gpd.GeoDataFrame,
    grid: PopulationGrid,
    codes: np.ndarray,
    *,
    area: shapely.Geometry | None = None,
    walk_speed_kmh: float = 4.5,
    bike_speed_kmh: float = 15.0,
    max_snap_m: float = 300.0,
    thresholds_min: tuple[int, ...] | list[int] = (5, 10, 15),
    min_network_share: float = 0.99,
    min_component_share: float = 0.01,
    network_file: Path | None = None,
    tile_m: float = 0.0,
    mapper: Mapper = embedded_map,
) -> AccessResult:
    """Walking and cycling times to the nearest station, and the shares per comune.

    Parameters
    ----------
    network
        The street network (EPSG:32632).
    stations
        Points with ``nodo_id``, ``nome``, ``classe_lum`` (see :func:`build_stations`).
    grid
        Residents per cell; ``grid.zone`` indexes ``codes``.
    codes
        ``pro_com_t`` of the comuni the grid was built on, in order.
    area
        Extent of the network extract; cells outside it get the straight-line estimate.
        Default: the hull of the network's nodes.
    walk_speed_kmh, bike_speed_kmh, max_snap_m, thresholds_min, min_network_share
        As in ``[access]`` of the run config.
    min_component_share
        Street components with at least this share of a mode's nodes (and the largest) make
        the main network; stations and cells snap only to it.
    network_file
        The OSM file the network came from (recorded in the layers).
    tile_m
        Side of square tiles (metres) for the street searches; 0 = one search on the whole
        network. Tiled, each mode's search stops at the largest threshold (times beyond it are
        "beyond", ``inf``) and equals the untiled search bounded the same way.
    mapper
        Runs the tile tasks (:class:`territorio.scheduler.Scheduler` ``map``; default here).

    Returns
    -------
    AccessResult
        ``indicators`` indexed by ``pro_com_t``: ``accesso_<t>min_<piedi|bici>_ab``, ``_pct``,
        ``_area_pct``, ``tempo_mediano_<piedi|bici>_min``, ``accesso_quota_rete_pct``,
        ``accesso_metodo``; stations gain ``dist_rete_m`` and ``in_rete`` (walking network)
        and, per mode (``piedi``, ``bici``), ``dist_nodo_<mode>_m`` (to the main-network node
        used), ``frammento_<mode>`` (the nearest node was on a cut-off fragment) and
        ``dist_frammento_<mode>_m`` (to that fragment node).

    Examples
    --------
    >>> import territorio as tt
    >>> data = tt.datasets.synthetic_access()
    >>> result = tt.access_to_nodes(data.network, data.stations, data.grid, data.codes)
    >>> result.indicators["accesso_15min_piedi_pct"].round(1).tolist()
    [15.3, 15.2, 0.0, 85.8, 79.5, 0.0, 100.0, 36.5, 0.0]
    >>> result.indicators["accesso_metodo"].tolist()  # the streets cover two columns of three
    ['rete', 'rete', 'stima', 'rete', 'rete', 'stima', 'rete', 'rete', 'stima']
    """
    stations = stations.reset_index(drop=True).copy()
    speeds = {"walk": walk_speed_kmh, "bike": bike_speed_kmh}
    reach_m = {mode: max(thresholds_min) * speed * 1000.0 / 60.0 for mode, speed in speeds.items()}
    tiles = None
    if tile_m > 0:
        tiles = grid_labels(np.column_stack([network.x, network.y]), tile_m)
    modes = {
        mode: solve_mode(
            network,
            stations,
            mode,
            speed,
            max_snap_m,
            min_component_share,
            # tiled: exact up to the largest threshold, the halo's width
            limit_m=reach_m[mode] if tiles is not None else np.inf,
            tiles=tiles,
            mapper=mapper,
        )
        for mode, speed in speeds.items()
    }
    stations["dist_rete_m"] = modes["walk"].station_snap_m
    stations["in_rete"] = modes["walk"].usable
    for mode, label in MODES.items():
        stations[f"dist_nodo_{label}_m"] = modes[mode].station_snap_m
        stations[f"frammento_{label}"] = modes[mode].station_fragment
        stations[f"dist_frammento_{label}_m"] = modes[mode].station_fragment_m
    area = network_area(network, ()) if area is None else area
    times = cell_times(network, stations, modes, grid, area, circuity_within_m=reach_m)
    indicators = comune_indicators(times, codes, list(thresholds_min), min_network_share)
    return AccessResult(
        network, stations, modes, times, indicators, area, network_file, min_component_share
    )
