"""Siting models on demand units: greedy, optimal maximum coverage, minimum sites, budget.

All take :class:`~territorio.digital.demand.CoverageSets` (cells merged by the candidates
covering them, existing sites fixed):

- :func:`greedy_plan` — the greedy choice (within 1 − 1/e of the optimum, Nemhauser, Wolsey
  & Fisher 1978), vectorised over candidates;
- :func:`maximum_coverage` — the maximal covering location problem (MCLP, Church & ReVelle
  1974) as an integer programme, with a count limit ``k`` and/or a budget;
- :func:`minimum_sites` — the location set covering problem with partial coverage: the fewest
  candidates reaching a share of residents;
- :func:`optimal_curve` — the optimal coverage for k = 1…K.

The integer programmes are solved by HiGHS through :func:`scipy.optimize.milp` (a dependency
already, nothing to download), with a time limit; when it is reached the best plan found and
the solver's bound are both reported, so the gap is known.

The model: binary ``x_j`` (candidate j built), continuous ``y_u ∈ [0, 1]`` (unit u covered),
``y_u ≤ Σ_{j covers u} x_j``; maximise ``Σ w_u y_u``. ``y`` need not be integer: at an optimum
it equals ``min(1, Σ x_j)``, which is 0 or 1 once ``x`` is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from territorio.digital.demand import CoverageSets

OPTIMAL = "ottimo"
TIME_LIMIT = "limite di tempo"
GREEDY = "greedy"
SOLVER = "MILP (HiGHS)"
NOT_SOLVED = "non calcolato (tempo della curva esaurito)"
#: Status words per language (tables hold the Italian word; CLI messages translate).
STATUS_WORDS = {
    OPTIMAL: {"it": "ottimo", "en": "optimal"},
    TIME_LIMIT: {"it": "limite di tempo raggiunto", "en": "time limit reached"},
    GREEDY: {"it": "greedy", "en": "greedy"},
    NOT_SOLVED: {"it": NOT_SOLVED, "en": "not solved (the curve's time ran out)"},
}


@dataclass(frozen=True)
class Plan:
    """A set of candidates chosen by one method, with what it covers.

    Attributes
    ----------
    chosen
        Candidate indices in building order (largest marginal gain first).
    gains
        Residents each chosen candidate adds, in that order.
    covered
        Residents covered by the fixed sites and the chosen candidates.
    bound
        Upper bound on the coverage any plan under the same limits can reach: equal to
        ``covered`` when optimal; at a time limit the tighter of the solver's bound and the
        greedy run's online bound; for greedy with ``k`` sites its online bound (the coverage
        of a greedy prefix plus the ``k`` largest gains over it, Leskovec et al. 2007), ``nan``
        with a budget.
    status
        :data:`OPTIMAL`, :data:`TIME_LIMIT` or :data:`GREEDY`.
    seconds
        Solver time.
    source
        Whose plan it is: :data:`SOLVER` (the integer programme) or ``greedy`` (kept when the
        solver stopped at its time limit with a worse plan).
    """

    chosen: np.ndarray
    gains: np.ndarray
    covered: float
    bound: float
    status: str
    seconds: float
    source: str = "greedy"

    @property
    def gap(self) -> float:
        """Residents between the bound and the plan (0 when proven optimal)."""
        return max(self.bound - self.covered, 0.0)


def greedy_plan(
    sets: CoverageSets,
    k: int | None,
    *,
    allowed: np.ndarray | None = None,
    costs: np.ndarray | None = None,
    budget: float | None = None,
) -> Plan:
    """Greedy maximum coverage: ``k`` times, the candidate adding the most residents.

    Ties go to the first candidate; once no candidate adds anyone the next ones in file order
    are taken (each adds 0). With ``costs`` and a ``budget`` it takes, while money is left, the
    affordable candidate adding the most residents per unit of cost (no count limit when ``k``
    is ``None``).

    Parameters
    ----------
    sets
        The demand units.
    k
        Number of candidates to choose (at most the allowed ones).
    allowed
        Boolean mask of the candidates that may be chosen (default: all).
    costs, budget
        Cost of each candidate (NaN: not eligible) and the money available.

    Examples
    --------
    >>> from territorio.population import PopulationGrid
    >>> from territorio.digital.demand import coverage_sets
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [500.0, 0.0], [2000.0, 0.0]]),
    ...     np.array([100.0, 10.0, 50.0]),
    ...     np.zeros(3, dtype=int),
    ... )
    >>> sets = coverage_sets(grid, np.array([[250.0, 0.0], [0.0, 0.0], [2000.0, 0.0]]), 300.0)
    >>> plan = greedy_plan(sets, 2)
    >>> plan.chosen.tolist(), plan.gains.tolist(), plan.covered
    ([0, 2], [110.0, 50.0], 160.0)
    """
    start = time.perf_counter()
    columns = sparse.csc_array(sets.members)
    free = np.ones(sets.n_candidates, dtype=bool) if allowed is None else allowed.copy()
    if budget is not None and costs is not None:
        free &= np.isfinite(costs)
        left = float(budget)
    open_weight = sets.weights.astype(float).copy()
    chosen: list[int] = []
    gains: list[float] = []
    limit = int(free.sum()) if k is None else min(k, int(free.sum()))
    bound = float("nan")
    online = k is not None and budget is None and k > 0
    if online:
        bound = np.inf
    for _ in range(limit + (1 if online else 0)):
        gain = columns.T @ open_weight
        if online:
            # monotone submodular: OPT ≤ f(S) + the k largest gains over S (Leskovec et al.
            # 2007), for every prefix S of the greedy run
            top = np.partition(gain, len(gain) - k)[-k:] if k < len(gain) else gain
            bound = min(bound, sets.fixed_residents + float(np.sum(gains)) + float(top.sum()))
            if len(chosen) == limit:
                break
        score = gain.copy()
        if budget is not None and costs is not None:
            free &= costs <= left + 1e-9
            if not free.any():
                break
            score = gain / np.maximum(costs, 1e-12)
        score[~free] = -1.0
        best = int(np.argmax(score))
        if budget is not None and score[best] <= 0:
            break  # spending more buys nobody
        chosen.append(best)
        gains.append(float(max(gain[best], 0.0)))
        free[best] = False
        if budget is not None and costs is not None:
            left -= float(costs[best])
        open_weight[columns.indices[columns.indptr[best] : columns.indptr[best + 1]]] = 0.0
    return Plan(
        np.array(chosen, dtype=np.int64),
        np.array(gains),
        sets.fixed_residents + float(np.sum(gains)),
        bound,
        GREEDY,
        time.perf_counter() - start,
    )


def _solve(
    sets: CoverageSets,
    objective: np.ndarray,
    constraints: list[LinearConstraint],
    upper: np.ndarray,
    time_limit: float,
    gap: float,
):
    n, m = sets.n_candidates, len(sets.weights)
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    lower = np.zeros(n + m)
    return milp(
        objective,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(lower, np.concatenate([upper, np.ones(m)])),
        options={"time_limit": float(time_limit), "mip_rel_gap": float(gap), "disp": False},
    )


def _cover_rows(sets: CoverageSets) -> LinearConstraint:
    """``y_u − Σ_{j covers u} x_j ≤ 0`` for every unit."""
    m = len(sets.weights)
    matrix = sparse.hstack(
        [-sparse.csr_matrix(sets.members, dtype=float), sparse.identity(m, format="csr")],
        format="csr",
    )
    return LinearConstraint(matrix, -np.inf, 0.0)


def _order(sets: CoverageSets, picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The chosen candidates in building order (greedy among themselves) with their gains."""
    mask = np.zeros(sets.n_candidates, dtype=bool)
    mask[picked] = True
    ordered = greedy_plan(sets, int(mask.sum()), allowed=mask)
    return ordered.chosen, ordered.gains


