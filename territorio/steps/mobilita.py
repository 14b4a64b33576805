"""Step ``mobilita``: walking and cycling access to interchange nodes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from territorio.access.analysis import MODES
from territorio.access.config import AccessConfig
from territorio.access.layers import (
    ACCESS_ESTIMATE,
    NODATA,
    NOT_ESTIMATED,
    TIFF_BANDS,
    access_layers,
    station_table,
    travel_time_bands,
)
from territorio.classes import fmt_number
from territorio.crs import WORK_CRS
from territorio.indicators import Column, Ratio
from territorio.loaders import load_access
from territorio.mapspec import Choropleth, Overlay
from territorio.network.times import AccessResult
from territorio.outputs import OutputSet
from territorio.pipeline import RunContext, Theme
from territorio.scheduler import tile_size_km

FOLDER = "mobilita"
GPKG = "accessibilita.gpkg"
TIFF = "tempi_viaggio.tif"
STATIONS_CSV = "nodi_interscambio.csv"
ACCESS = "access"
"""Result name of the access run (an :class:`AccessResult`), for steps that need it."""
ACCESS_LAYERS = "access_layers"
"""Result name of the access GeoPackage's layers (``dict`` of GeoDataFrames)."""
SOURCES = (
    "nodi_interscambio",
    "osm_milano_2015_highways",
    "stazioni_ferroviarie",
    "gtfs_trenord_2023",
)


def access_columns(
    result: AccessResult,
    cfg: AccessConfig,
    year: int,
    model: dict[str, str],
    population_sources: tuple[str, ...] = ("istat_popolazione",),
) -> list[Column]:
    """Documentation of the access columns (``model``: how residents were placed)."""
    speeds = {"piedi": cfg.walk_speed_kmh, "bici": cfg.bike_speed_kmh}
    words = {"piedi": ("a piedi", "on foot"), "bici": ("in bicicletta", "by bike")}
    method = (
        "rete stradale OSM; fuori dall'estratto: distanza in linea d'aria × fattore di "
        "tortuosità misurato sulla rete"
    )
    method_en = (
        "OSM street network; outside the extract: straight-line distance × circuity "
        "measured on the network"
    )
    columns = []
    for label in MODES.values():
        it, en = words[label]
        for limit in cfg.thresholds_min:
            base = f"accesso_{limit}min_{label}"
            columns += [
                Column(
                    f"{base}_ab",
                    "ab.",
                    {
                        "it": f"Residenti entro {limit} min {it} ({speeds[label]:g} km/h) da "
                        f"un nodo di interscambio; residenti: {model['it']}; {method}",
                        "en": f"Residents within {limit} min {en} ({speeds[label]:g} km/h) of an "
                        f"interchange node; residents: {model['en']}; {method_en}",
                    },
                    (*SOURCES, *population_sources),
                    "sum",
                ),
                Column(
                    f"{base}_pct",
                    "%",
                    {
                        "it": f"Quota di residenti entro {limit} min {it} da un nodo "
                        f"(residenti: {model['it']})",
                        "en": f"Share of residents within {limit} min {en} of a node "
                        f"(residents: {model['en']})",
                    },
                    (*SOURCES, *population_sources),
                    Ratio(f"{base}_ab", f"popolazione_{year}", 100.0),
                ),
                Column(
                    f"{base}_area_pct",
                    "%",
                    {
                        "it": f"Quota della superficie entro {limit} min {it} da un nodo "
                        f"(celle di {cfg.cell_m:g} m, senza pesi di popolazione)",
                        "en": f"Share of the area within {limit} min {en} of a node "
                        f"({cfg.cell_m:g} m cells, not population-weighted)",
                    },
                    SOURCES,
                ),
            ]
        columns.append(
            Column(
                f"tempo_mediano_{label}_min",
                "min",
                {
                    "it": f"Tempo mediano {it} dal nodo più vicino (celle di {cfg.cell_m:g} m)",
                    "en": f"Median time {en} to the nearest node ({cfg.cell_m:g} m cells)",
                },
                SOURCES,
            )
        )
    columns += [
        Column(
            "accesso_quota_rete_pct",
            "%",
            {
                "it": "Quota del comune dentro l'estratto della rete stradale (calcolo su rete)",
                "en": "Share of the comune inside the street-network extract (network computation)",
            },
            ("osm_milano_2015_highways",),
        ),
        Column(
            "accesso_metodo",
            "",
            {
                "it": f"'rete' se almeno il {cfg.min_network_share:.0%} del comune è "
                "nell'estratto, altrimenti 'stima' (linea d'aria × tortuosità)",
                "en": f"'rete' if at least {cfg.min_network_share:.0%} of the comune is inside the "
                "extract, else 'stima' (straight-line distance × circuity)",
            },
            ("osm_milano_2015_highways",),
        ),
    ]
    return columns


