"""Rendering the web maps with folium: theme maps, the overview and the municipal atlas.

Pages load Leaflet from ``lib/`` beside them (vendored, no CDN), draw no base-map tiles unless
the reader switches them on, and escape every string that comes from data before it reaches
a tooltip, a popup or the page.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement, Template

from territorio.catalog import Catalog
from territorio.classes import classify, fmt
from territorio.codes import KEY
from territorio.i18n import pick
from territorio.indicators import Column, Ratio
from territorio.mapspec import Choropleth, MapContent, Overlay
from territorio.webmap.geometry import simplify_coverage, simplify_each, to_web

VENDOR = Path(__file__).with_name("vendor") / "leaflet-1.9.4"
BACKGROUND = "#f2f1ec"
BOX_CSS = (
    ".tbox{background:#fff;padding:6px 8px;border-radius:4px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif;max-width:320px}"
    ".tbox h4{margin:0 0 4px;font-size:13px}"
    ".tbox i{display:inline-block;width:14px;height:10px;margin-right:5px;opacity:.85}"
)
SIDE_CSS = (
    "position:absolute;top:0;height:100%;overflow:auto;box-sizing:border-box;padding:12px;"
    "background:#fff;font:13px/1.4 sans-serif;"
)
NO_DATA = "#d9d9d9"
T = {
    "comune": {"it": "Comune", "en": "Comune"},
    "value": {"it": "Valore", "en": "Value"},
    "source": {"it": "Fonte", "en": "Source"},
    "date": {"it": "Data", "en": "Date"},
    "sources": {"it": "Fonti", "en": "Sources"},
    "index": {"it": "← Indice delle mappe", "en": "← Map index"},
    "search": {"it": "Cerca un comune…", "en": "Search a comune…"},
    "atlas": {"it": "Atlante dei comuni", "en": "Atlas of the comuni"},
    "plain": {"it": "Sfondo neutro", "en": "Plain background"},
    "osm": {"it": "OpenStreetMap (serve internet)", "en": "OpenStreetMap (needs internet)"},
    "nodata": {"it": "n.d.", "en": "n/a"},
    "quantiles": {"it": "quantili", "en": "quantiles"},
    "natural_breaks": {
        "it": "intervalli naturali (Fisher-Jenks)",
        "en": "natural breaks (Fisher-Jenks)",
    },
    "breaks": {"it": "soglie definite", "en": "user breaks"},
    "categories": {"it": "categorie", "en": "categories"},
    "classes": {"it": "classi", "en": "classes"},
    "indicator": {"it": "Indicatore", "en": "Indicator"},
    "zone": {"it": "Zona omogenea", "en": "Homogeneous zone"},
    "no_zone": {"it": "zona non disponibile", "en": "zone not available"},
    "cmm": {"it": "CMM", "en": "CMM"},
    "themes": {"it": "Mappe tematiche", "en": "Thematic maps"},
    "chart": {"it": "Suolo consumato 2006-2024", "en": "Consumed soil 2006-2024"},
    "title": {
        "it": "Territorio della Città metropolitana di Milano",
        "en": "Territory of the Metropolitan City of Milan",
    },
}


def t(key: str, lang: str) -> str:
    """Label in ``lang``."""
    return pick(T[key], lang)


def esc(value: object) -> str:
    """HTML-escaped text of a data value (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def offline_map(lib: str, **kwargs) -> folium.Map:
    """A folium map that loads only the vendored Leaflet (no CDN, no tiles by default)."""
    cls = type(
        "OfflineMap",
        (folium.Map,),
        {
            "default_js": [("leaflet", f"{lib}/leaflet.js")],
            "default_css": [("leaflet_css", f"{lib}/leaflet.css")],
        },
    )
    m = cls(tiles=None, control_scale=True, **kwargs)
    m.get_root().header.add_child(
        Element(f"<style>.leaflet-container{{background:{BACKGROUND}}}{BOX_CSS}</style>")
    )
    return m


def add_base_layers(m: folium.Map, lang: str) -> None:
    """A plain background (default) and OpenStreetMap tiles, off until chosen."""
    folium.FeatureGroup(name=t("plain", lang), overlay=False, control=True).add_to(m)
    folium.TileLayer(
        "OpenStreetMap",
        name=t("osm", lang),
        overlay=False,
        show=False,
        attr="© OpenStreetMap contributors, ODbL",
    ).add_to(m)


class Box(MacroElement):
    """A Leaflet control holding trusted HTML (built here, with data escaped)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var box = L.control({position: {{ this.position|tojson }}});
            box.onAdd = function() {
                var div = L.DomUtil.create('div', 'tbox');
                div.innerHTML = {{ this.body|tojson }};
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            box.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, body: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Box"
        self.body = body
        self.position = position


class LegendToggle(MacroElement):
    """Show each legend section only while its layer is on the map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            function show(name, on) {
                document.querySelectorAll('.tlegend').forEach(function(el) {
                    if (el.dataset.layer === name) { el.style.display = on ? '' : 'none'; }
                });
            }
            map.on('overlayadd', function(e) { show(e.name, true); });
            map.on('overlayremove', function(e) { show(e.name, false); });
        })();
        {% endmacro %}
    """)


@dataclass
class MapData:
    """Everything the pages draw, prepared once."""

    table: pd.DataFrame  # indexed by pro_com_t
    columns: dict[str, Column]
    groups: pd.DataFrame  # aggregates indexed by gruppo
    comuni: pd.DataFrame  # pro_com_t, comune, zona_omogenea, geometry (web, simplified)
    bounds: tuple[float, float, float, float]
    content: MapContent
    catalog: Catalog
    lang: str

    def label(self, column: str) -> str:
        """Column description in the page language."""
        return self.columns[column].text(self.lang) if column in self.columns else column

    def sources(self, column: str) -> str:
        """Attribution of the layers a column comes from."""
        doc = self.columns.get(column)
        if doc is None:
            return ""
        parts = []
        for layer_id in doc.sources:
            try:
                parts.append(self.catalog.manifest(layer_id).attribution(self.lang))
            except Exception:  # a user file named as source
                parts.append(layer_id)
        return "; ".join(dict.fromkeys(parts))

    def date(self, column: str) -> str:
        """Data dates of a column's sources."""
        doc = self.columns.get(column)
        dates = []
        for layer_id in doc.sources if doc else ():
            try:
                dates.append(self.catalog.manifest(layer_id).date)
            except Exception:
                continue
        return ", ".join(dict.fromkeys(d for d in dates if d))


