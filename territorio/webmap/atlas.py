"""The atlas page's panel: key facts, locator, grouped indicator table, chart and links."""

from __future__ import annotations

import math
from urllib.parse import quote

import numpy as np
import pandas as pd
import shapely

from territorio.classes import fmt, fmt_number
from territorio.codes import KEY
from territorio.i18n import pick
from territorio.mapspec import is_scenario, scenario_label
from territorio.webmap.data import MapData, _search, _sources_html, display, esc
from territorio.webmap.sources import Citations
from territorio.webmap.words import t

SKIP = {"zona_omogenea", "comune"}  # shown as facts, not as table rows


def neighbours(data: MapData, code: str) -> list[str]:
    """Codes of the comuni sharing a border with ``code`` (within 5 m), by name."""
    shapes = data.comuni["shape"].to_numpy()
    codes = data.comuni[KEY].to_numpy()
    own = shapes[codes == code][0]
    near = shapely.dwithin(shapes, own, 5.0) & (codes != code)
    names = data.comuni["comune"].to_numpy()[near]
    return [c for _, c in sorted(zip(names, codes[near], strict=True))]


def table_rows(data: MapData) -> list[tuple[str, list[tuple[str, str]]]]:
    """The atlas table's groups: (group title, [(column, label)]), scenarios last."""
    lang = data.lang
    groups, scenario, seen = [], [], set(SKIP)
    for theme in data.content.themes():
        rows = []
        items = [(s.column, data.label(s)) for s in data.content.choropleths.get(theme, [])]
        items += [(c, pick(title, lang)) for c, title in data.content.rows.get(theme, [])]
        for column, label in items:
            if column in seen or column not in data.table.columns:
                continue
            seen.add(column)
            unit = data.unit(column)
            text = f"{label} ({unit})" if unit else label
            (scenario if is_scenario(column) else rows).append((column, text))
        if rows:
            groups.append((data.content.group(theme, lang), rows))
    if scenario:
        groups.append((t("scenario_group", lang), scenario))
    return groups


def _aggregate(data: MapData, key: str | None, column: str) -> str:
    doc = data.doc(column)
    if key is None or doc is None or key not in data.groups.index:
        return "—"
    if doc.aggregate == "none" or column not in data.groups.columns:
        return "—"
    value = data.groups.at[key, column]
    if data.territory_name and doc.aggregate != "count_true" and _partial(data, key, column):
        # a region's total over the few comuni a CMM layer covers is not the region's total
        return t("nodata", data.lang).split(" ")[0]
    if doc.aggregate == "count_true":
        members = data.groups.at[key, "comuni"] if "comuni" in data.groups.columns else None
        count = fmt(int(value), data.lang)
        of = {"it": "su", "en": "of"}.get(data.lang, "su")
        return f"{count} {of} {fmt(int(members), data.lang)}" if members is not None else count
    if isinstance(value, float) and np.isnan(value):
        return t("nodata", data.lang).split(" ")[0]
    return fmt_number(value, data.unit(column), data.lang)


def _partial(data: MapData, key: str, column: str) -> bool:
    """Whether some member of the group ``key`` (the territory, a zone) lacks ``column``."""
    if key.startswith("zona:"):
        members = data.comuni.loc[data.comuni["zona_omogenea"] == key[5:], KEY]
    elif key == "territorio":
        members = data.comuni[KEY]
    else:
        return False
    return bool(data.table.loc[members.to_numpy(), column].isna().any())


def _table(data: MapData, code: str, zone_key: str | None, name: str) -> tuple[str, bool]:
    lang = data.lang
    estimated_any = False
    # the whole territory's column: the CMM, or the territory of the run (a region, a province)
    whole = "cmm" if not data.territory_name else "territorio"
    whole_label = t("cmm", lang) if not data.territory_name else data.territory_name
    body = []
    for group, rows in table_rows(data):
        body.append(f'<tr><th colspan="4" scope="rowgroup" class="group">{esc(group)}</th></tr>')
        for column, label in rows:
            value = data.table.at[code, column]
            text = display(data, column, value)
            unit = data.unit(column)
            if unit and text.endswith(f" {unit}"):
                text = text[: -len(unit) - 1]
            rule = data.content.estimates.get(column)
            mask = rule.mask(data.table) if rule else None
            mark = ""
            if mask is not None and bool(mask.get(code, False)):
                mark = f' <span class="est">{t("estimate", lang)}</span>'
                estimated_any = True
            css = ' class="scenario"' if is_scenario(column) else ""
            shown = scenario_label(label, is_scenario(column))
            body.append(
                f'<tr{css}><th scope="row">{esc(shown)}</th><td>{esc(text)}{mark}</td>'
                f"<td>{esc(_aggregate(data, zone_key, column))}</td>"
                f"<td>{esc(_aggregate(data, whole, column))}</td></tr>"
            )
    head = (
        f'<thead><tr><th scope="col">{t("indicator", lang)}</th><th scope="col">{esc(name)}</th>'
        f'<th scope="col">{t("zone", lang)}</th><th scope="col">{esc(whole_label)}</th></tr>'
        "</thead>"
    )
    note = t("table_note", lang)
    if estimated_any:
        note += " " + t("estimate_footnote", lang) + "."
    caption = t("table_caption", lang)
    if data.territory_name:
        caption = t("table_caption_of", lang).format(name=data.territory_name)
    table = (
        f'<table class="ind"><caption>{esc(caption)}</caption>{head}'
        f'<tbody>{"".join(body)}</tbody></table><p class="sub">{esc(note)}</p>'
    )
    return table, any(is_scenario(c) for _, rows in table_rows(data) for c, _ in rows)


