"""Public-transport quality classes A–F after the Swiss ARE method, and SDG 11.2.1 (pure).

The method (Bundesamt für Raumentwicklung ARE, "ÖV-Güteklassen. Berechnungsmethodik ARE",
Grundlagenbericht 2022):

1. each stop gets the **mean interval** of its departures in the window: window length over
   departures per direction (a stop served in both directions halves its departures);
2. its transport **group** (A railway hub, B rail line, C tram and bus) and the interval band
   give its **stop category** I–VII;
3. around the stop, **distance bands** (300, 500, 750, 1000 m) give the **quality class** of
   each place, from A (very good) to F; where several stops reach a place the best class wins.

Interval bands (minutes): <5, 5–<10, 10–<20, 20–<40, 40–60, >60–120.

====================  ====  ====  =====  =====  =====  ======
Group / interval      <5    5–9   10–19  20–39  40–60  61–120
====================  ====  ====  =====  =====  =====  ======
A railway hub         I     I     II     III    IV     V
B rail line, metro    I     II    III    IV     V      VI
C tram, bus           II    III   IV     V      VI     VII
====================  ====  ====  =====  =====  =====  ======

====================  ======  =======  =======  ========
Category / distance   ≤300 m  ≤500 m   ≤750 m   ≤1000 m
====================  ======  =======  =======  ========
I                     A       A        B        C
II                    A       B        C        D
III                   B       C        D        E
IV                    C       D        E        F
V                     D       E        F        —
VI                    E       F        —        —
VII                   F       —        —        —
====================  ======  =======  =======  ========

Every number is configurable in ``[transit]`` (:class:`~territorio.transit.config.TransitConfig`).
Classes are coded 1 (A) to 6 (F), 0 where no stop reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from territorio.transit.config import CLASS_LETTERS, ROMAN, TransitConfig


@dataclass(frozen=True)
class ClassTable:
    """The ARE tables as arrays.

    Attributes
    ----------
    interval_limits
        Upper limits of the interval bands (minutes); the last two include their limit.
    categories
        Group letter → stop category (1 = I) per interval band.
    distances
        Outer limits of the distance bands (metres).
    classes
        ``classes[category - 1, band]``: class code 1 (A) to 6 (F), 0 beyond the last band.

    Examples
    --------
    >>> table = ClassTable.from_config(TransitConfig())
    >>> table.classes[0].tolist(), table.classes[6].tolist()  # categories I and VII
    ([1, 1, 2, 3], [6, 0, 0, 0])
    """

    interval_limits: np.ndarray
    categories: dict[str, np.ndarray]
    distances: np.ndarray
    classes: np.ndarray

    @classmethod
    def from_config(cls, cfg: TransitConfig) -> ClassTable:
        """The table of a ``[transit]`` section."""
        distances = np.asarray(cfg.distance_limits_m, dtype=float)
        n = max(int(k) for k in cfg.classes)
        classes = np.zeros((n, len(distances)), dtype=np.int8)
        for key, letters in cfg.classes.items():
            codes = [CLASS_LETTERS.index(x) + 1 for x in letters]
            classes[int(key) - 1, : len(codes)] = codes
        return cls(
            np.asarray(cfg.interval_limits_min, dtype=float),
            {g: np.asarray(row, dtype=np.int8) for g, row in cfg.stop_categories.items()},
            distances,
            classes,
        )

    @property
    def reach_m(self) -> float:
        """The farthest distance any category gives a class at."""
        return float(self.distances[(self.classes > 0).any(axis=0)].max())

    def interval_band(self, interval: np.ndarray) -> np.ndarray:
        """Band index of each mean interval (-1 beyond the last band or without service).

        Examples
        --------
        >>> table = ClassTable.from_config(TransitConfig())
        >>> table.interval_band(np.array([4.9, 5.0, 39.9, 40.0, 60.0, 60.5, 120.0, 121.0, np.inf]))
        array([ 0,  1,  3,  4,  4,  5,  5, -1, -1])
        """
        interval = np.asarray(interval, dtype=float)
        limits = self.interval_limits
        strict = np.searchsorted(limits, interval, side="right")
        inclusive = np.searchsorted(limits, interval, side="left")
        # the last two bands include their limit (ARE: 40-60 and 61-120 minutes)
        band = np.where(inclusive >= len(limits) - 2, inclusive, strict)
        return np.where(np.isfinite(interval) & (band < len(limits)), band, -1)

    def stop_category(self, groups: np.ndarray, interval: np.ndarray) -> np.ndarray:
        """Stop category (1 = I ... 7 = VII) from group letter and mean interval; 0 = none.

        Examples
        --------
        >>> table = ClassTable.from_config(TransitConfig())
        >>> table.stop_category(np.array(["A", "B", "C", "C"]), np.array([3.0, 7.5, 15.0, 200.0]))
        array([1, 2, 4, 0], dtype=int8)
        """
        band = self.interval_band(interval)
        out = np.zeros(len(band), dtype=np.int8)
        for group, row in self.categories.items():
            pick = (np.asarray(groups) == group) & (band >= 0)
            out[pick] = row[band[pick]]
        return out

    def class_at(self, category: int, metres: np.ndarray) -> np.ndarray:
        """Class code at each distance from a stop of ``category`` (0 beyond its reach).

        Examples
        --------
        >>> table = ClassTable.from_config(TransitConfig())
        >>> table.class_at(2, np.array([0.0, 300.0, 300.1, 999.0, 1000.1])).tolist()
        [1, 1, 2, 4, 0]
        """
        metres = np.asarray(metres, dtype=float)
        band = np.searchsorted(self.distances, metres, side="left")
        row = np.r_[self.classes[category - 1], 0]
        return np.where(np.isfinite(metres), row[np.minimum(band, len(self.distances))], 0)

    def best_class(self, metres_by_category: dict[int, np.ndarray], n: int) -> np.ndarray:
        """Best (lowest) class code over the categories.

        Each array holds the distance of every place to the nearest stop of that category.

        Examples
        --------
        >>> table = ClassTable.from_config(TransitConfig())
        >>> table.best_class({1: np.array([900.0, 2000.0]), 4: np.array([100.0, 400.0])}, 2)
        array([3, 4], dtype=int8)
        """
        best = np.full(n, 99, dtype=np.int16)
        for category, metres in metres_by_category.items():
            code = self.class_at(category, metres)
            best = np.where((code > 0) & (code < best), code, best)
        return np.where(best == 99, 0, best).astype(np.int8)


def mean_interval(departures: np.ndarray, window_min: float, directions: np.ndarray) -> np.ndarray:
    """Mean minutes between departures in one direction (``inf`` without departures).

    Examples
    --------
    >>> mean_interval(np.array([54, 27, 0]), 810.0, np.array([2, 1, 1])).tolist()
    [30.0, 30.0, inf]
    """
    per_direction = np.asarray(departures, dtype=float) / np.maximum(np.asarray(directions), 1)
    with np.errstate(divide="ignore"):
        return np.where(per_direction > 0, window_min / per_direction, np.inf)


def class_letter(code: int | np.ndarray) -> np.ndarray:
    """Letters of class codes ('' for 0).

    Examples
    --------
    >>> class_letter(np.array([1, 6, 0])).tolist()
    ['A', 'F', '']
    """
    letters = np.array(["", *CLASS_LETTERS], dtype=object)
    return letters[np.asarray(code)]


def category_roman(category: np.ndarray) -> np.ndarray:
    """Roman numerals of stop categories ('' for 0).

    Examples
    --------
    >>> category_roman(np.array([1, 7, 0])).tolist()
    ['I', 'VII', '']
    """
    numerals = np.array(["", *ROMAN], dtype=object)
    return numerals[np.asarray(category)]
