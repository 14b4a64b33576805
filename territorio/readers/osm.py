"""Street arrays straight from an OSM file (PBF or XML) with pyosmium: no graph objects.

One pass over the file: pyosmium keeps the node locations in its own index and hands over
only the ways tagged ``highway``; their node references, coordinates and the few tags the
modes need go into flat arrays, and the directed edges are built from those arrays with
numpy. The result is the graph osmnx builds with ``graph_from_xml(simplify=False,
retain_all=True)`` — the same nodes, directed edges and great-circle lengths, and the same
one-way rules — at a fraction of its time and memory (``benchmarks/bench_scale.py``).
"""

from __future__ import annotations

import logging
from array import array
from pathlib import Path

import numpy as np
from pyproj import Transformer

from territorio.crs import WORK_CRS
from territorio.errors import Said, UnreadableFileError
from territorio.network.graph import StreetNetwork

log = logging.getLogger(__name__)

#: osmnx's ``distance.EARTH_RADIUS_M`` (mean radius, metres): lengths equal osmnx's
EARTH_RADIUS_M = 6_371_009
#: ``oneway`` values that make a way one-way, and those that reverse it (osmnx ``_add_paths``;
#: OSM wiki "Key:oneway")
ONEWAY_VALUES = frozenset({"yes", "true", "1", "-1", "reverse", "T", "F"})
REVERSED_VALUES = frozenset({"-1", "reverse", "T"})
OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".xml", ".xml.bz2", ".osm.pbf", ".pbf")

_TWO_WAY, _FORWARD, _BACKWARD = 0, 1, 2
_MISSING = np.iinfo(np.int32).min  # a node the file references but does not hold


def read_street_arrays(path: Path | str, source: str = "") -> StreetNetwork:
    """The unsimplified street network of an OSM file as arrays, read with pyosmium.

    Parameters
    ----------
    path
        ``.osm.pbf``, ``.osm``, ``.osm.bz2`` or ``.osm.gz``.
    source
        Recorded in the result (file and checksum).

    Returns
    -------
    StreetNetwork
        Nodes in ascending OSM id; for every way segment the edge in its direction of travel,
        and the reverse one unless the way is one-way (``oneway`` or ``junction=roundabout``).

    Raises
    ------
    UnreadableFileError
        If the file is not an OSM file pyosmium can read. A file without streets gives an
        empty network (the caller says what it expected).

    Examples
    --------
    >>> import tempfile, pathlib, territorio as tt
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "grid.osm").write_text(tt.datasets.osm_grid_xml(), encoding="utf-8")
    >>> network = read_street_arrays(folder / "grid.osm")
    >>> # 21 × 31 grid nodes + 2 fragment nodes; (31·20 + 21·30 + 1) two-way segments × 2
    >>> network.n_nodes, len(network.u), sorted(network.highway_names)
    (653, 2502, ['footway', 'residential'])
    """
    import osmium

    path = Path(path)
    if not path.name.lower().endswith(OSM_SUFFIXES):
        raise UnreadableFileError(
            path,
            Said(
                "an OSM file (.osm.pbf, .osm, .osm.bz2)", "un file OSM (.osm.pbf, .osm, .osm.bz2)"
            ),
            Said("unknown file type", "tipo di file sconosciuto"),
        )
    ways = _WayArrays()
    try:
        streets = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in streets:
            ways.add(way)
    except RuntimeError as exc:  # libosmium: bad header, truncated block, XML syntax
        raise UnreadableFileError(path, Said("an OSM file", "un file OSM"), str(exc)) from exc
    network = ways.network(source or str(path))
    if ways.missing:
        log.warning(
            "%s: %d way segments skipped, their nodes are not in the file (a clipped extract)",
            path,
            ways.missing,
        )
    return network


