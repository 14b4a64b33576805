"""Street networks from OpenStreetMap files, built once with pyosmium and cached as arrays.

The arrays are read straight from the file (:func:`territorio.readers.osm.read_street_arrays`)
and stored in an ``.npz`` file keyed by the sha256 of the OSM file; a second run loads them in
well under a second. :func:`build_network_osmnx` builds the same arrays through osmnx: the
reference the tests and ``benchmarks/bench_scale.py`` compare with, not used by a run.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from territorio.classes import fmt
from territorio.errors import UnreadableFileError
from territorio.mirror import user_cache_dir
from territorio.network.graph import OSM_TAGS, StreetNetwork, arrays_from_graph
from territorio.readers.files import file_sha256
from territorio.readers.osm import read_street_arrays

log = logging.getLogger(__name__)

CACHE_VERSION = 2
"""Bump when the cached arrays change meaning."""


def osm_header_box(path: Path) -> tuple:
    """The bounding box in an OSM file's header (lon/lat), or ``()`` when it has none."""
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
    """The street network of an OSM file, from the cache or built with pyosmium (then cached).

    Parameters
    ----------
    path
        ``.osm.pbf``, ``.osm``, ``.osm.bz2`` or ``.osm.gz``.
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
    """Build the unsimplified street network of an OSM file with pyosmium (seconds)."""
    say = progress or (lambda message: log.info(message))
    start = time.perf_counter()
    say(f"lettura della rete stradale da {Path(path).name}")
    network = read_street_arrays(path, source)
    say(
        f"rete letta in {fmt(round(time.perf_counter() - start, 1), 'it')} s: "
        f"{fmt(network.n_nodes, 'it')} nodi, {fmt(len(network.u), 'it')} archi"
    )
    return network


def build_network_osmnx(
    path: Path, *, progress: Callable[[str], None] | None = None, source: str = ""
) -> StreetNetwork:
    """The same arrays built through osmnx ``graph_from_xml`` (tens of seconds, ~1 GB).

    The reference of the identity test and of ``benchmarks/bench_scale.py``; a run never
    calls it.
    """
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
        ox.settings.useful_tags_way = list(dict.fromkeys([*old_tags, *OSM_TAGS]))
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
    return arrays_from_graph(graph, source)


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
