"""The web maps: theme pages, the overview and the municipal atlas (offline HTML).

Each page is one HTML document written from Python: the panel (indicator selector, overlays,
legend, "what this map shows", sources) is plain HTML, and the map is drawn by the vendored
Leaflet and ``static/territorio.js`` from one JSON block holding the comuni geometry once,
each indicator's classes and display texts, the overlays and the page's citations (stored
once per page, not per feature). Pages load ``lib/`` beside them, or carry it inline when
``self_contained`` is set so that a page sent on its own still works. Every data string is
escaped here or reaches the page as text through the JSON block.
"""

from __future__ import annotations

import json

import numpy as np
import shapely

from territorio.classes import classify
from territorio.codes import KEY
from territorio.i18n import pick
from territorio.mapspec import (
    MARKER_SHAPES,
    Choropleth,
    Overlay,
    is_scenario,
    scenario_label,
)
from territorio.webmap.atlas import atlas_panel, neighbours
from territorio.webmap.data import (
    MapData,
    _search,
    _sources_html,
    display,
    esc,
    prepare,
    readable,
)
from territorio.webmap.geometry import simplify_each, to_web
from territorio.webmap.sources import Citations
from territorio.webmap.words import t

__all__ = [
    "MapData",
    "Page",
    "atlas_page",
    "esc",
    "overview_page",
    "prepare",
    "readable",
    "theme_page",
]
WEB_SHAPES = {"cross_fill": "cross"}
"""Leaflet marker shapes where QGIS's name differs."""


class Page:
    """A finished HTML page (written by :meth:`territorio.outputs.OutputSet.write_map`)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------------------- payload


def _feature_collection(geometries, properties: list[dict]) -> dict:
    geometries = np.asarray(list(geometries), dtype=object)
    texts = shapely.to_geojson(geometries)  # one vectorised call; None for missing geometries
    empty = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    features = [
        {"type": "Feature", "properties": props, "geometry": json.loads(text)}
        for text, props, skip in zip(texts, properties, empty, strict=True)
        if not skip
    ]
    return {"type": "FeatureCollection", "features": features}


def comuni_payload(data: MapData, only: list[str] | None = None) -> dict:
    """Names and codes of every comune (for search) and the geometry of ``only`` (or all)."""
    codes = data.comuni[KEY].tolist()
    rows = range(len(codes)) if only is None else [codes.index(c) for c in only]
    return {
        "codes": codes,
        "names": data.comuni["comune"].tolist(),
        "geo": _feature_collection(
            data.comuni["geometry"].to_numpy()[list(rows)], [{"i": i} for i in rows]
        ),
    }


def indicator_payload(data: MapData, spec: Choropleth, cites: Citations) -> dict:
    """One choropleth: its classes, the class and text of every comune, its estimates."""
    lang = data.lang
    doc = data.doc(spec.column)
    values = data.table[spec.column].reindex(data.comuni[KEY]).reset_index(drop=True)
    unit = data.unit(spec.column)
    classes = classify(values, spec, lang, unit)
    method = t(f"method_{spec.classification}", lang)
    about = pick(spec.about, lang) if spec.about else readable(doc.text(lang) if doc else "", lang)
    entry = {
        "id": spec.column,
        "label": scenario_label(data.label(spec), spec.scenario),
        "unit": unit,
        "year": spec.year,
        "scenario": spec.scenario,
        "about": about,
        "method": method,
        "classes": [
            {"c": c, "l": label} for c, label in zip(classes.colors, classes.labels, strict=True)
        ],
        "cls": [int(i) for i in classes.index],
        "txt": [display(data, spec.column, v, spec) for v in values],
        "src": cites.add(doc.sources if doc else ()),
    }
    estimated = data.estimated(spec.column)
    if estimated is not None:
        entry["est"] = estimated.tolist()
        entry["estNote"] = pick(data.content.estimates[spec.column].note, lang)
        entry["about"] += f" — {t('estimate_about', lang)}: {entry['estNote']}."
    return entry


def overlay_payload(data: MapData, overlay: Overlay, frame, cites: Citations) -> dict | None:
    """An overlay: its features with their tooltip texts, colour, shape and sources."""
    if frame is None or frame.empty:
        return None
    lang = data.lang
    kinds = set(frame.geom_type.dropna())
    point = kinds <= {"Point", "MultiPoint"}
    geometries = frame.geometry.values if point else simplify_each(frame.geometry.values, 15.0)
    fields = [(f, label) for f, label in overlay.fields if f in frame.columns]
    texts = []
    for _, row in frame.iterrows():
        values = []
        for f, _ in fields:
            value = row[f]
            values.append(display(data, f, value) if not isinstance(value, str) else value)
        texts.append({"v": values})
    shape = MARKER_SHAPES.get(overlay.name, "circle")
    scenario = is_scenario(overlay.name)
    label = scenario_label(pick(overlay.title, lang), scenario)
    return {
        "id": overlay.name,
        "label": label,
        "kind": "point" if point else "area",
        "color": overlay.color,
        "fill": 0.6 if overlay.filled else 0.22,
        "shape": WEB_SHAPES.get(shape, shape),
        "scenario": scenario,
        "show": overlay.show and not scenario,
        "count": len(texts),
        "fields": [pick(label, lang) for _, label in fields],
        "geo": _feature_collection(to_web(geometries), texts),
        "src": cites.add(overlay.sources),
    }


# ---------------------------------------------------------------------------- pages


def _assets(data: MapData, lib: str) -> tuple[str, str]:
    """The page's <link>/<style> head and <script> tail, linked to ``lib`` or inline."""
    if data.self_contained:
        css = "".join(f"<style>{data.assets[n]}</style>" for n in ("leaflet.css", "territorio.css"))
        js = "".join(f"<script>{data.assets[n]}</script>" for n in ("leaflet.js", "territorio.js"))
        return css, js
    css = "".join(
        f'<link rel="stylesheet" href="{lib}/{n}">' for n in ("leaflet.css", "territorio.css")
    )
    js = "".join(f'<script src="{lib}/{n}"></script>' for n in ("leaflet.js", "territorio.js"))
    return css, js


