"""Step ``servizi``: schools, health services and the Parco Agricolo Sud, per comune."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.access.layers import ACCESS_ESTIMATE
from territorio.classes import fmt_number
from territorio.codes import KEY
from territorio.indicators import Column, Ratio
from territorio.mapspec import Choropleth, Overlay
from territorio.network.matrix import travel_minutes
from territorio.network.times import AccessResult
from territorio.pipeline import RunContext, Theme
from territorio.plausibility import check_consumed_values, check_in_territory
from territorio.rates import per_residents
from territorio.readers import open_raster, read_community_points, read_park
from territorio.readers.files import Expectation, read_table
from territorio.services import facilities, fca, park, proximity
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
    if cfg.fca:
        school_points, pupils, missing = _school_supply(lombarde)
        supplies = {
            "scuole_sec2": (
                school_points,
                pupils,
                (
                    f"{missing} sedi con 0 allievi o senza numero, escluse",
                    f"{missing} sites with no pupils or no count, left out",
                ),
            ),
            "farmacie": (pharmacies[~pharmacies["fuori_cmm"]], None, ("", "")),
            "ospedali": (hospitals[~hospitals["fuori_cmm"]], None, ("", "")),
        }
        if "strutture_comunita" in layers:
            supplies["strutture_comunita"] = (layers["strutture_comunita"], None, ("", ""))
        supplies = {  # no capacity: every site counts one
            k: (p, np.ones(len(p)) if c is None else c, n, c is not None)
            for k, (p, c, n) in supplies.items()
        }
        fca_table, fca_columns = _fca(ctx, cfg, access, supplies)
        ctx.table.add(fca_table, fca_columns, source="servizi (FCA)")
    _park(ctx, cfg, {"scuole_sec2": upper, "ospedali": hospitals, "farmacie": pharmacies}, layers)
    _write_layers(ctx, layers)
    _register_maps(ctx, layers)
    if cfg.fca:
        _register_fca_maps(ctx)
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


def _register_fca_maps(ctx: RunContext) -> None:
    """The balanced FCA of schools and pharmacies as choropleths, after the theme's others."""
    for column, palette, title in (
        (
            "fca_scuole_sec2_bfca",
            "PuBu",
            {
                "it": "Scuole superiori: allievi rispetto ai residenti (FCA)",
                "en": "Upper-secondary pupils against residents (FCA)",
            },
        ),
        (
            "fca_farmacie_bfca",
            "RdPu",
            {
                "it": "Farmacie rispetto ai residenti raggiunti (FCA)",
                "en": "Pharmacies against the residents they serve (FCA)",
            },
        ),
    ):
        ctx.maps.choropleth(
            "servizi", Choropleth(column, "quantiles", palette=palette, title=title)
        )
    fca_columns = [c for c in ctx.table.columns if c.startswith("fca_")]
    ctx.maps.estimated(fca_columns, ACCESS_ESTIMATE)


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


FCA_SUPPLIES = {
    "scuole_sec2": (
        {"it": "sedi di scuola secondaria di II grado", "en": "upper-secondary school sites"},
        ("scuole_lombarde",),
    ),
    "farmacie": ({"it": "farmacie", "en": "pharmacies"}, ("farmacie",)),
    "ospedali": ({"it": "strutture di ricovero", "en": "hospitals"}, ("ospedali",)),
    "strutture_comunita": (
        {"it": "Case/Ospedali di Comunità e COT", "en": "community health facilities"},
        (),
    ),
}


def _school_supply(
    lombarde: gpd.GeoDataFrame,
) -> tuple[gpd.GeoDataFrame, np.ndarray | None, int]:
    """State upper-secondary sedi, their pupils as capacity, and how many sedi were left out.

    The capacity is ``None`` (every site counts one) when the list gives no pupils at all.
    """
    state = lombarde[
        (lombarde["classificazione"] == "Statale")
        & lombarde["tipologia_sede"].isin(facilities.UPPER_SECONDARY_TYPES)
        & ~lombarde["fuori_cmm"]
    ]
    pupils = pd.to_numeric(state["allievi_sede"], errors="coerce")
    if pupils.notna().any():
        known = state[pupils > 0]
        return known, pupils[pupils > 0].to_numpy(dtype=float), len(state) - len(known)
    return state, None, 0


