"""Walking and cycling access to interchange nodes: stations, times per cell, per-comune shares.

Pipeline: street network (cached arrays) → stations merged and classed → per mode, stations
snapped to the mode's graph (far ones reported, not snapped) and joined by virtual edges of
their snap length → one multi-source Dijkstra pass → every cell of a regular grid snapped to
its nearest node → minutes to the nearest station. Cells outside the network extract get the
straight-line distance times a circuity factor measured on the covered network (``stima``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack
from scipy.spatial import cKDTree

from territorio.access.config import AccessConfig
from territorio.access.engine import connected_nodes, nearest_source, snap
from territorio.access.network import StreetNetwork, load_network
from territorio.access.nodes import gtfs_departures, lum_classes, merge_colocated, metro_termini
from territorio.catalog import Catalog
from territorio.codes import KEY
from territorio.digital.siting import PopulationGrid, uniform_population_grid
from territorio.readers import WORK_CRS
from territorio.territory import Territory

MODES = {"walk": "piedi", "bike": "bici"}
NETWORK_LAYER = "osm_milano_2015_highways"


def network_source(
    catalog: Catalog, cfg: AccessConfig, base: Path | None = None
) -> tuple[Path, str | None, tuple]:
    """The OSM file to use, its verified sha256 (catalogue files) and the extract's box."""
    if cfg.network:
        path = Path(cfg.network) if base is None else (base / cfg.network).resolve()
        return path, None, tuple(cfg.network_box) or _header_box(path)
    path = catalog.verify_checksum(NETWORK_LAYER)
    catalog.used[NETWORK_LAYER] = path
    manifest = catalog.manifest(NETWORK_LAYER)
    box = tuple(cfg.network_box) or manifest.bbox or _header_box(path)
    return path, manifest.sha256, box


def _header_box(path: Path) -> tuple:
    try:
        import osmium

        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        box = reader.header().box()
        reader.close()
    except Exception:  # an unreadable header only means no box: the node hull is used instead
        return ()
    if not box.valid():
        return ()
    return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)


def load_stations(catalog: Catalog, territory: Territory, cfg: AccessConfig) -> gpd.GeoDataFrame:
    """Interchange nodes merged into stations, with LUM class and rail service level.

    Rail departures per day and lines come from the Trenord GTFS on its busiest Tuesday to
    Thursday, matched through the rail layer's ``gtfs2023_stop_id``.
    """
    entries = catalog.read("nodi_interscambio")
    stations = merge_colocated(entries, cfg.merge_distance_m)
    termini = metro_termini(entries[entries["mode"] == "metro"])
    stations["classe_lum"] = lum_classes(stations, termini, class1_min_lines=cfg.class1_min_lines)
    rail = catalog.read("stazioni_ferroviarie")
    departures = gtfs_departures(catalog.read("gtfs_trenord_2023"))
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
    within = shapely.STRtree(territory.comuni.geometry.values).query(
        stations.geometry.values, predicate="within"
    )
    codes = np.full(len(stations), None, dtype=object)
    codes[within[0]] = territory.comuni[KEY].to_numpy()[within[1]]
    stations[KEY] = codes
    if cfg.min_peak_frequency > 0:
        stations = stations[stations["freq_punta_ora"] >= cfg.min_peak_frequency]
    return stations.reset_index(drop=True)


@dataclass
class ModeResult:
    """Travel to the nearest usable station in one mode.

    Attributes
    ----------
    mode, speed_kmh
        ``walk`` or ``bike`` and its speed.
    node_distance
        Network metres from each network node to its nearest station (incl. the station's snap).
    node_station
        Index of that station in the stations table, -1 where unreachable.
    station_node, station_snap_m
        Nearest graph node of each station and its distance.
    usable
        Stations within ``max_snap_m`` of the graph.
    nodes
        Graph nodes that have an edge in this mode.
    """

    mode: str
    speed_kmh: float
    node_distance: np.ndarray
    node_station: np.ndarray
    station_node: np.ndarray
    station_snap_m: np.ndarray
    usable: np.ndarray
    nodes: np.ndarray

    def minutes(self, metres: np.ndarray) -> np.ndarray:
        """Metres to minutes at this mode's speed."""
        return metres / (self.speed_kmh * 1000.0 / 60.0)


def solve_mode(
    network: StreetNetwork,
    stations: gpd.GeoDataFrame,
    mode: str,
    speed_kmh: float,
    max_snap_m: float,
) -> ModeResult:
    """One multi-source pass from all usable stations over the mode's graph."""
    graph = network.mode_graph(mode)
    nodes = connected_nodes(graph)
    node_xy = np.column_stack([network.x, network.y])
    station_xy = shapely.get_coordinates(stations.geometry.values)
    snapped = snap(node_xy, station_xy, nodes)
    usable = snapped.distance <= max_snap_m
    k = np.flatnonzero(usable)
    n = graph.shape[0]
    # a virtual node per station, joined to its nearest graph node by an edge of the snap length
    virtual = coo_matrix(
        (np.maximum(snapped.distance[k], 1e-3), (snapped.node[k], np.arange(len(k)))),
        shape=(n, len(k)),
    ).tocsr()
    back = virtual.T.tocsr() if mode == "walk" else csr_matrix((len(k), n))
    augmented = vstack(
        [hstack([graph, virtual]), hstack([back, csr_matrix((len(k), len(k)))])]
    ).tocsr()
    result = nearest_source(augmented, n + np.arange(len(k)), to_sources=True)
    station = np.where(result.source[:n] >= 0, k[np.maximum(result.source[:n], 0)], -1)
    return ModeResult(
        mode, speed_kmh, result.distance[:n], station, snapped.node, snapped.distance, usable, nodes
    )


