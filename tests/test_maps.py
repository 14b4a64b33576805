"""Web maps on the synthetic territory: pages, escaping, one indicator at a time, search,
classes that never collapse, scenario and estimate marks, self-contained pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from territorio.catalog import Catalog
from territorio.classes import classify, fmt, fmt_number, fmt_value
from territorio.config import load_config
from territorio.land.charts import _year_labels, series_svg
from territorio.mapspec import Choropleth
from territorio.runner import run_pipeline
from territorio.webmap.render import esc, readable

from . import synthetic as syn
from .browser import Page, offline_browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PAGES = ("index.html", "territorio.html", "suolo.html", "digitale.html", "mobilita.html")
PAGES += ("servizi.html",)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A full run over the synthetic territory whose first comune and school are named
    <script>alert(1)</script>."""
    root = tmp_path_factory.mktemp("evil")
    mirror, layers = syn.build_mirror(root, evil=True)
    out = root / "maps"
    result = run_pipeline(load_config(None), catalog=Catalog(mirror, layers_dir=layers), out=out)
    return out, result


def test_pages_exist_with_local_assets_only(site):
    out, _ = site
    for name in (*PAGES, "lib/leaflet.js", "lib/leaflet.css", "lib/territorio.js"):
        assert (out / name).exists(), name
    assert len(list((out / "comuni").glob("*.html"))) == 9
    for page in [out / "index.html", *sorted((out / "comuni").glob("*.html"))[:2]]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", text), page  # no CDN
        assert '<html lang="it">' in text and "user-scalable" not in text
    assert syn.EVIL not in (out / "index.html").read_text(encoding="utf-8")


def test_escape_and_format():
    assert esc(syn.EVIL) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert fmt(1234567.0, "it") == "1\u2009234\u2009567" and fmt(0.5, "en") == "0.50"
    assert fmt(float("nan"), "it") == "n.d."
    # people and counts are whole numbers, shares one decimal
    assert (
        fmt_value(4.12, "ab.", "it") == "4 ab." and fmt_value(0.0, "allievi", "it") == "0 allievi"
    )
    assert fmt_number(1234.56, "%", "it") == "1\u2009234,6"
    assert fmt_value(np.nan, "%", "it") == "n.d."


def test_classes_never_collapse():
    # many zeros, a few values orders of magnitude apart
    values = pd.Series([0.0] * 20 + [0.02, 0.5, 3.0, 40.0, 900.0, 12000.0, None])
    classes = classify(values, Choropleth("x", "quantiles", k=4), "it", "%")
    assert classes.labels[0] == "0,0"
    assert classes.index[:20].tolist() == [0] * 20 and classes.index[-1] == -1
    assert len(set(classes.labels)) == len(classes.labels)  # no "0,00 – 0,00" twins
    assert classes.labels[1].startswith("> 0")
    assert all(" – " in label for label in classes.labels[1:])
    # every positive value falls in a positive class whose bounds hold it
    for value, index in zip(values[20:26], classes.index[20:26], strict=True):
        low, high = classes.bounds[index]
        assert index >= 1 and low <= value <= high
    counts = classify(
        pd.Series([0, 1, 1, 2, 20]),
        Choropleth("c", "breaks", breaks=(0, 1, 2, 5)),
        "it",
        "progetti",
    )
    assert counts.labels == ["0", "1", "2", "3 – 5", "6 – 20"]
    flags = classify(
        pd.Series([True, False, True]).astype(str),
        Choropleth("p", "categories", order=("True", "False")),
        "it",
    )
    assert flags.labels == ["sì", "no"] and flags.index.tolist() == [0, 1, 0]


def test_readable_descriptions_and_chart():
    assert readable("Densità (superficie_km2) al 2025-06-30 e al 20250331", "it") == (
        "Densità al 30/6/2025 e al 31/3/2025"
    )
    years = [2006, 2012, *range(2015, 2025)]
    labels = _year_labels(years, 400)
    spacing = np.diff([400 * (y - 2006) / 18 for y in labels])
    assert labels[-1] == 2024 and labels[0] == 2006 and spacing.min() >= 34
    svg = series_svg(years, [10700.0] * len(years), title="t", unit="ha", derived_before=2024)
    assert ">0<" in svg  # the y axis starts at zero
    assert "10,700" not in svg and "10\u2009000" in svg  # Italian grouping of the ticks
    assert svg.count('stroke-dasharray="4 3"') == len(years) - 1  # rebuilt segments only
    assert svg.count('fill="#b5382f" stroke') == 1  # one published point (2024)


def _column_ids(result) -> set[str]:
    return {c for c in result.table.columns if "_" in c}


