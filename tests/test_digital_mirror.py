"""Integration of the digital theme on the real AGCOM, BUL and school layers."""

from __future__ import annotations

import pytest

from territorio.config import load_config
from territorio.digital import fibre
from territorio.readers import read_indicators
from territorio.runner import run_pipeline

pytestmark = pytest.mark.mirror


def test_agcom_and_bul_per_comune(real_catalog):
    agcom = real_catalog.read("agcom_rete_fissa")
    indicators = fibre.agcom_indicators(agcom)
    assert len(indicators) == 133
    for column in ("ftth_famiglie_pct", "ftth_punti_pct", "ftth_celle_pct", "fttc_celle_pct"):
        assert indicators[column].between(0, 100).all(), column
    assert indicators["famiglie_ftth"].sum() == 1_269_659
    assert indicators["famiglie_residenti"].sum() == 1_444_757
    bul = fibre.bul_status(real_catalog.read("infratel_bul"), indicators.index)
    assert len(bul) == 133 and bul["bul_stato_fibra"].notna().all()
    assert bul.loc["015146", "bul_stato_fibra"] == fibre.NO_BUL  # Milano is not in the plan
    assert (bul["bul_stato_fibra"] == fibre.NO_BUL).sum() == 9


def test_default_scenario_on_real_schools(real_catalog, tmp_path):
    config = load_config(None)
    config["run"].steps = ["territorio", "digitale"]
    run_pipeline(config, catalog=real_catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv")
    assert len(table) == 133
    assert table["scenario_5g_siti"].sum() == 55
    assert table["scenario_5g_popolazione_pct"].between(0, 100).all()
    assert table["bul_stato_fibra"].notna().all() and table["ftth_famiglie_pct"].notna().all()