def compute_access(ctx: RunContext) -> AccessResult:
    """The access run of this pipeline (provider of the ``access`` result)."""
    return load_access(
        ctx.catalog,
        ctx.territory,
        ctx.config["access"],
        base=ctx.config.base_dir,
        progress=ctx.progress,
        population=ctx.population(),
        tile_km=tile_size_km(ctx.config["run"]),
        mapper=ctx.scheduler.map,
    )


def write_access(
    outputs: OutputSet,
    folder: str,
    result: AccessResult,
    cfg: AccessConfig,
    codes: np.ndarray,
    attribution: str,
) -> dict[str, gpd.GeoDataFrame]:
    """Write the GeoPackage, the travel-time GeoTIFF and the station table under ``folder``.

    Returns the GeoPackage's layers by name, for the maps and the QGIS outputs to reuse.
    """
    prefix = f"{folder}/" if folder else ""
    layers = access_layers(result, cfg, codes)
    outputs.write_layers(
        prefix + GPKG, layers, {name: f"{name} — {attribution}" for name in layers}
    )
    grid = result.times.grid
    outputs.write_geotiff(
        prefix + TIFF,
        travel_time_bands(result),
        transform=grid.transform,
        crs=WORK_CRS,
        nodata=NODATA,
        names=list(TIFF_BANDS),
        tags={"unita": "minuti", "fonte": "territorio access", "rete": str(result.network_file)},
    )
    outputs.write_csv(prefix + STATIONS_CSV, station_table(result))
    return layers


def access_step(ctx: RunContext) -> None:
    """Times to interchange nodes on foot and by bike, indicators per comune, layers."""
    cfg: AccessConfig = ctx.config["access"]
    result = ctx.results.need(ACCESS, AccessResult, ctx)
    model = ctx.population()
    labels = {lang: model.label(lang) for lang in ("it", "en")}
    columns = access_columns(result, cfg, model.year, labels, model.sources)
    ctx.table.add(result.indicators[[c.name for c in columns]], columns, source="mobilita")
    codes = ctx.territory.comuni["pro_com_t"].to_numpy()
    attribution = "; ".join(ctx.catalog.attributions(ctx.config.lang, list(SOURCES)))
    layers = write_access(ctx.outputs, FOLDER, result, cfg, codes, attribution)
    ctx.results.put(ACCESS_LAYERS, layers)
    note_access(ctx, result)
    tile_km = tile_size_km(ctx.config["run"])
    if tile_km > 0:
        top = max(cfg.thresholds_min)
        # whole kilometres print without decimals: "10 km", "2,5 km"
        km_it = f"{tile_km:g}".replace(".", ",")
        km_en = f"{tile_km:g}"
        where_it = ctx.scheduler.label or "in questo processo"
        where_en = "in this process" if where_it == "in questo processo" else where_it
        ctx.note(
            "mobilita",
            f"Accesso calcolato a riquadri di {km_it} km con alone "
            f"pari alla soglia massima ({where_it}): risultato identico a quello sull'intera "
            f"rete fino a {top} minuti; oltre, i tempi non sono misurati ('oltre {top} min').",
            f"Access computed in tiles of {km_en} km with a halo as "
            f"wide as the largest threshold ({where_en}): identical to the whole network up to "
            f"{top} minutes; beyond, times are not measured ('beyond {top} min').",
        )
    _register_maps(ctx, result, cfg, layers, attribution)


