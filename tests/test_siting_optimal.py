"""Optimal siting against brute force, backup coverage against closed forms.

Every oracle here is independent of the code under test: subsets are enumerated with
itertools, coverage is recomputed with shapely's exact distance predicate over the union of
discs (no KD-tree, no demand units), and the lens area comes from its closed form.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from territorio.digital import optimal
from territorio.digital.backup import backup_table, coverage_depth, single_site_losses
from territorio.digital.demand import coverage_sets
from territorio.digital.optimal import greedy_plan, maximum_coverage, minimum_sites
from territorio.digital.planning import plan_sites
from territorio.population import PopulationGrid


def instance(seed: int, n_cells: int = 160, n_candidates: int = 9):
    """Cells with populations spread over four orders of magnitude, candidates in clusters."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 4000, size=(n_cells, 2))
    residents = np.round(10 ** rng.uniform(0, 4, size=n_cells), 1)
    zone = (xy[:, 0] > 2000).astype(int) + 2 * (xy[:, 1] > 2000).astype(int)
    grid = PopulationGrid(xy, residents, zone)
    candidates = rng.uniform(300, 3700, size=(n_candidates, 2))
    radius = rng.choice([350.0, 600.0, 900.0])
    return grid, candidates, float(radius)


def covered_independently(grid, sites_xy, radius) -> float:
    """Residents whose cell centre lies in the union of discs (shapely's exact dwithin)."""
    if not len(sites_xy):
        return 0.0
    cells = shapely.points(grid.xy)
    union = shapely.union_all(shapely.points(np.asarray(sites_xy)))
    radii = np.broadcast_to(np.asarray(radius, dtype=float), (len(sites_xy),))
    if np.all(radii == radii[0]):
        inside = shapely.dwithin(cells, union, radii[0])
    else:
        inside = np.zeros(len(cells), dtype=bool)
        for point, r in zip(shapely.points(np.asarray(sites_xy)), radii, strict=True):
            inside |= shapely.dwithin(cells, point, r)
    return float(grid.residents[inside].sum())


def brute_force(grid, candidates, radius, k, fixed=(), fixed_radius=None, costs=None, budget=None):
    """The best subset of at most k candidates (or within budget), by enumeration."""
    fixed = np.asarray(fixed, dtype=float).reshape(-1, 2)
    best, best_set = -1.0, ()
    sizes = range(0, len(candidates) + 1) if k is None else [min(k, len(candidates))]
    for size in sizes:
        for subset in itertools.combinations(range(len(candidates)), size):
            if budget is not None and sum(costs[list(subset)]) > budget:
                continue
            sites = np.vstack([fixed, candidates[list(subset)]])
            radii = np.concatenate([np.full(len(fixed), fixed_radius or radius), [radius] * size])
            value = covered_independently(grid, sites, radii)
            if value > best + 1e-9:
                best, best_set = value, subset
    return best, best_set


@pytest.mark.parametrize("seed", range(6))
def test_integer_programme_matches_brute_force_and_greedy_stays_below(seed):
    grid, candidates, radius = instance(seed)
    sets = coverage_sets(grid, candidates, radius)
    for k in (1, 2, 3, 4):
        expected, _ = brute_force(grid, candidates, radius, k)
        plan = maximum_coverage(sets, k)
        assert plan.status == optimal.OPTIMAL
        assert plan.covered == pytest.approx(expected, rel=1e-12)
        # the plan's own sites, recomputed on the union of discs
        assert covered_independently(grid, candidates[plan.chosen], radius) == pytest.approx(
            plan.covered, rel=1e-12
        )
        greedy = greedy_plan(sets, k)
        assert greedy.covered <= expected + 1e-9
        # the online bound of the greedy run holds the optimum and is no looser than k gains
        assert greedy.covered - 1e-9 <= expected <= greedy.bound + 1e-9
        assert greedy.bound <= k * max(greedy.gains[0], 0) + 1e-9
        assert covered_independently(grid, candidates[greedy.chosen], radius) == pytest.approx(
            greedy.covered, rel=1e-12
        )


