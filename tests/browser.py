"""Headless Chromium (Debian's) driven by Playwright, with the network cut off."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@contextmanager
def offline_browser():
    """A Chromium context with no network: only ``file://`` loads succeed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file://") else route.abort()
            ),
        )
        try:
            yield context
        finally:
            browser.close()


class Page:
    """A page opened from disk, recording console errors, failed loads and dialogs."""

    def __init__(self, context, path: Path) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed load {r.url}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def comune_features(self) -> int:
        return self.page.evaluate(
            """() => { const m = window.territorioMap;
               const seen = new Set();
               m.eachLayer(l => { const f = l.feature;
                 if (f && f.properties.i !== undefined && l.setStyle) seen.add(f.properties.i); });
               return seen.size; }"""
        )

    def hover_text(self, match: str) -> str | None:
        """Hover the first feature whose tooltip HTML contains ``match`` (escaped text);
        return the tooltip's text as the reader sees it."""
        return self.page.evaluate(
            """(match) => { const m = window.territorioMap;
               let target = null;
               m.eachLayer(l => { if (target || !l.feature || !l.getTooltip()) return;
                 const c = l.getTooltip()._content;
                 const html = typeof c === 'function' ? c(l) : String(c);
                 if (html.indexOf(match) >= 0) target = l; });
               if (!target) return null;
               const at = target.getLatLng ? target.getLatLng() : target.getBounds().getCenter();
               target.fire('mouseover', {latlng: at, originalEvent: {}}, true);
               const tips = document.querySelectorAll('.leaflet-tooltip');
               return tips.length ? tips[tips.length - 1].textContent : null; }""",
            match,
        )

    def visible_text(self, selector: str) -> str:
        """The text a reader sees in ``selector`` (all matches)."""
        return "\n".join(self.page.locator(selector).all_inner_texts())

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(600)  # let fitBounds' zoom animation finish
        self.page.screenshot(path=str(path))
