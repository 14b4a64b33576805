"""Integration tests on the real layer mirror (../shared/data or TERRITORIO_DATA)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from territorio.cli import app
from territorio.loaders import load_area_comuni, load_territory
from territorio.readers import read_indicators

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def territory(real_catalog):
    return load_territory(real_catalog)


def test_every_manifest_checksum_matches(real_catalog):
    bad = {}
    for layer_id in real_catalog.ids():
        status = real_catalog.status(layer_id)
        if not status.present or status.checksum_ok is not True:
            bad[layer_id] = status.problem
    assert bad == {}


def test_layers_check_exits_0(real_mirror):
    result = CliRunner().invoke(app, ["layers", "check", "--data", str(real_mirror)])
    assert result.exit_code == 0, result.output
    assert "strati sono a posto" in result.output


def test_133_comuni_population_and_area(territory):
    comuni = territory.comuni
    assert len(comuni) == 133 and comuni["pro_com_t"].is_unique
    assert territory.population(2024).sum() == 3_245_459
    assert territory.population(2019).sum() == 3_250_077  # old Vermezzo + Zelo summed
    assert territory.population_years == (2019, 2020, 2021, 2022, 2023, 2024)
    # ISPRA's reference surface (ISTAT detailed boundaries) for densities; polygon area apart
    assert comuni["superficie_km2"].sum() == pytest.approx(1574.0, abs=0.1)
    assert comuni["superficie_poligono_km2"].sum() == pytest.approx(1575.03, abs=0.01)
    assert (comuni["superficie_fonte"] == "ISPRA").all()
    melegnano = comuni.set_index("comune").loc["Melegnano"]
    assert melegnano["superficie_km2"] == pytest.approx(4.9926, abs=1e-4)
    assert melegnano["superficie_poligono_km2"] == pytest.approx(4.03, abs=0.01)
    assert comuni.loc[comuni["pro_com_t"] == "015146", "comune"].item() == "Milano"


def test_park_and_zones(territory):
    comuni = territory.comuni
    assert comuni["parco_sud"].sum() == 60
    counts = comuni["zona_omogenea"].value_counts()
    assert counts.to_dict() == {
        "Adda Martesana": 29,
        "Alto Milanese": 16,
        "Nord Milano": 6,
        "Milano": 1,
    }
    assert comuni["zona_omogenea"].isna().sum() == 81  # not assigned: no zone
    zones = [g.name for g in territory.groups() if g.kind == "zona_omogenea"]
    assert zones == ["Adda Martesana", "Alto Milanese", "Milano", "Nord Milano"]


def test_som_area_has_8_comuni_across_provinces(real_catalog, territory):
    som = territory.areas["som"]
    comuni = load_area_comuni(real_catalog, som)
    assert len(comuni) == 8
    assert comuni["comune"].tolist() == [
        "Zibido San Giacomo",
        "Binasco",
        "Calvignasco",
        "Casarile",
        "Casorate Primo",
        "Noviglio",
        "Rosate",
        "Vernate",
    ]
    assert comuni.set_index("pro_com_t").loc["018034", "cod_prov"] == 18
    group = next(g for g in territory.groups() if g.id == "area:som")
    assert len(group.codes) == 7 and group.outside == ("018034",)


def test_scale_layers_load_the_same_way(real_catalog):
    lombardia = real_catalog.read("lombardia_comuni")
    assert len(lombardia) == 1503 and lombardia.crs.to_epsg() == 32632
    italia = real_catalog.read("italia_comuni")
    assert len(italia) == 7899 and italia["pro_com_t"].str.len().eq(6).all()


def test_point_layers_reprojected_with_codes(real_catalog):
    schools = real_catalog.read("scuole_sedi")
    assert len(schools) == 1343 and schools.crs.to_epsg() == 32632
    assert schools["pro_com_t"].str.match(r"^\d{6}$").all()
    pharmacies = real_catalog.read("farmacie")
    assert len(pharmacies) == 921


def test_small_osm_network_builds_projected(real_catalog):
    graph = real_catalog.read("osm_sanbabila_2019")
    assert graph.number_of_nodes() > 300
    assert "32632" in str(graph.graph["crs"])


def test_gtfs_reads(real_catalog):
    feed = real_catalog.read("gtfs_trenord_2023")
    assert len(feed["stops"]) == 433 and len(feed["routes"]) == 56


def test_run_writes_133_rows(mirror_run):
    tmp_path, _ = mirror_run
    table = read_indicators(tmp_path / "indicatori_comuni.csv")
    assert len(table) == 133
    assert table["popolazione_2024"].sum() == 3_245_459
    assert table["pro_com_t"].str.len().eq(6).all()
    dictionary = (tmp_path / "indicatori_comuni.md").read_text(encoding="utf-8")
    assert "ISTAT" in dictionary and "CC BY 4.0" in dictionary
