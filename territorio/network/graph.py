"""Street networks as arrays: nodes, directed edges, per-mode sparse graphs (pure).

The graph is unsimplified (every OSM way segment an edge, so each edge keeps its own
``highway`` value); each mode's graph is a filter of the edges by ``highway`` and access tags.
Reading OSM files and the array cache is :mod:`territorio.readers.network`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from territorio.crs import WORK_CRS

#: highway values each mode may use (OSM wiki "Key:highway"): motorways never; urban trunk roads
#: on foot (their sidewalks are rarely mapped apart) but not by bike.
WALK_HIGHWAYS = (
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "pedestrian",
    "footway",
    "path",
    "steps",
    "track",
    "cycleway",
    "corridor",
    "platform",
    "road",
    "bridleway",
)
#: by bike: the walking list less the roads and paths closed to cycles or of no use to them
NOT_BY_BIKE = ("trunk", "trunk_link", "footway", "steps", "corridor", "platform", "bridleway")
BIKE_HIGHWAYS = tuple(h for h in WALK_HIGHWAYS if h not in NOT_BY_BIKE)
OSM_TAGS = ("highway", "oneway", "access", "foot", "bicycle", "oneway:bicycle", "junction")


@dataclass(frozen=True)
class StreetNetwork:
    """Nodes and directed edges of a street network (EPSG:32632).

    Attributes
    ----------
    osmid
        OSM node ids.
    x, y
        Node coordinates in metres.
    u, v
        Edge end indices into the node arrays (directed, as osmnx builds them: a two-way
        street has both directions).
    length
        Edge length in metres.
    highway
        Index into ``highway_names`` per edge.
    highway_names
        The distinct ``highway`` values.
    foot_no, bicycle_no
        Edge access forbidden to pedestrians / cyclists by tags.
    bicycle_contraflow
        Reverse direction of a one-way edge open to cyclists (``oneway:bicycle=no``).
    source
        The OSM file it was built from and its sha256.
    """

    osmid: np.ndarray
    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    highway: np.ndarray
    highway_names: tuple[str, ...]
    foot_no: np.ndarray
    bicycle_no: np.ndarray
    bicycle_contraflow: np.ndarray
    source: str = ""

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.osmid)

    def node_table(self) -> pd.DataFrame:
        """Nodes by ascending OSM id: ``osmid``, ``x``, ``y`` (canonical, to compare builds)."""
        order = np.argsort(self.osmid, kind="stable")
        return pd.DataFrame({"osmid": self.osmid[order], "x": self.x[order], "y": self.y[order]})

    def edge_table(self) -> pd.DataFrame:
        """Directed edges by OSM ids, sorted: the canonical form to compare two builds.

        Columns ``u``, ``v`` (OSM node ids), ``length``, ``highway``, ``foot_no``,
        ``bicycle_no``, ``bicycle_contraflow``; parallel edges stay (one row each).

        Examples
        --------
        >>> import territorio as tt
        >>> table = tt.datasets.synthetic_access().network.edge_table()
        >>> list(table.columns)[:4], bool(table["length"].gt(0).all())
        (['u', 'v', 'length', 'highway'], True)
        """
        table = pd.DataFrame(
            {
                "u": self.osmid[self.u],
                "v": self.osmid[self.v],
                "length": self.length,
                "highway": np.array(self.highway_names, dtype=object)[self.highway],
                "foot_no": self.foot_no,
                "bicycle_no": self.bicycle_no,
                "bicycle_contraflow": self.bicycle_contraflow,
            }
        )
        return table.sort_values(list(table.columns), kind="stable").reset_index(drop=True)

    def edge_mask(self, highways: Iterable[str]) -> np.ndarray:
        """Edges whose ``highway`` is among ``highways``."""
        wanted = np.array([name in set(highways) for name in self.highway_names], dtype=bool)
        return wanted[self.highway] if len(wanted) else np.zeros(len(self.u), dtype=bool)

    def mode_graph(self, mode: str, highways: Iterable[str] | None = None) -> csr_matrix:
        """Sparse matrix of edge lengths for ``walk`` (undirected) or ``bike`` (one-ways kept).

        Entry ``[i, j]`` is the length of the shortest edge from node i to node j.
        """
        if mode == "walk":
            keep = self.edge_mask(highways or WALK_HIGHWAYS) & ~self.foot_no
            u, v, w = self.u[keep], self.v[keep], self.length[keep]
            # undirected: every edge both ways
            rows, cols, lengths = np.r_[u, v], np.r_[v, u], np.r_[w, w]
        elif mode == "bike":
            keep = self.edge_mask(highways or BIKE_HIGHWAYS) & ~self.bicycle_no
            extra = keep & self.bicycle_contraflow
            rows = np.r_[self.u[keep], self.v[extra]]
            cols = np.r_[self.v[keep], self.u[extra]]
            lengths = np.r_[self.length[keep], self.length[extra]]
        else:
            raise ValueError(f"mode must be 'walk' or 'bike', got {mode!r}")
        return _csr_min(rows, cols, lengths, self.n_nodes)


def _csr_min(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, n: int) -> csr_matrix:
    """CSR matrix keeping the smallest weight of parallel edges (no self-loops)."""
    keep = rows != cols
    rows, cols, weights = rows[keep], cols[keep], np.maximum(weights[keep], 1e-3)
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return csr_matrix((weights[first], (rows[first], cols[first])), shape=(n, n))


def arrays_from_graph(graph, source: str = "") -> StreetNetwork:
    """The street arrays of an unsimplified osmnx graph (unprojected, as osmnx reads it)."""
    from pyproj import Transformer

    osmid = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    lon = np.array([graph.nodes[n]["x"] for n in osmid])
    lat = np.array([graph.nodes[n]["y"] for n in osmid])
    x, y = Transformer.from_crs(4326, WORK_CRS, always_xy=True).transform(lon, lat)
    index = {node: i for i, node in enumerate(osmid.tolist())}
    u, v, length, highway = [], [], [], []
    foot_no, bicycle_no, contraflow = [], [], []
    names: dict[str, int] = {}
    for a, b, data in graph.edges(data=True):
        if not data.get("highway"):
            continue  # osmnx keeps every way of an XML file (buildings too): streets only
        u.append(index[a])
        v.append(index[b])
        length.append(float(data.get("length", 0.0)))
        value = data.get("highway", "")
        value = value[0] if isinstance(value, list) else str(value)
        highway.append(names.setdefault(value, len(names)))
        access = str(data.get("access", ""))
        foot = str(data.get("foot", ""))
        bike = str(data.get("bicycle", ""))
        private = access in ("no", "private")
        foot_no.append(foot == "no" or (private and foot not in ("yes", "designated")))
        bicycle_no.append(bike == "no" or (private and bike not in ("yes", "designated")))
        contraflow.append(str(data.get("oneway:bicycle", "")) == "no")
    u_arr, v_arr = np.array(u, dtype=np.int64), np.array(v, dtype=np.int64)
    used = np.zeros(len(osmid), dtype=bool)
    used[u_arr] = used[v_arr] = True
    renumber = np.cumsum(used) - 1
    return StreetNetwork(
        osmid=osmid[used],
        x=np.asarray(x)[used],
        y=np.asarray(y)[used],
        u=renumber[u_arr].astype(np.int32),
        v=renumber[v_arr].astype(np.int32),
        length=np.array(length, dtype=np.float64),
        highway=np.array(highway, dtype=np.int16),
        highway_names=tuple(names),
        foot_no=np.array(foot_no, dtype=bool),
        bicycle_no=np.array(bicycle_no, dtype=bool),
        bicycle_contraflow=np.array(contraflow, dtype=bool),
        source=source,
    )