class _WayArrays:
    """Flat arrays of the streets' node references, fixed-point coordinates and way tags."""

    def __init__(self) -> None:
        self.refs = array("q")
        self.lon = array("i")
        self.lat = array("i")
        self.way_of = array("i")  # way number of each reference
        self.highway = array("h")
        self.direction = array("b")
        self.foot_no = array("b")
        self.bicycle_no = array("b")
        self.contraflow = array("b")
        self.names: dict[str, int] = {}
        self.missing = 0

    def add(self, way) -> None:
        tags = way.tags
        highway = tags.get("highway")
        if not highway:
            return
        number = len(self.highway)
        for node in way.nodes:
            location = node.location
            self.refs.append(node.ref)
            if location.valid():
                self.lon.append(location.x)
                self.lat.append(location.y)
            else:
                self.lon.append(_MISSING)
                self.lat.append(_MISSING)
            self.way_of.append(number)
        self.highway.append(self.names.setdefault(highway, len(self.names)))
        oneway = tags.get("oneway", "")
        one_way = oneway in ONEWAY_VALUES or tags.get("junction", "") == "roundabout"
        self.direction.append(
            _TWO_WAY if not one_way else _BACKWARD if oneway in REVERSED_VALUES else _FORWARD
        )
        # the same rules as graph.arrays_from_graph reads them off an osmnx graph
        access, foot, bike = tags.get("access", ""), tags.get("foot", ""), tags.get("bicycle", "")
        private = access in ("no", "private")
        self.foot_no.append(foot == "no" or (private and foot not in ("yes", "designated")))
        self.bicycle_no.append(bike == "no" or (private and bike not in ("yes", "designated")))
        self.contraflow.append(tags.get("oneway:bicycle", "") == "no")

    def network(self, source: str) -> StreetNetwork:
        refs = np.frombuffer(self.refs, dtype=np.int64)
        lon = np.frombuffer(self.lon, dtype=np.int32)
        lat = np.frombuffer(self.lat, dtype=np.int32)
        way_of = np.frombuffer(self.way_of, dtype=np.int32)
        # osmnx drops consecutive repeats of a node within a way
        keep = np.ones(len(refs), dtype=bool)
        keep[1:] = (refs[1:] != refs[:-1]) | (way_of[1:] != way_of[:-1])
        refs, lon, lat, way_of = refs[keep], lon[keep], lat[keep], way_of[keep]
        segment = np.flatnonzero(way_of[1:] == way_of[:-1])
        a, b = segment, segment + 1
        whole = (lon[a] != _MISSING) & (lon[b] != _MISSING)
        self.missing = int((~whole).sum())
        a, b = a[whole], b[whole]
        way = way_of[a]
        direction = np.frombuffer(self.direction, dtype=np.int8)[way]
        forward, backward = direction != _BACKWARD, direction != _FORWARD
        tail = np.r_[a[forward], b[backward]]  # positions in the reference arrays
        head = np.r_[b[forward], a[backward]]
        edge_way = np.r_[way[forward], way[backward]]
        ids, first = np.unique(refs[np.r_[tail, head]], return_index=True)
        ends = np.r_[tail, head][first]
        # libosmium stores degrees × 10⁷ as integers; ÷ 10⁷ is the double it reports
        node_lon, node_lat = lon[ends] / 1e7, lat[ends] / 1e7
        x, y = Transformer.from_crs(4326, WORK_CRS, always_xy=True).transform(node_lon, node_lat)
        u = np.searchsorted(ids, refs[tail]).astype(np.int32)
        v = np.searchsorted(ids, refs[head]).astype(np.int32)
        length = great_circle(node_lat[u], node_lon[u], node_lat[v], node_lon[v])

        def per_edge(values: array) -> np.ndarray:
            return np.frombuffer(values, dtype=np.int8)[edge_way].astype(bool)

        return StreetNetwork(
            osmid=ids,
            x=np.asarray(x, dtype=np.float64),
            y=np.asarray(y, dtype=np.float64),
            u=u,
            v=v,
            length=length,
            highway=np.frombuffer(self.highway, dtype=np.int16)[edge_way].copy(),
            highway_names=tuple(self.names),
            foot_no=per_edge(self.foot_no),
            bicycle_no=per_edge(self.bicycle_no),
            bicycle_contraflow=per_edge(self.contraflow),
            source=source,
        )


def great_circle(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Haversine metres between points in degrees, operation for operation as osmnx computes it.

    Examples
    --------
    >>> round(
    ...     float(
    ...         great_circle(
    ...             np.array([45.0]), np.array([9.0]), np.array([45.0]), np.array([9.001])
    ...         )[0]
    ...     ),
    ...     3,
    ... )
    78.626
    """
    y1, y2 = np.deg2rad(lat1), np.deg2rad(lat2)
    x1, x2 = np.deg2rad(lon1), np.deg2rad(lon2)
    delta_y, delta_x = y2 - y1, x2 - x1
    h = np.sin(delta_y / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin(delta_x / 2) ** 2
    arc = 2 * np.arcsin(np.sqrt(np.minimum(1, h)))
    distance = arc * EARTH_RADIUS_M
    distance[np.isnan(distance)] = 0
    return distance
