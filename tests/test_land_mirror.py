"""Integration of the land theme on the real ISPRA table."""

from __future__ import annotations

import pandas as pd
import pytest

from territorio.config import load_config
from territorio.readers import read_indicators
from territorio.runner import run_pipeline

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def outputs(real_catalog, tmp_path_factory):
    out = tmp_path_factory.mktemp("land")
    config = load_config(None)
    config["run"].steps = ["territorio", "suolo"]
    run_pipeline(config, catalog=real_catalog, out=out)
    return out


def test_pct_equals_ispra_published(outputs, real_catalog):
    table = read_indicators(outputs / "indicatori_comuni.csv").set_index("pro_com_t")
    published = real_catalog.read("ispra_suolo_wide").set_index("pro_com_t")["stock_2024_pct"]
    assert len(table) == 133
    diff = (table["suolo_consumato_2024_pct"] - published.reindex(table.index)).abs()
    assert diff.max() <= 0.01


def test_cmm_total_equals_sum_of_rows(outputs):
    table = read_indicators(outputs / "indicatori_comuni.csv")
    groups = pd.read_csv(outputs / "indicatori_aree.csv").set_index("gruppo")
    assert groups.loc["cmm", "suolo_consumato_2024_ha"] == pytest.approx(
        table["suolo_consumato_2024_ha"].sum()
    )
    assert groups.loc["cmm", "suolo_consumato_2024_ha"] == pytest.approx(50_344.96, abs=0.01)
    assert table["consumo_netto_2015_2024_ha"].notna().all()
    assert table["suolo_consumato_2024_m2_ab"].between(10, 5_000).all()


def test_series_charts_and_dictionary(outputs):
    series = pd.read_csv(outputs / "suolo" / "serie_comuni.csv", dtype={"pro_com_t": str})
    assert len(series) == 133 * 12
    assert set(series["fonte"]) == {"ispra_published", "derived_backward_from_2024"}
    assert len(list((outputs / "suolo" / "grafici").glob("*.svg"))) == 133
    text = (outputs / "indicatori_comuni.md").read_text(encoding="utf-8")
    assert "ricostruiti all'indietro" in text and "superficie ISPRA" in text
    assert "non eseguita" in text  # says the PTM check needs the PGT ambiti


def test_satellite_proxies_track_ispra(outputs):
    table = read_indicators(outputs / "indicatori_comuni.csv").set_index("pro_com_t")
    # SOURCES.md: WorldCover artificial share vs ISPRA consumed share, r = 0.99 per comune
    r = table["artificiale_worldcover_2021_pct"].corr(table["suolo_consumato_2024_pct"])
    assert r > 0.97
    assert table["satellite_copertura_pct"].median() > 98
    # GHS-BUILT-S 2020 total on the CMM: 199.4 km² (12.7 % of 1 575 km²)
    assert table["edificato_ghsl_2020_ha"].sum() / 100 == pytest.approx(199.4, rel=0.01)
    gained = table["edificato_ghsl_variazione_2010_2020_ha"].sum() / 100
    assert gained == pytest.approx(8.95, rel=0.02)


def test_sdg_11_3_1_on_ispra_and_istat(outputs):
    import numpy as np

    table = read_indicators(outputs / "indicatori_comuni.csv").set_index("pro_com_t")
    milano = table.loc["015146"]
    lcr = np.log(milano["suolo_consumato_2024_ha"] / milano["suolo_consumato_2019_ha"]) / 5
    pgr = np.log(milano["popolazione_2024"] / milano["popolazione_2019"]) / 5
    assert milano["sdg1131_lcrpgr_2019_2024"] == pytest.approx(lcr / pgr)
    assert table["sdg1131_lcrpgr_2019_2024"].notna().sum() >= 130
    groups = pd.read_csv(outputs / "indicatori_aree.csv").set_index("gruppo")
    cmm_lcr = np.log(
        table["suolo_consumato_2024_ha"].sum() / table["suolo_consumato_2019_ha"].sum()
    )
    cmm_pgr = np.log(table["popolazione_2024"].sum() / table["popolazione_2019"].sum())
    assert groups.loc["cmm", "sdg1131_lcrpgr_2019_2024"] == pytest.approx(cmm_lcr / cmm_pgr)
