"""Step ``qgis``: ``territorio.gpkg`` (styled, with provenance) and ``territorio.qgz``."""

from __future__ import annotations

import geopandas as gpd

from territorio.pipeline import RunContext, Theme
from territorio.qgis import build, styles
from territorio.qgis.project import ProjectLayer, project_document, vector_entry
from territorio.steps.mobilita import ACCESS_LAYERS

GPKG = "territorio.gpkg"
PROJECT = "territorio.qgz"
TIFF = "mobilita/tempi_viaggio.tif"


def qgis_step(ctx: RunContext) -> None:
    """Write every layer of the run into one GeoPackage and a project grouped by theme."""
    territory = ctx.territory
    comuni, first = build.comuni_layer(
        territory.comuni, ctx.table.frame, ctx.table.columns, ctx.maps, ctx.catalog
    )
    layers = [comuni, build.outline_layer(territory.outline, ctx.catalog)]
    for theme in ctx.maps.themes():
        for overlay in ctx.maps.overlays.get(theme, []):
            layer = build.overlay_layer(ctx.maps.group(theme), overlay, ctx.catalog)
            if layer is not None:
                layers.append(layer)
    access_layers = ctx.results.find(ACCESS_LAYERS, dict) or {}
    if "rete_pedonale" in access_layers:
        edges: gpd.GeoDataFrame = access_layers["rete_pedonale"]
        layers.append(build.network_layer(edges, ctx.catalog, ctx.maps.group("mobilita")))
    layers += build.input_layers(ctx.catalog, skip={"cmm_comuni", "cmm_confine"})
    ctx.outputs.write_geopackage(GPKG, layers)

    entries: list[ProjectLayer] = []
    for theme, index in first.items():
        style = comuni.styles[index]
        group = ctx.maps.group(theme)
        entries.append(
            vector_entry(
                comuni,
                GPKG,
                index,
                group=group,
                name=style.name.split(": ", 1)[1],
                visible=theme == "territorio",
            )
        )
    for layer in layers[1:]:
        entries.append(
            vector_entry(
                layer,
                GPKG,
                visible=layer.group != build.INPUTS
                and layer.table != "rete_pedonale"
                and layer.kind == "point",
            )
        )
    if access_layers:
        stops = [
            (0.0, "#1a9850"),
            (5.0, "#91cf60"),
            (10.0, "#fee08b"),
            (15.0, "#fc8d59"),
            (30.0, "#d73027"),
        ]
        entries.append(
            ProjectLayer(
                "tempi_piedi",
                "Minuti a piedi al nodo più vicino",
                ctx.maps.group("mobilita"),
                f"./{TIFF}",
                "gdal",
                "raster",
                styles.raster_minutes(1, stops, "tempo_piedi_min"),
                False,
            )
        )
    document = project_document("Territorio CMM", entries, build.extent(territory.comuni))
    ctx.outputs.write_zip(PROJECT, {PROJECT.replace(".qgz", ".qgs"): document})
    ctx.note(
        "qgis",
        f"QGIS: {GPKG} con {len(layers)} strati (stili predefiniti, alias italiani, fonti nei "
        f"metadati) e {PROJECT} con {len(entries)} voci raggruppate per tema.",
        f"QGIS: {GPKG} with {len(layers)} layers (default styles, Italian aliases, sources in "
        f"the metadata) and {PROJECT} with {len(entries)} entries grouped by theme.",
    )


THEME = Theme("qgis", {"it": "Uscite per QGIS", "en": "QGIS outputs"}, qgis_step)