def maximum_coverage(
    sets: CoverageSets,
    k: int | None = None,
    *,
    costs: np.ndarray | None = None,
    budget: float | None = None,
    time_limit: float = 60.0,
    gap: float = 0.0,
    greedy: Plan | None = None,
) -> Plan:
    """Optimal maximum coverage (MCLP): at most ``k`` candidates and/or within a budget.

    Parameters
    ----------
    sets
        The demand units (existing sites already fixed in them).
    k
        Most candidates to build; ``None`` for no count limit (budget only).
    costs
        Cost of each candidate; candidates with a missing (NaN) cost are not eligible.
    budget
        Most to spend (same unit as ``costs``).
    time_limit
        Seconds for the solver; past it the best plan found and the bound are returned.
    gap
        Relative gap at which the solver may stop (0: prove optimality).
    greedy
        The greedy plan under the same limits, if already computed (the fallback at a time
        limit, and its online bound).

    Returns
    -------
    Plan
        ``status`` is :data:`OPTIMAL` or :data:`TIME_LIMIT`.

    Examples
    --------
    >>> from territorio.population import PopulationGrid
    >>> from territorio.digital.demand import coverage_sets
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [500.0, 0.0], [2000.0, 0.0]]),
    ...     np.array([100.0, 10.0, 50.0]),
    ...     np.zeros(3, dtype=int),
    ... )
    >>> sets = coverage_sets(grid, np.array([[250.0, 0.0], [0.0, 0.0], [2000.0, 0.0]]), 300.0)
    >>> plan = maximum_coverage(sets, 1)
    >>> plan.chosen.tolist(), plan.covered, plan.status
    ([0], 110.0, 'ottimo')
    >>> maximum_coverage(sets, costs=np.array([5.0, 1.0, 1.0]), budget=2.0).covered
    150.0
    """
    n, m = sets.n_candidates, len(sets.weights)
    if k is None and budget is None:
        raise ValueError("maximum_coverage needs k or a budget")
    if budget is not None and costs is None:
        raise ValueError("a budget needs costs")
    start = time.perf_counter()
    if greedy is None:
        greedy = greedy_plan(sets, k, costs=costs, budget=budget)
    if m == 0:  # nobody left to cover: any plan is optimal
        return replace(greedy, bound=greedy.covered, status=OPTIMAL)
    upper = np.ones(n)
    constraints = [_cover_rows(sets)]
    if k is not None:
        constraints.append(
            LinearConstraint(np.concatenate([np.ones(n), np.zeros(m)])[None, :], -np.inf, k)
        )
    if budget is not None:
        eligible = np.isfinite(costs)
        upper = eligible.astype(float)
        row = np.concatenate([np.where(eligible, costs, 0.0), np.zeros(m)])
        constraints.append(LinearConstraint(row[None, :], -np.inf, budget))
    # the objective in residents: HiGHS's absolute gap tolerance (1e-6) is then a millionth of
    # a resident, so a proven optimum is exact for the cell model
    objective = np.concatenate([np.zeros(n), -sets.weights])
    result = _solve(sets, objective, constraints, upper, time_limit, gap)
    proven = result.status == 0 and (gap == 0 or (result.mip_gap or 0.0) <= 1e-9)
    plan = greedy
    if result.x is not None:
        chosen, gains = _order(sets, np.flatnonzero(result.x[:n] > 0.5))
        covered = sets.covered_by(chosen)
        if proven or covered >= greedy.covered:
            plan = Plan(chosen, gains, covered, covered, OPTIMAL, 0.0, SOLVER)
    dual = getattr(result, "mip_dual_bound", None)
    bound = sets.reachable()
    if proven:
        bound = plan.covered
    else:
        if dual is not None and np.isfinite(dual):
            bound = min(bound, sets.fixed_residents - float(dual))
        if np.isfinite(greedy.bound):
            bound = min(bound, greedy.bound)
    return replace(
        plan,
        bound=max(bound, plan.covered),
        status=OPTIMAL if proven else TIME_LIMIT,
        seconds=time.perf_counter() - start,
    )


