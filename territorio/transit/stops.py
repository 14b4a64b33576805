"""The stops whose service is classed: interchange nodes, tram and bus stops, feeds' stops.

Every stop gets its departures in the day and peak windows, how many directions they share,
its transport group and where the departures come from (``fonte_partenze``): a timetable
(GTFS) where one serves the stop, else the peak frequencies of a stop layer (departures per
hour × window hours: for the day window an upper bound, since the peak hour is the busiest).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from territorio.errors import MissingColumnError
from territorio.transit.config import TransitConfig

COLUMNS = (
    "fermata_id",
    "nome",
    "modo",
    "gruppo",
    "linee",
    "direzioni",
    "partenze_giorno",
    "partenze_punta",
    "fonte_partenze",
    "nodo_id",
)


def window_hours(cfg: TransitConfig, name: str) -> float:
    """Length of a window (``day`` or ``peak``) in hours."""
    start, end = cfg.window_minutes(name)
    return (end - start) / 60.0


def node_stops(
    stations: gpd.GeoDataFrame,
    entries: gpd.GeoDataFrame,
    rail: pd.DataFrame,
    rail_departures: pd.DataFrame,
    cfg: TransitConfig,
    feed_label: str,
) -> gpd.GeoDataFrame:
    """Interchange nodes (rail and metro entries merged) with their departures.

    Rail entries take their departures from the rail timetable through the rail layer's
    ``gtfs2023_stop_id``; entries without a match, and metro entries, take their peak
    frequency (``freq_peak_per_hour``) × the window's hours. Nodes serve both directions.

    Examples
    --------
    >>> import territorio as tt
    >>> from territorio.transit.departures import stop_departures
    >>> data = tt.datasets.synthetic_access()
    >>> feed = tt.datasets.gtfs_tables()
    >>> day = stop_departures(
    ...     feed, pd.Timestamp("2024-01-09"), {"giorno": (390, 1200), "punta": (420, 540)}
    ... )
    >>> stops = node_stops(
    ...     data.stations,
    ...     tt.datasets.entries_frame(),
    ...     tt.datasets.rail_frame(),
    ...     day,
    ...     TransitConfig(),
    ...     "GTFS test",
    ... )
    >>> stops[["nome", "gruppo", "partenze_giorno", "partenze_punta"]].values.tolist()
    [['Centro', 'A', 2.0, 1.0], ['Nord', 'B', 472.5, 70.0], ['Lontana', 'B', 27.0, 4.0]]
    """
    hours = {"giorno": window_hours(cfg, "day"), "punta": window_hours(cfg, "peak")}
    stop_of = dict(
        zip("rail:" + rail["rfi_code"].astype(str), rail["gtfs2023_stop_id"], strict=True)
    )
    entry = entries.set_index(entries["node_id"].astype(str))
    rows = []
    for _, station in stations.iterrows():
        totals = {"giorno": 0.0, "punta": 0.0}
        sources = set()
        for original in str(station["id_originali"]).split(";"):
            if original not in entry.index:
                continue
            item = entry.loc[original]
            stop_id = stop_of.get(original)
            timetable = (
                item["mode"] == "rail"
                and isinstance(stop_id, str)
                and stop_id in rail_departures.index
            )
            if timetable:
                for name in totals:
                    totals[name] += float(rail_departures.at[stop_id, f"partenze_{name}"])
                sources.add(feed_label)
            else:
                frequency = float(
                    pd.to_numeric(item.get("freq_peak_per_hour"), errors="coerce") or 0
                )
                for name in totals:
                    totals[name] += frequency * hours[name]
                sources.add(
                    "frequenze di punta 08:15-09:15 "
                    f"({'ferrovia' if item['mode'] == 'rail' else item['mode']})"
                )
        modes = str(station["modi"]).split(";")
        lines = [x for x in str(station["linee"]).split(";") if x and not x.startswith("M")]
        rail_lines = lines or [
            x for x in str(station.get("linee_ferrovia_gtfs", "")).split(";") if x
        ]
        if "ferrovia" in modes and ("metro" in modes or len(rail_lines) >= cfg.hub_min_lines):
            group = cfg.mode_groups.get("nodo_ferroviario", "A")
        else:
            group = min(cfg.mode_groups.get(m, "C") for m in modes)
        rows.append(
            {
                "fermata_id": f"nodo:{station['nodo_id']}",
                "nome": station["nome"],
                "modo": station["modi"],
                "gruppo": group,
                "linee": station["linee"],
                "direzioni": 2,
                "partenze_giorno": totals["giorno"],
                "partenze_punta": totals["punta"],
                "fonte_partenze": "; ".join(sorted(sources)),
                "nodo_id": station["nodo_id"],
                "classe_lum": station.get("classe_lum"),
                "geometry": station.geometry,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=stations.crs)


def frequency_stops(
    layer: gpd.GeoDataFrame, mode: str, cfg: TransitConfig, prefix: str
) -> gpd.GeoDataFrame:
    """Stops of a layer with peak frequencies (``total_freq_per_hour``).

    One direction each unless ``mode`` is in ``two_way_modes``.

    Examples
    --------
    >>> import shapely
    >>> layer = gpd.GeoDataFrame(
    ...     {
    ...         "stop_id": ["7"],
    ...         "stop_name": ["Duomo"],
    ...         "lines": ["2;14"],
    ...         "total_freq_per_hour": [12.0],
    ...     },
    ...     geometry=[shapely.Point(0, 0)],
    ...     crs=32632,
    ... )
    >>> stops = frequency_stops(layer, "tram", TransitConfig(), "tram")
    >>> stops[
    ...     ["fermata_id", "gruppo", "partenze_giorno", "partenze_punta", "direzioni"]
    ... ].values.tolist()
    [['tram:7', 'C', 162.0, 24.0, 1]]
    """
    if "total_freq_per_hour" not in layer.columns:
        raise MissingColumnError(prefix, ["total_freq_per_hour"], list(layer.columns))
    frequency = pd.to_numeric(layer["total_freq_per_hour"], errors="coerce").fillna(0.0)
    id_column = next((c for c in ("stop_id", "id_amat", "id") if c in layer.columns), None)
    ids = layer[id_column].astype(str) if id_column else pd.Series(range(len(layer))).astype(str)
    name_column = next((c for c in ("stop_name", "nome", "name") if c in layer.columns), None)
    names = layer[name_column].astype(str) if name_column else ids
    two_way = mode in cfg.two_way_modes
    return gpd.GeoDataFrame(
        {
            "fermata_id": prefix + ":" + ids.to_numpy(),
            "nome": names.to_numpy(),
            "modo": mode,
            "gruppo": cfg.mode_groups.get(mode, "C"),
            "linee": layer["lines"].astype(str).to_numpy() if "lines" in layer else "",
            "direzioni": 2 if two_way else 1,
            "partenze_giorno": (frequency * window_hours(cfg, "day")).to_numpy(),
            "partenze_punta": (frequency * window_hours(cfg, "peak")).to_numpy(),
            "fonte_partenze": f"frequenze di punta 08:15-09:15 ({mode})",
            "nodo_id": None,
        },
        geometry=layer.geometry.to_numpy(),
        crs=layer.crs,
    )


def feed_stops(
    feed: Mapping[str, pd.DataFrame],
    departures: pd.DataFrame,
    cfg: TransitConfig,
    label: str,
    crs: str = "EPSG:32632",
) -> gpd.GeoDataFrame:
    """The stops of a GTFS feed with their departures (only stops with a departure that day)."""
    stops = feed["stops"].set_index("stop_id")
    known = departures.index.intersection(stops.index)
    table = departures.loc[known]
    lon = pd.to_numeric(stops.loc[known, "stop_lon"], errors="coerce")
    lat = pd.to_numeric(stops.loc[known, "stop_lat"], errors="coerce")
    directions = np.where(
        table["direzioni"] > 0,
        table["direzioni"],
        np.where(table["modo"].isin(cfg.two_way_modes), 2, 1),
    )
    frame = gpd.GeoDataFrame(
        {
            "fermata_id": [f"{label}:{s}" for s in known],
            "nome": stops.loc[known, "stop_name"].astype(str).to_numpy(),
            "modo": table["modo"].to_numpy(),
            "gruppo": [cfg.mode_groups.get(m, "C") for m in table["modo"]],
            "linee": table["linee"].to_numpy(),
            "direzioni": directions,
            "partenze_giorno": table["partenze_giorno"].to_numpy(dtype=float),
            "partenze_punta": table["partenze_punta"].to_numpy(dtype=float),
            "fonte_partenze": f"GTFS {label} ({departures.attrs.get('day', '')})",
            "nodo_id": None,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)
