from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from typer.testing import CliRunner

from territorio.catalog import Catalog
from territorio.cli import app
from territorio.config import load_config
from territorio.digital.analysis import COVERAGE_COLUMNS
from territorio.readers import read_indicators
from territorio.runner import run_pipeline

from . import synthetic as syn

TO_LL = Transformer.from_crs(32632, 4326, always_xy=True)


def register_file(tmp_path):
    lines = ["site_id,com_istat_code,lon,lat,tecnologie,stato"]
    for i, (x, y, tech, state) in enumerate(
        [
            (1500, 1500, "5G NR", "attivo"),
            (500, 500, "4G", "attivo"),
            (2500, 2500, "5G NR", "autorizzato"),
        ]
    ):
        lon, lat = TO_LL.transform(syn.ORIGIN_X + x, syn.ORIGIN_Y + y)
        lines.append(f"S{i},,{lon:.7f},{lat:.7f},{tech},{state}")
    path = tmp_path / "siti.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_default_run_is_a_labelled_scenario(catalog, tmp_path):
    result = run_pipeline(load_config(None), catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv").set_index("pro_com_t")
    assert "scenario_5g_popolazione_pct" in table.columns
    assert not [c for c in table.columns if c.startswith("copertura_5g")]
    assert table["scenario_5g_siti"].sum() == 2  # two distinct upper-secondary places
    assert any("SCENARIO" in n.render("it") for n in result.notes)
    chosen = pd.read_csv(tmp_path / "digitale" / "scenario_5g_siti_scelti.csv")
    assert chosen["ordine"].tolist() == [1, 2]
    families = np.array(syn.FAMILIES, dtype=float)
    reached = np.array([round(f * (10 * i + 5) / 100) for i, f in enumerate(syn.FAMILIES)])
    assert table["ftth_famiglie_pct"].tolist() == pytest.approx(list(100 * reached / families))
    assert table.loc["015003", "bul_stato_fibra"] == "nessun intervento BUL"
    groups = pd.read_csv(tmp_path / "indicatori_aree.csv").set_index("gruppo")
    # a group share is Σ reached / Σ families (not the mean of the comuni's shares)
    assert groups.loc["cmm", "ftth_famiglie_pct"] == pytest.approx(
        100 * reached.sum() / families.sum()
    )
    assert groups.loc["cmm", "ftth_famiglie_pct"] != pytest.approx(
        np.mean(100 * reached / families), abs=1
    )


def test_register_gives_real_coverage_and_siting(synthetic, tmp_path):
    mirror, layers = synthetic
    agreements = tmp_path / "accordi.csv"
    agreements.write_text(
        "com_istat_code,accordo_fibra,data_accordo,stato_collegamento,"
        "n_sedi_collegate\n015009,true,2021-03-01,connesso,2\n"
    )
    catalog = Catalog(
        mirror,
        layers_dir=layers,
        overrides={"cmm_siti_5g": register_file(tmp_path), "cmm_accordi_fibra": agreements},
    )
    config = load_config(None)
    config["digital"].new_sites = 1
    run_pipeline(config, catalog=catalog, out=tmp_path / "out")
    table = read_indicators(tmp_path / "out" / "indicatori_comuni.csv").set_index("pro_com_t")
    # only S0 is 5G and in service: 600 m disc in the centre square
    assert table["copertura_5g_siti"].sum() == 1
    # the circle minus the four segments beyond the square's sides (500 m from the centre)
    r, h = 600.0, 500.0
    expected = 100 * (np.pi * r**2 - 4 * (r**2 * np.arccos(h / r) - h * np.sqrt(r**2 - h**2))) / 1e6
    assert table.loc["015005", "copertura_5g_area_pct"] == pytest.approx(expected, rel=1e-9)
    assert 94 < expected < 96
    assert table.loc["015009", "accordo_fibra"]
    assert pd.isna(table.loc["015009", "priorita_fibra_rango"])
    coverage = pd.read_csv(tmp_path / "out" / "digitale" / "copertura_5g_comuni.csv")
    assert list(coverage.columns[:6]) == ["pro_com_t", *COVERAGE_COLUMNS]
    assert "GHSL" in coverage["ponderazione_popolazione"].iloc[0]
    folder = tmp_path / "out" / "digitale"
    # the plan keeps the register's site in service and adds one, every table says SCENARIO
    failing = pd.read_csv(folder / "scenario_piano_5g_siti_guasto.csv")
    assert failing[["sito", "tipo"]].values.tolist()[0] == ["S0", "esistente"]
    assert failing["tipo"].tolist().count("nuovo") == 1
    for name in ("siti_scelti", "confronto", "curva", "obiettivi", "copertura_doppia_comuni"):
        frame = pd.read_csv(folder / f"scenario_piano_5g_{name}.csv")
        assert frame["scenario"].str.startswith("SCENARIO — registro + 1 nuovi siti").all()
    assert table["scenario_piano_5g_siti"].sum() == 2
    assert (
        table["scenario_piano_5g_popolazione"] >= table["copertura_5g_popolazione"] - 1e-6
    ).all()
    dictionary = pd.read_csv(tmp_path / "out" / "dizionario_dati.csv")
    assert not (dictionary["descrizione"] == "(non documentata)").any()
    labels = dictionary.set_index("colonna")["descrizione"]
    assert "scenario: registro + 1 nuovi siti" in labels["scenario_piano_5g_doppia_pct"].iloc[0]


def test_cli_digital_coverage(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "digital",
            "coverage",
            "--sites",
            str(register_file(tmp_path)),
            "--radius",
            "300",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "copertura_5g_comuni.csv", dtype={"pro_com_t": str})
    assert list(table.columns[:6]) == ["pro_com_t", *COVERAGE_COLUMNS]
    assert len(table) == 9
    assert table.set_index("pro_com_t").loc["015005", "area_coperta_ha"] == pytest.approx(
        28.27, abs=0.01
    )
    assert (out / "copertura_5g.gpkg").exists()


def test_cli_digital_siting(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    result = CliRunner().invoke(app, ["digital", "siting", "--k", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    curve = pd.read_csv(tmp_path / "siting_curva.csv")
    assert curve["popolazione_coperta_ottimo"].is_monotonic_increasing
    assert (curve["popolazione_coperta_ottimo"] >= curve["popolazione_coperta_greedy"]).all()
    assert curve["scenario"].str.startswith("SCENARIO").all()


def test_cli_siting_with_a_minimal_register_costs_targets_and_budget(
    synthetic, tmp_path, monkeypatch, capfd
):
    import warnings

    from territorio.cli import main

    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    # an Excel register with coordinates only, decimal commas
    lon, lat = TO_LL.transform(syn.ORIGIN_X + 1500, syn.ORIGIN_Y + 1500)
    register = tmp_path / "siti.csv"
    register.write_text(f"lon;lat\n{lon:.7f};{lat:.7f}\n".replace(".", ","))
    rows = ["id;nome;lon;lat;costo_eur"]
    for i, (x, y, cost) in enumerate(
        [(500, 500, "90.000"), (2500, 2500, "120.000,50"), (2500, 500, "")]
    ):
        lo, la = (
            f"{v:.7f}".replace(".", ",")
            for v in TO_LL.transform(syn.ORIGIN_X + x, syn.ORIGIN_Y + y)
        )
        rows.append(f"T{i};Tetto {i};{lo};{la};{cost}")
    candidates = tmp_path / "tetti.csv"
    candidates.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    args = [
        "digital",
        "siting",
        "--k",
        "2",
        "--sites",
        str(register),
        "--sites-radius",
        "400",
        "--candidates",
        str(candidates),
        "--target",
        "10",
        "--target",
        "99",
        "--budget",
        "100000",
        "--budget",
        "250000",
        "--out",
        str(out),
    ]
    with warnings.catch_warnings(), pytest.raises(SystemExit) as stop:
        warnings.simplefilter("always")
        main(args)
    said = capfd.readouterr()
    assert stop.value.code == 0, said.err
    # the defaults applied are said (the CLI prints notices as "lettura: …"), so is the SCENARIO
    read = " ".join(said.err.split())
    assert "site_id = numero di riga" in read and "stato = attivo" in read
    assert "tecnologie = 5G NR" in read and "virgola decimale" in read
    assert "SCENARIO — registro + 2 nuovi siti (ottimo MCLP)" in said.out
    failing = pd.read_csv(out / "siting_siti_guasto.csv")
    assert failing.loc[0, ["sito", "tipo", "raggio_m"]].tolist() == ["1", "esistente", 400.0]
    budget = pd.read_csv(out / "siting_budget.csv")
    assert budget["budget_eur"].tolist() == [100000.0, 250000.0]
    assert (budget["spesa_eur"] <= budget["budget_eur"]).all()
    # T2 has no cost: it is never in a budget plan; 100,000 EUR buys T0 only
    assert budget["siti_nuovi"].tolist()[0] == 1 and budget["spesa_eur"].iloc[0] == 90000.0
    targets = pd.read_csv(out / "siting_obiettivi.csv")
    assert targets["raggiungibile"].tolist() == [True, False]
    summary = pd.read_csv(out / "siting_confronto.csv").set_index("metodo")
    assert summary.loc["ottimo (MCLP)", "stato_solutore"] == "ottimo"


def test_cli_coverage_with_a_user_population_grid(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    grid = tmp_path / "abitanti.gpkg"
    cells = syn.ghsl_frame()
    # everybody of Epsilon (015005) lives in its north-west quarter, the others nowhere
    cells["pop_ghsl"] = 0.0
    cells.loc[(cells["pro_com_t"] == "015005").to_numpy().nonzero()[0][0], "pop_ghsl"] = 1.0
    cells.to_file(grid)
    out = tmp_path / "out"
    args = ["digital", "coverage", "--sites", str(register_file(tmp_path)), "--radius", "300"]
    result = CliRunner().invoke(app, [*args, "--population-grid", str(grid), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "copertura_5g_comuni.csv", dtype={"pro_com_t": str})
    row = table.set_index("pro_com_t").loc["015005"]
    assert "abitanti.gpkg" in row["ponderazione_popolazione"]
    # a 300 m disc at the centre covers a quarter-disc of the north-west quarter only
    x0, y0 = syn.ORIGIN_X + 1000, syn.ORIGIN_Y + 1000
    quarter = shapely.box(x0, y0 + 500, x0 + 500, y0 + 1000)
    disc = shapely.Point(x0 + 500, y0 + 500).buffer(300, quad_segs=256)
    share = shapely.area(quarter & disc) / shapely.area(quarter)
    assert row["popolazione_coperta_pct"] == pytest.approx(100 * share, abs=1.5)
