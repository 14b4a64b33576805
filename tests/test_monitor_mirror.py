"""The monitoring dashboard of a run on the real mirror, checked in a browser."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from territorio.monitor.catalogue import load_catalogue

from .browser import Page, offline_browser

pytestmark = pytest.mark.mirror
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = [(1400, 900), (390, 844)]


def test_mirror_run_serves_the_drivers_its_data_can_and_says_why_not(mirror_run):
    out, _ = mirror_run
    table = pd.read_csv(out / "monitoraggio.csv")
    cat = load_catalogue()
    served = set(table.loc[table["valore"].notna(), "driver"])
    # measured on the mirror: digital, land, mobility, schools, health, population
    assert served == {"D1", "D2", "D3", "D5", "D6", "D7", "D8"}
    page = (out / "monitoraggio.html").read_text("utf-8")
    for driver in cat.drivers:
        if driver.id not in served:  # listed with the reason
            assert f"Driver {driver.number} — {driver.name['it']}</strong>:" in page
    assert "non importato" in page  # the CMM's own registers the default run lacks
    cmm = table[(table["gruppo"] == "cmm")].set_index("indicatore")
    areas = pd.read_csv(out / "indicatori_aree.csv").set_index("gruppo")
    assert cmm.loc["suolo_consumato", "valore"] == pytest.approx(
        areas.loc["cmm", "suolo_consumato_2024_pct"]
    )
    assert cmm.loc["suolo_consumato", "base_periodo"] == "2006"
    assert cmm.loc["popolazione", "valore"] == areas.loc["cmm", "popolazione_2024"]
    assert cmm.loc["accordi_fibra", "base_valore"] == 70
    assert (table["gruppo"].unique() == areas.index.to_numpy()).all()
    info = json.loads((out / "run.json").read_text("utf-8"))
    assert {r["id"] for r in info["strati"]} >= {"ispra_suolo_stock", "istat_popolazione"}
    assert all(r["sha256"] == r["sha256_catalogo"] for r in info["strati"] if not r["file_utente"])
    index = (out / "index.html").read_text("utf-8")
    assert 'href="monitoraggio.html"' in index


def test_dashboard_offline_and_wcag_aa_at_desktop_and_phone(mirror_run):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = mirror_run
    found = {}
    with offline_browser() as context:
        for width, height in SIZES:
            page = Page(context, out / "monitoraggio.html")
            page.page.set_viewport_size({"width": width, "height": height})
            page.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            assert page.errors == []
            results = Axe().run(page.page, options={"runOnly": {"type": "tag", "values": WCAG}})
            bad = [
                (v["id"], v["impact"], len(v["nodes"]))
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                found[width] = bad
            cards = page.page.locator("article.card").count()
            assert cards == sum(
                len(load_catalogue().of(d)) for d in ("D1", "D2", "D3", "D5", "D6", "D7", "D8")
            )
            page.page.close()
    assert found == {}
