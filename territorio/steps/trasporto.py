"""Step ``trasporto``: public-transport service quality (ARE classes A–F) and SDG 11.2.1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.access.layers import ACCESS_ESTIMATE
from territorio.codes import KEY
from territorio.crs import WORK_CRS
from territorio.errors import ConfigError, MissingColumnError, Said
from territorio.gtfs import active_services
from territorio.i18n import format_date
from territorio.indicators import Column, Ratio
from territorio.mapspec import Choropleth, Overlay
from territorio.network.reach import GridReach
from territorio.network.times import AccessResult
from territorio.pipeline import RunContext, Theme
from territorio.population import PopulationGrid
from territorio.readers.files import Expectation, read_gtfs
from territorio.spatial import assign_comune, points_table
from territorio.steps.mobilita import ACCESS
from territorio.transit import stops as transit_stops
from territorio.transit.catchments import (
    CellClasses,
    buffer_polygons,
    cell_classes,
    classify_stops,
    comune_table,
)
from territorio.transit.config import CLASS_LETTERS, TransitConfig
from territorio.transit.departures import school_term_tuesday, stop_departures

FOLDER = "trasporto"
GPKG = "qualita_trasporto.gpkg"
STOPS_CSV = "fermate_qualita.csv"
DEPARTURES_CSV = "partenze_gtfs.csv"
CLASSES = "transit_classes"
"""Result name of the classes of every cell (a :class:`CellClasses`)."""
CLASS_COLOURS = ("#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#f46d43", "#d7191c")
CLASS_WORDS = {
    "A": ("ottima", "very good"),
    "B": ("buona", "good"),
    "C": ("discreta", "fair"),
    "D": ("modesta", "modest"),
    "E": ("scarsa", "poor"),
    "F": ("minima", "minimal"),
}
NETWORK = "osm_milano_2015_highways"
STOP_SOURCES = ("nodi_interscambio", "stazioni_ferroviarie", "fermate_tram", "fermate_bus")


GTFS_TABLES = ("stops", "routes", "trips", "stop_times")


@dataclass
class Feed:
    """A GTFS feed as read: its tables, label, catalogue ids and where it came from."""

    tables: dict[str, pd.DataFrame]
    label: str
    ids: tuple[str, ...]
    where: str


def _read_feed(ctx: RunContext, ref: str) -> Feed:
    """A GTFS feed from the catalogue (by id) or a user's zip, with the tables it must have."""
    if ref in ctx.catalog.ids():
        feed, label = ctx.catalog.read(ref), ctx.catalog.manifest(ref).label("it")
        ids, where = (ref,), ref
    else:
        path = Path(ctx.config.resolve(ref))
        expect = Expectation(f"GTFS {path.name}", columns=GTFS_TABLES, user_file=True)
        feed, label, ids, where = read_gtfs(path, expect), path.name, (), str(path)
    missing = [t for t in GTFS_TABLES if t not in feed]
    if not ({"calendar", "calendar_dates"} & set(feed)):
        missing.append("calendar o calendar_dates")
    if missing:
        raise MissingColumnError(where, missing, sorted(feed))
    return Feed(feed, label, ids, where)


def _service_day(cfg: TransitConfig, feed: Feed) -> pd.Timestamp:
    """The configured day, checked against the feed, or its school-term Tuesday."""
    if not cfg.service_date:
        return school_term_tuesday(feed.tables)
    day = pd.Timestamp(cfg.service_date)
    if not feed.tables["trips"]["service_id"].isin(active_services(feed.tables, day)).any():
        where = feed.where
        raise ConfigError(
            "run config",
            "transit",
            Said(
                f"service_date {cfg.service_date}: no trip of {where} runs that day; expected a "
                "day inside the feed's calendar (or leave it empty for its school-term Tuesday)",
                f"service_date {cfg.service_date}: nessuna corsa di {where} quel giorno; atteso "
                "un giorno del calendario del feed (o vuoto per il suo martedì scolastico)",
            ),
        )
    return day


