"""Interchange nodes: merging co-located entries, LUM classes, rail service levels from GTFS."""

from __future__ import annotations

import re
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
from scipy.spatial import cKDTree

from territorio.gtfs import active_services, busiest_day, feed_period

_LINE_SUFFIX = re.compile(r"\s+M\d(\s*[-/]\s*M?\d)*$", re.IGNORECASE)


def merge_colocated(nodes: gpd.GeoDataFrame, distance_m: float) -> gpd.GeoDataFrame:
    """Merge entries closer than ``distance_m`` (chains included) into one node.

    Parameters
    ----------
    nodes
        ``node_id``, ``name``, ``mode``, ``lines``, ``freq_peak_per_hour``, point geometry in a
        metric CRS.
    distance_m
        Entries within this distance are one station (e.g. Cadorna M1 and Cadorna M2).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per station: ``nodo_id``, ``nome``, ``modi`` (``ferrovia;metro``), ``linee``,
        ``voci`` (entries merged), ``id_originali``, ``freq_punta_ora`` (sum), geometry
        (the rail entry's point if any, else the centroid of the entries).
    """
    xy = np.column_stack([nodes.geometry.x, nodes.geometry.y])
    pairs = cKDTree(xy).query_pairs(distance_m, output_type="ndarray")
    n = len(nodes)
    adjacency = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(adjacency, directed=False)
    rows = []
    for _, group in pd.Series(np.arange(n)).groupby(label):
        members = nodes.iloc[group.to_numpy()]
        rail = members[members["mode"] == "rail"]
        anchor = rail if len(rail) else members
        names = [_LINE_SUFFIX.sub("", str(name)).strip() for name in anchor["name"]]
        lines = sorted(
            {part for value in members["lines"].dropna() for part in str(value).split(";") if part}
        )
        modes = sorted(set(members["mode"]), key=lambda m: (m != "rail", m))
        point = anchor.geometry.iloc[0] if len(rail) else members.geometry.union_all().centroid
        rows.append(
            {
                "nodo_id": str(anchor["node_id"].iloc[0]),
                "nome": names[0],
                "modi": ";".join({"rail": "ferrovia", "metro": "metro"}.get(m, m) for m in modes),
                "linee": ";".join(lines),
                "voci": len(members),
                "id_originali": ";".join(members["node_id"].astype(str)),
                "freq_punta_ora": float(members["freq_peak_per_hour"].fillna(0).sum()),
                "geometry": point,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=nodes.crs)


def metro_termini(metro: gpd.GeoDataFrame) -> set[str]:
    """Ids of metro termini: the leaves of each line's minimum spanning tree of its stations.

    The data has no stop order; a line's stations joined by their minimum spanning tree trace
    the line, and its leaves are the termini (three for a line with a branch).
    """
    termini: set[str] = set()
    lines = metro["lines"].fillna("").astype(str).str.split(";").explode()
    for line in sorted(set(lines) - {""}):
        members = metro[
            metro["lines"].fillna("").str.split(";").map(lambda ls, line=line: line in ls)
        ]
        if len(members) < 2:
            termini.update(members["node_id"].astype(str))
            continue
        xy = np.column_stack([members.geometry.x, members.geometry.y])
        diff = xy[:, None, :] - xy[None, :, :]
        tree = minimum_spanning_tree(np.hypot(diff[..., 0], diff[..., 1]))
        degree = np.asarray((tree + tree.T).astype(bool).sum(axis=1)).ravel()
        termini.update(members["node_id"].astype(str).to_numpy()[degree == 1])
    return termini


def lum_classes(
    stations: gpd.GeoDataFrame, termini: set[str], *, class1_min_lines: int
) -> np.ndarray:
    """LUM class per station (PTM: three classes by role).

    1: rail stations with at least ``class1_min_lines`` lines, or rail-metro interchanges;
    2: other rail stations and metro termini; 3: other metro stations.
    """
    classes = np.full(len(stations), 3)
    for position, (_, row) in enumerate(stations.iterrows()):
        modes = row["modi"].split(";")
        lines = [x for x in row["linee"].split(";") if x and not x.startswith("M")]
        originals = set(row["id_originali"].split(";"))
        if "ferrovia" in modes and ("metro" in modes or len(lines) >= class1_min_lines):
            classes[position] = 1
        elif "ferrovia" in modes or originals & termini:
            classes[position] = 2
    return classes


def gtfs_service_day(feed: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    """The Tuesday-Thursday of the feed period with the most trips running."""
    start, end = feed_period(feed)
    return busiest_day(feed, [d for d in pd.date_range(start, end) if d.weekday() in (1, 2, 3)])


def gtfs_departures(
    feed: Mapping[str, pd.DataFrame], day: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Departures and distinct lines per stop on one service day.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stop_id``: ``corse_giorno`` (departures: calls that are not a trip's last),
        ``linee_gtfs`` (``;``-joined route short names); attribute ``day`` in ``.attrs``.
    """
    day = gtfs_service_day(feed) if day is None else day
    trips = feed["trips"]
    trips = trips[trips["service_id"].isin(active_services(feed, day))]
    times = feed["stop_times"][["trip_id", "stop_id", "stop_sequence"]]
    times = times[times["trip_id"].isin(set(trips["trip_id"]))].copy()
    times["seq"] = pd.to_numeric(times["stop_sequence"])
    last = times.groupby("trip_id")["seq"].transform("max")
    departures = times[times["seq"] < last]
    routes = feed["routes"].set_index("route_id")["route_short_name"]
    line_of = trips.set_index("trip_id")["route_id"].map(routes)
    departures = departures.assign(line=departures["trip_id"].map(line_of))
    out = departures.groupby("stop_id").agg(
        corse_giorno=("trip_id", "size"),
        linee_gtfs=("line", lambda s: ";".join(sorted(set(s.dropna())))),
    )
    out.attrs["day"] = day.date().isoformat()
    return out
