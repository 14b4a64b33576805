"""Supply against demand: two-step floating catchment (2SFCA, E2SFCA) and its balanced form.

On a sparse matrix of travel weights ``W`` (demand cells × supply sites), demand ``P`` (people
per cell) and supply ``S`` (capacity per site):

* **2SFCA / E2SFCA** (Luo & Wang 2003; Luo & Qi 2009): ``R_j = S_j / Σ_i P_i W_ij`` is each
  site's supply per person it serves, and ``A_i = Σ_j W_ij R_j`` each cell's supply per
  resident. With weights 1 inside the catchment this is 2SFCA; with the stepped weights of
  travel-time zones (default 1, 0.68, 0.22: Luo & Qi's Gaussian steps) it is E2SFCA. A
  person reaching two sites is counted in both sites' demand (demand inflation).
* **Balanced** (after Paez, Higgins & Vivona 2019, "Demand and level of service inflation in
  Floating Catchment Area methods", PLoS ONE 14(6)): each cell's demand is split among the
  sites it reaches (``W`` normalised per cell), so no person is counted twice. The second step
  allocates each site's level of service back with the same per-cell weights
  (``allocation="origin"``, the default): ``A_i`` is then supply per resident and the total
  supply is conserved, ``Σ_i P_i A_i = Σ_j S_j`` over cells and sites that reach each other.
  ``allocation="destination"`` normalises the second step per site as Paez et al. publish it
  (then ``Σ_i A_i = Σ_j L_j``: a cell's value is a share of service, which depends on the
  size of the cells).

Pure functions over scipy sparse matrices; the travel times come from
:func:`territorio.network.matrix.travel_minutes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, diags

from territorio.codes import KEY

LUO_QI_WEIGHTS = (1.0, 0.68, 0.22)


def zone_weights(minutes: csr_matrix, zones_min: list[float], weights: list[float]) -> csr_matrix:
    """Stepped weights of travel times: ``weights[k]`` inside zone k (``≤ zones_min[k]``).

    ``minutes`` holds the travel time of every pair within the catchment (a pair at zero
    minutes is stored as a tiny positive time); pairs beyond the last zone get no weight.

    Examples
    --------
    >>> m = csr_matrix(([1e-9, 12.0, 25.0, 31.0], ([0, 0, 1, 1], [0, 1, 0, 1])), shape=(2, 2))
    >>> zone_weights(m, [10, 20, 30], [1.0, 0.68, 0.22]).toarray().tolist()
    [[1.0, 0.68], [0.22, 0.0]]
    """
    limits = np.asarray(zones_min, dtype=float)
    values = np.r_[np.asarray(weights, dtype=float), 0.0]
    out = minutes.copy().tocsr()
    out.data = values[np.searchsorted(limits, out.data, side="left")]
    out.eliminate_zeros()
    return out


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, 0.0)


def two_step(
    weights: csr_matrix, demand: np.ndarray, supply: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """2SFCA (unit weights) or E2SFCA (zone weights): site ratios ``R`` and cell access ``A``.

    Examples
    --------
    >>> W = csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0]]))
    >>> R, A = two_step(W, np.array([100.0, 300.0]), np.array([10.0, 5.0]))
    >>> R.round(4).tolist(), A.round(4).tolist()
    ([0.025, 0.05], [0.075, 0.025])
    """
    served = weights.T @ np.asarray(demand, dtype=float)
    ratio = _safe_divide(np.asarray(supply, dtype=float), served)
    return ratio, weights @ ratio


def balanced(
    weights: csr_matrix, demand: np.ndarray, supply: np.ndarray, allocation: str = "origin"
) -> tuple[np.ndarray, np.ndarray]:
    """Balanced FCA: level of service per site ``L`` and access per cell ``A``.

    Examples
    --------
    >>> W = csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0]]))
    >>> P, S = np.array([100.0, 300.0]), np.array([10.0, 5.0])
    >>> L, A = balanced(W, P, S)
    >>> L.round(4).tolist(), A.round(4).tolist(), float(P @ A)  # all supply reached, once
    ([0.0286, 0.1], [0.0643, 0.0286], 15.0)
    """
    if allocation not in ("origin", "destination"):
        raise ValueError("allocation must be 'origin' or 'destination'")
    row = np.asarray(weights.sum(axis=1)).ravel()
    by_origin = diags(_safe_divide(np.ones_like(row), row)) @ weights
    served = by_origin.T @ np.asarray(demand, dtype=float)
    level = _safe_divide(np.asarray(supply, dtype=float), served)
    if allocation == "origin":
        return level, by_origin @ level
    column = np.asarray(weights.sum(axis=0)).ravel()
    by_site = weights @ diags(_safe_divide(np.ones_like(column), column))
    return level, by_site @ level


def gini(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Gini coefficient of ``values``, each counted with its weight (e.g. residents).

    ``Σ_i Σ_j w_i w_j |x_i − x_j| / (2 (Σ w)² x̄)`` with ``x̄`` the weighted mean; computed
    in O(n log n) on the sorted values.

    Examples
    --------
    >>> gini(np.array([1.0, 1.0, 1.0])), gini(np.array([0.0, 0.0, 3.0]))
    (0.0, 0.6666666666666666)
    >>> round(gini(np.array([1.0, 3.0]), np.array([3.0, 1.0])), 4)
    0.25
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(x) & (w > 0)
    x, w = x[keep], w[keep]
    total = w.sum()
    if total <= 0 or not len(x):
        return float("nan")
    mean = (w * x).sum() / total
    if mean == 0:
        return 0.0
    order = np.argsort(x)
    x, w = x[order], w[order]
    below_w = np.cumsum(w) - w  # weight of the values below each one
    below_wx = np.cumsum(w * x) - w * x
    # Σ_i w_i Σ_{j<i} w_j (x_i − x_j), doubled for the pairs in both orders
    pairs = (w * (x * below_w - below_wx)).sum()
    return float(2 * pairs / (2 * total**2 * mean))


def per_comune(
    access: np.ndarray, demand: np.ndarray, zone: np.ndarray, codes: np.ndarray
) -> pd.Series:
    """Residents-weighted mean access of each comune's cells (NaN where nobody lives).

    Examples
    --------
    >>> per_comune(
    ...     np.array([1.0, 3.0, 5.0]),
    ...     np.array([1.0, 1.0, 0.0]),
    ...     np.array([0, 0, 1]),
    ...     np.array(["015001", "015002"]),
    ... ).tolist()
    [2.0, nan]
    """
    n = len(codes)
    people = np.bincount(zone, weights=demand, minlength=n)
    reached = np.bincount(zone, weights=demand * access, minlength=n)
    return pd.Series(_safe_divide(reached, people), index=pd.Index(codes, name=KEY)).where(
        people > 0
    )


@dataclass(frozen=True)
class FcaResult:
    """Per comune accessibility of one supply by both methods, and the CMM summary."""

    table: pd.DataFrame  # e2sfca, bcfa per comune (scaled)
    mean: dict[str, float]  # CMM residents-weighted mean per method (scaled)
    gini: dict[str, float]  # across comuni, weighted by residents
    supply_total: float
    supply_reached: float  # supply of sites that reach at least one resident
    demand_total: float
    demand_reached: float


def accessibility(
    minutes: csr_matrix,
    demand: np.ndarray,
    supply: np.ndarray,
    zone: np.ndarray,
    codes: np.ndarray,
    *,
    zones_min: list[float],
    weights: tuple[float, ...] | list[float] = LUO_QI_WEIGHTS,
    scale: float = 1.0,
) -> FcaResult:
    """E2SFCA and balanced FCA of one supply, per comune (× ``scale``), mean and Gini.

    Examples
    --------
    >>> m = csr_matrix(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
    >>> out = accessibility(
    ...     m,
    ...     np.array([100.0, 100.0, 200.0]),
    ...     np.array([10.0, 30.0]),
    ...     np.array([0, 0, 1]),
    ...     np.array(["015001", "015002"]),
    ...     zones_min=[15],
    ... )
    >>> out.table.round(4).values.tolist(), round(out.mean["bfca"], 4)
    ([[0.1, 0.08], [0.1, 0.12]], 0.1)
    """
    w = zone_weights(minutes, list(zones_min), list(weights))
    demand = np.asarray(demand, dtype=float)
    people = np.bincount(zone, weights=demand, minlength=len(codes))
    table = pd.DataFrame(index=pd.Index(codes, name=KEY))
    mean, inequality = {}, {}
    for name, access in (
        ("e2sfca", two_step(w, demand, supply)[1]),
        ("bfca", balanced(w, demand, supply)[1]),
    ):
        table[name] = per_comune(access, demand, zone, codes) * scale
        mean[name] = float(demand @ access / demand.sum()) * scale if demand.sum() else float("nan")
        inequality[name] = gini(table[name].to_numpy(), people)
    reaches = np.asarray(w.T @ (demand > 0).astype(float)).ravel() > 0
    reached = np.asarray(w @ np.ones(w.shape[1])).ravel() > 0
    return FcaResult(
        table,
        mean,
        inequality,
        float(np.sum(supply)),
        float(np.sum(np.asarray(supply)[reaches])),
        float(demand.sum()),
        float(demand[reached].sum()),
    )
