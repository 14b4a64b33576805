"""Small self-contained SVG time-series charts (no plotting library, usable offline and inline)."""

from __future__ import annotations

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
    finite = [v for v in values if v is not None and math.isfinite(v)]
    ticks = _nice_ticks(min(finite), max(finite)) if finite else [0.0, 1.0]
    y_low, y_high = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1
    x_low, x_high = min(years), max(years)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(year: float) -> float:
        span = (x_high - x_low) or 1
        return MARGIN_LEFT + plot_w * (year - x_low) / span

    def y(value: float) -> float:
        return MARGIN_TOP + plot_h * (1 - (value - y_low) / (y_high - y_low))

    points = [
        (x(a), y(b))
        for a, b in zip(years, values, strict=True)
        if b is not None and math.isfinite(b)
    ]
    label = escape(title, {'"': "&quot;"})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{label}" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="{MARGIN_LEFT}" y="20" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">{tick:,.0f}</text>'
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" '
            f'text-anchor="middle" font-size="9">{year}</text>'
        )
    parts.append(
        f'<text x="12" y="{MARGIN_TOP + plot_h / 2:.1f}" transform="rotate(-90 12 '
        f'{MARGIN_TOP + plot_h / 2:.1f})" text-anchor="middle">{escape(unit)}</text>'
    )
    if points:
        solid = [
            p
            for p, yr in zip(points, years, strict=False)
            if derived_before is None or yr >= derived_before
        ]
        dashed = [
            p
            for p, yr in zip(points, years, strict=False)
            if derived_before is not None and yr <= derived_before
        ]
        for line, style in ((dashed, ' stroke-dasharray="4 3"'), (solid, "")):
            if len(line) > 1:
                coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in line)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="#b5382f" '
                    f'stroke-width="2"{style}/>'
                )
        parts += [
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="#b5382f"/>' for px, py in points
        ]
    if note:
        parts.append(
            f'<text x="{MARGIN_LEFT}" y="{HEIGHT - 6}" font-size="9" fill="#555">'
            f"{escape(note)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
