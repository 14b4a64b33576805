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
