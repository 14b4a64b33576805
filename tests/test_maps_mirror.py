"""The web maps of the real run, checked as officers and citizens use them: WCAG 2.1 AA with
axe-core, search, print to A4, labels instead of column ids, desktop and phone screenshots."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .browser import Page, offline_browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
THEMES = ("territorio", "suolo", "digitale", "mobilita", "trasporto", "servizi")
ATLAS = {"015146": "Milano", "015150": "Morimondo", "015191": "San Colombano al Lambro"}
SIZES = ((1400, 900), (390, 844))
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def site(mirror_run):
    out, result = mirror_run
    return out, result


def _pages(out: Path) -> list[Path]:
    return [
        out / "index.html",
        *(out / f"{t}.html" for t in THEMES),
        *(out / "comuni" / f"{c}.html" for c in ATLAS),
    ]


def test_wcag_aa_no_serious_violation(site):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = site
    axe = Axe()
    found = {}
    with offline_browser() as context:
        for path in _pages(out):
            for width, height in SIZES:
                page = Page(context, path)
                page.page.set_viewport_size({"width": width, "height": height})
                page.page.wait_for_timeout(300)
                assert page.errors == [], (path.name, page.errors)
                results = axe.run(page.page, options={"runOnly": {"type": "tag", "values": WCAG}})
                bad = [
                    (v["id"], v["impact"], len(v["nodes"]))
                    for v in results.response["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
                if bad:
                    found[f"{path.name}@{width}"] = bad
                page.page.close()
    assert found == {}


def test_every_page_at_desktop_and_phone_size(site):
    out, result = site
    ids = {c for c in result.table.columns if "_" in c}
    with offline_browser() as context:
        for path in _pages(out):
            for width, height in SIZES:
                page = Page(context, path)
                page.page.set_viewport_size({"width": width, "height": height})
                assert page.errors == []
                assert page.comune_features() >= 1
                # nothing wider than the phone's screen
                overflow = page.page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 1, (path.name, width, overflow)
                shown = page.visible_text("header") + page.visible_text("#panel")
                shown += page.visible_text(".leaflet-control-container")
                leaked = [c for c in ids if re.search(rf"\b{re.escape(c)}\b", shown)]
                assert leaked == [], (path.name, leaked)
                name = path.relative_to(out).as_posix().replace("/", "_").removesuffix(".html")
                page.page.screenshot(
                    path=str(ARTIFACTS / f"mirror_{name}_{width}.png"), full_page=width < 500
                )
                page.page.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("015146", "Milano"),
        ("sesto s. giovanni", "Sesto San Giovanni"),
        ("cassina de pecchi", "Cassina de' Pecchi"),
    ],
)
def test_search_finds_and_enter_zooms(site, query, expected):
    out, _ = site
    with offline_browser() as context:
        page = Page(context, out / "index.html")
        before = page.page.evaluate("() => window.territorioMap.getZoom()")
        page.page.fill("#search", query)
        first = page.page.locator("#search-results li").first.inner_text()
        assert first.startswith(expected)
        page.page.press("#search", "Enter")
        page.page.wait_for_timeout(300)
        assert page.page.input_value("#search") == expected
        assert page.page.evaluate("() => window.territorioMap.getZoom()") > before
        popup = page.page.locator(".leaflet-popup-content").inner_text()
        assert expected in popup and "scheda" in popup.lower()
        code = page.page.url.split("comune=")[1].split("&")[0]
        link = page.page.locator(".leaflet-popup-content a").get_attribute("href")
        assert link == f"comuni/{code}.html"


def test_atlas_prints_on_two_a4_pages_with_its_values(site, tmp_path):
    out, result = site
    table = result.table.frame
    with offline_browser() as context:
        for code, name in ATLAS.items():
            page = Page(context, out / "comuni" / f"{code}.html")
            pdf = ARTIFACTS / f"mirror_atlas_{code}.pdf"
            page.page.pdf(path=str(pdf), format="A4")
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
            pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])
            assert pages <= 2, (code, pages)
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            residents = f"{int(table.loc[code, 'popolazione_2024']):,}".replace(",", "\u2009")
            consumed = f"{table.loc[code, 'suolo_consumato_2024_pct']:.1f}".replace(".", ",")
            assert name in text and code in text
            compact = text.replace("\u2009", "").replace(" ", "")
            assert residents.replace("\u2009", "") in compact
            assert consumed in text
            assert "Fonti e licenze" in text and "Cerca un comune" not in text
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "60",
                    "-png",
                    str(pdf),
                    str(ARTIFACTS / f"mirror_atlas_{code}_pdf"),
                ],
                check=True,
            )
