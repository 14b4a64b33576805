"""Layer styles as data, written as QGIS QML and as OGC SLD 1.0 for GeoServer/MapStore.

A :class:`Style` holds the classes of a graduated, categorised or single-symbol style; the
QML (QGIS) and the SLD (GeoServer, MapStore) are both rendered from it, so the two cannot
disagree. The classes of a graduated style are the web maps' classes
(:func:`territorio.classes.classify`), so a planner sees the same breaks in QGIS, GeoServer
and the browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from territorio.qgis.numbers import decimal

HEADER = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
QGIS_VERSION = "3.22.0"
GEOMETRY_TYPES = {"point": 0, "line": 1, "polygon": 2}
RENDERERS = ("graduatedSymbol", "categorizedSymbol", "singleSymbol")


def rgba(color: str, alpha: int = 255) -> str:
    """``#rrggbb`` to QGIS ``r,g,b,a``."""
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


@dataclass(frozen=True)
class StyleClass:
    """One class of a style: a range (``lower``–``upper``), a category ``value`` or all."""

    label: str
    color: str
    lower: float | None = None
    upper: float | None = None
    value: str | None = None


@dataclass(frozen=True)
class Style:
    """A named layer style.

    Attributes
    ----------
    name
        Style name in ``layer_styles`` and in the project's style manager (Italian).
    renderer
        ``graduatedSymbol``, ``categorizedSymbol`` or ``singleSymbol``.
    kind
        ``polygon``, ``point`` or ``line``.
    field
        The classified attribute (``None`` for a single symbol).
    classes
        The classes in legend order.
    aliases
        Italian alias of each field.
    fields
        The layer's attribute fields in file order.
    outline
        Draw polygons as outlines only (no fill), e.g. a boundary over a choropleth.
    form
        The layer's ``fieldConfiguration`` (how the form shows each field), from
        :func:`territorio.qgis.numbers.field_form`.
    shape
        Marker of a point layer (``circle``, ``square``, ``triangle``, ``star``,
        ``cross_fill``): each point layer has its own, so layers differ by more than colour.
    """

    name: str
    renderer: str
    kind: str
    field: str | None
    classes: tuple[StyleClass, ...]
    aliases: dict[str, str] = field(default_factory=dict, compare=False)
    fields: tuple[str, ...] = ()
    outline: bool = False
    shape: str = "circle"
    form: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.renderer not in RENDERERS:
            raise ValueError(f"renderer must be one of {RENDERERS}")
        if self.kind not in GEOMETRY_TYPES:
            raise ValueError(f"kind must be one of {tuple(GEOMETRY_TYPES)}")

    @property
    def qml(self) -> str:
        """The QML document QGIS loads from ``layer_styles`` or a ``.qml`` file."""
        return (
            f'{HEADER}<qgis version="{QGIS_VERSION}" styleCategories="AllStyleCategories">'
            f"{self.body()}</qgis>"
        )

    def body(self) -> str:
        """The renderer and aliases, as embedded in a project layer or a map-layer style."""
        return (
            f"{self.renderer_xml()}{self.form}{aliases_xml(self.aliases, self.fields)}"
            f"<layerGeometryType>{GEOMETRY_TYPES[self.kind]}</layerGeometryType>"
        )

    def renderer_xml(self) -> str:
        """The ``renderer-v2`` element."""
        symbols = "".join(
            symbol(self.kind, c.color, str(i), self.outline, self.shape)
            for i, c in enumerate(self.classes)
        )
        if self.renderer == "singleSymbol":
            return (
                '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
                f'forceraster="0"><symbols>{symbols}</symbols></renderer-v2>'
            )
        if self.renderer == "categorizedSymbol":
            items = "".join(
                f'<category value={quoteattr(str(c.value))} symbol="{i}" '
                f'label={quoteattr(c.label)} render="true"/>'
                for i, c in enumerate(self.classes)
            )
            return (
                f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(str(self.field))} '
                'symbollevels="0" enableorderby="0" forceraster="0">'
                f"<categories>{items}</categories><symbols>{symbols}</symbols></renderer-v2>"
            )
        items = "".join(
            f'<range lower="{decimal(c.lower)}" upper="{decimal(c.upper)}" symbol="{i}" '
            f'label={quoteattr(c.label)} render="true"/>'
            for i, c in enumerate(self.classes)
        )
        return (
            f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(str(self.field))} '
            'graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" '
            f'forceraster="0"><ranges>{items}</ranges><symbols>{symbols}</symbols></renderer-v2>'
        )

    @property
    def sld(self) -> str:
        """The style as an OGC SLD 1.0 document (what GeoServer and MapStore load)."""
        from territorio.qgis.sld import sld_document

        return sld_document(self)


