"""Benchmark: beyond one territory and one machine (issue 20), every ratio in one run.

1. **Street graph build**: pyosmium-to-arrays (territorio) vs osmnx ``graph_from_xml`` +
   conversion to the same arrays, on the mirror's 2015 extract and on a synthetic whole-CMM
   extract made here by tiling shifted copies of it over the CMM (2 × 3 copies, ≈ 1.3 M
   nodes). Each build runs in its own process: peak resident memory (``ru_maxrss``) and wall
   time. Target: ≥ 5× faster, ≤ ¼ of osmnx's memory; and the same arrays.
2. **Access on the synthetic whole-CMM network** (walk 15 min, bike 15 min, to the shifted
   copies of the interchange nodes): untiled vs tiled (10 km tiles, halo = cutoff + snap) vs
   the same tiles on a Dask LocalCluster of 1 and of 2 workers; results compared bit for bit.
3. **Boundary indicators** (area, population where present, counts of synthetic points, one
   per 10 ha of each comune) for the CMM (133), Lombardia (1,503) and Italy (7,899): one
   pass, per province (best of 3), and the dask-geopandas join; time, memory, time per point
   and the growth 133 → 1,503 → 7,899.

Run: ``make bench`` or ``python benchmarks/bench_scale.py [--quick] [--parts P,…]``
(``--quick``: 2 copies, no osmnx on the synthetic extract; parts: build, access, boundary).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OSM = Path("mobility") / "osm" / "milano_bbox_2015_highways.osm.bz2"
#: shift of the copies in degrees: the extract spans 0.344° × 0.145° (≈ 27 × 16 km)
STEP_LON, STEP_LAT = 0.344, 0.145


def child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line, peak RSS is added."""
    wrapper = (
        "import json, resource, time, sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"{code}\n"
        "out['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


#: peak memory of one stage: VmHWM is reset (clear_refs 5, Linux ≥ 4.0) after the imports
MEMORY = """
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status("VmRSS")
"""

BUILD = (
    MEMORY
    + """
from pathlib import Path
import territorio.readers as r
path = Path({path!r})
before = reset_peak()
start = time.perf_counter()
net = r.{builder}(path)
seconds = time.perf_counter() - start
build_mb = status("VmHWM") - before
"""
)
BUILD += """import numpy as np, hashlib
nodes, edges = net.node_table(), net.edge_table()
digest = hashlib.sha256(nodes.to_numpy().tobytes())
digest.update(edges[["u", "v", "length"]].to_numpy().tobytes())
digest.update(edges["highway"].str.cat().encode())
digest = digest.hexdigest()
out = dict(seconds=seconds, nodes=int(net.n_nodes), edges=int(len(net.u)), digest=digest,
           build_mb=build_mb, before_mb=before)
"""


def synthetic_extract(source: Path, target: Path, rows: int, cols: int) -> Path:
    """``rows × cols`` copies of the extract, shifted by its own size, in one OSM file."""
    import osmium

    writer = osmium.SimpleWriter(str(target))
    try:
        for copy in range(rows * cols):
            row, col = divmod(copy, cols)
            dlon, dlat = (col - cols / 2 + 0.5) * STEP_LON, (row - rows / 2 + 0.5) * STEP_LAT
            offset = copy * 10_000_000_000
            for obj in osmium.FileProcessor(str(source)):
                if obj.is_node():
                    lon, lat = obj.location.lon + dlon, obj.location.lat + dlat
                    writer.add_node(obj.replace(id=obj.id + offset, location=(lon, lat)))
                elif obj.is_way():
                    refs = [n.ref + offset for n in obj.nodes]
                    writer.add_way(obj.replace(id=obj.id + offset, nodes=refs))
    finally:
        writer.close()
    return target


def build_benchmark(extracts: dict[str, Path], osmnx_on: set[str]) -> dict:
    print("\n== 1. Street graph build (own process each; peak RSS of the process)")
    print(
        f"{'extract':<26}{'builder':<12}{'nodes':>11}{'edges':>11}{'s':>9}{'build MB':>10}"
        f"{'process MB':>12}"
    )
    results = {}
    for name, path in extracts.items():
        for builder, label in (
            ("read_street_arrays", "pyosmium"),
            ("build_network_osmnx", "osmnx"),
        ):
            if label == "osmnx" and name not in osmnx_on:
                continue
            got = child(BUILD.format(path=str(path), builder=builder))
            results[(name, label)] = got
            print(
                f"{name:<26}{label:<12}{got['nodes']:>11,}{got['edges']:>11,}"
                f"{got['seconds']:>9.1f}{got['build_mb']:>10,.0f}{got['peak_mb']:>12,.0f}"
            )
        if (name, "osmnx") in results:
            ours, peer = results[(name, "pyosmium")], results[(name, "osmnx")]
            same = ours["digest"] == peer["digest"]
            print(
                f"  → {name}: {peer['seconds'] / ours['seconds']:.1f}× faster, "
                f"{ours['build_mb'] / peer['build_mb']:.2f} of osmnx's build memory "
                f"({ours['peak_mb'] / peer['peak_mb']:.2f} of its whole process); "
                f"identical arrays: {same}"
            )
            if not same:
                raise SystemExit("the two builds differ")
    return results


def access_benchmark(extract: Path, mirror: Path, copies: tuple[int, int]) -> dict:
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    from territorio.network.engine import main_network_nodes, snap
    from territorio.network.tiles import grid_labels, nearest_station, tiled_nearest_station
    from territorio.readers import read_street_arrays
    from territorio.scheduler import open_scheduler

    print("\n== 2. Access on the synthetic whole-CMM network (15 min, nearest station)")
    network = read_street_arrays(extract)
    nodes_gpkg = gpd.read_file(mirror / "mobility" / "interchange_nodes.gpkg").to_crs(4326)
    lon, lat = shapely.get_coordinates(nodes_gpkg.geometry.values).T
    rows, cols = copies
    shifted = []
    for copy in range(rows * cols):
        row, col = divmod(copy, cols)
        dlon, dlat = (col - cols / 2 + 0.5) * STEP_LON, (row - rows / 2 + 0.5) * STEP_LAT
        shifted.append(np.column_stack([lon + dlon, lat + dlat]))
    lonlat = np.vstack(shifted)
    x, y = Transformer.from_crs(4326, 32632, always_xy=True).transform(*lonlat.T)
    stations_xy = np.column_stack([x, y])
    node_xy = np.column_stack([network.x, network.y])
    print(f"{network.n_nodes:,} nodes, {len(network.u):,} edges, {len(stations_xy):,} stations")
    figures = {}
    for mode, speed, symmetric in (("walk", 4.5, True), ("bike", 15.0, False)):
        graph = network.mode_graph(mode)
        main = main_network_nodes(graph)
        snapped = snap(node_xy, stations_xy, main)
        usable = snapped.distance <= 300.0
        at, snaps = snapped.node[usable], snapped.distance[usable]
        limit = 15 * speed * 1000 / 60
        start = time.perf_counter()
        whole = nearest_station(graph, at, snaps, symmetric=symmetric, limit_m=limit)
        untiled = time.perf_counter() - start
        labels = grid_labels(node_xy, 10_000.0)
        runs = {"untiled": untiled}
        for spec in ("", "local:1", "local:2"):
            with open_scheduler(spec) as scheduler:
                # one untimed round: the workers import scipy and territorio once
                tiled_nearest_station(
                    graph, node_xy, at, snaps, symmetric=symmetric, limit_m=limit,
                    labels=labels, max_snap_m=300.0, mapper=scheduler.map,
                )  # fmt: skip
                start = time.perf_counter()
                tiled = tiled_nearest_station(
                    graph, node_xy, at, snaps, symmetric=symmetric, limit_m=limit,
                    labels=labels, max_snap_m=300.0, mapper=scheduler.map,
                )  # fmt: skip
                runs[spec or "tiled"] = time.perf_counter() - start
            same = np.array_equal(tiled[0], whole[0]) and np.array_equal(tiled[1], whole[1])
            if not same:
                raise SystemExit(f"{mode} {spec or 'tiled'}: tiled result differs")
        reached = float(np.isfinite(whole[0]).mean() * 100)
        tiles = len(np.unique(labels))
        print(
            f"{mode}: {tiles} tiles; untiled {runs['untiled']:.2f} s, tiled in-process "
            f"{runs['tiled']:.2f} s, Dask 1 worker {runs['local:1']:.2f} s, 2 workers "
            f"{runs['local:2']:.2f} s (1→2 workers: {runs['local:1'] / runs['local:2']:.2f}×); "
            f"identical: True; nodes within 15 min: {reached:.1f} %"
        )
        figures[mode] = runs
    return figures


BOUNDARY = (
    MEMORY
    + """
import numpy as np, territorio as tt
from territorio.loaders import load_territory
from territorio.boundaries import (boundary_indicators, boundary_indicators_by_province,
                                   point_counts_dask)
territory = load_territory(tt.Catalog({mirror!r}), None, {spec!r})
comuni = territory.comuni
rng = np.random.default_rng(1)
# one point per 10 ha of each comune, spread over the comune's bounding box
bounds = comuni.geometry.bounds.to_numpy()
per = np.maximum(1, (comuni.geometry.area.to_numpy() / 1e5).astype(int))
box = np.repeat(bounds, per, axis=0)
n = len(box)
points = np.column_stack([rng.uniform(box[:, 0], box[:, 2]), rng.uniform(box[:, 1], box[:, 3])])
def best(func, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); result = func(); times.append(time.perf_counter() - start)
    return min(times), result
before = reset_peak()
t_one, one = best(lambda: boundary_indicators(comuni, points, "popolazione_2024"))
one_mb = status("VmHWM") - before
t_prov, prov = best(lambda: boundary_indicators_by_province(comuni, points, "popolazione_2024"))
start = time.perf_counter(); dask = point_counts_dask(comuni, points, npartitions=8)
t_dask = time.perf_counter() - start
same = prov.equals(one) and (dask.to_numpy() == one["punti"].to_numpy()).all()
out = dict(comuni=len(comuni), points=n, one=t_one, province=t_prov, dask=t_dask, same=bool(same),
           one_mb=one_mb, with_population=int(one["popolazione"].notna().sum()),
           inside=int(one["punti"].sum()), us_per_point=t_one / n * 1e6)
"""
)


def boundary_benchmark(mirror: Path) -> dict:
    print("\n== 3. Boundary indicators (area, population where present, point counts)")
    print(
        f"{'territory':<12}{'comuni':>8}{'points':>11}{'one pass s':>12}{'by prov. s':>12}"
        f"{'dask-gpd s':>12}{'µs/point':>10}{'+MB':>8}{'peak MB':>9}  same"
    )
    results = {}
    for spec, label in (("", "CMM"), ("Lombardia", "Lombardia"), ("italia", "Italia")):
        got = child(BOUNDARY.format(mirror=str(mirror), spec=spec))
        results[label] = got
        print(
            f"{label:<12}{got['comuni']:>8,}{got['points']:>11,}{got['one']:>12.2f}"
            f"{got['province']:>12.2f}{got['dask']:>12.2f}{got['us_per_point']:>10.2f}"
            f"{got['one_mb']:>8.0f}"
            f"{got['peak_mb']:>9.0f}  {got['same']}"
        )
        if not got["same"]:
            raise SystemExit(f"{label}: the three boundary computations differ")
    base = results["CMM"]
    for label in ("Lombardia", "Italia"):
        got = results[label]
        size = got["comuni"] / base["comuni"]
        work = (got["comuni"] + got["points"]) / (base["comuni"] + base["points"])
        one, prov = got["one"] / base["one"], got["province"] / base["province"]
        print(
            f"  CMM → {label}: comuni ×{size:.1f}, comuni + points ×{work:.1f}; "
            f"one-pass time ×{one:.1f}, per-province ×{prov:.1f}"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 copies, no osmnx on them")
    parser.add_argument(
        "--parts", default="build,access,boundary", help="which parts to run (comma-separated)"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    from territorio.mirror import resolve_mirror

    mirror = Path(os.environ.get("TERRITORIO_DATA") or resolve_mirror().path)
    source = mirror / OSM
    copies = (1, 2) if args.quick else (2, 3)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        rows, cols = copies
        pbf = synthetic_extract(source, Path(tmp) / "cmm_sintetico.osm.pbf", rows, cols)
        # osmnx reads only XML: the same copies as .osm, so both builders read one file
        xml = synthetic_extract(source, Path(tmp) / "cmm_sintetico.osm", rows, cols)
        print(
            f"synthetic extract: {rows}×{cols} shifted copies of {source.name}: "
            f"{pbf.stat().st_size / 1e6:.0f} MB PBF, {xml.stat().st_size / 1e6:.0f} MB XML, "
            f"written in {time.perf_counter() - start:.0f} s"
        )
        name = f"sintetico {rows}x{cols} .osm"
        extracts = {
            "2015 (mirror, .osm.bz2)": source,
            name: xml,
            f"sintetico {rows}x{cols} .pbf": pbf,
        }
        osmnx_on = {"2015 (mirror, .osm.bz2)"} | (set() if args.quick else {name})
        if "build" in parts:
            build_benchmark(extracts, osmnx_on)
        if "access" in parts:
            access_benchmark(pbf, mirror, copies)
    if "boundary" in parts:
        boundary_benchmark(mirror)


if __name__ == "__main__":
    main()