def test_an_instance_where_greedy_is_not_optimal_reports_the_gap():
    # X (x=500) covers the two inner clusters, Y and Z one side each: greedy takes X (600)
    # then Y (+250) = 850; the optimum is Y + Z = 1,100
    xy = np.array([[0.0, 0.0], [400.0, 0.0], [600.0, 0.0], [1000.0, 0.0]])
    residents = np.array([250.0, 300.0, 300.0, 250.0])
    grid = PopulationGrid(xy, residents, np.array([0, 0, 1, 1]))
    candidates = np.array([[500.0, 0.0], [200.0, 0.0], [800.0, 0.0], [5000.0, 0.0]])
    frame = gpd.GeoDataFrame(
        {"candidato": list("ABCD"), "nome": list("ABCD")},
        geometry=shapely.points(candidates),
        crs=32632,
    )
    plan = plan_sites(grid, frame, ["015001", "015002"], 2, 250.0)
    expected, best_set = brute_force(grid, candidates, 250.0, 2)
    assert set(plan.chosen["candidato"]) == {"ABCD"[i] for i in best_set}
    summary = plan.summary.set_index("metodo")
    greedy = summary.loc["greedy", "popolazione_coperta"]
    best = summary.loc["ottimo (MCLP)", "popolazione_coperta"]
    assert best == pytest.approx(expected)
    assert (greedy, best) == (850.0, 1100.0)
    assert summary.loc["greedy", "distanza_dal_limite"] == pytest.approx(best - greedy)
    assert summary.loc["ottimo (MCLP)", "distanza_dal_limite"] == pytest.approx(0.0)
    assert greedy == pytest.approx(
        covered_independently(grid, candidates[plan.greedy.chosen], 250.0)
    )


@pytest.mark.parametrize("seed", range(4))
def test_fewest_sites_for_a_target_matches_brute_force(seed):
    grid, candidates, radius = instance(seed, n_candidates=8)
    sets = coverage_sets(grid, candidates, radius)
    total = grid.residents.sum()
    best_by_k = [brute_force(grid, candidates, radius, k)[0] for k in range(0, 9)]
    for share in (0.1, 0.3, 0.5, 0.8, 0.99):
        target = share * total
        reachable = [k for k, value in enumerate(best_by_k) if value >= target - 1e-9]
        result = minimum_sites(sets, target)
        if not reachable:
            assert result.sites is None and result.plan is None
            assert result.reachable == pytest.approx(best_by_k[-1])
            continue
        assert result.sites == reachable[0]
        assert result.lower_bound == reachable[0]
        assert result.plan.covered >= target - 1e-9
        assert result.plan.covered == pytest.approx(best_by_k[reachable[0]])