def _register_maps(
    ctx: RunContext, result: AccessResult, cfg: AccessConfig, layers: dict, source: str
) -> None:
    for column, palette, title in (
        (
            "accesso_10min_piedi_pct",
            "YlGn",
            {"it": "Accesso a piedi 10 min", "en": "Walking 10 min"},
        ),
        (
            "accesso_10min_bici_pct",
            "BuGn",
            {"it": "Accesso in bici 10 min", "en": "Cycling 10 min"},
        ),
        (
            "tempo_mediano_piedi_min",
            "YlOrBr",
            {"it": "Tempo mediano a piedi", "en": "Median walking time"},
        ),
    ):
        ctx.maps.choropleth(
            "mobilita", Choropleth(column, "quantiles", palette=palette, title=title)
        )
    ctx.maps.choropleth(
        "mobilita",
        Choropleth(
            "accesso_metodo",
            "categories",
            palette="Pastel1",
            title={"it": "Metodo di calcolo dell'accesso", "en": "Access method"},
            order=("rete", "stima"),
            labels={
                "rete": {"it": "calcolato sulla rete stradale", "en": "computed on the network"},
                "stima": {
                    "it": "stima (linea d'aria × tortuosità)",
                    "en": "estimate (straight line × circuity)",
                },
            },
        ),
    )
    estimated = [
        c
        for c in ctx.table.columns
        if c.startswith(("accesso_", "tempo_mediano_")) and c not in NOT_ESTIMATED
    ]
    ctx.maps.estimated(estimated, ACCESS_ESTIMATE)
    for column, title in (
        ("accesso_15min_piedi_pct", {"it": "Accesso a piedi 15 min", "en": "Walking 15 min"}),
        ("accesso_15min_bici_pct", {"it": "Accesso in bici 15 min", "en": "Cycling 15 min"}),
        (
            "tempo_mediano_bici_min",
            {"it": "Tempo mediano in bici", "en": "Median cycling time"},
        ),
    ):
        if column in ctx.table.columns:
            ctx.maps.row("mobilita", column, title)
    fields = [
        ("nome", {"it": "Nodo", "en": "Node"}),
        ("modi", {"it": "Modi", "en": "Modes"}),
        ("linee", {"it": "Linee", "en": "Lines"}),
        ("classe_lum", {"it": "Classe LUM", "en": "LUM class"}),
        ("corse_giorno_ferrovia", {"it": "Corse/giorno (treno)", "en": "Departures/day (rail)"}),
    ]
    ctx.maps.overlay(
        "mobilita",
        Overlay(
            "nodi",
            {"it": "Nodi di interscambio", "en": "Interchange nodes"},
            result.stations,
            fields,
            color="#1f78b4",
            source=source,
            show=True,
            pro_com_t="pro_com_t",
            category="classe_lum",
            sources=SOURCES,
        ),
    )
    limit = 10 if 10 in cfg.thresholds_min else cfg.thresholds_min[0]
    iso = layers["isocrone"]
    iso = iso[(iso["modo"] == "piedi") & (iso["minuti"] == limit)]
    ctx.maps.overlay(
        "mobilita",
        Overlay(
            "isocrone",
            {"it": f"Isocrone {limit} min a piedi", "en": f"{limit}-min walking isochrones"},
            iso,
            [("nome", {"it": "Nodo", "en": "Node"}), ("minuti", {"it": "Minuti", "en": "Minutes"})],
            color="#33a02c",
            source=source,
            sources=("nodi_interscambio", "osm_milano_2015_highways"),
        ),
    )
    buffers = layers["lum_buffer"]
    ctx.maps.overlay(
        "mobilita",
        Overlay(
            "lum",
            {"it": "LUM (raggio per classe)", "en": "LUM (radius by class)"},
            buffers,
            [
                ("nome", {"it": "Nodo", "en": "Node"}),
                ("classe_lum", {"it": "Classe", "en": "Class"}),
                ("raggio_m", {"it": "Raggio (m)", "en": "Radius (m)"}),
            ],
            color="#ff7f00",
            source=source,
            category="classe_lum",
            sources=("nodi_interscambio", "stazioni_ferroviarie", "gtfs_trenord_2023"),
        ),
    )
    if "lum_rete" in layers:
        ctx.maps.overlay(
            "mobilita",
            Overlay(
                "lum_rete",
                {
                    "it": "LUM: bacini sulla rete pedonale",
                    "en": "LUM: catchments on the walking network",
                },
                layers["lum_rete"],
                [
                    ("nome", {"it": "Nodo", "en": "Node"}),
                    ("classe_lum", {"it": "Classe", "en": "Class"}),
                ],
                color="#b15928",
                source=source,
                sources=("nodi_interscambio", "osm_milano_2015_highways"),
            ),
        )


