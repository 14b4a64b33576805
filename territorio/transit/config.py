"""The ``[transit]`` section of the run config: timetables, windows and the ARE class table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from territorio.settings import doc

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
CLASS_LETTERS = "ABCDEF"


def _groups() -> dict[str, str]:
    # ARE: A railway hubs, B other rail lines, C tram, bus and other modes; the Swiss method
    # has no metro, which runs like a rail line and sits with group B
    return {"nodo_ferroviario": "A", "ferrovia": "B", "metro": "B", "tram": "C", "bus": "C"}


def _categories() -> dict[str, list[int]]:
    # ARE 2022, table of stop categories: one row per group, one column per interval band
    return {"A": [1, 1, 2, 3, 4, 5], "B": [1, 2, 3, 4, 5, 6], "C": [2, 3, 4, 5, 6, 7]}


def _classes() -> dict[str, str]:
    # ARE 2022, table of quality classes: per stop category, the class of each distance band
    return {"1": "AABC", "2": "ABCD", "3": "BCDE", "4": "CDEF", "5": "DEF", "6": "EF", "7": "F"}


@dataclass
class TransitConfig:
    """Public-transport quality (trasporto): timetables, windows, ARE classes, SDG 11.2.1."""

    rail_feed: str = doc(
        "GTFS feed of the rail services (catalogue id or zip), matched to the rail stations "
        "through their gtfs2023_stop_id.",
        "gtfs_trenord_2023",
    )
    feeds: list[str] = doc(
        "Other GTFS feeds whose stops are classified from their own timetable (catalogue ids "
        "or zips, e.g. a full ATM feed); the frequency layers of the modes they serve are then "
        "left out.",
        factory=list,
    )
    check_feeds: list[str] = doc(
        "GTFS feeds whose departures are counted and written (partenze_gtfs.csv) but not used "
        "for the classes (the mirror's 2014 ATM subset of 15 lines).",
        factory=lambda: ["gtfs_atm_2014"],
    )
    frequency_layers: dict[str, str] = doc(
        "Stop layers with peak frequencies (total_freq_per_hour, weekday 08:15-09:15), and the "
        "mode of each; used where no timetable serves the mode. Metro stations come with the "
        "interchange nodes (their peak frequencies are in nodi_interscambio).",
        factory=lambda: {"fermate_tram": "tram", "fermate_bus": "bus"},
    )
    service_date: str = doc(
        "Service day (YYYY-MM-DD) of every feed; empty = each feed's school-term Tuesday with "
        "the most trips.",
        "",
    )
    day_window: list[str] = doc(
        "Time window of the classes (HH:MM).", factory=lambda: ["06:30", "20:00"]
    )
    peak_window: list[str] = doc(
        "Peak window (HH:MM), for the peak classes and the regular service of SDG 11.2.1.",
        factory=lambda: ["07:00", "09:00"],
    )
    mode_groups: dict[str, str] = doc(
        "ARE transport group (A, B, C) of each mode; 'nodo_ferroviario' is a rail station with "
        "hub_min_lines lines or a rail-metro interchange.",
        factory=_groups,
    )
    hub_min_lines: int = doc("Rail lines that make a station a railway hub (group A).", 4)
    two_way_modes: list[str] = doc(
        "Modes whose stops serve both directions when the timetable has no direction_id: their "
        "mean interval halves the departures.",
        factory=lambda: ["ferrovia", "metro"],
    )
    interval_limits_min: list[float] = doc(
        "Upper limits of the mean-interval bands in minutes (ARE: <5, 5-9, 10-19, 20-39, 40-60, "
        "61-120); the last two include their limit.",
        factory=lambda: [5.0, 10.0, 20.0, 40.0, 60.0, 120.0],
    )
    stop_categories: dict[str, list[int]] = doc(
        "Stop category (1 = I ... 7 = VII) per group and interval band (ARE 2022).",
        factory=_categories,
    )
    distance_limits_m: list[float] = doc(
        "Outer limits of the distance bands around a stop (ARE: 300, 500, 750, 1000 m).",
        factory=lambda: [300.0, 500.0, 750.0, 1000.0],
    )
    classes: dict[str, str] = doc(
        "Quality class of each distance band, per stop category (ARE 2022: category I gives "
        "A, A, B, C).",
        factory=_classes,
    )
    good_classes: list[str] = doc("Classes that count as good service.", factory=lambda: ["A", "B"])
    lum_categories: dict[str, int] = doc(
        "LUM class (PTM) of an interchange node from its stop category.",
        factory=lambda: {"1": 1, "2": 2, "3": 3},
    )
    sdg_low_capacity_m: float = doc(
        "SDG 11.2.1: walking distance to a low-capacity stop (bus, tram).", 500.0
    )
    sdg_high_capacity_m: float = doc(
        "SDG 11.2.1: walking distance to a high-capacity stop (rail, metro).", 1000.0
    )
    sdg_high_capacity_modes: list[str] = doc(
        "Modes of high capacity for SDG 11.2.1.", factory=lambda: ["ferrovia", "metro"]
    )
    sdg_min_departures_per_hour: float = doc(
        "Regular service for SDG 11.2.1: departures per hour and direction in the peak window "
        "(the UN-Habitat metadata ask for 'frequent service during peak travel times' without a "
        "number; 3 = one every 20 minutes).",
        3.0,
    )
    stop_area_margin_m: float = doc(
        "Stops farther than this from the territory are left out.", 1000.0
    )

    def __post_init__(self) -> None:
        for name in ("day_window", "peak_window"):
            window = getattr(self, name)
            if len(window) != 2 or not all(re.fullmatch(r"\d{1,2}:\d{2}", t) for t in window):
                raise ValueError(f'{name} must be two times ["HH:MM", "HH:MM"]')
            start, end = (minutes_of(t) for t in window)
            if not end > start:
                raise ValueError(f"{name} must end after it starts")
        if self.service_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.service_date):
            raise ValueError("service_date must be YYYY-MM-DD")
        limits = self.interval_limits_min
        if not limits or sorted(limits) != limits or limits[0] <= 0:
            raise ValueError("interval_limits_min must be increasing positive minutes")
        for group, row in self.stop_categories.items():
            if len(row) != len(limits):
                raise ValueError(
                    f"stop_categories.{group} must have one category per interval band "
                    f"({len(limits)})"
                )
        unknown = sorted(set(self.mode_groups.values()) - set(self.stop_categories))
        if unknown:
            raise ValueError(f"mode_groups use groups without stop_categories: {unknown}")
        bands = self.distance_limits_m
        if not bands or sorted(bands) != bands or bands[0] <= 0:
            raise ValueError("distance_limits_m must be increasing positive metres")
        used = {c for row in self.stop_categories.values() for c in row}
        for category in sorted(used):
            letters = self.classes.get(str(category))
            if letters is None:
                raise ValueError(f"classes has no entry for stop category {category}")
            if len(letters) > len(bands) or any(x not in CLASS_LETTERS for x in letters):
                raise ValueError(f"classes.{category} must be up to {len(bands)} letters among A-F")
            if list(letters) != sorted(letters):
                raise ValueError(f"classes.{category} must not improve with distance")
        if not set(self.good_classes) <= set(CLASS_LETTERS):
            raise ValueError("good_classes must be letters among A-F")
        if not self.sdg_min_departures_per_hour >= 0:
            raise ValueError("sdg_min_departures_per_hour must be >= 0")
        if not (self.sdg_low_capacity_m > 0 and self.sdg_high_capacity_m > 0):
            raise ValueError("SDG distances must be > 0")

    def window_minutes(self, name: str) -> tuple[int, int]:
        """Start and end of a window (``day`` or ``peak``) in minutes after midnight."""
        start, end = getattr(self, f"{name}_window")
        return minutes_of(start), minutes_of(end)


def minutes_of(text: str) -> int:
    """Minutes after midnight of ``HH:MM``.

    Examples
    --------
    >>> minutes_of("06:30"), minutes_of("20:00")
    (390, 1200)
    """
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
