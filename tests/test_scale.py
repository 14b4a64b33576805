"""Beyond one territory and one machine: exact tiling, Dask, any territory, partitions."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import csr_matrix

from territorio.boundaries import (
    boundary_indicators,
    boundary_indicators_by_province,
    point_counts_dask,
)
from territorio.cli import main
from territorio.config import load_config
from territorio.errors import SaidError
from territorio.network.tiles import (
    grid_labels,
    max_stretch,
    nearest_station,
    polygon_labels,
    tiled_nearest_station,
)
from territorio.readers import read_indicators
from territorio.runner import run_pipeline
from territorio.scheduler import open_scheduler, parse_scheduler
from territorio.selection import select_territory


def uneven_network(seed: int = 7, stretch: float = 1.0):
    """A random street network: a dense core and sparse outskirts, one-way edges, islands.

    Edge lengths are the straight line × a random detour ≥ 1 (× ``stretch``: below 1 they are
    shorter than the map distance, as great-circle lengths are far from the UTM meridian).
    """
    rng = np.random.default_rng(seed)
    core = rng.normal(0, 400, (900, 2))  # ~400 m spread
    outskirts = rng.uniform(-12_000, 12_000, (600, 2))  # 24 km square
    xy = np.vstack([core, outskirts])
    from scipy.spatial import cKDTree

    _, near = cKDTree(xy).query(xy, k=5)
    rows = np.repeat(np.arange(len(xy)), 4)
    cols = near[:, 1:].ravel()
    detour = rng.uniform(1.0, 1.6, len(rows)) * stretch
    length = np.hypot(*(xy[rows] - xy[cols]).T) * detour
    one_way = rng.random(len(rows)) < 0.3
    r = np.r_[rows, cols[~one_way]]
    c = np.r_[cols, rows[~one_way]]
    w = np.r_[length, length[~one_way]]
    graph = csr_matrix((np.maximum(w, 1e-3), (r, c)), shape=(len(xy), len(xy)))
    graph.sum_duplicates()
    return graph, xy


def oracle(graph: csr_matrix, stations: np.ndarray, snaps: np.ndarray, limit: float):
    """networkx: each node's distance to its nearest station (snap + path), within ``limit``."""
    g = nx.DiGraph()
    coo = graph.tocoo()
    # reversed: a search from the stations along the edges backwards (node → station trips)
    g.add_weighted_edges_from(
        zip(coo.col.tolist(), coo.row.tolist(), coo.data.tolist(), strict=True)
    )
    g.add_nodes_from(range(graph.shape[0]))
    for k, (node, snap) in enumerate(zip(stations.tolist(), snaps.tolist(), strict=True)):
        g.add_edge(("s", k), node, weight=float(snap))
    lengths = nx.multi_source_dijkstra_path_length(
        g, [("s", k) for k in range(len(stations))], cutoff=limit
    )
    out = np.full(graph.shape[0], np.inf)
    for node, metres in lengths.items():
        if not isinstance(node, tuple):
            out[node] = metres
    return out


def tiles(graph, xy, stations, snaps, limit, size, **options):
    """The tiled search on square tiles of ``size`` metres (one-way edges as given)."""
    return tiled_nearest_station(
        graph, xy, stations, snaps, symmetric=False, limit_m=limit,
        labels=grid_labels(xy, size), **options,
    )  # fmt: skip


@pytest.mark.parametrize("stretch", [1.0, 0.8])
@pytest.mark.parametrize("symmetric", [True, False])
def test_tiles_equal_whole_graph_and_networkx(stretch, symmetric):
    graph, xy = uneven_network(stretch=stretch)
    if symmetric:
        graph = graph.maximum(graph.T).tocsr()
    rng = np.random.default_rng(3)
    stations = rng.choice(len(xy), 25, replace=False)
    snaps = rng.uniform(0.5, 280.0, 25)  # snaps differ by orders of magnitude
    limit = 1_500.0
    whole = nearest_station(graph, stations, snaps, symmetric=False, limit_m=limit)
    expected = oracle(graph, stations, snaps, limit)
    np.testing.assert_allclose(whole[0], expected, rtol=1e-12)
    assert np.isfinite(whole[0]).sum() > 300 and np.isinf(whole[0]).sum() > 300
    for size in (300.0, 2_000.0, 7_000.0):
        tiled = tiles(graph, xy, stations, snaps, limit, size, max_snap_m=300.0)
        np.testing.assert_array_equal(tiled[0], whole[0])  # bit for bit
        np.testing.assert_array_equal(tiled[1], whole[1])


