"""The QGIS product on the synthetic territory, checked in real QGIS (headless).

QGIS is driven through Debian's Python with python3-qgis (installed by ``make test``); when
it is missing the QGIS tests fail, they are never skipped.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
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
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
QGIS_ID = re.compile(r"^[a-z0-9_]+_[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    """``territorio qgis`` on the synthetic territory: (output folder, run result)."""
    root = tmp_path_factory.mktemp("qgis")
    mirror, layers = syn.build_mirror(root)
    out = root / "out"
    result = run_pipeline(load_config(None), catalog=Catalog(mirror, layers_dir=layers), out=out)
    return out, result


@pytest.fixture(scope="module")
def run(product):
    return product[0]


@pytest.fixture(scope="module")
def qgis_report(run, tmp_path_factory):
    """What real QGIS sees, opening the project from a moved copy of the folder."""
    moved = tmp_path_factory.mktemp("spostata") / "progetto"
    shutil.copytree(run, moved)  # relative paths: the folder can move
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "qgis_synthetic_start_view.png"
    report = run_qgis(moved / "territorio.qgz", moved / "territorio.gpkg", png, moved / "sld")
    report["moved"] = str(moved)
    return report


def run_qgis(project: Path, gpkg: Path, png: Path | None = None, sld: Path | None = None):
    command = [SYSTEM_PYTHON, str(CHECK), str(project), str(gpkg)]
    if png:
        command += ["--png", str(png)]
    if sld:
        command += ["--sld-dir", str(sld)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:  # no QGIS: the test set-up must install python3-qgis, so this fails
        pytest.fail(f"QGIS did not run ({SYSTEM_PYTHON} + python3-qgis): {proc.stderr[-2000:]}")
    return json.loads(line)


def project_xml(path: Path) -> tuple[str, ET.Element]:
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["territorio.qgs"]
        text = archive.read("territorio.qgs").decode("utf-8")
    return text, ET.fromstring(text.split("'SYSTEM'>", 1)[1])


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
    "scheda_indicatori": (None, None),
}


def test_every_layer_present_in_32632(run):
    gpkg = run / "territorio.gpkg"
    found = dict(pyogrio.list_layers(gpkg))
    for table, (count, geometry) in EXPECTED.items():
        assert table in found, table
        info = pyogrio.read_info(gpkg, layer=table)
        if geometry is not None:
            assert info["crs"] == "EPSG:32632", table
        if count is not None:
            assert info["features"] == count, table
    assert any(name.startswith("ingresso_") for name in found)  # input layers used


def test_key_indicator_table_is_the_indicator_values_in_italian(product):
    out, result = product
    table = pyogrio.read_dataframe(out / "territorio.gpkg", layer="scheda_indicatori")
    frame = result.table.frame
    assert set(table["pro_com_t"]) == set(frame.index)
    rows = table.groupby("pro_com_t").size()
    assert rows.nunique() == 1 and rows.iloc[0] >= 10  # the same indicators for every comune
    # the hand-written Italian form of a value: thousands with a thin space, decimal comma
    code = frame["popolazione_2024"].idxmax()
    value = int(frame.loc[code, "popolazione_2024"])
    row = table[(table["pro_com_t"] == code) & table["indicatore"].str.startswith("Popolazione")]
    assert row["valore"].tolist() == [f"{value:,}".replace(",", "\u2009")]
    density = table[(table["pro_com_t"] == code) & (table["indicatore"] == "Densità 2024")]
    expected = frame.loc[code, "densita_2024_ab_km2"]
    assert float(density["valore"].iloc[0].replace("\u2009", "").replace(",", ".")) == (
        pytest.approx(expected, rel=1e-3, abs=0.5)
    )


def test_styles_sld_metadata_and_licences(run):
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
        for qml, sld in db.execute("SELECT styleQML, styleSLD FROM layer_styles"):
            ET.fromstring(qml.split("'SYSTEM'>", 1)[1])  # well-formed
            assert ET.fromstring(sld.split("?>", 1)[1]).tag.endswith("StyledLayerDescriptor")
        described = dict(db.execute("SELECT table_name, description FROM gpkg_contents"))
        assert all(described[t] for t in tables)
        metadata = db.execute(
            "SELECT r.table_name, m.metadata FROM gpkg_metadata_reference r "
            "JOIN gpkg_metadata m ON m.id = r.md_file_id"
        ).fetchall()
    by_table = {t: json.loads(doc) for t, doc in metadata}
    assert set(by_table) >= set(tables)
    for osm_derived in ("rete_pedonale", "isocrone"):
        doc = by_table[osm_derived]
        assert "ODbL 1.0" in doc["licenze"], osm_derived
        assert doc["attribuzione"].startswith("© OpenStreetMap contributors"), osm_derived
        assert doc["attribuzione_url"] == "https://www.openstreetmap.org/copyright"
    for other in ("ospedali", "farmacie", "confine_cmm"):
        assert by_table[other]["licenze"] == ["CC BY 4.0"], other  # the manifests' licence
        assert "OpenStreetMap" not in by_table[other]["attribuzione"], other
    assert by_table["scenario_5g_siti"]["scenario"] is True
    assert by_table["scenario_5g_siti"]["titolo"].startswith("SCENARIO")


def sld_class(root: ET.Element, value: float | str) -> int:
    """The rule of an SLD a value falls in, evaluated here (an oracle independent of QGIS)."""
    ns = {"sld": "http://www.opengis.net/sld", "ogc": "http://www.opengis.net/ogc"}
    ops = {
        "PropertyIsGreaterThanOrEqualTo": lambda a, b: a >= b,
        "PropertyIsGreaterThan": lambda a, b: a > b,
        "PropertyIsLessThanOrEqualTo": lambda a, b: a <= b,
        "PropertyIsEqualTo": lambda a, b: str(a) == str(b),
    }

    def holds(node: ET.Element) -> bool:
        tag = node.tag.split("}")[1]
        if tag == "And":
            return all(holds(child) for child in node)
        literal = node.find("ogc:Literal", ns).text
        if tag == "PropertyIsEqualTo":
            return ops[tag](value, literal)
        return ops[tag](float(value), float(literal))

    for index, rule in enumerate(root.iter("{http://www.opengis.net/sld}Rule")):
        condition = rule.find("ogc:Filter", ns)[0]
        if holds(condition):
            return index
    return -1


def test_sld_files_put_every_comune_in_the_classes_of_the_maps(product):
    """Each comune's SLD class is its class on the web map (territorio.classes.classify)."""
    from territorio.classes import classify

    out, result = product
    frame = result.table.frame
    checked = 0
    for spec, name in comuni_sld_files(out, result):
        root = ET.parse(out / "sld" / name).getroot()
        classes = classify(frame[spec.column], spec, "it")
        for code, expected in zip(frame.index, classes.index, strict=True):
            value = frame.loc[code, spec.column]
            if expected < 0:
                continue
            stored = value
            if isinstance(value, bool | np.bool_):
                stored = "1" if value else "0"
            assert sld_class(root, stored) == expected, (spec.column, code, value)
            checked += 1
    assert checked > 40


