from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from scipy.sparse import csr_matrix
from typer.testing import CliRunner

from territorio.access.config import AccessConfig
from territorio.access.nodes import gtfs_departures, merge_colocated
from territorio.cli import app
from territorio.config import load_config
from territorio.loaders import load_access as run_access
from territorio.loaders import load_territory
from territorio.network.engine import nearest_source, snap
from territorio.readers import build_network, load_network, read_indicators
from territorio.runner import run_pipeline

from . import synthetic as syn

# osmnx measures great-circle lengths on a sphere; the grid is drawn in UTM: ~0.1 % apart here.
# Stations join the graph by edges of at least 1 mm.
REL, ABS = 3e-3, 0.01


@pytest.fixture
def result(catalog):
    territory = load_territory(catalog, areas={})
    return run_access(catalog, territory, AccessConfig()), territory


def manhattan_to_stations(x, y):
    """Walking metres on the synthetic grid to the nearest usable station."""
    centro = np.abs(x - 1000) + np.abs(y - 1500)
    nord = np.abs(x - 500) + np.abs(y - 2500) + 30.0  # merged station at (530, 2500), 30 m snap
    return np.minimum(centro, nord)


def test_engine_on_tiny_graph_exact():
    # 0 -1- 1 -2- 2    3 (isolated)
    graph = csr_matrix(([1.0, 1.0, 2.0, 2.0], ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(4, 4))
    result = nearest_source(graph, np.array([0, 2]))
    assert result.distance[:3].tolist() == [0.0, 1.0, 0.0]
    assert result.source[:3].tolist() == [0, 0, 1]
    assert np.isinf(result.distance[3]) and result.source[3] == -1 and result.unreachable == 1


def test_directed_graph_measures_towards_sources():
    graph = csr_matrix(([5.0], ([0], [1])), shape=(2, 2))  # one-way 0 → 1
    assert nearest_source(graph, np.array([1])).distance.tolist() == [5.0, 0.0]
    assert np.isinf(nearest_source(graph, np.array([0])).distance[1])


def test_walk_times_on_grid_are_exact(result):
    res, _ = result
    walk = res.modes["walk"]
    net = res.network
    nodes = walk.nodes
    grid_nodes = nodes[net.osmid[nodes] < 9000]
    expected = manhattan_to_stations(
        net.x[grid_nodes] - syn.ORIGIN_X, net.y[grid_nodes] - syn.ORIGIN_Y
    )
    assert walk.node_distance[grid_nodes] == pytest.approx(expected, rel=REL, abs=ABS)
    minutes = walk.minutes(walk.node_distance[grid_nodes])
    assert minutes == pytest.approx(expected / 75.0, rel=REL, abs=ABS)  # 4.5 km/h = 75 m/min


def test_unreachable_components_are_infinite_and_counted(result):
    res, _ = result
    walk, bike = res.modes["walk"], res.modes["bike"]
    fragment = np.isin(res.network.osmid, [9000, 9001])
    assert np.isinf(walk.node_distance[fragment]).all()
    assert res.times.unreachable["walk"] == 2
    # by bike footways are closed: only the streets of the two stations' rows reach them
    assert res.times.unreachable["bike"] > 500
    assert not (bike.node_distance == 0).sum() > 2


def test_far_station_is_reported_not_snapped(result):
    res, _ = result
    stations = res.stations.set_index("nome")
    assert not stations.loc["Lontana", "in_rete"]
    assert stations.loc["Lontana", "dist_rete_m"] > 2000
    assert stations.loc["Centro", "in_rete"] and stations.loc["Centro", "dist_rete_m"] < 1


def test_colocated_entries_merge_into_one_station(result):
    res, _ = result
    assert len(res.stations) == 3
    nord = res.stations.set_index("nome").loc["Nord"]
    assert nord["linee"] == "M1;M2" and nord["voci"] == 2 and nord["modi"] == "metro"
    assert nord["freq_punta_ora"] == 35.0


def test_lum_classes_and_gtfs_service(result):
    res, _ = result
    stations = res.stations.set_index("nome")
    assert stations.loc["Centro", "classe_lum"] == 1  # rail with 4 lines
    assert stations.loc["Lontana", "classe_lum"] == 2  # other rail
    assert stations.loc["Nord", "classe_lum"] == 2  # single-station lines are termini
    assert stations.loc["Centro", "corse_giorno_ferrovia"] == 2  # weekday trips, not Sunday's
    assert stations.attrs["giorno_servizio_gtfs"] == "2024-01-02"


def test_gtfs_departures_skip_last_stop():
    feed = {
        name.removesuffix(".txt"): pd.read_csv(pd.io.common.StringIO(text), dtype=str)
        for name, text in syn.gtfs_files().items()
    }
    out = gtfs_departures(feed)
    assert out.loc["101", "corse_giorno"] == 2 and "102" not in out.index
    assert out.loc["101", "linee_gtfs"] == "S1;S2"


def test_comune_indicators_match_the_grid_formula(result):
    res, _ = result
    ind = res.indicators
    assert ind.loc[["015003", "015006", "015009"], "accesso_metodo"].eq("stima").all()
    assert ind.loc[["015001", "015002", "015004", "015005"], "accesso_metodo"].eq("rete").all()
    # comune 015001: 50 m cells in 0-1000 × 0-1000, each snapped to the nearest grid node
    centres = np.arange(25, 1000, 50.0)
    x, y = np.meshgrid(centres, centres)
    nx, ny = np.round(x / 100) * 100, np.round(y / 100) * 100
    metres = np.hypot(x - nx, y - ny) + manhattan_to_stations(nx, ny)
    # residents follow the GHSL-like quarters of the synthetic mirror: NW 6, NE 2, SW 1, SE 1
    north, east = y >= 500, x >= 500
    weight = np.select([north & ~east, north & east], [6.0, 2.0], 1.0)
    differ = 0
    for limit in (5, 10, 15):
        within = metres / 75.0 <= limit
        expected = 100 * np.mean(within)
        expected_residents = 100 * np.sum(weight * within) / np.sum(weight)
        area = ind.loc["015001", f"accesso_{limit}min_piedi_area_pct"]
        residents = ind.loc["015001", f"accesso_{limit}min_piedi_pct"]
        assert area == pytest.approx(expected, abs=0.5)
        assert residents == pytest.approx(expected_residents, abs=0.5)
        differ += abs(residents - area) > 1.0
    assert differ  # residents where they live: population shares are not area shares
    assert ind.loc["015001", "tempo_mediano_piedi_min"] == pytest.approx(
        np.median(metres) / 75.0, rel=0.01
    )


def test_estimate_uses_measured_circuity(result):
    res, _ = result
    circuity = res.times.circuity["walk"]
    assert 1.0 < circuity < 1.5  # Manhattan grid: between 1 and √2
    outside = ~res.times.in_network
    assert outside.any() and np.isfinite(res.times.minutes["walk"][outside]).all()


def test_cache_roundtrip_and_pbf(tmp_path, synthetic):
    mirror, _ = synthetic
    xml = mirror / "mobility" / "strade.osm"
    first = load_network(xml, cache_dir=tmp_path)
    start = time.perf_counter()
    second = load_network(xml, cache_dir=tmp_path)
    assert time.perf_counter() - start < 1.0
    for name in ("osmid", "x", "y", "u", "v", "length", "highway"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
    from_pbf = build_network(syn.write_pbf(xml, tmp_path / "strade.osm.pbf"))
    assert sorted(from_pbf.osmid) == sorted(first.osmid)
    assert from_pbf.length.sum() == pytest.approx(first.length.sum())


def test_snap_reports_distance():
    nodes = np.array([[0.0, 0.0], [100.0, 0.0]])
    snapped = snap(nodes, np.array([[90.0, 30.0]]), np.array([0]))
    assert snapped.node.tolist() == [0] and snapped.distance[0] == pytest.approx(np.hypot(90, 30))


def test_merge_distance_is_respected():
    stations = syn.stations_frame().to_crs(32632)
    assert len(merge_colocated(stations, 50.0)) == 4
    assert len(merge_colocated(stations, 70.0)) == 3


def test_access_step_and_cli_outputs(catalog, synthetic, tmp_path, monkeypatch):
    config = load_config(None)
    config["run"].steps = ["territorio", "mobilita"]
    run_pipeline(config, catalog=catalog, out=tmp_path / "run")
    table = read_indicators(tmp_path / "run" / "indicatori_comuni.csv")
    for column in ("accesso_10min_piedi_pct", "accesso_10min_bici_pct", "accesso_metodo"):
        assert column in table.columns
    assert set(table["accesso_metodo"]) == {"rete", "stima"}

    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["access", "--out", str(out)])
    assert result.exit_code == 0, result.output
    gpkg = out / "accessibilita.gpkg"
    names = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {
        "rete_pedonale",
        "nodi_rete",
        "isocrone",
        "lum_buffer",
        "lum_rete",
        "nodi_interscambio",
        "nodi_fuori_rete",
    } <= names
    edges = pyogrio.read_dataframe(gpkg, layer="rete_pedonale")
    assert list(edges.columns[:3]) == ["u", "v", "length_m"]
    nodes = pyogrio.read_dataframe(gpkg, layer="nodi_rete")
    assert {"osmid", "dist_m", "tempo_piedi_min", "tempo_bici_min", "nodo_interscambio"} <= set(
        nodes.columns
    )
    assert nodes["tempo_piedi_min"].isna().sum() == 2  # the fragment: NaN, not zero
    iso = pyogrio.read_dataframe(gpkg, layer="isocrone")
    assert set(iso["minuti"]) == {5, 10, 15} and set(iso["modo"]) == {"piedi", "bici"}
    centro5 = iso[(iso["nome"] == "Centro") & (iso["modo"] == "piedi") & (iso["minuti"] == 5)]
    centro15 = iso[(iso["nome"] == "Centro") & (iso["modo"] == "piedi") & (iso["minuti"] == 15)]
    assert centro5.area.sum() < centro15.area.sum()
    with rasterio.open(out / "tempi_viaggio.tif") as tif:
        assert tif.count == 3 and tif.crs.to_epsg() == 32632 and tif.res == (50.0, 50.0)
        assert tif.descriptions[0] == "tempo_piedi_min"