def test_halo_without_stretch_would_miss_paths():
    """Lengths below the straight line: a halo of ``limit`` alone would be too narrow."""
    graph, xy = uneven_network(stretch=0.6)
    assert max_stretch(graph, xy) > 1.0
    stations, snaps = np.array([5, 950, 1200]), np.array([1.0, 2.0, 3.0])
    whole = nearest_station(graph, stations, snaps, symmetric=False, limit_m=2_000.0)
    np.testing.assert_array_equal(tiles(graph, xy, stations, snaps, 2_000.0, 500.0)[0], whole[0])


def test_polygon_tiles_cover_every_node():
    _, xy = uneven_network()
    halves = [shapely.box(-20_000, -20_000, 0, 20_000), shapely.box(0, -20_000, 20_000, 20_000)]
    labels = polygon_labels(np.vstack([xy, [[30_000.0, 0.0]]]), halves, ["ovest", "est"])
    assert set(labels) == {"ovest", "est"} and labels[-1] == "est"  # outside: the nearest
    assert (labels[:-1] == np.where(xy[:, 0] < 0, "ovest", "est")).all()


def test_tiles_need_a_limit():
    graph, xy = uneven_network()
    with pytest.raises(ValueError, match="finite limit"):
        tiled_nearest_station(
            graph, xy, np.array([1]), np.array([1.0]), symmetric=False, limit_m=np.inf,
            labels=grid_labels(xy, 1000.0),
        )  # fmt: skip


def test_dask_local_cluster_gives_the_embedded_result():
    graph, xy = uneven_network()
    stations, snaps = np.arange(0, 1500, 60), np.full(25, 10.0)
    labels = grid_labels(xy, 3_000.0)
    embedded = tiled_nearest_station(
        graph, xy, stations, snaps, symmetric=False, limit_m=2_500.0, labels=labels
    )
    with open_scheduler("local:2") as scheduler:
        assert scheduler.workers == 2
        dask = tiled_nearest_station(
            graph, xy, stations, snaps, symmetric=False, limit_m=2_500.0, labels=labels,
            mapper=scheduler.map,
        )  # fmt: skip
    np.testing.assert_array_equal(dask[0], embedded[0])
    np.testing.assert_array_equal(dask[1], embedded[1])


@pytest.mark.parametrize("spec", ["locale", "local:0", "http//x", "tcp:/a"])
def test_bad_scheduler_is_said(spec):
    with pytest.raises(SaidError, match="expected 'local'") as caught:
        parse_scheduler(spec)
    assert "atteso 'local'" in caught.value.italian


def test_unreachable_scheduler_is_said(monkeypatch):
    monkeypatch.setattr("territorio.scheduler.CONNECT_TIMEOUT", "1s")
    with (
        pytest.raises(SaidError, match="cannot reach") as caught,
        open_scheduler("tcp://127.0.0.1:9"),
    ):
        pass
    assert "non raggiungibile" in caught.value.italian


def exit_code(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code)
    return 0


def test_cli_refuses_a_bad_scheduler_and_territory(capfd, tmp_path):
    assert exit_code(["run", "--scheduler", "locale", "--out", str(tmp_path / "a")]) == 2
    assert "atteso 'local'" in capfd.readouterr().err
    assert exit_code(["run", "--territorio", "Lombardie", "--out", str(tmp_path / "b")]) == 2
    err = capfd.readouterr().err
    assert "nessuna provincia" in err and "Forse: Lombardia" in err and "Traceback" not in err


# -- any territory ----------------------------------------------------------------------------
COMUNI = pd.DataFrame(
    {
        "pro_com_t": ["015146", "015002", "098001", "108001", "001001"],
        "comune": ["Milano", "Albairate", "Abbadia Cerreto", "Agrate Brianza", "Agliè"],
        "cod_reg": [3, 3, 3, 3, 1],
        "cod_prov": [15, 15, 98, 108, 1],
        "cod_uts": [215, 215, 98, 108, 201],
    }
)
UNITS = pd.DataFrame(
    {
        "cod_uts": [215, 98, 108, 201],
        "cod_prov": [15, 98, 108, 1],
        "den_uts": ["Milano", "Lodi", "Monza e della Brianza", "Torino"],
        "sigla": ["MI", "LO", "MB", "TO"],
        "tipo_uts": ["Citta metropolitana", "Provincia", "Provincia", "Citta metropolitana"],
    }
)