def comuni_sld_files(out: Path, result) -> list:
    """(choropleth spec, SLD file) of every comuni style, in registration order."""
    from territorio.steps.qgis import slug

    specs = [s for t in result.maps.themes() for s in result.maps.choropleths.get(t, [])]
    with sqlite3.connect(out / "territorio.gpkg") as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT styleName FROM layer_styles WHERE f_table_name='comuni' ORDER BY fid"
            )
        ]
    assert len(names) == len(specs)
    files = ["comuni.sld", *[f"comuni__{slug(n)}.sld" for n in names[1:]]]
    assert all((out / "sld" / f).exists() for f in files)
    return list(zip(specs, files, strict=True))


def test_project_document_is_what_qgis_reads(run):
    text, root = project_xml(run / "territorio.qgz")
    assert "np.float" not in text and "inf" not in re.findall(r'(?:lower|upper)="([^"]*)"', text)
    assert root.find("projectCrs/spatialrefsys/authid").text == "EPSG:32632"
    assert root.find("properties/Paths/Absolute").text == "false"
    ids = [e.text for e in root.iter("id")]
    assert ids and len(set(ids)) == len(ids)
    assert all(QGIS_ID.match(i) and len(i) > 10 for i in ids), ids  # QGIS keeps them
    tree_ids = [e.get("id") for e in root.iter("layer-tree-layer")]
    assert sorted(tree_ids) == sorted(ids)
    for bound in re.findall(r'(?:lower|upper|value)="(-?[0-9.]+)"', text):
        float(bound)  # plain decimals
    extent = [float(root.find(f"mapcanvas/extent/{k}").text) for k in ("xmin", "ymin", "xmax")]
    assert all(np.isfinite(extent))
    sources = [e.text for e in root.iter("datasource")]
    assert sources and all(s.startswith("./") for s in sources)
    assert "./mobilita/tempi_viaggio.tif" in sources
    order = [e.text for e in root.find("layer-tree-group/custom-order").iter("item")]
    assert root.find("layer-tree-group/custom-order").get("enabled") == "1"
    assert sorted(order) == sorted(ids)
    meta = root.find("projectMetadata")
    assert meta.find("title").text and meta.find("abstract").text and meta.find("author").text
    assert meta.find("creation").text[:4].isdigit()
    licences = [k.text for k in meta.find("keywords[@vocabulary='licenza']")]
    assert "ODbL 1.0" in licences and "CC BY 4.0" in licences


