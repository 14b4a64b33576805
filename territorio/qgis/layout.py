"""The print layout "Scheda comunale": an A4 page per comune, driven by a QGIS atlas.

Written as the ``Layout`` XML QGIS 3.22 reads: map (atlas-driven, 10 % margin), legend
filtered to what the map shows, metric scale bar, north arrow, the comune's name as title,
a table of its key indicators (the ``scheda_indicatori`` table of the GeoPackage, filtered
to the atlas feature) and a footer with sources and date. Sizes are millimetres on A4
portrait.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from territorio.qgis.numbers import decimal
from territorio.qgis.words import text

PAGE = (210.0, 297.0)
FONT = "DejaVu Sans"
# QgsLayoutItemRegistry item types (QGraphicsItem::UserType + 100 + n)
PAGE_ITEM, MAP, PICTURE, LABEL, LEGEND, SCALEBAR, FRAME, TABLE = (
    65638,
    65639,
    65640,
    65641,
    65642,
    65646,
    65647,
    65649,
)
NORTH_ARROW = "arrows/NorthArrow_02.svg"  # in QGIS's own SVG library
MAP_SIZE = (125.0, 120.0)


def number_format(lang: str) -> str:
    """The scale bar's number format: ``1 234,5`` in Italian, ``1,234.5`` in English."""
    decimal_mark, thousands = (".", ",") if lang == "en" else (",", "\u2009")
    return (
        '<numericFormat id="basic"><Option type="Map">'
        f'<Option type="QChar" value="{decimal_mark}" name="decimal_separator"/>'
        '<Option type="int" value="1" name="decimals"/>'
        '<Option type="int" value="0" name="rounding_type"/>'
        '<Option type="bool" value="false" name="show_plus"/>'
        '<Option type="bool" value="true" name="show_thousand_separator"/>'
        '<Option type="bool" value="false" name="show_trailing_zeros"/>'
        f'<Option type="QChar" value="{thousands}" name="thousand_separator"/>'
        "</Option></numericFormat>"
    )


def fit(extent: tuple[float, float, float, float], ratio: float) -> tuple[float, ...]:
    """``extent`` grown around its centre to the width/height ``ratio``.

    Examples
    --------
    >>> fit((0, 0, 10, 10), 2.0), fit((0, 0, 10, 10), 0.5)
    ((-5.0, 0.0, 15.0, 10.0), (0.0, -5.0, 10.0, 15.0))
    """
    x0, y0, x1, y1 = (float(v) for v in extent)
    width, height = x1 - x0, y1 - y0
    if width / height < ratio:
        grow = (height * ratio - width) / 2
        return (x0 - grow, y0, x1 + grow, y1)
    grow = (width / ratio - height) / 2
    return (x0, y0 - grow, x1, y1 + grow)


@dataclass(frozen=True)
class AtlasSource:
    """The layers the layout reads: the coverage (comuni) and the indicator table."""

    coverage_id: str
    coverage_name: str
    coverage_source: str
    table_id: str
    table_name: str
    table_source: str
    name_field: str  # comune name: title, page name and sort key
    code_field: str  # ISTAT code: file names and the table filter
    columns: tuple[tuple[str, str], ...]  # (field, heading) of the indicator table
    order_field: str  # sort of the indicator table


def _uuid(key: str) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"territorio/layout/{key}")) + "}"


def _font(size: float, bold: bool = False) -> str:
    return f"{FONT},{decimal(size)},-1,5,{75 if bold else 50},0,0,0,0,0"


def _item(kind: int, key: str, x: float, y: float, w: float, h: float, z: int, **attrs) -> str:
    """The opening tag of a ``LayoutItem`` with position and size in mm."""
    common = {
        "type": str(kind),
        "uuid": _uuid(key),
        "templateUuid": _uuid(key),
        "id": key,
        "position": f"{decimal(x)},{decimal(y)},mm",
        "positionOnPage": f"{decimal(x)},{decimal(y)},mm",
        "size": f"{decimal(w)},{decimal(h)},mm",
        "zValue": str(z),
        "referencePoint": "0",
        "frame": "false",
        "background": "false",
        "visibility": "1",
        "opacity": "1",
        "positionLock": "false",
        "excludeFromExports": "0",
        "itemRotation": "0",
    }
    common.update({k: str(v) for k, v in attrs.items()})
    return "<LayoutItem " + " ".join(f"{k}={quoteattr(v)}" for k, v in common.items()) + ">"


def _label(key: str, text: str, x, y, w, h, size: float, bold=False, z=10, halign=1) -> str:
    # halign: 1 left, 4 centre (Qt::AlignmentFlag); valign 32 = Qt::AlignVCenter
    return (
        _item(
            LABEL,
            key,
            x,
            y,
            w,
            h,
            z,
            labelText=text,
            htmlState="0",
            halign=halign,
            valign=32,
            marginX=0,
            marginY=0,
        )
        + f'<LabelFont description="{_font(size, bold)}" style=""/>'
        '<FontColor red="0" green="0" blue="0" alpha="255"/></LayoutItem>'
    )