@pytest.mark.parametrize(
    ("spec", "codes", "kind", "name"),
    [
        ("", ("015002", "015146"), "cmm", "Città metropolitana di Milano"),
        ("015", ("015002", "015146"), "cmm", "Città metropolitana di Milano"),
        ("098", ("098001",), "uts", "Provincia di Lodi"),
        ("lo", ("098001",), "uts", "Provincia di Lodi"),
        ("monza e della brianza", ("108001",), "uts", "Provincia di Monza e della Brianza"),
        ("201", ("001001",), "uts", "Città metropolitana di Torino"),
        ("Lombardia", ("015002", "015146", "098001", "108001"), "regione", "Regione Lombardia"),
        ("regione:1", ("001001",), "regione", "Regione Piemonte"),
        ("Italia", tuple(sorted(COMUNI.pro_com_t)), "italia", "Italia"),
        ("98001, 015146", ("015146", "098001"), "elenco", "2 comuni"),
    ],
)
def test_select_territory(spec, codes, kind, name):
    chosen = select_territory(spec, COMUNI, UNITS)
    assert (chosen.codes, chosen.kind, chosen.name) == (codes, kind, name)


@pytest.mark.parametrize(
    ("spec", "words"),
    [("Lodii", "Forse: Lodi"), ("015999,015146", "015999"), ("regione:21", "da 1 a 20")],
)
def test_select_territory_says_what_is_wrong(spec, words):
    with pytest.raises(SaidError) as caught:
        select_territory(spec, COMUNI, UNITS)
    assert words in caught.value.italian


def test_lombardia_run_fills_the_cmm_and_says_nd_elsewhere(real_catalog, tmp_path):
    """Lombardia (1,503 comuni): the CMM's 133 carry exactly the values of a CMM run."""
    steps = ["territorio", "suolo"]
    cmm_cfg, lom_cfg = load_config(None), load_config(None)
    cmm_cfg["run"].steps = lom_cfg["run"].steps = steps
    lom_cfg["territory"].territorio = "Lombardia"
    run_pipeline(cmm_cfg, catalog=real_catalog, out=tmp_path / "cmm")
    result = run_pipeline(lom_cfg, catalog=real_catalog, out=tmp_path / "lom")
    cmm = read_indicators(tmp_path / "cmm" / "indicatori_comuni.csv").set_index("pro_com_t")
    lom = read_indicators(tmp_path / "lom" / "indicatori_comuni.csv").set_index("pro_com_t")
    assert len(lom) == 1503 and result.territory.name == "Regione Lombardia"
    theme = [c for c in cmm.columns if c.startswith("suolo_")]
    assert len(theme) > 5
    pd.testing.assert_frame_equal(lom.loc[cmm.index, theme], cmm[theme], check_dtype=False)
    outside = lom.index.difference(cmm.index)
    assert len(outside) == 1370 and lom.loc[outside, theme].isna().all().all()
    assert lom.loc[outside, "popolazione_2024"].isna().all()  # ISTAT layer: province 015 only
    np.testing.assert_allclose(
        lom["superficie_poligono_km2"].sum(),
        shapely.area(result.territory.comuni.geometry.values).sum() / 1e6,
    )
    notes = " ".join(n.render("it") for n in result.notes)
    assert "dati solo per i 133 comuni" in notes and "n.d. per gli altri 1\u2009370." in notes
    areas = read_indicators(tmp_path / "lom" / "indicatori_aree.csv")
    assert "territorio" in set(areas["gruppo"]) and "cmm" not in set(areas["gruppo"])