def symbol(
    kind: str, color: str, name: str = "0", outline: bool = False, shape: str = "circle"
) -> str:
    """A QGIS symbol: ``fill`` (polygons), ``marker`` (points) or ``line``."""
    if kind == "polygon":
        props = {
            "color": rgba(color, 210),
            "outline_color": rgba(color) if outline else "255,255,255,255",
            "outline_width": "0.6" if outline else "0.2",
            "outline_width_unit": "MM",
            "style": "no" if outline else "solid",
            "outline_style": "solid",
        }
        layer, symbol_type = "SimpleFill", "fill"
    elif kind == "point":
        props = {
            "name": shape,
            "color": rgba(color),
            "outline_color": "255,255,255,255",
            "outline_width": "0.2",
            # a cross is thin: drawn larger so its centre is its colour
            "size": "3.4" if shape == "cross_fill" else "2.4",
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


def aliases_xml(aliases: dict[str, str], fields: tuple[str, ...]) -> str:
    """The ``aliases`` element: one alias per field, matched by name."""
    # QGIS matches aliases by field name; GeoPackage's own fid has one too
    names = list(dict.fromkeys([*(f for f in aliases if f not in fields), *fields]))
    items = "".join(
        f'<alias field={quoteattr(f)} index="{i}" name={quoteattr(aliases.get(f, ""))}/>'
        for i, f in enumerate(names)
    )
    return f"<aliases>{items}</aliases>"


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
    """Graduated colours on ``field`` with the given class bounds.

    Examples
    --------
    >>> style = graduated(
    ...     "Quota",
    ...     "q",
    ...     [(0, 1.5), (1.5, 7)],
    ...     ["#ffffff", "#000000"],
    ...     ["0 – 1,5", "1,5 – 7"],
    ...     "polygon",
    ...     {"q": "Quota (%)"},
    ...     ["q"],
    ... )
    >>> '<range lower="1.5" upper="7"' in style.qml, style.sld.count("<Rule>")
    (True, 2)
    """
    classes = tuple(
        StyleClass(label, color, float(lo), float(hi))
        for (lo, hi), color, label in zip(bounds, colors, labels, strict=True)
    )
    return Style(name, "graduatedSymbol", kind, field, classes, aliases, tuple(fields))


def categorized(
    name: str,
    field: str,
    values: list[str],
    colors: list[str],
    kind: str,
    aliases: dict[str, str],
    fields: list[str],
    labels: list[str] | None = None,
    *,
    outline: bool = False,
    shape: str = "circle",
) -> Style:
    """One colour per value of ``field`` (labelled by ``labels``, else by the value)."""
    labels = labels or [str(v) for v in values]
    classes = tuple(
        StyleClass(label, color, value=str(v))
        for v, color, label in zip(values, colors, labels, strict=True)
    )
    return Style(
        name, "categorizedSymbol", kind, field, classes, aliases, tuple(fields), outline, shape
    )


def single(
    name: str,
    color: str,
    kind: str,
    aliases: dict[str, str],
    fields: list[str],
    *,
    outline: bool = False,
    shape: str = "circle",
) -> Style:
    """One symbol for every feature (polygons as outlines only with ``outline``)."""
    classes = (StyleClass(name, color),)
    return Style(name, "singleSymbol", kind, None, classes, aliases, tuple(fields), outline, shape)


def raster_minutes(band: int, stops: list[tuple[float, str]]) -> str:
    """A pseudocolour renderer for a travel-time band (``pipe`` element of a project layer)."""
    items = "".join(
        f'<item alpha="255" value="{decimal(v)}" label={quoteattr(f"{v:g} min")} color="{c}"/>'
        for v, c in stops
    )
    return (
        f'<pipe><rasterrenderer type="singlebandpseudocolor" band="{band}" opacity="0.8" '
        f'alphaBand="-1" classificationMin="{decimal(stops[0][0])}" '
        f'classificationMax="{decimal(stops[-1][0])}">'
        '<rastershader><colorrampshader colorRampType="INTERPOLATED" classificationMode="1" '
        f'clip="0">{items}</colorrampshader></rastershader></rasterrenderer></pipe>'
    )
