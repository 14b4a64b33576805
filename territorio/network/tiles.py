"""Exact tiling of a nearest-station search: each tile plus a halo as wide as the cutoff.

A network path is never shorter than the straight line between its ends, so every node of a
shortest path of length ``d`` lies within ``d`` of where it starts. For the nodes a tile owns,
the search bounded by ``limit_m`` therefore needs only the nodes within ``limit_m`` of the
tile (its halo) and the stations within ``limit_m + max_snap_m``: on that subgraph it gives
exactly the distances of the whole graph — the same relaxations in the same order, so the
same floating-point sums. Tiles are independent tasks (:class:`TileTask`, pure data) that any
executor runs: a plain ``map`` in the embedded run, a Dask cluster with ``--scheduler``
(:mod:`territorio.scheduler`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack
from scipy.sparse.csgraph import dijkstra


@dataclass(frozen=True)
class TileTask:
    """One tile of a nearest-station search: the nodes it answers for and its halo's box.

    Attributes
    ----------
    tile
        Tile label (e.g. ``"3_5"`` on a grid, a province code).
    owned
        Global indices of the nodes the tile answers for.
    low, high
        Corners of the halo: the box of the owned nodes grown by the halo width.
    """

    tile: str
    owned: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class SearchData:
    """What every tile reads: the mode's graph, the nodes (also sorted by x), the stations.

    Sent once to each worker (Dask broadcasts it); a tile takes its halo from it.
    """

    graph: csr_matrix
    node_xy: np.ndarray
    by_x: np.ndarray
    x_sorted: np.ndarray
    station_node: np.ndarray
    station_snap_m: np.ndarray

    @classmethod
    def build(
        cls,
        graph: csr_matrix,
        node_xy: np.ndarray,
        station_node: np.ndarray,
        station_snap_m: np.ndarray,
    ) -> SearchData:
        """Index the nodes by x once for every tile's halo lookup."""
        by_x = np.argsort(node_xy[:, 0], kind="stable")
        return cls(
            graph.tocsr(),
            node_xy,
            by_x,
            node_xy[by_x, 0],
            np.asarray(station_node, dtype=np.int64),
            np.asarray(station_snap_m, dtype=np.float64),
        )

    def halo(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Indices (ascending) of the nodes inside the box ``low``–``high``."""
        start = np.searchsorted(self.x_sorted, low[0], side="left")
        stop = np.searchsorted(self.x_sorted, high[0], side="right")
        strip = self.by_x[start:stop]
        y = self.node_xy[strip, 1]
        return np.sort(strip[(y >= low[1]) & (y <= high[1])])


@dataclass(frozen=True)
class TileResult:
    """Distances and nearest station of a tile's owned nodes."""

    tile: str
    owned: np.ndarray
    distance: np.ndarray
    station: np.ndarray


def nearest_station(
    graph: csr_matrix,
    station_node: np.ndarray,
    station_snap_m: np.ndarray,
    *,
    symmetric: bool,
    limit_m: float = np.inf,
) -> tuple[np.ndarray, np.ndarray]:
    """Network metres from every node to its nearest station, and which station it is.

    Each station is a virtual node joined to ``station_node`` by an edge of its snap length;
    one multi-source Dijkstra pass from the virtual nodes over the transposed graph measures
    node → station along one-way streets the way they run.

    Parameters
    ----------
    graph
        Edge lengths, ``graph[i, j]`` from node i to node j.
    station_node, station_snap_m
        Node each station joins and the joining edge's length (metres).
    symmetric
        The graph is undirected (walking): the joining edges work both ways.
    limit_m
        Distances beyond it are ``inf`` (and the search stops there).

    Returns
    -------
    distance, station
        Per node: metres (``inf`` if none within ``limit_m``) and the position of the nearest
        station in the arrays given (``-1`` if none).

    Examples
    --------
    >>> line = csr_matrix(([100.0, 100.0, 100.0], ([0, 1, 2], [1, 2, 3])), shape=(4, 4))
    >>> metres, which = nearest_station(
    ...     line + line.T, np.array([0, 3]), np.array([5.0, 20.0]), symmetric=True, limit_m=150
    ... )
    >>> metres.tolist(), which.tolist()
    ([5.0, 105.0, 120.0, 20.0], [0, 0, 1, 1])
    """
    n, k = graph.shape[0], len(station_node)
    if not k:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    joins = coo_matrix(
        (np.maximum(station_snap_m, 1e-3), (station_node, np.arange(k))), shape=(n, k)
    ).tocsr()
    back = joins.T.tocsr() if symmetric else csr_matrix((k, n))
    augmented = vstack([hstack([graph, joins]), hstack([back, csr_matrix((k, k))])]).tocsr()
    distance, _, origin = dijkstra(
        augmented.T.tocsr(),
        directed=True,
        indices=n + np.arange(k),
        min_only=True,
        return_predecessors=True,
        limit=limit_m,
    )
    station = np.where(origin[:n] >= 0, origin[:n] - n, -1)
    return distance[:n], station


def grid_labels(node_xy: np.ndarray, size_m: float) -> np.ndarray:
    """Square tiles of ``size_m`` over the nodes' extent: a ``"column_row"`` label per node.

    Examples
    --------
    >>> grid_labels(np.array([[0.0, 0.0], [1500.0, 10.0], [10.0, 2500.0]]), 1000.0).tolist()
    ['0_0', '1_0', '0_2']
    """
    if not size_m > 0:
        raise ValueError(f"tile size must be > 0 metres, got {size_m}")
    cell = np.floor((node_xy - node_xy.min(axis=0)) / size_m).astype(np.int64)
    return np.char.add(np.char.add(cell[:, 0].astype(str), "_"), cell[:, 1].astype(str))


def polygon_labels(
    node_xy: np.ndarray, polygons: Sequence[shapely.Geometry], labels: Sequence[str]
) -> np.ndarray:
    """The label of the polygon holding each node (a province, a region); outside all, the nearest.

    Examples
    --------
    >>> boxes = [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)]
    >>> xy = np.array([[5.0, 5.0], [15.0, 5.0], [25.0, 5.0]])
    >>> polygon_labels(xy, boxes, ["015", "108"]).tolist()
    ['015', '108', '108']
    """
    tree = shapely.STRtree(np.asarray(polygons, dtype=object))
    points = shapely.points(node_xy)
    which = np.full(len(node_xy), -1, dtype=np.int64)
    hit_point, hit_polygon = tree.query(points, predicate="intersects")
    which[hit_point[::-1]] = hit_polygon[::-1]  # on a shared border, the first polygon
    outside = np.flatnonzero(which < 0)
    if len(outside):
        near_point, near_polygon = tree.query_nearest(points[outside], all_matches=False)
        which[outside[near_point]] = near_polygon
    return np.asarray(labels, dtype=object)[which].astype(str)


def tile_tasks(node_xy: np.ndarray, labels: np.ndarray, halo_m: float) -> list[TileTask]:
    """One task per tile label: its nodes and the box of its halo, ``halo_m`` wide.

    The halo is the box of the tile's nodes grown by ``halo_m``: a superset of the disc
    around each node, so still exact. A station belongs to the halo when the node it joins
    does.
    """
    codes, names = pd.factorize(np.asarray(labels), sort=True)  # hashing: no string sort
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    tasks = []
    for i, name in enumerate(names):
        owned = np.sort(order[bounds[i] : bounds[i + 1]])
        low = node_xy[owned].min(axis=0) - halo_m
        high = node_xy[owned].max(axis=0) + halo_m
        tasks.append(TileTask(str(name), owned, low, high))
    return tasks


def max_stretch(graph: csr_matrix, node_xy: np.ndarray) -> float:
    """Largest ratio of an edge's straight line to its length (at least 1).

    Edge lengths are great-circle metres while coordinates are UTM: far from the central
    meridian a projected straight line is up to ~1 % longer than the true one. The halo grows
    by this ratio, so the bound "no path is shorter than the straight line" holds on the map.

    Examples
    --------
    >>> edge = csr_matrix(([90.0], ([0], [1])), shape=(2, 2))
    >>> max_stretch(edge, np.array([[0.0, 0.0], [100.0, 0.0]]))
    1.1111111111111112
    """
    coo = graph.tocoo()
    if not coo.nnz:
        return 1.0
    straight = np.hypot(*(node_xy[coo.row] - node_xy[coo.col]).T)
    return float(max(1.0, np.max(straight / np.maximum(coo.data, 1e-9))))


def _subgraph(graph: csr_matrix, near: np.ndarray) -> csr_matrix:
    """``graph[near][:, near]`` for ascending ``near``: rows by slice, columns by search."""
    rows = graph[near]
    position = np.minimum(np.searchsorted(near, rows.indices), len(near) - 1)
    keep = near[position] == rows.indices
    row_of = np.repeat(np.arange(len(near)), np.diff(rows.indptr))
    return csr_matrix(
        (rows.data[keep], (row_of[keep], position[keep])), shape=(len(near), len(near))
    )


def solve_tile(task: TileTask, data: SearchData, *, symmetric: bool, limit_m: float) -> TileResult:
    """The bounded search on one tile's halo, answered for its owned nodes (pure).

    Examples
    --------
    >>> line = csr_matrix(([100.0] * 3, ([0, 1, 2], [1, 2, 3])), shape=(4, 4))
    >>> xy = np.array([[0.0, 0], [100, 0], [200, 0], [300, 0]])
    >>> data = SearchData.build(line + line.T, xy, np.array([3]), np.array([1.0]))
    >>> task = tile_tasks(xy, np.array(["a", "a", "b", "b"]), 150.0)[0]
    >>> result = solve_tile(task, data, symmetric=True, limit_m=150.0)
    >>> result.owned.tolist(), result.distance.tolist()  # node 1 is 201 m away: beyond 150
    ([0, 1], [inf, inf])
    """
    near = data.halo(task.low, task.high)
    graph = _subgraph(data.graph, near)
    position = np.minimum(np.searchsorted(near, data.station_node), max(len(near) - 1, 0))
    picked = np.flatnonzero(near[position] == data.station_node) if len(near) else position[:0]
    distance, station = nearest_station(
        graph,
        position[picked],
        data.station_snap_m[picked],
        symmetric=symmetric,
        limit_m=limit_m,
    )
    where = np.searchsorted(near, task.owned)
    found = station[where]
    which = np.full(len(found), -1, dtype=np.int64)
    which[found >= 0] = picked[found[found >= 0]]
    return TileResult(task.tile, task.owned, distance[where], which)


Mapper = Callable[..., list]
"""``mapper(function, tasks, **kwargs)`` → results in task order (``map`` or a Dask client)."""


def embedded_map(function: Callable, tasks: Iterable, **kwargs) -> list:
    """Run the tasks one after the other in this process."""
    return [function(task, **kwargs) for task in tasks]


def tiled_nearest_station(
    graph: csr_matrix,
    node_xy: np.ndarray,
    station_node: np.ndarray,
    station_snap_m: np.ndarray,
    *,
    symmetric: bool,
    limit_m: float,
    labels: np.ndarray,
    max_snap_m: float = 0.0,
    mapper: Mapper = embedded_map,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`nearest_station` tile by tile: the same distances for every node.

    Parameters
    ----------
    labels
        Tile of each node (:func:`grid_labels`, :func:`polygon_labels`).
    max_snap_m
        Largest station snap: widens the halo so every station that can be reached is in it.
        The halo is ``(limit_m + max_snap_m) × max_stretch``: see :func:`max_stretch`.
    mapper
        Runs the tile tasks (:func:`embedded_map`, or a scheduler's ``map``).

    Examples
    --------
    >>> import territorio as tt
    >>> net = tt.datasets.synthetic_access().network
    >>> graph, xy = net.mode_graph("walk"), np.column_stack([net.x, net.y])
    >>> stations, snaps = np.array([10, 400]), np.array([12.0, 30.0])
    >>> whole = nearest_station(graph, stations, snaps, symmetric=True, limit_m=900)
    >>> tiled = tiled_nearest_station(
    ...     graph,
    ...     xy,
    ...     stations,
    ...     snaps,
    ...     symmetric=True,
    ...     limit_m=900,
    ...     labels=grid_labels(xy, 500.0),
    ...     max_snap_m=30.0,
    ... )
    >>> bool(np.array_equal(whole[0], tiled[0]) and np.array_equal(whole[1], tiled[1]))
    True
    """
    if not np.isfinite(limit_m):
        raise ValueError("a tiled search needs a finite limit (the halo is as wide as it)")
    halo = (limit_m + max_snap_m) * max_stretch(graph, node_xy)
    tasks = tile_tasks(node_xy, labels, halo)
    data = SearchData.build(graph, node_xy, station_node, station_snap_m)
    distance = np.full(graph.shape[0], np.inf)
    station = np.full(graph.shape[0], -1, dtype=np.int64)
    results = mapper(solve_tile, tasks, data=data, symmetric=symmetric, limit_m=limit_m)
    for result in results:
        distance[result.owned] = result.distance
        station[result.owned] = result.station
    return distance, station
