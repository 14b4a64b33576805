from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from territorio.access.config import AccessConfig
from territorio.config import load_config
from territorio.loaders import load_access as run_access
from territorio.loaders import load_territory
from territorio.points import PointFileError
from territorio.readers import read_community_points, read_indicators
from territorio.runner import run_pipeline
from territorio.services import facilities, park, proximity

from . import synthetic as syn

REL = 3e-3  # great-circle vs UTM lengths (see test_access)


@pytest.fixture
def access(catalog):
    territory = load_territory(catalog, areas={})
    return run_access(catalog, territory, AccessConfig()), territory


@pytest.fixture
def outputs(catalog, tmp_path):
    config = load_config(None)
    config["run"].steps = ["territorio", "servizi"]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    return tmp_path, read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")


def test_school_on_a_node_walks_exactly_to_its_station(access, catalog):
    result, territory = access
    schools = facilities.locate(catalog.read("scuole_sedi"), territory.comuni, "pro_com_t")
    near = proximity.to_nearest_node(schools, result).set_index(schools["codice_meccanografico"])
    # (1500, 1500) is a grid node 500 m east of Centro (1000, 1500): 500 m at 75 m/min
    assert near.loc["MI01", "nodo_nome"] == "Centro"
    assert near.loc["MI01", "tempo_piedi_nodo_min"] == pytest.approx(500 / 75, rel=REL)
    # (500, 2500) is the node the merged Nord station snaps to, 30 m away
    assert near.loc["MI03", "nodo_nome"] == "Nord"
    assert near.loc["MI03", "tempo_piedi_nodo_min"] == pytest.approx(30 / 75, rel=REL)
    assert near.loc["MI03", "metodo"] == "rete"
    assert near.loc["MI04", "metodo"] == "stima"  # x = 2500 lies outside the extract


def test_hospital_reaches_a_node_across_the_border(access, catalog):
    result, territory = access
    hospitals = facilities.locate(catalog.read("ospedali"), territory.comuni, None)
    assert hospitals["comune_geo"].tolist() == ["015004"]  # (960, 1960): west of x = 1000
    near = proximity.to_nearest_node(hospitals, result).iloc[0]
    snap = np.hypot(1000 - syn.HOSPITAL_XY[0], 2000 - syn.HOSPITAL_XY[1])
    assert near["nodo_nome"] == "Centro"
    assert near["tempo_piedi_nodo_min"] == pytest.approx((snap + 500) / 75, rel=REL)
    rail = result.stations.set_index("nome").loc["Centro", "corse_giorno_ferrovia"]
    assert near["nodo_corse_giorno_ferrovia"] == rail == 2


def test_counts_flags_and_ratios(outputs):
    folder, table = outputs
    assert table["scuole_sedi"].sum() == 4 and table.loc["015005", "scuole_sec2_sedi"] == 2
    assert table.loc["015005", "scuole_sec2_allievi"] == 120  # the CFP and the unknown left out
    assert table.loc["015005", "scuole_sec2_sedi_con_allievi"] == 1
    assert table.loc["015001", "farmacie"] == 2
    assert table.loc["015006", "farmacie"] == 1 and table.loc["015003", "farmacie"] == 0
    assert table["farmacie"].sum() == 4  # one pharmacy lies outside the territory
    assert table.loc["015001", "farmacie_per_10k_ab"] == pytest.approx(2 / 110 * 1e4)
    assert table.loc["015001", "case_comunita_previste"] == 2
    assert table.loc["015005", "ospedali_comunita_previsti"] == 1
    assert table.loc["015009", "cot_previste"] == 1
    flagged = pd.read_csv(folder / "servizi" / "punti_segnalati.csv")
    pharmacy = flagged[flagged["strato"] == "farmacie"].set_index("nome")
    assert pharmacy.loc["Farmacia 4", "problema"] == "fuori dalla CMM"
    assert pharmacy.loc["Farmacia 3", "problema"] == "in un altro comune"
    assert (
        not table[["scuole_sedi", "farmacie", "ospedali", "scuole_sec2_bici15_pop_pct"]]
        .isna()
        .any()
        .any()
    )


