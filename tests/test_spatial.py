"""The one point-in-comune rule: covered-by, ties to the declared comune, else the lowest code."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from territorio.datasets import ORIGIN_X, ORIGIN_Y, comuni_frame
from territorio.services.facilities import locate
from territorio.spatial import assign_comune


def brute_force(points, comuni, declared=None):
    """Oracle: test every comune with shapely covers, then apply the documented tie rule."""
    out = []
    for i, point in enumerate(points):
        hits = sorted(
            c for c, g in zip(comuni["pro_com_t"], comuni.geometry, strict=True) if g.covers(point)
        )
        if declared is not None and declared[i] in hits:
            out.append(declared[i])
        else:
            out.append(hits[0] if hits else None)
    return out


def test_border_vertex_interior_and_outside_points():
    comuni = comuni_frame()
    x, y = ORIGIN_X, ORIGIN_Y
    points = [
        shapely.Point(x + 1000, y + 500),  # edge shared by 015001 and 015002
        shapely.Point(x + 1000, y + 1000),  # vertex of four comuni: 015001, 2, 4, 5
        shapely.Point(x + 2500, y + 2500),  # inside 015009
        shapely.Point(x, y + 500),  # on the outer boundary of 015001
        shapely.Point(x - 1, y + 500),  # outside
    ]
    got = assign_comune(points, comuni)
    assert got.tolist() == ["015001", "015001", "015009", "015001", None]
    assert got.tolist() == brute_force(points, comuni)


def test_declared_comune_breaks_ties_only_among_covering_comuni():
    comuni = comuni_frame()
    x, y = ORIGIN_X, ORIGIN_Y
    points = [
        shapely.Point(x + 1000, y + 1000),  # four comuni share this vertex
        shapely.Point(x + 1000, y + 1000),
        shapely.Point(x + 500, y + 500),  # interior of 015001: the declaration cannot move it
        shapely.Point(x + 1000, y + 500),
    ]
    declared = ["015005", "015009", "015002", None]
    got = assign_comune(points, comuni, declared)
    assert got.tolist() == ["015005", "015001", "015001", "015001"]
    assert got.tolist() == brute_force(points, comuni, declared)


def test_random_points_on_and_off_borders_match_the_oracle():
    comuni = comuni_frame()
    rng = np.random.default_rng(7)
    # a third of the points on the 500 m lattice that includes every border and vertex
    lattice = rng.integers(-1, 8, size=(60, 2)) * 500.0
    free = rng.uniform(-300, 3300, size=(120, 2))
    xy = np.vstack([lattice, free]) + np.array([ORIGIN_X, ORIGIN_Y])
    points = shapely.points(xy)
    declared = rng.choice(comuni["pro_com_t"].to_numpy(), size=len(points))
    assert assign_comune(points, comuni).tolist() == brute_force(points, comuni)
    assert assign_comune(points, comuni, declared).tolist() == brute_force(points, comuni, declared)


def test_a_facility_on_a_border_is_kept_in_its_declared_comune():
    # with "within" this pharmacy lay in no comune and was reported outside the CMM
    comuni = comuni_frame()
    pharmacy = gpd.GeoDataFrame(
        {"com_istat_code": ["015002"]},
        geometry=[shapely.Point(ORIGIN_X + 1000, ORIGIN_Y + 500)],
        crs=32632,
    )
    located = locate(pharmacy, comuni, "com_istat_code")
    assert located[["comune_geo", "fuori_cmm", "comune_diverso"]].values.tolist() == [
        ["015002", False, False]
    ]
