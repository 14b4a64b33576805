"""Coverage of radio sites per comune: discs → disjoint pieces or union → intersection.

Each site covers a disc of its radius, drawn as an *equal-area* polygon (the polygon's area is
exactly πr², so an isolated site inside a comune covers πr² whatever the vertex count).

- When every site has the same radius the union of the discs splits into disjoint pieces
  ``disc_i ∩ voronoi_cell_i`` (a covered point belongs to the disc of its nearest site), so the
  covered area per comune is a sum of pairwise intersections, with no union at all.
- With mixed radii (a nearer small cell does not cover what a farther macro cell does) the
  discs are unioned once and the union intersected with all comuni in one vectorised call.

Both are vectorised shapely 2 over all sites and comuni; no per-comune overlay.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY

QUAD_SEGS = 16
"""Vertices per quarter circle of a disc (64-gon); area made exact by :func:`equal_area_radius`."""


def equal_area_radius(radius: np.ndarray | float, quad_segs: int = QUAD_SEGS) -> np.ndarray:
    """Radius of the regular polygon (``4 × quad_segs`` sides) whose area is π·radius²."""
    sides = 4 * quad_segs
    return np.asarray(radius, dtype=float) * np.sqrt(
        np.pi / (sides / 2 * np.sin(2 * np.pi / sides))
    )


def discs(points: np.ndarray, radius: np.ndarray | float, quad_segs: int = QUAD_SEGS) -> np.ndarray:
    """Equal-area disc polygons around point geometries (metric CRS)."""
    return shapely.buffer(points, equal_area_radius(radius, quad_segs), quad_segs=quad_segs)


@dataclass(frozen=True)
class Coverage:
    """Covered area per comune and the covered pieces.

    Attributes
    ----------
    covered_m2
        Covered area per comune, in the order of the comuni given.
    pieces
        Disjoint covered polygons, each inside one comune.
    owner
        Index of the comune of each piece.
    method
        ``voronoi`` (common radius) or ``union`` (mixed radii).
    """

    covered_m2: np.ndarray
    pieces: np.ndarray
    owner: np.ndarray
    method: str

    def union(self) -> shapely.Geometry:
        """The covered area as one geometry (pieces are disjoint: a cheap coverage union)."""
        if not len(self.pieces):
            return shapely.from_wkt("POLYGON EMPTY")
        return shapely.union_all(self.pieces)


def covered_area(
    points: np.ndarray, radius: np.ndarray | float, zones: np.ndarray, quad_segs: int = QUAD_SEGS
) -> Coverage:
    """Area of each zone covered by at least one site.

    Parameters
    ----------
    points
        Site point geometries in a metric CRS.
    radius
        One radius for all sites, or one per site (metres).
    zones
        Zone polygons (the comuni), same CRS.
    quad_segs
        Disc resolution.
    """
    points = np.asarray(points, dtype=object)
    radius = np.broadcast_to(np.asarray(radius, dtype=float), points.shape)
    if not len(points):
        empty = np.array([], dtype=object)
        return Coverage(np.zeros(len(zones)), empty, np.array([], dtype=int), "none")
    disc = discs(points, radius, quad_segs)
    common = np.all(radius == radius[0])
    unique_points = len(shapely.get_coordinates(points)) == len(
        np.unique(shapely.get_coordinates(points), axis=0)
    )
    if common and unique_points and len(points) > 1:
        pieces = _voronoi_pieces(points, disc, radius[0])
        method = "voronoi"
    else:
        pieces = np.array([shapely.union_all(disc)], dtype=object)
        method = "union"
    tree = shapely.STRtree(zones)
    piece_index, zone_index = tree.query(pieces, predicate="intersects")
    inside = shapely.contains_properly(zones[zone_index], pieces[piece_index])
    parts = pieces[piece_index].copy()
    crossing = ~inside
    parts[crossing] = shapely.intersection(
        pieces[piece_index][crossing], zones[zone_index][crossing]
    )
    areas = shapely.area(parts)
    keep = areas > 0
    covered = np.bincount(zone_index[keep], weights=areas[keep], minlength=len(zones))
    return Coverage(covered, parts[keep], zone_index[keep], method)


def _voronoi_pieces(points: np.ndarray, disc: np.ndarray, radius: float) -> np.ndarray:
    """Disjoint pieces ``disc_i ∩ cell_i`` whose union equals the union of the discs."""
    x0, y0, x1, y1 = shapely.total_bounds(points)
    margin = 4 * radius
    envelope = shapely.box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope)
    )
    # GEOS returns the cells in its own order: match each point to the cell containing it
    point_index, cell_index = shapely.STRtree(cells).query(points, predicate="within")
    cell_of = np.empty(len(points), dtype=object)
    cell_of[point_index] = cells[cell_index]
    return shapely.intersection(disc, cell_of)


def coverage_table(
    comuni: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    population: pd.Series,
    radius_column: str = "raggio_m",
    population_covered: pd.Series | None = None,
) -> tuple[pd.DataFrame, Coverage]:
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
    (pandas.DataFrame, Coverage)
        Indexed by ``pro_com_t``: ``siti``, ``area_coperta_ha``, ``area_coperta_pct``,
        ``popolazione_coperta``, ``popolazione_coperta_pct``; and the coverage pieces.
    """
    zones = comuni.geometry.values
    coverage = covered_area(sites.geometry.values, sites[radius_column].to_numpy(), zones)
    area = shapely.area(zones)
    codes = comuni[KEY].to_numpy()
    site_zone = shapely.STRtree(zones).query(sites.geometry.values, predicate="within")
    counts = np.bincount(site_zone[1], minlength=len(zones))
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
    return table, coverage


def coverage_layer(coverage: Coverage, comuni: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The covered area dissolved per comune, as a layer for maps and QGIS."""
    codes = comuni[KEY].to_numpy()
    frame = gpd.GeoDataFrame({KEY: codes[coverage.owner]}, geometry=coverage.pieces, crs=comuni.crs)
    if frame.empty:
        return frame
    dissolved = frame.dissolve(KEY, as_index=False)
    dissolved["area_coperta_ha"] = dissolved.geometry.area / 10_000.0
    return dissolved