def prepare(
    table: pd.DataFrame,
    columns: dict[str, Column],
    groups: pd.DataFrame,
    comuni,
    content: MapContent,
    catalog: Catalog,
    lang: str,
    tolerance_m: float = 20.0,
) -> MapData:
    """Simplify and project the comuni once for every page."""
    simplified = to_web(simplify_coverage(comuni.geometry.values, tolerance_m))
    web = pd.DataFrame(
        {
            KEY: comuni[KEY].to_numpy(),
            "comune": comuni["comune"].to_numpy(),
            "zona_omogenea": comuni["zona_omogenea"].to_numpy(),
            "geometry": simplified,
        }
    )
    import shapely

    x0, y0, x1, y1 = shapely.total_bounds(simplified)
    return MapData(
        table, columns, groups.set_index("gruppo"), web, (x0, y0, x1, y1), content, catalog, lang
    )


def _feature_collection(geometries, properties: list[dict]) -> dict:
    import shapely

    geometries = np.asarray(list(geometries), dtype=object)
    texts = shapely.to_geojson(geometries)  # one vectorised call; None for missing geometries
    empty = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    features = [
        {"type": "Feature", "id": str(i), "properties": props, "geometry": json.loads(text)}
        for i, (text, props, skip) in enumerate(zip(texts, properties, empty, strict=True))
        if not skip
    ]
    return {"type": "FeatureCollection", "features": features}


