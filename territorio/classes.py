"""Colour classes of a choropleth and numbers for display, shared by web maps and QGIS."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd
from branca.utilities import color_brewer

from territorio.mapspec import Choropleth

NODATA_TEXT = {"it": "n.d.", "en": "n/a"}


def fmt(value: object, lang: str) -> str:
    """A value for display, with the decimal separator and grouping of ``lang``.

    Examples
    --------
    >>> fmt(1234.5, "it"), fmt(1234.5, "en"), fmt(0.123, "it"), fmt(float("nan"), "it")
    ('1\u2009234', '1,234', '0,12', 'n.d.')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NODATA_TEXT.get(lang, NODATA_TEXT["it"])
    if isinstance(value, bool | np.bool_):
        return ("sì" if value else "no") if lang == "it" else ("yes" if value else "no")
    if isinstance(value, int | np.integer):
        text = f"{int(value):,}"
    elif isinstance(value, float | np.floating):
        digits = 0 if abs(value) >= 1000 else 1 if abs(value) >= 10 else 2
        text = f"{float(value):,.{digits}f}"
    else:
        return str(value)
    if lang == "it":
        text = text.replace(",", "\u2009").replace(".", ",")
    return text


COUNT_UNITS = frozenset(
    {"ab.", "allievi", "celle", "famiglie", "farmacie", "progetti", "sedi", "siti", "strutture"}
    | {"unità", "n.", "nodi", "linee", "corse", "comuni"}
)
"""Units of people and things counted: shown as whole numbers."""
PERCENT_UNITS = frozenset({"%", "punti %", "%/anno"})


def fmt_number(value: object, unit: str, lang: str) -> str:
    """A value as its unit wants it: whole numbers for people and counts, one decimal for %.

    Examples
    --------
    >>> fmt_number(4.12, "ab.", "it"), fmt_number(12345.6, "ab.", "it"), fmt_number(0.04, "%", "it")
    ('4', '12 346', '0,0')
    >>> fmt_number(7.256, "km²", "en"), fmt_number(None, "ab.", "it")
    ('7.26', 'n.d.')
    """
    if value is None or isinstance(value, bool | np.bool_ | str):
        return fmt(value, lang)
    number = float(value)
    if not math.isfinite(number):
        return fmt(None, lang)
    if unit in COUNT_UNITS:
        return fmt(round(number), lang)
    if unit in PERCENT_UNITS:
        text = f"{number:,.1f}"
        return text.replace(",", " ").replace(".", ",") if lang == "it" else text
    return fmt(number, lang)


def fmt_value(value: object, unit: str, lang: str) -> str:
    """:func:`fmt_number` followed by the unit (nothing after "n.d.").

    Examples
    --------
    >>> fmt_value(4.12, "ab.", "it"), fmt_value(45.25, "%", "it"), fmt_value(True, "", "it")
    ('4 ab.', '45,2 %', 'sì')
    """
    text = fmt_number(value, unit, lang)
    if not unit or text == fmt(None, lang) or isinstance(value, bool | np.bool_ | str):
        return text
    return f"{text} {unit}"


@dataclass
class Classes:
    """Classes of a choropleth."""

    colors: list[str]
    labels: list[str]
    index: np.ndarray  # class of each comune, -1 for no data
    bounds: list[tuple[float, float]] | None = None  # numeric classes: (lower, upper)
    values: list[str] | None = None  # categories: the raw values


def category_label(value: str, spec: Choropleth, lang: str) -> str:
    """The reader's word for a category: the choropleth's own label, sì/no for flags."""
    named = spec.labels.get(value)
    if named:
        return named.get(lang) or named.get("it") or value
    if value in ("True", "False"):
        return fmt(value == "True", lang)
    return value


