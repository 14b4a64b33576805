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


@dataclass
class Classes:
    """Classes of a choropleth."""

    colors: list[str]
    labels: list[str]
    index: np.ndarray  # class of each comune, -1 for no data
    bounds: list[tuple[float, float]] | None = None  # numeric classes: (lower, upper)
    values: list[str] | None = None  # categories: the raw values


def classify(values: pd.Series, spec: Choropleth, lang: str) -> Classes:
    """Classes by quantiles, natural breaks (Fisher-Jenks), user breaks or categories.

    Labels are plain text in the number format of ``lang``; the web maps escape them, QGIS
    writes them as they are.

    Examples
    --------
    >>> from territorio.mapspec import Choropleth
    >>> values = pd.Series([1.0, 2.0, 3.0, 4.0, None])
    >>> classes = classify(values, Choropleth("x", "breaks", breaks=(2.5, 10.0)), "it")
    >>> classes.labels, classes.index.tolist()
    (['1,00 – 2,50', '2,50 – 10,0'], [0, 0, 1, 1, -1])
    """
    if spec.classification == "categories":
        cats = sorted(values.dropna().astype(str).unique())
        colors = color_brewer(spec.palette, max(3, len(cats)))[: len(cats)]
        lookup = {c: i for i, c in enumerate(cats)}
        index = np.array([lookup.get(str(v), -1) if pd.notna(v) else -1 for v in values])
        return Classes(colors, list(cats), index, values=cats)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    valid = numbers.notna().to_numpy()
    data = numbers[valid].to_numpy()
    with warnings.catch_warnings():
        # "Numba not installed" and "not enough unique values": both expected, both handled
        warnings.simplefilter("ignore", UserWarning)
        if spec.classification == "breaks":
            classifier = mapclassify.UserDefined(data, bins=list(spec.breaks))
        elif spec.classification == "natural_breaks":
            classifier = mapclassify.FisherJenks(data, k=min(spec.k, len(np.unique(data))))
        else:
            classifier = mapclassify.Quantiles(data, k=min(spec.k, len(np.unique(data))))
    bins = list(classifier.bins)
    colors = (
        color_brewer(spec.palette, max(3, len(bins)))[: len(bins)]
        if len(bins) >= 3
        else color_brewer(spec.palette, 3)[-len(bins) :]
    )
    index = np.full(len(values), -1)
    index[valid] = classifier.yb
    lows = [float(np.min(data)), *bins[:-1]]
    labels = [f"{fmt(lo, lang)} – {fmt(hi, lang)}" for lo, hi in zip(lows, bins, strict=True)]
    return Classes(colors, labels, index, bounds=list(zip(lows, map(float, bins), strict=True)))
