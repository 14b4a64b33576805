"""The QGIS project of the real run (133 comuni), opened and exported by real QGIS."""

from __future__ import annotations

import re
import subprocess

import pytest

from territorio.outputs.pdf import export_atlas, require_qgis

from .test_qgis import ARTIFACTS, near_point_color, run_qgis

pytestmark = pytest.mark.mirror

MILANO, ABBIATEGRASSO = "015146", "015002"


@pytest.fixture(scope="module")
def report(mirror_run):
    out, _ = mirror_run
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "qgis_mirror_start_view.png"
    return run_qgis(out / "territorio.qgz", out / "territorio.gpkg", png, out / "sld")


def test_real_project_layer_tree_resolves(report):
    tree = report["tree"]
    assert len(tree) >= 15
    assert all(e["resolved"] and e["valid"] for e in tree), [
        e["name"] for e in tree if not (e["resolved"] and e["valid"])
    ]
    comuni = next(x for x in report["layers"] if x["name"] == "Comuni — indicatori")
    assert comuni["features"] == 133
    assert len(report["themes"]) == len(comuni["styles"]) >= 15
    assert all(x["ok"] for x in report["sld"].values())
    assert all(r["valid"] for r in report["relations"].values())


def test_real_start_view_is_the_cmm_and_not_blank(report, mirror_run):
    _, result = mirror_run
    x0, y0, x1, y1 = report["extent"]
    bx0, by0, bx1, by1 = result.territory.comuni.total_bounds
    assert x0 <= bx0 < bx1 <= x1 and y0 <= by0 < by1 <= y1
    assert (x1 - x0) * (y1 - y0) < 1.3 * (bx1 - bx0) * (by1 - by0)
    assert report["render"]["non_background_share"] > 0.4
    probes = report["render"]["point_probes"]
    on_point = [p for p in probes if near_point_color(p["color"], report)]
    assert len(on_point) >= 0.8 * len(probes), probes


def test_real_atlas_has_133_pages_and_exports_two(report, mirror_run, tmp_path):
    layout = report["layouts"]["Scheda comunale"]
    assert layout["atlas_count"] == 133 and layout["coverage"] == "Comuni — indicatori"
    out, result = mirror_run
    exported = export_atlas(
        out / "territorio.qgz", tmp_path, require_qgis(), [MILANO, ABBIATEGRASSO]
    )
    assert exported["pages"] == 2
    assert sorted(exported["files"]) == [
        "atlante_comuni.pdf",
        f"scheda_{ABBIATEGRASSO}.pdf",
        f"scheda_{MILANO}.pdf",
    ]
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "atlante_comuni.pdf")], capture_output=True, text=True
    ).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / f"scheda_{MILANO}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Milano" in text and MILANO in text and "OpenStreetMap contributors" in text
    # residents as the indicator table has them, in Italian form, on the page
    residents = f"{int(result.table.frame.loc[MILANO, 'popolazione_2024']):,}"
    # (pdftotext gives the thin space of "1 234" as a plain space)
    assert residents.replace(",", " ") in text.replace("\u2009", " ")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            str(tmp_path / "atlante_comuni.pdf"),
            str(ARTIFACTS / "qgis_mirror_atlas"),
        ],
        check=True,
    )
    pages = sorted(ARTIFACTS.glob("qgis_mirror_atlas-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 40_000 for p in pages)
