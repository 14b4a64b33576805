"""Where residents are: one population model for every theme.

ISTAT gives residents per comune; a population grid (GHSL, a census grid, any polygon or raster
layer with a population column or band) says where inside the comune they live. The model
distributes each comune's ISTAT residents over the cells of an analysis grid in proportion to
the grid's population density (dasymetric), so comune totals equal ISTAT exactly; a comune
where the grid has nobody gets its residents spread evenly. Access, bike access to schools,
5G coverage and 5G siting all take the :class:`PopulationGrid` the model builds, so a better
grid changes every theme at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.transform import from_origin
from rasterio.warp import Resampling, reproject

from territorio.codes import KEY
from territorio.errors import InvalidValueError, MissingColumnError, TerritorioError
from territorio.zonal import ArrayRaster

UNIFORM_LABEL = {
    "it": "residenti ISTAT uniformi nel comune",
    "en": "ISTAT residents spread evenly in the comune",
}


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
        Where the cells lie on their raster grid (for grids built on a raster grid).
    model
        Which population model placed the residents, per language (``it``, ``en``).
    uniform_zones
        Indices of the comuni whose residents were spread evenly (no grid population).

    Examples
    --------
    >>> grid = PopulationGrid(
    ...     np.array([[0.0, 0.0], [50.0, 0.0]]), np.array([3.0, 1.0]), np.array([0, 0])
    ... )
    >>> float(grid.residents.sum()), grid.model["en"]
    (4.0, 'ISTAT residents spread evenly in the comune')
    """

    xy: np.ndarray
    residents: np.ndarray
    zone: np.ndarray
    rows: np.ndarray | None = None
    cols: np.ndarray | None = None
    transform: rasterio.Affine | None = None
    shape: tuple[int, int] | None = None
    model: dict[str, str] = field(default_factory=lambda: dict(UNIFORM_LABEL))
    uniform_zones: tuple[int, ...] = ()

    def residents_raster(self) -> ArrayRaster:
        """The residents as an in-memory raster on the grid (for :func:`territorio.zonal_sum`).

        Examples
        --------
        >>> import territorio as tt
        >>> territory = tt.datasets.synthetic_territory()
        >>> grid = tt.uniform_population_grid(territory.comuni, territory.population(), 100.0)
        >>> raster = grid.residents_raster()
        >>> float(raster.data.sum()) == float(grid.residents.sum())
        True
        """
        if self.transform is None or self.shape is None:
            raise TerritorioError("this population grid has no raster grid (rows, cols)")
        data = np.zeros(self.shape)
        data[self.rows, self.cols] = self.residents
        return ArrayRaster(data, self.transform, "EPSG:32632", None, self.model.get("it", ""))

    def label_polygons(self, labels: np.ndarray, mask: np.ndarray) -> gpd.GeoDataFrame:
        """Polygons of the masked cells with equal label, one (multi)polygon per label.

        Traced on the grid's raster (``rasterio.features.shapes``): no buffer-and-union.

        Examples
        --------
        >>> import territorio as tt
        >>> territory = tt.datasets.synthetic_territory()
        >>> grid = tt.uniform_population_grid(territory.comuni, territory.population(), 100.0)
        >>> parts = grid.label_polygons(grid.zone, grid.zone < 2)
        >>> parts["label"].tolist(), [round(a / 1e6, 2) for a in parts.area]  # two 1 km² comuni
        ([0, 1], [1.0, 1.0])
        """
        from rasterio.features import shapes

        if self.transform is None or self.shape is None:
            raise TerritorioError("this population grid has no raster grid (rows, cols)")
        raster = np.full(self.shape, -1, dtype="int32")
        raster[self.rows, self.cols] = np.where(mask, labels, -1)
        pieces = [
            (shapely.geometry.shape(geom), int(value))
            for geom, value in shapes(raster, mask=raster >= 0, transform=self.transform)
        ]
        frame = gpd.GeoDataFrame(
            {"label": [v for _, v in pieces]},
            geometry=[g for g, _ in pieces],
            crs="EPSG:32632",
        )
        return frame.dissolve("label", as_index=False) if pieces else frame


class Density(Protocol):
    """A population surface that can be sampled on any analysis grid."""

    label: dict[str, str]

    def on_grid(self, transform: rasterio.Affine, shape: tuple[int, int]) -> np.ndarray:
        """People per m² at each cell of the grid (0 where the source has nobody or no data)."""
        ...


