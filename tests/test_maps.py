from __future__ import annotations

import re
from pathlib import Path

import pytest

from territorio.catalog import Catalog
from territorio.classes import fmt
from territorio.config import load_config
from territorio.runner import run_pipeline
from territorio.webmap.render import esc

from . import synthetic as syn
from .browser import Page, offline_browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A full run over the synthetic territory whose first comune and school are named
    <script>alert(1)</script>."""
    root = tmp_path_factory.mktemp("evil")
    mirror, layers = syn.build_mirror(root, evil=True)
    out = root / "maps"
    run_pipeline(load_config(None), catalog=Catalog(mirror, layers_dir=layers), out=out)
    return out


def test_pages_exist_with_local_leaflet_only(site):
    for name in (
        "index.html",
        "territorio.html",
        "suolo.html",
        "digitale.html",
        "mobilita.html",
        "servizi.html",
        "lib/leaflet.js",
        "lib/leaflet.css",
        "lib/images/layers.png",
    ):
        assert (site / name).exists(), name
    assert len(list((site / "comuni").glob("*.html"))) == 9
    for page in [site / "index.html", *sorted((site / "comuni").glob("*.html"))[:2]]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", text), page  # no CDN
    assert syn.EVIL not in (site / "index.html").read_text(encoding="utf-8")


def test_escape_and_format():
    assert esc(syn.EVIL) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert fmt(1234567.0, "it") == "1\u2009234\u2009567" and fmt(0.5, "en") == "0.50"
    assert fmt(float("nan"), "it") == "n.d."


def test_overview_and_atlas_offline_in_chromium(site):
    with offline_browser() as context:
        index = Page(context, site / "index.html")
        assert index.errors == []
        assert index.comune_features() == 9
        assert index.page.locator(".tlegend").count() >= 1
        assert index.page.locator("#comuni li").count() == 9
        tip = index.hover_text("&lt;script&gt;")
        assert tip is not None and syn.EVIL in tip  # rendered as text, not run
        index.page.fill("#search", "epsi")
        assert index.page.locator("#comuni li:visible").count() == 1
        index.screenshot(ARTIFACTS / "index.png")

        for code in ("015001", "015005"):
            atlas = Page(context, site / "comuni" / f"{code}.html")
            assert atlas.errors == []
            assert atlas.comune_features() == 1
            assert atlas.page.locator("#panel table tr").count() > 20
            assert atlas.page.locator("#panel svg").count() == 1  # land-consumption chart
            assert atlas.page.locator('a[href="../index.html"]').count() == 1
            atlas.screenshot(ARTIFACTS / f"atlas_{code}.png")
        first = Page(context, site / "comuni" / "015001.html")
        assert syn.EVIL in first.page.locator("#panel h2").inner_text()
        school = first.hover_text("&lt;script&gt;alert(1)&lt;/script&gt;")
        assert school is not None and syn.EVIL in school

        theme = Page(context, site / "servizi.html")
        assert theme.errors == [] and theme.comune_features() == 9
        assert theme.hover_text("&lt;script&gt;") is not None
        for page in (index, atlas, first, theme):
            assert page.dialogs == []  # no alert() ever ran


def test_english_labels(catalog, tmp_path):
    config = load_config(None)
    config["output"].lang = "en"
    config["run"].steps = ["territorio", "mappe"]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Atlas of the comuni" in text and "Search a comune" in text
    assert "Atlante dei comuni" not in text
