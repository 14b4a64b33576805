"""The monitoring dashboard ``monitoraggio.html`` and the comparison page ``confronto.html``.

Static, offline pages: inline CSS, SVG sparklines (:mod:`territorio.monitor.sparkline`), no
script. Italian by default with Italian number and date formats; every figure has its period,
unit and source; the sources and licences of the run's layers close the page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from html import escape as esc
from typing import Any

import pandas as pd

from territorio.classes import fmt_number, fmt_value
from territorio.i18n import pick
from territorio.monitor.catalogue import DOWN, NEUTRAL, UP, Indicator
from territorio.monitor.sparkline import sparkline_svg
from territorio.monitor.values import Monitoring

MONITOR_PAGE = "monitoraggio.html"
COMPARE_PAGE = "confronto.html"
#: How many comuni each card lists at the top and the bottom of its ranking.
RANK_SHOWN = 5

W = {
    "title": {
        "it": "Monitoraggio del Piano strategico (PSTTM 2025–27)",
        "en": "Strategic plan monitoring (PSTTM 2025–27)",
    },
    "intro": {
        "it": "Per ogni Driver dell'Agenda strategica: gli indicatori che i dati del toolkit misurano, il valore più recente per la Città metropolitana, la serie disponibile, la base e l'obiettivo quando il Piano lo quantifica. Gli obiettivi non quantificati restano vuoti: non sono stimati.",
        "en": "For each Driver of the Agenda strategica: the indicators the toolkit's data measure, the latest value for the metropolitan city, the series available, the baseline and the target where the plan quantifies one. Targets that are not quantified stay empty: they are not estimated.",
    },
    "run": {
        "it": "Risultati del run del {d} (territorio {v}).",
        "en": "Results of the run of {d} (territorio {v}).",
    },
    "served": {
        "it": "Driver con almeno un indicatore: {n} su {t}.",
        "en": "Drivers with at least one indicator: {n} of {t}.",
    },
    "unserved_h": {"it": "Driver che i dati non misurano", "en": "Drivers the data do not measure"},
    "nav": {"it": "Pagine", "en": "Pages"},
    "home": {"it": "Mappa generale", "en": "Overview map"},
    "compare": {"it": "Confronto tra run", "en": "Run comparison"},
    "skip": {"it": "Vai al contenuto", "en": "Skip to content"},
    "driver": {"it": "Driver {n}", "en": "Driver {n}"},
    "provisional": {
        "it": "denominazione provvisoria, da allineare al testo approvato del Piano",
        "en": "provisional name, to be aligned with the approved plan text",
    },
    "cmm": {"it": "Città metropolitana", "en": "Metropolitan city"},
    "base": {"it": "Base", "en": "Baseline"},
    "target": {"it": "Obiettivo", "en": "Target"},
    "none": {"it": "non quantificato dal Piano", "en": "not quantified by the plan"},
    "context": {
        "it": "indicatore di contesto: nessun obiettivo",
        "en": "context indicator: no target",
    },
    "reached": {"it": "raggiunto", "en": "reached"},
    "beyond": {"it": "superato di {x}", "en": "exceeded by {x}"},
    "to_go": {"it": "mancano {x}", "en": "{x} to go"},
    "by": {"it": "entro il {y}", "en": "by {y}"},
    "all_comuni": {"it": "tutti i comuni con il dato ({x})", "en": "every comune with data ({x})"},
    "change": {"it": "variazione dalla base", "en": "change from baseline"},
    "series": {"it": "Serie", "en": "Series"},
    "period": {"it": "Periodo", "en": "Period"},
    "value": {"it": "Valore", "en": "Value"},
    "areas": {"it": "Per area", "en": "By area"},
    "area": {"it": "Area", "en": "Area"},
    "coverage": {"it": "comuni con il dato", "en": "comuni with data"},
    "ranking": {"it": "Graduatoria dei comuni", "en": "Ranking of the comuni"},
    "ranking_best": {"it": "prima i migliori", "en": "best first"},
    "ranking_high": {
        "it": "prima i valori più alti (nessun ordine di merito)",
        "en": "highest first (no order of merit)",
    },
    "rank": {"it": "Posizione", "en": "Rank"},
    "comune": {"it": "Comune", "en": "Comune"},
    "all": {"it": "Tutti i {n} comuni", "en": "All {n} comuni"},
    "source": {"it": "Fonte", "en": "Source"},
    "nd": {"it": "n.d.", "en": "n/a"},
    "why": {"it": "Perché manca", "en": "Why it is missing"},
    "direction": {"it": "Direzione", "en": "Direction"},
    "direction_up": {"it": "meglio se aumenta", "en": "better when it rises"},
    "direction_down": {"it": "meglio se diminuisce", "en": "better when it falls"},
    "direction_none": {"it": "contesto", "en": "context"},
    "thresholds": {"it": "per soglia di tempo", "en": "by time threshold"},
    "sources": {
        "it": "Fonti e licenze degli strati del run",
        "en": "Sources and licences of the run's layers",
    },
    "layer": {"it": "Strato", "en": "Layer"},
    "publisher": {"it": "Editore", "en": "Publisher"},
    "licence": {"it": "Licenza", "en": "Licence"},
    "date": {"it": "Data", "en": "Date"},
    "footer": {
        "it": "Generato da territorio {v} il {d}. Catalogo del monitoraggio: {c}.",
        "en": "Generated by territorio {v} on {d}. Monitoring catalogue: {c}.",
    },
    "scenario": {"it": "SCENARIO", "en": "SCENARIO"},
}

CSS = """
:root{--ink:#1a1a1a;--muted:#4d4d4d;--line:#c8c8c8;--accent:#1f4e79;--ok:#1b5e20;--ko:#8b1a1a;--bg:#fff}
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:9}
header.top{background:var(--accent);color:#fff;padding:12px 16px}header.top h1{margin:0 0 6px;font-size:1.35rem}
header.top nav a{color:#fff;margin-right:14px;text-decoration:underline}
main{max-width:1200px;margin:0 auto;padding:12px 16px 32px}
h2{font-size:1.2rem;border-bottom:2px solid var(--accent);padding-bottom:4px;margin-top:28px}
h3{font-size:1rem;margin:0 0 6px}
.badge{display:inline-block;font-size:.8rem;font-weight:normal;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 6px;margin-left:6px}
.scen{background:#fff3cd;color:#5c4400;border-color:#b38f00}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:14px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px;break-inside:avoid}
.value{font-size:1.6rem;font-weight:700;margin:2px 0}.period{color:var(--muted);font-size:.9rem}
.ok{color:var(--ok);font-weight:600}.ko{color:var(--ko);font-weight:600}
.spark{display:block;width:100%;max-width:260px;height:auto;margin:6px 0}
dl{margin:6px 0;display:grid;grid-template-columns:auto 1fr;gap:2px 10px}dt{color:var(--muted)}dd{margin:0}
details{margin-top:6px}summary{cursor:pointer;color:var(--accent);text-decoration:underline}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.nd{color:var(--muted)}.source{color:var(--muted);font-size:.85rem;margin-top:6px}
footer{max-width:1200px;margin:0 auto;padding:8px 16px 24px;color:var(--muted);font-size:.85rem}
@media print{header.top{background:none;color:#000}header.top nav{display:none}details{display:block}.card{page-break-inside:avoid}}
@media (max-width:480px){.cards{grid-template-columns:1fr}.value{font-size:1.4rem}}
"""


def t(key: str, lang: str) -> str:
    """A word of the dashboard in ``lang``."""
    return pick(W[key], lang)


def italian_date(moment: dt.datetime | dt.date | str, lang: str) -> str:
    """``1/12/2026`` in Italian, ``2026-12-01`` in English.

    Examples
    --------
    >>> from territorio.monitor.dashboard import italian_date
    >>> italian_date("2026-12-01T10:05:00", "it"), italian_date("2026-12-01", "en")
    ('1/12/2026', '2026-12-01')
    """
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return f"{day.day}/{day.month}/{day.year}" if lang == "it" else day.isoformat()


def number(value: Any, unit: str, lang: str) -> str:
    """A figure with its unit, ``n.d.`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("nd", lang)
    return fmt_value(float(value), unit, lang)


def document(title: str, nav: str, body: str, footer: str, lang: str) -> str:
    """The page shell shared by the dashboard and the comparison page."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{CSS}</style>
</head>
<body>
<a class="skip" href="#contenuto">{t("skip", lang)}</a>
<header class="top"><h1>{esc(title)}</h1>{nav}</header>
<main id="contenuto">{body}</main>
<footer>{footer}</footer>
</body>
</html>
"""


def nav(current: str, lang: str, *, index: bool, compare: bool) -> str:
    """Links to the overview map, the dashboard and the comparison page (those that exist)."""
    links = []
    if index:
        links.append(("index.html", t("home", lang)))
    links.append((MONITOR_PAGE, t("title", lang).split(" (")[0]))
    if compare:
        links.append((COMPARE_PAGE, t("compare", lang)))
    here = ' aria-current="page"'
    items = "".join(
        f'<a href="{href}"{here if href == current else ""}>{esc(label)}</a>'
        for href, label in links
    )
    return f'<nav aria-label="{t("nav", lang)}">{items}</nav>'


def sources_table(layers: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The layers a run read, with publisher, licence, date and sha256 prefix."""
    if not layers:
        return ""
    rows = "".join(
        f"<tr><td>{esc(str(layer.get('titolo') or layer['id']))}</td>"
        f"<td>{esc(str(layer.get('editore', '')))}</td><td>{esc(str(layer.get('licenza', '')))}</td>"
        f"<td>{esc(str(layer.get('data', '')))}</td><td><code>{esc(str(layer.get('sha256', ''))[:12])}</code></td></tr>"
        for layer in layers
    )
    return (
        f'<h2>{t("sources", lang)}</h2><table><thead><tr><th scope="col">{t("layer", lang)}</th>'
        f'<th scope="col">{t("publisher", lang)}</th><th scope="col">{t("licence", lang)}</th>'
        f'<th scope="col">{t("date", lang)}</th><th scope="col">sha256</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def monitor_page(
    result: Monitoring,
    run: Mapping[str, Any],
    lang: str = "it",
    *,
    index: bool = True,
    compare: bool = False,
    catalogue_label: str = "psttm.toml",
) -> str:
    """``monitoraggio.html``: a section per Driver, a card per indicator.

    Parameters
    ----------
    result
        What :func:`territorio.monitor.values.monitor` computed.
    run
        The run's ``run.json`` content (date, version, layers).
    lang
        Page language.
    index, compare
        Whether the overview map and the comparison page exist beside it (nav links).
    catalogue_label
        The catalogue file(s) the footer names.
    """
    served = [d for d in result.catalogue.drivers if d.id not in result.unserved_drivers]
    parts = [
        f"<p>{t('intro', lang)}</p>",
        f"<p>{t('run', lang).format(d=italian_date(run.get('data', dt.datetime.now().isoformat()), lang), v=esc(str(run.get('territorio_versione', ''))))} "
        f"{t('served', lang).format(n=len(served), t=len(result.catalogue.drivers))}</p>",
    ]
    if result.unserved_drivers:
        items = "".join(
            f"<li><strong>{t('driver', lang).format(n=d.number)} — {esc(pick(d.name, lang))}</strong>: "
            f"{esc(pick(result.unserved_drivers[d.id], lang))}</li>"
            for d in result.catalogue.drivers
            if d.id in result.unserved_drivers
        )
        parts.append(
            f'<section aria-labelledby="non-serviti"><h2 id="non-serviti">{t("unserved_h", lang)}</h2><ul>{items}</ul></section>'
        )
    for driver in result.catalogue.drivers:
        if driver.id in result.unserved_drivers:
            continue
        badge = (
            "" if driver.name_verified else f'<span class="badge">{t("provisional", lang)}</span>'
        )
        cards = "".join(_card(result, ind, lang) for ind in result.catalogue.of(driver.id))
        hid = f"driver-{esc(driver.id)}"
        parts.append(
            f'<section aria-labelledby="{hid}"><h2 id="{hid}">{t("driver", lang).format(n=driver.number)} — '
            f"{esc(pick(driver.name, lang))}{badge}</h2>"
            f'<p>{esc(pick(driver.description, lang))}</p><div class="cards">{cards}</div></section>'
        )
    parts.append(sources_table(run.get("strati", []), lang))
    footer = t("footer", lang).format(
        v=esc(str(run.get("territorio_versione", ""))),
        d=italian_date(dt.datetime.now(), lang),
        c=esc(catalogue_label),
    )
    return document(
        t("title", lang),
        nav(MONITOR_PAGE, lang, index=index, compare=compare),
        "".join(parts),
        footer,
        lang,
    )


def _card(result: Monitoring, ind: Indicator, lang: str) -> str:
    name = esc(pick(ind.name, lang))
    scenario = ind.column.startswith("scenario_")
    badge = f' <span class="badge scen">{t("scenario", lang)}</span>' if scenario else ""
    if ind.id in result.unserved:
        base = ""
        if ind.baseline is not None:
            base = (
                f"<dl><dt>{t('base', lang)}</dt><dd>{number(ind.baseline.value, ind.unit, lang)} "
                f"({ind.baseline.year}) — {esc(ind.baseline.source)}</dd></dl>"
            )
        return (
            f'<article class="card"><h3>{name}{badge}</h3><p class="value nd">{t("nd", lang)}</p>'
            f"<p><strong>{t('why', lang)}:</strong> {esc(pick(result.unserved[ind.id], lang))}</p>{base}</article>"
        )
    rows = result.table[result.table["indicatore"] == ind.id]
    cmm = rows[rows["gruppo"] == "cmm"]
    head = cmm.iloc[0] if len(cmm) else rows.iloc[0]
    value = number(head["valore"], ind.unit, lang)
    period = (
        f'<span class="period">{esc(str(head["periodo"]))} · {esc(str(head["area"]))}</span>'
        if head["periodo"]
        else f'<span class="period">{esc(str(head["area"]))}</span>'
    )
    direction = {UP: "direction_up", DOWN: "direction_down", NEUTRAL: "direction_none"}[
        ind.direction
    ]
    facts = [(t("source", lang), esc(ind.source)), (t("direction", lang), t(direction, lang))]
    if not math.isnan(head["base_valore"]):
        change = head["variazione_da_base"]
        facts.append(
            (
                t("base", lang),
                f"{number(head['base_valore'], ind.unit, lang)} ({esc(str(head['base_periodo']))}); "
                f"{t('change', lang)} {_signed(change, ind.unit, lang)}",
            )
        )
    facts.append((t("target", lang), _target_text(ind, head, lang)))
    points = result.series.get((ind.id, head["gruppo"]), [])
    spark = ""
    if len(points) >= 2:
        label = f"{pick(ind.name, lang)}, {head['area']}: " + "; ".join(
            f"{p} {fmt_number(v, ind.unit, lang)}" for p, v in points
        )
        spark = sparkline_svg([v for _, v in points], label, bars=ind.series_kind != "tempo")
        table_rows = "".join(
            f'<tr><td>{esc(p)}</td><td class="num">{number(v, ind.unit, lang)}</td></tr>'
            for p, v in points
        )
        caption = t("series", lang) + (
            "" if ind.series_kind == "tempo" else f" ({t('thresholds', lang)})"
        )
        spark += (
            f'<details><summary>{caption}</summary><table><thead><tr><th scope="col">{t("period", lang)}</th>'
            f'<th scope="col" class="num">{t("value", lang)}</th></tr></thead><tbody>{table_rows}</tbody></table></details>'
        )
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return (
        f'<article class="card"><h3>{name}{badge}</h3><p class="value">{value}</p>{period}'
        f"{spark}<dl>{dl}</dl>{_areas(rows, ind, lang)}{_ranking(result, ind, lang)}</article>"
    )


def _signed(value: float, unit: str, lang: str, *, points: bool = True) -> str:
    """``+1,3 punti %``: a signed change (of a share, in points unless ``points`` is false)."""
    if value is None or math.isnan(value):
        return t("nd", lang)
    text = number(abs(value), "punti %" if unit == "%" and points else unit, lang)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _target_text(ind: Indicator, row: pd.Series, lang: str) -> str:
    if ind.direction == NEUTRAL:
        return t("context", lang)
    if ind.target is None:
        return f"<em>{t('none', lang)}</em>"
    if math.isnan(row["obiettivo_valore"]):
        return f"{esc(ind.target.source)} ({t('nd', lang)})"
    goal = number(row["obiettivo_valore"], ind.unit, lang)
    if ind.target.all_comuni:
        goal = t("all_comuni", lang).format(x=goal)
    when = f" {t('by', lang).format(y=ind.target.year)}" if ind.target.year else ""
    gap = row["distanza_obiettivo"]
    if math.isnan(gap):
        state = ""
    elif gap <= 0:
        extra = "" if gap == 0 else " — " + t("beyond", lang).format(x=number(-gap, ind.unit, lang))
        state = f' — <span class="ok">✓ {t("reached", lang)}</span>{extra}'
    else:
        state = (
            f' — <span class="ko">✗ {t("to_go", lang).format(x=number(gap, ind.unit, lang))}</span>'
        )
    return f'{goal}{when}{state}<br><span class="source">{esc(ind.target.source)}</span>'


def _areas(rows: pd.DataFrame, ind: Indicator, lang: str) -> str:
    if len(rows) < 2:
        return ""
    body = "".join(
        f'<tr><td>{esc(str(r["area"]))}</td><td class="num">{number(r["valore"], ind.unit, lang)}</td>'
        f'<td class="num">{"" if math.isnan(r["comuni_con_dato"]) else fmt_number(r["comuni_con_dato"], "n.", lang)}</td></tr>'
        for _, r in rows.iterrows()
    )
    return (
        f'<details><summary>{t("areas", lang)}</summary><table><thead><tr><th scope="col">{t("area", lang)}</th>'
        f'<th scope="col" class="num">{t("value", lang)}</th><th scope="col" class="num">{t("coverage", lang)}</th>'
        f"</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _ranking(result: Monitoring, ind: Indicator, lang: str) -> str:
    frame = result.ranking[result.ranking["indicatore"] == ind.id]
    frame = frame[frame["valore"].notna()]
    if frame.empty:
        return ""
    order = t("ranking_high", lang) if ind.direction == NEUTRAL else t("ranking_best", lang)

    def rows(part: pd.DataFrame) -> str:
        return "".join(
            f'<tr><td class="num">{int(r["posizione"])}</td><td>{esc(str(r["comune"]))}</td>'
            f'<td class="num">{number(r["valore"], ind.unit, lang)}</td></tr>'
            for _, r in part.iterrows()
        )

    head = (
        f'<thead><tr><th scope="col" class="num">{t("rank", lang)}</th><th scope="col">{t("comune", lang)}</th>'
        f'<th scope="col" class="num">{t("value", lang)}</th></tr></thead>'
    )
    short = (
        frame
        if len(frame) <= 2 * RANK_SHOWN
        else pd.concat([frame.head(RANK_SHOWN), frame.tail(RANK_SHOWN)])
    )
    return (
        f"<details><summary>{t('ranking', lang)} ({order})</summary><table>{head}<tbody>{rows(short)}</tbody></table>"
        f"<details><summary>{t('all', lang).format(n=len(frame))}</summary><table>{head}<tbody>{rows(frame)}</tbody></table></details>"
        "</details>"
    )


CW = {
    "title": {"it": "Confronto tra due run", "en": "Comparison of two runs"},
    "runs": {
        "it": "Run A: {a} ({da}). Run B: {b} ({db}). Le differenze sono B − A.",
        "en": "Run A: {a} ({da}). Run B: {b} ({db}). Differences are B − A.",
    },
    "inputs": {"it": "Dati e impostazioni cambiati", "en": "Inputs and settings that changed"},
    "no_inputs": {
        "it": "Nessuno strato, versione o impostazione è cambiato.",
        "en": "No layer, version or setting changed.",
    },
    "kind": {"it": "Cambiamento", "en": "Change"},
    "item": {"it": "Voce", "en": "Item"},
    "columns": {"it": "Colonne cambiate", "en": "Columns that changed"},
    "no_columns": {"it": "Nessun valore è cambiato.", "en": "No value changed."},
    "table": {"it": "Tabella", "en": "Table"},
    "column": {"it": "Indicatore", "en": "Indicator"},
    "state": {"it": "Stato", "en": "Status"},
    "rows": {"it": "Righe cambiate", "en": "Rows changed"},
    "max": {"it": "Differenza massima", "en": "Largest difference"},
    "cells": {"it": "Differenze per comune", "en": "Differences by comune"},
    "cells_area": {"it": "Differenze per area", "en": "Differences by area"},
    "more": {"it": "Le prime {n} di {t}; tutte in {f}.", "en": "The first {n} of {t}; all in {f}."},
    "presence": {
        "it": "Comuni o aree presenti in un solo run",
        "en": "Comuni or areas in one run only",
    },
    "a": {"it": "A", "en": "A"},
    "b": {"it": "B", "en": "B"},
    "diff": {"it": "B − A", "en": "B − A"},
    "diff_pct": {"it": "in % di A", "en": "as % of A"},
    "states": {
        "it": {
            "cambiata": "cambiata",
            "nuova": "nuova (solo in B)",
            "rimossa": "rimossa (solo in A)",
            "solo_in_a": "solo in A",
            "solo_in_b": "solo in B",
        },
        "en": {
            "cambiata": "changed",
            "nuova": "new (B only)",
            "rimossa": "removed (A only)",
            "solo_in_a": "A only",
            "solo_in_b": "B only",
        },
    },
    "kinds": {
        "it": {
            "strato cambiato": "strato cambiato (sha256)",
            "strato nuovo": "strato nuovo",
            "strato rimosso": "strato rimosso",
            "file dell'utente": "file dell'utente al posto del catalogo",
            "versione": "versione di territorio",
            "configurazione": "impostazione",
        },
        "en": {
            "strato cambiato": "layer changed (sha256)",
            "strato nuovo": "new layer",
            "strato rimosso": "layer removed",
            "file dell'utente": "user file instead of the catalogue",
            "versione": "territorio version",
            "configurazione": "setting",
        },
    },
}
CELLS_SHOWN = 200


def _cw(key: str, lang: str) -> Any:
    value = CW[key]
    return value.get(lang, value["it"])


def compare_page(
    comparison: Any,
    info_a: Mapping[str, Any],
    info_b: Mapping[str, Any],
    labels: Mapping[str, str],
    lang: str = "it",
    *,
    names: tuple[str, str] = ("A", "B"),
    files: tuple[str, str] = ("confronto_comuni.csv", "confronto_aree.csv"),
) -> str:
    """``confronto.html``: what changed between two runs, inputs first.

    ``labels`` maps column ids to their headers (from the run's data dictionary), so that
    people read "Suolo consumato 2024 (%)" rather than ``suolo_consumato_2024_pct``.
    """
    states, kinds = _cw("states", lang), _cw("kinds", lang)
    parts = [
        "<p>"
        + _cw("runs", lang).format(
            a=esc(names[0]),
            b=esc(names[1]),
            da=italian_date(info_a.get("data", "1970-01-01"), lang),
            db=italian_date(info_b.get("data", "1970-01-01"), lang),
        )
        + "</p>",
        f'<section aria-labelledby="input"><h2 id="input">{_cw("inputs", lang)}</h2>',
    ]
    inputs = comparison.inputs
    if inputs.empty:
        parts.append(f"<p>{_cw('no_inputs', lang)}</p>")
    else:
        body = "".join(
            f"<tr><td>{esc(kinds.get(r['tipo'], r['tipo']))}</td><td>{esc(str(r['voce']))}</td>"
            f"<td><code>{esc(str(r['valore_a'])[:16])}</code></td><td><code>{esc(str(r['valore_b'])[:16])}</code></td></tr>"
            for _, r in inputs.iterrows()
        )
        parts.append(
            f'<table><thead><tr><th scope="col">{_cw("kind", lang)}</th><th scope="col">{_cw("item", lang)}</th>'
            f'<th scope="col">{_cw("a", lang)}</th><th scope="col">{_cw("b", lang)}</th></tr></thead><tbody>{body}</tbody></table>'
        )
    parts.append("</section>")
    parts.append(f'<section aria-labelledby="colonne"><h2 id="colonne">{_cw("columns", lang)}</h2>')
    columns = comparison.columns
    if columns.empty:
        parts.append(f"<p>{_cw('no_columns', lang)}</p>")
    else:
        tables = {"comuni": "indicatori_comuni", "aree": "indicatori_aree"}
        body = "".join(
            f"<tr><td>{esc(tables.get(r['tabella'], r['tabella']))}</td><td>{esc(labels.get(r['colonna'], r['colonna']))}</td>"
            f"<td>{esc(states.get(r['stato'], r['stato']))}</td>"
            f'<td class="num">{"" if pd.isna(r["righe_cambiate"]) else fmt_number(r["righe_cambiate"], "n.", lang)}</td>'
            f'<td class="num">{"" if pd.isna(r["differenza_max_assoluta"]) else fmt_number(r["differenza_max_assoluta"], "", lang)}</td></tr>'
            for _, r in columns.iterrows()
        )
        parts.append(
            f'<table><thead><tr><th scope="col">{_cw("table", lang)}</th><th scope="col">{_cw("column", lang)}</th>'
            f'<th scope="col">{_cw("state", lang)}</th><th scope="col" class="num">{_cw("rows", lang)}</th>'
            f'<th scope="col" class="num">{_cw("max", lang)}</th></tr></thead><tbody>{body}</tbody></table>'
        )
    parts.append("</section>")
    for key, frame, file in (
        ("cells", comparison.comuni, files[0]),
        ("cells_area", comparison.areas, files[1]),
    ):
        if frame.empty:
            continue
        shown = frame.head(CELLS_SHOWN)
        body = "".join(
            f"<tr><td>{esc(str(r['nome']))}</td><td>{esc(labels.get(r['colonna'], r['colonna']))}</td>"
            + (
                f'<td class="num">{fmt_number(r["valore_a"], "", lang)}</td><td class="num">{fmt_number(r["valore_b"], "", lang)}</td>'
                f'<td class="num">{_signed(r["differenza"], "", lang)}</td><td class="num">{"" if pd.isna(r["differenza_pct"]) else _signed(r["differenza_pct"], "%", lang, points=False)}</td>'
                if pd.notna(r["valore_a"]) or pd.notna(r["valore_b"])
                else f"<td>{esc(str(r['testo_a']))}</td><td>{esc(str(r['testo_b']))}</td><td></td><td></td>"
            )
            + "</tr>"
            for _, r in shown.iterrows()
        )
        hid = f"celle-{key}"
        parts.append(
            f'<section aria-labelledby="{hid}"><h2 id="{hid}">{_cw(key, lang)}</h2>'
            f"<p>{_cw('more', lang).format(n=len(shown), t=len(frame), f=esc(file))}</p>"
            f'<table><thead><tr><th scope="col">{_cw("item", lang)}</th><th scope="col">{_cw("column", lang)}</th>'
            f'<th scope="col" class="num">{_cw("a", lang)}</th><th scope="col" class="num">{_cw("b", lang)}</th>'
            f'<th scope="col" class="num">{_cw("diff", lang)}</th><th scope="col" class="num">{_cw("diff_pct", lang)}</th></tr></thead>'
            f"<tbody>{body}</tbody></table></section>"
        )
    if not comparison.rows.empty:
        items = "".join(
            f"<li>{esc(str(r['chiave']))}: {esc(states.get(r['stato'], r['stato']))}</li>"
            for _, r in comparison.rows.iterrows()
        )
        parts.append(f"<h2>{_cw('presence', lang)}</h2><ul>{items}</ul>")
    parts.append(sources_table(info_b.get("strati", []), lang))
    footer = (
        t("footer", lang)
        .split(" Catalogo")[0]
        .split(" Monitoring")[0]
        .format(
            v=esc(str(info_b.get("territorio_versione", ""))),
            d=italian_date(dt.datetime.now(), lang),
            c="",
        )
    )
    return document(
        _cw("title", lang),
        nav(COMPARE_PAGE, lang, index=True, compare=True),
        "".join(parts),
        footer,
        lang,
    )
