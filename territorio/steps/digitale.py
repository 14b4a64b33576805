"""Step ``digitale``: fibre reach, 5G coverage (register or labelled scenario), siting."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from territorio.codes import KEY
from territorio.digital import analysis, fibre
from territorio.digital.config import DigitalConfig
from territorio.digital.plan_report import plan_layers, plan_summary, plan_tables
from territorio.digital.planning import SitingPlan, plan_sites
from territorio.indicators import Column, Ratio
from territorio.loaders import load_candidates, load_register
from territorio.mapspec import Choropleth, Estimate, Overlay, scenario_label
from territorio.pipeline import RunContext, Theme
from territorio.population import PopulationGrid
from territorio.spatial import assign_comune
from territorio.territory import Territory

FOLDER = "digitale"
#: Stages of an Infratel BUL intervention in the order works go through them.
BUL_STAGES = (
    "in programmazione",
    "in progettazione definitiva",
    "in progettazione esecutiva",
    "in esecuzione",
    "in collaudo",
    "terminato / in programmazione",
    "terminato",
    "nessun intervento BUL",
)
SCENARIO_LABEL = "scenario: {n} siti su sedi scolastiche CMM"


def _fibre_columns(first_tag: str) -> list[Column]:
    agcom = ("agcom_rete_fissa",)
    return [
        Column(
            "famiglie_residenti",
            "famiglie",
            {
                "it": "Famiglie residenti (AGCOM, calcolato)",
                "en": "Resident families (AGCOM estimate)",
            },
            agcom,
            "sum",
        ),
        Column(
            "famiglie_ftth",
            "famiglie",
            {
                "it": "Famiglie raggiunte da FTTH (AGCOM, ultima data)",
                "en": "Families reached by FTTH (AGCOM, latest date)",
            },
            agcom,
            "sum",
        ),
        Column(
            "ftth_famiglie_pct",
            "%",
            {
                "it": "Quota di famiglie raggiunte da FTTH, ultima data "
                "AGCOM (2025-06-30); vuoto AGCOM con 0 punti FTTH letto come 0",
                "en": "Share of families reached by FTTH, latest AGCOM date (2025-06-30); AGCOM "
                "blanks with 0 FTTH points read as 0",
            },
            agcom,
            Ratio("famiglie_ftth", "famiglie_residenti", 100.0),
        ),
        Column(
            f"ftth_famiglie_{first_tag}_pct",
            "%",
            {
                "it": f"Quota di famiglie FTTH alla prima data AGCOM ({first_tag})",
                "en": f"FTTH family share at the first AGCOM date ({first_tag})",
            },
            agcom,
        ),
        Column(
            "ftth_famiglie_var_pp",
            "punti %",
            {
                "it": "Variazione della quota FTTH tra le due date AGCOM",
                "en": "Change of the FTTH share between the two AGCOM dates",
            },
            agcom,
        ),
        Column(
            "ftth_punti_pct",
            "%",
            {
                "it": "Punti raggiunti da FTTH tra i punti raggiunti da una "
                "rete fissa qualsiasi (punti distinti, passo 5 m)",
                "en": "FTTH points among points "
                "reached by any fixed network (distinct points, 5 m step)",
            },
            agcom,
        ),
        Column(
            "rete_fissa_celle_20m",
            "celle",
            {
                "it": "Celle 20 m × 20 m raggiunte da una rete fissa qualsiasi",
                "en": "20 m × 20 m cells reached by any fixed network",
            },
            agcom,
            "sum",
        ),
        Column(
            "ftth_celle_pct",
            "%",
            {
                "it": "Celle raggiunte da FTTH tra quelle raggiunte da rete fissa",
                "en": "Cells reached by FTTH among cells reached by a fixed network",
            },
            agcom,
        ),
        Column(
            "fttc_celle_pct",
            "%",
            {
                "it": "Celle raggiunte da FTTC tra quelle raggiunte da rete fissa",
                "en": "Cells reached by FTTC among cells reached by a fixed network",
            },
            agcom,
        ),
        Column(
            "ftth_dato",
            "",
            {
                "it": "Origine delle famiglie FTTH: 'AGCOM' se pubblicate, 'dedotto' se AGCOM "
                "lascia il dato vuoto e il comune non ha punti FTTH (letto come 0)",
                "en": "Origin of the FTTH families: 'AGCOM' when published, 'dedotto' where "
                "AGCOM leaves a blank and the comune has no FTTH point (read as 0)",
            },
            agcom,
        ),
    ]


def _bul_columns() -> list[Column]:
    bul = ("infratel_bul",)
    return [
        Column(
            "bul_stato_fibra",
            "",
            {
                "it": "Piano BUL Infratel: stato dell'intervento fibra "
                "('nessun intervento BUL' se il comune non è nel piano)",
                "en": "Infratel BUL plan: "
                "fibre works status ('nessun intervento BUL' if not in the plan)",
            },
            bul,
        ),
        Column(
            "bul_stato_fwa",
            "",
            {
                "it": "Piano BUL Infratel: stato dell'intervento FWA",
                "en": "Infratel BUL plan: FWA works status",
            },
            bul,
        ),
        Column(
            "bul_intervento_fibra",
            "",
            {
                "it": "Intervento pubblico fibra previsto (aree bianche)",
                "en": "Public fibre intervention planned (white areas)",
            },
            bul,
            "count_true",
        ),
        Column(
            "bul_intervento_fwa",
            "",
            {"it": "Intervento pubblico FWA previsto", "en": "Public FWA intervention planned"},
            bul,
            "count_true",
        ),
    ]


def _coverage_columns(
    prefix: str,
    label: dict[str, str],
    sources: tuple[str, ...],
    year: int,
    model: dict[str, str],
    population_sources: tuple[str, ...] = ("istat_popolazione",),
) -> list[Column]:
    return [
        Column(
            f"{prefix}_siti",
            "siti",
            {
                "it": f"Siti 5G nel comune ({label['it']})",
                "en": f"5G sites in the comune ({label['en']})",
            },
            sources,
            "sum",
        ),
        Column(
            f"{prefix}_area_ha",
            "ha",
            {
                "it": f"Area coperta dal 5G ({label['it']})",
                "en": f"Area covered by 5G ({label['en']})",
            },
            sources,
            "sum",
        ),
        Column(
            f"{prefix}_area_pct",
            "%",
            {
                "it": f"Quota dell'area del comune coperta ({label['it']})",
                "en": f"Share of the comune's area covered ({label['en']})",
            },
            sources,
            Ratio(f"{prefix}_area_ha", "superficie_poligono_km2", 1.0),
        ),
        Column(
            f"{prefix}_popolazione",
            "ab.",
            {
                "it": f"Residenti coperti ({label['it']})",
                "en": f"Residents covered ({label['en']})",
            },
            (*sources, *population_sources),
            "sum",
        ),
        Column(
            f"{prefix}_popolazione_pct",
            "%",
            {
                "it": f"Quota di residenti coperti ({label['it']}; residenti: {model['it']})",
                "en": f"Share of residents covered ({label['en']}; residents: {model['en']})",
            },
            (*sources, *population_sources),
            Ratio(f"{prefix}_popolazione", f"popolazione_{year}", 100.0),
        ),
    ]


def coverage_of(
    territory: Territory, sites: gpd.GeoDataFrame, grid: PopulationGrid
) -> analysis.CoverageResult:
    """5G coverage per comune, residents placed by the run's population model."""
    return analysis.coverage_5g(
        territory.comuni, grid_population(territory, grid), sites, population_grid=grid
    )