def choropleth_layer(data: MapData, spec: Choropleth, show: bool) -> tuple[folium.GeoJson, str]:
    """A comune choropleth and its legend section (HTML)."""
    lang = data.lang
    doc = data.columns.get(spec.column)
    unit = doc.unit if doc else ""
    title = data.label(spec.column)
    name = esc(f"{spec.column} — {unit}" if unit else spec.column)
    values = data.table[spec.column].reindex(data.comuni[KEY]).reset_index(drop=True)
    classes = classify(values, spec, lang)
    source, date = data.sources(spec.column), data.date(spec.column)
    props = []
    for i, row in data.comuni.iterrows():
        cls = classes.index[i]
        value = values.iloc[i]
        shown = fmt(value.item() if hasattr(value, "item") else value, lang)
        props.append(
            {
                KEY: row[KEY],
                "comune": esc(row["comune"]),
                "valore": esc(f"{shown} {unit}".strip()),
                "fonte": esc(source),
                "data": esc(date),
                "_fill": classes.colors[cls] if cls >= 0 else NO_DATA,
            }
        )
    layer = folium.GeoJson(
        _feature_collection(data.comuni["geometry"], props),
        name=name,
        show=show,
        style_function=lambda f: {
            "fillColor": f["properties"]["_fill"],
            "color": "#ffffff",
            "weight": 0.7,
            "fillOpacity": 0.78,
        },
        highlight_function=lambda f: {"weight": 2.5, "color": "#333333"},
        tooltip=folium.GeoJsonTooltip(
            fields=["comune", "valore"], aliases=[t("comune", lang), esc(title)], sticky=True
        ),
        popup=folium.GeoJsonPopup(
            fields=["comune", "valore", "fonte", "data"],
            aliases=[t("comune", lang), esc(title), t("source", lang), t("date", lang)],
        ),
    )
    method = t(spec.classification, lang)
    if spec.classification in ("quantiles", "natural_breaks"):
        method += f", {len(classes.colors)} {t('classes', lang)}"
    rows = "".join(
        f'<div><i style="background:{c}"></i>{esc(label)}</div>'
        for c, label in zip(classes.colors, classes.labels, strict=True)
    )
    rows += f'<div><i style="background:{NO_DATA}"></i>{t("nodata", lang)}</div>'
    year = f" ({esc(spec.year)})" if spec.year else ""
    legend = (
        f'<div class="tlegend" data-layer="{name}" style="display:{"" if show else "none"}">'
        f"<h4>{esc(title)}{year}</h4><div>{esc(unit)} · {esc(method)}</div>{rows}</div>"
    )
    return layer, legend


def overlay_layer(data: MapData, overlay: Overlay, frame=None) -> folium.GeoJson | None:
    """An overlay as one GeoJSON layer (points as circle markers, never one marker each)."""
    frame = overlay.frame if frame is None else frame
    if frame is None or frame.empty:
        return None
    lang = data.lang
    geometries = frame.geometry.values
    kinds = set(frame.geom_type)
    if not kinds <= {"Point", "MultiPoint"}:
        geometries = simplify_each(geometries, 15.0)
    web = to_web(geometries)
    fields = [f for f, _ in overlay.fields if f in frame.columns]
    props = [{f: esc(fmt(_plain(row[f]), lang)) for f in fields} for _, row in frame.iterrows()]
    aliases = [esc(pick(dict(overlay.fields)[f], lang)) for f in fields]
    color = overlay.color
    marker = (
        folium.CircleMarker(
            radius=4, weight=1, color="#ffffff", fill=True, fill_color=color, fill_opacity=0.9
        )
        if kinds <= {"Point", "MultiPoint"}
        else None
    )
    return folium.GeoJson(
        _feature_collection(web, props),
        name=esc(pick(overlay.title, lang)),
        show=overlay.show,
        marker=marker,
        style_function=lambda f, c=color: {
            "color": c,
            "weight": 1.2,
            "fillColor": c,
            "fillOpacity": 0.25,
        },
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases) if fields else None,
    )


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else value


def _sources_box(parts: list[str], lang: str, open_: bool = False) -> str:
    """A collapsible list of the distinct sources of the page's layers."""
    single = [piece.strip() for part in parts if part for piece in part.split("; ")]
    items = "".join(f"<li>{esc(p)}</li>" for p in dict.fromkeys(p for p in single if p))
    return (
        f"<details{' open' if open_ else ''}><summary><b>{t('sources', lang)}</b></summary>"
        f"<ul style='margin:4px 0 0;padding-left:16px;max-height:40vh;overflow:auto'>"
        f"{items}</ul></details>"
    )


