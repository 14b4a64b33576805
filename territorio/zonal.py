"""Zonal statistics of rasters per comune (consumed hectares, sums such as residents).

A raster is any object with ``profile``, ``nodata``, ``dtypes`` and ``read(1, window=…)``:
an open rasterio dataset (streamed block by block) or an :class:`ArrayRaster` built from a
numpy array. Opening files is :func:`territorio.readers.open_raster`.

The zones are rasterised once on the raster grid (pixel centres), restricted to the window
that covers them; each raster is then read in row blocks and counted with one ``bincount``
per block over a combined key ``zone * 3 + state`` (state: 0 nodata, 1 not consumed,
2 consumed). Memory is bounded by the zone window (2 bytes per pixel) plus one block.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio.errors import RasterioError
from rasterio.features import rasterize
from rasterio.windows import Window, from_bounds

from territorio.codes import KEY
from territorio.errors import CRSError, Said, TerritorioError, UnreadableFileError


class GridMismatchError(TerritorioError):
    """Rasters of one series that do not share the same grid."""


class RasterSource(Protocol):
    """What the zonal functions read: a rasterio dataset or an :class:`ArrayRaster`."""

    profile: Any
    nodata: Any
    dtypes: Any

    def read(self, indexes: int, window: Window | None = None) -> np.ndarray:
        """Band ``indexes`` (1) of the window."""
        ...


@dataclass(frozen=True)
class ArrayRaster:
    """A single-band raster held in memory, readable like a rasterio dataset.

    Attributes
    ----------
    data
        The band, shape (rows, cols).
    transform
        Affine transform of the grid.
    crs
        Its CRS (a projected, metric one for hectares).
    nodata
        Value meaning no data, if any.
    name
        Label used when none is given (like a file name).

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> raster = ArrayRaster(np.ones((2, 3)), from_origin(0, 20, 10, 10), "EPSG:32632")
    >>> raster.read(1, window=Window(1, 0, 2, 1)).tolist()
    [[1.0, 1.0]]
    """

    data: np.ndarray
    transform: rasterio.Affine
    crs: Any
    nodata: float | None = None
    name: str = "raster"

    @property
    def profile(self) -> dict:
        """Grid of the raster, as rasterio gives it."""
        from rasterio.crs import CRS

        return {
            "crs": CRS.from_user_input(self.crs),
            "transform": self.transform,
            "width": self.data.shape[1],
            "height": self.data.shape[0],
            "nodata": self.nodata,
            "dtype": str(self.data.dtype),
        }

    @property
    def dtypes(self) -> tuple[str]:
        """Data type of the band."""
        return (str(self.data.dtype),)

    @property
    def height(self) -> int:
        """Rows of the grid."""
        return int(self.data.shape[0])

    @property
    def width(self) -> int:
        """Columns of the grid."""
        return int(self.data.shape[1])

    def read(
        self,
        indexes: int = 1,
        window: Window | None = None,
        out_shape: tuple[int, int] | None = None,
    ) -> np.ndarray:
        """The band, or the part of it in ``window``, or the band decimated to ``out_shape``."""
        if out_shape is not None:
            rows = np.linspace(0, self.height - 1, out_shape[0]).round().astype(int)
            cols = np.linspace(0, self.width - 1, out_shape[1]).round().astype(int)
            return self.data[np.ix_(rows, cols)]
        if window is None:
            return self.data
        (r0, r1), (c0, c1) = window.toranges()
        return self.data[r0:r1, c0:c1]


@dataclass(frozen=True)
class ConsumedRule:
    """Which pixel values count as consumed.

    Attributes
    ----------
    values
        Pixel values meaning consumed (ISPRA's national map: 1).
    threshold
        For an imperviousness raster (0-100): consumed where value ≥ threshold. When set,
        ``values`` is ignored.

    Examples
    --------
    >>> (
    ...     ConsumedRule().classify(np.array([0, 1, 2])).tolist(),
    ...     ConsumedRule(threshold=30).classify(np.array([10, 30, 80])).tolist(),
    ... )
    ([False, True, False], [False, True, True])
    """

    values: tuple[int, ...] = (1,)
    threshold: float | None = None

    def classify(self, data: np.ndarray) -> np.ndarray:
        """Boolean array: consumed pixels."""
        if self.threshold is not None:
            return data >= self.threshold
        if len(self.values) == 1:
            return data == self.values[0]
        return np.isin(data, self.values)


@dataclass(frozen=True)
class ZoneGrid:
    """Zones rasterised on a raster grid window."""

    labels: np.ndarray  # 0 = outside every zone, i + 1 = zone i
    window: Window
    pixel_area_m2: float
    zone_area_m2: np.ndarray


def zone_grid(zones: gpd.GeoDataFrame, profile: dict) -> ZoneGrid:
    """Rasterise ``zones`` on the grid of ``profile`` (rasterio profile), once.

    Zones are reprojected to the raster CRS when they differ; the raster is never warped.

    Raises
    ------
    CRSError
        If the raster has no CRS or a geographic one (pixel areas would not be metric).
    """
    crs = profile.get("crs")
    if crs is None:
        raise CRSError("the raster has no coordinate reference system")
    if not crs.is_projected:
        raise CRSError(
            f"the raster CRS {crs.to_string()} is geographic; zonal hectares need a projected "
            "metric CRS (e.g. EPSG:32632 or EPSG:3035)"
        )
    zones = zones.to_crs(crs) if zones.crs != crs else zones
    transform = profile["transform"]
    full = Window(0, 0, profile["width"], profile["height"])
    window = from_bounds(*zones.total_bounds, transform=transform)
    window = window.round_offsets(op="floor").round_lengths(op="ceil")
    try:
        window = window.intersection(full)
    except rasterio.errors.WindowError:
        window = Window(0, 0, 0, 0)  # zones entirely outside the raster
    height, width = int(window.height), int(window.width)
    dtype = "uint16" if len(zones) < 65_535 else "uint32"
    if height and width:
        labels = rasterize(
            ((geom, i + 1) for i, geom in enumerate(zones.geometry.values)),
            out_shape=(height, width),
            transform=rasterio.windows.transform(window, transform),
            fill=0,
            dtype=dtype,
        )
    else:
        labels = np.zeros((0, 0), dtype=dtype)
    pixel_area = abs(transform.a * transform.e - transform.b * transform.d)
    return ZoneGrid(labels, window, pixel_area, zones.geometry.area.to_numpy())


def _grid_signature(profile: dict) -> tuple:
    return (profile["crs"], tuple(profile["transform"])[:6], profile["width"], profile["height"])


def sample_values(src, max_pixels: int = 1_000_000) -> np.ndarray:
    """Valid pixel values of band 1 read on a decimated grid (for a plausibility check).

    Examples
    --------
    >>> import numpy as np
    >>> from rasterio.transform import from_origin
    >>> raster = ArrayRaster(
    ...     np.array([[0, 1], [255, 1]], dtype="uint8"),
    ...     from_origin(0, 20, 10, 10),
    ...     "EPSG:32632",
    ...     nodata=255,
    ... )
    >>> sample_values(raster).tolist()
    [0.0, 1.0, 1.0]
    """
    height, width = src.height, src.width
    step = max(1, int(np.ceil(np.sqrt(height * width / max_pixels))))
    shape = (max(1, height // step), max(1, width // step))
    try:
        data = np.asarray(src.read(1, out_shape=shape), dtype=float)
    except RasterioError as exc:
        raise UnreadableFileError(
            Path(getattr(src, "name", "raster")),
            "a complete raster",
            Said(f"truncated or damaged ({exc})", f"troncato o danneggiato ({exc})"),
        ) from None
    valid = np.isfinite(data)
    if src.nodata is not None:
        valid &= data != src.nodata
    return data[valid]


def _blocks(src, grid: ZoneGrid, block_rows: int):
    """Yield ``(labels, data)`` for each block of rows of the zone window."""
    for start in range(0, grid.labels.shape[0], block_rows):
        stop = min(start + block_rows, grid.labels.shape[0])
        window = Window(
            grid.window.col_off, grid.window.row_off + start, grid.window.width, stop - start
        )
        try:
            data = src.read(1, window=window)
        except RasterioError as exc:  # a truncated GeoTIFF opens, then fails on a block
            raise UnreadableFileError(
                Path(getattr(src, "name", "raster")),
                "a complete raster",
                Said(f"truncated or damaged ({exc})", f"troncato o danneggiato ({exc})"),
            ) from None
        yield grid.labels[start:stop], data


def count_raster(
    src: RasterSource, grid: ZoneGrid, rule: ConsumedRule, block_rows: int = 1024
) -> np.ndarray:
    """Pixel counts per zone and state for one raster: array ``(zones + 1, 3)``.

    Columns: nodata, not consumed, consumed; row 0 is outside every zone.
    """
    n = int(grid.labels.max(initial=0)) if grid.labels.size else 0
    n = max(n, len(grid.zone_area_m2))
    counts = np.zeros((n + 1) * 3, dtype=np.int64)
    if not grid.labels.size:
        return counts.reshape(n + 1, 3)
    nodata = src.nodata
    for labels, data in _blocks(src, grid, block_rows):
        state = 1 + rule.classify(data).astype(np.uint8)
        if nodata is not None:
            invalid = np.isnan(data) if np.isnan(nodata) else data == nodata
            state[invalid] = 0
        if src.dtypes[0].startswith("float"):
            state[np.isnan(data)] = 0
        key = labels.astype(np.int64) * 3 + state
        counts += np.bincount(key.ravel(), minlength=counts.size)
    return counts.reshape(n + 1, 3)


def zonal_consumed(
    rasters: Sequence[RasterSource],
    zones: gpd.GeoDataFrame,
    *,
    labels: Sequence[str | int] | None = None,
    rule: ConsumedRule | None = None,
    workers: int = 2,
    block_rows: int = 1024,
) -> pd.DataFrame:
    """Consumed hectares per zone for each raster of a series.

    Parameters
    ----------
    rasters
        Rasters on one grid (e.g. one per year): open rasterio datasets or
        :class:`ArrayRaster`.
    zones
        Polygons with ``pro_com_t``.
    labels
        One label per raster (e.g. the year); default the file stems (``name``).
    rule
        Which values are consumed (default: value 1, ISPRA's national map).
    workers
        Rasters counted in parallel (threads: reading and counting release the GIL).
    block_rows
        Rows per block read: bounds memory.

    Returns
    -------
    pandas.DataFrame
        Long table: ``pro_com_t``, ``label``, ``consumed_ha``, ``valid_ha`` (covered by data),
        ``covered_share`` (valid area over the zone area, 0-1).

    Raises
    ------
    GridMismatchError
        If the rasters do not share CRS, transform and size.
    CRSError
        If the grid's CRS is missing or geographic.

    Examples
    --------
    >>> import territorio as tt
    >>> from rasterio.transform import from_origin
    >>> comuni = tt.datasets.synthetic_territory().comuni
    >>> x0, _, _, y1 = comuni.total_bounds
    >>> data = np.zeros((300, 300), dtype="uint8")
    >>> data[:100, :50] = 1  # half of the north-west comune (1 km², 10 m pixels) consumed
    >>> raster = tt.ArrayRaster(data, from_origin(x0, y1, 10, 10), "EPSG:32632")
    >>> table = tt.zonal_consumed([raster], comuni, labels=[2024])
    >>> row = table.set_index("pro_com_t").loc["015007"]
    >>> float(row["consumed_ha"]), float(row["covered_share"])
    (50.0, 1.0)
    """
    rule = rule or ConsumedRule()
    sources = list(rasters)
    names = [str(getattr(src, "name", "") or f"raster_{i + 1}") for i, src in enumerate(sources)]
    labels = list(labels) if labels is not None else [PurePath(n).stem for n in names]
    if len(labels) != len(sources):
        raise TerritorioError(f"{len(sources)} rasters but {len(labels)} labels")
    profiles = [src.profile for src in sources]
    reference = _grid_signature(profiles[0])
    for name, profile in zip(names[1:], profiles[1:], strict=True):
        if _grid_signature(profile) != reference:
            raise GridMismatchError(
                f"{name}: grid differs from {names[0]} (CRS, transform or size); resample the "
                "series on one grid before comparing years"
            )
    grid = zone_grid(zones, profiles[0])
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(lambda src: count_raster(src, grid, rule, block_rows), sources))
    hectares = grid.pixel_area_m2 / 10_000.0
    codes = zones[KEY].to_numpy()
    frames = []
    for label, counts in zip(labels, results, strict=True):
        per_zone = counts[1 : len(codes) + 1]
        valid = per_zone[:, 1] + per_zone[:, 2]
        frames.append(
            pd.DataFrame(
                {
                    KEY: codes,
                    "label": label,
                    "consumed_ha": per_zone[:, 2] * hectares,
                    "valid_ha": valid * hectares,
                    "covered_share": np.minimum(
                        1.0, valid * grid.pixel_area_m2 / grid.zone_area_m2
                    ),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def zonal_sum(raster: RasterSource, zones: gpd.GeoDataFrame, block_rows: int = 1024) -> np.ndarray:
    """Sum of valid raster values per zone (e.g. residents of a population grid).

    Zones are rasterised once on the raster grid (pixel centres; reprojected to the raster CRS
    when needed) and summed block by block with one weighted ``bincount``; nodata counts 0.

    Returns
    -------
    numpy.ndarray
        One sum per row of ``zones``.

    Examples
    --------
    >>> import territorio as tt
    >>> from rasterio.transform import from_origin
    >>> comuni = tt.datasets.synthetic_territory().comuni
    >>> x0, _, _, y1 = comuni.total_bounds
    >>> people = tt.ArrayRaster(np.full((30, 30), 2.0), from_origin(x0, y1, 100, 100), 32632)
    >>> tt.zonal_sum(people, comuni)[:3].tolist()  # 100 cells of 100 m per km² comune
    [200.0, 200.0, 200.0]
    """
    return zonal_sum_valid(raster, zones, block_rows)[0]


def zonal_sum_valid(
    raster: RasterSource, zones: gpd.GeoDataFrame, block_rows: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of valid values and valid area (m²) per zone, in one pass.

    The valid area is the number of pixels with data whose centre lies in the zone, times the
    pixel area: the denominator of a share that ignores no-data holes.

    Examples
    --------
    >>> import territorio as tt
    >>> from rasterio.transform import from_origin
    >>> comuni = tt.datasets.synthetic_territory().comuni
    >>> x0, _, _, y1 = comuni.total_bounds
    >>> data = np.full((30, 30), 5000.0)
    >>> data[20, 0] = -1.0  # one 100 m pixel of the south-west comune without data
    >>> raster = tt.ArrayRaster(data, from_origin(x0, y1, 100, 100), 32632, nodata=-1.0)
    >>> sums, valid_m2 = zonal_sum_valid(raster, comuni)
    >>> float(sums[0]), float(valid_m2[0]), float(valid_m2[1])
    (495000.0, 990000.0, 1000000.0)
    """
    grid = zone_grid(zones, raster.profile)
    sums = np.zeros(len(zones) + 1)
    counts = np.zeros(len(zones) + 1)
    if not grid.labels.size:
        return sums[1:], counts[1:]
    nodata = raster.nodata
    for labels, block in _blocks(raster, grid, block_rows):
        data = block.astype(float)
        invalid = np.isnan(data)
        if nodata is not None and not np.isnan(nodata):
            invalid |= data == nodata
        data[invalid] = 0.0
        sums += np.bincount(labels.ravel(), weights=data.ravel(), minlength=sums.size)
        counts += np.bincount(labels.ravel(), weights=(~invalid).ravel(), minlength=sums.size)
    return sums[1:], counts[1:] * grid.pixel_area_m2