def test_project_opens_whole_in_real_qgis(qgis_report, run):
    report = qgis_report
    assert report["read"] and report["crs"] == "EPSG:32632" and report["absolute_paths"] is False
    tree = report["tree"]
    # every entry of the layer tree resolves to a valid layer (not only mapLayers())
    assert tree and all(e["resolved"] and e["valid"] for e in tree), [
        e for e in tree if not (e["resolved"] and e["valid"])
    ]
    layers = {x["id"]: x for x in report["layers"]}
    assert {e["layer_id"] for e in tree} == set(layers)
    assert all(report["moved"] in x["source"] for x in layers.values())
    for layer in layers.values():
        if "features" in layer:
            assert layer["features"] > 0, layer["name"]  # none empty
    by_table = {x["source"].split("layername=")[-1]: x for x in layers.values() if x["name"]}
    for table, (count, _) in EXPECTED.items():
        if count is not None:
            assert by_table[table]["features"] == count, table
    # one comuni layer (plus the atlas page's outline of the same table)
    comuni = [x for x in layers.values() if x["source"].endswith("layername=comuni")]
    assert sorted(x["name"] for x in comuni) == ["Comune della scheda", "Comuni — indicatori"]
    main = next(x for x in comuni if x["name"] == "Comuni — indicatori")
    assert len(main["styles"]) >= 10 and main["current_style"] in main["styles"]
    assert main["current_style"].startswith("Densità")  # the first registered map
    assert all(main["aliases"].values()), [k for k, v in main["aliases"].items() if not v]
    assert main["aliases"]["pro_com_t"] == "Codice ISTAT"
    # the form shows decimals as the tables do, and a flag as a check box
    assert main["widgets"]["superficie_km2"][0] == "Range"
    assert main["widgets"]["superficie_km2"][1] in (0, 1, 2)
    assert main["widgets"]["parco_sud"] == ["CheckBox", None]
    for layer in layers.values():
        if layer.get("aliases"):
            assert all(layer["aliases"].values()), layer["name"]  # no bare column ids
    # the comuni maps are one layer (its themes); the groups hold the other layers
    assert report["groups"][:5] == [
        "Territorio",
        "Digitale",
        "Mobilità",
        "Trasporto pubblico",
        "Servizi",
    ]
    raster = [x for x in layers.values() if x["provider"] == "gdal"]
    assert raster and raster[0]["renderer"]["type"] == "singlebandpseudocolor"
    assert raster[0]["bands"] == 3 and "ODbL 1.0" in raster[0]["licences"]
    network = by_table["rete_pedonale"]
    assert network["licences"] == ["ODbL 1.0"] and network["rights"] == [
        "© OpenStreetMap contributors (ODbL 1.0)"
    ]
    assert "openstreetmap.org" not in by_table["ospedali"]["attribution"].lower()