@dataclass(frozen=True)
class PolygonDensity:
    """Population of polygons (e.g. H3 hexagons, census sections) as a density surface.

    Each polygon's population is spread evenly over its own area; a cell takes the density of
    the polygon containing its centre.

    Parameters
    ----------
    polygons
        Polygons in EPSG:32632.
    population
        Population of each polygon (same order).
    label
        Name of the source per language.

    Examples
    --------
    >>> import shapely
    >>> from rasterio.transform import from_origin
    >>> squares = [shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)]
    >>> density = PolygonDensity(squares, np.array([10.0, 0.0]), {"it": "prova"})
    >>> density.on_grid(from_origin(0, 100, 50, 50), (2, 4)).tolist()[0]
    [0.001, 0.001, 0.0, 0.0]
    """

    polygons: object
    population: np.ndarray
    label: dict[str, str]

    def on_grid(self, transform: rasterio.Affine, shape: tuple[int, int]) -> np.ndarray:
        """People per m² of the polygon containing each cell centre."""
        geoms = np.asarray(gpd.GeoSeries(self.polygons).values)
        area = shapely.area(geoms)
        values = np.asarray(self.population, dtype=float)
        keep = (area > 0) & np.isfinite(values) & (values > 0)
        if not keep.any():
            return np.zeros(shape)
        density = values[keep] / area[keep]
        return rasterize(
            zip(geoms[keep], density, strict=True),
            out_shape=shape,
            transform=transform,
            fill=0.0,
            dtype="float64",
        )


@dataclass(frozen=True)
class RasterDensity:
    """A population raster (people per pixel) as a density surface.

    Sampled on the analysis grid by nearest pixel after reprojection; nodata counts 0.

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> counts = np.array([[40.0, 0.0]])  # people per 100 m pixel
    >>> density = RasterDensity(counts, from_origin(0, 100, 100, 100), "EPSG:32632", None, {})
    >>> density.on_grid(from_origin(0, 100, 50, 50), (2, 4)).tolist()[1]
    [0.004, 0.004, 0.0, 0.0]
    """

    values: np.ndarray
    transform: rasterio.Affine
    crs: object
    nodata: float | None
    label: dict[str, str]

    def on_grid(self, transform: rasterio.Affine, shape: tuple[int, int]) -> np.ndarray:
        """People per m² of the pixel nearest each cell centre (after reprojection)."""
        data = np.asarray(self.values, dtype="float64").copy()
        if self.nodata is not None:
            data[data == self.nodata] = 0.0
        data[~np.isfinite(data) | (data < 0)] = 0.0
        t = self.transform
        pixel_m2 = abs(t.a * t.e - t.b * t.d)
        target = np.zeros(shape)
        reproject(
            data / pixel_m2,
            target,
            src_transform=self.transform,
            src_crs=self.crs,
            dst_transform=transform,
            dst_crs="EPSG:32632",
            resampling=Resampling.nearest,
            src_nodata=None,
            dst_nodata=0.0,
        )
        return target


def model_label(density: Density | None) -> dict[str, str]:
    """How a grid built with ``density`` placed its residents, per language."""
    if density is None:
        return dict(UNIFORM_LABEL)
    return {
        "it": f"residenti ISTAT distribuiti secondo {density.label.get('it', 'la griglia')}",
        "en": f"ISTAT residents distributed by {density.label.get('en', 'the grid')}",
    }


def _analysis_cells(comuni: gpd.GeoDataFrame, cell_m: float):
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
    return transform, (height, width), rows, cols, zone


def dasymetric_population_grid(
    comuni: gpd.GeoDataFrame,
    population: pd.Series,
    cell_m: float = 50.0,
    density: Density | None = None,
) -> PopulationGrid:
    """ISTAT residents of each comune placed on grid cells in proportion to ``density``.

    The cells are those of a ``cell_m`` grid whose centre lies in a comune. In a comune where
    the density has people, cell residents are ``R · w / Σw`` (``R`` ISTAT residents, ``w`` the
    density at the cell), so the comune total is ``R`` exactly; where it has nobody (or
    ``density`` is None) residents are spread evenly over the comune's cells.

    Parameters
    ----------
    comuni
        ``pro_com_t`` and polygons (EPSG:32632).
    population
        ISTAT residents by ``pro_com_t``.
    cell_m
        Cell size of the analysis grid.
    density
        :class:`PolygonDensity` or :class:`RasterDensity`; None = uniform.

    Examples
    --------
    >>> import shapely, territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> west = territory.comuni.geometry.iloc[0]  # a comune with people only in its west half
    >>> x0, y0, x1, y1 = west.bounds
    >>> hot = PolygonDensity([shapely.box(x0, y0, (x0 + x1) / 2, y1)], np.array([1.0]), {})
    >>> grid = dasymetric_population_grid(territory.comuni, territory.population(), 100.0, hot)
    >>> zone0 = grid.zone == 0
    >>> round(float(grid.residents[zone0].sum()), 6) == float(territory.population().iloc[0])
    True
    >>> int((grid.residents[zone0] > 0).sum()), int(zone0.sum()), len(grid.uniform_zones)
    (50, 100, 8)
    """
    transform, shape, rows, cols, zone = _analysis_cells(comuni, cell_m)
    n = len(comuni)
    residents_per_zone = population.reindex(comuni[KEY]).to_numpy(dtype=float)
    cells_per_zone = np.bincount(zone, minlength=n)
    if density is None:
        weight = np.zeros(len(zone))
    else:
        weight = np.nan_to_num(density.on_grid(transform, shape)[rows, cols], nan=0.0)
        weight = np.maximum(weight, 0.0)
    weight_per_zone = np.bincount(zone, weights=weight, minlength=n)
    uniform = weight_per_zone <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        even = np.where(cells_per_zone > 0, residents_per_zone / cells_per_zone, 0.0)
        share = np.where(uniform[zone], 0.0, weight / weight_per_zone[zone])
    per_cell = np.where(uniform[zone], even[zone], residents_per_zone[zone] * share)
    per_cell = np.nan_to_num(per_cell, nan=0.0)
    xs, ys = rasterio.transform.xy(transform, rows, cols)
    return PopulationGrid(
        np.column_stack([xs, ys]),
        per_cell,
        zone,
        rows,
        cols,
        transform,
        shape,
        model_label(density),
        tuple(int(i) for i in np.flatnonzero(uniform)) if density is not None else (),
    )


