"""Benchmark: public-transport classes and floating catchment on the whole CMM grid.

In one run on the mirror (the 2015 walking network, the 630,018 cells of 50 m over the 133
comuni, the 8,121 classed stops):

- **classes**: territorio's passes (one bounded multi-source Dijkstra per stop category on one
  snapped grid, :class:`territorio.network.reach.GridReach`) against the naive per-stop loop
  (one bounded Dijkstra per stop and a class update of every cell it reaches), timed on a
  sample of stops, extrapolated to all of them (said so) and checked equal on the sample;
- **FCA**: travel minutes (:func:`territorio.network.matrix.travel_minutes`) and E2SFCA +
  balanced FCA for pharmacies (walk, 15 min) and upper-secondary schools (bike, 15 min),
  against the naive per-site loop (one Dijkstra per site and dense arrays over every cell).

Targets (issue 17): each ≤ 5 s on 2 cores.

Run: ``python benchmarks/bench_transit.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from timing import best_of

import territorio as tt
from territorio.network.matrix import travel_minutes
from territorio.network.reach import GridReach
from territorio.services import facilities, fca
from territorio.transit import stops as transit_stops
from territorio.transit.catchments import cell_classes, classify_stops
from territorio.transit.config import TransitConfig
from territorio.transit.departures import school_term_tuesday, stop_departures
from territorio.transit.quality import ClassTable


def mirror_inputs():
    catalog = tt.Catalog()
    territory = tt.load_territory(catalog)
    access = tt.load_access(catalog, territory, tt.load_config()["access"])
    cfg = TransitConfig()
    feed = catalog.read("gtfs_trenord_2023")
    windows = {"giorno": cfg.window_minutes("day"), "punta": cfg.window_minutes("peak")}
    departures = stop_departures(feed, school_term_tuesday(feed), windows)
    parts = [
        transit_stops.node_stops(
            access.stations,
            catalog.read("nodi_interscambio"),
            catalog.read("stazioni_ferroviarie"),
            departures,
            cfg,
            "Trenord",
        )
    ]
    for layer, mode in cfg.frequency_layers.items():
        parts.append(transit_stops.frequency_stops(catalog.read(layer), mode, cfg, mode))
    stops = pd.concat(parts, ignore_index=True)
    outline = shapely.union_all(territory.outline.geometry.values)
    stops = stops[shapely.dwithin(stops.geometry.values, outline, 1000.0)].reset_index(drop=True)
    return catalog, territory, access, classify_stops(stops, cfg), cfg


def naive_classes(reach: GridReach, stops, table: ClassTable, which: np.ndarray) -> np.ndarray:
    """One bounded Dijkstra per stop; each reached cell takes the better class (network only)."""
    best = np.full(len(reach.cell_node), 99, dtype=np.int16)
    category = stops["categoria"].to_numpy()
    limit = table.reach_m
    for k in np.flatnonzero(which):
        if not reach.usable[k] or category[k] == 0:
            continue
        d = dijkstra(reach.graph, directed=True, indices=reach.n + k, limit=limit)
        metres = np.where(reach.inside, reach.cell_snap_m + d[reach.cell_node], np.inf)
        code = table.class_at(int(category[k]), metres)
        best = np.where((code > 0) & (code < best), code, best)
    return np.where(best == 99, 0, best)


def main() -> None:
    catalog, territory, access, stops, cfg = mirror_inputs()
    grid = access.times.grid
    xy = shapely.get_coordinates(stops.geometry.values)
    print(
        f"grid: {len(grid.xy):,} cells; stops: {len(stops):,}; network nodes: "
        f"{len(access.network.x):,}"
    )

    def classes():
        reach = GridReach.build(
            access.network, grid.xy, xy, area=access.area, circuity=access.times.circuity["walk"]
        )
        return reach, cell_classes(stops, reach, cfg)

    fast, (reach, _) = best_of(2, classes)
    print(
        "classes (7 categories + 2 SDG sets, each on the network and as buffers): "
        f"{fast:.2f} s (target ≤ 5 s)"
    )
    # the naive loop on every 40th stop; our result restricted to the same stops to compare
    sample = np.zeros(len(stops), dtype=bool)
    sample[::40] = True
    table = ClassTable.from_config(cfg)
    slow, naive = best_of(1, lambda: naive_classes(reach, stops, table, sample))
    sub = stops[sample].reset_index(drop=True)
    sub_reach = GridReach.build(
        access.network,
        grid.xy,
        xy[sample],
        area=access.area,
        circuity=access.times.circuity["walk"],
    )
    ours = cell_classes(sub, sub_reach, cfg).classes["rete"]
    same = np.array_equal(np.where(reach.inside, ours, 0), np.where(reach.inside, naive, 0))
    per_stop = slow / sample.sum()
    print(
        f"naive per-stop loop: {slow:.2f} s for {sample.sum()} stops = "
        f"{per_stop * 1000:.0f} ms/stop; "
        f"extrapolated to {len(stops):,} stops: {per_stop * len(stops):.0f} s "
        f"(× {per_stop * len(stops) / fast:.0f}); same classes on the sample: {same}"
    )

    codes = territory.comuni["pro_com_t"].to_numpy()
    live = grid.residents > 0
    pharmacies = facilities.locate(catalog.read("farmacie"), territory.comuni, "pro_com_t")
    lombarde = facilities.locate(catalog.read("scuole_lombarde"), territory.comuni, "pro_com_t")
    schools = lombarde[
        (lombarde["classificazione"] == "Statale")
        & lombarde["tipologia_sede"].isin(facilities.UPPER_SECONDARY_TYPES)
    ]
    pupils = pd.to_numeric(schools["allievi_sede"], errors="coerce").fillna(0).to_numpy()
    for name, points, capacity, mode, speed in (
        ("farmacie", pharmacies, np.ones(len(pharmacies)), "walk", 4.5),
        ("scuole_sec2", schools, pupils, "bike", 15.0),
    ):
        sites = shapely.get_coordinates(points.geometry.values)

        def run(sites=sites, capacity=capacity, mode=mode, speed=speed):
            m = travel_minutes(
                access.network,
                grid.xy[live],
                sites,
                mode=mode,
                speed_kmh=speed,
                cutoff_min=15.0,
                area=access.area,
                circuity=access.times.circuity[mode],
            )
            return m, fca.accessibility(
                m,
                grid.residents[live],
                capacity,
                grid.zone[live],
                codes,
                zones_min=[5.0, 10.0, 15.0],
            )

        seconds, (matrix, out) = best_of(2, run)
        print(
            f"FCA {name}: {len(sites)} sites × {live.sum():,} cells, {matrix.nnz:,} pairs: "
            f"{seconds:.2f} s (target ≤ 5 s); CMM mean bfca {out.mean['bfca']:.4g} per resident, "
            f"Gini {out.gini['bfca']:.3f}"
        )
        slow = naive_fca_seconds(access, grid.xy[live], sites, mode, speed, sample=25)
        print(
            f"  naive per-site loop (dense arrays over every cell): {slow * len(sites):.0f} s "
            f"extrapolated from 25 sites (× {slow * len(sites) / seconds:.0f})"
        )


def naive_fca_seconds(access, cells_xy, sites_xy, mode, speed, sample):
    """Seconds per site of the per-site loop: a full Dijkstra and dense distances to every cell."""
    import time

    from territorio.network.engine import main_network_nodes, snap

    graph = access.network.mode_graph(mode)
    nodes = main_network_nodes(graph)
    node_xy = np.column_stack([access.network.x, access.network.y])
    cell = snap(node_xy, cells_xy, nodes)
    site = snap(node_xy, sites_xy, nodes)
    reverse = csr_matrix(graph.T)
    start = time.perf_counter()
    for j in range(min(sample, len(sites_xy))):
        d = dijkstra(reverse, indices=site.node[j])
        minutes = (d[cell.node] + cell.distance + site.distance[j]) / (speed * 1000 / 60)
        _ = minutes[minutes <= 15.0]
    return (time.perf_counter() - start) / min(sample, len(sites_xy))


if __name__ == "__main__":
    main()
