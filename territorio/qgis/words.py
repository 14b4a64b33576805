"""Every text the QGIS product shows a person, in Italian (default) and English."""

from __future__ import annotations

from territorio.i18n import pick

TEXTS: dict[str, dict[str, str]] = {
    "comuni": {"it": "Comuni — indicatori", "en": "Comuni — indicators"},
    "comuni_about": {
        "it": "I comuni con tutte le colonne di indicatori_comuni.csv (stessi valori, stesse "
        "unità; vedi indicatori_comuni.md). Uno stile per mappa: scegliere il tema della mappa.",
        "en": "The comuni with every column of indicatori_comuni.csv (same values, same "
        "units; see indicatori_comuni.md). One style per map: pick the map theme.",
    },
    "outline": {"it": "Confine della Città metropolitana", "en": "Metropolitan City boundary"},
    "outline_about": {"it": "Confine ISTAT della CMM.", "en": "ISTAT boundary of the CMM."},
    "inputs": {"it": "Dati di ingresso", "en": "Input data"},
    "input_about": {"it": "strato di ingresso", "en": "input layer"},
    "network": {"it": "Rete pedonale (OSM)", "en": "Walking network (OSM)"},
    "network_about": {
        "it": "Archi della rete pedonale usata per i tempi di accesso (OpenStreetMap, ODbL).",
        "en": "Edges of the walking network used for access times (OpenStreetMap, ODbL).",
    },
    "scheda": {"it": "Indicatori chiave", "en": "Key indicators"},
    "scheda_about": {
        "it": "Gli indicatori delle mappe, una riga per comune e indicatore, con il valore "
        "scritto in italiano: la tabella della Scheda comunale e del modulo del comune.",
        "en": "The maps' indicators, one row per comune and indicator, with the value as a "
        "person reads it: the table of the comune sheet and of the comune's form.",
    },
    "source": {"it": "Fonte", "en": "Source"},
    "highlight": {"it": "Comune della scheda", "en": "Comune of the sheet"},
    "of_comune": {"it": "{title} del comune", "en": "{title} of the comune"},
    "layout": {"it": "Scheda comunale", "en": "Comune sheet"},
    "subtitle": {
        "it": "Scheda comunale · Città metropolitana di Milano · codice ISTAT",
        "en": "Comune sheet · Metropolitan City of Milan · ISTAT code",
    },
    "legend": {"it": "Legenda", "en": "Legend"},
    "table_title": {"it": "Indicatori chiave del comune", "en": "Key indicators of the comune"},
    "table_empty": {
        "it": "Nessun indicatore per questo comune",
        "en": "No indicator for this comune",
    },
    "theme": {"it": "Tema", "en": "Theme"},
    "indicator": {"it": "Indicatore", "en": "Indicator"},
    "value": {"it": "Valore", "en": "Value"},
    "unit": {"it": "Unità", "en": "Unit"},
    "sources": {"it": "Fonti", "en": "Sources"},
    "sources_none": {"it": "Fonti: vedi i metadati.", "en": "Sources: see the metadata."},
    "licences_where": {
        "it": "Licenze e date nei metadati del progetto.",
        "en": "Licences and dates in the project metadata.",
    },
    "made": {
        "it": "Elaborazione territorio {version}, {date}",
        "en": "Made with territorio {version}, {date}",
    },
    "title": {
        "it": "Territorio CMM — indicatori per comune",
        "en": "Territorio CMM — indicators per comune",
    },
    "title_of": {
        "it": "Territorio: {name} — indicatori per comune",
        "en": "Territorio: {name} — indicators per comune",
    },
    "abstract_of": {
        "it": "Indicatori territoriali dei {n} comuni di {name} (suolo, digitale, mobilità, "
        "servizi) calcolati da territorio {version}; i temi con dati della sola Città "
        "metropolitana di Milano hanno valori solo per i suoi comuni (n.d. altrove). Ogni strato "
        "porta le proprie fonti e licenze nei metadati; i valori sono quelli di "
        "indicatori_comuni.csv. Gli strati SCENARIO non sono dati osservati.",
        "en": "Territorial indicators of the {n} comuni of {name} (land, digital, mobility, "
        "services) computed by territorio {version}; themes with data of the Metropolitan City "
        "of Milan alone have values for its comuni only (n.a. elsewhere). Every layer carries "
        "its sources and licences in its metadata; the values are those of "
        "indicatori_comuni.csv. SCENARIO layers are not observed data.",
    },
    "abstract": {
        "it": "Indicatori territoriali dei {n} comuni della Città metropolitana di Milano "
        "(suolo, digitale, mobilità, servizi) calcolati da territorio {version}. Ogni strato "
        "porta le proprie fonti e licenze nei metadati; i valori sono quelli di "
        "indicatori_comuni.csv. Gli strati SCENARIO non sono dati osservati.",
        "en": "Territorial indicators of the {n} comuni of the Metropolitan City of Milan "
        "(land, digital, mobility, services) computed by territorio {version}. Every layer "
        "carries its sources and licences in its metadata; the values are those of "
        "indicatori_comuni.csv. SCENARIO layers are not observed data.",
    },
    "osm_statement": {
        "it": " Gli strati derivati da OpenStreetMap sono sotto ODbL 1.0 ({attribution}, {url}).",
        "en": " Layers derived from OpenStreetMap are under the ODbL 1.0 ({attribution}, {url}).",
    },
    "travel_time": {
        "it": "Minuti a piedi al nodo più vicino",
        "en": "Walking minutes to the nearest node",
    },
    "travel_time_about": {
        "it": "Tempo a piedi dal centro di ogni cella al nodo di interscambio più vicino, "
        "sulla rete pedonale OpenStreetMap.",
        "en": "Walking time from the centre of each cell to the nearest interchange node, on "
        "the OpenStreetMap walking network.",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (Italian when missing), with ``values`` filled in.

    Examples
    --------
    >>> text("of_comune", "en", title="Schools"), text("layout", "fr")
    ('Schools of the comune', 'Scheda comunale')
    """
    return pick(TEXTS[key], lang).format(**values)
