"""Small self-contained SVG time-series charts (no plotting library, usable offline and inline)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 480, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 36, 40


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def series_svg(
    years: Sequence[int],
    values: Sequence[float],
    *,
    title: str,
    unit: str,
    note: str = "",
    derived_before: int | None = None,
    lang: str = "it",
) -> str:
    """An SVG line chart of a yearly series.

    Parameters
    ----------
    years, values
        The series (same length, years increasing).
    title
        Chart title (escaped).
    unit
        Unit of the y axis (escaped).
    note
        Footnote, e.g. the source (escaped).
    derived_before
        Years before this one are drawn dashed (values rebuilt, not published).
    lang
        Language of the number format (``it``: 10.700; ``en``: 10,700).

    Returns
    -------
    str
        A standalone ``<svg>`` element.
    """
    if len(years) != len(values) or not years:
        raise ValueError("years and values must be non-empty and of equal length")
    from territorio.classes import fmt

    finite = [v for v in values if v is not None and math.isfinite(v)]
    # the y axis starts at zero (or below it for negative values): no exaggerated slopes
    ticks = _nice_ticks(min(0.0, *finite), max(0.0, *finite)) if finite else [0.0, 1.0]
    y_low, y_high = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1
    x_low, x_high = min(years), max(years)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(year: float) -> float:
        span = (x_high - x_low) or 1
        return MARGIN_LEFT + plot_w * (year - x_low) / span

    def y(value: float) -> float:
        return MARGIN_TOP + plot_h * (1 - (value - y_low) / (y_high - y_low))

    known = [
        (yr, x(yr), y(v))
        for yr, v in zip(years, values, strict=True)
        if v is not None and math.isfinite(v)
    ]
    label = escape(title, {'"': "&quot;"})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" style="max-width:{WIDTH}px" role="img" aria-label="{label}" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="{MARGIN_LEFT}" y="20" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="{"#555" if tick == 0 else "#ddd"}"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">'
            f"{escape(fmt(round(tick), lang))}</text>"
        )
    for year in _year_labels(list(years), plot_w):
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" '
            f'text-anchor="middle">{year}</text>'
        )
    parts.append(
        f'<text x="12" y="{MARGIN_TOP + plot_h / 2:.1f}" transform="rotate(-90 12 '
        f'{MARGIN_TOP + plot_h / 2:.1f})" text-anchor="middle">{escape(unit)}</text>'
    )
    if known:
        # published values: solid line and filled dots; rebuilt ones: dashed, hollow dots
        def rebuilt(year: int) -> bool:
            return derived_before is not None and year < derived_before

        for a, b in itertools.pairwise(known):
            dash = ' stroke-dasharray="4 3"' if rebuilt(a[0]) or rebuilt(b[0]) else ""
            parts.append(
                f'<line x1="{a[1]:.1f}" y1="{a[2]:.1f}" x2="{b[1]:.1f}" y2="{b[2]:.1f}" '
                f'stroke="#b5382f" stroke-width="2"{dash}/>'
            )
        for yr, px, py in known:
            fill = "#ffffff" if rebuilt(yr) else "#b5382f"
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{fill}" stroke="#b5382f"/>'
            )
    if note:
        parts.append(
            f'<text x="{MARGIN_LEFT}" y="{HEIGHT - 6}" font-size="10" fill="#444">'
            f"{escape(note)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _year_labels(years: list[int], width: float, room: float = 34.0) -> list[int]:
    """Years to label so that labels never overlap (years may be uneven).

    The last year, then back in time every year at least ``room`` pixels from the one
    labelled after it.

    Examples
    --------
    >>> _year_labels(list(range(2006, 2025)), 400)
    [2006, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    >>> _year_labels([2006, 2012, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024], 400)
    [2006, 2012, 2016, 2018, 2020, 2022, 2024]
    """
    if len(years) < 2:
        return years
    span = (years[-1] - years[0]) or 1
    picked = [years[-1]]
    for year in reversed(years[:-1]):
        if (picked[-1] - year) / span * width >= room:
            picked.append(year)
    if picked[-1] != years[0] and len(picked) > 1 and (picked[-1] - years[0]) / span * width < room:
        picked[-1] = years[0]  # the first year is labelled instead of its close neighbour
    return sorted(picked)
