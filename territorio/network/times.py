"""Travel over a street network to the nearest of a set of sources, per mode and per cell.

Per mode the sources are snapped to the mode's graph (far ones reported, not snapped) and
joined by virtual edges of their snap length; one multi-source Dijkstra pass gives every node
its distance to the nearest source; every cell of a population grid is snapped to its nearest
node. Cells outside the network extract get the straight-line distance times a circuity factor
measured on the covered network (``stima``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse import csr_matrix, hstack, vstack
from scipy.sparse.csgraph import breadth_first_order
from scipy.spatial import cKDTree

from territorio.crs import WORK_CRS
from territorio.network.engine import connected_nodes, main_network_nodes, snap
from territorio.network.graph import StreetNetwork
from territorio.network.tiles import Mapper, embedded_map, nearest_station, tiled_nearest_station
from territorio.population import PopulationGrid


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
        Node of the main network each station is joined to, and its distance.
    usable
        Stations within ``max_snap_m`` of the main network.
    nodes
        Graph nodes of the main network in this mode (see
        :func:`territorio.network.engine.main_network_nodes`).
    station_fragment
        Stations whose nearest node of the mode's graph lay in a fragment cut off from the main
        network (they are joined to the nearest main-network node instead).
    station_fragment_m
        Distance to that fragment node (NaN for the others).
    """

    mode: str
    speed_kmh: float
    node_distance: np.ndarray
    node_station: np.ndarray
    station_node: np.ndarray
    station_snap_m: np.ndarray
    usable: np.ndarray
    nodes: np.ndarray
    station_fragment: np.ndarray | None = None
    station_fragment_m: np.ndarray | None = None
    graph_nodes: np.ndarray | None = None  # every node with an edge, fragments included
    reaching: np.ndarray | None = None  # per node: some station can be reached, at any length

    def minutes(self, metres: np.ndarray) -> np.ndarray:
        """Metres to minutes at this mode's speed."""
        return metres / (self.speed_kmh * 1000.0 / 60.0)


def solve_mode(
    network: StreetNetwork,
    stations: gpd.GeoDataFrame,
    mode: str,
    speed_kmh: float,
    max_snap_m: float,
    min_component_share: float = 0.01,
    *,
    limit_m: float = np.inf,
    tiles: np.ndarray | None = None,
    mapper: Mapper = embedded_map,
) -> ModeResult:
    """One multi-source pass from all usable stations over the mode's main network.

    Stations snap only to nodes of the main network (``min_component_share``: see
    :func:`territorio.network.engine.main_network_nodes`); those whose nearest node lies in a
    fragment are flagged with that node's distance. Snapping and components are computed on
    the whole network; only the search is tiled.

    Parameters
    ----------
    limit_m
        Distances beyond it are ``inf``; required (finite) with ``tiles``.
    tiles
        Tile label per network node (:func:`territorio.network.tiles.grid_labels`): the search
        runs tile by tile with a halo of ``limit_m + max_snap_m``, exactly as on the whole graph.
    mapper
        Runs the tile tasks (a scheduler's ``map``; default in this process).
    """
    graph = network.mode_graph(mode)
    nodes = main_network_nodes(graph, min_component_share)
    node_xy = np.column_stack([network.x, network.y])
    station_xy = shapely.get_coordinates(stations.geometry.values)
    graph_nodes = connected_nodes(graph)
    nearest = snap(node_xy, station_xy, graph_nodes)
    snapped = snap(node_xy, station_xy, nodes)
    # a fragment matters only where the station would have been snapped to it
    on_fragment = (
        (nearest.node >= 0) & ~np.isin(nearest.node, nodes) & (nearest.distance <= max_snap_m)
    )
    fragment_m = np.where(on_fragment, nearest.distance, np.nan)
    usable = snapped.distance <= max_snap_m
    k = np.flatnonzero(usable)
    if tiles is None:
        distance, found = nearest_station(
            graph, snapped.node[k], snapped.distance[k], symmetric=mode == "walk", limit_m=limit_m
        )
    else:
        distance, found = tiled_nearest_station(
            graph,
            node_xy,
            snapped.node[k],
            snapped.distance[k],
            symmetric=mode == "walk",
            limit_m=limit_m,
            labels=tiles,
            max_snap_m=max_snap_m,
            mapper=mapper,
        )
    station = np.where(found >= 0, k[np.maximum(found, 0)], -1)
    reaching = reaches_any(graph, snapped.node[k])
    return ModeResult(
        mode,
        speed_kmh,
        distance,
        station,
        snapped.node,
        snapped.distance,
        usable,
        nodes,
        on_fragment,
        fragment_m,
        graph_nodes,
        reaching,
    )


