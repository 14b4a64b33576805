"""Every word the web pages show, in Italian and English."""

from __future__ import annotations

from territorio.i18n import pick

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "it": "Territorio della Città metropolitana di Milano",
        "en": "Territory of the Metropolitan City of Milan",
    },
    "title_of": {"it": "Territorio: {name}", "en": "Territory: {name}"},
    "credits": {"it": "Fonti:", "en": "Sources:"},
    "licences": {"it": "licenze", "en": "licences"},
    "home": {"it": "Indice", "en": "Index"},
    "nav": {"it": "Mappe", "en": "Maps"},
    "skip": {"it": "Vai ai comandi della mappa", "en": "Skip to the map controls"},
    "panel": {"it": "Comandi e legenda della mappa", "en": "Map controls and legend"},
    "map": {"it": "Mappa", "en": "Map"},
    "map_of": {"it": "Mappa di {name}", "en": "Map of {name}"},
    "what": {"it": "Cosa mostra la mappa", "en": "What the map shows"},
    "indicator_pick": {"it": "Indicatore (uno alla volta)", "en": "Indicator (one at a time)"},
    "overlays": {"it": "Livelli sovrapposti", "en": "Overlays"},
    "legend": {"it": "Legenda", "en": "Legend"},
    "sources": {"it": "Fonti e licenze", "en": "Sources and licences"},
    "run_date": {"it": "Elaborazione del", "en": "Computed on"},
    "codes_note": {
        "it": "i codici delle colonne sono nei file di dati scaricabili",
        "en": "column codes are in the downloadable data files",
    },
    "osm": {
        "it": "Sfondo OpenStreetMap (serve internet)",
        "en": "OpenStreetMap background (needs internet)",
    },
    "search_label": {"it": "Cerca un comune", "en": "Find a comune"},
    "search": {"it": "nome o codice ISTAT", "en": "name or ISTAT code"},
    "search_results": {"it": "Comuni trovati", "en": "Comuni found"},
    "found": {
        "it": "{n} comuni trovati: frecce per scegliere, Invio per aprire",
        "en": "{n} comuni found: arrows to choose, Enter to open",
    },
    "none": {"it": "Nessun comune trovato", "en": "No comune found"},
    "shown": {"it": "{name} mostrato sulla mappa", "en": "{name} shown on the map"},
    "estimate": {"it": "stima", "en": "estimate"},
    "estimate_legend": {"it": "valore stimato (puntinato)", "en": "estimated value (dotted)"},
    "estimate_about": {"it": "Puntinato: stima", "en": "Dotted: estimate"},
    "nodata": {"it": "n.d. (dato non disponibile)", "en": "n/a (no data)"},
    "open_atlas": {"it": "Apri la scheda del comune →", "en": "Open the comune's page →"},
    "zoom_in": {"it": "Ingrandisci", "en": "Zoom in"},
    "zoom_out": {"it": "Riduci", "en": "Zoom out"},
    "method_quantiles": {
        "it": "Classi per quantili",
        "en": "Quantile classes",
    },
    "method_natural_breaks": {
        "it": "Classi per intervalli naturali (Fisher-Jenks)",
        "en": "Natural-breaks classes (Fisher-Jenks)",
    },
    "method_breaks": {"it": "Classi a soglie fisse", "en": "Fixed-threshold classes"},
    "method_categories": {"it": "", "en": ""},
    "scenario_banner": {
        "it": "Questa pagina contiene uno SCENARIO: i livelli e le righe segnati «SCENARIO» sono "
        "ipotesi di piano, non dati osservati. Sono spenti all'apertura.",
        "en": "This page holds a SCENARIO: layers and rows marked 'SCENARIO' are planning "
        "hypotheses, not observed data. They are off when the page opens.",
    },
    "atlas": {"it": "Atlante dei comuni", "en": "Atlas of the comuni"},
    "atlas_about": {
        "it": "Una scheda per comune: mappa, indicatori a confronto con zona omogenea e CMM, "
        "serie del suolo consumato. Cercare il comune qui sopra o sceglierlo dall'elenco.",
        "en": "One page per comune: map, indicators beside the homogeneous zone and the CMM, "
        "the consumed-soil series. Search the comune above or pick it from the list.",
    },
    "atlas_about_of": {
        "it": "Una scheda per comune: mappa, indicatori a confronto con zona omogenea e {name}, "
        "serie del suolo consumato. Cercare il comune qui sopra o sceglierlo dall'elenco.",
        "en": "One page per comune: map, indicators beside the homogeneous zone and {name}, "
        "the consumed-soil series. Search the comune above or pick it from the list.",
    },
    "all_comuni": {"it": "Tutti i {n} comuni", "en": "All {n} comuni"},
    "scheda": {"it": "scheda comunale", "en": "comune page"},
    "zone": {"it": "Zona omogenea", "en": "Homogeneous zone"},
    "no_zone": {"it": "non assegnata nei dati", "en": "not assigned in the data"},
    "cmm": {"it": "CMM", "en": "CMM"},
    "indicator": {"it": "Indicatore", "en": "Indicator"},
    "table_caption": {
        "it": "Indicatori del comune a confronto con la zona omogenea e la CMM",
        "en": "The comune's indicators beside its homogeneous zone and the CMM",
    },
    "table_caption_of": {
        "it": "Indicatori del comune a confronto con la zona omogenea e con {name}",
        "en": "The comune's indicators beside its homogeneous zone and {name}",
    },
    "table_note": {
        "it": "Zona e CMM: totali per conteggi e superfici, rapporti sul totale (Σ numeratore / Σ "
        "denominatore) per quote e densità; «—» dove non si aggrega.",
        "en": "Zone and CMM: totals for counts and areas, ratios of totals (Σ numerator / Σ "
        "denominator) for shares and densities; '—' where nothing is aggregated.",
    },
    "scenario_group": {
        "it": "SCENARIO — ipotesi di piano, non dati osservati",
        "en": "SCENARIO — planning hypothesis, not observed data",
    },
    "chart": {"it": "Suolo consumato 2006-2024", "en": "Consumed soil 2006-2024"},
    "locator": {
        "it": "Posizione di {name} nella Città metropolitana",
        "en": "Position of {name} in the Metropolitan City",
    },
    "static_map": {"it": "Mappa di {name} (stampa)", "en": "Map of {name} (print)"},
    "neighbours": {"it": "Comuni confinanti", "en": "Neighbouring comuni"},
    "theme_maps": {"it": "Il comune nelle mappe tematiche", "en": "The comune on the theme maps"},
    "data_links": {"it": "Dati", "en": "Data"},
    "data_row": {
        "it": "Tutti gli indicatori del comune (CSV per Excel: «;», virgola decimale)",
        "en": "All the comune's indicators (CSV)",
    },
    "data_all": {
        "it": "Tabella di tutti i comuni (indicatori_comuni.csv)",
        "en": "Table of all comuni (indicatori_comuni.csv)",
    },
    "dictionary": {"it": "Dizionario dei dati", "en": "Data dictionary"},
    "residents": {"it": "Residenti", "en": "Residents"},
    "area": {"it": "Superficie", "en": "Area"},
    "code": {"it": "Codice ISTAT", "en": "ISTAT code"},
    "estimate_footnote": {
        "it": "stima: valore stimato, non misurato",
        "en": "estimate: estimated, not measured",
    },
}


def t(key: str, lang: str) -> str:
    """The text ``key`` in ``lang`` (Italian when missing).

    Examples
    --------
    >>> t("legend", "it"), t("legend", "en")
    ('Legenda', 'Legend')
    """
    return pick(TEXTS[key], lang)
