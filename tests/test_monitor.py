"""Plan monitoring: catalogue, values against hand sums, dashboard, run.json and compare."""

from __future__ import annotations

import json
import math
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

from territorio.catalog import Catalog
from territorio.cli import app, main
from territorio.config import load_config
from territorio.errors import TerritorioError
from territorio.monitor.catalogue import load_catalogue
from territorio.monitor.compare import compare_runs
from territorio.monitor.dashboard import monitor_page
from territorio.monitor.values import monitor, target_gap
from territorio.readers import read_indicators
from territorio.runner import run_pipeline

from . import synthetic as syn

# Four comuni whose populations and families differ by orders of magnitude.
CODES = ["000001", "000002", "000003", "000004"]
FAMILIES = [12.0, 480.0, 25_000.0, 610_000.0]


def user_catalogue(tmp_path, text: str):
    path = tmp_path / "mio.toml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path)


TARGETS = """
[[driver]]
id = "T"
numero = 11
nome = "Prova"
nome_verificato = true

[[indicatore]]
id = "su_raggiunto"
driver = "T"
nome = "Su, raggiunto"
colonna = "su_a"
unita = "%"
direzione = "aumento"
obiettivo = { valore = 50, anno = 2030, fonte = "prova" }

[[indicatore]]
id = "su_mancato"
driver = "T"
nome = "Su, mancato"
colonna = "su_b"
unita = "%"
direzione = "aumento"
obiettivo = { valore = 50, anno = 2030, fonte = "prova" }

[[indicatore]]
id = "giu_raggiunto"
driver = "T"
nome = "Giù, raggiunto"
colonna = "giu_a"
unita = "ha"
direzione = "diminuzione"
obiettivo = { valore = 10, fonte = "prova" }

[[indicatore]]
id = "giu_mancato"
driver = "T"
nome = "Giù, mancato"
colonna = "giu_b"
unita = "ha"
direzione = "diminuzione"
obiettivo = { valore = 10, fonte = "prova" }

[[indicatore]]
id = "ftth_famiglie"
driver = "T"
nome = "FTTH"
colonna = "ftth_famiglie_pct"
unita = "%"
direzione = "aumento"
base = "serie"
fonte = "AGCOM"
serie = [
  { periodo = "31/3/2025", colonna = "ftth_prima_pct", peso = "famiglie_residenti" },
  { periodo = "30/6/2025", colonna = "ftth_famiglie_pct", peso = "famiglie_residenti" },
]

[[indicatore]]
id = "soglia"
driver = "T"
nome = "Soglia rispettata"
colonna = "esito"
calcolo = "conta"
conta_valore = "rispettata"
unita = "comuni"
direzione = "aumento"
obiettivo = { tutti_i_comuni = true, fonte = "prova" }
"""


def frames():
    comuni = pd.DataFrame(
        {
            "pro_com_t": CODES,
            "comune": ["Piccolo", "Medio", "Grande", "Enorme"],
            "famiglie_residenti": FAMILIES,
            "ftth_prima_pct": [0.0, 50.0, 80.0, 99.0],
            "ftth_famiglie_pct": [10.0, 60.0, 85.0, 99.5],
            "esito": ["rispettata", "non rispettata", None, "rispettata"],
            "su_a": [1.0, 2.0, 3.0, 4.0],
        }
    )
    areas = pd.DataFrame(
        {
            "gruppo": ["cmm", "zona:Ovest"],
            "tipo": ["cmm", "zona_omogenea"],
            "nome": ["CMM", "Ovest"],
            "su_a": [50.0, 70.0],
            "su_b": [49.9, 0.01],
            "giu_a": [10.0, 0.5],
            "giu_b": [10.5, 2_000.0],
        }
    )
    members = {"cmm": CODES, "zona:Ovest": CODES[:2]}
    return comuni, areas, members


def test_shipped_catalogue_has_the_ten_drivers_and_no_invented_target():
    cat = load_catalogue()
    assert [d.number for d in cat.drivers] == list(range(1, 11))
    assert [d.name["it"] for d in cat.drivers[:5]] == [
        "Campus metropolitano smart",
        "Politiche verdi e blu",
        "Sustain-ability",
        "Metabolismo circolare metropolitano",
        "Diritto alla mobilità",
    ]
    assert all(d.name_verified for d in cat.drivers[:5])
    assert not any(d.name_verified for d in cat.drivers[5:])  # shown as provisional
    # the plan's own figures are baselines, never targets
    fibre = next(i for i in cat.indicators if i.id == "accordi_fibra")
    assert (fibre.baseline.value, fibre.target) == (70.0, None)
    sites = next(i for i in cat.indicators if i.id == "siti_5g")
    assert (sites.baseline.value, sites.target) == (55.0, None)
    # every target has a source
    assert all(i.target.source for i in cat.indicators if i.target is not None)