def build_stop_inventory(ctx: RunContext, cfg: TransitConfig, access: AccessResult):
    """Every classed stop with its departures, and the departures of every feed read."""
    windows = {"giorno": cfg.window_minutes("day"), "punta": cfg.window_minutes("peak")}
    rail = _read_feed(ctx, cfg.rail_feed)
    rail_day = _service_day(cfg, rail)
    rail_departures = stop_departures(rail.tables, rail_day, windows)
    label = f"{rail.label} ({format_date(rail_day.date(), 'it')})"
    parts = [
        transit_stops.node_stops(
            access.stations,
            ctx.catalog.read("nodi_interscambio"),
            ctx.catalog.read("stazioni_ferroviarie"),
            rail_departures,
            cfg,
            label,
        )
    ]
    sources = rail.ids
    tables = [rail_departures.assign(feed=rail.label, uso="ferrovia (nodi)")]
    served: set[str] = set()
    for ref in cfg.feeds:
        feed = _read_feed(ctx, ref)
        departures = stop_departures(feed.tables, _service_day(cfg, feed), windows)
        parts.append(transit_stops.feed_stops(feed.tables, departures, cfg, feed.label))
        served |= set(departures["modo"])
        sources += feed.ids
        tables.append(departures.assign(feed=feed.label, uso="classi"))
    absent = [ref for ref in cfg.check_feeds if _absent(ctx, ref)]
    for ref in cfg.check_feeds:
        if ref in absent:
            continue
        feed = _read_feed(ctx, ref)
        departures = stop_departures(feed.tables, _service_day(cfg, feed), windows)
        tables.append(departures.assign(feed=feed.label, uso="solo verifica"))
    layers_used = []
    for layer_id, mode in cfg.frequency_layers.items():
        if mode in served:
            continue
        if _absent(ctx, layer_id):
            absent.append(layer_id)
            continue
        parts.append(transit_stops.frequency_stops(ctx.catalog.read(layer_id), mode, cfg, mode))
        layers_used.append(layer_id)
    stops = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=WORK_CRS)
    outline = shapely.union_all(ctx.territory.outline.geometry.values)
    near = shapely.dwithin(stops.geometry.values, outline, cfg.stop_area_margin_m)
    stops = classify_stops(stops[near].reset_index(drop=True), cfg)
    stops[KEY] = assign_comune(stops, ctx.territory.comuni)
    departures = pd.concat(
        [t.reset_index().assign(giorno=t.attrs.get("day", "")) for t in tables], ignore_index=True
    )
    if absent:
        ctx.note(
            "trasporto",
            f"Strati non presenti nel catalogo, non usati: {', '.join(absent)}.",
            f"Layers absent from the catalogue, not used: {', '.join(absent)}.",
        )
    return stops, departures, sources, layers_used, served


def _absent(ctx: RunContext, ref: str) -> bool:
    """A catalogue id the catalogue does not have (a file path is never 'absent': it must exist)."""
    looks_like_file = "/" in ref or "\\" in ref or ref.lower().endswith(".zip")
    return not looks_like_file and ref not in ctx.catalog.ids()


