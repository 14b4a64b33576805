"""Resilience of a set of sites: residents covered twice, and what one failed site loses.

On the cells of the population model (a cell is covered when its centre is within a site's
radius, as in siting): residents covered by at least one and at least two sites per comune,
and for each site the residents that only it covers — those who lose service when it fails.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from territorio.codes import KEY
from territorio.digital.demand import cells_within
from territorio.population import PopulationGrid

BACKUP_COLUMNS = [
    "popolazione_almeno_1_sito",
    "popolazione_almeno_2_siti",
    "popolazione_almeno_2_siti_pct",
]


def coverage_depth(
    grid: PopulationGrid,
    sites_xy: np.ndarray,
    radius: np.ndarray | float,
    tree: cKDTree | None = None,
) -> np.ndarray:
    """Number of sites covering each cell.

    Examples
    --------
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [100.0, 0.0], [300.0, 0.0]]), np.ones(3), np.zeros(3, dtype=int)
    ... )
    >>> coverage_depth(grid, np.array([[0.0, 0.0], [150.0, 0.0]]), 160.0).tolist()
    [2, 2, 1]
    """
    if not len(sites_xy):
        return np.zeros(len(grid.residents), dtype=np.int64)
    incidence = cells_within(grid.xy, sites_xy, radius, tree)
    return np.asarray(incidence.sum(axis=1)).ravel().astype(np.int64)


def backup_table(
    grid: PopulationGrid, depth: np.ndarray, codes: np.ndarray | pd.Index
) -> pd.DataFrame:
    """Residents covered by ≥ 1 and ≥ 2 sites per comune (cells of the population model).

    Parameters
    ----------
    grid
        Residents per cell; ``grid.zone`` indexes ``codes``.
    depth
        Sites covering each cell (:func:`coverage_depth`).
    codes
        ``pro_com_t`` of the comuni, in the order of ``grid.zone``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``pro_com_t``: :data:`BACKUP_COLUMNS` (the share is of all residents).

    Examples
    --------
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]),
    ...     np.array([10.0, 20.0, 70.0]),
    ...     np.array([0, 0, 1]),
    ... )
    >>> backup_table(grid, np.array([2, 1, 0]), ["015001", "015002"]).values.tolist()
    [[30.0, 10.0, 33.33333333333333], [0.0, 0.0, 0.0]]
    """
    n = len(codes)
    residents = np.asarray(grid.residents, dtype=float)
    total = np.bincount(grid.zone, weights=residents, minlength=n)
    once = np.bincount(grid.zone, weights=residents * (depth >= 1), minlength=n)
    twice = np.bincount(grid.zone, weights=residents * (depth >= 2), minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, 100.0 * twice / total, np.nan)
    return pd.DataFrame(
        {
            "popolazione_almeno_1_sito": once,
            "popolazione_almeno_2_siti": twice,
            "popolazione_almeno_2_siti_pct": share,
        },
        index=pd.Index(list(codes), name=KEY),
    )


def single_site_losses(
    grid: PopulationGrid,
    sites_xy: np.ndarray,
    radius: np.ndarray | float,
    tree: cKDTree | None = None,
) -> pd.DataFrame:
    """Per site: residents it covers, and those only it covers (lost if it fails).

    Returns
    -------
    pandas.DataFrame
        One row per site, in order: ``popolazione_raggio`` and ``popolazione_solo_questo_sito``.

    Examples
    --------
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [100.0, 0.0], [300.0, 0.0]]),
    ...     np.array([1.0, 2.0, 4.0]),
    ...     np.zeros(3, dtype=int),
    ... )
    >>> single_site_losses(grid, np.array([[0.0, 0.0], [150.0, 0.0]]), 160.0).values.tolist()
    [[3.0, 0.0], [7.0, 4.0]]
    """
    residents = np.asarray(grid.residents, dtype=float)
    incidence = cells_within(grid.xy, sites_xy, radius, tree)
    depth = np.asarray(incidence.sum(axis=1)).ravel()
    within = incidence.T @ residents
    alone = incidence.T @ (residents * (depth == 1))
    return pd.DataFrame(
        {
            "popolazione_raggio": np.asarray(within, dtype=float),
            "popolazione_solo_questo_sito": np.asarray(alone, dtype=float),
        }
    )