def _json_block(payload: dict) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # inside <script> only "</" could end the block early
    return text.replace("</", "<\\/")


PATTERNS = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false">'
    "<defs>"
    # no data: white with grey hatching, never confused with the background or a colour
    '<pattern id="tp-nd" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#6b6b6b" stroke-width="2.2"/></pattern>'
    # estimated value: dots over the class colour
    '<pattern id="tp-est" width="7" height="7" patternUnits="userSpaceOnUse">'
    '<circle cx="3.5" cy="3.5" r="1.3" fill="#1a1a1a" fill-opacity="0.75"/></pattern>'
    # scenario areas: magenta hatching
    '<pattern id="tp-scen" width="9" height="9" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="9" stroke="#c51b7d" '
    'stroke-width="2" stroke-opacity="0.6"/></pattern>'
    "</defs></svg>"
)


def _nav(data: MapData, current: str, prefix: str = "") -> str:
    lang = data.lang
    links = (
        [("index", t("home", lang))]
        + [(theme, pick(data.content.titles[theme], lang)) for theme in data.content.themes()]
        + [(page, pick(title, lang)) for page, title in data.content.pages.items()]
    )
    here = ' aria-current="page"'
    items = "".join(
        f'<a href="{prefix}{name}.html"{here if name == current else ""}>{esc(label)}</a>'
        for name, label in links
    )
    return f'<nav aria-label="{t("nav", lang)}">{items}</nav>'


