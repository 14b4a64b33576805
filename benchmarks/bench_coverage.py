"""Benchmark: 5G coverage per comune for 2,000 sites over the 133 real comuni.

Times in the same run:

- territorio.digital.coverage.covered_area with one radius (exact circles: Voronoi split and
  Green's theorem in numpy, no GEOS overlay),
- the same with mixed radii (one union of equal-area 64-gons, then one vectorised intersection),
- the naive approach: geopandas ``overlay`` of comuni and equal-area 64-gon discs, then
  ``dissolve`` per comune,

and prints times, ratios and the largest difference in covered share per comune (percentage
points) against the overlay and against a fine reference (union of 1,024-gons).
Target (issue 4): ≤ 0.15 s, ≥ 7× the overlay, difference ≤ 0.1 percentage points.

Run: ``make bench`` or ``python benchmarks/bench_coverage.py [--sites 2000] [--radius 600]``.
"""

from __future__ import annotations

import argparse
import os

import geopandas as gpd
import numpy as np
import shapely
from timing import best_of

from territorio.catalog import Catalog
from territorio.digital.coverage import covered_area
from territorio.digital.discs import discs


def random_sites(comuni: gpd.GeoDataFrame, count: int, seed: int = 1) -> np.ndarray:
    outline = shapely.union_all(comuni.geometry.values)
    x0, y0, x1, y1 = comuni.total_bounds
    rng = np.random.default_rng(seed)
    found: list = []
    while len(found) < count:
        xs, ys = rng.uniform(x0, x1, 2 * count), rng.uniform(y0, y1, 2 * count)
        keep = shapely.contains_xy(outline, xs, ys)
        found.extend(shapely.points(xs[keep], ys[keep]))
    return np.array(found[:count], dtype=object)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--radius", type=float, default=600.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    comuni = Catalog().read("cmm_comuni")[["pro_com_t", "geometry"]]
    zones = comuni.geometry.values
    area = shapely.area(zones)
    points = random_sites(comuni, args.sites)
    mixed_radii = np.where(np.arange(len(points)) % 4 == 0, args.radius / 4, args.radius)
    print(
        f"cpus: {os.cpu_count()}, comuni: {len(comuni)}, sites: {len(points)}, "
        f"radius: {args.radius:.0f} m"
    )

    ours_s, ours = best_of(args.repeats, lambda: covered_area(points, args.radius, zones))
    print(f"territorio, one radius ({ours.method}): {ours_s:7.3f} s")
    mixed_s, mixed = best_of(args.repeats, lambda: covered_area(points, mixed_radii, zones))
    print(f"territorio, mixed radii ({mixed.method}): {mixed_s:7.3f} s")

    def overlay(radii):
        frame = gpd.GeoDataFrame(geometry=discs(points, radii), crs=comuni.crs)
        pieces = gpd.overlay(comuni, frame, how="intersection", keep_geom_type=True)
        dissolved = pieces.dissolve("pro_com_t")
        return dissolved.area.reindex(comuni["pro_com_t"]).fillna(0.0).to_numpy()

    ref_s, ref = best_of(2, lambda: overlay(args.radius))
    print(f"geopandas overlay + dissolve (64-gons): {ref_s:7.3f} s")
    mixed_ref_s, mixed_ref = best_of(1, lambda: overlay(mixed_radii))

    fine = shapely.area(
        shapely.intersection(zones, shapely.union_all(discs(points, args.radius, 256)))
    )
    diff = np.abs(ours.covered_m2 - ref) / area * 100
    diff_fine = np.abs(ours.covered_m2 - fine) / area * 100
    diff_mixed = np.abs(mixed.covered_m2 - mixed_ref) / area * 100
    print(
        f"max |Δ covered share| one radius: {diff.max():.5f} pp; mixed radii: "
        f"{diff_mixed.max():.5f} pp; CMM covered {100 * ours.covered_m2.sum() / area.sum():.2f} %"
    )
    print(f"max |Δ covered share| one radius vs 1,024-gon union: {diff_fine.max():.2e} pp")
    ratio = ref_s / ours_s
    print(
        f"ratio overlay / territorio: {ratio:.1f}× (one radius), "
        f"{mixed_ref_s / mixed_s:.1f}× (mixed radii)"
    )
    checks = {
        "≤ 0.15 s": ours_s <= 0.15,
        "≥ 7× overlay": ratio >= 7,
        "≤ 0.1 pp": max(diff.max(), diff_mixed.max()) <= 0.1,
    }
    print("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in checks.items()))


if __name__ == "__main__":
    main()