def transit_columns(
    cfg: TransitConfig, year: int, model: dict[str, str], population_sources
) -> list[Column]:
    """Documentation of the per-comune columns."""
    day = "–".join(cfg.day_window)
    base = (*STOP_SOURCES, "gtfs_trenord_2023", NETWORK, *population_sources)
    method = {
        "": (
            f"bacini sulla rete pedonale OSM (fuori dall'estratto: linea d'aria × tortuosità); "
            f"residenti: {model['it']}",
            f"catchments on the OSM walking network (outside the extract: straight line × "
            f"circuity); residents: {model['en']}",
        ),
        "_buffer": (
            f"bacini in linea d'aria (buffer); residenti: {model['it']}",
            f"straight-line catchments (buffers); residents: {model['en']}",
        ),
    }
    columns = []
    for suffix, (how_it, how_en) in method.items():
        # straight buffers do not use the street network
        sources = base if suffix == "" else tuple(x for x in base if x != NETWORK)
        for letter in (*CLASS_LETTERS, "nessuna"):
            if letter == "nessuna":
                it, en = (
                    "senza classe (nessuna fermata entro la distanza utile)",
                    "with no class (no stop in reach)",
                )
            else:
                words = CLASS_WORDS[letter]
                it, en = f"in classe {letter} ({words[0]})", f"in class {letter} ({words[1]})"
            name = f"tp_classe_{letter}{suffix}"
            columns += [
                Column(
                    f"{name}_ab",
                    "ab.",
                    {
                        "it": f"Residenti {it} di qualità del trasporto pubblico (metodo ARE, "
                        f"feriale {day}); {how_it}",
                        "en": f"Residents {en} of public-transport quality (ARE method, weekday "
                        f"{day}); {how_en}",
                    },
                    sources,
                    "sum",
                ),
                Column(
                    f"{name}_pct",
                    "%",
                    {
                        "it": f"Quota di residenti {it} di qualità del trasporto pubblico; "
                        f"{how_it}",
                        "en": f"Share of residents {en} of public-transport quality; {how_en}",
                    },
                    sources,
                    Ratio(f"{name}_ab", f"popolazione_{year}", 100.0),
                ),
            ]
        good = ", ".join(cfg.good_classes)
        columns += [
            Column(
                f"tp_buona{suffix}_ab",
                "ab.",
                {
                    "it": f"Residenti con servizio buono (classi {good}); {how_it}",
                    "en": f"Residents with good service (classes {good}); {how_en}",
                },
                sources,
                "sum",
            ),
            Column(
                f"tp_buona{suffix}_pct",
                "%",
                {
                    "it": f"Quota di residenti con servizio buono (classi {good}); {how_it}",
                    "en": f"Share of residents with good service (classes {good}); {how_en}",
                },
                sources,
                Ratio(f"tp_buona{suffix}_ab", f"popolazione_{year}", 100.0),
            ),
        ]
        sdg_it = (
            f"entro {cfg.sdg_low_capacity_m:g} m a piedi da una fermata di bassa capacità (bus, "
            f"tram) o {cfg.sdg_high_capacity_m:g} m da una di alta capacità (treno, metro) con "
            f"servizio regolare (almeno {cfg.sdg_min_departures_per_hour:g} partenze/ora per "
            f"direzione, {'–'.join(cfg.peak_window)})"
        )
        sdg_en = (
            f"within {cfg.sdg_low_capacity_m:g} m walking of a low-capacity stop (bus, tram) or "
            f"{cfg.sdg_high_capacity_m:g} m of a high-capacity one (rail, metro) with regular "
            f"service (at least {cfg.sdg_min_departures_per_hour:g} departures/hour per direction, "
            f"{'–'.join(cfg.peak_window)})"
        )
        columns += [
            Column(
                f"sdg_11_2_1{suffix}_ab",
                "ab.",
                {
                    "it": f"SDG 11.2.1: residenti {sdg_it}; {how_it}",
                    "en": f"SDG 11.2.1: residents {sdg_en}; {how_en}",
                },
                sources,
                "sum",
            ),
            Column(
                f"sdg_11_2_1{suffix}_pct",
                "%",
                {
                    "it": f"SDG 11.2.1: quota di residenti {sdg_it}; {how_it}",
                    "en": f"SDG 11.2.1: share of residents {sdg_en}; {how_en}",
                },
                sources,
                Ratio(f"sdg_11_2_1{suffix}_ab", f"popolazione_{year}", 100.0),
            ),
        ]
    columns.append(
        Column(
            "tp_quota_rete_pct",
            "%",
            {
                "it": "Quota delle celle del comune misurate sulla rete pedonale (le altre "
                "stimate)",
                "en": "Share of the comune's cells measured on the walking network (others "
                "estimated)",
            },
            (NETWORK,),
        )
    )
    return columns


def network_polygons(
    cells: CellClasses, grid: PopulationGrid, outline: shapely.Geometry
) -> gpd.GeoDataFrame:
    """Network catchments by class: the cells of each class traced as one polygon."""
    code = cells.classes["rete"]
    frame = grid.label_polygons(code, code > 0)
    frame["classe"] = [CLASS_LETTERS[c - 1] for c in frame["label"]]
    frame["geometry"] = shapely.intersection(frame.geometry.values, outline)
    return gpd.GeoDataFrame(frame[["classe", "geometry"]], geometry="geometry", crs=WORK_CRS)


