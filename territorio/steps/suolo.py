"""Step ``suolo``: land-consumption monitoring, PTM threshold check, charts."""

from __future__ import annotations

import re
from contextlib import ExitStack

import pandas as pd

from territorio.codes import KEY, check_known
from territorio.errors import ConfigError
from territorio.indicators import Column, Formula, Ratio
from territorio.land import monitoring, satellite, sdg, thresholds
from territorio.land.charts import series_svg
from territorio.land.config import LandConfig
from territorio.mapspec import Choropleth
from territorio.pipeline import RunContext, Theme
from territorio.plausibility import check_consumed_values, check_raster_cover
from territorio.readers import open_raster, read_ambiti
from territorio.zonal import ConsumedRule, sample_values, zonal_consumed

ISPRA_LAYERS = ("ispra_suolo_stock", "ispra_suolo_wide", "ispra_suolo_flussi")
FOLDER = "suolo"


def column_doc(name: str, source: str, sources: tuple[str, ...], latest: int = 2024) -> Column:
    """Documentation of a land column from its name (``source`` is ispra_table or raster)."""
    area = (
        "superficie ISPRA del comune (ettari consumati 2024 / quota % pubblicata)"
        if source == "ispra_table"
        else "superficie del confine ISTAT del comune"
    )
    area_en = (
        "ISPRA comune area (2024 hectares / published share)"
        if source == "ispra_table"
        else "area of the ISTAT comune boundary"
    )
    rebuilt = (
        " Anni prima del 2024 ricostruiti all'indietro dai flussi netti ISPRA."
        if source == "ispra_table"
        else ""
    )
    rebuilt_en = (
        " Years before 2024 rebuilt backwards from ISPRA net flows."
        if source == "ispra_table"
        else ""
    )
    if name == "superficie_riferimento_ha":
        return Column(
            name,
            "ha",
            {
                "it": f"Denominatore delle quote %: {area}",
                "en": f"Denominator of the % shares: {area_en}",
            },
            sources,
            "sum",
        )
    if m := re.fullmatch(r"suolo_consumato_(\d{4})_ha", name):
        y = m.group(1)
        return Column(
            name,
            "ha",
            {"it": f"Suolo consumato {y}.{rebuilt}", "en": f"Consumed soil {y}.{rebuilt_en}"},
            sources,
            "sum",
        )
    if m := re.fullmatch(r"suolo_consumato_(\d{4})_pct", name):
        y = m.group(1)
        return Column(
            name,
            "%",
            {
                "it": f"Suolo consumato {y} in % della {area}",
                "en": f"Consumed soil {y} as % of the {area_en}",
            },
            sources,
            Ratio(f"suolo_consumato_{y}_ha", "superficie_riferimento_ha", 100.0),
        )
    if m := re.fullmatch(r"suolo_consumato_(\d{4})_m2_ab", name):
        y = m.group(1)
        return Column(
            name,
            "m²/ab.",
            {
                "it": f"Suolo consumato {y} per residente (popolazione ISTAT 1/1/{y})",
                "en": f"Consumed soil {y} per resident (ISTAT population 1/1/{y})",
            },
            (*sources, "istat_popolazione"),
            Ratio(f"suolo_consumato_{y}_ha", f"popolazione_{y}", 10_000.0),
        )
    if m := re.fullmatch(r"consumo_netto_(\d{4})_(\d{4})_ha", name):
        a, b = m.groups()
        return Column(
            name,
            "ha",
            {
                "it": f"Consumo netto {a}-{b} (nuovo consumo meno ripristini)",
                "en": f"Net consumption {a}-{b} (new minus restored)",
            },
            sources,
            "sum",
        )
    if m := re.fullmatch(r"consumo_netto_medio_annuo_(\d{4})_(\d{4})_ha", name):
        a, b = m.groups()
        return Column(
            name,
            "ha/anno",
            {
                "it": f"Consumo netto medio annuo {a}-{b}",
                "en": f"Mean yearly net consumption {a}-{b}",
            },
            sources,
            "sum",
        )
    if m := re.fullmatch(r"variazione_dal_(\d{4})_pct", name):
        a = m.group(1)
        return Column(
            name,
            "%",
            {
                "it": f"Variazione del suolo consumato dal {a}",
                "en": f"Change of consumed soil since {a}",
            },
            sources,
            Ratio(f"consumo_netto_{a}_{latest}_ha", f"suolo_consumato_{a}_ha", 100.0),
        )
    if m := re.fullmatch(r"consumo_lordo_(\d{4})_(\d{4})_ha", name):
        a, b = m.groups()
        return Column(
            name,
            "ha",
            {
                "it": f"Consumo lordo {a}-{b} (nuove superfici artificiali)",
                "en": f"Gross consumption {a}-{b} (new artificial surfaces)",
            },
            sources,
            "sum",
        )
    if m := re.fullmatch(r"ripristino_(\d{4})_(\d{4})_ha", name):
        a, b = m.groups()
        return Column(
            name,
            "ha",
            {
                "it": f"Ripristino {a}-{b} (superfici tornate non consumate)",
                "en": f"Restoration {a}-{b} (surfaces returned to soil)",
            },
            sources,
            "sum",
        )
    if name == "copertura_raster_min_pct":
        return Column(
            name,
            "%",
            {
                "it": "Quota minima del comune coperta da dati validi nei raster",
                "en": "Smallest share of the comune covered by valid raster data",
            },
            sources,
        )
    if m := re.fullmatch(r"ptm_riduzione_(\w+)_pct", name):
        return Column(
            name,
            "%",
            {
                "it": f"PTM: riduzione ottenuta degli ambiti ({m.group(1)})",
                "en": f"PTM: reduction achieved of the ambiti ({m.group(1)})",
            },
            sources,
        )
    if m := re.fullmatch(r"ptm_esito_(\w+)", name):
        return Column(
            name,
            "",
            {
                "it": f"PTM: esito della soglia di riduzione ({m.group(1)})",
                "en": f"PTM: outcome of the reduction threshold ({m.group(1)})",
            },
            sources,
        )
    if m := re.fullmatch(r"ptm_deficit_(\w+)_ha", name):
        return Column(
            name,
            "ha",
            {
                "it": f"PTM: ettari ancora da ridurre ({m.group(1)})",
                "en": f"PTM: hectares still to reduce ({m.group(1)})",
            },
            sources,
            "sum",
        )
    raise KeyError(f"no documentation for land column {name!r}")


