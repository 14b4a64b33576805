"""Boundary indicators per comune at any scale: area, population, points inside (pure).

Three ways to the same table, so that a national run can pick the one its size needs:

- :func:`boundary_indicators` — one pass over all comuni (an STRtree over the polygons);
- :func:`boundary_indicators_by_province` — one task per province (``cod_uts``), run by any
  ``mapper`` (in this process, or a Dask cluster through :mod:`territorio.scheduler`);
- :func:`point_counts_dask` — the point-in-polygon join with ``dask-geopandas``, partitioned
  points against the comuni, for joins too big for one process.

A point counts for the comune it lies in by the toolkit's one rule,
:func:`territorio.spatial.assign_comune` (on a shared border: the lowest code); the
per-province and Dask variants apply the same tie-break across provinces, so all three give
identical counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.network.tiles import Mapper, embedded_map
from territorio.spatial import assign_comune

PROVINCE = "cod_uts"
CHUNK = 1_000_000
BOUNDARY_COLUMNS = [KEY, PROVINCE, "superficie_poligono_km2", "popolazione", "punti"]


def boundary_indicators(
    comuni: gpd.GeoDataFrame, points_xy: np.ndarray, population: str | None = None
) -> pd.DataFrame:
    """Area, population and number of points inside each comune.

    Parameters
    ----------
    comuni
        Polygons in EPSG:32632 with ``pro_com_t`` and ``cod_uts``.
    points_xy
        Point coordinates (EPSG:32632), shape (n, 2).
    population
        Column of ``comuni`` with residents; absent or empty = "n.d." (NaN).

    Returns
    -------
    pandas.DataFrame
        :data:`BOUNDARY_COLUMNS`, one row per comune sorted by ``pro_com_t``.

    Examples
    --------
    >>> comuni = gpd.GeoDataFrame(
    ...     {"pro_com_t": ["015001", "098001"], "cod_uts": [215, 98], "pop": [1000, None]},
    ...     geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 3000, 1000)],
    ...     crs=32632,
    ... )
    >>> xy = np.array([[500.0, 500], [1500, 500], [2500, 500], [1000, 500]])  # last: border
    >>> boundary_indicators(comuni, xy, "pop").to_dict("list")  # the border: lowest code
    ... # doctest: +NORMALIZE_WHITESPACE
    {'pro_com_t': ['015001', '098001'], 'cod_uts': [215, 98],
     'superficie_poligono_km2': [1.0, 2.0], 'popolazione': [1000.0, nan], 'punti': [2, 2]}
    """
    geoms = comuni.geometry.values
    _, where = point_comuni(comuni, points_xy)
    counts = np.bincount(where, minlength=len(comuni)).astype(np.int64)
    if population and population in comuni.columns:
        residents = pd.to_numeric(comuni[population], errors="coerce").astype(float)
    else:
        residents = pd.Series(np.nan, index=comuni.index)
    table = pd.DataFrame(
        {
            KEY: comuni[KEY].astype(str).to_numpy(),
            PROVINCE: comuni[PROVINCE].astype(np.int64).to_numpy(),
            "superficie_poligono_km2": shapely.area(geoms) / 1e6,
            "popolazione": residents.to_numpy(),
            "punti": counts,
        }
    )
    return table.sort_values(KEY, kind="stable").reset_index(drop=True)


def point_comuni(comuni: gpd.GeoDataFrame, points_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points inside some comune and the row of ``comuni`` each lies in.

    :func:`territorio.spatial.assign_comune`, a million points at a time (memory stays flat
    at national scale).
    """
    codes = comuni[KEY].astype(str).to_numpy()
    row_of = pd.Index(codes)
    found, rows = [], []
    for start in range(0, len(points_xy), CHUNK):
        chunk = shapely.points(points_xy[start : start + CHUNK])
        code = assign_comune(chunk, comuni.assign(**{KEY: codes}))
        hit = np.flatnonzero(code != None)  # noqa: E711  (object array of codes or None)
        found.append(start + hit)
        rows.append(row_of.get_indexer(code[hit].astype(str)).astype(np.int64))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(found), np.concatenate(rows)


@dataclass(frozen=True)
class ProvinceTask:
    """One province's comuni and the points in its bounding box (pure data for a worker)."""

    province: int
    comuni: gpd.GeoDataFrame
    points_xy: np.ndarray
    point_ids: np.ndarray
    population: str | None


@dataclass(frozen=True)
class ProvinceResult:
    """A province's table without counts, and which of its points lie in which comune."""

    table: pd.DataFrame
    point_ids: np.ndarray
    codes: np.ndarray


