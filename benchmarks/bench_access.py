"""Benchmark: distance to the nearest of 200 stations for every node, one pass per mode.

Times in the same run, on the real 2015 walking graph and on a synthetic grid graph of at
least 300,000 nodes:

- territorio's multi-source pass (scipy ``dijkstra(..., min_only=True)`` on CSR),
- networkx ``multi_source_dijkstra_path_length``,
- one Dijkstra per station, with scipy and with networkx (the minimum over stations;
  extrapolated from the stations timed, and said so),

checks that all agree, and times loading the real graph from its cache.
Targets (issue 5): ≤ 0.1 s per mode at 300k nodes, ≥ 16× networkx multi-source, about
1,000× the per-station loop; cache load ≤ 0.5 s.

Run: ``make bench`` or ``python benchmarks/bench_access.py``.
"""

from __future__ import annotations

import argparse
import os

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from timing import best_of

from territorio.access.config import AccessConfig
from territorio.catalog import Catalog
from territorio.loaders import network_source
from territorio.network.engine import connected_nodes, nearest_source
from territorio.readers import load_network


def grid_graph(side: int, seed: int = 3) -> csr_matrix:
    """A side × side street grid with 80-120 m edges, both directions."""
    rng = np.random.default_rng(seed)
    index = np.arange(side * side).reshape(side, side)
    u = np.r_[index[:, :-1].ravel(), index[:-1, :].ravel()]
    v = np.r_[index[:, 1:].ravel(), index[1:, :].ravel()]
    w = rng.uniform(80, 120, len(u))
    n = side * side
    return csr_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n))


def compare(name: str, graph: csr_matrix, sources: np.ndarray, per_station: int) -> dict:
    """Time the three approaches on node → nearest-source distances of one graph."""
    n = graph.shape[0]
    ours_s, ours = best_of(5, lambda: nearest_source(graph, sources))
    # node → source distances are source → node distances on the reversed graph
    reverse = graph.T.tocsr()
    nx_graph = nx.from_scipy_sparse_array(reverse, create_using=nx.DiGraph)
    nx_s, reference = best_of(
        1, lambda: nx.multi_source_dijkstra_path_length(nx_graph, set(sources.tolist()))
    )
    sample = sources[:per_station]
    loop_s, partial = best_of(
        1, lambda: dijkstra(reverse, directed=True, indices=sample).min(axis=0)
    )
    scale = len(sources) / len(sample)
    nx_sample = sources[: max(1, per_station // 4)]
    nx_loop_s, _ = best_of(
        1, lambda: [nx.single_source_dijkstra_path_length(nx_graph, int(s)) for s in nx_sample]
    )
    loop_full = loop_s * scale
    nx_loop_full = nx_loop_s * len(sources) / len(nx_sample)
    expected = np.array([reference.get(i, np.inf) for i in range(n)])
    finite = np.isfinite(expected)
    agree = bool(np.allclose(ours.distance[finite], expected[finite]))
    agree &= bool(np.array_equal(~finite, np.isinf(ours.distance)))
    agree &= bool(np.all(ours.distance <= partial + 1e-9))
    print(f"[{name}] nodes {n:,}, edges {graph.nnz:,}, sources {len(sources)}")
    print(f"  territorio multi-source        : {ours_s:8.3f} s")
    print(f"  networkx multi-source          : {nx_s:8.3f} s  ratio {nx_s / ours_s:7.1f}×")
    print(
        f"  per-station loop, scipy        : {loop_full:8.3f} s  ratio {loop_full / ours_s:7.1f}×"
        f"  ({len(sample)} stations timed, × {scale:.0f})"
    )
    print(
        f"  per-station loop, networkx     : {nx_loop_full:8.1f} s  ratio "
        f"{nx_loop_full / ours_s:7.0f}×  ({len(nx_sample)} stations timed, "
        f"× {len(sources) / len(nx_sample):.0f})"
    )
    print(f"  results agree with networkx and the loop: {agree}")
    return {
        "ours": ours_s,
        "nx": nx_s / ours_s,
        "loop": loop_full / ours_s,
        "nx_loop": nx_loop_full / ours_s,
        "agree": agree,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=550, help="grid side (550² = 302,500 nodes)")
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument(
        "--per-station",
        type=int,
        default=20,
        help="stations timed one by one (the rest extrapolated)",
    )
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}")
    rng = np.random.default_rng(11)

    catalog = Catalog()
    path, sha, _ = network_source(catalog, AccessConfig())
    load_network(path, sha256=sha)  # make sure the cache exists
    load_s, network = best_of(3, lambda: load_network(path, sha256=sha))
    print(f"[real 2015 graph] load from cache: {load_s:.3f} s ({network.n_nodes:,} nodes)")
    real_agree = True
    for mode in ("walk", "bike"):
        graph = network.mode_graph(mode)
        sources = rng.choice(connected_nodes(graph), args.sources, replace=False)
        real_agree &= compare(f"real 2015 graph, {mode}", graph, sources, args.per_station)["agree"]

    synthetic = grid_graph(args.side)
    sources = rng.choice(synthetic.shape[0], args.sources, replace=False)
    big = compare("synthetic grid", synthetic, sources, args.per_station)

    checks = {
        "≤ 0.1 s at ≥ 300k nodes": big["ours"] <= 0.1,
        "≥ 16× networkx": big["nx"] >= 16,
        "≈ 1,000× per-station loop (networkx)": big["nx_loop"] >= 500,
        "cache load ≤ 0.5 s": load_s <= 0.5,
        "all agree": big["agree"] and real_agree,
    }
    print("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in checks.items()))


if __name__ == "__main__":
    main()
