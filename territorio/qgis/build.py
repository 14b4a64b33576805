"""Assemble the QGIS layers of a run: comuni with every indicator, overlays, inputs, network."""

from __future__ import annotations

import geopandas as gpd
import shapely

from territorio.catalog import Catalog
from territorio.classes import classify
from territorio.codes import KEY
from territorio.crs import WORK_CRS
from territorio.i18n import pick
from territorio.indicators import Column
from territorio.mapspec import MapContent, Overlay
from territorio.qgis import styles
from territorio.qgis.layers import QgisLayer
from territorio.qgis.project import INPUTS


def kind_of(frame: gpd.GeoDataFrame) -> str:
    """polygon, point or line from the geometry types present."""
    types = set(frame.geom_type.dropna())
    if types <= {"Point", "MultiPoint"}:
        return "point"
    if types <= {"LineString", "MultiLineString"}:
        return "line"
    return "polygon"


def source_records(catalog: Catalog, layer_ids: list[str]) -> list[dict]:
    """Provenance of catalogue layers for the GeoPackage metadata."""
    records = []
    for layer_id in dict.fromkeys(layer_ids):
        try:
            m = catalog.manifest(layer_id)
        except Exception:  # a user file named as source
            records.append({"id": layer_id, "fonte": "file dell'utente"})
            continue
        records.append(
            {
                "id": m.id,
                "editore": m.publisher,
                "licenza": m.licence,
                "data": m.date,
                "url": m.source_url,
                "sha256": m.sha256 if layer_id not in catalog.overrides else "file dell'utente",
            }
        )
    return records


def comuni_layer(
    comuni: gpd.GeoDataFrame,
    table,
    columns: dict[str, Column],
    content: MapContent,
    catalog: Catalog,
) -> tuple[QgisLayer, dict[str, int]]:
    """The comuni with every indicator column, one style per registered choropleth.

    Returns the layer and, per theme, the index of that theme's first style.
    """
    frame = gpd.GeoDataFrame(
        comuni[[KEY, "geometry"]].merge(table.reset_index(), on=KEY, how="left"),
        geometry="geometry",
        crs=comuni.crs,
    )
    fields = [c for c in frame.columns if c != "geometry"]
    aliases = {KEY: "Codice ISTAT"}
    aliases.update({name: _alias(doc) for name, doc in columns.items()})
    layer_styles, first = [], {}
    for theme in content.themes():
        for spec in content.choropleths.get(theme, []):
            values = frame[spec.column]
            classes = classify(values, spec, "it")
            name = f"{content.group(theme)}: {spec.column}"
            if spec.classification == "categories":
                style = styles.categorized(
                    name,
                    spec.column,
                    classes.values or [],
                    classes.colors,
                    "polygon",
                    aliases,
                    fields,
                )
            else:
                style = styles.graduated(
                    name,
                    spec.column,
                    classes.bounds or [],
                    classes.colors,
                    classes.labels,
                    "polygon",
                    aliases,
                    fields,
                )
            first.setdefault(theme, len(layer_styles))
            layer_styles.append(style)
    if not layer_styles:
        layer_styles.append(styles.single("Comuni", "#cccccc", "polygon", aliases, fields))
    sources = [s for doc in columns.values() for s in doc.sources]
    layer = QgisLayer(
        "comuni",
        "Comuni — indicatori",
        "Territorio",
        frame,
        "polygon",
        layer_styles,
        "I 133 comuni della CMM con tutte le colonne di indicatori_comuni.csv (stessi valori, "
        "stesse unità; vedi indicatori_comuni.md).",
        source_records(catalog, sources),
        aliases,
    )
    return layer, first


def overlay_layer(group: str, overlay: Overlay, catalog: Catalog) -> QgisLayer | None:
    """An overlay registered for the maps, as a GeoPackage layer with its style in ``group``."""
    frame = overlay.frame
    if frame is None or frame.empty:
        return None
    frame = frame.to_crs(WORK_CRS) if frame.crs and frame.crs.to_epsg() != 32632 else frame
    fields = [c for c in frame.columns if c != frame.geometry.name and not str(c).startswith("_")]
    aliases = {f: pick(label, "it") or f for f, label in overlay.fields}
    kind = kind_of(frame)
    title = pick(overlay.title, "it") or overlay.name
    if overlay.category and overlay.category in frame.columns:
        values = sorted({str(v) for v in frame[overlay.category].dropna()})
        from branca.utilities import color_brewer

        colors = color_brewer("Set1", max(3, len(values)))[: len(values)]
        style = styles.categorized(title, overlay.category, values, colors, kind, aliases, fields)
    else:
        style = styles.single(title, overlay.color, kind, aliases, fields)
    return QgisLayer(
        overlay.name,
        title,
        group,
        gpd.GeoDataFrame(frame, crs=frame.crs),
        kind,
        [style],
        f"{title}. Fonte: {overlay.source}",
        [{"attribuzione": overlay.source}],
        aliases,
    )


def input_layers(catalog: Catalog, skip: set[str]) -> list[QgisLayer]:
    """Every vector input layer the run read (reprojected to EPSG:32632)."""
    out = []
    for layer_id in catalog.used:
        manifest = catalog.manifest(layer_id)
        if manifest.kind != "vector" or layer_id in skip:
            continue
        frame = catalog.read(layer_id)
        fields = [c for c in frame.columns if c != frame.geometry.name]
        kind = kind_of(frame)
        title = manifest.label("it")
        style = styles.single(title, "#7f7f7f", kind, {}, fields)
        out.append(
            QgisLayer(
                f"ingresso_{layer_id}",
                title,
                INPUTS,
                frame,
                kind,
                [style],
                f"{title} (strato di ingresso {layer_id}). {manifest.attribution('it')}",
                source_records(catalog, [layer_id]),
            )
        )
    return out


def network_layer(edges: gpd.GeoDataFrame, catalog: Catalog, group: str) -> QgisLayer:
    """The walking network's edges (u, v, length_m), as written for the access GeoPackage."""
    title = "Rete pedonale (OSM)"
    style = styles.single(
        title, "#9e9e9e", "line", {"length_m": "Lunghezza (m)"}, ["u", "v", "length_m"]
    )
    return QgisLayer(
        "rete_pedonale",
        title,
        group,
        edges,
        "line",
        [style],
        "Archi della rete pedonale usata per i tempi di accesso (OSM, ODbL).",
        source_records(catalog, ["osm_milano_2015_highways"]),
    )


def outline_layer(outline: gpd.GeoDataFrame, catalog: Catalog) -> QgisLayer:
    """The CMM outline."""
    frame = outline[[outline.geometry.name]].copy()
    title = "Confine della Città metropolitana"
    return QgisLayer(
        "confine_cmm",
        title,
        "Territorio",
        frame,
        "polygon",
        [styles.single(title, "#333333", "polygon", {}, [])],
        "Confine ISTAT della CMM.",
        source_records(catalog, ["cmm_confine"]),
    )


def extent(comuni: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """The CMM's bounding box with a 2 % margin."""
    x0, y0, x1, y1 = shapely.total_bounds(comuni.geometry.values)
    dx, dy = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    return (x0 - dx, y0 - dy, x1 + dx, y1 + dy)


def _alias(doc: Column) -> str:
    text = doc.text("it")
    unit = f" ({doc.unit})" if doc.unit else ""
    short = text if len(text) <= 70 else text[:67].rsplit(" ", 1)[0] + "…"
    return short + unit
