"""Assemble the QGIS layers of a run: comuni with every indicator, overlays, inputs, network.

Every layer gets a name and an alias for every field in the run's language (Italian by
default), its styles and the provenance records of the catalogue layers it derives from
(licences go with them).
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.utilities import color_brewer

from territorio.catalog import Catalog
from territorio.classes import classify, fmt
from territorio.codes import KEY
from territorio.crs import WORK_CRS
from territorio.i18n import pick
from territorio.indicators import Column
from territorio.mapspec import MARKER_SHAPES, MapContent, Overlay, scenario_label, short_label
from territorio.qgis import styles
from territorio.qgis.assemble import BASE_TABLE
from territorio.qgis.layers import QgisLayer
from territorio.qgis.words import text
from territorio.tables import header

SCENARIO = "SCENARIO"
FIELD_ALIASES_IT = {
    "fid": "Identificativo (GeoPackage)",
    KEY: "Codice ISTAT",
    "comune": "Comune",
    "nome": "Nome",
    "denominazione": "Denominazione",
    "indirizzo": "Indirizzo",
    "civico": "Numero civico",
    "cap": "CAP",
    "lat": "Latitudine",
    "lon": "Longitudine",
    "comune_geo": "Comune assegnato (codice ISTAT)",
    "geo_comune": "Comune (dalla posizione)",
    "geo_com_istat": "Codice ISTAT (dalla posizione)",
    "com_istat_code": "Codice ISTAT dichiarato",
    "fuori_cmm": "Fuori dalla CMM",
    "nodo_id": "Codice del nodo",
    "nodo_nome": "Nodo più vicino",
    "modi": "Modi",
    "linee": "Linee",
    "classe_lum": "Classe LUM",
    "raggio_m": "Raggio (m)",
    "minuti": "Minuti",
    "modo": "Modo",
    "in_rete": "Sulla rete pedonale",
    "u": "Nodo iniziale (OSM)",
    "v": "Nodo finale (OSM)",
    "length_m": "Lunghezza (m)",
    "ordine": "Ordine",
    "tema": "Tema",
    "indicatore": "Indicatore",
    "valore": "Valore",
    "unita": "Unità",
}
FIELD_ALIASES_EN = {
    "fid": "Identifier (GeoPackage)",
    KEY: "ISTAT code",
    "comune": "Comune",
    "nome": "Name",
    "denominazione": "Name",
    "indirizzo": "Address",
    "civico": "House number",
    "cap": "Postcode",
    "lat": "Latitude",
    "lon": "Longitude",
    "comune_geo": "Assigned comune (ISTAT code)",
    "geo_comune": "Comune (from the position)",
    "geo_com_istat": "ISTAT code (from the position)",
    "com_istat_code": "Declared ISTAT code",
    "fuori_cmm": "Outside the CMM",
    "nodo_id": "Node code",
    "nodo_nome": "Nearest node",
    "modi": "Modes",
    "linee": "Lines",
    "classe_lum": "LUM class",
    "raggio_m": "Radius (m)",
    "minuti": "Minutes",
    "modo": "Mode",
    "in_rete": "On the walking network",
    "u": "Start node (OSM)",
    "v": "End node (OSM)",
    "length_m": "Length (m)",
    "ordine": "Order",
    "tema": "Theme",
    "indicatore": "Indicator",
    "valore": "Value",
    "unita": "Unit",
}
FIELD_ALIASES = {"it": FIELD_ALIASES_IT, "en": FIELD_ALIASES_EN}
SHAPES = MARKER_SHAPES
WORDS = {
    "it": {"dist": "distanza", "pop": "popolazione", "freq": "frequenza", "n": "numero"},
    "en": {"dist": "distance", "pop": "population", "freq": "frequency", "n": "number"},
}
UNITS = {"m": "m", "km": "km", "ha": "ha", "pct": "%", "min": "min", "km2": "km²", "m2": "m²"}


def kind_of(frame: gpd.GeoDataFrame) -> str:
    """polygon, point or line from the geometry types present."""
    types = set(frame.geom_type.dropna())
    if types <= {"Point", "MultiPoint"}:
        return "point"
    if types <= {"LineString", "MultiLineString"}:
        return "line"
    return "polygon"


def humanize(field: str, lang: str = "it") -> str:
    """A label for a source column with no documented one.

    Examples
    --------
    >>> humanize("dist_rete_m"), humanize("denominazione_istituto"), humanize("P_norm")
    ('Distanza rete (m)', 'Denominazione istituto', 'P norm')
    """
    words_of = WORDS.get(lang, WORDS["it"])
    parts = [p for p in re.split(r"_+", field) if p]
    unit = ""
    if len(parts) > 1 and parts[-1].lower() in UNITS:
        unit = f" ({UNITS[parts.pop().lower()]})"
    words = [words_of.get(p.lower(), p) for p in parts] or [field]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + unit


def field_aliases(
    fields: list[str], known: dict[str, str] | None = None, lang: str = "it"
) -> dict[str, str]:
    """An alias for every field and GeoPackage's ``fid``: documented, common, else humanized."""
    known = known or {}
    common = FIELD_ALIASES.get(lang, FIELD_ALIASES_IT)
    return {f: known.get(f) or common.get(f) or humanize(f, lang) for f in ["fid", *fields]}


