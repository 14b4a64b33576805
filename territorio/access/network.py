"""Street networks from OpenStreetMap files, built once with osmnx and cached as arrays.

The graph is built unsimplified (every OSM way segment an edge, so each edge keeps its own
``highway`` value) and stored as node and edge arrays in an ``.npz`` file keyed by the sha256
of the OSM file. A second run loads the arrays in well under a second; each mode's graph is a
filter of the cached edges by ``highway`` and access tags.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from territorio.errors import UnreadableFileError
from territorio.mirror import user_cache_dir
from territorio.readers import WORK_CRS

log = logging.getLogger(__name__)

CACHE_VERSION = 1
"""Bump when the cached arrays change meaning."""

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
_TAGS = ("highway", "oneway", "access", "foot", "bicycle", "oneway:bicycle", "junction")


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


def file_sha256(path: Path) -> str:
    """sha256 of a file (streamed)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_path(sha256: str, cache_dir: Path | None = None) -> Path:
    """Where the arrays of an OSM file with this checksum are cached."""
    base = cache_dir or user_cache_dir().parent / "graphs"
    return base / f"street-network-v{CACHE_VERSION}-{sha256[:24]}.npz"


def load_network(
    path: Path | str,
    *,
    cache_dir: Path | None = None,
    sha256: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> StreetNetwork:
    """The street network of an OSM file, from the cache or built with osmnx (then cached).

    Parameters
    ----------
    path
        ``.osm``, ``.osm.bz2`` (read by osmnx) or ``.osm.pbf`` (converted with pyosmium).
    cache_dir
        Cache folder; default ``~/.cache/territorio/graphs``.
    sha256
        Checksum of ``path`` if already known (the catalogue verified it).
    progress
        Called with a short message at each stage of a build.
    """
    path = Path(path)
    digest = sha256 or file_sha256(path)
    cached = cache_path(digest, cache_dir)
    if cached.is_file():
        try:
            return _read_cache(cached, f"{path} sha256:{digest}")
        except (OSError, KeyError, ValueError) as exc:
            log.warning("ignoring unreadable graph cache %s: %s", cached, exc)
    network = build_network(path, progress=progress, source=f"{path} sha256:{digest}")
    _write_cache(network, cached)
    return network


def build_network(
    path: Path, *, progress: Callable[[str], None] | None = None, source: str = ""
) -> StreetNetwork:
    """Build the unsimplified street network of an OSM file with osmnx (slow: tens of seconds)."""
    import osmnx as ox

    say = progress or (lambda message: log.info(message))
    name = path.name.lower()
    with tempfile.TemporaryDirectory() as tmp:
        xml = path
        if name.endswith(".pbf"):
            say(f"conversione PBF → OSM XML ({path.name})")
            xml = _pbf_to_xml(path, Path(tmp) / "highways.osm")
        elif not name.endswith((".osm", ".osm.bz2", ".xml", ".xml.bz2")):
            raise UnreadableFileError(
                path, "an OSM file (.osm, .osm.bz2, .osm.pbf)", "unknown type"
            )
        start = time.perf_counter()
        say(f"lettura della rete da {path.name} con osmnx (può richiedere decine di secondi)")
        old_tags = ox.settings.useful_tags_way
        ox.settings.useful_tags_way = list(dict.fromkeys([*old_tags, *_TAGS]))
        try:
            graph = ox.graph_from_xml(xml, simplify=False, retain_all=True)
        except Exception as exc:  # osmnx/lxml raise assorted parse errors
            raise UnreadableFileError(path, "OSM XML", str(exc)) from exc
        finally:
            ox.settings.useful_tags_way = old_tags
    say(
        f"rete letta in {time.perf_counter() - start:.0f} s: {graph.number_of_nodes():,} nodi, "
        f"{graph.number_of_edges():,} archi; conversione in array"
    )
    return _arrays_from_graph(graph, source)


def _arrays_from_graph(graph, source: str) -> StreetNetwork:
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


def _write_cache(network: StreetNetwork, path: Path) -> None:
    """Write atomically: a partial file is never left under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz.part", delete=False) as tmp:
        np.savez(
            tmp,
            osmid=network.osmid,
            x=network.x,
            y=network.y,
            u=network.u,
            v=network.v,
            length=network.length,
            highway=network.highway,
            highway_names=np.array(network.highway_names, dtype=object).astype(str),
            foot_no=network.foot_no,
            bicycle_no=network.bicycle_no,
            bicycle_contraflow=network.bicycle_contraflow,
            meta=np.array([CACHE_VERSION]),
        )
    Path(tmp.name).replace(path)


def _read_cache(path: Path, source: str) -> StreetNetwork:
    with np.load(path, allow_pickle=False) as data:
        if int(data["meta"][0]) != CACHE_VERSION:
            raise ValueError("cache version differs")
        return StreetNetwork(
            osmid=data["osmid"],
            x=data["x"],
            y=data["y"],
            u=data["u"],
            v=data["v"],
            length=data["length"],
            highway=data["highway"],
            highway_names=tuple(str(n) for n in data["highway_names"]),
            foot_no=data["foot_no"],
            bicycle_no=data["bicycle_no"],
            bicycle_contraflow=data["bicycle_contraflow"],
            source=source,
        )


def _pbf_to_xml(pbf: Path, target: Path) -> Path:
    """Keep the highway ways of a PBF (with their nodes) in an OSM XML file for osmnx."""
    import osmium

    ways: set[int] = set()
    nodes: set[int] = set()
    try:
        highways = osmium.FileProcessor(str(pbf), osmium.osm.WAY).with_filter(
            osmium.filter.KeyFilter("highway")
        )
        for way in highways:
            ways.add(way.id)
            nodes.update(n.ref for n in way.nodes)
        writer = osmium.SimpleWriter(str(target))
        try:
            for obj in osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY):
                if obj.is_node() and obj.id in nodes:
                    writer.add_node(obj)
                elif obj.is_way() and obj.id in ways:
                    writer.add_way(obj)
        finally:
            writer.close()
    except RuntimeError as exc:
        raise UnreadableFileError(pbf, "an OSM PBF file", str(exc)) from exc
    return target