@pytest.mark.parametrize("seed", range(3))
def test_fixed_sites_are_kept_and_the_new_ones_add_to_them(seed):
    grid, candidates, radius = instance(seed, n_candidates=7)
    rng = np.random.default_rng(100 + seed)
    fixed_xy = rng.uniform(500, 3500, size=(3, 2))
    existing = gpd.GeoDataFrame(
        {"site_id": ["E1", "E2", "E3"], "raggio_m": [800.0, 800.0, 800.0]},
        geometry=shapely.points(fixed_xy),
        crs=32632,
    )
    frame = gpd.GeoDataFrame(
        {"candidato": [f"C{i}" for i in range(len(candidates))], "nome": "x"},
        geometry=shapely.points(candidates),
        crs=32632,
    )
    codes = ["015001", "015002", "015003", "015004"]
    plan = plan_sites(grid, frame, codes, 2, radius, existing=existing, targets_pct=[60.0])
    expected, _ = brute_force(grid, candidates, radius, 2, fixed=fixed_xy, fixed_radius=800.0)
    assert plan.optimal.covered == pytest.approx(expected, rel=1e-12)
    kept = plan.losses[plan.losses["tipo"] == "esistente"]["sito"].tolist()
    assert kept == ["E1", "E2", "E3"]
    sites = np.vstack([fixed_xy, candidates[plan.optimal.chosen]])
    radii = np.r_[[800.0] * 3, [radius] * len(plan.optimal.chosen)]
    assert covered_independently(grid, sites, radii) == pytest.approx(plan.optimal.covered)
    fixed_only = covered_independently(grid, fixed_xy, 800.0)
    assert plan.summary.loc[0, "popolazione_coperta"] == pytest.approx(fixed_only)
    per_comune = plan.backup
    assert per_comune["esistenti_popolazione_almeno_1_sito"].sum() == pytest.approx(fixed_only)
    assert per_comune["ottimo_popolazione_almeno_1_sito"].sum() == pytest.approx(expected)
    greedy_sites = np.vstack([fixed_xy, candidates[plan.greedy.chosen]])
    assert per_comune["greedy_popolazione_almeno_1_sito"].sum() == pytest.approx(
        covered_independently(grid, greedy_sites, radii)
    )


@pytest.mark.parametrize("seed", range(3))
def test_budget_plans_match_brute_force(seed):
    grid, candidates, radius = instance(seed, n_candidates=8)
    rng = np.random.default_rng(7 + seed)
    costs = np.round(10 ** rng.uniform(3, 6, size=len(candidates)))  # 1,000 to 1,000,000 EUR
    sets = coverage_sets(grid, candidates, radius)
    for budget in (np.sort(costs)[0], np.median(costs), costs.sum() / 3):
        expected, _ = brute_force(grid, candidates, radius, None, costs=costs, budget=budget)
        plan = maximum_coverage(sets, costs=costs, budget=budget)
        assert plan.covered == pytest.approx(expected, rel=1e-12)
        assert costs[plan.chosen].sum() <= budget
    frame = gpd.GeoDataFrame(
        {"candidato": [f"C{i}" for i in range(8)], "nome": "x", "costo_eur": costs},
        geometry=shapely.points(candidates),
        crs=32632,
    )
    plan = plan_sites(grid, frame, ["a", "b", "c", "d"], 2, radius, budgets=[costs.sum() / 3])
    row = plan.budget.iloc[0]
    assert row["spesa_eur"] <= costs.sum() / 3
    assert row["costo_per_nuovo_residente_eur"] == pytest.approx(
        row["spesa_eur"] / row["nuova_popolazione_coperta"]
    )


def lens(r: float, d: float) -> float:
    """Area of the intersection of two discs of radius r whose centres are d apart."""
    return 2 * r**2 * np.arccos(d / (2 * r)) - d / 2 * np.sqrt(4 * r**2 - d**2)


def test_backup_coverage_of_three_discs_against_the_closed_form():
    # discs A, B, C of radius 500 m at x = 0, 700, 1400: A∩B and B∩C are lenses, A∩C is empty
    r, d, cell, density = 500.0, 700.0, 2.0, 0.01  # residents per m²
    xs = np.arange(-600 + cell / 2, 2000, cell)
    ys = np.arange(-600 + cell / 2, 600, cell)
    gx, gy = np.meshgrid(xs, ys)
    xy = np.c_[gx.ravel(), gy.ravel()]
    zone = (xy[:, 0] > d).astype(int)  # two comuni split through B's centre
    grid = PopulationGrid(xy, np.full(len(xy), density * cell**2), zone)
    sites = np.array([[0.0, 0.0], [d, 0.0], [2 * d, 0.0]])
    depth = coverage_depth(grid, sites, r)
    table = backup_table(grid, depth, ["015001", "015002"])
    once = density * (3 * np.pi * r**2 - 2 * lens(r, d))
    twice = density * 2 * lens(r, d)
    half = len(xy) / 2 * density * cell**2
    expected = pd.DataFrame(
        {
            "popolazione_almeno_1_sito": [once / 2, once / 2],
            "popolazione_almeno_2_siti": [twice / 2, twice / 2],
            "popolazione_almeno_2_siti_pct": [100 * twice / 2 / half] * 2,
        },
        index=pd.Index(["015001", "015002"], name="pro_com_t"),
    )
    pd.testing.assert_frame_equal(table, expected, check_exact=False, rtol=3e-3)
    losses = single_site_losses(grid, sites, r)
    alone = density * np.array(
        [np.pi * r**2 - lens(r, d), np.pi * r**2 - 2 * lens(r, d), np.pi * r**2 - lens(r, d)]
    )
    pd.testing.assert_frame_equal(
        losses,
        pd.DataFrame(
            {
                "popolazione_raggio": [density * np.pi * r**2] * 3,
                "popolazione_solo_questo_sito": alone,
            }
        ),
        check_exact=False,
        rtol=3e-3,
    )


