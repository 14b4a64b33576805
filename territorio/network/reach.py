"""Distances from every grid cell to the nearest of many point sets, on one snapped network.

Cells are snapped once to the main network of a mode; every point set (e.g. the stops of one
category) becomes virtual nodes joined by edges of their snap length, and one multi-source
Dijkstra pass bounded by ``limit_m`` gives each cell its distance to the nearest point of the
set. Cells outside the network extract get the straight line × the measured circuity. Used
for the public-transport classes, where seven categories and two SDG sets share one grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from territorio.network.engine import main_network_nodes, snap
from territorio.network.graph import StreetNetwork


@dataclass
class GridReach:
    """A population grid snapped to one mode's main network, and the points it can reach.

    Attributes
    ----------
    graph
        The mode's graph augmented with one virtual node per point (``n`` street nodes first).
    n
        Street nodes.
    cell_node, cell_snap_m
        Node each cell is snapped to and the straight distance to it.
    inside
        Cells inside the network extract (measured on the network); the others are estimated.
    points_xy
        The points (EPSG:32632).
    usable
        Points within ``max_snap_m`` of the main network (the others count only outside).
    circuity
        Network over straight-line distance, for the cells outside the extract.

    Examples
    --------
    >>> import territorio as tt
    >>> data = tt.datasets.synthetic_access()
    >>> area = shapely.box(500000, 5030000, 502000, 5033000)  # the streets' extent
    >>> reach = GridReach.build(
    ...     data.network, data.grid.xy, np.array([[501000.0, 5031500.0]]), area=area, circuity=1.3
    ... )
    >>> metres = reach.metres(np.array([True]), limit_m=500.0)
    >>> reached = np.isfinite(metres)
    >>> int(reached.sum()), bool((metres[reached] <= 500).all())
    (164, True)
    """

    graph: csr_matrix
    n: int
    cell_node: np.ndarray
    cell_snap_m: np.ndarray
    inside: np.ndarray
    cells_xy: np.ndarray
    points_xy: np.ndarray
    usable: np.ndarray
    circuity: float

    @classmethod
    def build(
        cls,
        network: StreetNetwork,
        cells_xy: np.ndarray,
        points_xy: np.ndarray,
        *,
        area: shapely.Geometry,
        circuity: float,
        mode: str = "walk",
        max_snap_m: float = 300.0,
        min_component_share: float = 0.01,
    ) -> GridReach:
        """Snap cells and points to the main network of ``mode`` (walking: undirected)."""
        graph = network.mode_graph(mode)
        nodes = main_network_nodes(graph, min_component_share)
        node_xy = np.column_stack([network.x, network.y])
        cells = snap(node_xy, cells_xy, nodes)
        points = snap(node_xy, points_xy, nodes) if len(points_xy) else None
        n, k = graph.shape[0], len(points_xy)
        usable = points.distance <= max_snap_m if points is not None else np.zeros(0, bool)
        pick = np.flatnonzero(usable)
        # a virtual node per point, joined from it to its street node (search runs point → cell
        # on the transposed graph, so one-way streets are walked the way people walk them)
        joins = coo_matrix(
            (np.maximum(points.distance[pick], 1e-3), (pick, points.node[pick]))
            if k
            else ([], ([], [])),
            shape=(k, n),
        ).tocsr()
        augmented = vstack(
            [hstack([graph.T.tocsr(), csr_matrix((n, k))]), hstack([joins, csr_matrix((k, k))])]
        ).tocsr()
        inside = shapely.contains_xy(area, cells_xy[:, 0], cells_xy[:, 1])
        return cls(
            augmented, n, cells.node, cells.distance, inside, cells_xy, points_xy, usable, circuity
        )

    def metres(
        self, which: np.ndarray, limit_m: float, straight: np.ndarray | None = None
    ) -> np.ndarray:
        """Distance of every cell to the nearest selected point (``inf`` beyond ``limit_m``).

        ``straight``: the cells' straight-line distances to the same points, if already known
        up to at least ``limit_m / circuity`` (they give the estimate outside the extract).
        """
        if straight is None:
            straight = self.straight(which, limit_m / self.circuity)
        out = straight * self.circuity
        out[out > limit_m] = np.inf
        sources = self.n + np.flatnonzero(np.asarray(which) & self.usable)
        network = np.full(len(self.cell_node), np.inf)
        if len(sources):
            distance = dijkstra(
                self.graph, directed=True, indices=sources, min_only=True, limit=limit_m
            )
            network = self.cell_snap_m + distance[self.cell_node]
            network[network > limit_m] = np.inf
        return np.where(self.inside, network, out)

    def straight(self, which: np.ndarray, limit_m: float) -> np.ndarray:
        """Straight-line distance of every cell to the nearest selected point (``inf`` beyond)."""
        chosen = self.points_xy[np.asarray(which)]
        if not len(chosen):
            return np.full(len(self.cells_xy), np.inf)
        distance, _ = cKDTree(chosen).query(self.cells_xy, distance_upper_bound=limit_m)
        return distance
