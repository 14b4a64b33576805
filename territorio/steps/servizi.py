"""Step ``servizi``: schools, health services and the Parco Agricolo Sud, per comune."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from territorio.access.layers import ACCESS_ESTIMATE
from territorio.codes import KEY
from territorio.indicators import Column, Ratio
from territorio.mapspec import Choropleth, Overlay
from territorio.network.times import AccessResult
from territorio.pipeline import RunContext, Theme
from territorio.plausibility import check_consumed_values, check_in_territory
from territorio.rates import per_residents
from territorio.readers import open_raster, read_community_points, read_park
from territorio.services import facilities, park, proximity
from territorio.services.config import ServicesConfig
from territorio.steps.mobilita import ACCESS
from territorio.zonal import sample_values

FOLDER = "servizi"
ACCESS_SOURCES = ("nodi_interscambio", "osm_milano_2015_highways")


def school_bike_prefix(cfg: ServicesConfig) -> str:
    """Column prefix of bike access to upper-secondary schools, named from the minutes set.

    Examples
    --------
    >>> school_bike_prefix(ServicesConfig(school_bike_minutes=12.5))
    'scuole_sec2_bici12_5'
    """
    return f"scuole_sec2_bici{cfg.school_bike_minutes:g}".replace(".", "_")


def _columns(
    cfg: ServicesConfig,
    latest: int,
    speed: float,
    year: int,
    model: dict[str, str],
    population_sources: tuple[str, ...] = ("istat_popolazione",),
) -> list[Column]:
    minutes = f"{cfg.school_bike_minutes:g}"
    bike = school_bike_prefix(cfg)
    return [
        Column(
            "scuole_sedi",
            "sedi",
            {
                "it": "Sedi di scuole statali di ogni grado nel comune (per posizione)",
                "en": "State school sites of every level in the comune (by location)",
            },
            ("scuole_sedi",),
            "sum",
        ),
        Column(
            "scuole_sec2_sedi",
            "sedi",
            {"it": "Sedi di scuole secondarie di II grado", "en": "Upper-secondary school sites"},
            ("scuole_sedi",),
            "sum",
        ),
        Column(
            "scuole_sec2_allievi",
            "allievi",
            {
                "it": "Allievi delle sedi statali di II grado dove noti (Anagrafe Scuole Lombarde)",
                "en": "Pupils of state upper-secondary sites where known",
            },
            ("scuole_lombarde",),
            "sum",
        ),
        Column(
            "scuole_sec2_sedi_con_allievi",
            "sedi",
            {
                "it": "Sedi di II grado con numero di allievi noto",
                "en": "Upper-secondary sites with a known pupil count",
            },
            ("scuole_lombarde",),
            "sum",
        ),
        Column(
            f"{bike}_ab",
            "ab.",
            {
                "it": f"Residenti entro {minutes} min in bici "
                f"({speed:g} km/h) da una sede di II grado (rete OSM; stima fuori dall'estratto, "
                f"vedi accesso_metodo; residenti: {model['it']})",
                "en": f"Residents within {minutes} min by bike ({speed:g} km/h) of an "
                "upper-secondary site (OSM network; estimate outside the extract; residents: "
                f"{model['en']})",
            },
            ("scuole_sedi", *ACCESS_SOURCES, *population_sources),
            "sum",
        ),
        Column(
            f"{bike}_pop_pct",
            "%",
            {
                "it": f"Quota di residenti entro {minutes} min in bici da una sede di II grado "
                f"(residenti: {model['it']})",
                "en": f"Share of residents within {minutes} min by bike of an upper-secondary "
                f"site (residents: {model['en']})",
            },
            ("scuole_sedi", *ACCESS_SOURCES, *population_sources),
            Ratio(f"{bike}_ab", f"popolazione_{year}", 100.0),
        ),
        Column(
            "ospedali",
            "strutture",
            {"it": "Strutture di ricovero e cura nel comune", "en": "Hospitals in the comune"},
            ("ospedali",),
            "sum",
        ),
        Column(
            "farmacie",
            "farmacie",
            {
                "it": "Farmacie nel comune (per posizione)",
                "en": "Pharmacies in the comune (by location)",
            },
            ("farmacie",),
            "sum",
        ),
        Column(
            "farmacie_per_10k_ab",
            "per 10.000 ab.",
            {
                "it": f"Farmacie ogni 10.000 residenti (1/1/{latest})",
                "en": f"Pharmacies per 10,000 residents (1/1/{latest})",
            },
            ("farmacie", "istat_popolazione"),
            Ratio("farmacie", f"popolazione_{latest}", 1e4),
        ),
        Column(
            "case_comunita_previste",
            "progetti",
            {
                "it": "Case della Comunità previste (PNRR "
                "M6, per codice ISTAT; progetti, non strutture aperte)",
                "en": "Planned Case della "
                "Comunità (PNRR M6, by ISTAT code; projects, not open facilities)",
            },
            ("pnrr_case_comunita",),
            "sum",
        ),
        Column(
            "ospedali_comunita_previsti",
            "progetti",
            {
                "it": "Ospedali di Comunità previsti (PNRR M6)",
                "en": "Planned Ospedali di Comunità (PNRR M6)",
            },
            ("pnrr_case_comunita",),
            "sum",
        ),
        Column(
            "cot_previste",
            "progetti",
            {
                "it": "Centrali Operative Territoriali previste (PNRR M6)",
                "en": "Planned territorial operations centres (PNRR M6)",
            },
            ("pnrr_case_comunita",),
            "sum",
        ),
    ]


def services_step(ctx: RunContext) -> None:
    """Counts, proximity to interchange nodes, bike access to schools, park indicators."""
    cfg: ServicesConfig = ctx.config["services"]
    acfg = ctx.config["access"]
    territory = ctx.territory
    comuni = territory.comuni
    codes = comuni[KEY].to_numpy()
    access = ctx.results.need(ACCESS, AccessResult, ctx)

    schools = facilities.locate(ctx.catalog.read("scuole_sedi"), comuni, KEY)
    upper = schools[schools["secondaria_2_grado"].astype(bool)]
    lombarde = facilities.locate(ctx.catalog.read("scuole_lombarde"), comuni, KEY)
    hospitals = facilities.locate(ctx.catalog.read("ospedali"), comuni, None)
    pharmacies = facilities.locate(ctx.catalog.read("farmacie"), comuni, KEY)
    pnrr = ctx.catalog.read("pnrr_case_comunita")

    table = pd.DataFrame(index=pd.Index(codes, name=KEY))
    table["scuole_sedi"] = facilities.count_per_comune(schools, codes)
    table["scuole_sec2_sedi"] = facilities.count_per_comune(upper, codes)
    table = table.join(facilities.students(lombarde, codes))
    bike = proximity.residents_within(
        upper, access, "bike", cfg.school_bike_minutes, acfg.bike_speed_kmh, acfg.max_snap_m, codes
    )
    prefix = school_bike_prefix(cfg)
    table[f"{prefix}_ab"] = bike["ab"]
    table[f"{prefix}_pop_pct"] = bike["pct"]
    table["ospedali"] = facilities.count_per_comune(hospitals, codes)
    table["farmacie"] = facilities.count_per_comune(pharmacies, codes)
    table["farmacie_per_10k_ab"] = per_residents(table["farmacie"], territory.population())
    table = table.join(facilities.pnrr_counts(pnrr, codes))
    model = ctx.population()
    labels = {lang: model.label(lang) for lang in ("it", "en")}
    columns = _columns(
        cfg, territory.latest_year, acfg.bike_speed_kmh, model.year, labels, model.sources
    )
    ctx.table.add(table[[c.name for c in columns]], columns, source="servizi")

    layers = _proximity_tables(ctx, cfg, access, upper, hospitals)
    layers["farmacie"] = pharmacies
    flagged = facilities.flagged(
        {
            "scuole_sedi": schools,
            "scuole_lombarde": lombarde,
            "ospedali": hospitals,
            "farmacie": pharmacies,
        },
        {
            "scuole_sedi": "denominazione",
            "scuole_lombarde": "denom_sede",
            "ospedali": "denominazione",
            "farmacie": "descrizione_farmacia",
        },
    )
    # source coordinates as given (full precision), not rounded like computed values
    ctx.outputs.write_csv(f"{FOLDER}/punti_segnalati.csv", flagged, float_format=None)
    _community_points(ctx, cfg, access, layers)
    _park(ctx, cfg, {"scuole_sec2": upper, "ospedali": hospitals, "farmacie": pharmacies}, layers)
    _write_layers(ctx, layers)
    _register_maps(ctx, layers)
    outside = int(flagged["problema"].eq("fuori dalla CMM").sum())
    elsewhere = len(flagged) - outside
    ctx.note(
        "servizi",
        f"Servizi: {outside} punti con coordinate fuori dalla CMM e {elsewhere} in un comune "
        f"diverso da quello dichiarato, tenuti e segnalati in {FOLDER}/punti_segnalati.csv; "
        "i conteggi per comune usano la posizione del punto.",
        f"Services: {outside} points with coordinates outside the CMM and {elsewhere} in "
        f"another comune than declared, kept and listed in {FOLDER}/punti_segnalati.csv; "
        "counts per comune use the point's location.",
    )


def _proximity_tables(
    ctx: RunContext,
    cfg: ServicesConfig,
    access: AccessResult,
    upper: gpd.GeoDataFrame,
    hospitals: gpd.GeoDataFrame,
) -> dict:
    limit = cfg.node_walk_limit_min
    out = {}
    for name, frame, label in (
        ("scuole_sec2", upper, "denominazione"),
        ("ospedali", hospitals, "denominazione"),
    ):
        near = proximity.to_nearest_node(frame, access)
        joined = frame.join(near)
        keep = [c for c in joined.columns if c not in ("geometry",)]
        ctx.outputs.write_csv(
            f"{FOLDER}/{name}_nodi.csv",
            joined[keep].drop(columns=[c for c in ("geo_com_istat", "geo_comune") if c in keep]),
        )
        far = joined[~(joined["tempo_piedi_nodo_min"] <= limit)]
        ctx.outputs.write_csv(
            f"{FOLDER}/{name}_oltre_{limit:g}min.csv",
            far[[label, "comune_geo", "nodo_nome", "tempo_piedi_nodo_min", "metodo"]].sort_values(
                "tempo_piedi_nodo_min", ascending=False
            ),
        )
        out[name] = joined
        estimated = int((joined["metodo"] == "stima").sum())
        ctx.note(
            "servizi",
            f"{name}: {len(far)} su {len(joined)} oltre {limit:g} min a piedi dal nodo di "
            f"interscambio più vicino ({estimated} tempi stimati fuori dall'estratto OSM).",
            f"{name}: {len(far)} of {len(joined)} beyond {limit:g} min on foot from the "
            f"nearest interchange node ({estimated} times estimated outside the OSM extract).",
        )
    return out


def _community_points(
    ctx: RunContext, cfg: ServicesConfig, access: AccessResult, layers: dict
) -> None:
    if not cfg.community_points:
        ctx.note(
            "servizi",
            "Case/Ospedali di Comunità e COT: contati per comune dal codice ISTAT (progetti "
            "PNRR 2023, senza coordinate). Con le coordinate ([services] community_points, "
            "modello territorio/services/strutture_comunita_TEMPLATE.csv) si calcola anche "
            "l'accessibilità.",
            "Case/Ospedali di Comunità and COT: counted per comune from the ISTAT code (2023 "
            "PNRR projects, no coordinates). With coordinates ([services] community_points, "
            "template territorio/services/strutture_comunita_TEMPLATE.csv) their access is "
            "computed too.",
        )
        return
    path = ctx.config.resolve(cfg.community_points)
    area = shapely.union_all(ctx.territory.outline.geometry.values)
    points = facilities.locate(read_community_points(path, area), ctx.territory.comuni, None)
    joined = points.join(proximity.to_nearest_node(points, access))
    ctx.outputs.write_csv(
        f"{FOLDER}/strutture_comunita_nodi.csv",
        joined.drop(columns="geometry"),
        passthrough=path.name,  # the user's own columns travel as they are
    )
    layers["strutture_comunita"] = joined
    ctx.note(
        "servizi",
        f"Strutture di comunità con coordinate da {path.name}: {len(joined)}.",
        f"Community facilities with coordinates from {path.name}: {len(joined)}.",
    )


def _park(ctx: RunContext, cfg: ServicesConfig, points: dict, layers: dict) -> None:
    if not cfg.park_boundary:
        ctx.note(
            "servizi",
            "Parco Agricolo Sud: perimetro non disponibile; gli indicatori sono aggregati sui "
            "60 comuni aderenti (indicatori_aree.csv, gruppo parco_sud). Con il perimetro "
            "([services] park_boundary) si calcolano quota di territorio, residenti e servizi "
            "nel parco.",
            "Parco Agricolo Sud: perimeter not available; indicators are aggregated over the "
            "60 member comuni (indicatori_aree.csv, group parco_sud). With the perimeter "
            "([services] park_boundary) the park's share, residents and services are computed.",
        )
        return
    path = ctx.config.resolve(cfg.park_boundary)
    geometry = read_park(path)
    check_in_territory(
        geometry,
        shapely.union_all(ctx.territory.outline.geometry.values),
        source=str(path),
        what="park perimeter",
    )
    model = ctx.population()
    grid = model.grid(ctx.config["access"].cell_m)
    table = park.park_by_comune(geometry, ctx.territory.comuni, model.population, points, grid=grid)
    if cfg.park_consumption_raster:
        land = ctx.config["land"]
        raster = ctx.config.resolve(cfg.park_consumption_raster)
        with open_raster(raster) as src:
            if not land.imperviousness_threshold:
                check_consumed_values(
                    sample_values(src), tuple(land.consumed_values), source=str(raster)
                )
            table = table.join(
                park.consumed_inside_outside(
                    geometry,
                    ctx.territory.comuni,
                    src,
                    threshold=land.imperviousness_threshold or None,
                    values=tuple(land.consumed_values),
                )
            )
    sources = (path.name,)
    docs = {
        "parco_area_ha": (
            "ha",
            "Superficie del comune dentro il perimetro del parco",
            "Area of the comune inside the park perimeter",
            "sum",
        ),
        "parco_quota_superficie_pct": (
            "%",
            "Quota del comune dentro il parco",
            "Share of the comune inside the park",
            Ratio("parco_area_ha", "superficie_poligono_km2", 1.0),
        ),
        "parco_residenti": (
            "ab.",
            f"Residenti dentro il parco ({model.label('it')})",
            f"Residents inside the park ({model.label('en')})",
            "sum",
        ),
        "parco_suolo_consumato_dentro_ha": (
            "ha",
            "Suolo consumato dentro il parco (raster)",
            "Consumed soil inside the park (raster)",
            "sum",
        ),
        "parco_suolo_consumato_fuori_ha": (
            "ha",
            "Suolo consumato fuori dal parco (raster)",
            "Consumed soil outside the park (raster)",
            "sum",
        ),
    }
    columns = []
    for name in table.columns:
        if name in docs:
            unit, it, en, rule = docs[name]
        else:
            kind = name.removeprefix("parco_")
            unit, it, en, rule = ("n.", f"{kind} dentro il parco", f"{kind} inside the park", "sum")
        columns.append(Column(name, unit, {"it": it, "en": en}, sources, rule))
    ctx.table.add(table, columns, source=f"servizi (parco, {path.name})")
    layers["parco_sud_perimetro"] = gpd.GeoDataFrame(
        {"fonte": [path.name]}, geometry=[geometry], crs=ctx.territory.comuni.crs
    )
    ctx.note(
        "servizi",
        f"Parco Agricolo Sud: perimetro da {path.name}.",
        f"Parco Agricolo Sud: perimeter from {path.name}.",
    )


def _register_maps(ctx: RunContext, layers: dict) -> None:
    lang = ctx.config.lang
    prefix = school_bike_prefix(ctx.config["services"])
    minutes = f"{ctx.config['services'].school_bike_minutes:g}".replace(".", ",")
    ctx.maps.choropleth(
        "servizi",
        Choropleth(
            f"{prefix}_pop_pct",
            "quantiles",
            palette="YlGnBu",
            title={
                "it": f"Scuole superiori in bici {minutes} min",
                "en": f"Upper secondary schools by bike {minutes} min",
            },
        ),
    )
    ctx.maps.choropleth(
        "servizi",
        Choropleth(
            "farmacie_per_10k_ab",
            "quantiles",
            palette="RdPu",
            title={"it": "Farmacie ogni 10 000 abitanti", "en": "Pharmacies per 10,000"},
        ),
    )
    ctx.maps.choropleth(
        "servizi",
        Choropleth(
            "case_comunita_previste",
            "breaks",
            breaks=(0, 1, 2, 5),
            palette="Oranges",
            title={"it": "Case della Comunità previste", "en": "Planned Community Houses"},
        ),
    )
    ctx.maps.estimated([c for c in ctx.table.columns if c.startswith(prefix)], ACCESS_ESTIMATE)
    for column, title in (
        ("scuole_sec2_sedi", {"it": "Sedi di scuole superiori", "en": "Upper-secondary sites"}),
        ("scuole_sec2_allievi", {"it": "Allievi delle scuole superiori", "en": "Pupils"}),
        ("ospedali", {"it": "Ospedali", "en": "Hospitals"}),
        ("farmacie", {"it": "Farmacie", "en": "Pharmacies"}),
        (
            "ospedali_comunita_previsti",
            {"it": "Ospedali di Comunità previsti", "en": "Planned Community Hospitals"},
        ),
        (
            "cot_previste",
            {
                "it": "Centrali Operative Territoriali (COT) previste",
                "en": "Planned Territorial Operations Centres (COT)",
            },
        ),
    ):
        if column in ctx.table.columns:
            ctx.maps.row("servizi", column, title)
    node = [
        ("nodo_nome", {"it": "Nodo più vicino", "en": "Nearest node"}),
        ("tempo_piedi_nodo_min", {"it": "Minuti a piedi", "en": "Minutes on foot"}),
    ]
    specs = (
        (
            "scuole_sec2",
            {"it": "Scuole secondarie di II grado", "en": "Upper-secondary schools"},
            "denominazione",
            "#e31a1c",
            "scuole_sedi",
            node,
        ),
        (
            "ospedali",
            {"it": "Ospedali", "en": "Hospitals"},
            "denominazione",
            "#6a3d9a",
            "ospedali",
            node,
        ),
        (
            "farmacie",
            {"it": "Farmacie", "en": "Pharmacies"},
            "descrizione_farmacia",
            "#33a02c",
            "farmacie",
            [],
        ),
    )
    for name, title, label, color, layer_id, extra in specs:
        frame = layers[name]
        ctx.maps.overlay(
            "servizi",
            Overlay(
                name,
                title,
                frame,
                [(label, {"it": "Nome", "en": "Name"}), *extra],
                color=color,
                source=ctx.catalog.manifest(layer_id).attribution(lang),
                show=name != "farmacie",
                pro_com_t="comune_geo",
                sources=(layer_id,),
            ),
        )


def _write_layers(ctx: RunContext, layers: dict) -> None:
    clean = {}
    for name, frame in layers.items():
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
        clean[name] = gpd.GeoDataFrame(frame, geometry="geometry", crs=frame.crs)
    ctx.outputs.write_layers(f"{FOLDER}/servizi.gpkg", clean)


THEME = Theme(
    "servizi",
    {"it": "Servizi", "en": "Services"},
    services_step,
    group={"it": "Servizi", "en": "Services"},
    config=("services", ServicesConfig),
)
