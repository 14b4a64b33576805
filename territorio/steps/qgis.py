"""Step ``qgis``: ``territorio.gpkg``, ``territorio.qgz``, SLD styles and the atlas PDFs.

The GeoPackage holds every layer with its styles (QML and SLD) and provenance; the project
shows them grouped by theme with one comuni layer whose map themes switch between the
indicator maps, relations from each comune to its points and indicators, and the print
layout "Scheda comunale" whose atlas runs over the comuni. ``sld/`` holds one SLD file per
style for GeoServer/MapStore. With ``[qgis] pdf`` the atlas is exported through QGIS.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd

from territorio._version import __version__
from territorio.codes import KEY
from territorio.errors import ConfigError
from territorio.i18n import format_date
from territorio.mapspec import short_label
from territorio.outputs.pdf import require_qgis
from territorio.pipeline import RunContext, Theme
from territorio.qgis import build, styles
from territorio.qgis.assemble import assemble_project, layer_metadata
from territorio.qgis.layers import QgisLayer
from territorio.qgis.layout import footer_text
from territorio.qgis.licences import OSM_ATTRIBUTION, OSM_COPYRIGHT, is_osm, licensing
from territorio.qgis.project import ProjectLayer, ProjectMetadata, layer_id
from territorio.qgis.words import text
from territorio.settings import doc
from territorio.steps import mobilita
from territorio.steps.mobilita import ACCESS_LAYERS
from territorio.territory import Territory

GPKG = "territorio.gpkg"
PROJECT = "territorio.qgz"
TIFF = f"{mobilita.FOLDER}/{mobilita.TIFF}"  # the access step's travel-time grid
SLD_DIR = "sld"
PDF_DIR = "atlante_pdf"
NETWORK_LAYER = "osm_milano_2015_highways"


@dataclass
class QgisConfig:
    """``[qgis]``: the QGIS project and its atlas."""

    author: str = doc("Author in the project metadata.", "Città metropolitana di Milano")
    pdf: bool = doc("Export the atlas to PDF through QGIS (needs python3-qgis).", False)
    pdf_comuni: list[str] = doc(
        "ISTAT codes of the comuni whose pages are exported; empty = every comune.",
        factory=list,
    )
    python: str = doc(
        "Python with QGIS for the PDF export; empty = TERRITORIO_QGIS_PYTHON, then "
        "/usr/bin/python3.",
        "",
    )


def qgis_files(relative: str) -> bool:
    """Whether an output file belongs to the QGIS product (what ``territorio qgis`` keeps).

    Examples
    --------
    >>> [qgis_files(p) for p in ("territorio.qgz", "sld/comuni.sld", "suolo/suolo.csv")]
    [True, True, False]
    """
    top = relative.split("/", 1)[0]
    return relative in (GPKG, PROJECT, TIFF) or top in (SLD_DIR, PDF_DIR)


def slug(text: str) -> str:
    """A file-name part from an Italian style name.

    Examples
    --------
    >>> slug("Densità 2024"), slug("SCENARIO — 5G: residenti coperti")
    ('densita_2024', 'scenario_5g_residenti_coperti')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def qgis_step(ctx: RunContext) -> None:
    """Write the GeoPackage, SLDs and project (and with ``[qgis] pdf`` the atlas PDFs)."""
    cfg: QgisConfig = ctx.config["qgis"]
    territory = ctx.territory
    unknown = sorted(set(cfg.pdf_comuni) - set(territory.comuni[KEY]))
    if unknown:
        raise ConfigError(
            "run config or --comuni",
            "qgis",
            f"unknown ISTAT codes {', '.join(unknown)}; expected 6-digit codes of the "
            "territory's comuni, e.g. 015146 (Milano)",
        )
    python = require_qgis(cfg.python) if cfg.pdf else ""  # fail before writing anything
    lang = ctx.config.lang
    content = ctx.maps
    comuni, maps = build.comuni_layer(
        territory.comuni, ctx.table.frame, ctx.table.columns, content, ctx.catalog, lang
    )
    home = content.group("territorio", lang)
    outline = build.outline_layer(
        territory.outline,
        ctx.catalog,
        home,
        lang,
        territory_name="" if territory.is_cmm else territory.name,
        layer_id=territory.outline_layer,
    )
    layers = [comuni, outline]
    if not territory.is_cmm:  # most comuni have no value for the CMM's themes: grey, not blank
        layers.append(
            build.base_layer(territory.comuni, ctx.catalog, home, territory.comuni_layer, lang)
        )
    for theme in content.themes():
        for overlay in content.overlays.get(theme, []):
            group = content.group(theme, lang)
            layer = build.overlay_layer(group, overlay, ctx.catalog, lang)
            if layer is not None:
                layers.append(layer)
    access_layers = ctx.results.find(ACCESS_LAYERS, dict) or {}
    if "rete_pedonale" in access_layers:
        edges: gpd.GeoDataFrame = access_layers["rete_pedonale"]
        group = content.group("mobilita", lang)
        layers.append(build.network_layer(edges, ctx.catalog, group, NETWORK_LAYER, lang))
    layers.append(build.scheda_layer(comuni.frame, ctx.table.columns, content, lang))
    # the territory's own boundary layers are the comuni layer above (the national one would
    # add every comune of Italy to a provincial project)
    own = {"cmm_comuni", "cmm_confine", ctx.territory.comuni_layer, ctx.territory.outline_layer}
    if not ctx.territory.is_cmm:
        own.add("italia_uts")
    layers += build.input_layers(ctx.catalog, skip=own, lang=lang)
    ctx.outputs.write_geopackage(GPKG, layers)
    sld_files = _write_slds(ctx, layers)

    rasters = _raster_entries(ctx, lang) if access_layers else []
    groups = {theme: content.group(theme, lang) for theme in content.themes()}
    project = assemble_project(
        layers,
        maps,
        groups,
        GPKG,
        build.extent(territory.comuni),
        _metadata(cfg, layers, len(territory.comuni), lang, territory),
        footer_text(_footer_sources(layers), _made_line(lang), lang),
        rasters,
        lang,
        collapsed=(text("inputs", lang),),
    )
    ctx.outputs.write_zip(PROJECT, {PROJECT.replace(".qgz", ".qgs"): project.document()})
    ctx.note(
        "qgis",
        f"QGIS: {GPKG} con {len(layers)} strati (stili QML e SLD, alias, fonti e licenze nei "
        f"metadati), {sld_files} file SLD in {SLD_DIR}/ e {PROJECT} con "
        f"{len(project.layers)} strati, {len(project.themes)} temi di mappa, "
        f"{len(project.relations)} relazioni e il layout «{text('layout', lang)}» (atlante su "
        f"{len(territory.comuni)} comuni).",
        f"QGIS: {GPKG} with {len(layers)} layers (QML and SLD styles, aliases, sources and "
        f"licences in the metadata), {sld_files} SLD files in {SLD_DIR}/ and {PROJECT} "
        f"with {len(project.layers)} layers, {len(project.themes)} map themes, "
        f"{len(project.relations)} relations and the '{text('layout', lang)}' layout (atlas "
        f"over {len(territory.comuni)} comuni).",
    )
    if cfg.pdf:
        _export_pdf(ctx, cfg, python, text("layout", lang))