def _csv_link(data: MapData, code: str) -> str:
    """A data: link to the comune's whole row, as an Italian Excel opens it."""
    lines = [
        "colonna;descrizione;unita;valore" if data.lang == "it" else "column;description;unit;value"
    ]
    for column, value in data.table.loc[code].items():
        doc = data.doc(column)
        if isinstance(value, float | np.floating):
            text = "" if np.isnan(value) else repr(float(value))
            text = text.replace(".", ",") if data.lang == "it" else text
        else:
            text = (
                ""
                if value is None or (isinstance(value, float) and math.isnan(value))
                else str(value)
            )
        description = doc.text(data.lang).replace(";", ",") if doc else ""
        unit = doc.unit if doc else ""
        lines.append(";".join((str(column), description, unit, text.replace(";", ","))))
    payload = "\ufeff" + "\r\n".join(lines) + "\r\n"
    return "data:text/csv;charset=utf-8," + quote(payload)


def _path(geometry, project) -> str:
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            xs, ys = project(np.asarray(ring.coords))
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
            parts.append(f"M{coords}Z")
    return "".join(parts)


def locator_svg(data: MapData, code: str, name: str, width: int = 150) -> str:
    """The territory (its comuni, or its provinces when large) with the comune in red, ringed.

    The ring makes small comuni and exclaves (San Colombano al Lambro) visible.
    """
    outline = data.outline
    x0, y0, x1, y1 = shapely.total_bounds(outline)
    scale = (width - 8) / (x1 - x0)
    height = int((y1 - y0) * scale) + 8

    def project(coords: np.ndarray):
        return 4 + (coords[:, 0] - x0) * scale, 4 + (y1 - coords[:, 1]) * scale

    codes = data.comuni[KEY].to_numpy()
    if len(outline) == len(codes):
        others = "".join(
            _path(g, project) for g, c in zip(outline, codes, strict=True) if c != code
        )
    else:  # provinces (a region, Italy): the comune is drawn over them
        others = "".join(_path(g, project) for g in outline)
    own = data.comuni["shape"].to_numpy()[codes == code][0]
    point = shapely.point_on_surface(own)
    cx, cy = project(np.array([[point.x, point.y]]))
    label = t("locator", data.lang).format(name=name)
    return (
        f'<svg class="locator" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-label="{esc(label)}"><title>{esc(label)}</title>'
        f'<path d="{others}" fill="#d9d9d9" stroke="#ffffff" stroke-width="0.4"/>'
        f'<path d="{_path(own, project)}" fill="#b5382f" stroke="#7a1f18" stroke-width="0.6"/>'
        f'<circle cx="{cx[0]:.1f}" cy="{cy[0]:.1f}" r="9" fill="none" stroke="#b5382f" '
        'stroke-width="1.6"/></svg>'
    )


SHAPE_SVG = {
    "circle": '<circle cx="0" cy="0" r="4"/>',
    "square": '<rect x="-3.5" y="-3.5" width="7" height="7"/>',
    "triangle": '<path d="M0 -4.5 L4.5 4 L-4.5 4 Z"/>',
    "cross": '<path d="M-1.5 -4.5h3v3h3v3h-3v3h-3v-3h-3v-3h3z"/>',
    "star": '<path d="M0 -5l1.4 3.2 3.4.3-2.6 2.2.8 3.4L0 2.3l-3 1.8.8-3.4-2.6-2.2 3.4-.3z"/>',
}


