"""Floating catchment (E2SFCA, balanced) against the PyPI ``access`` package and closed forms."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import csr_matrix

import territorio as tt
from territorio.network.graph import StreetNetwork
from territorio.network.matrix import travel_minutes
from territorio.services import fca


def _uneven(seed: int = 3, cells: int = 40, sites: int = 6):
    rng = np.random.default_rng(seed)
    demand = rng.choice([1.0, 30.0, 2000.0, 50000.0], cells) * rng.uniform(0.5, 1.5, cells)
    supply = rng.choice([1.0, 40.0, 900.0], sites)
    minutes = rng.uniform(0, 40, (cells, sites))
    return demand, supply, minutes


def _sparse(minutes: np.ndarray, cutoff: float) -> csr_matrix:
    rows, cols = np.nonzero(minutes <= cutoff)
    return csr_matrix((np.maximum(minutes[rows, cols], 1e-9), (rows, cols)), shape=minutes.shape)


@pytest.mark.parametrize(
    "zones,weights", [([30.0], [1.0]), ([10.0, 20.0, 30.0], [1.0, 0.68, 0.22])]
)
def test_two_step_matches_the_access_package(zones, weights):
    from access import Access
    from access import weights as access_weights

    demand, supply, minutes = _uneven()
    cells, sites = minutes.shape
    cost = pd.DataFrame(
        [(i, j, minutes[i, j]) for i in range(cells) for j in range(sites)],
        columns=["origin", "dest", "cost"],
    )
    model = Access(
        demand_df=pd.DataFrame({"pop": demand}, index=pd.RangeIndex(cells, name="id")),
        demand_value="pop",
        supply_df=pd.DataFrame({"cap": supply}, index=pd.RangeIndex(sites, name="id")),
        supply_value="cap",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    steps = dict(zip(zones, weights, strict=True))
    if len(zones) == 1:
        peer = model.two_stage_fca(name="x", max_cost=zones[-1])
    else:
        peer = model.enhanced_two_stage_fca(
            name="x", max_cost=zones[-1], weight_fn=access_weights.step_fn(steps)
        )
    expected = peer.iloc[:, 0].reindex(range(cells)).fillna(0).to_numpy()
    w = fca.zone_weights(_sparse(minutes, zones[-1]), zones, weights)
    _, ours = fca.two_step(w, demand, supply)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("method", ["2sfca", "e2sfca", "bfca"])
def test_total_supply_is_conserved(method):
    demand, supply, minutes = _uneven(seed=11, cells=60, sites=9)
    zones, weights = ([25.0], [1.0]) if method == "2sfca" else ([10.0, 20.0, 25.0], [1, 0.68, 0.22])
    w = fca.zone_weights(_sparse(minutes, 25.0), zones, weights)
    access = (fca.balanced if method == "bfca" else fca.two_step)(w, demand, supply)[1]
    reaches = np.asarray(w.T @ np.ones(w.shape[0])).ravel() > 0
    assert demand @ access == pytest.approx(supply[reaches].sum(), rel=1e-12)


def test_full_reach_closed_form_and_published_balanced_form():
    demand, supply, _ = _uneven(seed=5, cells=30, sites=4)
    w = csr_matrix(np.ones((30, 4)))
    for method in (fca.two_step, fca.balanced):
        access = method(w, demand, supply)[1]
        np.testing.assert_allclose(access, supply.sum() / demand.sum(), rtol=1e-12)
    # as Paez et al. publish it: the levels of service add up over the cells
    level, access = fca.balanced(w, demand, supply, allocation="destination")
    assert access.sum() == pytest.approx(level.sum(), rel=1e-12)
    np.testing.assert_allclose(level, supply * 4 / demand.sum(), rtol=1e-12)


def test_balanced_corrects_demand_inflation_by_hand():
    # cell 0 (100 people) reaches both sites; 2SFCA counts it twice, the balanced form once
    w = csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    demand, supply = np.array([100.0, 100.0, 200.0]), np.array([10.0, 30.0])
    ratio, _ = fca.two_step(w, demand, supply)
    np.testing.assert_allclose(ratio, [10 / 200, 30 / 300])
    level, access = fca.balanced(w, demand, supply)
    np.testing.assert_allclose(level, [10 / 150, 30 / 250])
    np.testing.assert_allclose(access, [0.5 * 10 / 150 + 0.5 * 30 / 250, 10 / 150, 30 / 250])


def test_gini_against_the_double_sum():
    rng = np.random.default_rng(2)
    x = rng.choice([0.0, 0.5, 3.0, 40.0], 25) * rng.uniform(0.9, 1.1, 25)
    w = rng.choice([2.0, 300.0, 90000.0], 25)
    mean = (w * x).sum() / w.sum()
    brute = sum(
        w[i] * w[j] * abs(x[i] - x[j]) for i, j in itertools.product(range(25), repeat=2)
    ) / (2 * w.sum() ** 2 * mean)
    assert fca.gini(x, w) == pytest.approx(brute, rel=1e-12)


def _one_way_network() -> StreetNetwork:
    # a 3-node line A - B - C; B→C is one way for bikes, so C→A goes round by D (long)
    x = np.array([0.0, 1000.0, 2000.0, 1000.0])
    y = np.array([0.0, 0.0, 0.0, 3000.0])
    u = np.array([0, 1, 1, 2, 2, 3, 3, 0])
    v = np.array([1, 0, 2, 3, 3, 2, 0, 3])
    keep = ~((u == 2) & (v == 3) & (np.arange(8) == 4))
    u, v = u[keep], v[keep]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    no = np.zeros(len(u), dtype=bool)
    return StreetNetwork(
        osmid=np.arange(4),
        x=x,
        y=y,
        u=u,
        v=v,
        length=length,
        highway=np.zeros(len(u), dtype=int),
        highway_names=("residential",),
        foot_no=no,
        bicycle_no=no.copy(),
        bicycle_contraflow=no.copy(),
        source="test",
    )


def test_travel_minutes_follow_one_way_streets_from_cell_to_site():
    net = _one_way_network()
    area = shapely.box(-10, -10, 2010, 3010)
    cells = np.array([[0.0, 0.0], [2000.0, 0.0]])  # at A and at C
    site = np.array([[2000.0, 0.0]])  # at C
    m = travel_minutes(
        net,
        cells,
        site,
        mode="bike",
        speed_kmh=15.0,
        cutoff_min=60.0,
        area=area,
        circuity=1.0,
        max_snap_m=10.0,
    ).toarray()
    graph = nx.DiGraph()
    for a, b, length in zip(net.u, net.v, net.length, strict=True):
        graph.add_edge(int(a), int(b), weight=float(length))
    there = nx.shortest_path_length(graph, 0, 2, weight="weight")  # A → C, as people ride
    back = nx.shortest_path_length(graph, 2, 0, weight="weight")
    assert there != back
    assert m[0, 0] == pytest.approx(there / 250.0)  # 15 km/h = 250 m/min
    assert m[1, 0] == pytest.approx(1e-9)


def test_travel_minutes_match_networkx_on_the_street_grid():
    data = tt.datasets.synthetic_access()
    area = shapely.box(500000, 5030000, 502000, 5033000)
    cells = data.grid.xy[::11]
    sites = np.array([[500410.0, 5030730.0], [501600.0, 5032100.0], [504000.0, 5031000.0]])
    m = travel_minutes(
        data.network,
        cells,
        sites,
        mode="walk",
        speed_kmh=4.5,
        cutoff_min=12.0,
        area=area,
        circuity=1.3,
    ).toarray()
    net = data.network
    walk = net.mode_graph("walk").tocoo()
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        zip(walk.row.tolist(), walk.col.tolist(), walk.data.tolist(), strict=True)
    )
    nodes = np.array(sorted(graph.nodes))
    node_xy = np.column_stack([net.x[nodes], net.y[nodes]])
    per_min = 4500 / 60
    inside = shapely.contains_xy(area, cells[:, 0], cells[:, 1])
    for j, xy in enumerate(sites):
        d = np.hypot(*(node_xy - xy).T)
        node, snap_m = int(nodes[np.argmin(d)]), float(d.min())
        lengths = nx.single_source_dijkstra_path_length(graph, node)
        for i, cell in enumerate(cells):
            if inside[i] and snap_m <= 300:
                dc = np.hypot(*(node_xy - cell).T)
                total = snap_m + lengths.get(int(nodes[np.argmin(dc)]), np.inf) + dc.min()
            elif inside[i]:
                total = np.inf  # a site off the network counts only outside the extract
            else:
                total = 1.3 * np.hypot(*(cell - xy))
            expected = total / per_min if total / per_min <= 12.0 else 0.0
            assert m[i, j] == pytest.approx(expected, abs=1e-9), (i, j)
    assert (m > 0).sum() > 20
