"""Integration of the accessibility engine on the real 2015 OSM extract and station layers."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from territorio.access.config import AccessConfig
from territorio.loaders import load_access as run_access
from territorio.loaders import load_territory, network_source
from territorio.network.engine import connected_nodes, nearest_source
from territorio.readers import load_network

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def network(real_catalog):
    path, sha, _ = network_source(real_catalog, AccessConfig())
    return load_network(path, sha256=sha)


def test_network_size(network):
    assert network.n_nodes > 190_000
    walk = network.mode_graph("walk")
    assert len(connected_nodes(walk)) > 180_000


def test_multi_source_equals_networkx_on_a_sample(network):
    graph = network.mode_graph("walk")
    nodes = connected_nodes(graph)
    rng = np.random.default_rng(7)
    sources = rng.choice(nodes, 200, replace=False)
    ours = nearest_source(graph, sources)
    reference = nx.multi_source_dijkstra_path_length(
        nx.from_scipy_sparse_array(graph), set(sources.tolist()), weight="weight"
    )
    sample = rng.choice(nodes, 3000, replace=False)
    expected = np.array([reference.get(int(n), np.inf) for n in sample])
    assert np.array_equal(np.isinf(expected), np.isinf(ours.distance[sample]))
    finite = np.isfinite(expected)
    assert finite.sum() > 2500
    np.testing.assert_allclose(ours.distance[sample][finite], expected[finite], rtol=1e-9)


def test_real_run(real_catalog):
    territory = load_territory(real_catalog, areas={})
    result = run_access(real_catalog, territory, AccessConfig())
    ind = result.indicators
    assert len(ind) == 133
    assert set(ind["accesso_metodo"]) == {"rete", "stima"}
    assert ind.loc["015205", "accesso_metodo"] == "rete"  # Segrate: fully inside the extract
    assert ind.loc["015118", "accesso_metodo"] == "stima"  # Legnano: outside
    assert 85 < ind.loc["015146", "accesso_quota_rete_pct"] < 92  # Milano: 88.8 % of it in the box
    for column in (
        "accesso_10min_piedi_pct",
        "accesso_10min_bici_pct",
        "accesso_15min_piedi_area_pct",
    ):
        assert ind[column].between(0, 100).all(), column
    assert (ind["accesso_10min_bici_pct"] >= ind["accesso_10min_piedi_pct"] - 1e-9).all()
    stations = result.stations
    assert 180 <= len(stations) < 205  # co-located entries merged
    assert (~stations["in_rete"]).sum() > 0  # stations outside the extract are reported
    assert stations.loc[stations["in_rete"], "dist_rete_m"].max() <= 300
    assert stations["corse_giorno_ferrovia"].notna().sum() > 40
