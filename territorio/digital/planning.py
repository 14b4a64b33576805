"""A 5G siting plan: greedy and optimal choices, minimum sites per target, budget, resilience.

:func:`plan_sites` answers what a planner asks of new sites on a candidate set, existing sites
kept: which ``k`` to build (optimal, and how far greedy is from it), how many are needed for a
share of residents, what a budget buys, and how many residents keep service if one site fails.
Everything is on the population model's cells (a cell is covered when its centre lies within a
site's radius).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from territorio.digital.backup import backup_table, coverage_depth, single_site_losses
from territorio.digital.demand import CoverageSets, coverage_sets
from territorio.digital.optimal import (
    GREEDY,
    OPTIMAL,
    Plan,
    greedy_plan,
    maximum_coverage,
    minimum_sites,
    optimal_curve,
)
from territorio.population import PopulationGrid

COST = "costo_eur"
METHODS = ("ottimo", "greedy")


@dataclass(frozen=True)
class SitingPlan:
    """The answers of :func:`plan_sites`.

    Attributes
    ----------
    chosen
        The plan's new sites (the optimal one, or greedy if asked), in building order:
        candidate columns, ``ordine``, ``nuova_popolazione_coperta``,
        ``popolazione_coperta_cumulata``.
    chosen_greedy
        The greedy choice, same columns.
    summary
        One row per method (existing sites, greedy, optimal): sites, residents covered, the
        solver's upper bound, the gap, the status and seconds.
    curve
        Coverage for k = 0…K new sites, greedy and optimal, with the bound.
    targets
        Per coverage target: the fewest new sites reaching it, or that it is out of reach.
    budget
        Per budget: sites, money spent, residents covered and newly covered, cost per newly
        covered resident; ``None`` without a cost column.
    backup
        Per comune: residents covered by ≥ 1 and ≥ 2 sites, for the existing sites
        (``esistenti_``) and with the new sites of each plan (``ottimo_``, ``greedy_``).
    losses
        Per site of the plan (existing and new): residents within its radius and those only
        it covers.
    sets
        The demand units the models ran on.
    optimal, greedy
        The two plans.
    """

    chosen: gpd.GeoDataFrame
    chosen_greedy: gpd.GeoDataFrame
    summary: pd.DataFrame
    curve: pd.DataFrame
    targets: pd.DataFrame
    budget: pd.DataFrame | None
    backup: pd.DataFrame
    losses: gpd.GeoDataFrame
    sets: CoverageSets
    optimal: Plan
    greedy: Plan


def chosen_frame(candidates: gpd.GeoDataFrame, plan: Plan, start: float) -> gpd.GeoDataFrame:
    """The plan's candidates in building order with ``ordine`` and their gains.

    ``start`` is the coverage before the first new site (the fixed sites').
    """
    chosen = candidates.iloc[plan.chosen].copy()
    chosen.insert(0, "ordine", np.arange(1, len(plan.chosen) + 1))
    chosen["nuova_popolazione_coperta"] = plan.gains
    chosen["popolazione_coperta_cumulata"] = start + np.cumsum(plan.gains)
    return chosen.reset_index(drop=True)


def plan_sites(
    grid: PopulationGrid,
    candidates: gpd.GeoDataFrame,
    codes: np.ndarray | pd.Index,
    k: int,
    radius_m: float,
    *,
    existing: gpd.GeoDataFrame | None = None,
    method: str = "ottimo",
    targets_pct: list[float] | tuple[float, ...] = (),
    budgets: list[float] | tuple[float, ...] | None = None,
    time_limit: float = 60.0,
    curve_max: int = 200,
) -> SitingPlan:
    """Choose ``k`` new sites among ``candidates`` and answer the planner's other questions.

    Parameters
    ----------
    grid
        Residents per cell (``grid.zone`` indexes ``codes``).
    candidates
        Candidate points (EPSG:32632); an optional ``costo_eur`` column enables the budget.
    codes
        ``pro_com_t`` of the comuni, in the order of ``grid.zone``.
    k
        New sites to choose.
    radius_m
        Radius of a new site.
    existing
        Sites kept (with ``raggio_m``): their coverage counts as done and they are never
        dropped.
    method
        ``ottimo`` (integer programme) or ``greedy``: which plan :attr:`SitingPlan.chosen` is.
    targets_pct
        Shares of all residents for the minimum-sites question.
    budgets
        Budgets to price (same unit as ``costo_eur``); ``None`` for ten steps up to the cost
        of every candidate with a cost.
    time_limit
        Seconds per solve.
    curve_max
        Largest k of the coverage curve.

    Returns
    -------
    SitingPlan

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> grid = tt.uniform_population_grid(territory.comuni, territory.population(), 100.0)
    >>> centres = territory.comuni.geometry.centroid
    >>> candidates = gpd.GeoDataFrame({"nome": territory.comuni["comune"]}, geometry=centres)
    >>> plan = tt.plan_sites(grid, candidates, territory.codes, 2, 600.0, targets_pct=[20.0])
    >>> plan.chosen["nome"].tolist(), plan.targets["siti_minimi"].tolist()
    (['Iota', 'Theta'], [1])
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r}: expected one of {', '.join(METHODS)}")
    tree = cKDTree(grid.xy)
    xy = shapely.get_coordinates(candidates.geometry.values)
    fixed_xy = fixed_radius = None
    if existing is not None and len(existing):
        fixed_xy = shapely.get_coordinates(existing.geometry.values)
        fixed_radius = existing["raggio_m"].to_numpy(dtype=float)
    sets = coverage_sets(
        grid, xy, radius_m, fixed_xy=fixed_xy, fixed_radius=fixed_radius, tree=tree
    )
    k = min(k, len(candidates))
    greedy = greedy_plan(sets, k)
    best = maximum_coverage(sets, k, time_limit=time_limit, greedy=greedy)
    plan = best if method == "ottimo" else greedy
    total = sets.total_residents
    summary = _summary(sets, greedy, best)
    targets, k_needed = _targets(sets, targets_pct, time_limit)
    reach_all = any(pd.isna(targets["siti_minimi"])) if len(targets) else False
    k_curve = max([k, *k_needed, len(candidates) if reach_all else 0])
    curve = optimal_curve(sets, min(k_curve, curve_max), time_limit=time_limit)
    for column in ("popolazione_coperta_greedy", "popolazione_coperta_ottimo", "limite_superiore"):
        curve[f"{column}_pct"] = 100.0 * curve[column] / total
    costs = (
        pd.to_numeric(candidates[COST], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if COST in candidates.columns
        else None
    )
    budget = None
    if costs is not None and np.isfinite(costs).any():
        budget = _budget(sets, costs, budgets, time_limit)
    existing_xy = np.empty((0, 2)) if fixed_xy is None else fixed_xy
    existing_r = np.empty(0) if fixed_radius is None else fixed_radius

    def with_new(chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        radii = np.concatenate([existing_r, np.full(len(chosen), float(radius_m))])
        return np.vstack([existing_xy, xy[chosen]]), radii

    sides = {"esistenti_": (existing_xy, existing_r)}
    sides["ottimo_"], sides["greedy_"] = with_new(best.chosen), with_new(greedy.chosen)
    backup = pd.concat(
        [
            backup_table(grid, coverage_depth(grid, *sites, tree), codes).add_prefix(side)
            for side, sites in sides.items()
        ],
        axis=1,
    )
    plan_xy, plan_r = with_new(plan.chosen)
    losses = _losses(grid, existing, candidates, plan, plan_xy, plan_r, tree)
    return SitingPlan(
        chosen=chosen_frame(candidates, plan, sets.fixed_residents),
        chosen_greedy=chosen_frame(candidates, greedy, sets.fixed_residents),
        summary=summary,
        curve=curve,
        targets=targets,
        budget=budget,
        backup=backup,
        losses=losses,
        sets=sets,
        optimal=best,
        greedy=greedy,
    )


def _summary(sets: CoverageSets, greedy: Plan, best: Plan) -> pd.DataFrame:
    total = sets.total_residents
    rows = [
        ("siti esistenti", 0, sets.fixed_residents, sets.fixed_residents, OPTIMAL, "", 0.0),
        (
            "greedy",
            len(greedy.chosen),
            greedy.covered,
            np.nan,
            GREEDY,
            GREEDY,
            greedy.seconds,
        ),
        (
            "ottimo (MCLP)",
            len(best.chosen),
            best.covered,
            best.bound,
            best.status,
            best.source,
            best.seconds,
        ),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "metodo",
            "siti_nuovi",
            "popolazione_coperta",
            "limite_superiore",
            "stato_solutore",
            "piano_da",
            "secondi",
        ],
    )
    frame["popolazione_coperta_pct"] = 100.0 * frame["popolazione_coperta"] / total
    frame["limite_superiore_pct"] = 100.0 * frame["limite_superiore"] / total
    # greedy against the best proven bound: what the greedy choice leaves on the table
    frame["distanza_dal_limite"] = best.bound - frame["popolazione_coperta"]
    frame.loc[0, "distanza_dal_limite"] = np.nan
    frame["distanza_dal_limite_pct"] = 100.0 * frame["distanza_dal_limite"] / total
    return frame


def _targets(
    sets: CoverageSets, targets_pct: list[float] | tuple[float, ...], time_limit: float
) -> tuple[pd.DataFrame, list[int]]:
    rows, needed = [], []
    total = sets.total_residents
    for pct in targets_pct:
        result = minimum_sites(sets, pct / 100.0 * total, time_limit=time_limit)
        sites = result.sites
        if sites is not None:
            needed.append(sites)
        rows.append(
            {
                "obiettivo_pct": float(pct),
                "popolazione_obiettivo": result.target,
                "raggiungibile": sites is not None,
                "siti_minimi": sites,
                "limite_inferiore_siti": result.lower_bound if sites is not None else None,
                "popolazione_coperta": None if result.plan is None else result.plan.covered,
                "popolazione_raggiungibile_pct": 100.0 * result.reachable / total,
                "stato_solutore": None if result.plan is None else result.plan.status,
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame["siti_minimi"] = frame["siti_minimi"].astype("Int64")
        frame["limite_inferiore_siti"] = frame["limite_inferiore_siti"].astype("Int64")
    return frame, needed


def default_budgets(costs: np.ndarray, steps: int = 10) -> list[float]:
    """Ten equal budget steps up to the cost of every candidate with a cost.

    Examples
    --------
    >>> default_budgets(np.array([10.0, np.nan, 30.0]), steps=4)
    [10.0, 20.0, 30.0, 40.0]
    """
    total = float(np.nansum(costs))
    return [total * (i + 1) / steps for i in range(steps)]


def _budget(
    sets: CoverageSets,
    costs: np.ndarray,
    budgets: list[float] | tuple[float, ...] | None,
    time_limit: float,
) -> pd.DataFrame:
    rows = []
    for budget in budgets or default_budgets(costs):
        plan = maximum_coverage(sets, costs=costs, budget=float(budget), time_limit=time_limit)
        spent = float(costs[plan.chosen].sum())
        new = plan.covered - sets.fixed_residents
        rows.append(
            {
                "budget_eur": float(budget),
                "spesa_eur": spent,
                "siti_nuovi": len(plan.chosen),
                "popolazione_coperta": plan.covered,
                "popolazione_coperta_pct": 100.0 * plan.covered / sets.total_residents,
                "nuova_popolazione_coperta": new,
                "costo_per_nuovo_residente_eur": spent / new if new > 0 else np.nan,
                "limite_superiore": plan.bound,
                "stato_solutore": plan.status,
            }
        )
    return pd.DataFrame(rows)


def _losses(
    grid: PopulationGrid,
    existing: gpd.GeoDataFrame | None,
    candidates: gpd.GeoDataFrame,
    plan: Plan,
    plan_xy: np.ndarray,
    plan_r: np.ndarray,
    tree: cKDTree,
) -> gpd.GeoDataFrame:
    n_existing = 0 if existing is None else len(existing)
    ids, names = [], []
    if n_existing:
        ids = existing["site_id"].astype(str).tolist()
        name = existing.get("denominazione_sito", pd.Series([""] * n_existing))
        names = name.fillna("").astype(str).tolist()
    new = candidates.iloc[plan.chosen]
    ids += new["candidato"].astype(str).tolist() if "candidato" in new else [""] * len(new)
    names += new["nome"].astype(str).tolist() if "nome" in new else [""] * len(new)
    frame = single_site_losses(grid, plan_xy, plan_r, tree)
    frame.insert(0, "sito", ids)
    frame.insert(1, "nome", names)
    frame.insert(2, "tipo", ["esistente"] * n_existing + ["nuovo"] * len(new))
    frame.insert(3, "raggio_m", plan_r)
    return gpd.GeoDataFrame(frame, geometry=shapely.points(plan_xy), crs=candidates.crs)