def test_lodi_run_leaves_cmm_themes_out_and_partitions_geoparquet(real_catalog, tmp_path):
    cfg = load_config(None)
    cfg["run"].steps = ["territorio", "suolo", "qgis"]
    cfg["territory"].territorio = "Lodi,MB"  # two provinces: an ISTAT list is codes only
    with pytest.raises(SaidError):
        run_pipeline(cfg, catalog=real_catalog, out=tmp_path / "x")
    cfg["territory"].territorio = "regione:3"
    cfg["run"].steps = ["territorio", "qgis"]
    run_pipeline(cfg, catalog=real_catalog, out=tmp_path / "lom")
    folder = tmp_path / "lom" / "territorio_geoparquet" / "comuni"
    parts = sorted(p.name for p in folder.iterdir())
    assert len(parts) == 12 and "cod_uts=215" in parts and "cod_uts=098" in parts
    back = gpd.read_parquet(folder).sort_values("pro_com_t").reset_index(drop=True)
    gpkg = gpd.read_file(tmp_path / "lom" / "territorio.gpkg", layer="comuni")
    gpkg = gpkg.sort_values("pro_com_t").reset_index(drop=True)
    assert len(back) == 1503 and back.crs.to_epsg() == 32632
    assert shapely.equals_exact(back.geometry.values, gpkg.geometry.values, 1e-6).all()
    import pyogrio

    tables = set(pyogrio.list_layers(tmp_path / "lom" / "territorio.gpkg")[:, 0])
    # the region's outline and its comuni in grey under the indicators (n.d. is not blank);
    # not the 7,899 comuni of the national input layer
    assert {"confine", "comuni_sfondo"} <= tables and "ingresso_italia_comuni" not in tables
    cfg["territory"].territorio = "Lodi"
    cfg["run"].steps = ["territorio", "suolo"]
    result = run_pipeline(cfg, catalog=real_catalog, out=tmp_path / "lodi")
    table = read_indicators(tmp_path / "lodi" / "indicatori_comuni.csv")
    assert len(table) == 60 and not any(c.startswith("suolo_") for c in table.columns)
    notes = " ".join(n.render("it") for n in result.notes)
    assert "Consumo di suolo: non calcolato" in notes and "Provincia di Lodi" in notes


# -- boundary indicators ------------------------------------------------------------------------
def uneven_comuni(seed: int = 11):
    """Comuni of areas from 0.01 to 100 km² in three provinces, and points around them."""
    rng = np.random.default_rng(seed)
    sides = [100.0, 300.0, 1_000.0, 3_000.0, 10_000.0] * 3  # areas differ by 10⁴
    geoms, x = [], 0.0
    for side in sides:
        geoms.append(shapely.box(x, 0.0, x + side, side))
        x += side
    comuni = gpd.GeoDataFrame(
        {
            "pro_com_t": [f"{100 + i:06d}" for i in range(len(sides))],
            "cod_uts": np.repeat([98, 108, 215], 5),
            "popolazione_2024": [12.0, np.nan, 3_400.0, 51_000.0, 1_371_000.0] * 3,
        },
        geometry=geoms,
        crs=32632,
    )
    points = np.column_stack([rng.uniform(0, x, 40_000), rng.uniform(-100, 10_100, 40_000)])
    return comuni, points


def test_boundary_indicators_against_shapely_by_hand():
    comuni, points = uneven_comuni()
    table = boundary_indicators(comuni, points, "popolazione_2024")
    by_hand = pd.DataFrame(
        {
            "pro_com_t": comuni["pro_com_t"],
            "cod_uts": comuni["cod_uts"].astype(np.int64),
            "superficie_poligono_km2": [g.area / 1e6 for g in comuni.geometry],
            "popolazione": comuni["popolazione_2024"],
            "punti": [
                int(sum(g.contains(shapely.Point(p)) for p in points)) for g in comuni.geometry
            ],
        }
    )
    pd.testing.assert_frame_equal(table, by_hand)
    assert table["punti"].min() < 10 < 1_000 < table["punti"].max()


