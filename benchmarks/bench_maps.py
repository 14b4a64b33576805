"""Benchmark: web maps over the real data — file sizes, atlas generation time, first paint.

Computes the indicators once (all steps but the maps), then times the rendering of the theme
maps, the overview and the 133 atlas pages, prints file sizes, and opens the overview from
disk in headless Chromium with the network cut off to read its first paint.
Targets: 133 atlas pages ≤ 30 s on 2 cores; overview ≤ 1.5 MB (issue 15: page weight no
larger than before the rework); first paint ≤ 0.5 s. The self-contained variant of the overview
(Leaflet and data inline) is sized too.

Run: ``make bench`` or ``python benchmarks/bench_maps.py``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from territorio.catalog import Catalog
from territorio.codes import KEY
from territorio.config import load_config
from territorio.loaders import load_territory
from territorio.outputs import OutputSet
from territorio.outputs.webassets import STATIC, VENDOR, read_assets
from territorio.runner import new_context
from territorio.themes import THEMES
from territorio.webmap import render


def main() -> None:
    print(f"cpus: {os.cpu_count()}")
    config = load_config(None)
    catalog = Catalog()
    territory = load_territory(catalog, config.areas)
    with tempfile.TemporaryDirectory() as tmp, OutputSet(Path(tmp) / "scratch") as scratch:
        ctx = new_context(config, catalog, territory, scratch, THEMES)
        start = time.perf_counter()
        for theme in THEMES:
            if theme.name != "mappe":
                theme.run(ctx)
        print(f"indicators (all themes): {time.perf_counter() - start:.1f} s")
        out = Path(tmp) / "maps"
        (out / "comuni").mkdir(parents=True)
        start = time.perf_counter()
        groups = ctx.table.aggregate(territory.groups())
        data = render.prepare(
            ctx.table.frame, ctx.table.columns, groups, territory.comuni, ctx.maps, catalog, "it"
        )
        shutil.copytree(VENDOR, out / "lib")
        shutil.copytree(STATIC, out / "lib", dirs_exist_ok=True)
        for theme in ctx.maps.themes():
            (out / f"{theme}.html").write_text(str(render.theme_page(data, theme)), "utf-8")
        (out / "index.html").write_text(str(render.overview_page(data)), "utf-8")
        themes_s = time.perf_counter() - start
        start = time.perf_counter()
        for code in territory.comuni[KEY]:
            page = render.atlas_page(data, code, "../lib")
            (out / "comuni" / f"{code}.html").write_text(str(page), "utf-8")
        atlas_s = time.perf_counter() - start
        sizes = {p.name: p.stat().st_size for p in out.glob("*.html")}
        atlas = [p.stat().st_size for p in (out / "comuni").glob("*.html")]
        lib = sum(p.stat().st_size for p in (out / "lib").rglob("*") if p.is_file())
        print(f"theme maps + overview: {themes_s:.1f} s")
        print(f"133 atlas pages: {atlas_s:.1f} s ({1000 * atlas_s / len(atlas):.0f} ms a page)")
        for name, size in sorted(sizes.items()):
            print(f"  {name:18s} {size / 1e6:6.2f} MB")
        print(
            f"  comuni/*.html      {sum(atlas) / 1e6:6.2f} MB in all, max {max(atlas) / 1e3:.0f} kB"
        )
        print(f"  lib/ (Leaflet)     {lib / 1e6:6.2f} MB")
        data.self_contained, data.assets = True, read_assets()
        alone = Path(tmp) / "alone.html"
        alone.write_text(str(render.overview_page(data)), "utf-8")
        print(f"  index.html, self-contained {alone.stat().st_size / 1e6:6.2f} MB")
        paint = first_paint(out / "index.html")
        print(f"overview first paint (Chromium, offline, best of 3): {paint:.3f} s")
    checks = {
        "atlas ≤ 30 s": atlas_s <= 30,
        "overview ≤ 1.5 MB": sizes["index.html"] <= 1.5e6,
        "first paint ≤ 0.5 s": paint <= 0.5,
    }
    print("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in checks.items()))


def first_paint(path: Path) -> float:
    from tests.browser import offline_browser

    best = float("inf")
    with offline_browser() as context:
        for _ in range(3):
            page = context.new_page()
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            paints = page.evaluate(
                "() => performance.getEntriesByType('paint').map(e => e.startTime)"
            )
            best = min(best, min(paints) / 1000 if paints else float("inf"))
            page.close()
    return best


if __name__ == "__main__":
    main()