def test_demand_units_merge_only_cells_with_the_same_candidates():
    grid, candidates, radius = instance(3, n_cells=400)
    sets = coverage_sets(grid, candidates, radius)
    distance = np.hypot(*(grid.xy[:, None, :] - candidates[None, :, :]).transpose(2, 0, 1))
    cover = distance <= radius
    rows = sets.unit_of_cell >= 0
    np.testing.assert_array_equal(rows, cover.any(axis=1))
    for unit in range(len(sets.weights)):
        cells = np.flatnonzero(sets.unit_of_cell == unit)
        patterns = {tuple(cover[c]) for c in cells}
        assert len(patterns) == 1
        assert np.array_equal(sets.members[[unit]].toarray()[0], cover[cells[0]])
        assert sets.weights[unit] == pytest.approx(grid.residents[cells].sum())
    assert len({tuple(row) for row in cover[rows]}) == len(sets.weights)


def test_a_solver_stopped_by_its_time_limit_keeps_the_better_plan_and_its_bound(monkeypatch):
    grid, candidates, radius = instance(1)
    sets = coverage_sets(grid, candidates, radius)
    true_best, _ = brute_force(grid, candidates, radius, 3)

    class Stopped:
        status, x, mip_gap = 1, None, None
        mip_dual_bound = -(true_best + 500.0)  # the objective is minus the residents

    monkeypatch.setattr(optimal, "milp", lambda *a, **k: Stopped())
    plan = maximum_coverage(sets, 3)
    greedy = greedy_plan(sets, 3)
    assert plan.status == optimal.TIME_LIMIT and plan.source == "greedy"
    assert plan.covered == pytest.approx(greedy.covered)
    # the tighter of the solver's bound and the greedy run's online bound
    assert greedy.bound >= true_best
    bound = min(true_best + 500.0, greedy.bound)
    assert plan.bound == pytest.approx(bound)
    assert plan.gap == pytest.approx(bound - greedy.covered)


def test_the_curve_stops_solving_when_its_time_is_spent_and_says_so():
    grid, candidates, radius = instance(2)
    sets = coverage_sets(grid, candidates, radius)
    full = optimal.optimal_curve(sets, 4)
    assert (full["stato_solutore"] == optimal.OPTIMAL).all()
    best = [brute_force(grid, candidates, radius, k)[0] for k in range(5)]
    np.testing.assert_allclose(full["popolazione_coperta_ottimo"], best, rtol=1e-12)
    cut = optimal.optimal_curve(sets, 4, total_time=0.0)
    assert cut["stato_solutore"].tolist()[1:] == [optimal.NOT_SOLVED] * 4
    assert cut["popolazione_coperta_ottimo"].iloc[1:].isna().all()
    pd.testing.assert_series_equal(
        cut["popolazione_coperta_greedy"], full["popolazione_coperta_greedy"]
    )