def source_records(catalog: Catalog, layer_ids: list[str], lang: str = "it") -> list[dict]:
    """Provenance of catalogue layers for the GeoPackage and project metadata."""
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
                "titolo": m.label(lang),
                "editore": m.publisher,
                "licenza": m.licence,
                "data": m.date,
                "url": m.source_url,
                "sha256": m.sha256 if layer_id not in catalog.overrides else "file dell'utente",
            }
        )
    return records


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    taken.add(candidate)
    return candidate


def comuni_layer(
    comuni: gpd.GeoDataFrame,
    table,
    columns: dict[str, Column],
    content: MapContent,
    catalog: Catalog,
    lang: str = "it",
) -> tuple[QgisLayer, list[tuple[str, str]]]:
    """The comuni with every indicator column, one named style per registered choropleth.

    Returns the layer and, per style, ``(theme, style name)`` in registration order.
    """
    frame = gpd.GeoDataFrame(
        comuni[[KEY, "geometry"]].merge(table.reset_index(), on=KEY, how="left"),
        geometry="geometry",
        crs=comuni.crs,
    )
    fields = [c for c in frame.columns if c != "geometry"]
    # the same label as the table's header in the XLSX workbooks
    documented = {name: header(doc, name, lang) for name, doc in columns.items()}
    aliases = field_aliases(fields, documented, lang)
    layer_styles, maps, taken = [], [], set()
    for theme in content.themes():
        for spec in content.choropleths.get(theme, []):
            doc = columns.get(spec.column)
            name = spec.name(lang, doc.text(lang) if doc else "")
            name = _unique(scenario_label(name, spec.column.startswith("scenario_")), taken)
            values = frame[spec.column]
            classes = classify(values, spec, lang)
            if spec.classification == "categories":
                stored, labels = _stored_categories(values, classes.values or [], lang)
                style = styles.categorized(
                    name, spec.column, stored, classes.colors, "polygon", aliases, fields, labels
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
            layer_styles.append(style)
            maps.append((theme, name))
    if not layer_styles:
        layer_styles.append(styles.single("Comuni", "#cccccc", "polygon", aliases, fields))
    sources = [s for doc in columns.values() for s in doc.sources]
    layer = QgisLayer(
        "comuni",
        text("comuni", lang),
        content.group("territorio", lang),
        frame,
        "polygon",
        layer_styles,
        text("comuni_about", lang),
        source_records(catalog, sources, lang),
        aliases,
        visible=True,
    )
    return layer, maps


def _stored_categories(
    values: pd.Series, categories: list[str], lang: str
) -> tuple[list[str], list[str]]:
    """Category values as the GeoPackage stores them (booleans as 0/1), with their labels."""
    if values.dtype == bool:
        stored = ["1" if c == "True" else "0" for c in categories]
        return stored, [fmt(c == "True", lang) for c in categories]
    return list(categories), list(categories)


def scheda_layer(
    comuni: gpd.GeoDataFrame, columns: dict[str, Column], content: MapContent, lang: str = "it"
) -> QgisLayer:
    """The key indicators of each comune as rows (the atlas page's table, the comune form).

    One row per comune and mapped indicator, plus residents and surface, with the value
    written as a person reads it (``1 234,5`` in Italian) for the atlas page.
    """
    keys: list[tuple[str, str, str]] = []  # (column, theme group, label)
    years = sorted(c for c in comuni.columns if re.fullmatch(r"popolazione_\d{4}", c))
    for column in ("superficie_km2", *years[-1:]):
        if column in columns:
            label = short_label(columns[column].text(lang))
            keys.append((column, content.group("territorio", lang), label))
    for theme in content.themes():
        for spec in content.choropleths.get(theme, []):
            doc = columns.get(spec.column)
            if spec.column in {k for k, _, _ in keys} or doc is None:
                continue
            label = spec.name(lang, doc.text(lang))
            label = scenario_label(label, spec.column.startswith("scenario_"))
            keys.append((spec.column, content.group(theme, lang), label))
    rows = []
    for code, record in comuni.set_index(KEY).iterrows():
        for order, (column, group, label) in enumerate(keys, start=1):
            value = record[column]
            if isinstance(value, float | np.floating) and np.isnan(value):
                value = None
            rows.append(
                {
                    KEY: code,
                    "ordine": order,
                    "tema": group,
                    "indicatore": label,
                    "valore": fmt(value, lang),
                    "unita": columns[column].unit,
                }
            )
    frame = pd.DataFrame(rows, columns=[KEY, "ordine", "tema", "indicatore", "valore", "unita"])
    fields = list(frame.columns)
    return QgisLayer(
        "scheda_indicatori",
        text("scheda", lang),
        content.group("territorio", lang),
        frame,
        "table",
        [],
        text("scheda_about", lang),
        [],
        field_aliases(fields, lang=lang),
        relation_field=KEY,
    )


def overlay_layer(
    group: str, overlay: Overlay, catalog: Catalog, lang: str = "it"
) -> QgisLayer | None:
    """An overlay registered for the maps, as a GeoPackage layer with its style in ``group``."""
    frame = overlay.frame
    if frame is None or frame.empty:
        return None
    frame = frame.to_crs(WORK_CRS) if frame.crs and frame.crs.to_epsg() != 32632 else frame
    fields = [c for c in frame.columns if c != frame.geometry.name and not str(c).startswith("_")]
    aliases = field_aliases(fields, {f: pick(label, lang) for f, label in overlay.fields}, lang)
    kind = kind_of(frame)
    title = pick(overlay.title, lang) or overlay.name
    scenario = overlay.name.startswith("scenario_")
    title = scenario_label(title, scenario)
    shape = SHAPES.get(overlay.name, "circle")
    # areas over a choropleth are drawn as outlines, so the classes stay readable
    if overlay.category and overlay.category in frame.columns:
        values = sorted({str(v) for v in frame[overlay.category].dropna()})
        # shades of one hue (darkest first): the classes of one layer, not other layers
        colors = (
            color_brewer("Blues", len(values) + 3)[3:][::-1] if len(values) > 1 else [overlay.color]
        )
        labels = [f"{aliases[overlay.category]} {v}" for v in values]
        style = styles.categorized(
            title,
            overlay.category,
            values,
            colors,
            kind,
            aliases,
            fields,
            labels,
            outline=True,
            shape=shape,
        )
    else:
        style = styles.single(
            title, overlay.color, kind, aliases, fields, outline=not overlay.filled, shape=shape
        )
    sources = (
        source_records(catalog, list(overlay.sources), lang)
        if overlay.sources
        else [{"attribuzione": overlay.source}]
    )
    relation = overlay.pro_com_t if kind == "point" and overlay.pro_com_t in fields else None
    return QgisLayer(
        overlay.name,
        title,
        group,
        gpd.GeoDataFrame(frame, crs=frame.crs),
        kind,
        [style],
        f"{title}. {text('source', lang)}: {overlay.source}",
        sources,
        aliases,
        visible=overlay.show and kind == "point" and not scenario,
        relation_field=relation,
        scenario=scenario,
    )


def input_layers(catalog: Catalog, skip: set[str], lang: str = "it") -> list[QgisLayer]:
    """Every vector input layer the run read (reprojected to EPSG:32632), off by default."""
    out = []
    for layer_id in catalog.used:
        manifest = catalog.manifest(layer_id)
        if manifest.kind != "vector" or layer_id in skip:
            continue
        frame = catalog.read(layer_id)
        fields = [c for c in frame.columns if c != frame.geometry.name]
        kind = kind_of(frame)
        title = manifest.label(lang)
        aliases = field_aliases(fields, lang=lang)
        style = styles.single(title, "#7f7f7f", kind, aliases, fields, outline=True)
        out.append(
            QgisLayer(
                f"ingresso_{layer_id}",
                title,
                text("inputs", lang),
                frame,
                kind,
                [style],
                f"{title} ({text('input_about', lang)} {layer_id}). {manifest.attribution(lang)}",
                source_records(catalog, [layer_id], lang),
                aliases,
            )
        )
    return out


def network_layer(
    edges: gpd.GeoDataFrame, catalog: Catalog, group: str, layer_id: str, lang: str = "it"
) -> QgisLayer:
    """The walking network's edges (u, v, length_m), as written for the access GeoPackage."""
    title = text("network", lang)
    fields = ["u", "v", "length_m"]
    aliases = field_aliases(fields, lang=lang)
    style = styles.single(title, "#9e9e9e", "line", aliases, fields)
    return QgisLayer(
        "rete_pedonale",
        title,
        group,
        edges,
        "line",
        [style],
        text("network_about", lang),
        source_records(catalog, [layer_id], lang),
        aliases,
    )


def outline_layer(
    outline: gpd.GeoDataFrame,
    catalog: Catalog,
    group: str,
    lang: str = "it",
    *,
    territory_name: str = "",
    layer_id: str = "cmm_confine",
) -> QgisLayer:
    """The territory's outline (the CMM's by default), drawn as a line over everything else."""
    frame = outline[[outline.geometry.name]].copy()
    title = text("outline", lang)
    if territory_name:  # another territory than the CMM: its own name and table
        title = f"{'Confine' if lang == 'it' else 'Boundary'}: {territory_name}"
    aliases = field_aliases([], lang=lang)
    return QgisLayer(
        "confine_cmm" if not territory_name else "confine",
        title,
        group,
        frame,
        "polygon",
        [styles.single(title, "#333333", "polygon", aliases, [], outline=True)],
        text("outline_about", lang),
        source_records(catalog, [layer_id], lang),
        aliases,
        visible=True,
    )


def base_layer(
    comuni: gpd.GeoDataFrame, catalog: Catalog, group: str, layer_id: str, lang: str = "it"
) -> QgisLayer:
    """Every comune in light grey, drawn under the indicators: a blank comune reads "n.d.".

    QGIS draws no symbol for a NULL value in a graduated style; on a territory wider than the
    layers (a region, Italy) most comuni would vanish from the map without it.
    """
    frame = comuni[[KEY, "comune", comuni.geometry.name]].copy()
    title = "Comuni senza dato (n.d.)" if lang == "it" else "Comuni without data (n.a.)"
    aliases = field_aliases([KEY, "comune"], lang=lang)
    return QgisLayer(
        BASE_TABLE,
        title,
        group,
        frame,
        "polygon",
        [styles.single(title, "#d9d9d9", "polygon", aliases, [KEY, "comune"])],
        title,
        source_records(catalog, [layer_id], lang),
        aliases,
        visible=True,
    )


def extent(comuni: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """The CMM's bounding box with a 2 % margin."""
    x0, y0, x1, y1 = shapely.total_bounds(comuni.geometry.values)
    dx, dy = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    return (float(x0 - dx), float(y0 - dy), float(x1 + dx), float(y1 + dy))