@dataclass
class CellTimes:
    """Minutes to the nearest station for every grid cell, per mode."""

    grid: PopulationGrid
    in_network: np.ndarray
    minutes: dict[str, np.ndarray] = field(default_factory=dict)
    metres: dict[str, np.ndarray] = field(default_factory=dict)
    station: dict[str, np.ndarray] = field(default_factory=dict)
    circuity: dict[str, float] = field(default_factory=dict)
    unreachable: dict[str, int] = field(default_factory=dict)  # graph nodes reaching no station


def network_area(network: StreetNetwork, box: tuple) -> shapely.Geometry:
    """The extract's extent in EPSG:32632: its box, else the hull of its nodes."""
    if box:
        to_work = Transformer.from_crs(4326, WORK_CRS, always_xy=True)
        lon0, lat0, lon1, lat1 = box
        corners = np.array(to_work.transform([lon0, lon1, lon1, lon0], [lat0, lat0, lat1, lat1])).T
        return shapely.Polygon(corners)
    return shapely.convex_hull(shapely.multipoints(np.column_stack([network.x, network.y])))


def cell_times(
    network: StreetNetwork,
    stations: gpd.GeoDataFrame,
    results: dict[str, ModeResult],
    grid: PopulationGrid,
    area: shapely.Geometry,
) -> CellTimes:
    """Minutes per cell: on the network inside the extract, estimated outside it."""
    inside = shapely.contains_xy(area, grid.xy[:, 0], grid.xy[:, 1])
    out = CellTimes(grid, inside)
    node_xy = np.column_stack([network.x, network.y])
    station_xy = shapely.get_coordinates(stations.geometry.values)
    for mode, result in results.items():
        # a cell is reached from the nearest street that leads to a station: snapping to a
        # disconnected fragment would make it unreachable for no real reason
        reachable = result.nodes[np.isfinite(result.node_distance[result.nodes])]
        snapped = snap(node_xy, grid.xy, reachable)
        metres = snapped.distance + result.node_distance[snapped.node]
        station = result.node_station[snapped.node]
        # circuity: network over straight-line distance to the same station, on covered cells
        ok = inside & np.isfinite(metres) & (station >= 0)
        straight = np.full(len(metres), np.nan)
        straight[ok] = np.hypot(*(grid.xy[ok] - station_xy[station[ok]]).T)
        sample = ok & (straight > 300)
        circuity = float(np.median(metres[sample] / straight[sample])) if sample.any() else 1.3
        # outside the extract every station counts, reachable on the network or not
        euclid, nearest = cKDTree(station_xy).query(grid.xy)
        metres = np.where(inside, metres, euclid * circuity)
        station = np.where(inside, station, nearest)
        out.metres[mode] = metres
        out.minutes[mode] = result.minutes(metres)
        out.station[mode] = station
        out.circuity[mode] = circuity
        out.unreachable[mode] = int((~np.isfinite(result.node_distance[result.nodes])).sum())
    return out


def comune_indicators(
    times: CellTimes, territory: Territory, thresholds: list[int], min_network_share: float
) -> pd.DataFrame:
    """Shares of area and residents within each threshold, median minutes, method."""
    grid = times.grid
    codes = territory.comuni[KEY].to_numpy()
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


@dataclass
class AccessResult:
    """Everything an accessibility run computed."""

    network: StreetNetwork
    stations: gpd.GeoDataFrame
    modes: dict[str, ModeResult]
    times: CellTimes
    indicators: pd.DataFrame
    area: shapely.Geometry
    network_file: Path


def run_access(
    catalog: Catalog,
    territory: Territory,
    cfg: AccessConfig,
    *,
    base: Path | None = None,
    progress=None,
) -> AccessResult:
    """Compute accessibility for both modes over the CMM."""
    path, sha, box = network_source(catalog, cfg, base)
    network = load_network(path, sha256=sha, progress=progress)
    stations = load_stations(catalog, territory, cfg)
    modes = {
        "walk": solve_mode(network, stations, "walk", cfg.walk_speed_kmh, cfg.max_snap_m),
        "bike": solve_mode(network, stations, "bike", cfg.bike_speed_kmh, cfg.max_snap_m),
    }
    walk = modes["walk"]
    stations["dist_rete_m"] = walk.station_snap_m
    stations["in_rete"] = walk.usable
    grid = uniform_population_grid(territory.comuni, territory.population(), cfg.cell_m)
    area = network_area(network, box)
    times = cell_times(network, stations, modes, grid, area)
    indicators = comune_indicators(times, territory, cfg.thresholds_min, cfg.min_network_share)
    return AccessResult(network, stations, modes, times, indicators, area, path)
