"""Step ``qgis``: ``territorio.gpkg`` (styled, with provenance) and ``territorio.qgz``."""

from __future__ import annotations

from territorio.pipeline import RunContext, register_step
from territorio.qgis import build, styles
from territorio.qgis.geopackage import write_geopackage
from territorio.qgis.project import ProjectLayer, vector_entry, write_project
from territorio.webmap.content import THEMES

GPKG = "territorio.gpkg"
PROJECT = "territorio.qgz"
TIFF = "mobilita/tempi_viaggio.tif"


@register_step("qgis", order=95, it="Uscite per QGIS", en="QGIS outputs")
def qgis_step(ctx: RunContext) -> None:
    """Write every layer of the run into one GeoPackage and a project grouped by theme."""
    territory = ctx.territory
    comuni, first = build.comuni_layer(
        territory.comuni, ctx.table.frame, ctx.table.columns, ctx.maps, ctx.catalog
    )
    layers = [comuni, build.outline_layer(territory.outline, ctx.catalog)]
    for theme in THEMES:
        for overlay in ctx.maps.overlays.get(theme, []):
            layer = build.overlay_layer(theme, overlay, ctx.catalog)
            if layer is not None:
                layers.append(layer)
    access = ctx.shared.get("access")
    written = ctx.shared.get("access_layers", {})
    if "rete_pedonale" in written:
        layers.append(build.network_layer(written["rete_pedonale"], ctx.catalog))
    layers += build.input_layers(ctx.catalog, skip={"cmm_comuni", "cmm_confine"})
    write_geopackage(ctx.outputs.path(GPKG), layers)

    entries: list[ProjectLayer] = []
    for theme, index in first.items():
        style = comuni.styles[index]
        group = build.GROUP[theme]
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
    if access is not None:
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
                "Mobilità",
                f"./{TIFF}",
                "gdal",
                "raster",
                styles.raster_minutes(1, stops, "tempo_piedi_min"),
                False,
            )
        )
    write_project(
        ctx.outputs.path(PROJECT), "Territorio CMM", entries, build.extent(territory.comuni)
    )
    ctx.note(
        "qgis",
        f"QGIS: {GPKG} con {len(layers)} strati (stili predefiniti, alias italiani, fonti nei "
        f"metadati) e {PROJECT} con {len(entries)} voci raggruppate per tema.",
        f"QGIS: {GPKG} with {len(layers)} layers (default styles, Italian aliases, sources in "
        f"the metadata) and {PROJECT} with {len(entries)} entries grouped by theme.",
    )