def _text_format(size: float, bold: bool = False) -> str:
    return (
        f'<text-style fontFamily="{FONT}" fontSize="{decimal(size)}" fontSizeUnit="Point" '
        f'fontWeight="{75 if bold else 50}" textColor="0,0,0,255" textOpacity="1" '
        'multilineHeight="1" allowHtml="0"/>'
    )


def scheda_layout(
    source: AtlasSource, footer: str, extent: tuple[float, float, float, float], lang: str = "it"
) -> str:
    """The ``Layout`` element of the "Scheda comunale" atlas (named in ``lang``).

    Parameters
    ----------
    source
        Coverage and table layers.
    footer
        Sources and date line(s) at the bottom of each page.
    extent
        A starting map extent (the atlas replaces it per comune).
    """
    width, height = PAGE
    map_key = "mappa"
    name = f'"{source.name_field}"'
    code = f'"{source.code_field}"'
    # QGIS resizes a map item to its extent's shape on read: give it the item's shape
    x0, y0, x1, y1 = (decimal(v) for v in fit(extent, MAP_SIZE[0] / MAP_SIZE[1]))
    items = [
        _label("titolo", f"[% {name} %]", 10, 8, 190, 11, 20, bold=True),
        _label(
            "sottotitolo",
            f"{text('subtitle', lang)} [% {code} %]",
            10,
            19,
            190,
            6,
            10,
        ),
        _item(
            MAP,
            map_key,
            10,
            27,
            *MAP_SIZE,
            1,
            keepLayerSet="false",
            drawCanvasItems="true",
            mapRotation="0",
            followPreset="false",
            followPresetName="",
            frame="true",
            background="true",
        )
        + f'<Extent xmin="{x0}" ymin="{y0}" xmax="{x1}" ymax="{y1}"/><LayerSet/>'
        '<AtlasMap atlasDriven="1" scalingMode="2" margin="0.1"/></LayoutItem>',
        _item(
            LEGEND,
            "legenda",
            139,
            27,
            61,
            120,
            3,
            map_uuid=_uuid(map_key),
            title=text("legend", lang),
            legendFilterByMap="1",
            legendFilterByAtlas="0",
            resizeToContents="0",
            columnCount="1",
            symbolWidth="5",
            symbolHeight="3.5",
            wrapChar="",
            boxSpace="1",
            columnSpace="2",
            lineSpacing="0.5",
            splitLayer="0",
            equalColumnWidth="0",
        )
        + "<styles>"
        + "".join(
            f'<style name="{role}" marginTop="{top}" marginBottom="0.5" indent="0" '
            f'alignment="1"><styleFont description="{_font(size, bold)}" style=""/></style>'
            for role, size, bold, top in (
                ("title", 11, True, 0),
                ("group", 8, True, 2),
                ("subgroup", 7.5, True, 1.5),
                ("symbol", 7, False, 1),
                ("symbolLabel", 7, False, 1),
            )
        )
        + "</styles></LayoutItem>",
        _item(
            SCALEBAR,
            "scala",
            10,
            149,
            60,
            10,
            4,
            mapUuid=_uuid(map_key),
            style="Single Box",
            unitType="km",
            unitLabel="km",
            numMapUnitsPerScaleBarUnit=1,
            numSegments=2,
            numSegmentsLeft=0,
            numSubdivisions=1,
            segmentSizeMode=1,
            minBarWidth=25,
            maxBarWidth=55,
            numUnitsPerSegment=1,
            height=2.5,
            labelBarSpace=1.5,
            boxContentSpace=1,
            alignment=0,
            outlineWidth=0.3,
        )
        + _text_format(7)
        + number_format(lang)
        + '<fillColor red="0" green="0" blue="0" alpha="255"/>'
        '<fillColor2 red="255" green="255" blue="255" alpha="255"/>'
        '<strokeColor red="0" green="0" blue="0" alpha="255"/></LayoutItem>',
        _item(
            PICTURE,
            "nord",
            122,
            29,
            11,
            11,
            5,
            file=NORTH_ARROW,
            mode=0,
            mapUuid=_uuid(map_key),
            northMode=0,
            northOffset=0,
            resizeMode=0,
            pictureRotation=0,
            anchorPoint=0,
            svgFillColor="0,0,0,255",
            svgBorderColor="255,255,255,255",
            svgBorderWidth=0.2,
        )
        + "</LayoutItem>",
        _label("titolo_tabella", text("table_title", lang), 10, 161, 190, 6, 11, bold=True),
        _item(
            FRAME,
            "tabella_cornice",
            10,
            168,
            190,
            96,
            6,
            multiFrame=_uuid("tabella"),
            multiFrameTemplateUuid=_uuid("tabella"),
            sectionX=0,
            sectionY=0,
            sectionWidth=190,
            sectionHeight=96,
            hidePageIfEmpty=0,
            hideBackgroundIfEmpty=0,
        )
        + "</LayoutItem>",
        _label("fonti", footer, 10, 266, 190, 25, 6.5, z=11),
    ]
    columns = "".join(
        f'<column attribute={quoteattr(f)} heading={quoteattr(h)} hAlignment="1" '
        'vAlignment="128" sortByRank="0" sortOrder="0" width="0">'
        '<backgroundColor red="0" green="0" blue="0" alpha="0"/></column>'
        for f, h in source.columns
    )
    table_filter = f"{code} = attribute(@atlas_feature, '{source.code_field}')"
    table = (
        f'<LayoutMultiFrame type="{TABLE}" uuid={quoteattr(_uuid("tabella"))} '
        f'templateUuid={quoteattr(_uuid("tabella"))} source="0" relationId="" '
        f"vectorLayer={quoteattr(source.table_id)} vectorLayerName={quoteattr(source.table_name)} "
        f'vectorLayerSource={quoteattr(source.table_source)} vectorLayerProvider="ogr" '
        f'filterFeatures="true" featureFilter={quoteattr(table_filter)} maxFeatures="40" '
        'showOnlyVisibleFeatures="0" filterToAtlasIntersection="0" showUniqueRowsOnly="0" '
        'resizeMode="0" cellMargin="0.8" showGrid="1" horizontalGrid="1" verticalGrid="0" '
        'gridStrokeWidth="0.2" gridColor="160,160,160,255" backgroundColor="255,255,255,255" '
        'headerMode="0" headerHAlignment="0" emptyTableMode="1" '
        f'emptyTableMessage={quoteattr(text("table_empty", lang))} wrapBehavior="0" '
        'wrapString="" useConditionalStyling="0" showEmptyRows="0">'
        f"<childFrame uuid={quoteattr(_uuid('tabella_cornice'))} "
        f"templateUuid={quoteattr(_uuid('tabella_cornice'))}/>"
        f"<headerTextFormat>{_text_format(7.5, True)}</headerTextFormat>"
        f"<contentTextFormat>{_text_format(7.5)}</contentTextFormat>"
        f"<displayColumns>{columns}</displayColumns>"
        f'<sortColumns><column attribute={quoteattr(source.order_field)} heading="" '
        'hAlignment="1" vAlignment="128" sortByRank="1" sortOrder="0" width="0">'
        '<backgroundColor red="0" green="0" blue="0" alpha="0"/></column></sortColumns>'
        "</LayoutMultiFrame>"
    )
    page = (
        f"<PageCollection>{_item(PAGE_ITEM, 'pagina', 0, 0, width, height, 0, background='true')}"
        '<BackgroundColor red="255" green="255" blue="255" alpha="255"/></LayoutItem>'
        '<GuideCollection visible="1"/></PageCollection>'
    )
    atlas = (
        f'<Atlas enabled="1" coverageLayer={quoteattr(source.coverage_id)} '
        f"coverageLayerName={quoteattr(source.coverage_name)} "
        f'coverageLayerSource={quoteattr(source.coverage_source)} coverageLayerProvider="ogr" '
        f"pageNameExpression={quoteattr(name)} "
        f"filenamePattern={quoteattr(chr(39) + 'scheda_' + chr(39) + ' || ' + code)} "
        f'sortFeatures="1" sortKey={quoteattr(name)} sortAscending="1" hideCoverage="0" '
        'filterFeatures="0"/>'
    )
    return (
        f'<Layout name={quoteattr(text("layout", lang))} units="mm" printResolution="200" '
        'worldFileMap="">'
        '<Snapper tolerance="5" snapToGrid="0" snapToItems="1" snapToGuides="1"/>'
        '<Grid resolution="10" resUnits="mm" offsetX="0" offsetY="0" offsetUnits="mm"/>'
        f"{page}{''.join(items)}{table}"
        '<customproperties><Option type="Map"><Option type="bool" value="false" '
        'name="singleFile"/></Option></customproperties>'
        f"{atlas}</Layout>"
    )


def footer_text(sources: list[str], made: str, lang: str = "it") -> str:
    """The footer: the sources on one line, then who made the page and when.

    Examples
    --------
    >>> print(footer_text(["ISTAT (CC BY 4.0)"], "Elaborazione territorio, 1/12/2026"))
    Fonti: ISTAT (CC BY 4.0). Licenze e date nei metadati del progetto.
    Elaborazione territorio, 1/12/2026
    """
    if not sources:
        head = text("sources_none", lang)
    else:
        head = f"{text('sources', lang)}: {'; '.join(sources)}."
    return f"{head} {text('licences_where', lang)}\n{made}"