def test_overview_and_atlas_offline_in_chromium(site):
    out, result = site
    ids = _column_ids(result)
    with offline_browser() as context:
        index = Page(context, out / "index.html")
        assert index.errors == []
        assert index.comune_features() == 9
        # one indicator at a time: a select, one legend
        assert index.page.locator("#indicator-select").count() == 1
        assert index.page.locator("#legend h3").count() == 1
        first = index.page.locator("#legend h3").inner_text()
        options = index.page.locator("#indicator-select option").all_inner_texts()
        index.page.select_option("#indicator-select", index=2)
        assert index.page.locator("#legend h3").count() == 1
        assert index.page.locator("#legend h3").inner_text() != first
        assert index.page.locator("#legend h3").inner_text() == options[2]
        assert "#indicatore=" in index.page.url or "indicatore=" in index.page.url
        tip = index.hover_text("&lt;script&gt;")
        assert tip is not None and syn.EVIL in tip  # rendered as text, not run
        text = index.visible_text("#panel") + index.visible_text(".leaflet-control-container")
        assert not [c for c in ids if re.search(rf"\b{re.escape(c)}\b", text)]
        index.screenshot(ARTIFACTS / "synthetic_index.png")

        for code in ("015001", "015005"):
            atlas = Page(context, out / "comuni" / f"{code}.html")
            assert atlas.errors == []
            assert atlas.comune_features() >= 2  # the comune and its neighbours
            rows = atlas.page.locator("table.ind tbody tr")
            assert rows.count() > 15
            assert atlas.page.locator("#panel .chart svg").count() == 1
            assert atlas.page.locator("svg.locator").count() == 1
            assert atlas.page.locator('a[href="../index.html"]').count() == 1
            assert atlas.page.locator('a[href^="../mobilita.html#comune="]').count() == 1
            table = atlas.visible_text("table.ind")
            assert not [c for c in ids if re.search(rf"\b{re.escape(c)}\b", table)]
            assert "SCENARIO" in table  # scenario rows say so, in their own group
            atlas.screenshot(ARTIFACTS / f"synthetic_atlas_{code}.png")
        evil = Page(context, out / "comuni" / "015001.html")
        assert syn.EVIL in evil.page.locator("#panel h2").first.inner_text()
        school = evil.hover_text("&lt;script&gt;alert(1)&lt;/script&gt;")
        assert school is not None and syn.EVIL in school

        digital = Page(context, out / "digitale.html")
        assert digital.errors == [] and digital.comune_features() == 9
        assert "SCENARIO" in digital.page.locator(".banner").inner_text()
        scenario = [o for o in digital.page.locator("#overlays input").all() if not o.is_checked()]
        assert scenario  # scenario layers are off when the page opens
        digital.page.check("#ov-scenario_5g_siti")
        tip = digital.hover_text("Raggio")
        assert tip is not None and "SCENARIO" in tip
        for page in (index, atlas, evil, digital):
            assert page.dialogs == []  # no alert() ever ran


def test_search_keys_and_hash(site):
    out, _ = site
    with offline_browser() as context:
        page = Page(context, out / "suolo.html")
        names = page.page.evaluate(
            "() => JSON.parse(document.getElementById('tdata').textContent).comuni.names"
        )
        target = names[3]
        query = target.upper().replace("O", "Ò", 1)  # accents and case do not matter
        page.page.fill("#search", query)
        assert page.page.locator("#search-results li").count() >= 1
        page.page.press("#search", "Enter")
        page.page.wait_for_timeout(200)
        assert "comune=" in page.page.url
        code = page.page.url.split("comune=")[1].split("&")[0]
        assert (
            names[
                page.page.evaluate(
                    "(c) => JSON.parse(document.getElementById('tdata').textContent)"
                    ".comuni.codes.indexOf(c)",
                    code,
                )
            ]
            == target
        )
        zoom_before = page.page.evaluate("() => window.territorioMap.getZoom()")
        # the same hash opened fresh shows the same comune and indicator
        again = context.new_page()
        again.goto(page.page.url)
        again.wait_for_timeout(200)
        assert again.evaluate("() => window.territorioMap.getZoom()") == zoom_before
        # by ISTAT code, then arrows
        page.page.fill("#search", "01500")
        assert page.page.locator("#search-results li").count() == 9
        page.page.press("#search", "ArrowDown")
        page.page.press("#search", "ArrowDown")
        selected = page.page.locator('#search-results li[aria-selected="true"]').inner_text()
        page.page.press("#search", "Enter")
        assert selected.split(" (")[0] == page.page.input_value("#search")


def test_self_contained_page_works_alone(catalog, tmp_path):
    config = load_config(None)
    config["output"].self_contained = True
    config["run"].steps = ["territorio", "suolo", "mappe"]
    out = tmp_path / "maps"
    run_pipeline(config, catalog=catalog, out=out)
    assert not (out / "lib").exists()
    alone = tmp_path / "email"
    alone.mkdir()
    shutil.copy(out / "comuni" / "015003.html", alone / "015003.html")
    with offline_browser() as context:
        page = Page(context, alone / "015003.html")
        assert page.errors == []
        assert page.comune_features() >= 1
        focus = page.page.evaluate(
            "() => JSON.parse(document.getElementById('tdata').textContent).focus"
        )
        assert focus == "015003"


def test_english_labels(catalog, tmp_path):
    config = load_config(None)
    config["output"].lang = "en"
    config["run"].steps = ["territorio", "mappe"]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert "Atlas of the comuni" in text and "Find a comune" in text
    assert "Atlante dei comuni" not in text