def static_map_svg(
    data: MapData, code: str, near: list[str], overlays: list[dict], name: str
) -> str:
    """A vector map of the comune for print: neighbours, the comune, its point services."""
    table = data.comuni.set_index(KEY)
    own = table.at[code, "geometry"]
    x0, y0, x1, y1 = shapely.bounds(own)
    pad_x, pad_y = (x1 - x0) * 0.08 + 0.002, (y1 - y0) * 0.08 + 0.002
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y
    k = math.cos(math.radians((y0 + y1) / 2))
    width = 640.0
    scale = width / ((x1 - x0) * k)
    height = (y1 - y0) * scale

    def project(coords: np.ndarray):
        return (coords[:, 0] - x0) * k * scale, (y1 - coords[:, 1]) * scale

    view = shapely.box(x0, y0, x1, y1)
    parts = [f'<rect width="{width:.0f}" height="{height:.0f}" fill="#f2f1ec"/>']
    for other in near:
        clipped = shapely.intersection(table.at[other, "geometry"], view)
        parts.append(
            f'<path d="{_path(clipped, project)}" fill="#ffffff" stroke="#888" stroke-width="0.8"/>'
        )
    parts.append(
        f'<path d="{_path(own, project)}" fill="#fbe9e7" stroke="#b5382f" stroke-width="2.5"/>'
    )
    for overlay in overlays:
        if overlay["kind"] != "point" or overlay["scenario"]:
            continue
        shape = SHAPE_SVG.get(overlay["shape"], SHAPE_SVG["circle"])
        for feature in overlay["geo"]["features"]:
            lon, lat = feature["geometry"]["coordinates"][:2]
            px, py = project(np.array([[lon, lat]]))
            parts.append(
                f'<g transform="translate({px[0]:.1f},{py[0]:.1f})" fill="{overlay["color"]}" '
                f'stroke="#fff" stroke-width="0.8">{shape}</g>'
            )
    metres = (x1 - x0) * k * 111_320 / 4
    nice = 10 ** math.floor(math.log10(metres))
    nice = max(m * nice for m in (1, 2, 5) if m * nice <= metres)
    bar = nice / ((x1 - x0) * k * 111_320) * width
    label = f"{fmt(int(nice / 1000), data.lang)} km" if nice >= 1000 else f"{int(nice)} m"
    parts.append(
        f'<g transform="translate(12,{height - 14:.0f})"><rect width="{bar:.1f}" height="4" '
        f'fill="#222"/><text x="{bar + 6:.1f}" y="5" font-size="12">{label}</text></g>'
    )
    title = t("static_map", data.lang).format(name=name)
    return (
        f'<svg class="printmap" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{esc(title)}" font-family="sans-serif">{"".join(parts)}</svg>'
    )


def atlas_panel(
    data: MapData,
    code: str,
    row: pd.Series,
    near: list[str],
    overlays: list[dict],
    cites: Citations,
) -> tuple[str, bool]:
    """The panel's HTML and whether it shows a scenario."""
    lang = data.lang
    name = str(row["comune"])
    zone = row["zona_omogenea"]
    has_zone = isinstance(zone, str) and bool(zone)
    zone_key = f"zona:{zone}" if has_zone else None
    for _, rows in table_rows(data):
        for column, _ in rows:
            doc = data.doc(column)
            if doc is not None:
                cites.add(doc.sources)
    years = sorted(
        c for c in data.table.columns if c.startswith("popolazione_") and c[-4:].isdigit()
    )
    facts = [(t("code", lang), code), (t("zone", lang), zone if has_zone else t("no_zone", lang))]
    if years:
        facts.append(
            (
                f"{t('residents', lang)} 1/1/{years[-1][-4:]}",
                fmt_number(data.table.at[code, years[-1]], "ab.", lang),
            )
        )
    if "superficie_km2" in data.table.columns:
        facts.append((t("area", lang), fmt_value_km2(data.table.at[code, "superficie_km2"], lang)))
    facts_html = "".join(f"<li><b>{esc(k)}:</b> {esc(v)}</li>" for k, v in facts)
    table, scenario = _table(data, code, zone_key, name)
    chart = data.content.charts.get(code, "")
    chart_html = f"<h2>{t('chart', lang)}</h2>{chart}" if chart else ""
    names = data.comuni.set_index(KEY)["comune"]
    neighbour_links = "".join(f'<li><a href="{esc(c)}.html">{esc(names[c])}</a></li>' for c in near)
    theme_links = "".join(
        f'<li><a href="../{esc(theme)}.html#comune={esc(code)}">'
        f"{esc(pick(data.content.titles[theme], lang))}</a></li>"
        for theme in data.content.themes()
    )
    links = f"""<section class="links noprint" aria-label="{t("data_links", lang)}">
<h2>{t("neighbours", lang)}</h2><ul>{neighbour_links}</ul>
<h2>{t("theme_maps", lang)}</h2><ul>{theme_links}</ul>
<h2>{t("data_links", lang)}</h2><ul>
<li><a href="{_csv_link(data, code)}" download="indicatori_{esc(code)}.csv">
{t("data_row", lang)}</a></li>
<li><a href="../indicatori_comuni.csv">{t("data_all", lang)}</a></li>
<li><a href="../indicatori_comuni.md">{t("dictionary", lang)}</a></li></ul></section>"""
    html = f"""<aside id="panel" class="panel" aria-label="{t("panel", lang)}" tabindex="-1">
<div class="noprint">{_search(data)}</div>
{locator_svg(data, code, name)}
<h2>{esc(name)}</h2>
<ul class="facts">{facts_html}</ul>
<div class="figs">{static_map_svg(data, code, near, overlays, name)}
<div class="chart">{chart_html}</div></div>
{table}
{links}
{_sources_html(data, cites)}
</aside>"""
    return html, scenario


def fmt_value_km2(value: object, lang: str) -> str:
    """An area in km² with its unit."""
    return f"{fmt_number(value, 'km²', lang)} km²"