def test_bike_share_around_schools(outputs):
    _, table = outputs
    # 015005 contains a school and is crossed by streets: everyone within 15 min by bike
    assert table.loc["015005", "scuole_sec2_bici15_pop_pct"] == pytest.approx(100.0)
    assert (table["scuole_sec2_bici15_pop_pct"].between(0, 100)).all()


def test_far_schools_are_listed(outputs):
    folder, _ = outputs
    far = pd.read_csv(folder / "servizi" / "scuole_sec2_oltre_15min.csv")
    near = pd.read_csv(folder / "servizi" / "scuole_sec2_nodi.csv")
    assert len(near) == 3
    assert set(far["denominazione"]) == set(
        near.loc[~(near["tempo_piedi_nodo_min"] <= 15), "denominazione"]
    )


def write_points(tmp_path, rows, header="cup,tipo_struttura,denominazione,lon,lat"):
    path = tmp_path / "strutture.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_community_points_validation(tmp_path):
    lon, lat = syn.to_lonlat(1500, 1500)
    area = syn.outline_frame().geometry[0]
    good = write_points(
        tmp_path, [f"C1,CdC,Casa Uno,{lon},{lat}", f"C2,cot,Centrale,{lon + 0.001},{lat}"]
    )
    points = read_community_points(good, area)
    assert points["tipo_struttura"].tolist() == [
        "Casa della Comunita'",
        "Centrale Operativa Territoriale",
    ]
    bad = write_points(
        tmp_path, [f"C1,ambulatorio,X,{lon},{lat}", f"C1,CdC,Y,{lat},{lon}", "C3,CdC,Z,9.9,46.3"]
    )
    with pytest.raises(PointFileError) as info:
        read_community_points(bad, area)
    text = str(info.value)
    assert "row 1, column 'tipo_struttura'" in text
    assert "rows [1, 2], column 'cup': id 'C1' repeated" in text
    assert "row 2, columns 'lon'/'lat'" in text and "look swapped" in text
    assert "row 3, columns 'lon'/'lat'" in text and "outside the CMM" in text


def test_community_points_in_the_run(catalog, tmp_path):
    lon, lat = syn.to_lonlat(1500, 1500)
    path = write_points(tmp_path, [f"C1,Casa della Comunità,Casa Uno,{lon},{lat}"])
    config = load_config(None)
    config["run"].steps = ["territorio", "servizi"]
    config["services"].community_points = str(path)
    run_pipeline(config, catalog=catalog, out=tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "servizi" / "strutture_comunita_nodi.csv")
    assert table.loc[0, "nodo_nome"] == "Centro"
    assert table.loc[0, "tempo_piedi_nodo_min"] == pytest.approx(500 / 75, rel=REL)
    # with coordinates the facilities enter the floating catchment too
    summary = pd.read_csv(tmp_path / "out" / "servizi" / "fca_sintesi.csv")
    rows = summary[summary["offerta"] == "strutture_comunita"]
    assert rows["sedi"].tolist() == [1, 1] and rows["offerta_raggiunta"].tolist() == [1, 1]