def transit_step(ctx: RunContext) -> None:
    """Stops classed from their timetables, classes and SDG 11.2.1 per cell and per comune."""
    cfg: TransitConfig = ctx.config["transit"]
    access = ctx.results.need(ACCESS, AccessResult, ctx)
    stops, departures, feed_sources, layers_used, served = build_stop_inventory(ctx, cfg, access)
    grid = access.times.grid
    acfg = ctx.config["access"]
    reach = GridReach.build(
        access.network,
        grid.xy,
        shapely.get_coordinates(stops.geometry.values),
        area=access.area,
        circuity=access.times.circuity["walk"],
        max_snap_m=acfg.max_snap_m,
        min_component_share=acfg.min_component_share,
    )
    stops["in_rete"] = reach.usable
    cells = cell_classes(stops, reach, cfg)
    ctx.results.put(CLASSES, cells)
    codes = ctx.territory.comuni[KEY].to_numpy()
    table = comune_table(cells, grid, codes, cfg)
    model = ctx.population()
    labels = {lang: model.label(lang) for lang in ("it", "en")}
    columns = transit_columns(cfg, model.year, labels, model.sources)
    ctx.table.add(table[[c.name for c in columns]], columns, source="trasporto")

    outline = shapely.union_all(ctx.territory.outline.geometry.values)
    layers = {
        "fermate_qualita": stops,
        "classi_rete": network_polygons(cells, grid, outline),
        "classi_buffer": buffer_polygons(stops, cfg, outline),
    }
    sources = (*STOP_SOURCES, *feed_sources)
    attribution = "; ".join(ctx.catalog.attributions(ctx.config.lang, [*sources, NETWORK]))
    ctx.outputs.write_layers(
        f"{FOLDER}/{GPKG}", layers, {name: f"{name} — {attribution}" for name in layers}
    )
    ctx.outputs.write_csv(f"{FOLDER}/{STOPS_CSV}", points_table(stops))
    ctx.outputs.write_csv(f"{FOLDER}/{DEPARTURES_CSV}", departures)
    _register_maps(ctx, layers, attribution, sources)
    _notes(ctx, cfg, stops, cells, grid, layers_used, served)


def _register_maps(
    ctx: RunContext, layers: dict, attribution: str, sources: tuple[str, ...]
) -> None:
    for column, palette, title in (
        (
            "tp_buona_pct",
            "YlGn",
            {
                "it": "Trasporto pubblico: servizio buono (A–B)",
                "en": "Public transport: good service (A–B)",
            },
        ),
        (
            "sdg_11_2_1_pct",
            "BuPu",
            {
                "it": "SDG 11.2.1: accesso comodo al trasporto pubblico",
                "en": "SDG 11.2.1: convenient access to public transport",
            },
        ),
    ):
        ctx.maps.choropleth(
            "trasporto", Choropleth(column, "quantiles", palette=palette, title=title)
        )
    network_columns = [
        c
        for c in ctx.table.columns
        if c.startswith(("tp_classe_", "tp_buona", "sdg_11_2_1")) and "_buffer" not in c
    ]
    ctx.maps.estimated(network_columns, ACCESS_ESTIMATE)
    # the 50 m cells' staircase, smoothed for drawing (the GeoPackage keeps it exact)
    polygons = layers["classi_rete"].copy()
    polygons["geometry"] = shapely.simplify(polygons.geometry.values, 35.0)
    for letter, colour in zip(CLASS_LETTERS, CLASS_COLOURS, strict=True):
        part = polygons[polygons["classe"] == letter]
        if part.empty:
            continue
        it, en = CLASS_WORDS[letter]
        ctx.maps.overlay(
            "trasporto",
            Overlay(
                f"classe_tp_{letter.lower()}",  # QGIS layer ids are lower case
                {
                    "it": f"Classe {letter} ({it}), bacini sulla rete",
                    "en": f"Class {letter} ({en}), network catchments",
                },
                part,
                [("classe", {"it": "Classe", "en": "Class"})],
                color=colour,
                source=attribution,
                show=False,  # the choropleth stays readable; each class is a toggle
                sources=(*sources, NETWORK),
                filled=True,
            ),
        )
    stops = layers["fermate_qualita"]
    shown = stops[stops["categoria"] > 0]
    ctx.maps.overlay(
        "trasporto",
        Overlay(
            "fermate_qualita",
            {
                "it": "Nodi e fermate di categoria I–II (metodo ARE)",
                "en": "Nodes and stops of category I–II (ARE method)",
            },
            shown[shown["nodo_id"].notna() | (shown["categoria"] <= 2)],
            [
                ("nome", {"it": "Fermata", "en": "Stop"}),
                ("modo", {"it": "Modo", "en": "Mode"}),
                ("categoria_romana", {"it": "Categoria", "en": "Category"}),
                (
                    "intervallo_giorno_min",
                    {"it": "Intervallo medio (min)", "en": "Mean interval (min)"},
                ),
                (
                    "partenze_giorno",
                    {"it": "Partenze nella finestra", "en": "Departures in the window"},
                ),
                ("fonte_partenze", {"it": "Fonte delle partenze", "en": "Departures from"}),
            ],
            color="#2c7bb6",
            source=attribution,
            pro_com_t=KEY,
            category="categoria_romana",
            sources=sources,
        ),
    )