def test_user_catalogue_adds_and_overrides_by_id(tmp_path):
    cat = user_catalogue(
        tmp_path,
        """
[[driver]]
id = "D6"
numero = 6
nome = "Nome approvato"
nome_verificato = true

[[indicatore]]
id = "accordi_fibra"
driver = "D1"
nome = "Comuni con accordo fibra"
colonna = "accordo_fibra"
calcolo = "conta"
unita = "comuni"
direzione = "aumento"
base = { anno = 2025, valore = 70, fonte = "PSTTM" }
obiettivo = { valore = 100, anno = 2027, fonte = "DUP 2026" }
""",
    )
    assert next(d for d in cat.drivers if d.id == "D6").name["it"] == "Nome approvato"
    fibre = next(i for i in cat.indicators if i.id == "accordi_fibra")
    assert (fibre.target.value, fibre.target.year) == (100.0, 2027)
    assert len(cat.drivers) == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[driver]]\nid = "X"\nnumero = 1\nnome = "x"\ncolore = "blu"\n',
            "unknown key(s) ['colore']",
        ),
        (
            '[[indicatore]]\nid = "i"\ndriver = "D1"\nnome = "i"\ncolonna = "c"\n'
            'direzione = "su"\n',
            "direzione = 'su'; expected one of aumento, diminuzione, nessuna",
        ),
        (
            '[[indicatore]]\nid = "i"\ndriver = "D1"\nnome = "i"\ncolonna = "c"\n'
            'direzione = "aumento"\nobiettivo = { anno = 2030, fonte = "x" }\n',
            "missing 'valore'",
        ),
        (
            '[[indicatore]]\nid = "i"\ndriver = "Z9"\nnome = "i"\ncolonna = "c"\n'
            'direzione = "aumento"\n',
            "driver 'Z9' is not in the catalogue",
        ),
        ("[[driver]\n", "not valid TOML"),
    ],
)
def test_bad_user_catalogue_names_file_entry_and_key(tmp_path, text, message):
    path = tmp_path / "mio.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TerritorioError) as info:
        load_catalogue(path)
    assert message in str(info.value)
    assert "mio.toml" in str(info.value) or "Z9" in str(info.value)


def test_targets_reached_and_missed_with_the_right_sign_in_both_directions(tmp_path):
    cat = user_catalogue(tmp_path, TARGETS)
    comuni, areas, members = frames()
    result = monitor(cat, comuni, areas, members)
    got = result.table.set_index(["indicatore", "gruppo"])
    cases = {
        # (indicator, group): (value, target, gap in the direction of good, reached)
        ("su_raggiunto", "cmm"): (50.0, 50.0, 0.0, True),
        ("su_raggiunto", "zona:Ovest"): (70.0, 50.0, -20.0, True),
        ("su_mancato", "cmm"): (49.9, 50.0, 50.0 - 49.9, False),
        ("su_mancato", "zona:Ovest"): (0.01, 50.0, 49.99, False),
        ("giu_raggiunto", "cmm"): (10.0, 10.0, 0.0, True),
        ("giu_raggiunto", "zona:Ovest"): (0.5, 10.0, -9.5, True),
        ("giu_mancato", "cmm"): (10.5, 10.0, 0.5, False),
        ("giu_mancato", "zona:Ovest"): (2_000.0, 10.0, 1_990.0, False),
    }
    for key, (value, goal, gap, reached) in cases.items():
        row = got.loc[key]
        assert row["valore"] == value
        assert row["obiettivo_valore"] == goal
        assert row["distanza_obiettivo"] == pytest.approx(gap, abs=1e-12)
        assert row["obiettivo_raggiunto"] is reached, key
    assert math.isnan(target_gap(5.0, 1.0, "nessuna"))


