"""Texts in Italian and English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

DEFAULT_LANG = "it"


def pick(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, falling back to Italian (the default language of every output)."""
    return texts.get(lang) or texts.get(DEFAULT_LANG) or next(iter(texts.values()), "")


MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(day: dt.date, lang: str = DEFAULT_LANG) -> str:
    """A date as a person reads it: ``1/12/2026`` in Italian, ``1 December 2026`` in English.

    Examples
    --------
    >>> format_date(dt.date(2026, 12, 1)), format_date(dt.date(2026, 12, 1), "en")
    ('1/12/2026', '1 December 2026')
    """
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day}/{day.month}/{day.year}"