def _notes(ctx, cfg, stops, cells, grid, layers_used, served) -> None:
    total = float(grid.residents.sum())
    good = [CLASS_LETTERS.index(x) + 1 for x in cfg.good_classes]
    share = {
        m: 100 * float((grid.residents * np.isin(cells.classes[m], good)).sum()) / total
        for m in ("rete", "buffer")
    }
    sdg = {
        m: 100 * float((grid.residents * cells.sdg[m]).sum()) / total for m in ("rete", "buffer")
    }
    timetable = int((~stops["fonte_partenze"].str.startswith("frequenze")).sum())
    frequency = len(stops) - timetable
    by_mode = stops["modo"].value_counts().to_dict()
    from territorio.classes import fmt_number, fmt_value

    def it(x: float) -> str:
        return fmt_value(x, "%", "it")

    def count(x: float) -> str:
        return fmt_number(x, "ab.", "it")

    modes = ", ".join(f"{k} {count(v)}" for k, v in by_mode.items())
    modes_en = ", ".join(f"{k} {v:,}" for k, v in by_mode.items())

    ctx.note(
        "trasporto",
        f"Qualità del trasporto pubblico (metodo ARE, feriale {'–'.join(cfg.day_window)}): "
        f"{count(len(stops))} fermate ({modes}); partenze da orario GTFS per {count(timetable)}, "
        f"dalle frequenze dell'ora di punta 08:15–09:15 degli strati 2026 per {count(frequency)} "
        f"({', '.join(layers_used) or 'nessuno strato'}): per la finestra del giorno sono un "
        "limite superiore del servizio, non un orario. Residenti della CMM con servizio buono "
        f"({', '.join(cfg.good_classes)}): {it(share['rete'])} sulla rete pedonale, "
        f"{it(share['buffer'])} in linea d'aria; SDG 11.2.1: {it(sdg['rete'])} sulla rete, "
        f"{it(sdg['buffer'])} in linea d'aria. Fuori dall'estratto OSM le distanze sono stimate.",
        f"Public-transport quality (ARE method, weekday {'–'.join(cfg.day_window)}): "
        f"{len(stops):,} stops ({modes_en}); departures from a GTFS timetable for {timetable:,}, "
        f"from the 08:15–09:15 peak frequencies of the 2026 layers for {frequency:,} "
        f"({', '.join(layers_used) or 'no layer'}): for the day window they are an upper bound "
        "of the service, not a timetable. CMM residents with good service "
        f"({', '.join(cfg.good_classes)}): {share['rete']:.1f}% on the walking network, "
        f"{share['buffer']:.1f}% straight-line; SDG 11.2.1: {sdg['rete']:.1f}% on the network, "
        f"{sdg['buffer']:.1f}% straight-line. Outside the OSM extract distances are estimated.",
    )
    if cfg.check_feeds:
        ctx.note(
            "trasporto",
            f"Feed GTFS {', '.join(cfg.check_feeds)}: partenze contate in "
            f"{FOLDER}/{DEPARTURES_CSV} ma non usate per le classi (sottoinsieme di prova).",
            f"GTFS feeds {', '.join(cfg.check_feeds)}: departures counted in "
            f"{FOLDER}/{DEPARTURES_CSV} but not used for the classes (test subset).",
        )


THEME = Theme(
    "trasporto",
    {"it": "Qualità del trasporto pubblico", "en": "Public-transport quality"},
    transit_step,
    group={"it": "Trasporto pubblico", "en": "Public transport"},
    config=("transit", TransitConfig),
)