def grid_population(territory: Territory, grid: PopulationGrid) -> pd.Series:
    """ISTAT residents per comune as the grid holds them (its year)."""
    totals = np.bincount(grid.zone, weights=grid.residents, minlength=len(territory.comuni))
    return pd.Series(totals, index=territory.comuni[KEY].to_numpy())


def siting_of(
    territory: Territory,
    candidates: gpd.GeoDataFrame,
    k: int,
    cfg: DigitalConfig,
    existing: gpd.GeoDataFrame | None,
    grid: PopulationGrid,
) -> SitingPlan:
    """The siting plan of ``k`` new sites (greedy and optimal), existing sites kept."""
    candidates = candidates.copy()
    candidates[KEY] = assign_comune(candidates, territory.comuni)
    return plan_sites(
        grid,
        candidates,
        territory.comuni[KEY].to_numpy(),
        k,
        cfg.new_site_radius_m,
        existing=existing,
        method=cfg.siting_method,
        targets_pct=cfg.coverage_targets_pct,
        budgets=cfg.budgets_eur or None,
        time_limit=cfg.solver_time_limit_s,
        curve_max=cfg.curve_max_sites,
    )


PLAN_PREFIX = "scenario_piano_5g"
"""Columns and files of the plan that adds new sites to a register (a SCENARIO)."""