@dataclass(frozen=True)
class MinimumSites:
    """The fewest candidates reaching a coverage target.

    Attributes
    ----------
    target
        Residents to cover (fixed sites included).
    plan
        The plan with the fewest sites that reaches it (most covered among those), or
        ``None`` if even every candidate falls short.
    lower_bound
        Fewest sites the solver proved necessary (equal to the plan's count when optimal).
    reachable
        Residents covered with every candidate built.
    """

    target: float
    plan: Plan | None
    lower_bound: int
    reachable: float

    @property
    def sites(self) -> int | None:
        """Number of sites of the plan (``None`` when the target is out of reach)."""
        return None if self.plan is None else len(self.plan.chosen)


def minimum_sites(sets: CoverageSets, target: float, *, time_limit: float = 60.0) -> MinimumSites:
    """Fewest candidates covering at least ``target`` residents (LSCP, partial coverage).

    Parameters
    ----------
    sets
        The demand units (existing sites fixed).
    target
        Residents to reach, fixed sites included.
    time_limit
        Seconds for each of the two solves (fewest sites, then most residents with that many).

    Examples
    --------
    >>> from territorio.population import PopulationGrid
    >>> from territorio.digital.demand import coverage_sets
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [500.0, 0.0], [2000.0, 0.0]]),
    ...     np.array([100.0, 10.0, 50.0]),
    ...     np.zeros(3, dtype=int),
    ... )
    >>> sets = coverage_sets(grid, np.array([[250.0, 0.0], [0.0, 0.0], [2000.0, 0.0]]), 300.0)
    >>> minimum_sites(sets, 150.0).sites, minimum_sites(sets, 161.0).sites
    (2, None)
    """
    reachable = sets.reachable()
    need = target - sets.fixed_residents
    if need <= 0:
        empty = Plan(
            np.array([], dtype=np.int64),
            np.array([]),
            sets.fixed_residents,
            sets.fixed_residents,
            OPTIMAL,
            0.0,
        )
        return MinimumSites(target, empty, 0, reachable)
    if reachable < target - 1e-9 * max(target, 1.0):
        return MinimumSites(target, None, sets.n_candidates + 1, reachable)
    n, m = sets.n_candidates, len(sets.weights)
    coverage = LinearConstraint(
        np.concatenate([np.zeros(n), sets.weights])[None, :],
        need * (1 - 1e-12),
        np.inf,
    )
    objective = np.concatenate([np.ones(n), np.zeros(m)])
    result = _solve(sets, objective, [_cover_rows(sets), coverage], np.ones(n), time_limit, 0.0)
    dual = getattr(result, "mip_dual_bound", None)
    lower = int(np.ceil(dual - 1e-6)) if dual is not None and np.isfinite(dual) else 1
    if result.x is None:  # no plan in time: greedy until the target is met
        greedy = greedy_plan(sets, n)
        reached = sets.fixed_residents + np.cumsum(greedy.gains)
        count = int(np.searchsorted(reached, target * (1 - 1e-12))) + 1
    else:
        count = int(np.rint(result.x[:n].sum()))
        lower = count if result.status == 0 else lower
    # among plans of that size, the one covering most residents
    best = maximum_coverage(sets, count, time_limit=time_limit)
    if best.covered < target * (1 - 1e-12) and result.x is not None:
        picked = np.flatnonzero(result.x[:n] > 0.5)  # the second solve stopped short
        chosen, gains = _order(sets, picked)
        covered = sets.covered_by(chosen)
        best = Plan(chosen, gains, covered, best.bound, TIME_LIMIT, best.seconds, SOLVER)
    return MinimumSites(target, best, min(lower, count), reachable)