def test_school_demand_of_an_age_band(catalog, tmp_path):
    # residents of school age per comune, uneven: the school ratio becomes pupils per young
    # resident, and every pupil of a site that someone reaches is allocated once
    band = tmp_path / "eta_14_18.csv"
    shares = [0.05, 0.001, 0.2, 0.06, 0.05, 0.07, 0.04, 0.05, 0.3]
    rows = [
        f"{code};{round(p * s)}"
        for code, p, s in zip(syn.CODES, syn.POP[2024], shares, strict=True)
    ]
    band.write_text("pro_com_t;popolazione\n" + "\n".join(rows) + "\n", encoding="utf-8")
    config = load_config(None)
    config["run"].steps = ["territorio", "servizi"]
    config["services"].school_age_population = str(band)
    result = run_pipeline(config, catalog=catalog, out=tmp_path / "out")
    summary = pd.read_csv(tmp_path / "out" / "servizi" / "fca_sintesi.csv")
    school = summary[(summary["offerta"] == "scuole_sec2") & (summary["metodo"] == "bfca")].iloc[0]
    assert school["unita"] == "allievi per residente 14-18 anni"
    young = sum(round(p * s) for p, s in zip(syn.POP[2024], shares, strict=True))
    reached = school["residenti_raggiunti_pct"] / 100
    # CMM mean = pupils reached / young residents (conservation of the balanced form)
    assert school["media_cmm"] == pytest.approx(school["offerta_raggiunta"] / young, rel=1e-9)
    assert 0 < reached <= 1
    column = result.table.columns["fca_scuole_sec2_bfca"]
    assert column.unit == "allievi per residente 14-18 anni"


def test_park_perimeter_and_consumption(catalog, tmp_path):
    territory = load_territory(catalog, areas={})
    west = shapely.box(syn.ORIGIN_X, syn.ORIGIN_Y, syn.ORIGIN_X + 600, syn.ORIGIN_Y + 3000)
    schools = facilities.locate(catalog.read("scuole_sedi"), territory.comuni, "pro_com_t")
    table = park.park_by_comune(west, territory.comuni, territory.population(), {"scuole": schools})
    assert table.loc["015001", "parco_quota_superficie_pct"] == pytest.approx(60.0)
    assert table.loc["015002", "parco_quota_superficie_pct"] == 0
    assert table.loc["015004", "parco_residenti"] == pytest.approx(syn.POP[2024][3] * 0.6)
    assert table["parco_scuole"].sum() == 1
    assert table.loc["015007", "parco_scuole"] == 1  # Liceo Tre at x = 500, inside the 600 m strip
    # a raster consumed everywhere in the west 200 m strip of the territory
    raster = tmp_path / "consumo.tif"
    data = np.zeros((300, 300), dtype="uint8")
    data[:, :20] = 1
    with rasterio.open(
        raster,
        "w",
        driver="GTiff",
        width=300,
        height=300,
        count=1,
        dtype="uint8",
        crs="EPSG:32632",
        transform=from_origin(syn.ORIGIN_X, syn.ORIGIN_Y + 3000, 10, 10),
        nodata=255,
    ) as dst:
        dst.write(data, 1)
    with rasterio.open(raster) as src:
        consumed = park.consumed_inside_outside(west, territory.comuni, src)
    assert consumed.loc["015001", "parco_suolo_consumato_dentro_ha"] == pytest.approx(
        20.0
    )  # 200 × 1000 m
    assert consumed.loc["015001", "parco_suolo_consumato_fuori_ha"] == 0
    assert consumed["parco_suolo_consumato_fuori_ha"].sum() == 0


def test_park_in_the_run(catalog, tmp_path):
    import geopandas as gpd

    boundary = tmp_path / "parco.gpkg"
    gpd.GeoDataFrame(
        geometry=[shapely.box(syn.ORIGIN_X, syn.ORIGIN_Y, syn.ORIGIN_X + 600, syn.ORIGIN_Y + 3000)],
        crs=32632,
    ).to_crs(4326).to_file(boundary)
    config = load_config(None)
    config["run"].steps = ["territorio", "servizi"]
    config["services"].park_boundary = str(boundary)
    run_pipeline(config, catalog=catalog, out=tmp_path / "out")
    table = read_indicators(tmp_path / "out" / "indicatori_comuni.csv").set_index("pro_com_t")
    assert table.loc["015001", "parco_quota_superficie_pct"] == pytest.approx(60.0, abs=0.01)
    groups = pd.read_csv(tmp_path / "out" / "indicatori_aree.csv").set_index("gruppo")
    assert groups.loc["cmm", "parco_quota_superficie_pct"] == pytest.approx(100 * 1.8 / 9, abs=0.01)