def _method_words(cfg: DigitalConfig) -> dict[str, str]:
    if cfg.siting_method == "greedy":
        return {"it": "scelti con greedy", "en": "chosen greedily"}
    return {"it": "ottimo MCLP", "en": "optimal MCLP"}


def new_sites_label(count: int, cfg: DigitalConfig, register: bool) -> dict[str, str]:
    """The scenario label of ``count`` new sites, added to a register or on their own.

    Examples
    --------
    >>> new_sites_label(20, DigitalConfig(), True)["it"]
    'scenario: registro + 20 nuovi siti (ottimo MCLP)'
    """
    how = _method_words(cfg)
    base = ("registro + ", "register + ") if register else ("", "")
    return {
        "it": f"scenario: {base[0]}{count} nuovi siti ({how['it']})",
        "en": f"scenario: {base[1]}{count} new sites ({how['en']})",
    }


def digital_step(ctx: RunContext) -> None:
    """Fibre indicators and ranking; 5G coverage of the register or of the school scenario."""
    cfg: DigitalConfig = ctx.config["digital"]
    _fibre(ctx)
    model = ctx.population()
    grid = model.grid(cfg.grid_cell_m)
    register = load_register(ctx.catalog, ctx.territory, cfg)
    candidates = load_candidates(ctx.catalog, ctx.territory, cfg)
    if register is not None:
        _say_defaults(ctx, register)
        sites = analysis.five_g_sites(register, cfg.coverage_technologies, cfg.coverage_states)
        result = coverage_of(ctx.territory, sites, grid)
        register_label = {"it": "registro CMM", "en": "CMM register"}
        _add_coverage(ctx, "copertura_5g", result, register_label, ("cmm_siti_5g",))
        plan = siting_of(ctx.territory, candidates, cfg.new_sites, cfg, sites, grid)
        _add_backup(ctx, "copertura_5g", plan, "esistenti_", register_label, ("cmm_siti_5g",))
        layers = {"siti": _public(sites)}
        if not result.layer.empty:
            layers["copertura"] = result.layer
        ctx.outputs.write_layers(f"{FOLDER}/copertura_5g.gpkg", layers)
        _register_maps(ctx, "copertura_5g", register_label, sites, result)
        label = new_sites_label(len(plan.chosen), cfg, register=True)
        new = plan.chosen.assign(raggio_m=cfg.new_site_radius_m)
        planned = pd.concat(
            [sites.assign(tipo="esistente"), new.assign(tipo="nuovo")], ignore_index=True
        )
        planned = gpd.GeoDataFrame(planned, crs=sites.crs)
        plan_result = coverage_of(ctx.territory, planned, grid)
        plan_sources = ("cmm_siti_5g", *_candidate_sources(ctx))
        _add_coverage(ctx, PLAN_PREFIX, plan_result, label, plan_sources)
        _add_backup(ctx, PLAN_PREFIX, plan, f"{cfg.siting_method}_", label, plan_sources)
        _write_plan(ctx, PLAN_PREFIX, plan, candidates, planned, plan_result, label)
        _plan_maps(ctx, PLAN_PREFIX, label, new, plan_sources)
        ctx.note(
            "digitale",
            f"Copertura 5G dal registro fornito: {len(sites)} siti 5G in servizio su "
            f"{len(register)}; popolazione ponderata: {result.weighting}.",
            f"5G coverage from the supplied register: {len(sites)} 5G sites in service of "
            f"{len(register)}; residents weighted: {result.weighting}.",
        )
        _plan_note(ctx, plan, label)
        return
    plan = siting_of(ctx.territory, candidates, cfg.scenario_sites, cfg, None, grid)
    count, how = len(plan.chosen), _method_words(cfg)
    label = {
        "it": SCENARIO_LABEL.format(n=count) + f" ({how['it']})",
        "en": f"scenario: {count} sites on CMM school sites ({how['en']})",
    }
    sites = plan.chosen.assign(raggio_m=cfg.new_site_radius_m)
    result = coverage_of(ctx.territory, sites, grid)
    sources = _candidate_sources(ctx)
    _add_coverage(ctx, "scenario_5g", result, label, sources)
    _add_backup(ctx, "scenario_5g", plan, f"{cfg.siting_method}_", label, sources)
    _write_plan(ctx, "scenario_5g", plan, candidates, sites, result, label)
    _register_maps(ctx, "scenario_5g", label, sites, result)
    ctx.note(
        "digitale",
        f"5G: nessun registro dei siti CMM (non pubblico). Le colonne scenario_5g_* sono uno "
        f"SCENARIO, non la copertura reale — {label['it']}, raggio "
        f"{cfg.new_site_radius_m:.0f} m. Per la copertura reale fornire il registro: [layers] "
        'cmm_siti_5g = "registro.csv" (basta un file con lon e lat).',
        f"5G: no CMM site register (not public). The scenario_5g_* columns are a SCENARIO, "
        f"not real coverage — {label['en']}, radius {cfg.new_site_radius_m:.0f} m. Supply the "
        'register for real coverage: [layers] cmm_siti_5g = "register.csv" (a file with lon '
        "and lat is enough).",
    )
    _plan_note(ctx, plan, label)