def optimal_curve(
    sets: CoverageSets,
    k_max: int,
    *,
    time_limit: float = 60.0,
    total_time: float | None = None,
    greedy: Plan | None = None,
) -> pd.DataFrame:
    """Optimal and greedy coverage for k = 0…``k_max`` new sites.

    Parameters
    ----------
    sets
        The demand units.
    k_max
        Largest number of new sites.
    time_limit
        Seconds per solve.
    total_time
        Seconds for the whole curve (default: ``time_limit``); once spent, the remaining
        points keep the greedy coverage only and say so in ``stato_solutore``.
    greedy
        A greedy plan of at least ``k_max`` sites to reuse.

    Returns
    -------
    pandas.DataFrame
        ``k``, ``popolazione_coperta_greedy``, ``popolazione_coperta_ottimo``,
        ``limite_superiore``, ``stato_solutore``.

    Examples
    --------
    >>> from territorio.population import PopulationGrid
    >>> from territorio.digital.demand import coverage_sets
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [500.0, 0.0], [2000.0, 0.0]]),
    ...     np.array([100.0, 10.0, 50.0]),
    ...     np.zeros(3, dtype=int),
    ... )
    >>> sets = coverage_sets(grid, np.array([[250.0, 0.0], [0.0, 0.0], [2000.0, 0.0]]), 300.0)
    >>> optimal_curve(sets, 2)["popolazione_coperta_ottimo"].tolist()
    [0.0, 110.0, 160.0]
    """
    if greedy is None or len(greedy.chosen) < k_max:
        greedy = greedy_plan(sets, k_max)
    greedy_covered = sets.fixed_residents + np.concatenate([[0.0], np.cumsum(greedy.gains)])
    deadline = time.perf_counter() + (time_limit if total_time is None else total_time)
    rows = [(0, sets.fixed_residents, sets.fixed_residents, sets.fixed_residents, OPTIMAL)]
    for k in range(1, min(k_max, sets.n_candidates) + 1):
        left = deadline - time.perf_counter()
        if left <= 0:
            rows.append((k, greedy_covered[k], np.nan, np.nan, NOT_SOLVED))
            continue
        plan = maximum_coverage(sets, k, time_limit=min(time_limit, left))
        rows.append((k, greedy_covered[k], plan.covered, plan.bound, plan.status))
    return pd.DataFrame(
        rows,
        columns=[
            "k",
            "popolazione_coperta_greedy",
            "popolazione_coperta_ottimo",
            "limite_superiore",
            "stato_solutore",
        ],
    )
