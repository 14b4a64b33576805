"""Integration of the services theme on the real schools, health and PNRR layers."""

from __future__ import annotations

import pandas as pd
import pytest

from territorio.config import load_config
from territorio.readers import read_indicators
from territorio.runner import run_pipeline

pytestmark = pytest.mark.mirror

COLUMNS = [
    "scuole_sedi",
    "scuole_sec2_sedi",
    "scuole_sec2_allievi",
    "scuole_sec2_bici15_pop_pct",
    "farmacie_per_10k_ab",
    "ospedali",
    "farmacie",
    "case_comunita_previste",
    "ospedali_comunita_previsti",
    "cot_previste",
    "parco_sud",
]


@pytest.fixture(scope="module")
def run(real_catalog, tmp_path_factory):
    out = tmp_path_factory.mktemp("servizi")
    config = load_config(None)
    config["run"].steps = ["territorio", "servizi"]
    run_pipeline(config, catalog=real_catalog, out=out)
    return out, read_indicators(out / "indicatori_comuni.csv")


def test_every_comune_has_a_complete_row(run):
    _, table = run
    assert len(table) == 133 and table["pro_com_t"].is_unique
    assert not table[COLUMNS].isna().any().any()
    assert table["parco_sud"].sum() == 60
    assert table["scuole_sec2_bici15_pop_pct"].between(0, 100).all()


def test_counts_equal_the_source_counts(run, real_catalog):
    folder, table = run
    flagged = pd.read_csv(folder / "servizi" / "punti_segnalati.csv")
    outside = flagged[flagged["problema"] == "fuori dalla CMM"]["strato"].value_counts()
    schools = real_catalog.read("scuole_sedi")
    assert table["scuole_sedi"].sum() + outside.get("scuole_sedi", 0) == len(schools) == 1343
    assert table["scuole_sec2_sedi"].sum() == int(schools["secondaria_2_grado"].sum()) == 273
    assert table["ospedali"].sum() + outside.get("ospedali", 0) == 62
    assert table["farmacie"].sum() + outside.get("farmacie", 0) == 921
    pnrr = real_catalog.read("pnrr_case_comunita")["tipo_struttura"].value_counts()
    assert table["case_comunita_previste"].sum() == pnrr["Casa della Comunita'"] == 55
    assert table["ospedali_comunita_previsti"].sum() == 19 and table["cot_previste"].sum() == 33
    # the mirror's own flags: 3 + 1 + 3 points outside the CMM, 31 + 29 + 5 in another comune
    assert len(outside.index) and outside.sum() == 7
    assert (flagged["problema"] == "in un altro comune").sum() == 65


def test_node_tables(run):
    folder, _ = run
    schools = pd.read_csv(folder / "servizi" / "scuole_sec2_nodi.csv")
    hospitals = pd.read_csv(folder / "servizi" / "ospedali_nodi.csv")
    assert len(schools) == 273 and len(hospitals) == 62
    assert schools["tempo_piedi_nodo_min"].notna().all() and schools["nodo_nome"].notna().all()
    assert set(schools["metodo"]) == {"rete", "stima"}