def _public(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    keep = [c for c in sites.columns if c not in ("_row", "_lonlat")]
    return gpd.GeoDataFrame(sites[keep], crs=sites.crs)


def _candidate_sources(ctx: RunContext) -> tuple[str, ...]:
    cfg: DigitalConfig = ctx.config["digital"]
    return ("scuole_sedi",) if cfg.school_candidates else ()


def _say_defaults(ctx: RunContext, register: gpd.GeoDataFrame) -> None:
    defaults = register.attrs.get("predefiniti") or []
    if defaults:
        ctx.note(
            "digitale",
            "Registro 5G senza alcune colonne: valori predefiniti applicati a tutte le righe: "
            + "; ".join(it for _, it in defaults)
            + ".",
            "5G register without some columns: defaults applied to every row: "
            + "; ".join(en for en, _ in defaults)
            + ".",
        )


def _plan_note(ctx: RunContext, plan: SitingPlan, label: dict[str, str]) -> None:
    no_cost = (
        ""
        if plan.budget is not None
        else " Nessuna colonna costo_eur tra i candidati: curva del budget non calcolata."
    )
    no_cost_en = (
        ""
        if plan.budget is not None
        else " No costo_eur column among the candidates: no budget curve."
    )
    ctx.note(
        "digitale",
        f"SCENARIO — {label['it'].removeprefix('scenario: ')}. "
        + plan_summary(plan, "it")
        + no_cost,
        f"SCENARIO — {label['en'].removeprefix('scenario: ')}. "
        + plan_summary(plan, "en")
        + no_cost_en,
    )


def _add_backup(
    ctx: RunContext,
    prefix: str,
    plan: SitingPlan,
    side: str,
    label: dict[str, str],
    sources: tuple[str, ...],
) -> None:
    """Residents covered by at least two sites (cells of the population model)."""
    model = ctx.population()
    values = pd.DataFrame(
        {f"{prefix}_doppia_popolazione": plan.backup[f"{side}popolazione_almeno_2_siti"]}
    )
    values[f"{prefix}_doppia_pct"] = plan.backup[f"{side}popolazione_almeno_2_siti_pct"]
    every = (*sources, *model.sources)
    columns = [
        Column(
            f"{prefix}_doppia_popolazione",
            "ab.",
            {
                "it": f"Residenti coperti da almeno due siti ({label['it']}; celle del modello "
                "di popolazione)",
                "en": f"Residents covered by at least two sites ({label['en']}; cells of the "
                "population model)",
            },
            every,
            "sum",
        ),
        Column(
            f"{prefix}_doppia_pct",
            "%",
            {
                "it": f"Quota di residenti coperti da almeno due siti ({label['it']})",
                "en": f"Share of residents covered by at least two sites ({label['en']})",
            },
            every,
            Ratio(f"{prefix}_doppia_popolazione", f"popolazione_{model.year}", 100.0),
        ),
    ]
    ctx.table.add(values, columns, source=f"digitale ({prefix} doppia)")


def _write_plan(
    ctx: RunContext,
    prefix: str,
    plan: SitingPlan,
    candidates: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    result: analysis.CoverageResult,
    label: dict[str, str],
) -> None:
    text = scenario_label(label[ctx.config.lang].removeprefix("scenario: "), True)
    for name, table in plan_tables(plan, text, ctx.territory.comuni).items():
        ctx.outputs.write_csv(f"{FOLDER}/{prefix}_{name}.csv", table)
    layers = {"siti": _public(sites)}
    if not result.layer.empty:
        layers["copertura"] = result.layer
    layers.update(plan_layers(plan, candidates, text))
    ctx.outputs.write_layers(f"{FOLDER}/{prefix}.gpkg", layers)


def _plan_maps(
    ctx: RunContext,
    prefix: str,
    label: dict[str, str],
    new: gpd.GeoDataFrame,
    sources: tuple[str, ...],
) -> None:
    ctx.maps.choropleth(
        "digitale",
        Choropleth(
            f"{prefix}_popolazione_pct",
            "quantiles",
            palette="Purples",
            title={
                "it": "SCENARIO 5G: residenti coperti con i nuovi siti",
                "en": "SCENARIO 5G: residents covered with the new sites",
            },
        ),
    )
    if not sources:
        return
    source = ctx.catalog.manifest(sources[0])
    points = new.copy()
    points["pro_com_t"] = assign_comune(points, ctx.territory.comuni)
    ctx.maps.overlay(
        "digitale",
        Overlay(
            f"{prefix}_siti",
            {"it": f"Nuovi siti 5G ({label['it']})", "en": f"New 5G sites ({label['en']})"},
            points,
            [
                ("nome", {"it": "Sito", "en": "Site"}),
                ("ordine", {"it": "Ordine", "en": "Order"}),
                (
                    "nuova_popolazione_coperta",
                    {"it": "Nuovi residenti coperti", "en": "Newly covered residents"},
                ),
            ],
            color="#7570b3",
            source=source.attribution(ctx.config.lang),
            show=True,
            sources=sources,
            pro_com_t="pro_com_t",
        ),
    )


def _register_maps(
    ctx: RunContext,
    prefix: str,
    label: dict[str, str],
    sites: gpd.GeoDataFrame,
    result: analysis.CoverageResult,
) -> None:
    scenario = prefix == "scenario_5g"
    coverage_title = {
        "it": "SCENARIO 5G: residenti coperti" if scenario else "5G: residenti coperti",
        "en": "SCENARIO 5G: residents covered" if scenario else "5G: residents covered",
    }
    ctx.maps.choropleth(
        "digitale",
        Choropleth(
            "ftth_famiglie_pct",
            "breaks",
            breaks=(25.0, 50.0, 75.0, 90.0, 100.0),
            palette="GnBu",
            year="30/6/2025" if ctx.config.lang == "it" else "30 June 2025",
            title={"it": "Fibra FTTH: famiglie raggiunte", "en": "FTTH fibre: families reached"},
        ),
    )
    ctx.maps.estimated(
        ["ftth_famiglie_pct", "famiglie_ftth"],
        Estimate(
            "ftth_dato",
            "dedotto",
            {
                "it": "dato AGCOM vuoto, letto come 0 perché il comune non ha punti FTTH",
                "en": "AGCOM blank, read as 0 because the comune has no FTTH point",
            },
        ),
    )
    ctx.maps.row(
        "digitale", "famiglie_ftth", {"it": "Famiglie raggiunte da FTTH", "en": "FTTH families"}
    )
    ctx.maps.choropleth(
        "digitale",
        Choropleth(
            f"{prefix}_popolazione_pct",
            "quantiles",
            palette="Purples",
            title=coverage_title,
        ),
    )
    ctx.maps.choropleth(
        "digitale",
        Choropleth(
            "bul_stato_fibra",
            "categories",
            palette="Set3",
            title={
                "it": "Piano Banda Ultra Larga (BUL): stato della fibra",
                "en": "Ultra-broadband plan (BUL): fibre status",
            },
            order=BUL_STAGES,
        ),
    )
    source = ctx.catalog.manifest("scuole_sedi" if prefix == "scenario_5g" else "cmm_siti_5g")
    ctx.maps.overlay(
        "digitale",
        Overlay(
            f"{prefix}_copertura",
            {"it": f"Copertura 5G ({label['it']})", "en": f"5G coverage ({label['en']})"},
            result.layer,
            [
                ("pro_com_t", {"it": "Comune (codice)", "en": "Comune (code)"}),
                ("area_coperta_ha", {"it": "Area coperta (ha)", "en": "Area covered (ha)"}),
            ],
            color="#e7298a",
            source=source.attribution(ctx.config.lang),
            show=True,
            sources=(source.id,),
        ),
    )
    points = sites.copy()
    name = "nome" if "nome" in points.columns else "denominazione_sito"
    points["pro_com_t"] = assign_comune(points, ctx.territory.comuni)
    ctx.maps.overlay(
        "digitale",
        Overlay(
            f"{prefix}_siti",
            {"it": f"Siti 5G ({label['it']})", "en": f"5G sites ({label['en']})"},
            points,
            [
                (name, {"it": "Sito", "en": "Site"}),
                ("raggio_m", {"it": "Raggio (m)", "en": "Radius (m)"}),
            ],
            color="#e7298a",
            source=source.attribution(ctx.config.lang),
            show=True,
            sources=(source.id,),
            pro_com_t="pro_com_t",
        ),
    )


def _fibre(ctx: RunContext) -> None:
    territory = ctx.territory
    agcom = ctx.catalog.read("agcom_rete_fissa")
    indicators = fibre.agcom_indicators(agcom)
    first_tag = next(c for c in indicators.columns if c.startswith("ftth_famiglie_2")).split("_")[2]
    columns = _fibre_columns(first_tag)
    ctx.table.add(indicators[[c.name for c in columns]], columns, source="digitale (AGCOM)")
    ctx.table.add(
        fibre.bul_status(ctx.catalog.read("infratel_bul"), territory.codes),
        _bul_columns(),
        source="digitale (BUL)",
    )
    agreements = None
    if "cmm_accordi_fibra" in ctx.catalog.overrides:
        path = ctx.catalog.path("cmm_accordi_fibra")
        agreements = fibre.validate_agreements(
            ctx.catalog.read("cmm_accordi_fibra"), territory.codes, source=str(path)
        )
        source = ("cmm_accordi_fibra",)
        ctx.table.add(
            agreements,
            [
                Column(
                    "accordo_fibra",
                    "",
                    {
                        "it": "Accordo fibra con la CMM firmato",
                        "en": "Fibre agreement with the CMM signed",
                    },
                    source,
                    "count_true",
                ),
                Column(
                    "data_accordo",
                    "",
                    {"it": "Data dell'accordo", "en": "Date of the agreement"},
                    source,
                ),
                Column(
                    "stato_collegamento",
                    "",
                    {
                        "it": "Stato del collegamento alla rete CMM",
                        "en": "Connection status to the CMM network",
                    },
                    source,
                ),
                Column(
                    "n_sedi_collegate",
                    "sedi",
                    {"it": "Sedi comunali collegate", "en": "Municipal sites connected"},
                    source,
                    "sum",
                ),
            ],
            source="digitale (accordi)",
        )
    else:
        ctx.note(
            "digitale",
            "Accordi fibra CMM-comuni non pubblici: fornire il registro secondo il modello "
            "cmm_accordi_fibra_comuni_TEMPLATE.csv ([layers] cmm_accordi_fibra); la priorità "
            "fibra li esclude solo quando il registro è fornito.",
            "CMM fibre agreements are not public: supply the register following "
            "cmm_accordi_fibra_comuni_TEMPLATE.csv ([layers] cmm_accordi_fibra); the fibre "
            "priority leaves them out only when it is supplied.",
        )
    priority = fibre.fibre_priority(indicators, agreements)
    ctx.table.add(
        priority[["priorita_fibra_rango"]],
        [Column("priorita_fibra_rango", "rango", fibre.PRIORITY_RULE, ("agcom_rete_fissa",))],
        source="digitale (priorità)",
    )
    names = territory.comuni.set_index(KEY)["comune"]
    priority.insert(0, "comune", names.reindex(priority.index))
    ctx.outputs.write_csv(f"{FOLDER}/priorita_fibra.csv", priority, index=True)
    ctx.note("digitale", fibre.PRIORITY_RULE["it"], fibre.PRIORITY_RULE["en"])


def _add_coverage(
    ctx: RunContext,
    prefix: str,
    result: analysis.CoverageResult,
    label: dict[str, str],
    sources: tuple[str, ...],
) -> None:
    table = result.table
    values = pd.DataFrame(
        {
            f"{prefix}_siti": table["siti"],
            f"{prefix}_area_ha": table["area_coperta_ha"],
            f"{prefix}_area_pct": table["area_coperta_pct"],
            f"{prefix}_popolazione": table["popolazione_coperta"],
            f"{prefix}_popolazione_pct": table["popolazione_coperta_pct"],
        }
    )
    model = ctx.population()
    labels = {lang: model.label(lang) for lang in ("it", "en")}
    columns = _coverage_columns(prefix, label, sources, model.year, labels, model.sources)
    ctx.table.add(values, columns, source=f"digitale ({prefix})")
    out = table.reset_index()[[KEY, *analysis.COVERAGE_COLUMNS]]
    out["comune"] = ctx.territory.comuni.set_index(KEY)["comune"].reindex(out[KEY]).to_numpy()
    out["ponderazione_popolazione"] = result.weighting
    ctx.outputs.write_csv(f"{FOLDER}/{prefix}_comuni.csv", out)


THEME = Theme(
    "digitale",
    {"it": "Infrastrutture digitali", "en": "Digital infrastructure"},
    digital_step,
    group={"it": "Digitale", "en": "Digital"},
    config=("digital", DigitalConfig),
)
