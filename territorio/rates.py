"""Per-area and per-resident rates of per-comune values (density, services per 10 000)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def population_density(population: pd.Series, area_km2: pd.Series) -> pd.Series:
    """Residents per km², aligned on the index of ``population`` (``pro_com_t``).

    A comune with no area gets NaN, never infinity.

    Examples
    --------
    >>> pop = pd.Series({"015146": 1_371_498, "015002": 1_955})
    >>> area = pd.Series({"015146": 181.67, "015002": 6.45})
    >>> population_density(pop, area).round(1).to_dict()
    {'015146': 7549.4, '015002': 303.1}
    """
    area = area_km2.reindex(population.index).astype(float)
    return population.astype(float) / area.where(area > 0)


def per_residents(counts: pd.Series, population: pd.Series, per: float = 10_000.0) -> pd.Series:
    """``counts`` per ``per`` residents (e.g. pharmacies per 10 000), on the index of ``counts``.

    Examples
    --------
    >>> counts = pd.Series({"015146": 391, "015002": 1})
    >>> pop = pd.Series({"015146": 1_371_498, "015002": 1_955})
    >>> per_residents(counts, pop).round(2).to_dict()
    {'015146': 2.85, '015002': 5.12}
    """
    residents = population.reindex(counts.index).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(per * counts.to_numpy(dtype=float) / residents, index=counts.index)