def theme_page(data: MapData, theme: str, lib: str = "lib") -> folium.Map:
    """The thematic map of ``theme``: its choropleths, overlays, legends and sources."""
    lang = data.lang
    m = _base_map(data, lib)
    legends, sources = [], []
    for i, spec in enumerate(data.content.choropleths.get(theme, [])):
        layer, legend = choropleth_layer(data, spec, show=i == 0)
        layer.add_to(m)
        legends.append(legend)
        sources.append(data.sources(spec.column))
    for overlay in data.content.overlays.get(theme, []):
        layer = overlay_layer(data, overlay)
        if layer is not None:
            layer.add_to(m)
            sources.append(overlay.source)
    title = pick(data.content.titles[theme], lang)
    Box(f"<h4>{esc(title)}</h4><a href='index.html'>{t('index', lang)}</a>", "topleft").add_to(m)
    if legends:
        Box("".join(legends), "bottomright").add_to(m)
        m.add_child(LegendToggle())
    Box(_sources_box(sources, lang), "bottomleft").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.get_root().title = esc(f"{title} — {t('title', lang)}")
    return m


def _base_map(data: MapData, lib: str, **kwargs) -> folium.Map:
    x0, y0, x1, y1 = data.bounds
    m = offline_map(lib, location=[(y0 + y1) / 2, (x0 + x1) / 2], zoom_start=10, **kwargs)
    add_base_layers(m, data.lang)
    m.fit_bounds([[y0, x0], [y1, x1]])
    return m


def overview_page(data: MapData, lib: str = "lib") -> folium.Map:
    """All themes as toggleable layers, and a searchable list of comuni linking to the atlas."""
    lang = data.lang
    m = _base_map(data, lib, width="72%", left="28%", position="absolute")
    legends, sources = [], []
    first = True
    for theme in data.content.themes():
        specs = data.content.choropleths.get(theme, [])
        if specs:
            layer, legend = choropleth_layer(data, specs[0], show=first)
            layer.add_to(m)
            legends.append(legend)
            sources.append(data.sources(specs[0].column))
            first = False
        for overlay in data.content.overlays.get(theme, []):
            if overlay.frame is not None and set(overlay.frame.geom_type) <= {"Point"}:
                hidden = Overlay(
                    overlay.name,
                    overlay.title,
                    overlay.frame,
                    overlay.fields,
                    overlay.color,
                    overlay.source,
                    False,
                    overlay.pro_com_t,
                )
                layer = overlay_layer(data, hidden)
                if layer is not None:
                    layer.add_to(m)
                    sources.append(overlay.source)
    if legends:
        Box("".join(legends), "bottomright").add_to(m)
        m.add_child(LegendToggle())
    Box(_sources_box(sources, lang), "bottomleft").add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    items = "".join(
        f'<li><a href="comuni/{esc(row[KEY])}.html">{esc(row["comune"])}</a></li>'
        for _, row in data.comuni.sort_values("comune").iterrows()
    )
    themes = "".join(
        f'<li><a href="{esc(theme)}.html">{esc(pick(data.content.titles[theme], lang))}</a></li>'
        for theme in data.content.themes()
    )
    sidebar = f"""
<div id="sidebar" style="{SIDE_CSS}left:0;width:28%;border-right:1px solid #ccc">
 <h2 style="font-size:17px;margin:0 0 8px">{t("title", lang)}</h2>
 <h3 style="font-size:14px;margin:10px 0 4px">{t("themes", lang)}</h3><ul>{themes}</ul>
 <h3 style="font-size:14px;margin:10px 0 4px">{t("atlas", lang)}</h3>
 <input id="search" type="search" placeholder="{t("search", lang)}" style="width:100%;padding:4px">
 <ul id="comuni" style="padding-left:18px">{items}</ul>
</div>
<script>
document.getElementById('search').addEventListener('input', function() {{
  var q = this.value.toLowerCase();
  document.querySelectorAll('#comuni li').forEach(function(li) {{
    li.style.display = li.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
  }});
}});
</script>"""
    m.get_root().html.add_child(Element(sidebar))
    m.get_root().title = t("title", lang)
    return m


