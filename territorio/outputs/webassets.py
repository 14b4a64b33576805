"""The web pages' static files: Leaflet (vendored) and territorio's own script and style."""

from __future__ import annotations

from pathlib import Path

WEBMAP = Path(__file__).resolve().parents[1] / "webmap"
VENDOR = WEBMAP / "vendor" / "leaflet-1.9.4"
STATIC = WEBMAP / "static"
ASSETS = {
    "leaflet.css": VENDOR / "leaflet.css",
    "territorio.css": STATIC / "territorio.css",
    "leaflet.js": VENDOR / "leaflet.js",
    "territorio.js": STATIC / "territorio.js",
}


def read_assets() -> dict[str, str]:
    """The text of each asset, for pages that carry them inline (``self_contained``)."""
    return {name: path.read_text(encoding="utf-8") for name, path in ASSETS.items()}