def classify(values: pd.Series, spec: Choropleth, lang: str, unit: str = "") -> Classes:
    """Classes by quantiles, natural breaks (Fisher-Jenks), user breaks or categories.

    Labels are plain text in the number format of ``lang`` (whole numbers for counts of
    ``unit``); the web maps escape them, QGIS writes them as they are. Classes never
    collapse: zeros get a class of their own when the other values are positive, and a class
    whose bounds are equal is labelled by its single value.

    Examples
    --------
    >>> from territorio.mapspec import Choropleth
    >>> values = pd.Series([1.0, 2.0, 3.0, 4.0, None])
    >>> classes = classify(values, Choropleth("x", "breaks", breaks=(2.5, 10.0)), "it")
    >>> classes.labels, classes.index.tolist()
    (['1,00 – 2,50', '2,50 – 10,0'], [0, 0, 1, 1, -1])
    >>> zeros = pd.Series([0.0, 0.0, 0.0, 5.0, 10.0, 20.0])
    >>> classify(zeros, Choropleth("x", k=3), "it", "ab.").labels
    ['0', '1 – 10', '11 – 20']
    """
    if spec.classification == "categories":
        present = set(values.dropna().astype(str).unique())
        cats = [c for c in spec.order if c in present]
        cats += sorted(present - set(cats))
        colors = color_brewer(spec.palette, max(3, len(cats)))[: len(cats)]
        lookup = {c: i for i, c in enumerate(cats)}
        index = np.array([lookup.get(str(v), -1) if pd.notna(v) else -1 for v in values])
        labels = [category_label(c, spec, lang) for c in cats]
        return Classes(colors, labels, index, values=cats)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    valid = numbers.notna().to_numpy()
    data = numbers[valid].to_numpy()
    if not len(data):
        return Classes([], [], np.full(len(values), -1), bounds=[])
    zero_class = (
        spec.classification in ("quantiles", "natural_breaks")
        and bool((data == 0).any())
        and bool((data > 0).any())
        and bool((data >= 0).all())
    )
    rest = data[data > 0] if zero_class else data
    k = max(1, spec.k - 1 if zero_class else spec.k)
    with warnings.catch_warnings():
        # "Numba not installed" and "not enough unique values": both expected, both handled
        warnings.simplefilter("ignore", UserWarning)
        if spec.classification == "breaks":
            classifier = mapclassify.UserDefined(rest, bins=list(spec.breaks))
        elif spec.classification == "natural_breaks":
            classifier = mapclassify.FisherJenks(rest, k=min(k, len(np.unique(rest))))
        else:
            classifier = mapclassify.Quantiles(rest, k=min(k, len(np.unique(rest))))
    bins = [float(b) for b in classifier.bins]
    lows = [float(np.min(rest)), *bins[:-1]]
    index = np.full(len(values), -1)
    if zero_class:
        positive = np.searchsorted(bins, data, side="left")
        index[valid] = np.where(data == 0, 0, positive + 1)
        # the first positive class is (0, b1]: every positive value is in a class
        lows, bins = [0.0, 0.0, *lows[1:]], [0.0, *bins]
    else:
        index[valid] = classifier.yb
    counted = unit in COUNT_UNITS
    labels = [
        _range_label(lo, hi, i > 0, counted, unit, lang)
        for i, (lo, hi) in enumerate(zip(lows, bins, strict=True))
    ]
    if zero_class and len(labels) > 1 and not counted:
        labels[1] = f"> 0 – {fmt_number(bins[1], unit, lang)}"
    colors = (
        color_brewer(spec.palette, max(3, len(bins)))[: len(bins)]
        if len(bins) >= 3
        else color_brewer(spec.palette, 3)[-len(bins) :]
    )
    return Classes(colors, labels, index, bounds=list(zip(lows, bins, strict=True)))


def _range_label(lo: float, hi: float, open_low: bool, counted: bool, unit: str, lang: str) -> str:
    """``lo – hi``; whole numbers start after the previous class's upper bound."""
    if counted:
        low = math.floor(lo) + 1 if open_low else math.ceil(lo)
        high = math.floor(hi)
        low = min(low, high)
        if low == high:
            return fmt(high, lang)
        return f"{fmt(low, lang)} – {fmt(high, lang)}"
    low_text, high_text = fmt_number(lo, unit, lang), fmt_number(hi, unit, lang)
    return high_text if low_text == high_text else f"{low_text} – {high_text}"
