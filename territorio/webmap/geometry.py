"""Geometry for the web: topology-preserving simplification, WGS 84, coordinates to ~1 m."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

from territorio.crs import WEB_CRS, WORK_CRS

DECIMALS = 5
"""Decimal degrees kept: 1e-5° is about 1.1 m of latitude and 0.8 m of longitude here."""

_TO_WEB = Transformer.from_crs(WORK_CRS, WEB_CRS, always_xy=True)


def to_web(geometries: np.ndarray) -> np.ndarray:
    """Reproject EPSG:32632 geometries to EPSG:4326 and round coordinates to ~1 m."""

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = _TO_WEB.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([x, y]), DECIMALS)

    return shapely.transform(np.asarray(geometries, dtype=object), project)


def simplify_coverage(geometries: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Simplify polygons that share borders without opening gaps or overlaps between them.

    ``shapely.coverage_simplify`` simplifies each shared edge once, so neighbours keep the
    same border; rounding afterwards maps equal vertices to equal vertices.
    """
    geometries = np.asarray(geometries, dtype=object)
    if tolerance_m <= 0 or not len(geometries):
        return geometries
    return shapely.coverage_simplify(geometries, tolerance_m, simplify_boundary=True)


def simplify_each(geometries: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Simplify independent polygons (isochrones, coverage) keeping each one valid."""
    return shapely.simplify(
        np.asarray(geometries, dtype=object), tolerance_m, preserve_topology=True
    )
