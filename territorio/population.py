"""Where residents are: one population-grid model for every theme.

A :class:`PopulationGrid` holds residents per cell (cell centres in EPSG:32632) with the comune
of each cell. Access, bike access to schools, 5G coverage weighting and 5G siting all take it,
so a better model (a census or GHSL grid) changes every theme at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.transform import from_origin

from territorio.codes import KEY
from territorio.spatial import assign_comune


@dataclass(frozen=True)
class PopulationGrid:
    """Residents per grid cell.

    Attributes
    ----------
    xy
        Cell centres, shape (n, 2), EPSG:32632.
    residents
        Residents per cell.
    zone
        Index of the comune of each cell.
    rows, cols, transform, shape
        Where the cells lie on their raster grid (for grids built from rasters).

    Examples
    --------
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [50.0, 0.0]]), np.array([3.0, 1.0]), np.array([0, 0])
    ... )
    >>> float(grid.residents.sum())
    4.0
    """

    xy: np.ndarray
    residents: np.ndarray
    zone: np.ndarray
    rows: np.ndarray | None = None
    cols: np.ndarray | None = None
    transform: rasterio.Affine | None = None
    shape: tuple[int, int] | None = None


def uniform_population_grid(
    comuni: gpd.GeoDataFrame, population: pd.Series, cell_m: float = 50.0
) -> PopulationGrid:
    """Spread each comune's residents evenly over the grid cells whose centre lies in it.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> grid = tt.uniform_population_grid(territory.comuni, territory.population(), cell_m=100.0)
    >>> len(grid.residents), float(grid.residents.sum()), float(grid.residents[grid.zone == 0][0])
    (900, 49500.0, 11.0)
    """
    x0, y0, x1, y1 = comuni.total_bounds
    width = int(np.ceil((x1 - x0) / cell_m))
    height = int(np.ceil((y1 - y0) / cell_m))
    transform = from_origin(x0, y1, cell_m, cell_m)
    labels = rasterize(
        ((g, i + 1) for i, g in enumerate(comuni.geometry.values)),
        out_shape=(height, width),
        transform=transform,
        fill=0,
        dtype="uint16",
    )
    rows, cols = np.nonzero(labels)
    zone = labels[rows, cols].astype(np.int64) - 1
    cells_per_zone = np.bincount(zone, minlength=len(comuni))
    residents_per_zone = population.reindex(comuni[KEY]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_cell = np.where(cells_per_zone > 0, residents_per_zone / cells_per_zone, 0.0)
    xs, ys = rasterio.transform.xy(transform, rows, cols)
    return PopulationGrid(
        np.column_stack([xs, ys]), per_cell[zone], zone, rows, cols, transform, (height, width)
    )


def raster_population_grid(
    values: np.ndarray,
    transform: rasterio.Affine,
    crs,
    comuni: gpd.GeoDataFrame,
    nodata: float | None = None,
) -> PopulationGrid:
    """Residents per cell from a population raster's array: its own cells, assigned to comuni.

    Cells with no data or no residents are dropped; each cell is assigned to the comune its
    centre lies in (:func:`territorio.spatial.assign_comune`); cells outside every comune are
    left out.

    Parameters
    ----------
    values
        Band 1 of the raster (residents per cell).
    transform, crs
        Its georeferencing.
    comuni
        ``pro_com_t`` and polygons (EPSG:32632).
    nodata
        The raster's nodata value.

    Examples
    --------
    >>> import territorio as tt
    >>> from rasterio.transform import from_origin
    >>> comuni = tt.datasets.synthetic_territory().comuni
    >>> x0, _, _, y1 = comuni.total_bounds
    >>> values = np.array([[10.0, 0.0], [5.0, 2.5]])
    >>> grid = raster_population_grid(values, from_origin(x0, y1, 500, 500), comuni.crs, comuni)
    >>> float(grid.residents.sum()), sorted(set(grid.zone.tolist()))  # the north-west comune
    (17.5, [6])
    """
    data = np.asarray(values, dtype=float).copy()
    if nodata is not None:
        data[data == nodata] = 0.0
    data[~np.isfinite(data)] = 0.0
    rows, cols = np.nonzero(data > 0)
    xs, ys = rasterio.transform.xy(transform, rows, cols)
    points = gpd.GeoSeries(shapely.points(xs, ys), crs=crs).to_crs(comuni.crs)
    codes = assign_comune(points, comuni)
    index = pd.Index(comuni[KEY]).get_indexer(codes)
    inside = index >= 0
    xy = shapely.get_coordinates(points.values)
    return PopulationGrid(xy[inside], data[rows, cols][inside], index[inside])
