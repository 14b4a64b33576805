"""The pyosmium street build against osmnx: the same nodes, directed edges and lengths."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from territorio.errors import UnreadableFileError
from territorio.readers import build_network_osmnx, load_network, read_street_arrays
from territorio.readers.osm import great_circle

from .synthetic import write_pbf

# node id → (lat, lon), 7 decimals as OSM stores them; spacing differs by orders of magnitude
NODES = {
    1: (45.4641000, 9.1900000),
    2: (45.4641000, 9.1912345),
    3: (45.4650000, 9.1912345),
    4: (45.4650001, 9.1912346),  # 1.3 cm from node 3
    5: (45.4700000, 9.2000000),
    6: (45.4800000, 9.2100000),  # 1.3 km away
    7: (45.4641000, 9.1890000),
    8: (45.4630000, 9.1890000),
    9: (45.4630000, 9.1900000),
    10: (45.5000000, 9.3000000),  # used only by a building
}
#: (way id, node refs, tags): every rule of osmnx's one-way reading and of the access tags
WAYS = [
    (101, [1, 2, 3], {"highway": "residential"}),
    (102, [3, 4, 4, 5], {"highway": "primary", "oneway": "yes"}),  # repeated node dropped
    (103, [5, 6], {"highway": "secondary", "oneway": "-1"}),
    (104, [6, 5], {"highway": "tertiary", "oneway": "reverse"}),
    (105, [1, 7, 8, 9, 1], {"highway": "service", "junction": "roundabout"}),
    (106, [2, 3], {"highway": "footway", "oneway": "no", "bicycle": "no"}),  # parallel to 101
    (107, [7, 8], {"highway": "service", "access": "private", "foot": "yes"}),
    (108, [8, 9], {"highway": "cycleway", "oneway": "T", "oneway:bicycle": "no"}),
    (109, [9, 1], {"highway": "living_street", "oneway": "F", "access": "no"}),
    (110, [10, 10], {"highway": "residential"}),  # one distinct node: no edge
    (111, [10, 5, 6], {"building": "yes"}),  # not a street
]


def osm_xml(nodes=NODES, ways=WAYS) -> str:
    """OSM XML of the fixture."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    for node, (lat, lon) in nodes.items():
        lines.append(f'<node id="{node}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for way, refs, tags in ways:
        body = "".join(f'<nd ref="{r}"/>' for r in refs)
        body += "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        lines.append(f'<way id="{way}" version="1">{body}</way>')
    return "\n".join([*lines, "</osm>"])


@pytest.fixture
def xml(tmp_path):
    path = tmp_path / "strade.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    return path


def hand_edges() -> pd.DataFrame:
    """The directed edges read off the fixture by hand, with lengths from shapely-free haversine.

    Two-way ways give both directions; ``oneway=yes``/``F`` and roundabouts the drawn
    direction; ``-1``/``reverse``/``T`` the opposite one.
    """
    rows = [
        (1, 2, "residential"),
        (2, 1, "residential"),
        (2, 3, "residential"),
        (3, 2, "residential"),
        (3, 4, "primary"),
        (4, 5, "primary"),
        (6, 5, "secondary"),
        (5, 6, "tertiary"),
        (1, 7, "service"),
        (7, 8, "service"),
        (8, 9, "service"),
        (9, 1, "service"),
        (2, 3, "footway"),
        (3, 2, "footway"),
        (7, 8, "service"),
        (8, 7, "service"),
        (9, 8, "cycleway"),
        (9, 1, "living_street"),
    ]
    foot_no = {"living_street"}
    bicycle_no = {"footway", "living_street"}
    table = pd.DataFrame(rows, columns=["u", "v", "highway"])
    lat = {k: v[0] for k, v in NODES.items()}
    lon = {k: v[1] for k, v in NODES.items()}
    table.insert(
        2,
        "length",
        great_circle(
            table.u.map(lat).to_numpy(),
            table.u.map(lon).to_numpy(),
            table.v.map(lat).to_numpy(),
            table.v.map(lon).to_numpy(),
        ),
    )
    table["foot_no"] = table.highway.isin(foot_no)
    table["bicycle_no"] = table.highway.isin(bicycle_no)
    table.loc[(table.u == 7) & (table.v == 8) & (table.highway == "service"), "bicycle_no"] = [
        False,
        True,
    ]  # the roundabout segment is public; way 107 is private, open on foot only
    table.loc[(table.u == 8) & (table.v == 7), "bicycle_no"] = True
    table["bicycle_contraflow"] = table.highway == "cycleway"
    return table.sort_values(list(table.columns), kind="stable").reset_index(drop=True)


def test_fixture_edges_are_the_hand_count(xml):
    network = read_street_arrays(xml)
    assert network.osmid.tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]  # 10 has no street edge
    pd.testing.assert_frame_equal(network.edge_table(), hand_edges(), check_exact=True)


