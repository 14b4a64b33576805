"""Disc polygons of equal area and the Voronoi cells that split a union of equal discs."""

from __future__ import annotations

import numpy as np
import shapely

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


def voronoi_cells(xy: np.ndarray, radius: float) -> np.ndarray:
    """Voronoi cell of each of the distinct sites ``xy`` (n, 2), in their order.

    Cells are bounded by the sites' extent plus four radii, so each holds its site's whole disc.
    """
    x0, y0 = xy.min(axis=0) - 4 * radius
    x1, y1 = xy.max(axis=0) + 4 * radius
    frame = shapely.box(x0, y0, x1, y1)
    if len(xy) == 1:
        return np.array([frame], dtype=object)
    cells = shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=frame, ordered=True)
    return shapely.get_parts(cells)


def nearest_site_pieces(
    xy: np.ndarray, radius: float, quad_segs: int = QUAD_SEGS, sites: np.ndarray | None = None
) -> np.ndarray:
    """Disjoint pieces ``disc_i ∩ cell_i`` whose union is the union of the discs.

    A covered point belongs to the disc of its nearest site, so no union is needed.
    ``sites`` picks some of the distinct sites ``xy``; all by default.
    """
    chosen = np.arange(len(xy)) if sites is None else sites
    cells = voronoi_cells(xy, radius)[chosen]
    return shapely.intersection(discs(shapely.points(xy[chosen]), radius, quad_segs), cells)


def split_by_zones(pieces: np.ndarray, zones: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut each piece by the zones it meets: the parts with an area, and each part's zone."""
    piece_index, zone_index = shapely.STRtree(zones).query(pieces, predicate="intersects")
    parts = pieces[piece_index].copy()
    crossing = ~shapely.contains_properly(zones[zone_index], parts)
    parts[crossing] = shapely.intersection(parts[crossing], zones[zone_index][crossing])
    keep = shapely.area(parts) > 0
    return parts[keep], zone_index[keep]