def note_access(ctx: RunContext, result: AccessResult) -> None:
    """What the run measured and what it could not."""
    cfg = ctx.config["access"]
    stations = result.stations
    far = int((~stations["in_rete"]).sum())
    rete = int((result.indicators["accesso_metodo"] == "rete").sum())
    stima = len(result.indicators) - rete
    walk, bike = result.times.circuity["walk"], result.times.circuity["bike"]
    lost_walk, lost_bike = result.times.unreachable["walk"], result.times.unreachable["bike"]
    day = stations.attrs.get("giorno_servizio_gtfs", "?")
    table = f"{FOLDER}/{STATIONS_CSV}"
    fragments = {
        label: stations.loc[stations[f"frammento_{label}"].astype(bool), "nome"].tolist()
        for label in MODES.values()
    }
    if any(fragments.values()):
        it_list = "; ".join(
            f"{label}: {', '.join(names)}" for label, names in fragments.items() if names
        )
        en_list = it_list.replace("piedi:", "walk:").replace("bici:", "bike:")
        ctx.note(
            "mobilita",
            "Nodi il cui nodo stradale più vicino era su un frammento isolato della rete "
            f"(agganciati invece alla rete principale; distanze in {table}, colonne "
            f"frammento_* e dist_nodo_*): {it_list}.",
            "Nodes whose nearest street node lay on an isolated network fragment (joined to "
            f"the main network instead; distances in {table}, columns frammento_* and "
            f"dist_nodo_*): {en_list}.",
        )
    walk_it, bike_it = fmt_number(walk, "", "it"), fmt_number(bike, "", "it")
    human_day = _italian_day(day)
    ctx.note(
        "mobilita",
        f"Accesso ai nodi: {len(stations)} nodi (voci ferrovia/metro unite entro "
        f"{cfg.merge_distance_m:g} m); {far} oltre {cfg.max_snap_m:g} m dalla rete, segnalati e "
        f"non agganciati (vedi {table}). {rete} comuni calcolati su rete, {stima} stimati "
        f"(tortuosità misurata: piedi {walk_it}, bici {bike_it}). Nodi della rete senza "
        f"accesso a un nodo: piedi {fmt_number(lost_walk, 'nodi', 'it')}, bici "
        f"{fmt_number(lost_bike, 'nodi', 'it')}. Corse ferroviarie dal GTFS Trenord del "
        f"{human_day}.",
        f"Access to nodes: {len(stations)} nodes (rail/metro entries merged within "
        f"{cfg.merge_distance_m:g} m); {far} beyond {cfg.max_snap_m:g} m of the network, "
        f"reported and not snapped (see {table}). {rete} comuni computed on the network, "
        f"{stima} estimated (measured circuity: walk {walk:.2f}, bike {bike:.2f}). Network "
        f"nodes reaching no node: walk {lost_walk}, bike {lost_bike}. Rail departures from the "
        f"Trenord GTFS of {day}.",
    )


def _italian_day(day: object) -> str:
    """``2023-12-12`` as an Italian reader writes it (``12/12/2023``); other text unchanged."""
    import datetime as dt

    from territorio.i18n import format_date

    try:
        return format_date(dt.date.fromisoformat(str(day)), "it")
    except ValueError:
        return str(day)


THEME = Theme(
    "mobilita",
    {"it": "Mobilità", "en": "Mobility"},
    access_step,
    group={"it": "Mobilità", "en": "Mobility"},
    config=("access", AccessConfig),
    provides={ACCESS: compute_access},
)
