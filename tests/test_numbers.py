"""Issue 13: stations on the connected network, residents where they live, right group ratios."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from rasterio.transform import from_origin
from scipy.sparse import random as sparse_random

from territorio.access.analysis import access_to_nodes
from territorio.catalog import Catalog
from territorio.config import load_config
from territorio.datasets import synthetic_access, synthetic_network
from territorio.errors import ChecksumMismatchError, ChecksumMismatchWarning
from territorio.indicators import Column, IndicatorTable, Ratio
from territorio.network.engine import main_network_nodes
from territorio.population import (
    PolygonDensity,
    RasterDensity,
    dasymetric_population_grid,
    uniform_population_grid,
)
from territorio.readers import read_indicators
from territorio.runner import run_pipeline
from territorio.territory import Group

from . import synthetic as syn


# -- 1. stations on the main network ------------------------------------------------------------
def test_main_network_nodes_match_networkx_components():
    rng = np.random.default_rng(3)
    graph = sparse_random(400, 400, density=0.004, random_state=rng, format="csr")
    for share in (0.0, 0.01, 0.05, 0.3):
        ours = set(main_network_nodes(graph, share).tolist())
        g = nx.from_scipy_sparse_array(graph, create_using=nx.DiGraph)
        g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
        parts = sorted(nx.weakly_connected_components(g), key=len, reverse=True)
        expected = set(parts[0])
        for part in parts[1:]:
            if len(part) >= share * g.number_of_nodes():
                expected |= part
        assert ours == expected, share


def test_station_beside_a_fragment_joins_the_main_network():
    data = synthetic_access()
    # a station 11 m from the two-node fragment at (1950-1990, 2950) and 43 m from the grid
    extra = data.stations.iloc[[0]].copy()
    extra["nome"] = "Frammento"
    extra["geometry"] = [shapely.Point(syn.ORIGIN_X + 1985.0, syn.ORIGIN_Y + 2960.0)]
    stations = pd.concat([data.stations, extra], ignore_index=True)
    result = access_to_nodes(data.network, stations, data.grid, data.codes)
    row = result.stations.iloc[-1]
    assert bool(row["frammento_piedi"]) and bool(row["frammento_bici"])
    assert row["dist_frammento_piedi_m"] == pytest.approx(np.hypot(5.0, 10.0))
    assert row["dist_nodo_piedi_m"] == pytest.approx(np.hypot(15.0, 40.0))  # node (2000, 3000)
    assert not result.stations.iloc[:-1]["frammento_piedi"].any()
    network = synthetic_network()
    node = result.modes["walk"].station_node[-1]
    assert (network.x[node], network.y[node]) == (syn.ORIGIN_X + 2000, syn.ORIGIN_Y + 3000)
    # the old rule (nearest node of any component) reproduced by allowing every component
    old = access_to_nodes(data.network, stations, data.grid, data.codes, min_component_share=0.0)
    last = len(stations) - 1
    served_new = int((result.times.station["walk"][result.times.in_network] == last).sum())
    served_old = int((old.times.station["walk"][old.times.in_network] == last).sum())
    assert served_new > 20 * max(served_old, 1)  # on the fragment it serves (almost) nobody
    theta = "015008"  # the comune around the fragment
    new_pct = result.indicators.loc[theta, "accesso_10min_piedi_pct"]
    old_pct = old.indicators.loc[theta, "accesso_10min_piedi_pct"]
    assert new_pct > old_pct + 10


@pytest.mark.mirror
def test_no_station_on_a_fragment_of_the_real_network(real_catalog):
    from scipy.sparse.csgraph import connected_components

    from territorio.access.config import AccessConfig
    from territorio.loaders import load_access, load_territory
    from territorio.network.engine import connected_nodes

    territory = load_territory(real_catalog, areas={})
    result = load_access(real_catalog, territory, AccessConfig())
    for mode, solved in result.modes.items():
        graph = result.network.mode_graph(mode)
        _, labels = connected_components(graph, directed=True, connection="weak")
        nodes = connected_nodes(graph)
        sizes = np.bincount(labels[nodes], minlength=labels.max() + 1)
        used = solved.station_node[solved.usable]
        assert (sizes[labels[used]] >= 0.01 * len(nodes)).all(), mode
    stations = result.stations.set_index("nome")
    # Bussero (M2): its nearest walking node is on a fragment; now on the main network
    assert bool(stations.loc["Bussero", "frammento_piedi"])
    bussero = result.indicators.loc[territory.lookup("Bussero")["pro_com_t"]]
    assert bussero["accesso_15min_piedi_area_pct"] > 15  # was 1.3 % on the fragment
    # residents where they live: population shares differ from area shares on the network
    ind = result.indicators[result.indicators["accesso_metodo"] == "rete"]
    gap = (ind["accesso_15min_piedi_pct"] - ind["accesso_15min_piedi_area_pct"]).abs()
    assert len(ind) == 14 and (gap > 5).sum() >= 5


# -- 2. one population model -------------------------------------------------------------------
def test_dasymetric_grid_keeps_istat_totals_and_follows_the_density():
    territory = syn.synthetic_territory()
    comuni, population = territory.comuni, territory.population()
    ghsl = syn.ghsl_frame()
    density = PolygonDensity(ghsl.geometry.values, ghsl["pop_ghsl"].to_numpy(), {"it": "t"})
    grid = dasymetric_population_grid(comuni, population, 50.0, density)
    totals = np.bincount(grid.zone, weights=grid.residents, minlength=9)
    np.testing.assert_allclose(totals, population.to_numpy(), rtol=1e-12)
    # hand oracle for Alfa: quarters NW 6, NE 2, SW 1, SE 1 over 100 cells each
    cells = grid.xy[grid.zone == 0] - [syn.ORIGIN_X, syn.ORIGIN_Y]
    north, east = cells[:, 1] > 500, cells[:, 0] > 500
    expected = np.select([north & ~east, north & east], [6.0, 2.0], 1.0) / 1000 * 110
    np.testing.assert_allclose(grid.residents[grid.zone == 0], expected, rtol=1e-12)
    # Iota has no grid population: uniform, and reported
    assert grid.uniform_zones == (8,)
    iota = grid.residents[grid.zone == 8]
    np.testing.assert_allclose(iota, population.iloc[8] / 400)
    assert "t" in grid.model["it"]


def test_raster_and_polygon_densities_agree():
    territory = syn.synthetic_territory()
    ghsl = syn.ghsl_frame()
    polygons = PolygonDensity(ghsl.geometry.values, ghsl["pop_ghsl"].to_numpy(), {})
    # the same quarters as a 500 m raster (north-up)
    values = np.zeros((6, 6))
    for i in range(9):
        col, row = i % 3, 2 - i // 3
        nw, ne, sw, se = syn.GHSL_QUARTERS[i]
        values[2 * row : 2 * row + 2, 2 * col : 2 * col + 2] = [[nw, ne], [sw, se]]
    transform = from_origin(syn.ORIGIN_X, syn.ORIGIN_Y + 3000, 500, 500)
    raster = RasterDensity(values, transform, "EPSG:32632", None, {})
    a = dasymetric_population_grid(territory.comuni, territory.population(), 50.0, polygons)
    b = dasymetric_population_grid(territory.comuni, territory.population(), 50.0, raster)
    np.testing.assert_allclose(a.residents, b.residents, rtol=1e-9)


def test_access_shares_are_population_shares_on_the_mirror_run(catalog, tmp_path):
    run_pipeline(load_config(None), catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    rete = table["accesso_metodo"] == "rete"
    residents = table.loc[rete, "accesso_10min_piedi_pct"]
    area = table.loc[rete, "accesso_10min_piedi_area_pct"]
    assert (residents - area).abs().max() > 5  # uneven residents: not the area share
    dictionary = (tmp_path / "indicatori_comuni.md").read_text(encoding="utf-8")
    line = next(x for x in dictionary.splitlines() if "`accesso_10min_piedi_pct`" in x)
    assert "GHSL" in line and "`ghsl_popolazione`" in line  # names its model and source


def test_uniform_model_is_explicit(catalog, tmp_path):
    config = load_config(None)
    config["population"].grid = "uniforme"
    config["run"].steps = ["territorio", "mobilita"]
    result = run_pipeline(config, catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    pd.testing.assert_series_equal(
        table["accesso_10min_piedi_pct"],
        table["accesso_10min_piedi_area_pct"],
        check_names=False,
        atol=1e-6,
    )
    assert any("uniform" in n.render("it") for n in result.notes)


def test_user_population_grid(catalog, tmp_path):
    path = tmp_path / "sezioni.gpkg"
    cells = syn.ghsl_frame().rename(columns={"pop_ghsl": "abitanti"})
    cells["abitanti"] = cells["abitanti"][::-1].to_numpy()  # another distribution
    cells.to_file(path, layer="sezioni")
    config = load_config(None)
    config["population"].grid = str(path)
    config["population"].column = "abitanti"
    config["run"].steps = ["territorio", "mobilita"]
    run_pipeline(config, catalog=catalog, out=tmp_path / "out")
    text = (tmp_path / "out" / "indicatori_comuni.md").read_text(encoding="utf-8")
    assert "sezioni.gpkg (abitanti)" in text


def test_bad_population_grid_names_the_file_and_column(catalog, tmp_path):
    from territorio.errors import MissingColumnError

    path = tmp_path / "griglia.gpkg"
    syn.ghsl_frame().to_file(path)
    config = load_config(None)
    config["population"].grid = str(path)
    config["population"].column = "residenti"
    config["run"].steps = ["territorio", "mobilita"]
    with pytest.raises(MissingColumnError, match="griglia.gpkg.*residenti"):
        run_pipeline(config, catalog=catalog, out=tmp_path / "out")
    assert not (tmp_path / "out" / "indicatori_comuni.csv").exists()


# -- 3. group figures --------------------------------------------------------------------------
def test_group_ratio_leaves_out_unknown_numerators():
    table = IndicatorTable(["015001", "015002"])
    table.add(
        pd.DataFrame({"fam": [100.0, 100.0], "ftth": [50.0, np.nan]}, index=table.frame.index),
        [Column("fam", "n.", {}, (), "sum"), Column("ftth", "n.", {}, (), "sum")],
    )
    table.add(
        pd.DataFrame({"ftth_pct": [50.0, np.nan]}, index=table.frame.index),
        [Column("ftth_pct", "%", {}, (), Ratio("ftth", "fam", 100.0))],
    )
    out = table.aggregate([Group("g", "cmm", "G", ("015001", "015002"))])
    expected = pd.DataFrame(
        {
            "gruppo": ["g"],
            "tipo": ["cmm"],
            "nome": ["G"],
            "comuni": [2],
            "comuni_fuori_cmm": [0],
            "fam": [200.0],
            "ftth": [50.0],
            "ftth_pct": [50.0],  # not 25 %: the unknown comune is left out
            "ftth_pct_comuni": [1],
            "ftth_pct_copertura_pct": [50.0],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def _hand_groups() -> pd.DataFrame:
    """Group figures of the synthetic run computed by hand from the fixture's constants."""
    pop = dict(zip(syn.CODES, syn.POP[2024], strict=True))
    area = dict(zip(syn.CODES, syn.REFERENCE_HA, strict=True))
    stock = {c: 19.0 + i for i, c in enumerate(syn.CODES)}
    families = dict(zip(syn.CODES, syn.FAMILIES, strict=True))
    reached = {c: round(f * (10 * i + 5) / 100) for i, (c, f) in enumerate(families.items())}
    groups = {
        "cmm": syn.CODES,
        "zona:Centro": ["015005"],
        "zona:Ovest": ["015001", "015002"],
        "parco_sud": ["015001", "015002", "015004"],
    }
    rows = []
    for gid, codes in groups.items():
        p = sum(pop[c] for c in codes)
        a = sum(area[c] for c in codes)
        rows.append(
            {
                "gruppo": gid,
                "popolazione_2024": float(p),
                "superficie_km2": a / 100,
                "densita_2024_ab_km2": p / (a / 100),
                "suolo_consumato_2024_pct": 100 * sum(stock[c] for c in codes) / a,
                "suolo_consumato_2024_m2_ab": 1e4 * sum(stock[c] for c in codes) / p,
                "ftth_famiglie_pct": 100
                * sum(reached[c] for c in codes)
                / sum(families[c] for c in codes),
                "farmacie_per_10k_ab": 1e4
                * sum({"015001": 2, "015002": 1, "015006": 1}.get(c, 0) for c in codes)
                / p,
            }
        )
    return pd.DataFrame(rows).set_index("gruppo")