def test_boundary_three_ways_agree():
    comuni, points = uneven_comuni()
    # points on the border of two provinces (comuni 4 | 5 and 9 | 10): the lowest code
    x4 = comuni.geometry.iloc[5].bounds[0]  # left edge of comune 5: its border with 4
    x9 = comuni.geometry.iloc[10].bounds[0]
    assert comuni["cod_uts"].iloc[[4, 5, 9, 10]].tolist() == [98, 108, 108, 215]
    border = np.array([[x4, 50.0], [x4, 60.0], [x9, 70.0]])
    plain = boundary_indicators(comuni, points, "popolazione_2024")
    whole = boundary_indicators(comuni, np.vstack([points, border]), "popolazione_2024")
    gained = (whole["punti"] - plain["punti"]).to_numpy()
    assert gained.tolist() == [0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    points = np.vstack([points, border])
    with open_scheduler("local:2") as scheduler:
        provinces = boundary_indicators_by_province(
            comuni, points, "popolazione_2024", mapper=scheduler.map
        )
        counts = point_counts_dask(comuni, points, npartitions=4)
    pd.testing.assert_frame_equal(provinces, whole)
    pd.testing.assert_series_equal(counts, whole.set_index("pro_com_t")["punti"], check_names=False)


def test_locator_of_a_region_draws_provinces():
    from territorio.webmap.data import LOCATOR_COMUNI, locator_shapes

    side = 20  # 400 comuni of 1 km² in 4 provinces (columns of 5 km)
    boxes = [shapely.box(i * 1000, j * 1000, (i + 1) * 1000, (j + 1) * 1000)
             for i in range(side) for j in range(side)]  # fmt: skip
    comuni = gpd.GeoDataFrame(
        {
            "pro_com_t": [f"{k:06d}" for k in range(len(boxes))],
            "cod_uts": [i // 5 for i in range(side) for _ in range(side)],
        },
        geometry=boxes,
        crs=32632,
    )
    assert len(comuni) > LOCATOR_COMUNI
    shapes = locator_shapes(comuni)
    assert len(shapes) == 4
    np.testing.assert_allclose(shapely.area(shapes), [5_000 * 20_000] * 4)  # 5 × 20 km each
    assert len(locator_shapes(comuni.iloc[:100])) == 100  # a province: every comune


def test_mirror_access_on_dask_tiles_equals_the_whole_network(real_catalog, tmp_path):
    """The CMM's access step: one search on the whole 2015 network vs 10 km tiles on Dask."""
    tables = {}
    for label, scheduler in (("intera", ""), ("dask", "local:2")):
        cfg = load_config(None)
        cfg["run"].steps = ["territorio", "mobilita"]
        cfg["run"].scheduler = scheduler
        result = run_pipeline(cfg, catalog=real_catalog, out=tmp_path / label)
        tables[label] = read_indicators(tmp_path / label / "indicatori_comuni.csv")
    columns = [c for c in tables["intera"].columns if c.startswith(("accesso_", "tempo_"))]
    shares = [c for c in columns if not c.startswith("tempo_")]  # medians may lie beyond 15 min
    assert len(shares) >= 20
    pd.testing.assert_frame_equal(tables["dask"][shares], tables["intera"][shares])
    notes = " ".join(n.render("it") for n in result.notes)
    assert "a riquadri di 10 km" in notes and "Dask, 2 processi" in notes


def test_atlas_of_a_list_names_it_and_says_nd_for_partial_totals(real_catalog, tmp_path):
    """Two CMM comuni and one of Lodi: the territory's column shows no partial total."""
    import re

    cfg = load_config(None)
    cfg["run"].steps = ["territorio", "mappe"]
    cfg["territory"].territorio = "015146,015002,098001"
    run_pipeline(cfg, catalog=real_catalog, out=tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<h1>Territorio: 3 comuni</h1>" in index
    page = (tmp_path / "comuni" / "015146.html").read_text(encoding="utf-8")
    assert "con la zona omogenea e con 3 comuni" in page

    def row(label: str) -> list[str]:
        cells = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", page).group(1)
        return re.findall(r"<td>(.*?)</td>", cells)

    thin = "\u2009"  # the thousands separator of the pages
    assert row("Popolazione 2024 (ab.)") == [f"1{thin}371{thin}499"] * 2 + ["n.d."]  # Lodi: none
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    assert table["superficie_fonte"].tolist() == ["ISPRA", "ISPRA", "poligono"]
    total = row("Superficie (km²)")[2]
    assert float(total.replace(thin, "").replace(",", ".")) == pytest.approx(
        table["superficie_km2"].sum(), abs=0.05
    )
    lodi = shapely.area(
        real_catalog.read("italia_comuni").set_index("pro_com_t").geometry["098001"]
    )
    assert table.at["098001", "superficie_km2"] == pytest.approx(lodi / 1e6)
