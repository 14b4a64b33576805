from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pyogrio
import pytest
from typer.testing import CliRunner

from territorio.catalog import Catalog
from territorio.cli import app
from territorio.config import load_config
from territorio.errors import TerritorioError
from territorio.runner import run_pipeline

from . import synthetic as syn

SYSTEM_PYTHON = "/usr/bin/python3"
CHECK = Path(__file__).with_name("qgis_check.py")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("qgis")
    mirror, layers = syn.build_mirror(root)
    out = root / "out"
    run_pipeline(load_config(None), catalog=Catalog(mirror, layers_dir=layers), out=out)
    return out


EXPECTED = {  # table: (features, geometry)
    "comuni": (9, "Polygon"),
    "confine_cmm": (1, "Polygon"),
    "nodi": (3, "Point"),
    "scuole_sec2": (3, "Point"),
    "ospedali": (1, "Point"),
    "farmacie": (5, "Point"),
    "rete_pedonale": (None, "LineString"),
    "isocrone": (None, "MultiPolygon"),
    "lum": (3, "Polygon"),
    "scenario_5g_siti": (2, "Point"),
}


def test_every_layer_present_in_32632(run):
    gpkg = run / "territorio.gpkg"
    found = dict(pyogrio.list_layers(gpkg))
    for table, (count, _) in EXPECTED.items():
        assert table in found, table
        info = pyogrio.read_info(gpkg, layer=table)
        assert info["crs"] == "EPSG:32632", table
        if count is not None:
            assert info["features"] == count, table
    assert any(name.startswith("ingresso_") for name in found)  # input layers used


def test_styles_metadata_descriptions(run):
    gpkg = run / "territorio.gpkg"
    with sqlite3.connect(gpkg) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] < 10300  # GeoPackage 1.2
        tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_geometry_columns")]
        defaults = dict(
            db.execute(
                "SELECT f_table_name, SUM(useAsDefault) FROM layer_styles GROUP BY f_table_name"
            )
        )
        assert set(defaults) == set(tables) and set(defaults.values()) == {1}
        assert db.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone() == ("attributes",)
        for (qml,) in db.execute("SELECT styleQML FROM layer_styles"):
            ET.fromstring(qml.split("'SYSTEM'>", 1)[1])  # well-formed
        renderer = db.execute(
            "SELECT styleQML FROM layer_styles WHERE f_table_name='comuni' AND useAsDefault"
        ).fetchone()[0]
        assert 'type="graduatedSymbol"' in renderer and 'name="Codice ISTAT"' in renderer
        nodes = db.execute(
            "SELECT styleQML FROM layer_styles WHERE f_table_name='nodi'"
        ).fetchone()[0]
        assert 'type="categorizedSymbol"' in nodes
        described = dict(db.execute("SELECT table_name, description FROM gpkg_contents"))
        assert all(described[t] for t in tables)
        metadata = db.execute(
            "SELECT r.table_name, m.mime_type, m.metadata FROM gpkg_metadata_reference r "
            "JOIN gpkg_metadata m ON m.id = r.md_file_id"
        ).fetchall()
        by_table = {t: json.loads(doc) for t, mime, doc in metadata}
        assert set(by_table) == set(tables)
        sources = by_table["comuni"]["fonti"]
        assert any(s.get("licenza") == "CC BY 4.0" and s.get("sha256") for s in sources)


def test_project_structure(run):
    with zipfile.ZipFile(run / "territorio.qgz") as archive:
        names = archive.namelist()
        assert names == ["territorio.qgs"]
        root = ET.fromstring(archive.read(names[0]).decode("utf-8").split("'SYSTEM'>", 1)[1])
    assert root.find("projectCrs/spatialrefsys/authid").text == "EPSG:32632"
    assert root.find("properties/Paths/Absolute").text == "false"
    sources = [e.text for e in root.iter("datasource")]
    assert sources and all(s.startswith("./") for s in sources)
    groups = [g.get("name") for g in root.find("layer-tree-group").findall("layer-tree-group")]
    assert groups[:5] == ["Territorio", "Suolo", "Digitale", "Mobilità", "Servizi"]
    assert "./mobilita/tempi_viaggio.tif" in sources


def run_qgis(project: Path, gpkg: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [SYSTEM_PYTHON, str(CHECK), str(project), str(gpkg)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:  # no QGIS: the test set-up must install python3-qgis, so this fails
        pytest.fail(f"QGIS did not run ({SYSTEM_PYTHON} + python3-qgis): {proc.stderr[-2000:]}")
    return json.loads(line)


def test_project_opens_in_real_qgis_from_a_moved_folder(run, tmp_path):
    moved = tmp_path / "spostata"
    import shutil

    shutil.copytree(run, moved)  # relative paths: the folder can move
    report = run_qgis(moved / "territorio.qgz", moved / "territorio.gpkg")
    assert report["read"] and report["crs"] == "EPSG:32632" and report["absolute_paths"] is False
    layers = report["layers"]
    assert layers and all(layer["valid"] for layer in layers), [x for x in layers if not x["valid"]]
    assert all(str(moved) in layer["source"] for layer in layers)
    by_source = {}
    for layer in layers:
        by_source.setdefault(layer["source"].split("layername=")[-1], layer)
    for table, (count, _) in EXPECTED.items():
        if count is not None:
            assert by_source[table]["features"] == count, table
    assert by_source["comuni"]["renderer"] in ("graduatedSymbol", "categorizedSymbol")
    assert by_source["nodi"]["renderer"] == "categorizedSymbol"
    assert by_source["ospedali"]["renderer"] == "singleSymbol"
    raster = [layer for layer in layers if layer["provider"] == "gdal"]
    assert raster and raster[0]["renderer"] == "singlebandpseudocolor" and raster[0]["bands"] == 3
    assert set(report["groups"]) >= {"Territorio", "Suolo", "Digitale", "Mobilità", "Servizi"}
    direct = report["direct"]["comuni"]
    assert direct["valid"] and direct["features"] == 9
    assert direct["renderer"] == "graduatedSymbol"  # the default style loads by itself
    assert direct["aliases"]["pro_com_t"] == "Codice ISTAT"


def test_qgis_command_is_atomic_and_asks_before_overwriting(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "qgis"
    runner = CliRunner()
    assert runner.invoke(app, ["qgis", "--out", str(out)]).exit_code == 0
    before = (out / "territorio.gpkg").stat().st_mtime_ns
    again = runner.invoke(app, ["qgis", "--out", str(out)])
    assert isinstance(again.exception, TerritorioError) and "--overwrite" in str(again.exception)
    assert (out / "territorio.gpkg").stat().st_mtime_ns == before
    assert not [p for p in out.iterdir() if p.name.startswith(".territorio-")]
    assert runner.invoke(app, ["qgis", "--out", str(out), "--overwrite"]).exit_code == 0
    assert (out / "territorio.gpkg").stat().st_mtime_ns != before
    blocked = tmp_path / "file"
    blocked.write_text("x")
    bad = runner.invoke(app, ["qgis", "--out", str(blocked / "sub")])
    assert isinstance(bad.exception, TerritorioError) and "cannot write" in str(bad.exception)