def test_group_figures_match_hand_sums(catalog, tmp_path):
    run_pipeline(load_config(None), catalog=catalog, out=tmp_path)
    groups = pd.read_csv(tmp_path / "indicatori_aree.csv").set_index("gruppo")
    expected = _hand_groups()
    got = groups.loc[expected.index, expected.columns].astype(float)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)
    # the mean of the comuni's ratios is a different number on this uneven territory
    table = read_indicators(tmp_path / "indicatori_comuni.csv")
    assert (
        abs(table["densita_2024_ab_km2"].mean() - expected.loc["cmm", "densita_2024_ab_km2"]) > 100
    )


def test_every_aggregated_column_is_its_sum_or_ratio_of_sums(catalog, tmp_path):
    """Every column of indicatori_aree.csv recomputed from indicatori_comuni.csv by hand."""
    result = run_pipeline(load_config(None), catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    got = pd.read_csv(tmp_path / "indicatori_aree.csv").set_index("gruppo")
    rows = {}
    for group in result.territory.groups():
        part = table.loc[list(group.codes)]
        row = {}
        for name, column in result.table.columns.items():
            rule = column.aggregate
            if rule == "sum":
                values = part[name].dropna()
                row[name] = float(values.sum()) if len(values) else np.nan
            elif rule == "count_true":
                row[name] = float(part[name].fillna(False).astype(bool).sum())
            elif isinstance(rule, Ratio):
                num, den = part[rule.numerator], part[rule.denominator]
                known = [
                    (n, d) for n, d in zip(num, den, strict=True) if pd.notna(n) and pd.notna(d)
                ]
                n_sum = sum(n for n, _ in known)
                d_sum = sum(d for _, d in known)
                row[name] = rule.factor * n_sum / d_sum if known and d_sum else np.nan
                row[f"{name}_comuni"] = float(len(known))
                d_all = sum(d for d in den if pd.notna(d))
                row[f"{name}_copertura_pct"] = 100 * d_sum / d_all if d_all else np.nan
        rows[group.id] = row
    expected = pd.DataFrame(rows).T
    expected.index.name = "gruppo"
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(
        got[columns].astype(float), expected[columns].astype(float), check_exact=False, rtol=1e-6
    )


def test_groups_have_no_unassigned_zone_row(catalog, tmp_path):
    run_pipeline(load_config(None), catalog=catalog, out=tmp_path)
    groups = pd.read_csv(tmp_path / "indicatori_aree.csv")
    assert groups["gruppo"].tolist()[:3] == ["cmm", "zona:Centro", "zona:Ovest"]
    assert not groups["nome"].str.casefold().str.contains("non assegnata").any()
    coverage = pd.read_csv(tmp_path / "indicatori_aree_copertura.csv")
    ftth = coverage[(coverage["gruppo"] == "cmm") & (coverage["colonna"] == "ftth_famiglie_pct")]
    assert ftth[["comuni", "comuni_con_dato"]].values.tolist() == [[9, 9]]


# -- 4. zones, areas, checksums, column names --------------------------------------------------
def test_verify_checksums_false_warns_per_layer(synthetic, tmp_path):
    mirror, layers = synthetic
    pop = mirror / "landuse" / "popolazione.csv"
    pop.write_text(pop.read_text() + "\n")  # the file no longer matches its manifest
    strict = Catalog(mirror, layers_dir=layers)
    with pytest.raises(ChecksumMismatchError):
        strict.read("istat_popolazione")
    loose = Catalog(mirror, layers_dir=layers, verify=False)
    with pytest.warns(ChecksumMismatchWarning, match="istat_popolazione"):
        loose.read("istat_popolazione")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loose.read("istat_popolazione")  # once per layer
    assert list(loose.mismatched) == ["istat_popolazione"]
    config = load_config(None)
    config["data"].verify_checksums = False
    config["run"].steps = ["territorio"]
    with pytest.warns(ChecksumMismatchWarning):
        result = run_pipeline(
            config, catalog=Catalog(mirror, layers_dir=layers, verify=False), out=tmp_path / "out"
        )
    assert any("verify_checksums" in n.render("it") for n in result.notes)


def test_verify_checksums_is_read_from_the_config(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("[data]\nverify_checksums = false\n")
    assert Catalog.from_config(load_config(path)).verify is False


def test_school_bike_columns_are_named_from_the_minutes(catalog, tmp_path):
    config = load_config(None)
    config["services"].school_bike_minutes = 10
    config["run"].steps = ["territorio", "mobilita", "servizi"]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv")
    assert {"scuole_sec2_bici10_ab", "scuole_sec2_bici10_pop_pct"} <= set(table.columns)
    assert not [c for c in table.columns if "bici15" in c]


def test_densities_use_the_reference_surface(catalog, tmp_path):
    config = load_config(None)
    config["run"].steps = ["territorio"]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    expected = pd.Series(
        [p / (a / 100) for p, a in zip(syn.POP[2024], syn.REFERENCE_HA, strict=True)],
        index=pd.Index(syn.CODES, name="pro_com_t"),
        name="densita_2024_ab_km2",
    )
    pd.testing.assert_series_equal(table["densita_2024_ab_km2"], expected)
    assert (table["superficie_poligono_km2"].round(6) == 1.0).all()


# -- 5. satellite proxies and SDG 11.3.1 -------------------------------------------------------
def test_satellite_indicators_against_hand_values(catalog, tmp_path):
    config = load_config(None)
    config["run"].steps = ["territorio", "suolo"]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    rows = {}
    for i, code in enumerate(syn.CODES):
        cells = 99 if i == 0 else 100  # Alfa's north-west cell has no data
        built, gained, art = 500.0 * (i + 1), 50.0 * i, 0.1 * (i + 1)
        green = max(0.9 - art, 0.0)
        rows[code] = {
            "satellite_area_valida_ha": float(cells),
            "satellite_copertura_pct": float(cells),
            "edificato_ghsl_2020_ha": cells * built / 1e4,
            "edificato_ghsl_2020_pct": 100 * built / 1e4,
            "edificato_ghsl_2010_ha": cells * (built - gained) / 1e4,
            "edificato_ghsl_variazione_2010_2020_ha": cells * gained / 1e4,
            "edificato_ghsl_variazione_2010_2020_pct": 100 * gained / (built - gained),
            "artificiale_worldcover_2021_ha": cells * art,
            "artificiale_worldcover_2021_pct": 100 * art,
            "verde_aperto_worldcover_2021_ha": cells * green,
            "verde_aperto_worldcover_2021_pct": 100 * green,
        }
    expected = pd.DataFrame(rows).T
    expected.index.name = "pro_com_t"
    pd.testing.assert_frame_equal(
        table[expected.columns].astype(float), expected, check_exact=False, rtol=1e-5, atol=1e-6
    )
    groups = pd.read_csv(tmp_path / "indicatori_aree.csv").set_index("gruppo")
    built_ha = expected["edificato_ghsl_2020_ha"].sum()
    assert groups.loc["cmm", "edificato_ghsl_2020_pct"] == pytest.approx(100 * built_ha / 899)


def test_sdg_11_3_1_per_comune_and_group(catalog, tmp_path):
    config = load_config(None)
    config["land"].sdg_periods = [[2023, 2024]]
    config["run"].steps = ["territorio", "suolo"]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    stock23 = np.array([18.5 + i for i in range(9)])
    stock24 = stock23 + 0.5
    pop23, pop24 = np.array(syn.POP[2023], float), np.array(syn.POP[2024], float)
    lcr = np.log(stock24 / stock23)
    pgr = np.log(pop24 / pop23)
    expected = pd.DataFrame(
        {
            "sdg1131_consumo_tasso_2023_2024_pct_anno": 100 * lcr,
            "sdg1131_popolazione_tasso_2023_2024_pct_anno": 100 * pgr,
            "sdg1131_lcrpgr_2023_2024": lcr / pgr,
        },
        index=pd.Index(syn.CODES, name="pro_com_t"),
    )
    pd.testing.assert_frame_equal(table[expected.columns], expected, rtol=1e-9)
    groups = pd.read_csv(tmp_path / "indicatori_aree.csv").set_index("gruppo")
    group_lcr = np.log(stock24.sum() / stock23.sum())
    group_pgr = np.log(pop24.sum() / pop23.sum())
    assert groups.loc["cmm", "sdg1131_lcrpgr_2023_2024"] == pytest.approx(group_lcr / group_pgr)
    dictionary = (tmp_path / "indicatori_comuni.md").read_text(encoding="utf-8")
    assert "ln(Urb_t2/Urb_t1)/y" in dictionary


def test_uniform_population_grid_is_the_dasymetric_grid_without_density():
    territory = syn.synthetic_territory()
    a = uniform_population_grid(territory.comuni, territory.population(), 100.0)
    b = dasymetric_population_grid(territory.comuni, territory.population(), 100.0, None)
    np.testing.assert_array_equal(a.residents, b.residents)