def test_fixture_equals_osmnx_and_pbf(xml, tmp_path):
    ours = read_street_arrays(xml)
    reference = build_network_osmnx(xml)
    pd.testing.assert_frame_equal(ours.node_table(), reference.node_table(), check_exact=True)
    pd.testing.assert_frame_equal(ours.edge_table(), reference.edge_table(), check_exact=True)
    from_pbf = read_street_arrays(write_pbf(xml, tmp_path / "strade.osm.pbf"))
    pd.testing.assert_frame_equal(from_pbf.edge_table(), ours.edge_table(), check_exact=True)
    pd.testing.assert_frame_equal(from_pbf.node_table(), ours.node_table(), check_exact=True)


def test_mode_graphs_equal_osmnx(xml):
    ours, reference = read_street_arrays(xml), build_network_osmnx(xml)
    order_ours, order_ref = np.argsort(ours.osmid), np.argsort(reference.osmid)
    for mode in ("walk", "bike"):
        a = ours.mode_graph(mode)[order_ours][:, order_ours]
        b = reference.mode_graph(mode)[order_ref][:, order_ref]
        assert (a != b).nnz == 0, mode


def test_missing_node_is_skipped_with_a_warning(tmp_path, caplog):
    path = tmp_path / "ritaglio.osm"
    ways = [(201, [1, 2, 99, 3], {"highway": "residential"})]  # 99 is not in the file
    path.write_text(osm_xml(ways=ways), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        network = read_street_arrays(path)
    assert sorted(zip(*network.edge_table()[["u", "v"]].T.values, strict=True)) == [(1, 2), (2, 1)]
    assert "2 way segments skipped" in caplog.text and "ritaglio.osm" in caplog.text


@pytest.mark.parametrize(
    ("name", "content"),
    [("rete.osm", "not xml at all <"), ("rete.osm.pbf", "garbage"), ("rete.txt", "x")],
)
def test_bad_file_names_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(UnreadableFileError, match=name):
        read_street_arrays(path)


def test_extract_without_streets_is_empty(tmp_path):
    path = tmp_path / "vuoto.osm"
    path.write_text(osm_xml(ways=[(1, [1, 2], {"building": "yes"})]), encoding="utf-8")
    network = read_street_arrays(path)
    assert (network.n_nodes, len(network.u), network.highway_names) == (0, 0, ())


def test_mirror_extract_equals_osmnx(real_mirror, tmp_path):
    """The 2015 extract: 217,361 nodes, 393,894 edges, every length equal to osmnx's."""
    path = real_mirror / "mobility" / "osm" / "milano_bbox_2015_highways.osm.bz2"
    ours = load_network(path, cache_dir=tmp_path)
    reference = build_network_osmnx(path)
    assert (ours.n_nodes, len(ours.u)) == (217_361, 393_894)
    pd.testing.assert_frame_equal(ours.node_table(), reference.node_table(), check_exact=True)
    pd.testing.assert_frame_equal(ours.edge_table(), reference.edge_table(), check_exact=True)
    pbf = read_street_arrays(real_mirror / "mobility" / "osm" / "milano_bbox_2015.osm.pbf")
    pd.testing.assert_frame_equal(pbf.edge_table(), ours.edge_table(), check_exact=True)
