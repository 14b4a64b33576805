"""Which comune is a point in: the one rule every theme uses.

A point belongs to the comune whose polygon *covers* it (interior or boundary), so a point
exactly on a border is never dropped. A point on a border shared by several comuni goes to the
comune its source declares, when that is one of them, else to the lowest ISTAT code: a stable
rule that does not depend on the order of the layers.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY


def assign_comune(
    points: gpd.GeoSeries | gpd.GeoDataFrame | np.ndarray,
    comuni: gpd.GeoDataFrame,
    declared: Sequence[object] | pd.Series | None = None,
) -> np.ndarray:
    """ISTAT code of the comune each point lies in (``None`` outside every comune).

    Parameters
    ----------
    points
        Point geometries in the CRS of ``comuni``.
    comuni
        ``pro_com_t`` and non-overlapping polygons.
    declared
        The comune each point's source declares (same length as ``points``); used only to
        break ties between comuni that share the border the point lies on.

    Returns
    -------
    numpy.ndarray
        Object array of ``pro_com_t`` codes, ``None`` for points outside.

    Examples
    --------
    >>> import shapely, territorio as tt
    >>> comuni = tt.datasets.synthetic_territory().comuni
    >>> a, b = comuni.geometry.iloc[0], comuni.geometry.iloc[1]
    >>> border = shapely.intersection(a.boundary, b.boundary).centroid  # on the shared edge
    >>> inside = a.centroid
    >>> assign_comune([border, inside, shapely.Point(0, 0)], comuni).tolist()
    ['015001', '015001', None]
    >>> assign_comune([border], comuni, declared=["015002"]).tolist()
    ['015002']
    """
    if isinstance(points, gpd.GeoDataFrame):
        geoms = points.geometry.values
    elif isinstance(points, gpd.GeoSeries):
        geoms = points.values
    else:
        geoms = np.asarray(points, dtype=object)
    codes = comuni[KEY].to_numpy().astype(object)
    out = np.full(len(geoms), None, dtype=object)
    if not len(geoms):
        return out
    point, zone = shapely.STRtree(comuni.geometry.values).query(geoms, predicate="covered_by")
    if not len(point):
        return out
    if declared is None:
        not_declared = np.ones(len(point), dtype=np.int8)
    else:
        claim = np.asarray(pd.Series(list(declared)).astype(object).to_numpy())
        not_declared = (codes[zone] != claim[point]).astype(np.int8)
    # per point: the declared comune first, then the lowest code
    order = np.lexsort((codes[zone].astype(str), not_declared, point))
    point, zone = point[order], zone[order]
    first = np.ones(len(point), dtype=bool)
    first[1:] = point[1:] != point[:-1]
    out[point[first]] = codes[zone[first]]
    return out


def points_table(points: gpd.GeoDataFrame) -> pd.DataFrame:
    """Points as a plain table: their columns, then ``x`` and ``y`` in the frame's CRS.

    Examples
    --------
    >>> frame = gpd.GeoDataFrame({"nome": ["a"]}, geometry=[shapely.Point(1, 2)], crs=32632)
    >>> points_table(frame).values.tolist()
    [['a', 1.0, 2.0]]
    """
    table = pd.DataFrame(points.drop(columns=points.geometry.name))
    table["x"] = points.geometry.x.to_numpy()
    table["y"] = points.geometry.y.to_numpy()
    return table
