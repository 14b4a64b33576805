"""QGIS layer styles (QML) written by hand: graduated, categorised and single symbols, aliases.

The classes of a graduated style are the web maps' classes (:func:`territorio.webmap.render.
classify`), so a planner sees the same breaks in QGIS and in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

HEADER = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
GEOMETRY_TYPES = {"point": 0, "line": 1, "polygon": 2}


def rgba(color: str, alpha: int = 255) -> str:
    """``#rrggbb`` to QGIS ``r,g,b,a``."""
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


def symbol(kind: str, color: str, name: str = "0") -> str:
    """A QGIS symbol: ``fill`` (polygons), ``marker`` (points) or ``line``."""
    if kind == "polygon":
        props = {
            "color": rgba(color, 210),
            "outline_color": "255,255,255,255",
            "outline_width": "0.2",
            "outline_width_unit": "MM",
            "style": "solid",
            "outline_style": "solid",
        }
        layer, symbol_type = "SimpleFill", "fill"
    elif kind == "point":
        props = {
            "name": "circle",
            "color": rgba(color),
            "outline_color": "255,255,255,255",
            "outline_width": "0.2",
            "size": "2.4",
            "size_unit": "MM",
        }
        layer, symbol_type = "SimpleMarker", "marker"
    else:
        props = {
            "line_color": rgba(color),
            "line_width": "0.3",
            "line_width_unit": "MM",
            "line_style": "solid",
        }
        layer, symbol_type = "SimpleLine", "line"
    body = "".join(f"<prop k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in props.items())
    return (
        f'<symbol type="{symbol_type}" name={quoteattr(name)} alpha="1" clip_to_extent="1" '
        f'force_rhr="0"><layer class="{layer}" enabled="1" pass="0" locked="0">{body}'
        "</layer></symbol>"
    )


@dataclass(frozen=True)
class Style:
    """A named layer style.

    Attributes
    ----------
    name
        Style name in ``layer_styles``.
    renderer
        ``graduatedSymbol``, ``categorizedSymbol`` or ``singleSymbol``.
    qml
        The QML document.
    """

    name: str
    renderer: str
    qml: str


def _aliases(aliases: dict[str, str], fields: list[str]) -> str:
    items = "".join(
        f'<alias field={quoteattr(f)} index="{i}" name={quoteattr(aliases.get(f, ""))}/>'
        for i, f in enumerate(fields)
    )
    return f"<aliases>{items}</aliases>"


def _document(renderer: str, kind: str, aliases: dict[str, str], fields: list[str]) -> str:
    return (
        f'{HEADER}<qgis version="3.22.0" styleCategories="AllStyleCategories">{renderer}'
        f"{_aliases(aliases, fields)}<layerGeometryType>{GEOMETRY_TYPES[kind]}"
        "</layerGeometryType></qgis>"
    )


def graduated(
    name: str,
    field: str,
    bounds: list[tuple[float, float]],
    colors: list[str],
    labels: list[str],
    kind: str,
    aliases: dict[str, str],
    fields: list[str],
) -> Style:
    """Graduated colours on ``field`` with the given class bounds."""
    ranges = "".join(
        f'<range lower="{lo!r}" upper="{hi!r}" symbol="{i}" label={quoteattr(label)} '
        'render="true"/>'
        for i, ((lo, hi), label) in enumerate(zip(bounds, labels, strict=True))
    )
    symbols = "".join(symbol(kind, color, str(i)) for i, color in enumerate(colors))
    renderer = (
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(field)} '
        'graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" '
        f'forceraster="0"><ranges>{ranges}</ranges><symbols>{symbols}</symbols>'
        "</renderer-v2>"
    )
    return Style(name, "graduatedSymbol", _document(renderer, kind, aliases, fields))


def categorized(
    name: str,
    field: str,
    values: list[str],
    colors: list[str],
    kind: str,
    aliases: dict[str, str],
    fields: list[str],
) -> Style:
    """One colour per value of ``field``."""
    cats = "".join(
        f'<category value={quoteattr(str(v))} symbol="{i}" label={quoteattr(str(v))} '
        'render="true"/>'
        for i, v in enumerate(values)
    )
    symbols = "".join(symbol(kind, color, str(i)) for i, color in enumerate(colors))
    renderer = (
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(field)} symbollevels="0" '
        f'enableorderby="0" forceraster="0"><categories>{cats}</categories>'
        f"<symbols>{symbols}</symbols></renderer-v2>"
    )
    return Style(name, "categorizedSymbol", _document(renderer, kind, aliases, fields))


def single(name: str, color: str, kind: str, aliases: dict[str, str], fields: list[str]) -> Style:
    """One symbol for every feature."""
    renderer = (
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
        f'forceraster="0"><symbols>{symbol(kind, color)}</symbols></renderer-v2>'
    )
    return Style(name, "singleSymbol", _document(renderer, kind, aliases, fields))


def raster_minutes(band: int, stops: list[tuple[float, str]], label: str) -> str:
    """A pseudocolour renderer for a travel-time band (``pipe`` element of a project layer)."""
    items = "".join(
        f'<item alpha="255" value="{v!r}" label={quoteattr(f"{v:g} min")} color="{c}"/>'
        for v, c in stops
    )
    return (
        f'<pipe><rasterrenderer type="singlebandpseudocolor" band="{band}" opacity="0.8" '
        f'alphaBand="-1" classificationMin="{stops[0][0]!r}" classificationMax="{stops[-1][0]!r}">'
        '<rastershader><colorrampshader colorRampType="INTERPOLATED" classificationMode="1" '
        f'clip="0">{items}</colorrampshader></rastershader></rasterrenderer></pipe>'
        f"<!-- {escape(label)} -->"
    )


def inner(qml: str) -> str:
    """The elements inside ``<qgis>`` of a QML document (to embed in a project layer)."""
    start = qml.index(">", qml.index("<qgis ")) + 1
    return qml[start : qml.rindex("</qgis>")]
