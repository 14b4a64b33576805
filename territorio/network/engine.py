"""Travel times to the nearest interchange node: one multi-source shortest-path pass per mode."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree


@dataclass(frozen=True)
class NearestSource:
    """Result of a multi-source search.

    Attributes
    ----------
    distance
        Network metres from each node to its nearest source (``inf`` where unreachable).
    source
        Index (into the sources given) of that nearest source, ``-1`` where unreachable.
    """

    distance: np.ndarray
    source: np.ndarray

    @property
    def unreachable(self) -> int:
        """Number of nodes that reach no source."""
        return int(np.isinf(self.distance).sum())


def nearest_source(
    graph: csr_matrix, sources: np.ndarray, *, to_sources: bool = True
) -> NearestSource:
    """Distance from every node to the nearest of ``sources`` in one Dijkstra pass.

    Parameters
    ----------
    graph
        Edge lengths, ``graph[i, j]`` from node i to node j.
    sources
        Node indices of the interchange nodes (repeats allowed).
    to_sources
        Measure node → source (the graph is transposed for directed graphs); ``False`` gives
        source → node.

    Examples
    --------
    >>> from scipy.sparse import csr_matrix
    >>> line = csr_matrix(([100.0, 100.0, 100.0], ([0, 1, 2], [1, 2, 3])), shape=(4, 4))
    >>> found = nearest_source(line + line.T, [0, 3])
    >>> found.distance.tolist(), found.source.tolist()
    ([0.0, 100.0, 100.0, 0.0], [0, 0, 1, 1])
    """
    sources = np.asarray(sources, dtype=np.int64)
    if not len(sources):
        n = graph.shape[0]
        return NearestSource(np.full(n, np.inf), np.full(n, -1))
    unique, first = np.unique(sources, return_index=True)
    search = graph.T.tocsr() if to_sources else graph
    distance, _, origin = dijkstra(
        search, directed=True, indices=unique, min_only=True, return_predecessors=True
    )
    # scipy returns the origin node; map it back to the position in ``sources``
    position = np.full(graph.shape[0], -1, dtype=np.int64)
    reached = origin >= 0
    position[reached] = first[np.searchsorted(unique, origin[reached])]
    return NearestSource(distance, position)


@dataclass(frozen=True)
class Snap:
    """Points snapped to their nearest network node."""

    node: np.ndarray
    distance: np.ndarray


def snap(node_xy: np.ndarray, points_xy: np.ndarray, candidates: np.ndarray | None = None) -> Snap:
    """Nearest node of each point (straight line), optionally among ``candidates`` only.

    Parameters
    ----------
    node_xy
        Node coordinates, shape (n, 2).
    points_xy
        Points, shape (m, 2).
    candidates
        Node indices allowed (e.g. nodes of the mode's graph); default all.
    """
    pool = np.arange(len(node_xy)) if candidates is None else np.asarray(candidates)
    if not len(pool):
        return Snap(np.full(len(points_xy), -1), np.full(len(points_xy), np.inf))
    distance, index = cKDTree(node_xy[pool]).query(points_xy, k=1)
    return Snap(pool[index], distance)


def connected_nodes(graph: csr_matrix) -> np.ndarray:
    """Indices of nodes that have at least one edge in ``graph``."""
    degree = np.diff(graph.indptr) + np.bincount(graph.indices, minlength=graph.shape[0])
    return np.flatnonzero(degree > 0)


def main_network_nodes(graph: csr_matrix, min_share: float = 0.01) -> np.ndarray:
    """Nodes of the main network: the largest component and any with ``min_share`` of nodes.

    Shares count the nodes that have an edge.

    Components are weakly connected (one-way streets join their ends). A station, a school
    or a cell snapped to a small fragment (a footpath island, a platform, a service way)
    would reach almost nothing, so points snap only to these nodes.

    Examples
    --------
    >>> from scipy.sparse import csr_matrix
    >>> edges = ([10.0] * 4, ([0, 1, 2, 4], [1, 2, 3, 5]))  # a 4-node line and a 2-node island
    >>> graph = csr_matrix(edges, shape=(6, 6))
    >>> main_network_nodes(graph, 0.5).tolist(), main_network_nodes(graph, 0.3).tolist()
    ([0, 1, 2, 3], [0, 1, 2, 3, 4, 5])
    """
    from scipy.sparse.csgraph import connected_components

    nodes = connected_nodes(graph)
    if not len(nodes):
        return nodes
    _, labels = connected_components(graph, directed=True, connection="weak")
    sizes = np.bincount(labels[nodes])
    keep = sizes >= min_share * len(nodes)
    keep[np.argmax(sizes)] = True
    return nodes[keep[labels[nodes]]]
