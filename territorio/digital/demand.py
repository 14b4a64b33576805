"""Demand units for siting: population cells grouped by the candidates that cover them.

A cell is covered by a site when its centre lies within the site's radius. Two cells covered by
exactly the same candidates are interchangeable in every siting model (they are covered by the
same choices), so they are merged into one *demand unit* weighted by their residents. Cells
already covered by a fixed (existing) site add a constant and leave the model; cells no
candidate reaches do too. On the CMM this turns 630,000 cells of 50 m into a few thousand units,
so an integer programme over them stays small and is still exact for the cell model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from territorio.population import PopulationGrid


def cells_within(
    xy: np.ndarray, sites_xy: np.ndarray, radius: np.ndarray | float, tree: cKDTree | None = None
) -> sparse.csc_array:
    """Cells × sites incidence: cell centre within the site's radius (boundary included).

    Parameters
    ----------
    xy
        Cell centres, shape (n, 2).
    sites_xy
        Site coordinates, shape (m, 2).
    radius
        One radius or one per site, same units.
    tree
        A KD-tree of ``xy`` to reuse.

    Returns
    -------
    scipy.sparse.csc_array
        Boolean, shape (n, m).

    Examples
    --------
    >>> cells = np.array([[0.0, 0.0], [100.0, 0.0], [250.0, 0.0]])
    >>> cells_within(cells, np.array([[0.0, 0.0], [200.0, 0.0]]), 100.0).toarray().astype(int)
    array([[1, 0],
           [1, 1],
           [0, 1]])
    """
    sites_xy = np.asarray(sites_xy, dtype=float).reshape(-1, 2)
    radius = np.broadcast_to(np.asarray(radius, dtype=float), (len(sites_xy),))
    tree = tree if tree is not None else cKDTree(xy)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for site, (point, r) in enumerate(zip(sites_xy, radius, strict=True)):
        cells = np.asarray(tree.query_ball_point(point, r), dtype=np.int64)
        rows.append(cells)
        cols.append(np.full(len(cells), site, dtype=np.int64))
    row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.empty(0, dtype=np.int64)
    return sparse.csc_array(
        (np.ones(len(row), dtype=bool), (row, col)), shape=(len(xy), len(sites_xy))
    )


@dataclass(frozen=True)
class CoverageSets:
    """The siting model's demand: units, their weights and the candidates covering each.

    Attributes
    ----------
    weights
        Residents of each demand unit.
    members
        Units × candidates, boolean: which candidates cover each unit.
    unit_of_cell
        Demand unit of each grid cell; -1 for cells outside the model (covered by a fixed
        site, or reached by no candidate).
    fixed_residents
        Residents already covered by the fixed sites.
    total_residents
        Residents of the whole grid.

    Examples
    --------
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [10.0, 0.0], [100.0, 0.0], [900.0, 0.0]]),
    ...     np.array([5.0, 7.0, 1.0, 2.0]),
    ...     np.zeros(4, dtype=int),
    ... )
    >>> sets = coverage_sets(grid, np.array([[0.0, 0.0], [100.0, 0.0]]), 50.0)
    >>> sets.weights.tolist(), sets.members.toarray().astype(int).tolist()
    ([12.0, 1.0], [[1, 0], [0, 1]])
    >>> sets.covered_by([0, 1]), sets.total_residents
    (13.0, 15.0)
    """

    weights: np.ndarray
    members: sparse.csr_array
    unit_of_cell: np.ndarray
    fixed_residents: float
    total_residents: float

    @property
    def n_candidates(self) -> int:
        """Number of candidates."""
        return int(self.members.shape[1])

    def covered_by(self, chosen: np.ndarray | list[int]) -> float:
        """Residents covered by the fixed sites and the chosen candidates."""
        chosen = np.asarray(chosen, dtype=np.int64)
        if not len(chosen):
            return self.fixed_residents
        hit = np.asarray(self.members[:, chosen].sum(axis=1)).ravel() > 0
        return self.fixed_residents + float(self.weights[hit].sum())

    def reachable(self) -> float:
        """Residents covered when every candidate is built (with the fixed sites)."""
        return self.fixed_residents + float(self.weights.sum())


def coverage_sets(
    grid: PopulationGrid,
    candidates_xy: np.ndarray,
    radius: np.ndarray | float,
    *,
    fixed_xy: np.ndarray | None = None,
    fixed_radius: np.ndarray | float | None = None,
    tree: cKDTree | None = None,
) -> CoverageSets:
    """Group the grid's cells into demand units by the candidates covering them.

    Parameters
    ----------
    grid
        Residents per cell.
    candidates_xy
        Candidate coordinates, shape (m, 2), EPSG:32632.
    radius
        Radius of a candidate (one, or one per candidate), metres.
    fixed_xy, fixed_radius
        Sites that stay (an existing register): the cells they cover leave the model.
    tree
        A KD-tree of the cell centres to reuse.

    Returns
    -------
    CoverageSets
    """
    tree = tree if tree is not None else cKDTree(grid.xy)
    residents = np.asarray(grid.residents, dtype=float)
    fixed = np.zeros(len(residents), dtype=bool)
    if fixed_xy is not None and len(fixed_xy):
        depth = cells_within(grid.xy, fixed_xy, fixed_radius, tree).sum(axis=1)
        fixed = np.asarray(depth).ravel() > 0
    incidence = cells_within(grid.xy, candidates_xy, radius, tree).tocsr()
    incidence.sort_indices()
    keep = (np.diff(incidence.indptr) > 0) & ~fixed & (residents > 0)
    cells = np.flatnonzero(keep)
    kept = incidence[cells]
    kept.sort_indices()
    # a unit is a distinct row of candidates: the row's column indices as bytes are its key
    keys = [
        kept.indices[a:b].tobytes() for a, b in zip(kept.indptr[:-1], kept.indptr[1:], strict=True)
    ]
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # the first cell of each unit
    members = kept[first].astype(bool)
    weights = np.bincount(codes, weights=residents[cells], minlength=len(uniques))
    unit_of_cell = np.full(len(residents), -1, dtype=np.int64)
    unit_of_cell[cells] = codes
    return CoverageSets(
        weights=weights,
        members=sparse.csr_array(members),
        unit_of_cell=unit_of_cell,
        fixed_residents=float(residents[fixed].sum()),
        total_residents=float(residents.sum()),
    )
