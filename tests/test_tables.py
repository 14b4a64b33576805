"""Tables as offices open them (XLSX, Italian CSV), the full data dictionary, GeoParquet, and
what a run prints while it works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from territorio.config import load_config
from territorio.readers import read_indicators
from territorio.runner import run_pipeline

from .synthetic import write_grid


def _run(catalog, out: Path, **output) -> Path:
    cfg = load_config(None)
    for key, value in output.items():
        setattr(cfg["output"], key, value)
    run_pipeline(cfg, catalog=catalog, out=out)
    return out


def test_xlsx_has_a_sheet_per_theme_codes_as_text_and_a_dictionary(catalog, tmp_path):
    out = _run(catalog, tmp_path / "out")
    table = read_indicators(out / "indicatori_comuni.csv")
    book = openpyxl.load_workbook(out / "indicatori_comuni.xlsx")
    assert book.sheetnames == [
        "Territorio",
        "Consumo di suolo",
        "Infrastrutture digitali",
        "Mobilità",
        "Qualità del trasporto pubblico",
        "Servizi",
        "Dizionario",
    ]
    first = book["Territorio"]
    headers = [c.value for c in first[1]]
    assert headers[:2] == ["Codice ISTAT del comune", "Nome del comune"]
    assert first.freeze_panes == "C2"
    codes = [row[0] for row in first.iter_rows(min_row=2, values_only=True)]
    assert codes == table["pro_com_t"].tolist()  # '015001': text, leading zero kept
    assert all(isinstance(c, str) for c in codes)
    cells = {h: c for h, c in zip(headers, first[2], strict=True)}
    population = next(h for h in headers if h.endswith("2024 (ab.)"))
    assert isinstance(cells[population].value, int) and cells[population].number_format == "#,##0"
    assert cells["Comune aderente al Parco Agricolo Sud Milano"].value in ("sì", "no")
    area = next(h for h in headers if h.endswith("(km²)"))
    assert cells[area].number_format == "#,##0.0##"  # decimals shown, every digit kept
    # printed as offices print it: landscape A4, as wide as the page, header on every page
    assert first.page_setup.orientation == "landscape" and first.page_setup.fitToWidth == 1
    assert first.print_title_rows == "$1:$1"
    assert not [h for h in headers if "_" in h]  # labels, never column ids
    # every column of the CSV is on exactly one theme sheet, and in the dictionary
    dictionary = pd.DataFrame(
        list(book["Dizionario"].iter_rows(min_row=2, values_only=True)),
        columns=[c.value for c in book["Dizionario"][1]],
    )
    on_sheets = dictionary[dictionary["Foglio"] != "Dizionario"]["Colonna"]
    keys = {"pro_com_t", "comune"}
    expected = [c for c in table.columns if c not in keys]
    assert sorted(c for c in on_sheets if c not in keys) == sorted(expected)
    assert not dictionary["Descrizione"].str.contains("non documentata").any()
    # the values on the sheets are those of the CSV
    land = pd.DataFrame(
        list(book["Consumo di suolo"].iter_rows(min_row=2, values_only=True)),
        columns=[c.value for c in book["Consumo di suolo"][1]],
    )
    row = dictionary[dictionary["Colonna"] == "suolo_consumato_2024_pct"].iloc[0]
    np.testing.assert_allclose(
        land[row["Intestazione"]].astype(float), table["suolo_consumato_2024_pct"], rtol=1e-12
    )


def test_italian_excel_csv_reads_back_with_semicolon_and_decimal_comma(catalog, tmp_path):
    plain = read_indicators(_run(catalog, tmp_path / "plain") / "indicatori_comuni.csv")
    out = _run(catalog, tmp_path / "excel", csv_excel_it=True)
    raw = (out / "indicatori_comuni.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel wants it
    italian = pd.read_csv(
        out / "indicatori_comuni.csv", sep=";", decimal=",", dtype={"pro_com_t": str},
        encoding="utf-8-sig",
    )  # fmt: skip
    pd.testing.assert_frame_equal(italian, plain)
    assert "," in raw.decode("utf-8-sig").splitlines()[1]  # decimals written with a comma
    pd.testing.assert_frame_equal(read_indicators(out / "indicatori_comuni.csv"), plain)
    dictionary = (out / "indicatori_comuni.md").read_text(encoding="utf-8")
    assert "separatore punto e virgola, virgola decimale" in dictionary


def test_geoparquet_beside_each_geopackage_layer(catalog, tmp_path):
    out = _run(catalog, tmp_path / "out")
    gpkg = out / "servizi" / "servizi.gpkg"
    import pyogrio

    for name, _ in pyogrio.list_layers(gpkg):
        expected = gpd.read_file(gpkg, layer=name)
        got = gpd.read_parquet(out / "servizi" / "servizi_geoparquet" / f"{name}.parquet")
        assert got.crs == expected.crs and len(got) == len(expected)
        assert shapely_equal(got.geometry, expected.geometry)


def shapely_equal(a, b) -> bool:
    import shapely

    return bool(shapely.equals_exact(a.values, b.values, tolerance=1e-6).all())


@pytest.mark.mirror
def test_the_dictionary_covers_every_column_of_every_table(mirror_run):
    out, _ = mirror_run
    dictionary = pd.read_csv(out / "dizionario_dati.csv", dtype=str, keep_default_na=False)
    tables = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.csv"))
    tables.remove("dizionario_dati.csv")
    assert sorted(dictionary["tabella"].unique()) == tables
    for table in tables:
        columns = pd.read_csv(out / table, nrows=0).columns.tolist()
        documented = dictionary[dictionary["tabella"] == table]
        assert documented["colonna"].tolist() == columns, table
    assert (dictionary["descrizione"] != "(non documentata)").all(), dictionary[
        dictionary["descrizione"] == "(non documentata)"
    ][["tabella", "colonna"]].to_string()
    assert len(tables) >= 16 and len(dictionary) > 300
    markdown = (out / "indicatori_comuni.md").read_text(encoding="utf-8")
    for table in tables:
        assert f"`{table}`" in markdown
    for table in tables:  # each table has its workbook beside it
        book = openpyxl.load_workbook(out / table.replace(".csv", ".xlsx"), read_only=True)
        assert book.sheetnames[-1] == "Dizionario"


def test_a_piped_run_prints_a_line_per_step_before_it_ends(synthetic, tmp_path):
    mirror, layers = synthetic
    env = {**os.environ, "TERRITORIO_LAYERS": str(layers), "TERRITORIO_DATA": str(mirror)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "territorio", "run", "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen = []
    for line in proc.stderr:
        seen.append((line.strip(), proc.poll()))
        if "[10/10]" in line:
            break
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    steps = [text for text, _ in seen if "/10]" in text]
    assert [s.split("]")[0].split("[")[1] for s in steps] == [f"{i}/10" for i in range(1, 11)]
    assert all(status is None for _, status in seen)  # printed while the run was going on
    assert all(text[:8].count(":") == 2 for text in steps)  # each line starts with a time
    assert "[3/10] Infrastrutture digitali" in steps[2]
    assert "[5/10] Qualità del trasporto pubblico" in steps[4]


def test_quiet_prints_nothing_and_verbose_every_file(synthetic, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from territorio.cli import app

    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    runner = CliRunner()
    quiet = runner.invoke(app, ["land", "--out", str(tmp_path / "q"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output.strip() == ""
    verbose = runner.invoke(app, ["land", "--out", str(tmp_path / "v"), "--verbose"])
    written = [p for p in (tmp_path / "v").rglob("*") if p.is_file() and p.name[0] != "."]
    assert verbose.output.count("scritto ") == len(written)
    normal = runner.invoke(app, ["land", "--out", str(tmp_path / "n")])
    assert "grafici/: 9 file (9 svg)" in normal.output  # by folder, not one line per chart
    assert ".svg" not in normal.output  # no chart listed on its own


def test_every_optional_table_is_documented(catalog, tmp_path):
    """Register, ambiti, rasters, park and community points: their tables are in the dictionary."""
    import shapely
    from rasterio.transform import from_origin

    from territorio import datasets as syn

    lon, lat = syn.to_lonlat(1500, 1500)
    register = tmp_path / "siti.csv"
    register.write_text(
        f"site_id,com_istat_code,lon,lat,tecnologie,stato\nS1,015005,{lon},{lat},5G NR,attivo\n"
    )
    points = tmp_path / "cdc.csv"
    points.write_text(
        f"cup,tipo_struttura,denominazione,lon,lat,nota_asst\nC1,CdC,Casa Uno,{lon},{lat},x\n"
    )
    ambiti = tmp_path / "ambiti.csv"
    ambiti.write_text(
        "pro_com_t,funzione,superficie_2014_ha,superficie_vigente_ha\n015001,residenziale,10,7\n"
    )
    park = tmp_path / "parco.gpkg"
    box = shapely.box(syn.ORIGIN_X, syn.ORIGIN_Y, syn.ORIGIN_X + 600, syn.ORIGIN_Y + 3000)
    gpd.GeoDataFrame(geometry=[box], crs=32632).to_file(park)
    rasters = []
    for year, width in ((2015, 100), (2024, 150)):
        data = np.zeros((320, 320), dtype="uint8")
        data[100:200, 100 : 100 + width] = 1
        transform = from_origin(syn.ORIGIN_X - 100, syn.ORIGIN_Y + 3100, 10.0, 10.0)
        rasters.append(str(write_grid(tmp_path / f"{year}.tif", data, transform)))
    cfg = load_config(None)
    cfg["run"].steps = ["territorio", "suolo", "digitale", "mobilita", "servizi"]
    cfg.layers["cmm_siti_5g"] = register
    cfg["services"].community_points = str(points)
    cfg["services"].park_boundary = str(park)
    cfg["land"].ambiti = str(ambiti)
    cfg["land"].rasters, cfg["land"].raster_years, cfg["land"].source = (
        rasters,
        [2015, 2024],
        "raster",
    )
    out = tmp_path / "out"
    run_pipeline(cfg, catalog=catalog, out=out)
    dictionary = pd.read_csv(out / "dizionario_dati.csv", dtype=str, keep_default_na=False)
    tables = set(dictionary["tabella"])
    for expected in (
        "suolo/soglie_ptm.csv",
        "suolo/raster_comuni.csv",
        "servizi/strutture_comunita_nodi.csv",
    ):
        assert expected in tables
    missing = dictionary[dictionary["descrizione"] == "(non documentata)"]
    assert missing.empty, missing[["tabella", "colonna"]].to_string()
