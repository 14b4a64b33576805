"""5G coverage and siting per comune, from frames (shared by the pipeline step and the CLI)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

import geopandas as gpd
import numpy as np
import pandas as pd

from territorio.codes import KEY
from territorio.digital.coverage import CoveragePieces, coverage_layer, coverage_table
from territorio.digital.siting import SitingResult, greedy_siting
from territorio.population import PopulationGrid
from territorio.spatial import assign_comune
from territorio.zonal import RasterSource, zonal_sum

COVERAGE_COLUMNS = [
    "siti",
    "area_coperta_ha",
    "area_coperta_pct",
    "popolazione_coperta",
    "popolazione_coperta_pct",
]
UNIFORM = "uniforme nel comune (popolazione ISTAT / superficie)"


def five_g_sites(
    register: gpd.GeoDataFrame, technologies: Iterable[str], states: Iterable[str]
) -> gpd.GeoDataFrame:
    """Sites of a validated register in one of ``states`` with at least one 5G technology.

    Examples
    --------
    >>> import shapely
    >>> register = gpd.GeoDataFrame(
    ...     {"tecnologie": ["4G;5G NR", "4G", "5G NR"], "stato": ["attivo", "attivo", "dismesso"]},
    ...     geometry=[shapely.Point(0, 0)] * 3,
    ... )
    >>> len(five_g_sites(register, ["5G NR"], ["attivo"]))
    1
    """
    wanted = set(technologies)
    has_5g = register["tecnologie"].map(lambda t: bool(wanted & set(t.split(";"))))
    return register[has_5g & register["stato"].isin(list(states))].reset_index(drop=True)


@dataclass(frozen=True)
class CoverageResult:
    """Coverage per comune with how residents were weighted.

    Examples
    --------
    >>> import geopandas as gpd, territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> sites = gpd.GeoDataFrame(
    ...     {"raggio_m": [600.0]}, geometry=[territory.comuni.geometry.iloc[4].centroid], crs=32632
    ... )
    >>> result = tt.coverage_5g(territory.comuni, territory.population(), sites)
    >>> result.weighting, len(result.layer)  # the disc reaches the 4 neighbours and the centre
    ('uniforme nel comune (popolazione ISTAT / superficie)', 5)
    """

    table: pd.DataFrame
    coverage: CoveragePieces
    layer: gpd.GeoDataFrame
    weighting: str


def coverage_5g(
    comuni: gpd.GeoDataFrame,
    population: pd.Series,
    sites: gpd.GeoDataFrame,
    *,
    population_raster: RasterSource | None = None,
    population_grid: PopulationGrid | None = None,
) -> CoverageResult:
    """Covered area and residents per comune of radio sites with a ``raggio_m`` column.

    Parameters
    ----------
    comuni
        ``pro_com_t`` and polygons (EPSG:32632).
    population
        Residents per ``pro_com_t`` (ISTAT).
    sites
        Points (EPSG:32632) with ``raggio_m`` in metres.
    population_raster
        A population grid (open rasterio dataset or :class:`territorio.zonal.ArrayRaster`):
        the covered share of each comune's residents is the covered share of its raster
        population; without it residents are spread uniformly over the comune.
    population_grid
        The run's population model on a grid (:class:`territorio.PopulationGrid`); used as
        the raster above and named in ``weighting``.

    Returns
    -------
    CoverageResult
        ``table`` indexed by ``pro_com_t`` with :data:`COVERAGE_COLUMNS`, the covered pieces,
        a layer per comune and the weighting used.

    Examples
    --------
    >>> import shapely, territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> centre = territory.comuni.geometry.iloc[4].centroid  # the central 1 km² comune
    >>> sites = gpd.GeoDataFrame({"raggio_m": [300.0]}, geometry=[centre], crs=32632)
    >>> result = tt.coverage_5g(territory.comuni, territory.population(), sites)
    >>> round(float(result.table.loc["015005", "area_coperta_ha"]), 4)  # π · 300² m²
    28.2743
    """
    population = population.reindex(comuni[KEY])
    table, coverage = coverage_table(comuni, sites, population=population)
    weighting = UNIFORM
    if population_grid is not None:
        population_raster = population_grid.residents_raster()
    if population_raster is not None:
        pieces = gpd.GeoDataFrame(
            {KEY: comuni[KEY].to_numpy()[coverage.owner]}, geometry=coverage.pieces, crs=comuni.crs
        )
        covered = (
            np.bincount(
                coverage.owner,
                weights=zonal_sum(population_raster, pieces),
                minlength=len(comuni),
            )
            if len(pieces)
            else np.zeros(len(comuni))
        )
        totals = zonal_sum(population_raster, comuni)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(totals > 0, covered / totals, 0.0)
        residents = population.to_numpy(dtype=float)
        table["popolazione_coperta"] = residents * share
        table["popolazione_coperta_pct"] = 100.0 * share
        if population_grid is not None:
            weighting = population_grid.model["it"]
        else:
            name = PurePath(str(getattr(population_raster, "name", "") or "raster")).name
            weighting = f"raster di popolazione {name} (quota coperta × popolazione ISTAT)"
    return CoverageResult(table, coverage, coverage_layer(coverage, comuni, table), weighting)


def choose_sites(
    grid: PopulationGrid,
    candidates: gpd.GeoDataFrame,
    comuni: gpd.GeoDataFrame,
    k: int,
    radius_m: float,
    existing: gpd.GeoDataFrame | None = None,
) -> SitingResult:
    """Greedy choice of ``k`` new sites among the candidates, given the existing ones.

    Candidates get the comune they lie in (``pro_com_t``); ``existing`` needs ``raggio_m``.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> grid = tt.uniform_population_grid(territory.comuni, territory.population(), 100.0)
    >>> centres = territory.comuni.geometry.centroid
    >>> candidates = gpd.GeoDataFrame({"nome": territory.comuni["comune"]}, geometry=centres)
    >>> picked = tt.choose_sites(grid, candidates, territory.comuni, 2, 600.0)
    >>> picked.chosen["nome"].tolist()  # the two most populous comuni (north-east)
    ['Iota', 'Theta']
    """
    candidates = candidates.copy()
    candidates[KEY] = assign_comune(candidates, comuni)
    return greedy_siting(
        grid,
        candidates,
        k,
        radius_m,
        existing=existing,
        existing_radius=None if existing is None else existing["raggio_m"].to_numpy(),
    )