def _write_slds(ctx: RunContext, layers: list[QgisLayer]) -> int:
    """One SLD per style: ``sld/<table>.sld`` for the default, ``<table>__<style>.sld``."""
    count = 0
    for layer in layers:
        for index, style in enumerate(layer.styles):
            name = layer.table if index == 0 else f"{layer.table}__{slug(style.name)}"
            ctx.outputs.write_text(f"{SLD_DIR}/{name}.sld", style.sld)
            count += 1
    return count


def _raster_entries(ctx: RunContext, lang: str) -> list[ProjectLayer]:
    """The walking travel-time grid (band 1 of the access GeoTIFF), off by default."""
    stops = [
        (0.0, "#1a9850"),
        (5.0, "#91cf60"),
        (10.0, "#fee08b"),
        (15.0, "#fc8d59"),
        (30.0, "#d73027"),
    ]
    records = build.source_records(ctx.catalog, ["nodi_interscambio", NETWORK_LAYER], lang)
    title = text("travel_time", lang)
    group = ctx.maps.group("mobilita", lang)
    return [
        ProjectLayer(
            layer_id("tempi_piedi"),
            title,
            group,
            f"./{TIFF}",
            "gdal",
            "raster",
            styles.raster_minutes(1, stops),
            layer_metadata(title, text("travel_time_about", lang), records),
            visible=False,
        )
    ]


def _metadata(
    cfg: QgisConfig, layers: list[QgisLayer], n_comuni: int, lang: str, territory: Territory
) -> ProjectMetadata:
    blocks = [licensing(layer.sources) for layer in layers]
    licences = sorted({x for block in blocks for x in block.licences})
    osm = any(block.osm for block in blocks)
    statement = (
        text("osm_statement", lang, attribution=OSM_ATTRIBUTION, url=OSM_COPYRIGHT) if osm else ""
    )
    return ProjectMetadata(
        title=text("title", lang)
        if territory.is_cmm
        else text("title_of", lang, name=territory.name),
        abstract=(
            text("abstract", lang, n=n_comuni, version=__version__)
            if territory.is_cmm
            else text("abstract_of", lang, n=n_comuni, name=territory.name, version=__version__)
        )
        + statement,
        author=cfg.author,
        created=dt.datetime.now().replace(microsecond=0).isoformat(),
        licences=tuple(licences),
        keywords=("PSTTM", "PTM", "Città metropolitana di Milano", "indicatori"),
    )


def _footer_sources(layers: list[QgisLayer]) -> list[str]:
    """The sources of the page, short: each publisher and licence up to its first aside."""
    out = []
    for record in layers[0].sources:
        if is_osm(record):
            out.append(f"{OSM_ATTRIBUTION} ({record.get('licenza') or 'ODbL 1.0'})")
        elif "editore" in record:
            publisher = short_label(str(record["editore"]), 45)
            licence = short_label(str(record.get("licenza", "")), 30)
            out.append(f"{publisher} ({licence})" if licence else publisher)
    return list(dict.fromkeys(out))


def _made_line(lang: str) -> str:
    return text("made", lang, version=__version__, date=format_date(dt.date.today(), lang))


def _export_pdf(ctx: RunContext, cfg: QgisConfig, python: str, layout: str) -> None:
    """Export the atlas from the staged project into ``atlante_pdf/``."""
    codes = cfg.pdf_comuni or None
    report = ctx.outputs.write_atlas_pdf(PDF_DIR, PROJECT, python, codes, layout)
    ctx.note(
        "qgis",
        f"Atlante PDF: {report['pages']} schede in {PDF_DIR}/ (una per comune e "
        f"{PDF_DIR}/atlante_comuni.pdf), esportate da QGIS.",
        f"Atlas PDF: {report['pages']} pages in {PDF_DIR}/ (one per comune and "
        f"{PDF_DIR}/atlante_comuni.pdf), exported by QGIS.",
    )


THEME = Theme(
    "qgis",
    {"it": "Uscite per QGIS", "en": "QGIS outputs"},
    qgis_step,
    config=("qgis", QgisConfig),
    any_territory=True,
)