def _fca(
    ctx: RunContext, cfg: ServicesConfig, access: AccessResult, supplies: dict
) -> tuple[pd.DataFrame, list[Column]]:
    """E2SFCA and balanced FCA per supply, per comune; summary and below-threshold tables."""
    acfg = ctx.config["access"]
    grid = access.times.grid
    codes = ctx.territory.comuni[KEY].to_numpy()
    live = grid.residents > 0
    demand_all = grid.residents[live]
    zone = grid.zone[live]
    model = ctx.population()
    speeds = {"walk": acfg.walk_speed_kmh, "bike": acfg.bike_speed_kmh}
    band = None
    if cfg.school_age_population:
        path = ctx.config.resolve(cfg.school_age_population)
        band = read_table(
            path,
            Expectation(
                label=cfg.school_age_label,
                key=KEY,
                key_unique=True,
                columns=(KEY, "popolazione"),
                user_file=True,
            ),
        ).set_index(KEY)["popolazione"]
    table = pd.DataFrame(index=pd.Index(codes, name=KEY))
    summary, below_rows, columns = [], [], []
    names = (
        ctx.territory.comuni.set_index(KEY)["comune"] if "comune" in ctx.territory.comuni else None
    )
    for name, (points, capacity, note, by_capacity) in supplies.items():
        words, layer_ids = FCA_SUPPLIES[name]
        mode = cfg.fca_modes.get(name, "walk")
        zones = cfg.fca_zones_min.get(name, [5.0, 10.0, 15.0])
        demand = demand_all
        if name == "scuole_sec2" and band is not None:
            totals = np.bincount(grid.zone, weights=grid.residents, minlength=len(codes))
            share = band.reindex(codes).to_numpy(dtype=float) / np.where(totals > 0, totals, np.nan)
            demand = demand_all * np.nan_to_num(share)[zone]
            scale, unit = 1.0, f"allievi per residente {cfg.school_age_label}"
            unit_en = f"pupils per resident aged {cfg.school_age_label}"
        elif name == "scuole_sec2" and by_capacity:
            scale, unit, unit_en = 1000.0, "allievi per 1.000 ab.", "pupils per 1,000 residents"
        else:
            scale, unit, unit_en = 1e4, "per 10.000 ab.", "per 10,000 residents"
        minutes = travel_minutes(
            access.network,
            grid.xy[live],
            shapely.get_coordinates(points.geometry.values),
            mode=mode,
            speed_kmh=speeds[mode],
            cutoff_min=zones[-1],
            area=access.area,
            circuity=access.times.circuity[mode],
            max_snap_m=acfg.max_snap_m,
            min_component_share=acfg.min_component_share,
        )
        result = fca.accessibility(
            minutes,
            demand,
            capacity,
            zone,
            codes,
            zones_min=zones,
            weights=cfg.fca_zone_weights,
            scale=scale,
        )
        threshold = cfg.fca_below_fraction * result.mean["bfca"]
        below = result.table["bfca"] < threshold
        table[f"fca_{name}_e2sfca"] = result.table["e2sfca"]
        table[f"fca_{name}_bfca"] = result.table["bfca"]
        table[f"fca_{name}_sotto_soglia"] = below
        aged = name == "scuole_sec2" and band is not None
        limits = "/".join(f"{z:g}" for z in zones)
        steps = "/".join(f"{w:g}" for w in cfg.fca_zone_weights)
        how_it = (
            f"{'a piedi' if mode == 'walk' else 'in bici'}, zone {limits} "
            f"min con pesi {steps}; domanda: "
            f"{cfg.school_age_label if aged else 'residenti'} "
            f"({model.label('it')})"
        )
        how_en = (
            f"{'on foot' if mode == 'walk' else 'by bike'}, zones {limits} "
            f"min weighted {steps}; demand: "
            f"{'aged ' + cfg.school_age_label if aged else 'residents'}"
        )
        sources = (*layer_ids, *ACCESS_SOURCES, *model.sources)
        columns += [
            Column(
                f"fca_{name}_e2sfca",
                unit,
                {
                    "it": f"Offerta di {words['it']} rispetto alla domanda, E2SFCA (Luo e Qi "
                    f"2009); {how_it}",
                    "en": f"Supply of {words['en']} against demand, E2SFCA (Luo & Qi 2009); "
                    f"{how_en}",
                },
                sources,
            ),
            Column(
                f"fca_{name}_bfca",
                unit,
                {
                    "it": f"Offerta di {words['it']} rispetto alla domanda, FCA bilanciato "
                    "(domanda "
                    f"ripartita tra le sedi raggiunte, offerta conservata); {how_it}",
                    "en": f"Supply of {words['en']} against demand, balanced FCA (demand split "
                    "among "
                    f"the sites reached, supply conserved); {how_en}",
                },
                sources,
            ),
            Column(
                f"fca_{name}_sotto_soglia",
                "sì/no",
                {
                    "it": f"FCA bilanciato sotto il {cfg.fca_below_fraction:.0%} della media CMM "
                    f"({words['it']})",
                    "en": f"Balanced FCA below {cfg.fca_below_fraction:.0%} of the CMM mean "
                    f"({words['en']})",
                },
                sources,
                "count_true",
            ),
        ]
        for method in ("e2sfca", "bfca"):
            summary.append(
                {
                    "offerta": name,
                    "metodo": method,
                    "unita": unit if ctx.config.lang == "it" else unit_en,
                    "modo": mode,
                    "zone_min": "/".join(f"{z:g}" for z in zones),
                    "media_cmm": result.mean[method],
                    "gini_comuni": result.gini[method],
                    "sedi": len(points),
                    "offerta_totale": result.supply_total,
                    "offerta_raggiunta": result.supply_reached,
                    "residenti_raggiunti_pct": 100 * result.demand_reached / result.demand_total,
                    "comuni_sotto_soglia": int(below.sum()) if method == "bfca" else None,
                    "nota": note[0] if ctx.config.lang == "it" else note[1],
                }
            )
        for code in result.table.index[below]:
            below_rows.append(
                {
                    "offerta": name,
                    KEY: code,
                    "comune": names.get(code) if names is not None else None,
                    "valore": result.table.at[code, "bfca"],
                    "media_cmm": result.mean["bfca"],
                    "quota_media_pct": 100 * result.table.at[code, "bfca"] / result.mean["bfca"],
                }
            )
    ctx.outputs.write_csv(f"{FOLDER}/fca_sintesi.csv", pd.DataFrame(summary))
    ctx.outputs.write_csv(
        f"{FOLDER}/fca_comuni_sotto_soglia.csv",
        pd.DataFrame(
            below_rows, columns=["offerta", KEY, "comune", "valore", "media_cmm", "quota_media_pct"]
        ),
    )
    lines_it = "; ".join(
        f"{r['offerta']}: media CMM {fmt_number(r['media_cmm'], '', 'it')} {r['unita']}, Gini "
        f"{fmt_number(r['gini_comuni'], '', 'it')}, {r['comuni_sotto_soglia']} comuni sotto soglia"
        for r in summary
        if r["metodo"] == "bfca"
    )
    lines_en = "; ".join(
        f"{r['offerta']}: CMM mean {r['media_cmm']:.2f}, Gini {r['gini_comuni']:.3f}, "
        f"{r['comuni_sotto_soglia']} comuni below the threshold"
        for r in summary
        if r["metodo"] == "bfca"
    )
    ctx.note(
        "servizi",
        "Offerta e domanda (FCA bilanciato, tempi su rete; stima fuori dall'estratto): "
        f"{lines_it}. "
        f"Dettagli in {FOLDER}/fca_sintesi.csv e {FOLDER}/fca_comuni_sotto_soglia.csv.",
        f"Supply against demand (balanced FCA, network times; estimated outside the extract): "
        f"{lines_en}. Details in {FOLDER}/fca_sintesi.csv and "
        f"{FOLDER}/fca_comuni_sotto_soglia.csv.",
    )
    return table, columns