def province_tasks(
    comuni: gpd.GeoDataFrame, points_xy: np.ndarray, population: str | None = None
) -> Iterable[ProvinceTask]:
    """One task per ``cod_uts``: its comuni and the points inside its box."""
    for province, part in comuni.groupby(PROVINCE, sort=True):
        x0, y0, x1, y1 = part.total_bounds
        inside = (
            (points_xy[:, 0] >= x0)
            & (points_xy[:, 0] <= x1)
            & (points_xy[:, 1] >= y0)
            & (points_xy[:, 1] <= y1)
        )
        ids = np.flatnonzero(inside)
        yield ProvinceTask(int(province), part, points_xy[ids], ids, population)


def solve_province(task: ProvinceTask) -> ProvinceResult:
    """One province: its comuni's table and its points' comuni (what a worker runs)."""
    table = boundary_indicators(task.comuni, np.zeros((0, 2)), task.population)
    found, rows = point_comuni(task.comuni, task.points_xy)
    codes = task.comuni[KEY].astype(str).to_numpy()[rows]
    return ProvinceResult(table, task.point_ids[found], codes)


def lowest_code_per_point(point_ids: np.ndarray, codes: np.ndarray) -> pd.Series:
    """Points per comune when a point may be claimed by several: the lowest code wins."""
    order = np.lexsort((codes.astype(str), point_ids))
    point_ids, codes = point_ids[order], codes[order]
    first = np.ones(len(point_ids), dtype=bool)
    first[1:] = point_ids[1:] != point_ids[:-1]
    return pd.Series(codes[first]).value_counts()


def boundary_indicators_by_province(
    comuni: gpd.GeoDataFrame,
    points_xy: np.ndarray,
    population: str | None = None,
    *,
    mapper: Mapper = embedded_map,
) -> pd.DataFrame:
    """:func:`boundary_indicators` province by province, each a task of ``mapper``.

    Examples
    --------
    >>> comuni = gpd.GeoDataFrame(
    ...     {"pro_com_t": ["015001", "098001"], "cod_uts": [215, 98]},
    ...     geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 3000, 1000)],
    ...     crs=32632,
    ... )
    >>> xy = np.array([[500.0, 500], [1500, 500], [2500, 500]])
    >>> boundary_indicators_by_province(comuni, xy)["punti"].tolist()
    [1, 2]
    """
    parts = mapper(solve_province, list(province_tasks(comuni, points_xy, population)))
    if not parts:
        return pd.DataFrame(columns=BOUNDARY_COLUMNS)
    table = pd.concat([p.table for p in parts], ignore_index=True)
    # a point on a border between provinces is claimed by both: the same rule as one pass
    counts = lowest_code_per_point(
        np.concatenate([p.point_ids for p in parts]), np.concatenate([p.codes for p in parts])
    )
    table["punti"] = table[KEY].map(counts).fillna(0).astype(np.int64)
    return table.sort_values(KEY, kind="stable").reset_index(drop=True)


def point_counts_dask(
    comuni: gpd.GeoDataFrame, points_xy: np.ndarray, *, npartitions: int = 8
) -> pd.Series:
    """Points inside each comune with ``dask-geopandas`` (partitioned spatial join).

    The points are split into ``npartitions`` spatially sorted partitions (Hilbert order) and
    each is joined to the comuni; Dask runs the partitions on the active distributed client if
    one is open (``--scheduler``), else on local threads.

    Examples
    --------
    >>> comuni = gpd.GeoDataFrame(
    ...     {"pro_com_t": ["015001", "098001"], "cod_uts": [215, 98]},
    ...     geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 3000, 1000)],
    ...     crs=32632,
    ... )
    >>> point_counts_dask(
    ...     comuni, np.array([[500.0, 500], [1500, 500], [2500, 500]]), npartitions=2
    ... ).tolist()
    [1, 2]
    """
    import dask_geopandas

    codes = comuni[KEY].astype(str)
    if not len(points_xy):
        return pd.Series(0, index=pd.Index(sorted(codes), name=KEY), name="punti")
    points = gpd.GeoDataFrame(geometry=shapely.points(points_xy), crs=comuni.crs)
    points["punto"] = np.arange(len(points))
    partitioned = dask_geopandas.from_geopandas(points, npartitions=npartitions)
    partitioned = partitioned.spatial_shuffle(by="hilbert")
    polygons = comuni[[KEY, "geometry"]].assign(**{KEY: codes})
    joined = dask_geopandas.sjoin(partitioned, polygons, predicate="covered_by")
    pairs = joined[["punto", KEY]].compute()
    counts = lowest_code_per_point(pairs["punto"].to_numpy(), pairs[KEY].to_numpy())
    counts = counts.reindex(sorted(codes), fill_value=0).astype(np.int64)
    counts.index.name, counts.name = KEY, "punti"
    return counts
