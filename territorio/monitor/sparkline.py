"""Static SVG sparklines drawn with matplotlib (no script, nothing fetched at view time)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape as esc

import matplotlib
from matplotlib.figure import Figure

LINE = "#1f4e79"  # dark blue: 8.6:1 on white
BASE = "#5a5a5a"
#: Deterministic element ids, so that the same series gives the same SVG in every run.
matplotlib.rcParams["svg.hashsalt"] = "territorio"
matplotlib.rcParams["svg.fonttype"] = "none"


def sparkline_svg(values: Sequence[float], label: str, *, bars: bool = False) -> str:
    """An inline ``<svg>`` of a short series, with ``label`` as its accessible name.

    The first and last points are marked; ``bars`` draws a bar per point instead (for
    thresholds rather than years). A series of fewer than two points gives an empty string.

    Examples
    --------
    >>> from territorio.monitor.sparkline import sparkline_svg
    >>> svg = sparkline_svg([1.0, 3.0, 2.0], "Serie: 1, 3, 2")
    >>> svg.startswith("<svg") and 'role="img"' in svg and "<title>Serie: 1, 3, 2</title>" in svg
    True
    >>> sparkline_svg([1.0], "uno")
    ''
    """
    if len(values) < 2:
        return ""
    fig = Figure(figsize=(2.6, 0.7))
    ax = fig.add_axes((0.03, 0.12, 0.94, 0.76))
    xs = list(range(len(values)))
    if bars:
        ax.bar(xs, values, color=LINE, width=0.6)
        ax.axhline(0, color=BASE, linewidth=0.6)
    else:
        ax.plot(xs, values, color=LINE, linewidth=1.6)
        ax.plot([xs[0]], [values[0]], "o", color=BASE, markersize=3)
        ax.plot([xs[-1]], [values[-1]], "o", color=LINE, markersize=4.5)
        low, high = min(values), max(values)
        pad = (high - low) * 0.15 or abs(high) * 0.05 or 1.0
        ax.set_ylim(low - pad, high + pad)
    ax.axis("off")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(label)}" class="spark" ', 1)
    head_end = svg.index(">") + 1
    return svg[:head_end] + f"<title>{esc(label)}</title>" + svg[head_end:]