def _stock_from_rasters(
    ctx: RunContext, cfg: LandConfig
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    rule = ConsumedRule(
        values=tuple(cfg.consumed_values),
        threshold=cfg.imperviousness_threshold or None,
    )
    zones = ctx.territory.comuni[[KEY, "geometry"]]
    with ExitStack() as stack:
        rasters = [stack.enter_context(open_raster(ctx.config.resolve(p))) for p in cfg.rasters]
        if rule.threshold is None:
            for src in rasters:
                check_consumed_values(sample_values(src), rule.values, source=src.name)
        result = zonal_consumed(rasters, zones, labels=cfg.raster_years, rule=rule)
    area = zones.geometry.area.to_numpy()
    for path, (_, part) in zip(cfg.rasters, result.groupby("label", sort=False), strict=True):
        share = part.set_index(KEY)["covered_share"].reindex(zones[KEY]).fillna(0.0)
        check_raster_cover(share.to_numpy(), area, source=str(ctx.config.resolve(path)))
    stock = result.rename(columns={"label": "year"})[[KEY, "year", "consumed_ha"]]
    stock["source"] = "raster"
    area_ha = ctx.territory.comuni.set_index(KEY)["superficie_poligono_km2"] * 100.0
    return stock, area_ha, result


def land_step(ctx: RunContext) -> None:
    """Monitoring indicators, series, flows, charts and (with the PGT ambiti) the PTM check."""
    cfg: LandConfig = ctx.config["land"]
    territory = ctx.territory
    unknown = sorted(set(cfg.thresholds().residential_by_comune) - set(territory.codes))
    if unknown:
        raise ConfigError(
            ctx.config.path or "<config>",
            "land.soglie_residenziali_comuni",
            f"ISTAT code(s) {', '.join(unknown)} are not comuni of the territory; expected "
            "codes of its comuni (see indicatori_comuni.csv, column pro_com_t)",
        )
    population = territory.comuni.set_index(KEY).filter(like="popolazione_")
    flows = None
    if cfg.source == "raster":
        stock, area_ha, raster_result = _stock_from_rasters(ctx, cfg)
        sources: tuple[str, ...] = ("cmm_comuni",)
    else:
        stock = ctx.catalog.read("ispra_suolo_stock")
        wide = ctx.catalog.read("ispra_suolo_wide")
        flows = ctx.catalog.read("ispra_suolo_flussi")
        for layer_id, frame in (("ispra_suolo_stock", stock), ("ispra_suolo_flussi", flows)):
            check_known(
                frame[KEY],
                territory.codes,
                source=str(ctx.catalog.path(layer_id)),
                column=KEY,
                universe="the CMM comuni",
            )
        area_ha = wide.set_index(KEY)["superficie_ha_derived"]
        sources = ISPRA_LAYERS
        raster_result = None
    years = sorted(int(y) for y in stock["year"].unique())
    first, latest = years[0], years[-1]
    baseline = cfg.baseline_year if first < cfg.baseline_year < latest else first
    indicators = monitoring.monitoring_indicators(
        stock, area_ha, population, latest=latest, baseline=baseline, first=first
    )
    if flows is not None:
        indicators = indicators.join(monitoring.period_flows(flows, baseline, latest))
    if raster_result is not None:
        cover = raster_result.groupby(KEY)["covered_share"].min() * 100.0
        indicators["copertura_raster_min_pct"] = cover
        partial = int((cover < 99.5).sum())
        if partial:
            ctx.note(
                "suolo",
                f"Raster: {partial} comuni coperti solo in parte da dati validi "
                "(vedi copertura_raster_min_pct); i loro ettari sono sottostimati.",
                f"Raster: {partial} comuni only partly covered by valid data "
                "(see copertura_raster_min_pct); their hectares are underestimated.",
            )
    docs = [column_doc(c, cfg.source, sources, latest) for c in indicators.columns]
    ctx.table.add(indicators, docs, source="suolo")
    _sdg(ctx, cfg, stock, population, sources)
    if cfg.satellite:
        _satellite(ctx)

    series = monitoring.stock_series(stock, area_ha, population)
    ctx.outputs.write_csv(f"{FOLDER}/serie_comuni.csv", series)
    groups = monitoring.group_series(series, area_ha, population, territory.groups())
    ctx.outputs.write_csv(f"{FOLDER}/serie_aree.csv", groups)
    if flows is not None:
        ctx.outputs.write_csv(f"{FOLDER}/flussi_comuni.csv", monitoring.flows_table(flows))
    if raster_result is not None:
        ctx.outputs.write_csv(
            f"{FOLDER}/raster_comuni.csv", raster_result.rename(columns={"label": "anno"})
        )
    if cfg.charts:
        _write_charts(ctx, series, latest if cfg.source == "ispra_table" else None)
    ctx.maps.choropleth(
        "suolo",
        Choropleth(
            f"suolo_consumato_{latest}_pct",
            "natural_breaks",
            palette="OrRd",
            year=str(latest),
            title={"it": f"Suolo consumato {latest}", "en": f"Consumed soil {latest}"},
        ),
    )
    if f"suolo_consumato_{latest}_m2_ab" in indicators.columns:
        ctx.maps.choropleth(
            "suolo",
            Choropleth(
                f"suolo_consumato_{latest}_m2_ab",
                "quantiles",
                palette="PuRd",
                year=str(latest),
                title={
                    "it": f"Suolo consumato per abitante {latest}",
                    "en": f"Consumed soil per resident {latest}",
                },
            ),
        )
    if f"consumo_netto_{baseline}_{latest}_ha" in indicators.columns:
        ctx.maps.choropleth(
            "suolo",
            Choropleth(
                f"consumo_netto_{baseline}_{latest}_ha",
                "quantiles",
                palette="Reds",
                year=f"{baseline}-{latest}",
                title={
                    "it": f"Consumo netto {baseline}-{latest}",
                    "en": f"Net consumption {baseline}-{latest}",
                },
            ),
        )
    if f"suolo_consumato_{latest}_ha" in indicators.columns:
        ctx.maps.row(
            "suolo",
            f"suolo_consumato_{latest}_ha",
            {"it": f"Suolo consumato {latest} (ettari)", "en": f"Consumed soil {latest} (ha)"},
        )
    _threshold_check(ctx, cfg)
    if cfg.source == "ispra_table":
        ctx.note(
            "suolo",
            "Suolo consumato ISPRA: solo lo stock 2024 è pubblicato; gli stock 2006-2023 "
            "sono ricostruiti all'indietro dai flussi netti. È un indicatore di monitoraggio "
            "(copertura artificiale da satellite), non la base legale delle soglie PTM.",
            "ISPRA consumed soil: only the 2024 stock is published; 2006-2023 stocks are "
            "rebuilt backwards from net flows. It is a monitoring proxy (satellite "
            "artificial cover), not the legal base of the PTM thresholds.",
        )


SATELLITE_LAYERS = {
    "built_2020": "ghsl_edificato_2020",
    "built_change": "ghsl_edificato_variazione_2010_2020",
    "artificial_share": "worldcover_artificiale_2021",
    "green_share": "worldcover_verde_2021",
}


def _satellite(ctx: RunContext) -> None:
    """Satellite proxies per comune from the four 100 m rasters of the catalogue."""
    with ExitStack() as stack:
        rasters = {
            name: stack.enter_context(ctx.catalog.read(layer_id))
            for name, layer_id in SATELLITE_LAYERS.items()
        }
        table = satellite.satellite_indicators(ctx.territory.comuni[[KEY, "geometry"]], **rasters)
    ids = tuple(SATELLITE_LAYERS.values())
    ctx.table.add(table, satellite_docs(ids), source="suolo (satellite)")
    ctx.maps.choropleth(
        "suolo",
        Choropleth(
            "edificato_ghsl_2020_pct",
            "quantiles",
            palette="Greys",
            year="2020",
            title={"it": "Edificato GHSL 2020", "en": "GHSL built-up 2020"},
        ),
    )
    low = table.index[table["satellite_copertura_pct"] < 99.0].tolist()
    ctx.note(
        "suolo",
        "Proxy satellitari (GHS-BUILT-S 2020, ESA WorldCover 2021, celle di 100 m da "
        "un'aggregazione di terzi senza licenza dichiarata): affiancano i dati ufficiali ISPRA, "
        "non li sostituiscono. "
        + (f"Copertura dei dati < 99 % in {len(low)} comuni." if low else ""),
        "Satellite proxies (GHS-BUILT-S 2020, ESA WorldCover 2021, 100 m cells from a "
        "third-party aggregation without a stated licence): next to ISPRA's official figures, "
        "not in their place. " + (f"Data coverage < 99 % in {len(low)} comuni." if low else ""),
    )


def satellite_docs(ids: tuple[str, ...]) -> list[Column]:
    """Documentation of :data:`territorio.land.satellite.SATELLITE_COLUMNS`."""
    built, change, artificial, green = ids
    proxy = (
        "proxy satellitare, non il consumo di suolo ufficiale ISPRA",
        "satellite proxy, not ISPRA's official land consumption",
    )
    specs = {
        "satellite_area_valida_ha": (
            "ha",
            "Area del comune con dati satellitari (celle di 100 m con centro nel comune)",
            "Area of the comune with satellite data (100 m cells centred in it)",
            (built,),
            "sum",
        ),
        "satellite_copertura_pct": (
            "%",
            "Quota dell'area del poligono coperta da dati satellitari",
            "Share of the polygon area covered by satellite data",
            (built,),
            Ratio("satellite_area_valida_ha", "superficie_poligono_km2", 1.0),
        ),
        "edificato_ghsl_2020_ha": (
            "ha",
            f"Superficie edificata 2020, GHS-BUILT-S ({proxy[0]})",
            f"Built-up surface 2020, GHS-BUILT-S ({proxy[1]})",
            (built,),
            "sum",
        ),
        "edificato_ghsl_2020_pct": (
            "%",
            f"Quota edificata 2020 dell'area con dati, GHS-BUILT-S ({proxy[0]}; confrontare con "
            "suolo_consumato_2024_pct)",
            f"Built-up share 2020 of the area with data, GHS-BUILT-S ({proxy[1]}; compare with "
            "suolo_consumato_2024_pct)",
            (built,),
            Ratio("edificato_ghsl_2020_ha", "satellite_area_valida_ha", 100.0),
        ),
        "edificato_ghsl_2010_ha": (
            "ha",
            f"Superficie edificata 2010 = 2020 − guadagno 2010-2020, GHS-BUILT-S ({proxy[0]})",
            f"Built-up surface 2010 = 2020 − gain 2010-2020, GHS-BUILT-S ({proxy[1]})",
            (built, change),
            "sum",
        ),
        "edificato_ghsl_variazione_2010_2020_ha": (
            "ha",
            f"Superficie edificata guadagnata 2010-2020, GHS-BUILT-S ({proxy[0]}; solo aumenti)",
            f"Built-up surface gained 2010-2020, GHS-BUILT-S ({proxy[1]}; gains only)",
            (change,),
            "sum",
        ),
        "edificato_ghsl_variazione_2010_2020_pct": (
            "%",
            f"Aumento dell'edificato 2010-2020 rispetto al 2010, GHS-BUILT-S ({proxy[0]})",
            f"Growth of built-up 2010-2020 over 2010, GHS-BUILT-S ({proxy[1]})",
            (built, change),
            Ratio("edificato_ghsl_variazione_2010_2020_ha", "edificato_ghsl_2010_ha", 100.0),
        ),
        "artificiale_worldcover_2021_ha": (
            "ha",
            f"Superficie nella classe edificato di ESA WorldCover 2021 ({proxy[0]})",
            f"Area in the ESA WorldCover 2021 built-up class ({proxy[1]})",
            (artificial,),
            "sum",
        ),
        "artificiale_worldcover_2021_pct": (
            "%",
            f"Quota dell'area con dati nella classe edificato di WorldCover 2021 ({proxy[0]})",
            f"Share of the area with data in the WorldCover 2021 built-up class ({proxy[1]})",
            (artificial,),
            Ratio("artificiale_worldcover_2021_ha", "satellite_area_valida_ha", 100.0),
        ),
        "verde_aperto_worldcover_2021_ha": (
            "ha",
            f"Superficie verde o aperta di ESA WorldCover 2021 ({proxy[0]})",
            f"Green or open area, ESA WorldCover 2021 ({proxy[1]})",
            (green,),
            "sum",
        ),
        "verde_aperto_worldcover_2021_pct": (
            "%",
            f"Quota verde o aperta dell'area con dati, WorldCover 2021 ({proxy[0]})",
            f"Green or open share of the area with data, WorldCover 2021 ({proxy[1]})",
            (green,),
            Ratio("verde_aperto_worldcover_2021_ha", "satellite_area_valida_ha", 100.0),
        ),
    }
    return [
        Column(name, unit, {"it": it, "en": en}, sources, rule)
        for name, (unit, it, en, sources, rule) in specs.items()
    ]


def _sdg(
    ctx: RunContext,
    cfg: LandConfig,
    stock: pd.DataFrame,
    population: pd.DataFrame,
    sources: tuple[str, ...],
) -> None:
    """SDG 11.3.1 per comune for each configured period (groups: the formula on sums)."""
    wide = monitoring.stock_wide(stock)
    for start, end in cfg.sdg_periods:
        lacking = [y for y in (start, end) if y not in wide.columns] + [
            y for y in (start, end) if f"popolazione_{y}" not in population.columns
        ]
        if lacking:
            ctx.note(
                "suolo",
                f"SDG 11.3.1 {start}-{end} non calcolato: mancano stock ISPRA o popolazione "
                f"ISTAT per {sorted(set(lacking))}.",
                f"SDG 11.3.1 {start}-{end} not computed: no ISPRA stock or ISTAT population "
                f"for {sorted(set(lacking))}.",
            )
            continue
        values = sdg.sdg_11_3_1(wide, population, start, end)
        inputs = {}
        for year in (start, end):
            name = f"suolo_consumato_{year}_ha"
            if name not in ctx.table.columns:
                inputs[name] = wide[year]
        extra = pd.DataFrame(inputs, index=wide.index)
        extra_docs = [column_doc(c, cfg.source, sources) for c in extra.columns]
        for year in (start, end):
            name = f"popolazione_{year}"
            if name not in ctx.table.columns and name not in extra.columns:
                # the group formula sums it: it must be in the table even if not configured
                extra[name] = population[name].reindex(extra.index)
                extra_docs.append(
                    Column(
                        name,
                        "ab.",
                        {
                            "it": f"Popolazione residente al 1° gennaio {year} (ISTAT)",
                            "en": f"Resident population on 1 January {year} (ISTAT)",
                        },
                        ("istat_popolazione",),
                        "sum",
                    )
                )
        lcr, pgr, ratio = sdg.sdg_columns(start, end)
        needed = (
            f"suolo_consumato_{start}_ha",
            f"suolo_consumato_{end}_ha",
            f"popolazione_{start}",
            f"popolazione_{end}",
        )
        rates = sdg.lcrpgr_from_sums(start, end)
        docs = [
            Column(
                lcr,
                "%/anno",
                {
                    "it": f"SDG 11.3.1: tasso annuo di consumo di suolo {start}-{end}, "
                    "LCR = ln(Urb_t2/Urb_t1)/y × 100 (stock ISPRA)",
                    "en": f"SDG 11.3.1: yearly land-consumption rate {start}-{end}, "
                    "LCR = ln(Urb_t2/Urb_t1)/y × 100 (ISPRA stock)",
                },
                sources,
                Formula(needed, rates[0], sdg.FORMULA),
            ),
            Column(
                pgr,
                "%/anno",
                {
                    "it": f"SDG 11.3.1: tasso annuo di crescita della popolazione {start}-{end}, "
                    "PGR = ln(Pop_t2/Pop_t1)/y × 100 (ISTAT, 1° gennaio)",
                    "en": f"SDG 11.3.1: yearly population-growth rate {start}-{end}, "
                    "PGR = ln(Pop_t2/Pop_t1)/y × 100 (ISTAT, 1 January)",
                },
                ("istat_popolazione",),
                Formula(needed, rates[1], sdg.FORMULA),
            ),
            Column(
                ratio,
                "",
                {
                    "it": f"SDG 11.3.1 {start}-{end}: rapporto LCR/PGR (UN-Habitat); > 1 il suolo "
                    "si consuma più in fretta di quanto cresca la popolazione; negativo se la "
                    "popolazione cala; vuoto se non cambia",
                    "en": f"SDG 11.3.1 {start}-{end}: LCR/PGR ratio (UN-Habitat); > 1 land is "
                    "consumed faster than population grows; negative when population falls; "
                    "empty when it does not change",
                },
                (*sources, "istat_popolazione"),
                Formula(needed, rates[2], sdg.FORMULA),
            ),
        ]
        ctx.table.add(extra.join(values), [*extra_docs, *docs], source="suolo (SDG 11.3.1)")
    ctx.note("suolo", sdg.FORMULA["it"] + ".", sdg.FORMULA["en"] + ".")


def _write_charts(ctx: RunContext, series: pd.DataFrame, published_from: int | None) -> None:
    lang = ctx.config.lang
    names = ctx.territory.comuni.set_index(KEY)["comune"]
    title = "Suolo consumato" if lang == "it" else "Consumed soil"
    if published_from is None:
        note = "Fonte: raster dell'utente" if lang == "it" else "Source: user rasters"
    else:
        note = (
            "ISPRA/SNPA 2025, CC BY 4.0 · ● pubblicato · ○ ricostruito dai flussi"
            if lang == "it"
            else "ISPRA/SNPA 2025, CC BY 4.0 · ● published · ○ rebuilt from flows"
        )
    for code, part in series.groupby(KEY):
        svg = series_svg(
            part["anno"].tolist(),
            part["suolo_consumato_ha"].tolist(),
            title=f"{title} — {names[code]}",
            unit="ha",
            note=note,
            derived_before=published_from,
            lang=lang,
        )
        ctx.outputs.write_text(f"{FOLDER}/grafici/{code}.svg", svg)
        ctx.maps.charts[code] = svg


def _threshold_check(ctx: RunContext, cfg: LandConfig) -> None:
    if not cfg.ambiti:
        ctx.note(
            "suolo",
            "Verifica soglie PTM (LR 31/2014) non eseguita: servono gli ambiti di "
            "trasformazione dei PGT (superficie 2014 e vigente), non pubblici; fornirli con "
            '[land] ambiti = "file.csv" secondo il modello '
            "territorio/land/ambiti_trasformazione_TEMPLATE.csv.",
            "PTM threshold check (LR 31/2014) not run: it needs the PGT transformation "
            "areas (2014 and current), which are not public; supply them with "
            '[land] ambiti = "file.csv" following '
            "territorio/land/ambiti_trasformazione_TEMPLATE.csv.",
        )
        return
    path = ctx.config.resolve(cfg.ambiti)
    area_ha = ctx.territory.comuni.set_index(KEY)["superficie_km2"] * 100.0
    ambiti = read_ambiti(path, ctx.territory.codes, area_ha.to_dict())
    checked = thresholds.check_thresholds(ambiti, cfg.thresholds())
    ctx.outputs.write_csv(f"{FOLDER}/soglie_ptm.csv", checked)
    summary = thresholds.comune_summary(checked)
    ctx.table.add(
        summary,
        [column_doc(c, cfg.source, (path.name,)) for c in summary.columns],
        source=f"suolo ({path})",
    )
    failing = int((checked["esito"] == "non rispettata").sum())
    ctx.note(
        "suolo",
        f"Verifica soglie PTM sugli ambiti di {path.name}: {failing} casi non rispettati "
        f"su {len(checked)} (vedi {FOLDER}/soglie_ptm.csv).",
        f"PTM threshold check on the ambiti of {path.name}: {failing} of {len(checked)} "
        f"cases fail (see {FOLDER}/soglie_ptm.csv).",
    )


THEME = Theme(
    "suolo",
    {"it": "Consumo di suolo", "en": "Land consumption"},
    land_step,
    group={"it": "Suolo", "en": "Land"},
    config=("land", LandConfig),
)