def uniform_population_grid(
    comuni: gpd.GeoDataFrame, population: pd.Series, cell_m: float = 50.0
) -> PopulationGrid:
    """Spread each comune's residents evenly over the grid cells whose centre lies in it.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> grid = tt.uniform_population_grid(territory.comuni, territory.population(), cell_m=100.0)
    >>> len(grid.residents), float(grid.residents.sum()) == float(territory.population().sum())
    (900, True)
    """
    return dasymetric_population_grid(comuni, population, cell_m, None)


class PopulationModel:
    """ISTAT residents of one year placed by a density surface, on grids built on demand.

    Parameters
    ----------
    comuni
        ``pro_com_t`` and polygons (EPSG:32632).
    population
        ISTAT residents by ``pro_com_t`` for ``year``.
    year
        The ISTAT year.
    density
        Where people live inside a comune; None = evenly.
    source
        The layer id or file of the density, for the sources of every column that uses it.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> model = tt.PopulationModel(territory.comuni, territory.population(), 2024)
    >>> model.grid(100.0) is model.grid(100.0), model.label("en")
    (True, 'ISTAT residents spread evenly in the comune (1/1/2024)')
    """

    def __init__(
        self,
        comuni: gpd.GeoDataFrame,
        population: pd.Series,
        year: int,
        density: Density | None = None,
        source: str = "",
    ) -> None:
        self.comuni = comuni
        self.population = population
        self.year = year
        self.density = density
        self.source = source
        self._grids: dict[float, PopulationGrid] = {}

    def grid(self, cell_m: float) -> PopulationGrid:
        """The population grid at ``cell_m`` (built once per cell size)."""
        key = float(cell_m)
        if key not in self._grids:
            self._grids[key] = dasymetric_population_grid(
                self.comuni, self.population, key, self.density
            )
        return self._grids[key]

    @property
    def sources(self) -> tuple[str, ...]:
        """Sources of a resident count: ISTAT and, if any, the density layer or file."""
        return ("istat_popolazione", self.source) if self.source else ("istat_popolazione",)

    def label(self, lang: str = "it") -> str:
        """What placed the residents, with the ISTAT year, for notes and dictionaries."""
        text = model_label(self.density)
        return f"{text.get(lang, text['it'])} (1/1/{self.year})"

    def uniform_codes(self, cell_m: float | None = None) -> list[str]:
        """Comuni spread evenly because the grid has nobody there.

        On the ``cell_m`` grid; by default a grid already built, else the 50 m one that access
        and 5G use by default (so no extra grid is built for this question).
        """
        if cell_m is None:
            cell_m = next(iter(self._grids), 50.0)
        grid = self.grid(cell_m)
        codes = self.comuni[KEY].to_numpy()
        return [str(codes[i]) for i in grid.uniform_zones]


def polygon_density(
    frame: gpd.GeoDataFrame, column: str, label: dict[str, str], *, source: str = "grid"
) -> PolygonDensity:
    """Validate a polygon population layer and make it a density surface.

    Raises
    ------
    MissingColumnError
        If ``column`` is absent.
    InvalidValueError
        At the first row whose population is not a number ≥ 0 or whose geometry is not a
        polygon.

    Examples
    --------
    >>> import shapely
    >>> frame = gpd.GeoDataFrame({"pop": [5.0, -1.0]}, geometry=[shapely.box(0, 0, 1, 1)] * 2)
    >>> polygon_density(frame, "pop", {}, source="hex.gpkg")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    territorio.errors.InvalidValueError: hex.gpkg: row 2, column 'pop': ... population count ≥ 0
    """
    if column not in frame.columns:
        raise MissingColumnError(source, [column], [c for c in frame.columns if c != "geometry"])
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InvalidValueError(
            source, row + 1, column, frame[column].iloc[row], "a population count ≥ 0"
        )
    kinds = frame.geometry.geom_type.to_numpy()
    wrong = ~np.isin(kinds, ["Polygon", "MultiPolygon"])
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise InvalidValueError(source, row + 1, "geometry", kinds[row], "a polygon")
    return PolygonDensity(frame.geometry.values, values.to_numpy(dtype=float), label)