def test_start_view_covers_the_territory_and_scenarios_start_off(qgis_report, product):
    _out, result = product
    x0, y0, x1, y1 = qgis_report["extent"]
    bx0, by0, bx1, by1 = result.territory.comuni.total_bounds
    assert np.isfinite([x0, y0, x1, y1]).all()
    assert x0 <= bx0 and y0 <= by0 and x1 >= bx1 and y1 >= by1
    assert (x1 - x0) < 1.2 * (bx1 - bx0)  # on the territory, not the world
    checked = {e["name"]: e["checked"] for e in qgis_report["tree"]}
    assert checked["Comuni — indicatori"] and checked["Nodi di interscambio"]
    off = [n for n in checked if n.startswith("SCENARIO")]
    assert off and not any(checked[n] for n in off)
    groups = {e["name"]: e["group"] for e in qgis_report["tree"]}
    assert not any(checked[n] for n, g in groups.items() if g == "Dati di ingresso")


def test_graduated_renderers_keep_the_quantile_bounds(qgis_report, product):
    """QGIS's parsed class bounds equal numpy's quantiles of the indicator (the oracle)."""
    _out, result = product
    comuni = next(x for x in qgis_report["layers"] if x["name"] == "Comuni — indicatori")
    parsed = comuni["style_renderers"]
    specs = {s.column: s for t in result.maps.themes() for s in result.maps.choropleths[t]}
    quantile_styles = 0
    for name, renderer in parsed.items():
        assert renderer["type"] in ("graduatedSymbol", "categorizedSymbol"), name
        if renderer["type"] != "graduatedSymbol":
            assert renderer["categories"], name
            continue
        ranges = renderer["ranges"]
        values = result.table.frame[renderer["attr"]].dropna().to_numpy(dtype=float)
        # classes in order (a class may be one value, 0 – 0, when many comuni tie)
        assert ranges and all(lo <= hi for lo, hi, _ in ranges), name
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ranges)), name
        assert ranges[0][0] == pytest.approx(values.min()), name
        assert all("." not in label for _, _, label in ranges), name  # Italian numbers
        spec = specs[renderer["attr"]]
        if spec.classification == "quantiles":
            # k equal-count classes; tied bounds merge (mapclassify's documented rule)
            zeros = bool((values == 0).any() and (values > 0).any() and (values >= 0).all())
            part = values[values > 0] if zeros else values  # zeros: a class of their own
            k = min(spec.k - 1 if zeros else spec.k, len(np.unique(part)))
            expected = np.unique(np.percentile(part, np.linspace(0, 100, k + 1)[1:]))
            expected = np.concatenate([[0.0], expected]) if zeros else expected
            np.testing.assert_allclose([r[1] for r in ranges], expected, rtol=1e-9)
            quantile_styles += 1
    assert quantile_styles >= 3


def test_map_themes_one_per_indicator_map(qgis_report, product):
    _out, result = product
    themes = qgis_report["themes"]
    expected = []
    for theme in result.maps.themes():
        for spec in result.maps.choropleths.get(theme, []):
            doc = result.table.columns.get(spec.column)
            expected.append(spec.name("it", doc.text("it") if doc else ""))
    assert sorted(themes) == sorted(expected)
    for name, layers in themes.items():
        assert layers["Comuni — indicatori"] == name  # the theme shows its own style
        assert "Confine della Città metropolitana" in layers and "Comune della scheda" in layers
    scenario = [n for n in themes if n.startswith("SCENARIO")]
    assert scenario and any(k.startswith("SCENARIO") for k in themes[scenario[0]] if k)


def test_relations_list_each_comune_s_points(qgis_report):
    relations = qgis_report["relations"]
    children = {r["child"] for r in relations.values() if r["valid"]}
    assert {"Nodi di interscambio", "Scuole secondarie di II grado", "Indicatori chiave"} <= (
        children
    )
    assert all(r["valid"] for r in relations.values())


def test_start_view_renders_with_points_above_polygons(qgis_report):
    render = qgis_report["render"]
    assert Path(render["path"]).stat().st_size > 3_000
    assert render["non_background_share"] > 0.2  # not blank
    order = qgis_report["drawing_order"]
    kinds = {x["name"]: x.get("geometry") for x in qgis_report["layers"]}
    points = [order.index(n) for n in order if kinds.get(n) == 0]
    polygons = [order.index(n) for n in order if kinds.get(n) == 2]
    assert max(points) < min(polygons)  # every point layer above every polygon layer
    probes = render["point_probes"]
    assert probes
    # the pixel under a drawn point is a point symbol's colour, never the choropleth's
    on_point = [p for p in probes if near_point_color(p["color"], qgis_report)]
    assert len(on_point) >= 0.8 * len(probes), probes