def reaches_any(graph: csr_matrix, targets: np.ndarray) -> np.ndarray:
    """Per node, whether a path leads from it to one of ``targets`` (breadth-first, no lengths).

    Which nodes lead to a station does not depend on how far a search goes, so a bounded or
    tiled search snaps cells to the same nodes as an unbounded one.

    Examples
    --------
    >>> line = csr_matrix(([1.0, 1.0], ([0, 1], [1, 2])), shape=(4, 4))  # 0 → 1 → 2, 3 alone
    >>> reaches_any(line, np.array([2])).tolist(), reaches_any(line, np.array([0])).tolist()
    ([True, True, True, False], [True, False, False, False])
    """
    n = graph.shape[0]
    targets = np.unique(np.asarray(targets, dtype=np.int64))
    out = np.zeros(n, dtype=bool)
    if not len(targets):
        return out
    # a super-node with an edge to every target, searched backwards along the edges
    reverse = graph.T.tocsr()
    hub = csr_matrix((np.ones(len(targets)), (np.zeros(len(targets)), targets)), shape=(1, n))
    augmented = vstack([hstack([reverse, csr_matrix((n, 1))]), hstack([hub, csr_matrix((1, 1))])])
    order = breadth_first_order(augmented.tocsr(), n, directed=True, return_predecessors=False)
    out[order[order < n]] = True
    return out


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
    circuity_within_m: dict[str, float] | None = None,
) -> CellTimes:
    """Minutes per cell: on the network inside the extract, estimated outside it.

    ``circuity_within_m``: per mode, measure the circuity on cells at most this far from their
    station on the network (the largest threshold: the trips the indicators count, and what a
    bounded or tiled search measures too); default every covered cell.
    """
    inside = shapely.contains_xy(area, grid.xy[:, 0], grid.xy[:, 1])
    out = CellTimes(grid, inside)
    node_xy = np.column_stack([network.x, network.y])
    station_xy = shapely.get_coordinates(stations.geometry.values)
    for mode, result in results.items():
        # a cell is reached from the nearest street that leads to a station: snapping to a
        # disconnected fragment would make it unreachable for no real reason
        leads = np.isfinite(result.node_distance) if result.reaching is None else result.reaching
        reachable = result.nodes[leads[result.nodes]]
        snapped = snap(node_xy, grid.xy, reachable)
        metres = snapped.distance + result.node_distance[snapped.node]
        station = result.node_station[snapped.node]
        # circuity: network over straight-line distance to the same station, on covered cells
        ok = inside & np.isfinite(metres) & (station >= 0)
        straight = np.full(len(metres), np.nan)
        straight[ok] = np.hypot(*(grid.xy[ok] - station_xy[station[ok]]).T)
        sample = ok & (straight > 300)
        if circuity_within_m and mode in circuity_within_m:
            sample &= metres <= circuity_within_m[mode]
        circuity = float(np.median(metres[sample] / straight[sample])) if sample.any() else 1.3
        # outside the extract every station counts, reachable on the network or not
        euclid, nearest = cKDTree(station_xy).query(grid.xy)
        metres = np.where(inside, metres, euclid * circuity)
        station = np.where(inside, station, nearest)
        out.metres[mode] = metres
        out.minutes[mode] = result.minutes(metres)
        out.station[mode] = station
        out.circuity[mode] = circuity
        counted = result.nodes if result.graph_nodes is None else result.graph_nodes
        out.unreachable[mode] = int((~leads[counted]).sum())
    return out


@dataclass
class AccessResult:
    """Everything an accessibility run computed.

    Examples
    --------
    >>> import territorio as tt
    >>> data = tt.datasets.synthetic_access()
    >>> result = tt.access_to_nodes(data.network, data.stations, data.grid, data.codes)
    >>> result.stations[["nome", "in_rete"]].values.tolist(), result.times.circuity["walk"] > 1
    ([['Centro', True], ['Nord', True], ['Lontana', False]], True)
    """

    network: StreetNetwork
    stations: gpd.GeoDataFrame
    modes: dict[str, ModeResult]
    times: CellTimes
    indicators: pd.DataFrame
    area: shapely.Geometry
    network_file: Path
    min_component_share: float = 0.01
