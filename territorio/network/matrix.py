"""Travel minutes from every demand cell to every supply site within a cutoff (sparse).

People travel from the cell to the site, so each site's search runs on the transposed graph
(a one-way street is ridden the way it goes). Inside the network extract a pair costs the
cell's snap + the network distance + the site's snap; outside it, the straight line × the
measured circuity. Sites farther than ``max_snap_m`` from the network count only outside.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from territorio.network.engine import main_network_nodes, snap
from territorio.network.graph import StreetNetwork

TINY = 1e-9  # a pair at zero minutes stays an entry of the sparse matrix


def travel_minutes(
    network: StreetNetwork,
    cells_xy: np.ndarray,
    sites_xy: np.ndarray,
    *,
    mode: str,
    speed_kmh: float,
    cutoff_min: float,
    area: shapely.Geometry,
    circuity: float,
    max_snap_m: float = 300.0,
    min_component_share: float = 0.01,
    chunk: int = 64,
) -> csr_matrix:
    """Sparse (cells × sites) minutes of every pair within ``cutoff_min``.

    Examples
    --------
    >>> import territorio as tt
    >>> data = tt.datasets.synthetic_access()
    >>> area = shapely.box(500000, 5030000, 502000, 5033000)
    >>> m = travel_minutes(
    ...     data.network,
    ...     data.grid.xy,
    ...     np.array([[501000.0, 5031500.0]]),
    ...     mode="walk",
    ...     speed_kmh=4.5,
    ...     cutoff_min=5.0,
    ...     area=area,
    ...     circuity=1.3,
    ... )
    >>> m.shape, m.nnz, bool(m.data.max() <= 5.0)
    ((3600, 1), 100, True)
    """
    metres_per_min = speed_kmh * 1000.0 / 60.0
    cutoff_m = cutoff_min * metres_per_min
    graph = network.mode_graph(mode)
    nodes = main_network_nodes(graph, min_component_share)
    node_xy = np.column_stack([network.x, network.y])
    inside = shapely.contains_xy(area, cells_xy[:, 0], cells_xy[:, 1])
    n_cells, n_sites = len(cells_xy), len(sites_xy)
    rows, cols, values = [], [], []
    if n_sites and inside.any():
        cell = snap(node_xy, cells_xy[inside], nodes)
        site = snap(node_xy, sites_xy, nodes)
        usable = np.flatnonzero(site.distance <= max_snap_m)
        inside_index = np.flatnonzero(inside)
        reverse = graph.T.tocsr()  # search from the site against the edges: cell → site
        # the cells of each node, so a site's reached nodes expand to their cells directly
        order = np.argsort(cell.node, kind="stable")
        first = np.searchsorted(cell.node[order], np.arange(graph.shape[0] + 1))
        for start in range(0, len(usable), chunk):
            part = usable[start : start + chunk]
            limit = cutoff_m - site.distance[part].min()
            if limit < 0:
                continue
            distance = dijkstra(reverse, directed=True, indices=site.node[part], limit=limit)
            k, node = np.nonzero(np.isfinite(distance))
            count = first[node + 1] - first[node]
            k, node_rep = np.repeat(k, count), np.repeat(node, count)
            offset = np.arange(len(k)) - np.repeat(np.cumsum(count) - count, count)
            c = order[first[node_rep] + offset]
            total = distance[k, node_rep] + cell.distance[c] + site.distance[part[k]]
            keep = total <= cutoff_m
            rows.append(inside_index[c[keep]])
            cols.append(part[k[keep]])
            values.append(total[keep])
    outside = np.flatnonzero(~inside)
    if n_sites and len(outside):
        pairs = cKDTree(cells_xy[outside]).sparse_distance_matrix(
            cKDTree(sites_xy), cutoff_m / circuity, output_type="coo_matrix"
        )
        rows.append(outside[pairs.row])
        cols.append(pairs.col)
        values.append(pairs.data * circuity)
        # a cell on a site: sparse_distance_matrix drops zero distances
        exact, which = cKDTree(sites_xy).query(cells_xy[outside], distance_upper_bound=1e-6)
        hit = np.isfinite(exact)
        rows.append(outside[hit])
        cols.append(which[hit])
        values.append(np.zeros(int(hit.sum())))
    if not rows:
        return csr_matrix((n_cells, n_sites))
    minutes = np.maximum(np.concatenate(values) / metres_per_min, TINY)
    out = coo_matrix(
        (minutes, (np.concatenate(rows), np.concatenate(cols))), shape=(n_cells, n_sites)
    ).tocsr()
    out.sum_duplicates()
    return out