def test_weighted_series_count_and_ranking_against_hand_sums(tmp_path):
    cat = user_catalogue(tmp_path, TARGETS)
    comuni, areas, members = frames()
    result = monitor(cat, comuni, areas, members)
    first = np.array([0.0, 50.0, 80.0, 99.0])
    latest = np.array([10.0, 60.0, 85.0, 99.5])
    w = np.array(FAMILIES)
    cmm = [("31/3/2025", (first * w).sum() / w.sum()), ("30/6/2025", (latest * w).sum() / w.sum())]
    ovest = [
        ("31/3/2025", (first[:2] * w[:2]).sum() / w[:2].sum()),
        ("30/6/2025", (latest[:2] * w[:2]).sum() / w[:2].sum()),
    ]
    for group, expected in (("cmm", cmm), ("zona:Ovest", ovest)):
        got = result.series[("ftth_famiglie", group)]
        assert [p for p, _ in got] == [p for p, _ in expected]
        assert [v for _, v in got] == pytest.approx([v for _, v in expected], rel=1e-12)
    rows = result.table.set_index(["indicatore", "gruppo"])
    # the latest value is the weighted area value; the baseline the first point
    assert rows.loc[("ftth_famiglie", "cmm"), "valore"] == pytest.approx(cmm[1][1], rel=1e-12)
    assert rows.loc[("ftth_famiglie", "cmm"), "base_valore"] == pytest.approx(cmm[0][1])
    assert rows.loc[("ftth_famiglie", "cmm"), "periodo"] == "30/6/2025"
    # counts: 2 of the 3 comuni with an outcome meet it; the target is all 3
    counted = rows.loc[("soglia", "cmm"), ["valore", "obiettivo_valore", "distanza_obiettivo"]]
    assert counted.tolist() == [2.0, 3.0, 1.0]
    assert rows.loc[("soglia", "zona:Ovest"), ["valore", "obiettivo_valore"]].tolist() == [1.0, 2.0]
    # ranking: best first for aumento; the comuni without a value last
    ranking = result.ranking[result.ranking["indicatore"] == "ftth_famiglie"]
    expected = pd.DataFrame(
        {
            "driver": "T",
            "indicatore": "ftth_famiglie",
            "indicatore_nome": "FTTH",
            "pro_com_t": ["000004", "000003", "000002", "000001"],
            "comune": ["Enorme", "Grande", "Medio", "Piccolo"],
            "valore": [99.5, 85.0, 60.0, 10.0],
            "posizione": pd.array([1, 2, 3, 4], dtype="Int64"),
        }
    )
    assert_frame_equal(ranking.reset_index(drop=True), expected, check_dtype=False)


def test_unserved_indicators_and_drivers_say_why(tmp_path):
    cat = load_catalogue()
    comuni, areas, members = frames()
    result = monitor(cat, comuni, areas, members)
    assert "accordi_fibra" in result.unserved
    assert "cmm_accordi_fibra" in result.unserved["accordi_fibra"]["it"]
    assert {"D4", "D10"} <= set(result.unserved_drivers)
    row = result.table[(result.table["indicatore"] == "accordi_fibra")].iloc[0]
    assert (row["base_valore"], row["gruppo"]) == (70.0, "cmm")
    assert "non importato" in row["nota"]
    assert math.isnan(row["valore"])


def test_dashboard_has_a_card_per_indicator_and_italian_numbers(tmp_path):
    cat = user_catalogue(tmp_path, TARGETS)
    comuni, areas, members = frames()
    result = monitor(cat, comuni, areas, members)
    page = monitor_page(result, {"data": "2026-12-01T09:00:00", "territorio_versione": "9.9"})
    served = [d for d in cat.drivers if d.id not in result.unserved_drivers]
    cards = sum(len(cat.of(d.id)) for d in served)
    assert page.count('<article class="card">') == cards
    assert "1/12/2026" in page
    assert "49,9 %" in page  # decimal comma
    assert "2\u2009000 ha" in page  # thin-space grouping
    assert "non quantificato" in page or "Obiettivo" in page
    # nothing fetched at view time: no script, no address but the SVG namespaces
    assert "<script" not in page
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/2000/svg",
    }
    # one sparkline (the FTTH card's, for the CMM), named by its values for screen readers
    assert re.findall(r'<svg role="img" aria-label="([^"]+)"', page) == [
        "FTTH, CMM: 31/3/2025 98,2; 30/6/2025 98,9"
    ]
    english = monitor_page(result, {"data": "2026-12-01"}, "en")
    assert '<html lang="en">' in english and "2026-12-01" in english


