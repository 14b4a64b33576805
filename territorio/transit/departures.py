"""Departures per stop and time window from a GTFS feed (pure, on the feed's tables).

A departure is a call that is not the trip's last; it falls in a window when its departure
time (arrival time where departure is empty) lies in ``[start, end)``. Times past midnight
(``25:10:00``) count on the service day, as GTFS defines them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from territorio.gtfs import active_services, busiest_day, feed_period

#: GTFS route_type → mode (basic types and the extended ranges of the Google extension)
BASIC_MODES = {0: "tram", 1: "metro", 2: "ferrovia", 3: "bus", 4: "traghetto", 7: "funicolare"}
EXTENDED_MODES = (
    (100, 200, "ferrovia"),
    (200, 300, "bus"),
    (400, 500, "metro"),
    (700, 900, "bus"),
    (900, 1000, "tram"),
)
#: what a mode is called when comparing two (the better-served mode of a stop wins)
MODE_RANK = ("ferrovia", "metro", "tram", "funicolare", "traghetto", "bus")


def route_mode(route_type: object) -> str:
    """The mode of a GTFS ``route_type`` (basic or extended).

    Examples
    --------
    >>> [route_mode(t) for t in ("2", "1", "0", "3", "109", "700", "hello")]
    ['ferrovia', 'metro', 'tram', 'bus', 'ferrovia', 'bus', 'bus']
    """
    try:
        code = int(str(route_type).strip())
    except ValueError:
        return "bus"
    if code in BASIC_MODES:
        return BASIC_MODES[code]
    for low, high, mode in EXTENDED_MODES:
        if low <= code < high:
            return mode
    return "bus"


def seconds(times: pd.Series) -> np.ndarray:
    """``HH:MM:SS`` (hours may pass 24) as seconds after midnight; NaN where empty.

    Examples
    --------
    >>> seconds(pd.Series(["06:30:00", "25:01:30", " ", None])).tolist()
    [23400.0, 90090.0, nan, nan]
    """
    text = times.astype(object).where(times.notna(), "").astype(str)
    parts = text.str.strip().str.split(":", expand=True)
    if parts.shape[1] < 3:
        return np.full(len(times), np.nan)
    numbers = (
        parts.iloc[:, :3]
        .apply(pd.to_numeric, errors="coerce")
        .to_numpy(dtype=float, na_value=np.nan)
    )
    return numbers[:, 0] * 3600 + numbers[:, 1] * 60 + numbers[:, 2]


def school_term_tuesday(feed: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    """The Tuesday of the feed period with the most trips, outside the Italian school breaks.

    Breaks left out: 10 June to 10 September, 23 December to 6 January; when no Tuesday is
    left, any Tuesday (then any day) of the period.

    Examples
    --------
    >>> import territorio as tt
    >>> school_term_tuesday(tt.datasets.gtfs_tables()).date().isoformat()
    '2024-01-09'
    """
    start, end = feed_period(feed)
    period = list(pd.date_range(start, end))
    tuesdays = [d for d in period if d.weekday() == 1]
    term = [d for d in tuesdays if not _school_break(d.date())]
    return busiest_day(feed, term or tuesdays or period)


def _school_break(day: dt.date) -> bool:
    summer = dt.date(day.year, 6, 10) <= day <= dt.date(day.year, 9, 10)
    winter = (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day <= 6)
    return summer or winter


def stop_departures(
    feed: Mapping[str, pd.DataFrame],
    day: pd.Timestamp,
    windows: Mapping[str, tuple[int, int]],
) -> pd.DataFrame:
    """Departures of each stop in each window on ``day``, with mode, lines and directions.

    Parameters
    ----------
    feed
        GTFS tables by name (``stops``, ``routes``, ``trips``, ``stop_times``, ``calendar``
        and/or ``calendar_dates``), as strings.
    day
        Service day.
    windows
        Window name → (start, end) in minutes after midnight.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stop_id``: ``modo`` (the best-served mode calling there, see
        :data:`MODE_RANK`), ``linee`` (``;``-joined route short names), ``direzioni`` (distinct
        ``direction_id`` of its departures; 0 where the feed has none, or one value
        feed-wide) and ``partenze_<name>``
        per window. Stops with no departure that day are left out.

    Examples
    --------
    >>> import pandas as pd, territorio as tt
    >>> feed = tt.datasets.gtfs_tables()
    >>> out = stop_departures(feed, pd.Timestamp("2024-01-09"), {"giorno": (0, 1440)})
    >>> out[["modo", "partenze_giorno"]].values.tolist()
    [['ferrovia', 2]]
    """
    trips = feed["trips"]
    trips = trips[trips["service_id"].isin(active_services(feed, day))]
    times = feed["stop_times"]
    times = times[times["trip_id"].isin(set(trips["trip_id"]))]
    columns = ["trip_id", "stop_id", "stop_sequence", "departure_time", "arrival_time"]
    times = times[[c for c in columns if c in times.columns]].copy()
    sequence = pd.to_numeric(times["stop_sequence"], errors="coerce")
    last = sequence.groupby(times["trip_id"]).transform("max")
    times = times[sequence < last]
    when = seconds(times["departure_time"])
    if "arrival_time" in times.columns:
        when = np.where(np.isnan(when), seconds(times["arrival_time"]), when)
    routes = feed["routes"].set_index("route_id")
    trip_route = trips.set_index("trip_id")["route_id"]
    route = times["trip_id"].map(trip_route)
    short = routes["route_short_name"] if "route_short_name" in routes else routes.index.to_series()
    kind = routes["route_type"].map(route_mode)
    direction = (
        times["trip_id"].map(trips.set_index("trip_id")["direction_id"])
        if "direction_id" in trips.columns
        else pd.Series(np.nan, index=times.index)
    )
    frame = pd.DataFrame(
        {
            "stop_id": times["stop_id"].to_numpy(),
            "minute": when / 60.0,
            "modo": route.map(kind).to_numpy(),
            "linea": route.map(short).to_numpy(),
            "direzione": direction.astype("string").str.strip().replace("", pd.NA).to_numpy(),
        }
    )
    if frame["direzione"].nunique() < 2:
        frame["direzione"] = pd.NA  # one value feed-wide says nothing about directions
    by_stop = frame.groupby("stop_id", sort=True)
    rank = {mode: k for k, mode in enumerate(MODE_RANK)}
    out = pd.DataFrame(
        {
            "modo": by_stop["modo"].agg(lambda s: min(s.dropna(), key=lambda m: rank.get(m, 99))),
            "linee": by_stop["linea"].agg(lambda s: ";".join(sorted({str(x) for x in s.dropna()}))),
            "direzioni": by_stop["direzione"].nunique(),
        }
    )
    for name, (start, end) in windows.items():
        inside = (frame["minute"] >= start) & (frame["minute"] < end)
        out[f"partenze_{name}"] = (
            inside.groupby(frame["stop_id"]).sum().reindex(out.index).fillna(0).astype(int)
        )
    out.index.name = "stop_id"
    out.attrs["day"] = day.date().isoformat()
    return out
