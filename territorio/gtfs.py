"""GTFS calendars: which services run on a day (pure, shared by the access and transit themes)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def active_services(feed: Mapping[str, pd.DataFrame], day: pd.Timestamp) -> set[str]:
    """service_ids running on ``day`` (calendar plus calendar_dates exceptions)."""
    services: set[str] = set()
    calendar = feed.get("calendar")
    stamp = day.strftime("%Y%m%d")
    if calendar is not None and len(calendar):
        weekday = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][
            day.weekday()
        ]
        running = calendar[
            (calendar[weekday] == "1")
            & (calendar["start_date"] <= stamp)
            & (calendar["end_date"] >= stamp)
        ]
        services.update(running["service_id"])
    dates = feed.get("calendar_dates")
    if dates is not None and len(dates):
        today = dates[dates["date"] == stamp]
        services.update(today.loc[today["exception_type"] == "1", "service_id"])
        services.difference_update(today.loc[today["exception_type"] == "2", "service_id"])
    return services


def feed_period(feed: Mapping[str, pd.DataFrame]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the feed's calendar (``calendar``, else ``calendar_dates``)."""
    calendar = feed.get("calendar")
    if calendar is not None and len(calendar):
        start = pd.to_datetime(calendar["start_date"], format="%Y%m%d").min()
        end = pd.to_datetime(calendar["end_date"], format="%Y%m%d").max()
        return start, end
    days = pd.to_datetime(feed["calendar_dates"]["date"], format="%Y%m%d")
    return days.min(), days.max()


def busiest_day(feed: Mapping[str, pd.DataFrame], days: list[pd.Timestamp]) -> pd.Timestamp:
    """The day of ``days`` with the most trips running (the earliest among equals)."""
    trips = feed["trips"]["service_id"]
    counts = {d: int(trips.isin(active_services(feed, d)).sum()) for d in days}
    return max(counts, key=lambda d: (counts[d], -d.value))