def changed_mirror(mirror_a, layers_a, root):
    """A copy of the synthetic mirror with one PNRR project moved from 015001 to 015002."""
    mirror, layers = root / "mirror", root / "layers"
    shutil.copytree(mirror_a, mirror)
    shutil.copytree(layers_a, layers)
    table = pd.read_csv(mirror / "services" / "pnrr.csv", dtype=str)
    table.loc[1, "com_istat_code"] = "015002"
    table.to_csv(mirror / "services" / "pnrr.csv", index=False)
    syn.write_manifest(
        layers,
        mirror,
        id="pnrr_case_comunita",
        kind="table",
        path="services/pnrr.csv",
        theme="mobilita",
        expected_count=4,
        key="com_istat_code",
    )
    return mirror, layers


def test_run_twice_with_one_input_changed_compare_reports_exactly_it(tmp_path, monkeypatch):
    base_mirror, base_layers = syn.build_mirror(tmp_path / "a")
    new_mirror, new_layers = changed_mirror(base_mirror, base_layers, tmp_path / "b")
    cfg = load_config(None)
    cfg["run"].steps = ["territorio", "suolo", "servizi", "monitoraggio"]
    run_a, run_b = tmp_path / "run_a", tmp_path / "run_b"
    run_pipeline(cfg, catalog=Catalog(base_mirror, layers_dir=base_layers), out=run_a)
    run_pipeline(cfg, catalog=Catalog(new_mirror, layers_dir=new_layers), out=run_b)
    info = json.loads((run_b / "run.json").read_text("utf-8"))
    assert info["passi"] == ["territorio", "suolo", "servizi", "monitoraggio"]
    pnrr = next(r for r in info["strati"] if r["id"] == "pnrr_case_comunita")
    written = syn.sha256(new_mirror / "services" / "pnrr.csv")
    assert pnrr["sha256"] == written == pnrr["sha256_catalogo"]
    assert info["aree"]["cmm"]["comuni"] == syn.CODES

    # the oracle: the cells that differ, straight from the two CSV files
    a = read_indicators(run_a / "indicatori_comuni.csv").set_index("pro_com_t")
    b = read_indicators(run_b / "indicatori_comuni.csv").set_index("pro_com_t")
    differ = sorted(c for c in a.columns if not a[c].equals(b[c]))
    assert differ == ["case_comunita_previste"]
    assert (a.loc["015001", differ[0]], b.loc["015001", differ[0]]) == (2, 1)

    runner = CliRunner()
    result = runner.invoke(app, ["compare", str(run_a), str(run_b), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    cmp = tmp_path / "cmp"
    columns = pd.read_csv(cmp / "confronto_colonne.csv")
    assert columns.query("tabella == 'comuni'")["colonna"].tolist() == differ
    inputs = pd.read_csv(cmp / "confronto_input.csv")
    assert inputs[["tipo", "voce"]].values.tolist() == [["strato cambiato", "pnrr_case_comunita"]]
    cells = pd.read_csv(cmp / "confronto_comuni.csv", dtype={"chiave": str})
    expected = pd.DataFrame(
        {
            "chiave": ["015001", "015002"],
            "colonna": ["case_comunita_previste"] * 2,
            "valore_a": [2.0, 0.0],
            "valore_b": [1.0, 1.0],
            "differenza": [-1.0, 1.0],
            "differenza_pct": [-50.0, np.nan],
        }
    )
    assert_frame_equal(cells[expected.columns.tolist()], expected, check_dtype=False)
    page = (cmp / "confronto.html").read_text("utf-8")
    # people read the column's header from the run's dictionary, not its id
    dictionary = pd.read_csv(run_b / "dizionario_dati.csv", dtype=str)
    label = dictionary.query(
        "tabella == 'indicatori_comuni.csv' and colonna == 'case_comunita_previste'"
    )["intestazione"].iloc[0]
    assert "pnrr_case_comunita" in page and label in page
    assert ">case_comunita_previste<" not in page
    # the same runs compared with themselves: nothing changed
    areas = pd.read_csv(run_a / "indicatori_aree.csv")
    same = compare_runs(a.reset_index(), a.reset_index(), areas, areas, info, info)
    assert same.comuni.empty and same.columns.empty and same.inputs.empty


def test_monitor_cli_rebuilds_the_dashboard_with_a_user_target(synthetic, tmp_path, capfd):
    mirror, layers = synthetic
    cfg = load_config(None)
    cfg["run"].steps = ["territorio", "suolo", "monitoraggio"]
    out = tmp_path / "run"
    run_pipeline(cfg, catalog=Catalog(mirror, layers_dir=layers), out=out)
    assert (out / "monitoraggio.html").is_file() and (out / "monitoraggio.xlsx").is_file()
    goal = tmp_path / "obiettivi.toml"
    goal.write_text(
        '[[indicatore]]\nid = "suolo_consumato"\ndriver = "D2"\nnome = "Suolo consumato"\n'
        'colonna = "suolo_consumato_2024_pct"\nunita = "%"\ndirezione = "diminuzione"\n'
        'base = "serie"\n'
        'serie_tabella = { file = "suolo/serie", colonna = "suolo_consumato_pct" }\n'
        'obiettivo = { valore = 1, anno = 2030, fonte = "obiettivo di prova" }\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    refused = runner.invoke(app, ["monitor", str(out), "--catalogue", str(goal)])
    assert refused.exit_code != 0  # the run's own files are not replaced silently
    result = runner.invoke(app, ["monitor", str(out), "--catalogue", str(goal), "--overwrite"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "monitoraggio.csv")
    row = table[(table["indicatore"] == "suolo_consumato") & (table["gruppo"] == "cmm")].iloc[0]
    comuni = read_indicators(out / "indicatori_comuni.csv")
    areas = pd.read_csv(out / "indicatori_aree.csv").set_index("gruppo")
    assert row["valore"] == pytest.approx(areas.loc["cmm", "suolo_consumato_2024_pct"])
    assert row["distanza_obiettivo"] == pytest.approx(row["valore"] - 1.0)
    assert row["valore"] > 1.0 and row["obiettivo_raggiunto"] == False  # noqa: E712
    assert len(comuni) == 9
    import openpyxl

    book = openpyxl.load_workbook(out / "monitoraggio.xlsx")
    assert book.sheetnames[0].startswith("D1 ") and book.sheetnames[-1] == "Dizionario"
    assert all(":" not in name for name in book.sheetnames)
    with pytest.raises(SystemExit) as stop:
        main(["monitor", str(tmp_path / "nessuno")])
    err = capfd.readouterr().err
    assert stop.value.code == 2 and "nessuno" in err and "Traceback" not in err


def test_owner_registers_feed_the_plan_indicators(synthetic, tmp_path):
    from .test_digital_pipeline import register_file

    mirror, layers = synthetic
    agreements = tmp_path / "accordi.csv"
    agreements.write_text(
        "com_istat_code;accordo_fibra;data_accordo;stato_collegamento;n_sedi_collegate\n"
        "015009;sì;1/3/2021;connesso;2\n015001;sì;5/6/2024;in_corso;0\n015002;no;;;0\n",
        encoding="utf-8",
    )
    catalog = Catalog(
        mirror,
        layers_dir=layers,
        overrides={"cmm_siti_5g": register_file(tmp_path), "cmm_accordi_fibra": agreements},
    )
    cfg = load_config(None)
    cfg["run"].steps = ["territorio", "digitale", "monitoraggio"]
    out = tmp_path / "out"
    run_pipeline(cfg, catalog=catalog, out=out)
    table = pd.read_csv(out / "monitoraggio.csv").query("gruppo == 'cmm'").set_index("indicatore")
    # hand counts: two comuni signed; one register site is 5G and in service (S0)
    assert table.loc["accordi_fibra", ["valore", "base_valore"]].tolist() == [2.0, 70.0]
    assert table.loc["siti_5g", ["valore", "base_valore"]].tolist() == [1.0, 55.0]
    assert table.loc["accordi_fibra", "variazione_da_base"] == -68.0
    assert pd.isna(table.loc["accordi_fibra", "obiettivo_valore"])  # "more": not quantified
    info = json.loads((out / "run.json").read_text("utf-8"))
    users = {r["id"]: r for r in info["strati"] if r["file_utente"]}
    assert set(users) == {"cmm_siti_5g", "cmm_accordi_fibra"}
    assert users["cmm_accordi_fibra"]["sha256"] == syn.sha256(agreements)
    page = (out / "monitoraggio.html").read_text("utf-8")
    assert "registro degli accordi CMM non importato" not in page
