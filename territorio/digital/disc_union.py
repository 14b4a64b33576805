"""Exact area of a union of equal circles inside each zone, without polygonal discs.

Sites sharing one radius ``r`` cover the union of their discs. A covered point belongs to the
disc of its nearest site, so the union splits into disjoint convex pieces
``S_i = disc_i ∩ voronoi_cell_i``, each star-shaped around its own site. The covered area of a
zone ``K`` is ``Σ_i area(S_i ∩ K)``, and each term follows from Green's theorem (area is the
integral of ``ω = (x dy − y dx) / 2`` along the boundary, taken around the site):

``area(S ∩ K) = ∫ ω over the zone edges clipped to S
+ Σ F(entries) − Σ F(exits) + area(S) · [reference point of ∂S inside K]``

where ``F`` is the area of ``S`` swept from a reference angle (a closed form per cell edge: the
signed area of a disc ∩ triangle), "entries" and "exits" are the points where the zone's
boundary enters and leaves ``S``, and the last term accounts for the one boundary arc of ``S``
inside ``K`` that passes the reference point, if any. Everything is numpy over (site, zone
edge) pairs: no GEOS overlay, and circles are exact rather than n-gons.

Each pair's result is checked (``0 ≤ area(S ∩ K) ≤ area(S)``); sites that fail, which can only
happen in degenerate arrangements, are recomputed with polygons (:func:`polygon_fallback`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from territorio.digital.discs import nearest_site_pieces, split_by_zones, voronoi_cells

FALLBACK_QUAD_SEGS = 256
"""Disc resolution of the polygon fallback (1,024-gons of equal area)."""


def _cross(ax, ay, bx, by):
    return ax * by - ay * bx


def disc_triangle_area(ax, ay, bx, by, radius: float) -> np.ndarray:
    """Signed area of ``disc(0, radius) ∩ triangle(0, a, b)`` (positive when a→b turns left).

    The segment a→b is split where it crosses the circle: parts inside contribute the
    triangle with the origin, parts outside the circular sector they subtend.
    """
    dx, dy = bx - ax, by - ay
    qa = dx * dx + dy * dy
    qb = ax * dx + ay * dy
    qc = ax * ax + ay * ay - radius * radius
    disc = qb * qb - qa * qc
    hit = (disc > 0) & (qa > 0)
    root = np.sqrt(np.where(hit, disc, 0.0))
    safe = np.where(hit, qa, 1.0)
    t1 = np.where(hit, np.clip((-qb - root) / safe, 0.0, 1.0), 0.0)
    t2 = np.where(hit, np.clip((-qb + root) / safe, 0.0, 1.0), 0.0)
    p1x, p1y = ax + t1 * dx, ay + t1 * dy
    p2x, p2y = ax + t2 * dx, ay + t2 * dy

    def sector(ux, uy, vx, vy):
        return 0.5 * radius * radius * np.arctan2(_cross(ux, uy, vx, vy), ux * vx + uy * vy)

    return sector(ax, ay, p1x, p1y) + 0.5 * _cross(p1x, p1y, p2x, p2y) + sector(p2x, p2y, bx, by)


@dataclass(frozen=True)
class _Cells:
    """Voronoi cells as CCW vertex lists around their site (coordinates relative to it)."""

    start: np.ndarray  # first vertex of each site
    count: np.ndarray  # vertices per site
    vx: np.ndarray
    vy: np.ndarray
    ex: np.ndarray  # edge vector to the next vertex
    ey: np.ndarray
    key: np.ndarray  # site + angle, sorted: finds the edge a direction points at
    swept: np.ndarray  # area of S swept from vertex 0 to each vertex
    area: np.ndarray  # area of S per site


def _cells(xy: np.ndarray, radius: float) -> _Cells:
    n = len(xy)
    # cells have no holes: their coordinates are the exterior ring's, closing vertex included
    coords, site = shapely.get_coordinates(voronoi_cells(xy, radius), return_index=True)
    last = np.r_[site[1:] != site[:-1], True]  # closing vertex of each ring
    coords, site = coords[~last] - xy[site[~last]], site[~last]
    key = site * 8.0 + np.arctan2(coords[:, 1], coords[:, 0])  # angles span less than 8
    order = np.argsort(key)
    coords, site, key = coords[order], site[order], key[order]
    count = np.bincount(site, minlength=n)
    start = np.r_[0, np.cumsum(count)[:-1]]
    position = np.arange(len(site)) - start[site]
    following = start[site] + (position + 1) % count[site]
    vx, vy = coords[:, 0], coords[:, 1]
    ex, ey = vx[following] - vx, vy[following] - vy
    contribution = disc_triangle_area(vx, vy, vx[following], vy[following], radius)
    total = np.cumsum(contribution)
    swept = total - contribution - np.r_[0.0, total][start][site]
    area = np.bincount(site, weights=contribution, minlength=n)
    return _Cells(start, count, vx, vy, ex, ey, key, swept, area)


def _swept_area(cells: _Cells, site: np.ndarray, px, py, radius: float) -> np.ndarray:
    """Area of ``S_site`` swept from its vertex 0 to the direction of points (px, py) on ∂S."""
    key = site * 8.0 + np.arctan2(py, px)
    edge = np.searchsorted(cells.key, key, side="right") - 1
    before = edge < cells.start[site]  # direction before vertex 0: the closing edge
    edge = np.where(before, cells.start[site] + cells.count[site] - 1, edge)
    vx, vy, ex, ey = cells.vx[edge], cells.vy[edge], cells.ex[edge], cells.ey[edge]
    # the point on the cell edge in the same direction (the disc clips the sweep anyway)
    scale = _cross(vx, vy, ex, ey) / _cross(px, py, ex, ey)
    qx, qy = scale * px, scale * py
    return cells.swept[edge] + disc_triangle_area(vx, vy, qx, qy, radius)


@dataclass(frozen=True)
class _Edges:
    """Zone boundary segments, exterior rings CCW and holes CW (interior on the left)."""

    ax: np.ndarray
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    zone: np.ndarray


def _zone_edges(zones: np.ndarray) -> _Edges:
    parts, part_zone = shapely.get_parts(shapely.orient_polygons(zones), return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    return _Edges(a[:, 0], a[:, 1], b[:, 0], b[:, 1], part_zone[ring_part[ring[:-1][same]]])


def _candidate_pairs(xy: np.ndarray, radius: float, edges: _Edges) -> tuple[np.ndarray, ...]:
    """(site, edge) pairs whose bounding boxes overlap: the only edges that can meet a disc.

    Sites are binned in a grid of cells of side 2·radius; each edge looks up the grid cells its
    bounding box (grown by the radius) covers, then keeps the sites inside that box.
    """
    side = 2.0 * radius
    origin = xy.min(axis=0)
    cell = np.floor((xy - origin) / side).astype(np.int64)
    columns = int(cell[:, 0].max()) + 1
    rows_ = int(cell[:, 1].max()) + 1
    site_cell = cell[:, 1] * columns + cell[:, 0]
    by_cell = np.argsort(site_cell, kind="stable")
    cell_end = np.cumsum(np.bincount(site_cell, minlength=columns * rows_))
    cell_start = cell_end - np.bincount(site_cell, minlength=columns * rows_)

    x0 = np.minimum(edges.ax, edges.bx) - radius
    x1 = np.maximum(edges.ax, edges.bx) + radius
    y0 = np.minimum(edges.ay, edges.by) - radius
    y1 = np.maximum(edges.ay, edges.by) + radius
    i0 = np.clip(np.floor((x0 - origin[0]) / side), 0, columns - 1).astype(np.int64)
    i1 = np.clip(np.floor((x1 - origin[0]) / side), -1, columns - 1).astype(np.int64)
    j0 = np.clip(np.floor((y0 - origin[1]) / side), 0, rows_ - 1).astype(np.int64)
    j1 = np.clip(np.floor((y1 - origin[1]) / side), -1, rows_ - 1).astype(np.int64)
    width, height = np.maximum(i1 - i0 + 1, 0), np.maximum(j1 - j0 + 1, 0)
    # every (edge, grid cell) the grown box covers
    edge = np.repeat(np.arange(len(x0)), width * height)
    offset = np.arange(len(edge)) - np.repeat(
        np.cumsum(width * height) - width * height, width * height
    )
    grid = (j0[edge] + offset // width[edge]) * columns + i0[edge] + offset % width[edge]
    # every site of those grid cells
    count = cell_end[grid] - cell_start[grid]
    pair_edge = np.repeat(edge, count)
    first = np.repeat(cell_start[grid] - (np.cumsum(count) - count), count)
    site = by_cell[first + np.arange(len(pair_edge))]
    px, py = xy[site, 0], xy[site, 1]
    keep = (px >= x0[pair_edge]) & (px <= x1[pair_edge])
    keep &= (py >= y0[pair_edge]) & (py <= y1[pair_edge])
    return site[keep], pair_edge[keep]


def _segment_reduce(ufunc, values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return ufunc.reduceat(values, starts) if len(values) else values


def exact_union_area(xy: np.ndarray, radius: float, zones: np.ndarray) -> np.ndarray:
    """Area of each zone covered by the union of discs of one radius around distinct sites.

    Parameters
    ----------
    xy
        Distinct site coordinates, shape (n, 2), metric CRS.
    radius
        Disc radius in metres, the same for every site.
    zones
        Polygons or multipolygons (holes allowed) that do not overlap, same CRS.

    Returns
    -------
    numpy.ndarray
        Covered area per zone in m², exact for circles up to floating-point rounding.
    """
    n, m = len(xy), len(zones)
    covered = np.zeros(m)
    if n == 0 or m == 0:
        return covered
    cells = _cells(xy, radius)
    edges = _zone_edges(zones)
    site, edge = _candidate_pairs(xy, radius, edges)
    r2 = radius * radius

    ax, ay = edges.ax[edge] - xy[site, 0], edges.ay[edge] - xy[site, 1]
    bx, by = edges.bx[edge] - xy[site, 0], edges.by[edge] - xy[site, 1]
    dx, dy = bx - ax, by - ay
    # the segment's parameter interval inside the disc
    qa, qb = dx * dx + dy * dy, ax * dx + ay * dy
    disc = qb * qb - qa * (ax * ax + ay * ay - r2)
    hit = (disc > 0) & (qa > 0)
    root, safe = np.sqrt(np.where(hit, disc, 0.0)), np.where(hit, qa, 1.0)
    low = np.where(hit, (-qb - root) / safe, np.inf)
    high = np.where(hit, (-qb + root) / safe, -np.inf)
    # drop edges that miss the disc (keeping any whose vertex is in it, as the vertex test does)
    meets = (hit & (low <= 1) & (high >= 0)) | (ax * ax + ay * ay <= r2) | (bx * bx + by * by <= r2)
    site, edge, ax, ay, bx, by, dx, dy, low, high = (
        v[meets] for v in (site, edge, ax, ay, bx, by, dx, dy, low, high)
    )

    # ... and inside each half-plane of the site's cell (one row per pair and cell edge)
    rows = np.repeat(np.arange(len(site)), cells.count[site])
    first = np.r_[0, np.cumsum(cells.count[site])[:-1]]
    k = cells.start[site][rows] + np.arange(len(rows)) - first[rows]
    cex, cey, cvx, cvy = cells.ex[k], cells.ey[k], cells.vx[k], cells.vy[k]
    g_a = _cross(cex, cey, ax[rows] - cvx, ay[rows] - cvy)
    g_b = _cross(cex, cey, bx[rows] - cvx, by[rows] - cvy)
    slope = _cross(cex, cey, dx[rows], dy[rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = -g_a / slope
    lower = np.where(slope > 0, bound, np.where((slope == 0) & (g_a < 0), np.inf, -np.inf))
    upper = np.where(slope < 0, bound, np.inf)
    low = np.maximum(low, _segment_reduce(np.maximum, lower, first))
    high = np.minimum(high, _segment_reduce(np.minimum, upper, first))

    # whether each end vertex lies in S, computed from the vertex itself so that the two edges
    # sharing a vertex always agree (this keeps entries and exits paired)
    a_in = (ax * ax + ay * ay <= r2) & (_segment_reduce(np.minimum, g_a, first) >= 0)
    b_in = (bx * bx + by * by <= r2) & (_segment_reduce(np.minimum, g_b, first) >= 0)
    crosses = ~a_in & ~b_in & (low < high) & (low < 1) & (high > 0)
    piece = a_in | b_in | crosses
    entry = piece & ~a_in
    exit_ = piece & ~b_in
    t0 = np.where(a_in, 0.0, np.clip(low, 0.0, 1.0))
    t1 = np.where(b_in, 1.0, np.clip(high, 0.0, 1.0))
    x0, y0 = ax + t0 * dx, ay + t0 * dy
    x1, y1 = ax + t1 * dx, ay + t1 * dy

    pair_key = site * m + edges.zone[edge]
    pairs, pair = np.unique(pair_key, return_inverse=True)
    pair_site, pair_zone = pairs // m, pairs % m
    along_edges = np.where(piece, 0.5 * _cross(x0, y0, x1, y1), 0.0)
    value = np.bincount(pair, weights=along_edges, minlength=len(pairs)).astype(float)
    if entry.any():
        value += np.bincount(
            pair[entry],
            weights=_swept_area(cells, site[entry], x0[entry], y0[entry], radius),
            minlength=len(pairs),
        )
    if exit_.any():
        value -= np.bincount(
            pair[exit_],
            weights=_swept_area(cells, site[exit_], x1[exit_], y1[exit_], radius),
            minlength=len(pairs),
        )
    # reference point: on ∂S in the direction of the cell's vertex 0
    v0x, v0y = cells.vx[cells.start], cells.vy[cells.start]
    reach = np.minimum(1.0, radius / np.hypot(v0x, v0y))
    ref_x, ref_y = xy[:, 0] + v0x * reach, xy[:, 1] + v0y * reach
    shapely.prepare(zones)  # many points per zone: prepared geometries test them in O(log n)
    inside = shapely.contains_xy(zones[pair_zone], ref_x[pair_site], ref_y[pair_site])
    value += cells.area[pair_site] * inside

    # a site whose disc meets no zone edge lies wholly inside one zone or outside them all;
    # zones do not overlap, so a disc meeting another zone's edges meets its own zone's too
    home = np.full(n, -1)
    alone = np.flatnonzero(np.bincount(pair_site, minlength=n) == 0)
    point_index, zone_index = shapely.STRtree(zones).query(
        shapely.points(xy[alone]), predicate="within"
    )
    home[alone[point_index]] = zone_index
    inner = home >= 0

    # each share lies in [0, area(S)] and, zones being disjoint, so does their sum per site
    tolerance = 1e-9 * cells.area + 1e-6
    per_site = np.bincount(pair_site, weights=value, minlength=n)
    bad = (value < -tolerance[pair_site]) | (value > cells.area[pair_site] + tolerance[pair_site])
    bad_sites = np.union1d(pair_site[bad], np.flatnonzero(per_site > cells.area + tolerance))
    good = ~np.isin(pair_site, bad_sites)
    value = np.clip(value, 0.0, cells.area[pair_site])
    covered += np.bincount(pair_zone[good], weights=value[good], minlength=m)
    covered += np.bincount(home[inner], weights=cells.area[inner], minlength=m)
    if len(bad_sites):
        covered += polygon_fallback(xy, radius, zones, bad_sites)
    return np.clip(covered, 0.0, shapely.area(zones))


def polygon_fallback(
    xy: np.ndarray, radius: float, zones: np.ndarray, sites: np.ndarray
) -> np.ndarray:
    """Covered area per zone of the pieces ``disc_i ∩ cell_i`` of some sites, with polygons."""
    parts, zone = split_by_zones(nearest_site_pieces(xy, radius, FALLBACK_QUAD_SEGS, sites), zones)
    return np.bincount(zone, weights=shapely.area(parts), minlength=len(zones))
