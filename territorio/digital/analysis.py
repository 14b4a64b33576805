"""Digital analyses shared by the pipeline step and the ``territorio digital`` commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.catalog import Catalog
from territorio.codes import KEY
from territorio.digital.config import DigitalConfig
from territorio.digital.coverage import CoveragePieces, coverage_layer, coverage_table
from territorio.digital.sites import read_candidates, read_register, school_candidates
from territorio.digital.siting import (
    PopulationGrid,
    SitingResult,
    greedy_siting,
    uniform_population_grid,
)
from territorio.errors import ConfigError
from territorio.territory import Territory, load_area_comuni

COVERAGE_COLUMNS = [
    "siti",
    "area_coperta_ha",
    "area_coperta_pct",
    "popolazione_coperta",
    "popolazione_coperta_pct",
]


def sites_area(
    catalog: Catalog, territory: Territory, cfg: DigitalConfig
) -> tuple[shapely.Geometry, str]:
    """The area a register's sites must lie in, and its name."""
    if cfg.sites_area == "cmm":
        return shapely.union_all(territory.outline.geometry.values), "the CMM"
    if cfg.sites_area not in territory.areas:
        raise ConfigError(
            "<config>",
            "digital.sites_area",
            f"unknown area {cfg.sites_area!r}; known: cmm, {', '.join(territory.areas)}",
        )
    area = territory.areas[cfg.sites_area]
    return shapely.union_all(load_area_comuni(catalog, area).geometry.values), area.name


def load_register(
    catalog: Catalog, territory: Territory, cfg: DigitalConfig, path: Path | None = None
) -> gpd.GeoDataFrame | None:
    """The user's 5G site register (``[layers] cmm_siti_5g`` or ``path``), validated; else None."""
    path = path or catalog.overrides.get("cmm_siti_5g")
    if path is None:
        return None
    area, name = sites_area(catalog, territory, cfg)
    register = read_register(
        path,
        area=area,
        area_name=name,
        crs=cfg.sites_crs or None,
        radius_by_technology=cfg.radius_by_technology,
        small_cell_radius_m=cfg.small_cell_radius_m,
    )
    catalog.used["cmm_siti_5g"] = Path(path)
    return register


def five_g_sites(register: gpd.GeoDataFrame, cfg: DigitalConfig) -> gpd.GeoDataFrame:
    """Sites in service with at least one 5G technology."""
    wanted = set(cfg.coverage_technologies)
    has_5g = register["tecnologie"].map(lambda t: bool(wanted & set(t.split(";"))))
    return register[has_5g & register["stato"].isin(cfg.coverage_states)].reset_index(drop=True)


@dataclass(frozen=True)
class CoverageResult:
    """Coverage per comune with how residents were weighted."""

    table: pd.DataFrame
    coverage: CoveragePieces
    layer: gpd.GeoDataFrame
    weighting: str


def coverage_for(
    territory: Territory, sites: gpd.GeoDataFrame, cfg: DigitalConfig, raster: Path | None = None
) -> CoverageResult:
    """Coverage per comune, residents spread uniformly or weighted by a population raster."""
    comuni = territory.comuni
    population = territory.population()
    table, coverage = coverage_table(comuni, sites, population=population)
    weighting = "uniforme nel comune (popolazione ISTAT / superficie)"
    if raster is not None:
        from territorio.land.zonal import zonal_sum

        pieces = gpd.GeoDataFrame(
            {KEY: comuni[KEY].to_numpy()[coverage.owner]}, geometry=coverage.pieces, crs=comuni.crs
        )
        covered = (
            np.bincount(coverage.owner, weights=zonal_sum(raster, pieces), minlength=len(comuni))
            if len(pieces)
            else np.zeros(len(comuni))
        )
        totals = zonal_sum(raster, comuni)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(totals > 0, covered / totals, 0.0)
        residents = population.reindex(comuni[KEY]).to_numpy(dtype=float)
        table["popolazione_coperta"] = residents * share
        table["popolazione_coperta_pct"] = 100.0 * share
        weighting = f"raster di popolazione {Path(raster).name} (quota coperta × popolazione ISTAT)"
    return CoverageResult(table, coverage, coverage_layer(coverage, comuni, table), weighting)


def population_grid(
    territory: Territory, cfg: DigitalConfig, raster: Path | None
) -> PopulationGrid:
    """Residents per cell for siting: the raster's own cells, or a uniform grid."""
    if raster is None:
        return uniform_population_grid(territory.comuni, territory.population(), cfg.grid_cell_m)
    import rasterio

    with rasterio.open(raster) as src:
        data = src.read(1).astype(float)
        if src.nodata is not None:
            data[data == src.nodata] = 0.0
        data[~np.isfinite(data)] = 0.0
        rows, cols = np.nonzero(data > 0)
        xs, ys = rasterio.transform.xy(src.transform, rows, cols)
        points = gpd.GeoSeries(shapely.points(xs, ys), crs=src.crs).to_crs(territory.comuni.crs)
    zone = shapely.STRtree(territory.comuni.geometry.values).query(
        points.values, predicate="within"
    )
    inside = np.zeros(len(points), dtype=bool)
    inside[zone[0]] = True
    zones = np.full(len(points), -1)
    zones[zone[0]] = zone[1]
    xy = shapely.get_coordinates(points.values)
    return PopulationGrid(xy[inside], data[rows, cols][inside], zones[inside])


def candidate_sites(
    catalog: Catalog, territory: Territory, cfg: DigitalConfig, extra: Path | None = None
) -> gpd.GeoDataFrame:
    """Candidate locations: CMM upper-secondary school sites and/or the user's file."""
    area = shapely.union_all(territory.outline.geometry.values)
    frames = []
    if cfg.school_candidates:
        frames.append(school_candidates(catalog.read("scuole_sedi"), area))
    path = extra or (cfg.candidates and Path(cfg.candidates))
    if path:
        frames.append(read_candidates(path, area=area))
    if not frames:
        raise ConfigError(
            "<config>",
            "digital",
            "no candidates: enable school_candidates or give a candidates file",
        )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def comune_of(territory: Territory, points: gpd.GeoDataFrame) -> np.ndarray:
    """ISTAT code of the comune each point lies in (None outside the CMM)."""
    where = shapely.STRtree(territory.comuni.geometry.values).query(
        points.geometry.values, predicate="within"
    )
    codes = np.full(len(points), None, dtype=object)
    codes[where[0]] = territory.comuni[KEY].to_numpy()[where[1]]
    return codes


def siting(
    territory: Territory,
    candidates: gpd.GeoDataFrame,
    k: int,
    cfg: DigitalConfig,
    existing: gpd.GeoDataFrame | None,
    raster: Path | None,
) -> SitingResult:
    """Greedy choice of ``k`` new sites among the candidates given the existing ones."""
    grid = population_grid(territory, cfg, raster)
    candidates = candidates.copy()
    candidates[KEY] = comune_of(territory, candidates)
    return greedy_siting(
        grid,
        candidates,
        k,
        cfg.new_site_radius_m,
        existing=existing,
        existing_radius=None if existing is None else existing["raggio_m"].to_numpy(),
    )
