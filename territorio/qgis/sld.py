"""OGC SLD 1.0 documents for GeoServer and MapStore, rendered from a :class:`~.styles.Style`.

SLD 1.0 (not 1.1/SE) because GeoServer reads it without conversion and MapStore's style
editor opens it. A graduated class ``i`` is ``lower < value <= upper`` (the first class
also takes ``value = lower``), the rule of :func:`territorio.classes.classify` and of QGIS's
graduated renderer, so a comune falls in the same class everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from territorio.qgis.numbers import decimal

if TYPE_CHECKING:
    from territorio.qgis.styles import Style, StyleClass

SLD_SHAPES = {
    "circle": "circle",
    "square": "square",
    "triangle": "triangle",
    "star": "star",
    "cross_fill": "cross",
}
NAMESPACES = (
    'xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.opengis.net/sld '
    'http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd"'
)


def sld_document(style: Style, layer_name: str | None = None) -> str:
    """The SLD of ``style`` for the layer ``layer_name`` (the style name by default).

    Examples
    --------
    >>> from territorio.qgis.styles import categorized
    >>> style = categorized(
    ...     "Metodo", "m", ["rete", "stima"], ["#ff0000", "#00ff00"], "point", {}, ["m"]
    ... )
    >>> text = sld_document(style, "comuni")
    >>> text.count("<ogc:PropertyIsEqualTo>"), '<CssParameter name="fill">#00ff00' in text
    (2, True)
    """
    rules = []
    for index, item in enumerate(style.classes):
        if style.renderer == "graduatedSymbol":
            low = "PropertyIsGreaterThanOrEqualTo" if index == 0 else "PropertyIsGreaterThan"
            condition = (
                f"<ogc:And>{_compare(low, style.field, decimal(item.lower))}"
                f"{_compare('PropertyIsLessThanOrEqualTo', style.field, decimal(item.upper))}"
                "</ogc:And>"
            )
        elif style.renderer == "categorizedSymbol":
            condition = _compare("PropertyIsEqualTo", style.field, escape(str(item.value)))
        else:
            condition = ""
        rule_filter = f"<ogc:Filter>{condition}</ogc:Filter>" if condition else ""
        rules.append(
            f"<Rule><Name>{escape(item.label)}</Name><Title>{escape(item.label)}</Title>"
            f"{rule_filter}{_symbolizer(style, item)}</Rule>"
        )
    name = escape(layer_name or style.name)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<StyledLayerDescriptor version="1.0.0" {NAMESPACES}>'
        f"<NamedLayer><Name>{name}</Name><UserStyle><Name>{escape(style.name)}</Name>"
        f"<Title>{escape(style.name)}</Title><FeatureTypeStyle>{''.join(rules)}"
        "</FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>"
    )


def _compare(operator: str, field: str | None, literal: str) -> str:
    return (
        f"<ogc:{operator}><ogc:PropertyName>{escape(str(field))}</ogc:PropertyName>"
        f"<ogc:Literal>{literal}</ogc:Literal></ogc:{operator}>"
    )


def _css(name: str, value: str) -> str:
    return f'<CssParameter name="{name}">{value}</CssParameter>'


def _symbolizer(style: Style, item: StyleClass) -> str:
    color = item.color
    if style.kind == "point":
        return (
            "<PointSymbolizer><Graphic><Mark><WellKnownName>"
            f"{SLD_SHAPES.get(style.shape, 'circle')}</WellKnownName>"
            f"<Fill>{_css('fill', color)}</Fill>"
            f"<Stroke>{_css('stroke', '#ffffff')}{_css('stroke-width', '1')}</Stroke>"
            "</Mark><Size>9</Size></Graphic></PointSymbolizer>"
        )
    if style.kind == "line":
        return (
            f"<LineSymbolizer><Stroke>{_css('stroke', color)}{_css('stroke-width', '1')}"
            "</Stroke></LineSymbolizer>"
        )
    if style.outline:
        return (
            f"<PolygonSymbolizer><Stroke>{_css('stroke', color)}{_css('stroke-width', '2')}"
            "</Stroke></PolygonSymbolizer>"
        )
    return (
        f"<PolygonSymbolizer><Fill>{_css('fill', color)}{_css('fill-opacity', '0.82')}</Fill>"
        f"<Stroke>{_css('stroke', '#ffffff')}{_css('stroke-width', '0.5')}</Stroke>"
        "</PolygonSymbolizer>"
    )
