"""Coverage of radio sites per comune: exact covered areas, and the covered pieces as polygons.

- **Areas.** With one radius for all sites the covered area of each comune is computed exactly
  for circles (:mod:`territorio.digital.disc_union`: Voronoi split of the union of discs and
  Green's theorem, numpy over site–boundary pairs, no overlay). With mixed radii (a nearer small
  cell does not cover what a farther macro cell does) the discs are drawn as equal-area
  64-gons, unioned once and intersected with all comuni in one vectorised call.
- **Pieces.** For layers and population rasters the covered area is also built as disjoint
  polygons, one or more per comune (equal-area 64-gons split by the Voronoi cells, or the union).

Both are vectorised shapely 2 / numpy over all sites and comuni; no per-comune overlay.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.digital.disc_union import exact_union_area
from territorio.digital.discs import QUAD_SEGS, discs, nearest_site_pieces, split_by_zones
from territorio.spatial import assign_comune


@dataclass(frozen=True)
class CoveredArea:
    """Covered area per zone.

    Attributes
    ----------
    covered_m2
        Covered area per zone, in the order of the zones given.
    method
        ``cerchi esatti`` (one radius: exact circles) or ``unione di 64-goni`` (mixed radii).
    """

    covered_m2: np.ndarray
    method: str


@dataclass(frozen=True)
class CoveragePieces:
    """The covered area as disjoint polygons, each inside one zone.

    Attributes
    ----------
    pieces
        Covered polygons.
    owner
        Index of the zone of each piece.
    """

    pieces: np.ndarray
    owner: np.ndarray

    def union(self) -> shapely.Geometry:
        """The covered area as one geometry (pieces are disjoint: a cheap coverage union)."""
        if not len(self.pieces):
            return shapely.from_wkt("POLYGON EMPTY")
        return shapely.union_all(self.pieces)


def _sites(points: np.ndarray, radius: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    points = np.asarray(points, dtype=object)
    return shapely.get_coordinates(points), np.broadcast_to(
        np.asarray(radius, dtype=float), points.shape
    )


def covered_area(points: np.ndarray, radius: np.ndarray | float, zones: np.ndarray) -> CoveredArea:
    """Area of each zone covered by at least one site.

    Parameters
    ----------
    points
        Site point geometries in a metric CRS.
    radius
        One radius for all sites, or one per site (metres).
    zones
        Zone polygons that do not overlap (the comuni), same CRS.

    Returns
    -------
    CoveredArea
        Covered m² per zone and the method used.

    Examples
    --------
    >>> import shapely
    >>> zone = shapely.box(0, 0, 1000, 1000)
    >>> result = covered_area(shapely.points([(0, 500), (1000, 1000)]), 100.0, np.array([zone]))
    >>> (
    ...     round(float(result.covered_m2[0]) / (np.pi * 100**2), 6),
    ...     result.method,
    ... )  # half a disc + a quarter
    (0.75, 'cerchi esatti')
    """
    zones = np.asarray(zones, dtype=object)
    xy, radius = _sites(points, radius)
    if not len(xy):
        return CoveredArea(np.zeros(len(zones)), "nessun sito")
    if np.all(radius == radius[0]):
        distinct = np.unique(xy, axis=0)  # a repeated site covers nothing more
        return CoveredArea(exact_union_area(distinct, float(radius[0]), zones), "cerchi esatti")
    union = shapely.union_all(discs(shapely.points(xy), radius))
    return CoveredArea(shapely.area(shapely.intersection(zones, union)), "unione di 64-goni")


def coverage_pieces(
    points: np.ndarray, radius: np.ndarray | float, zones: np.ndarray, quad_segs: int = QUAD_SEGS
) -> CoveragePieces:
    """The covered area of each zone as disjoint polygons (equal-area discs).

    Parameters
    ----------
    points, radius, zones
        As for :func:`covered_area`.
    quad_segs
        Disc resolution (vertices per quarter circle).
    """
    zones = np.asarray(zones, dtype=object)
    xy, radius = _sites(points, radius)
    if not len(xy):
        return CoveragePieces(np.array([], dtype=object), np.array([], dtype=int))
    if np.all(radius == radius[0]):
        pieces = nearest_site_pieces(np.unique(xy, axis=0), float(radius[0]), quad_segs)
    else:
        pieces = np.array([shapely.union_all(discs(shapely.points(xy), radius, quad_segs))])
    return CoveragePieces(*split_by_zones(pieces, zones))


def coverage_table(
    comuni: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    population: pd.Series,
    radius_column: str = "raggio_m",
    population_covered: pd.Series | None = None,
) -> tuple[pd.DataFrame, CoveragePieces]:
    """Per-comune coverage: sites, covered area and covered population.

    Parameters
    ----------
    comuni
        ``pro_com_t`` and polygons (EPSG:32632).
    sites
        Points with a radius column, same CRS.
    population
        Residents per ``pro_com_t``.
    radius_column
        Column of ``sites`` with the radius in metres.
    population_covered
        Covered residents per ``pro_com_t`` from a population raster; when omitted the
        population is spread uniformly over each comune (covered share of area).

    Returns
    -------
    (pandas.DataFrame, CoveragePieces)
        Indexed by ``pro_com_t``: ``siti``, ``area_coperta_ha``, ``area_coperta_pct``,
        ``popolazione_coperta``, ``popolazione_coperta_pct``; and the covered pieces.
    """
    zones = comuni.geometry.values
    radius = sites[radius_column].to_numpy()
    coverage = covered_area(sites.geometry.values, radius, zones)
    pieces = coverage_pieces(sites.geometry.values, radius, zones)
    area = shapely.area(zones)
    codes = comuni[KEY].to_numpy()
    site_zone = pd.Index(codes).get_indexer(assign_comune(sites, comuni))
    counts = np.bincount(site_zone[site_zone >= 0], minlength=len(zones))
    residents = population.reindex(codes).to_numpy(dtype=float)
    if population_covered is None:
        covered_pop = residents * coverage.covered_m2 / area
    else:
        covered_pop = population_covered.reindex(codes).fillna(0.0).to_numpy(dtype=float)
    table = pd.DataFrame(
        {
            "siti": counts,
            "area_coperta_ha": coverage.covered_m2 / 10_000.0,
            "area_coperta_pct": 100.0 * coverage.covered_m2 / area,
            "popolazione_coperta": covered_pop,
            "popolazione_coperta_pct": 100.0 * covered_pop / residents,
        },
        index=pd.Index(codes, name=KEY),
    )
    return table, pieces


def coverage_layer(
    coverage: CoveragePieces, comuni: gpd.GeoDataFrame, table: pd.DataFrame
) -> gpd.GeoDataFrame:
    """The covered area dissolved per comune, as a layer for maps and QGIS.

    ``area_coperta_ha`` is taken from ``table`` (exact for circles), so the layer and the
    table agree; the polygons are equal-area 64-gons.
    """
    codes = comuni[KEY].to_numpy()
    frame = gpd.GeoDataFrame({KEY: codes[coverage.owner]}, geometry=coverage.pieces, crs=comuni.crs)
    if frame.empty:
        return frame
    dissolved = frame.dissolve(KEY, as_index=False)
    dissolved["area_coperta_ha"] = table["area_coperta_ha"].reindex(dissolved[KEY]).to_numpy()
    return dissolved