def atlas_page(data: MapData, code: str, lib: str = "../lib") -> folium.Map:
    """One comune: its boundary and services, indicators beside zone and CMM, its chart."""
    import shapely

    lang = data.lang
    row = data.comuni.set_index(KEY).loc[code]
    x0, y0, x1, y1 = shapely.bounds(row["geometry"])
    m = offline_map(
        lib,
        location=[(y0 + y1) / 2, (x0 + x1) / 2],
        zoom_start=12,
        width="60%",
        position="absolute",
    )
    add_base_layers(m, lang)
    others = data.comuni[data.comuni[KEY] != code]
    near = others[
        shapely.intersects(others["geometry"].to_numpy(), shapely.buffer(row["geometry"], 0.05))
    ]
    if len(near):
        folium.GeoJson(
            _feature_collection(near["geometry"], [{"comune": esc(n)} for n in near["comune"]]),
            name=t("comune", lang) + " (confinanti)" if lang == "it" else "Neighbouring comuni",
            style_function=lambda f: {"color": "#888888", "weight": 1, "fillOpacity": 0.05},
            tooltip=folium.GeoJsonTooltip(fields=["comune"], aliases=[t("comune", lang)]),
        ).add_to(m)
    folium.GeoJson(
        _feature_collection([row["geometry"]], [{"comune": esc(row["comune"]), KEY: code}]),
        name=esc(row["comune"]),
        style_function=lambda f: {"color": "#b5382f", "weight": 3, "fillOpacity": 0.08},
        tooltip=folium.GeoJsonTooltip(fields=["comune"], aliases=[t("comune", lang)]),
    ).add_to(m)
    sources = []
    for theme in data.content.themes():
        for overlay in data.content.overlays.get(theme, []):
            frame = overlay.frame
            if overlay.pro_com_t is None or frame is None or overlay.pro_com_t not in frame.columns:
                continue
            part = frame[frame[overlay.pro_com_t] == code]
            layer = overlay_layer(
                data,
                Overlay(
                    overlay.name,
                    overlay.title,
                    part,
                    overlay.fields,
                    overlay.color,
                    overlay.source,
                    True,
                ),
                part,
            )
            if layer is not None:
                layer.add_to(m)
                sources.append(overlay.source)
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds([[y0, x0], [y1, x1]])
    m.get_root().html.add_child(Element(_atlas_panel(data, code, row, sources)))
    m.get_root().title = esc(f"{row['comune']} — {t('atlas', lang)}")
    return m


def _atlas_panel(data: MapData, code: str, row: pd.Series, sources: list[str]) -> str:
    lang = data.lang
    zone = row["zona_omogenea"]
    has_zone = isinstance(zone, str) and bool(zone)
    zone_key = f"zona:{zone}" if has_zone else None
    lines = []
    for name, doc in data.columns.items():
        if name == "comune" or name not in data.table.columns:
            continue
        value = _plain(data.table.at[code, name])
        zone_value = cmm_value = None
        if doc.aggregate != "none" and name in data.groups.columns:
            if zone_key is not None and zone_key in data.groups.index:
                zone_value = _plain(data.groups.at[zone_key, name])
            cmm_value = _plain(data.groups.at["cmm", name])
        comparable = isinstance(doc.aggregate, Ratio)
        lines.append(
            f"<tr><td title='{esc(doc.text(lang))}'>{esc(name)}</td><td>{esc(doc.unit)}</td>"
            f"<td style='text-align:right'>{esc(fmt(value, lang))}</td>"
            f"<td style='text-align:right;color:{'#000' if comparable else '#777'}'>"
            f"{esc(fmt(zone_value, lang)) if zone_value is not None else ''}</td>"
            f"<td style='text-align:right;color:{'#000' if comparable else '#777'}'>"
            f"{esc(fmt(cmm_value, lang)) if cmm_value is not None else ''}</td></tr>"
        )
        sources.append(data.sources(name))
    chart = data.content.charts.get(code, "")
    chart_html = f"<h3 style='font-size:14px'>{t('chart', lang)}</h3>{chart}" if chart else ""
    return f"""
<div id="panel" style="{SIDE_CSS}right:0;width:40%;border-left:1px solid #ccc">
 <p><a href="../index.html">{t("index", lang)}</a></p>
 <h2 style="font-size:18px;margin:0">{esc(row["comune"])} <small>({esc(code)})</small></h2>
 <p>{t("zone", lang)}: {esc(zone) if has_zone else t("no_zone", lang)}</p>
 {chart_html}
 <table style="border-collapse:collapse;width:100%">
  <tr><th style="text-align:left">{t("indicator", lang)}</th><th></th>
  <th>{esc(row["comune"])}</th><th>{t("zone", lang)}</th><th>{t("cmm", lang)}</th></tr>
  {"".join(lines)}
 </table>
 <div style="margin-top:8px;font-size:11px;color:#555">{_sources_box(sources, lang, True)}</div>
</div>"""