def near_point_color(color: str, report: dict, tolerance: int = 12) -> bool:
    """Whether ``#rrggbb`` is one of the point symbols' colours (antialiasing tolerated)."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    for symbol in report["render"]["point_colors"]:
        ref = [int(symbol[i : i + 2], 16) for i in (1, 3, 5)]
        if max(abs(a - b) for a, b in zip(rgb, ref, strict=True)) <= tolerance:
            return True
    return False


def test_layout_and_atlas_over_the_comuni(qgis_report):
    layout = qgis_report["layouts"]["Scheda comunale"]
    assert layout["page_mm"] == [210.0, 297.0]
    assert layout["atlas_enabled"] and layout["coverage"] == "Comuni — indicatori"
    assert layout["atlas_count"] == 9
    assert {
        "QgsLayoutItemMap",
        "QgsLayoutItemLegend",
        "QgsLayoutItemScaleBar",
        "QgsLayoutItemPicture",
        "QgsLayoutItemLabel",
    } <= set(layout["items"])
    assert layout["multiframes"] == ["QgsLayoutItemAttributeTable"]
    assert layout["table_layer"] == "Indicatori chiave"
    assert "@atlas_feature" in layout["table_filter"]
    assert layout["table_columns"] == ["Tema", "Indicatore", "Valore", "Unità"]


def test_sld_files_load_in_qgis_with_one_rule_per_class(qgis_report, run):
    slds = qgis_report["sld"]
    assert len(slds) == len(list((run / "sld").glob("*.sld")))
    assert all(x["ok"] for x in slds.values()), {k: v for k, v in slds.items() if not v["ok"]}
    with sqlite3.connect(run / "territorio.gpkg") as db:
        qml = db.execute(
            "SELECT styleQML FROM layer_styles WHERE f_table_name='comuni' AND useAsDefault"
        ).fetchone()[0]
    classes = qml.count("<range ") + qml.count("<category ")
    assert slds["comuni.sld"]["renderer"] == "RuleRenderer"
    assert slds["comuni.sld"]["rules"] == classes


def test_qgis_command_writes_only_the_qgis_product(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "qgis"
    result = CliRunner().invoke(app, ["qgis", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    others = [f for f in files if not f.startswith("sld/")]
    # the hidden record of who wrote each file, then the product
    assert others == [
        ".territorio.json",
        "mobilita/tempi_viaggio.tif",
        "territorio.gpkg",
        "territorio.qgz",
    ]
    assert len(files) - len(others) >= 20  # one SLD per style
    _, root = project_xml(out / "territorio.qgz")
    for source in {e.text.split("|")[0] for e in root.iter("datasource")}:
        assert (out / source).exists(), source  # everything the project references is there


def test_qgis_command_is_atomic_and_asks_before_overwriting(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "qgis"
    runner = CliRunner()
    (out / "sld").mkdir(parents=True)
    (out / "territorio.qgz").write_text("the planner's own project")
    refused = runner.invoke(app, ["qgis", "--out", str(out)])
    assert isinstance(refused.exception, TerritorioError)
    assert "--overwrite" in str(refused.exception) and "territorio.qgz" in str(refused.exception)
    assert (out / "territorio.qgz").read_text() == "the planner's own project"
    assert sorted(p.name for p in out.iterdir()) == ["sld", "territorio.qgz"]  # nothing else
    assert runner.invoke(app, ["qgis", "--out", str(out), "--overwrite"]).exit_code == 0
    before = (out / "territorio.gpkg").stat().st_mtime_ns
    # a second run of the same command replaces what it wrote itself
    assert runner.invoke(app, ["qgis", "--out", str(out)]).exit_code == 0
    assert (out / "territorio.gpkg").stat().st_mtime_ns != before
    assert not [p for p in out.iterdir() if p.name.startswith(".territorio-")]
    blocked = tmp_path / "file"
    blocked.write_text("x")
    bad = runner.invoke(app, ["qgis", "--out", str(blocked / "sub")])
    assert isinstance(bad.exception, TerritorioError) and "cannot write" in str(bad.exception)


def test_pdf_export_of_two_atlas_pages(synthetic, tmp_path, monkeypatch):
    from territorio.datasets import CODES, NAMES

    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "qgis"
    codes = [CODES[0], CODES[4]]
    result = CliRunner().invoke(
        app, ["qgis", "--out", str(out), "--pdf", "--comuni", ",".join(codes)]
    )
    assert result.exit_code == 0, result.output
    pdfs = sorted(p.name for p in (out / "atlante_pdf").iterdir())
    assert pdfs == ["atlante_comuni.pdf", *[f"scheda_{c}.pdf" for c in sorted(codes)]]
    info = subprocess.run(
        ["pdfinfo", str(out / "atlante_pdf" / "atlante_comuni.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M) and "A4" in info
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / "qgis_synthetic_atlas"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            str(out / "atlante_pdf" / "atlante_comuni.pdf"),
            str(stem),
        ],
        check=True,
    )
    pages = sorted(ARTIFACTS.glob("qgis_synthetic_atlas-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 20_000 for p in pages)  # not blank
    text = subprocess.run(
        ["pdftotext", str(out / "atlante_pdf" / f"scheda_{codes[0]}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    name = NAMES[CODES.index(codes[0])]
    assert name in text and codes[0] in text and "Indicatori chiave del comune" in text
    assert "Fonti:" in text and "Legenda" in text


def test_pdf_without_qgis_says_what_to_install(synthetic, tmp_path, monkeypatch):
    from territorio.outputs import pdf

    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    monkeypatch.delenv("TERRITORIO_QGIS_PYTHON", raising=False)
    monkeypatch.setattr(pdf, "DEFAULT_PYTHON", str(tmp_path / "niente" / "python3"))
    out = tmp_path / "qgis"
    result = CliRunner().invoke(app, ["qgis", "--out", str(out), "--pdf"])
    assert isinstance(result.exception, TerritorioError)
    message = str(result.exception)
    assert "python3-qgis" in message and "TERRITORIO_QGIS_PYTHON" in message
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


def test_unknown_comune_code_for_the_pdf_is_named(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "qgis"
    result = CliRunner().invoke(app, ["qgis", "--out", str(out), "--pdf", "--comuni", "999999"])
    assert isinstance(result.exception, TerritorioError)
    assert "999999" in str(result.exception) and "ISTAT" in str(result.exception)
    assert not out.exists() or not any(out.iterdir())


def test_humanized_aliases_and_choropleth_names():
    from territorio.mapspec import Choropleth
    from territorio.qgis.build import field_aliases

    aliases = field_aliases(["dist_rete_m", "pro_com_t", "nuova_popolazione_coperta"])
    assert aliases == {
        "fid": "Identificativo (GeoPackage)",
        "dist_rete_m": "Distanza rete (m)",
        "pro_com_t": "Codice ISTAT",
        "nuova_popolazione_coperta": "Nuova popolazione coperta",
    }
    spec = Choropleth("x", title={"it": "Suolo consumato 2024", "en": "Consumed soil 2024"})
    assert (spec.name("it"), spec.name("en")) == ("Suolo consumato 2024", "Consumed soil 2024")


def test_english_project_with_lang_en(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    out = tmp_path / "qgis"
    result = CliRunner().invoke(app, ["qgis", "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    text, root = project_xml(out / "territorio.qgz")
    names = [e.text for e in root.iter("layername")]
    assert "Comuni — indicators" in names and "Metropolitan City boundary" in names
    assert "Input data" in [g.get("name") for g in root.iter("layer-tree-group")]
    assert root.find("Layouts/Layout").get("name") == "Comune sheet"
    assert "Key indicators of the comune" in text and "Scheda comunale" not in text
    aliases = {a.get("field"): a.get("name") for a in root.iter("alias")}
    assert aliases["pro_com_t"] == "ISTAT code"
    table = pyogrio.read_dataframe(out / "territorio.gpkg", layer="scheda_indicatori")
    population = table[table["indicatore"].str.startswith("Resident population")]
    assert population["valore"].str.fullmatch(r"\d{1,3}(,\d{3})*").all()  # 1,234 in English
