"""From the run's layers to the project: entries, drawing order, map themes, relations, layout.

Drawing order (top first): points, lines, outlines (boundaries, isochrones, catchments),
rasters, then filled areas with the comuni choropleth at the bottom, so no opaque area ever
hides a school or a station. Scenario and input layers are off when the project opens.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from territorio.codes import KEY
from territorio.qgis.layers import QgisLayer
from territorio.qgis.layout import AtlasSource, scheda_layout
from territorio.qgis.licences import licensing
from territorio.qgis.project import (
    LayerMetadata,
    MapTheme,
    Project,
    ProjectLayer,
    ProjectMetadata,
    Relation,
    layer_id,
)
from territorio.qgis.styles import aliases_xml, symbol
from territorio.qgis.words import text

HIGHLIGHT_ID = layer_id("comune_scheda")
BASE_TABLE = "comuni_sfondo"
"""Grey comuni under the choropleth (:func:`territorio.qgis.build.base_layer`): "n.d." shows."""
HIGHLIGHT_KEYS = ("9d3c5c1e-7a51-4d0e-9a57-0c2e4b6f8a11", "3f6b2a90-1c4d-4e8b-b0d2-5a7e9c1f3b22")
#: Rank in the drawing order by kind (lower is drawn on top).
DRAWING_RANK = {"point": 0, "line": 1, "outline": 2, "raster": 3, "polygon": 4, "table": 5}


def layer_metadata(title: str, description: str, sources: list[dict]) -> LayerMetadata:
    """Title, description, licences and attribution of a layer from its ``sources``."""
    block = licensing(sources)
    return LayerMetadata(
        title, description, block.licences, block.rights, block.attribution, block.url
    )


def project_layer(layer: QgisLayer, gpkg_name: str) -> ProjectLayer:
    """The project entry of a GeoPackage layer, with every named style in its style manager."""
    styles = tuple((s.name, s.body()) for s in layer.styles)
    return ProjectLayer(
        id=layer_id(layer.table),
        name=layer.title,
        group=layer.group,
        source=f"./{gpkg_name}|layername={layer.table}",
        provider="ogr",
        kind=layer.kind,
        # a table has no style: its body is the aliases alone
        body=styles[0][1] if styles else aliases_xml(layer.aliases, tuple(layer.fields())),
        metadata=layer_metadata(layer.title, layer.description, layer.sources),
        styles=styles,
        current=styles[0][0] if styles else "predefinito",
        visible=layer.visible,
    )


def atlas_highlight(comuni: QgisLayer, gpkg_name: str, lang: str) -> ProjectLayer:
    """The comune of the atlas page, outlined in black (draws nothing outside the atlas)."""
    name = text("highlight", lang)
    rule = (
        '<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
        f'<rules key="{{{HIGHLIGHT_KEYS[0]}}}"><rule key="{{{HIGHLIGHT_KEYS[1]}}}" '
        f'filter="$id = @atlas_featureid" symbol="0" label={quoteattr(name)}/></rules>'
        f"<symbols>{symbol('polygon', '#000000', '0', outline=True)}</symbols></renderer-v2>"
    )
    return ProjectLayer(
        id=HIGHLIGHT_ID,
        name=name,
        group=comuni.group,
        source=f"./{gpkg_name}|layername={comuni.table}",
        provider="ogr",
        kind="polygon",
        body=rule
        + aliases_xml(comuni.aliases, tuple(comuni.fields()))
        + "<layerGeometryType>2</layerGeometryType>",
        metadata=layer_metadata(comuni.title, comuni.description, comuni.sources),
        styles=((name, rule),),
        current=name,
        visible=True,
    )


def drawing_rank(layer: QgisLayer | None, entry: ProjectLayer) -> tuple[int, int]:
    """Sort key of the drawing order: by kind, outlines above fills, comuni last."""
    if entry.kind == "raster":
        return DRAWING_RANK["raster"], 0
    if entry.id == HIGHLIGHT_ID:
        return DRAWING_RANK["outline"], 0
    if layer is None:
        return DRAWING_RANK.get(entry.kind, 4), 0
    kind = layer.kind
    if kind == "polygon" and layer.styles and layer.styles[0].outline:
        kind = "outline"
    if layer.table == BASE_TABLE:  # under everything, the comuni included
        return DRAWING_RANK[kind], 2
    return DRAWING_RANK[kind], 1 if layer.table == "comuni" else 0


def assemble_project(
    layers: list[QgisLayer],
    maps: list[tuple[str, str]],
    groups: dict[str, str],
    gpkg_name: str,
    extent: tuple[float, float, float, float],
    metadata: ProjectMetadata,
    footer: str,
    rasters: list[ProjectLayer] | None = None,
    lang: str = "it",
    collapsed: tuple[str, ...] = (),
) -> Project:
    """The project over ``layers`` (the first is the comuni layer with one style per map).

    Parameters
    ----------
    layers
        GeoPackage layers; ``layers[0]`` is the comuni, ``scheda_indicatori`` their table.
    maps
        ``(theme, style name)`` of each choropleth: one map theme each.
    groups
        Layer-tree group of each theme.
    gpkg_name
        The GeoPackage, relative to the project.
    extent
        Start view.
    metadata
        Project metadata.
    footer
        Sources and date of the atlas pages.
    rasters
        Raster entries (travel-time grid).
    lang
        Language of the names the project adds (relations, layout, atlas outline).
    collapsed
        Groups folded at start (the input layers).
    """
    comuni = layers[0]
    entries = [project_layer(layer, gpkg_name) for layer in layers]
    by_id = {e.id: layer for e, layer in zip(entries, layers, strict=True)}
    highlight = atlas_highlight(comuni, gpkg_name, lang)
    entries.insert(1, highlight)
    entries += rasters or []
    order = sorted(
        range(len(entries)), key=lambda i: drawing_rank(by_id.get(entries[i].id), entries[i])
    )
    drawing = [entries[i].id for i in order]
    comuni_id = layer_id(comuni.table)
    # every theme keeps the boundary and the atlas page's outline
    always = [(highlight.id, highlight.current)] + [
        (layer_id(x.table), x.styles[0].name)
        for x in layers
        if x.visible and x.group == comuni.group and x is not comuni and x.styles
    ]
    themes = []
    for theme, style in maps:
        scenario = style.startswith("SCENARIO")
        shown = [
            (layer_id(x.table), x.styles[0].name)
            for x in layers
            if x.group == groups.get(theme)
            and x.styles
            and x is not comuni
            and (x.visible or (scenario and x.scenario))
        ]
        themes.append(MapTheme(style, tuple(dict.fromkeys([(comuni_id, style), *always, *shown]))))
    relations = [
        Relation(
            f"comune_{x.table}",
            text("of_comune", lang, title=x.title),
            comuni_id,
            layer_id(x.table),
            KEY,
            str(x.relation_field),
        )
        for x in layers
        if x.relation_field and x is not comuni
    ]
    table = next((x for x in layers if x.table == "scheda_indicatori"), None)
    layouts = []
    if table is not None:
        source = AtlasSource(
            coverage_id=comuni_id,
            coverage_name=comuni.title,
            coverage_source=f"./{gpkg_name}|layername={comuni.table}",
            table_id=layer_id(table.table),
            table_name=table.title,
            table_source=f"./{gpkg_name}|layername={table.table}",
            name_field="comune",
            code_field=KEY,
            columns=tuple(
                (field, text(key, lang))
                for field, key in (
                    ("tema", "theme"),
                    ("indicatore", "indicator"),
                    ("valore", "value"),
                    ("unita", "unit"),
                )
            ),
            order_field="ordine",
        )
        layouts.append(scheda_layout(source, footer, extent, lang))
    return Project(metadata, entries, drawing, extent, themes, relations, layouts, collapsed)