def _document(
    data: MapData,
    *,
    title: str,
    heading: str,
    nav: str,
    body: str,
    payload: dict,
    lib: str,
    banner: bool,
    classes: str = "",
) -> Page:
    lang = data.lang
    css, js = _assets(data, lib)
    banner_html = (
        # a landmark of its own: every text of the page sits in one (axe "region")
        f'<aside class="banner" aria-label="SCENARIO">{t("scenario_banner", lang)}</aside>'
        if banner
        else ""
    )
    layout = f"layout {classes}{' has-banner' if banner else ''}".strip()
    return Page(f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{css}
</head>
<body>
<a class="skip" href="#panel">{t("skip", lang)}</a>
<header class="top"><h1>{esc(heading)}</h1>{nav}</header>
{banner_html}
<main class="{layout}">{body}</main>
{PATTERNS}
<script type="application/json" id="tdata">{_json_block(payload)}</script>
{js}
</body>
</html>
""")


def _credits(cites: Citations) -> list[str]:
    return cites.credits


def _base_payload(data: MapData, page: str, cites: Citations) -> dict:
    x0, y0, x1, y1 = data.bounds
    return {
        "page": page,
        "lang": data.lang,
        "texts": {k: t(k, data.lang) for k in JS_TEXTS},
        "bounds": [[y0, x0], [y1, x1]],
        "focus": None,
        "atlas": "comuni/",
        "tiles": True,
        "initial": None,
        "indicators": [],
        "overlays": [],
    }


JS_TEXTS = (
    "found",
    "none",
    "shown",
    "estimate",
    "estimate_legend",
    "nodata",
    "open_atlas",
    "zoom_in",
    "zoom_out",
    "credits",
    "licences",
)


def _selector_radios(data: MapData, entries: list[dict]) -> str:
    lang = data.lang
    rows = "".join(
        f'<label for="ind-{esc(e["id"])}"><input type="radio" name="indicatore" '
        f'id="ind-{esc(e["id"])}" value="{esc(e["id"])}">'
        f"{esc(scenario_label(e['label'], e['scenario']))}</label>"
        for e in entries
    )
    return (
        f'<fieldset class="selectors"><legend>{t("indicator_pick", lang)}</legend>{rows}</fieldset>'
    )


def _selector_select(data: MapData, groups: list[tuple[str, list[dict]]]) -> str:
    lang = data.lang
    options = "".join(
        f'<optgroup label="{esc(group)}">'
        + "".join(
            f'<option value="{esc(e["id"])}">'
            f"{esc(scenario_label(e['label'], e['scenario']))}</option>"
            for e in entries
        )
        + "</optgroup>"
        for group, entries in groups
    )
    return (
        f'<div class="selectors"><label for="indicator-select" style="font-weight:600;'
        f'display:block">{t("indicator_pick", lang)}</label>'
        f'<select id="indicator-select">{options}</select></div>'
    )


def _map_panel(data: MapData, selector: str, has_overlays: bool, cites: Citations) -> str:
    lang = data.lang
    overlays = (
        f'<fieldset id="overlays" class="selectors"><legend>{t("overlays", lang)}</legend>'
        "</fieldset>"
        if has_overlays
        else ""
    )
    return f"""<aside id="panel" class="panel" aria-label="{t("panel", lang)}" tabindex="-1">
{_search(data)}
<h2>{t("what", lang)}</h2>
{selector}
<p id="about" class="about" aria-live="polite"></p>
{overlays}
<h2>{t("legend", lang)}</h2>
<div id="legend" aria-live="polite"></div>
<p class="noprint"><label for="osm-tiles"><input type="checkbox" id="osm-tiles">
{t("osm", lang)}</label></p>
{_sources_html(data, cites)}
</aside>
<div class="mapwrap"><div id="map" role="region" aria-label="{t("map", lang)}"></div></div>"""


def theme_page(data: MapData, theme: str, lib: str = "lib") -> Page:
    """The thematic map of ``theme``: one of its indicators at a time, its overlays."""
    lang = data.lang
    cites = Citations(data.catalog, lang)
    payload = _base_payload(data, "theme", cites)
    payload["comuni"] = comuni_payload(data)
    entries = [
        indicator_payload(data, spec, cites) for spec in data.content.choropleths.get(theme, [])
    ]
    payload["indicators"] = entries
    payload["initial"] = next((e["id"] for e in entries if not e["scenario"]), None)
    payload["overlays"] = [
        o
        for o in (
            overlay_payload(data, ov, ov.frame, cites)
            for ov in data.content.overlays.get(theme, [])
        )
        if o is not None
    ]
    payload["credits"] = _credits(cites)
    title = pick(data.content.titles[theme], lang)
    body = _map_panel(data, _selector_radios(data, entries), bool(payload["overlays"]), cites)
    scenario = any(e["scenario"] for e in entries) or any(
        o["scenario"] for o in payload["overlays"]
    )
    return _document(
        data,
        title=f"{title} — {t('title', lang)}",
        heading=title,
        nav=_nav(data, theme),
        body=body,
        payload=payload,
        lib=lib,
        banner=scenario,
    )


def overview_page(data: MapData, lib: str = "lib") -> Page:
    """Every theme's indicators in one selector, point overlays, search and the atlas list."""
    lang = data.lang
    cites = Citations(data.catalog, lang)
    payload = _base_payload(data, "overview", cites)
    payload["comuni"] = comuni_payload(data)
    groups = []
    for theme in data.content.themes():
        entries = [
            indicator_payload(data, spec, cites) for spec in data.content.choropleths.get(theme, [])
        ]
        if entries:
            groups.append((data.content.group(theme, lang), entries))
            payload["indicators"] += entries
        for overlay in data.content.overlays.get(theme, []):
            frame = overlay.frame
            if frame is None or not set(frame.geom_type.dropna()) <= {"Point"}:
                continue
            entry = overlay_payload(data, overlay, frame, cites)
            if entry is not None:
                entry["show"] = False
                payload["overlays"].append(entry)
    payload["initial"] = next((e["id"] for e in payload["indicators"] if not e["scenario"]), None)
    payload["credits"] = _credits(cites)
    items = "".join(
        f'<li><a href="comuni/{esc(row[KEY])}.html">{esc(row["comune"])}</a></li>'
        for _, row in data.comuni.sort_values("comune").iterrows()
    )
    atlas = (
        f"<h2>{t('atlas', lang)}</h2><p>{esc(atlas_about(data))}</p>"
        f"<details><summary>{t('all_comuni', lang).format(n=len(data.comuni))}</summary>"
        f'<ul class="comuni-list">{items}</ul></details>'
    )
    body = _map_panel(data, _selector_select(data, groups), bool(payload["overlays"]), cites)
    body = body.replace("<h2>" + t("legend", lang), atlas + "<h2>" + t("legend", lang), 1)
    scenario = any(e["scenario"] for e in payload["indicators"])
    return _document(
        data,
        title=page_title(data),
        heading=page_title(data),
        nav=_nav(data, "index"),
        body=body,
        payload=payload,
        lib=lib,
        banner=scenario,
    )


def atlas_page(data: MapData, code: str, lib: str = "../lib") -> Page:
    """One comune: its map and locator, its key indicators beside zone and CMM, its chart."""
    lang = data.lang
    cites = Citations(data.catalog, lang)
    payload = _base_payload(data, "atlas", cites)
    near = neighbours(data, code)
    payload["comuni"] = comuni_payload(data, [code, *near])
    row = data.comuni.set_index(KEY).loc[code]
    x0, y0, x1, y1 = shapely.bounds(row["geometry"])
    payload["bounds"] = [[y0, x0], [y1, x1]]
    payload["focus"] = code
    payload["atlas"] = ""
    for theme in data.content.themes():
        for overlay in data.content.overlays.get(theme, []):
            frame = overlay.frame
            if overlay.pro_com_t is None or frame is None or overlay.pro_com_t not in frame.columns:
                continue
            entry = overlay_payload(data, overlay, frame[frame[overlay.pro_com_t] == code], cites)
            if entry is not None:
                entry["show"] = not entry["scenario"]
                payload["overlays"].append(entry)
    panel, scenario = atlas_panel(data, code, row, near, payload["overlays"], cites)
    payload["credits"] = _credits(cites)
    body = f"""{panel}
<div class="mapcol"><div class="mapwrap"><div id="map" role="region"
 aria-label="{t("map_of", lang).format(name=esc(row["comune"]))}"></div></div>
<fieldset id="overlays" class="selectors" style="padding:6px 10px">
<legend>{t("overlays", lang)}</legend></fieldset>
<p class="noprint" style="padding:0 10px"><label for="osm-tiles"><input type="checkbox"
 id="osm-tiles"> {t("osm", lang)}</label></p>
<div id="legend" class="noprint" style="padding:0 10px"></div></div>"""
    return _document(
        data,
        title=f"{row['comune']} — {t('atlas', lang)}",
        heading=f"{row['comune']} — {t('scheda', lang)}",
        nav=_nav(data, "", "../"),
        body=body,
        payload=payload,
        lib=lib,
        banner=scenario,
        classes="atlas",
    )


def page_title(data: MapData) -> str:
    """The overview's title: the CMM's, or the territory's name for any other territory."""
    if not data.territory_name:
        return t("title", data.lang)
    return t("title_of", data.lang).format(name=data.territory_name)


def atlas_about(data: MapData) -> str:
    """What the atlas pages hold, naming the territory they are compared with."""
    if not data.territory_name:
        return t("atlas_about", data.lang)
    return t("atlas_about_of", data.lang).format(name=data.territory_name)
