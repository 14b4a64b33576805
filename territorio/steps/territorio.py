"""Step ``territorio``: the base columns of the indicator table from the territory model."""

from __future__ import annotations

from territorio.codes import KEY
from territorio.errors import ConfigError
from territorio.indicators import Column, Ratio
from territorio.mapspec import Choropleth
from territorio.pipeline import RunContext, Theme
from territorio.rates import population_density
from territorio.territory import AREA_POLYGON, AREA_REFERENCE


def territory_step(ctx: RunContext) -> None:
    """Add name, area, population per year, Parco Sud membership and zona omogenea."""
    territory = ctx.territory
    wanted = ctx.config["territory"].population_years or list(territory.population_years)
    missing = [y for y in wanted if y not in territory.population_years]
    if missing:
        raise ConfigError(
            ctx.config.path or "<defaults>",
            "territory.population_years",
            f"no population data for {missing}; available: {list(territory.population_years)}",
        )
    comuni = territory.comuni
    columns = [
        Column(
            "comune",
            "",
            {"it": "Nome del comune (ISTAT)", "en": "Comune name (ISTAT)"},
            ("cmm_comuni",),
        ),
        Column(
            "superficie_km2",
            "km²",
            {
                "it": "Superficie di riferimento: superficie ISPRA del comune (dai confini ISTAT "
                "non generalizzati; ettari consumati / quota % pubblicata), denominatore di ogni "
                "densità; dove manca, l'area del poligono (vedi superficie_fonte)",
                "en": "Reference surface: ISPRA's comune surface (from ISTAT's detailed "
                "boundaries; consumed hectares / published share), the denominator of every "
                "density; where absent, the polygon area (see superficie_fonte)",
            },
            ("ispra_suolo_wide", "cmm_comuni"),
            "sum",
        ),
        Column(
            "superficie_poligono_km2",
            "km²",
            {
                "it": "Area del poligono ISTAT generalizzato in EPSG:32632 (fino al 19 % sotto la "
                "superficie ufficiale nei comuni piccoli): denominatore delle sole quote "
                "geometriche (area coperta, parco)",
                "en": "Area of the generalised ISTAT polygon in EPSG:32632 (up to 19 % below the "
                "official surface for small comuni): denominator of geometric shares only "
                "(covered area, park)",
            },
            ("cmm_comuni",),
            "sum",
        ),
        Column(
            "superficie_fonte",
            "",
            {
                "it": f"Fonte della superficie di riferimento: '{AREA_REFERENCE}' o "
                f"'{AREA_POLYGON}' (area del poligono, dove ISPRA manca)",
                "en": f"Source of the reference surface: '{AREA_REFERENCE}' or "
                f"'{AREA_POLYGON}' (polygon area, where ISPRA is missing)",
            },
            ("ispra_suolo_wide", "cmm_comuni"),
        ),
    ]
    for year in wanted:
        columns.append(
            Column(
                f"popolazione_{year}",
                "ab.",
                {
                    "it": f"Popolazione residente al 1° gennaio {year} (ISTAT)",
                    "en": f"Resident population on 1 January {year} (ISTAT)",
                },
                ("istat_popolazione",),
                "sum",
            )
        )
    columns += [
        Column(
            "parco_sud",
            "",
            {
                "it": "Comune aderente al Parco Agricolo Sud Milano (appartenenza comunale, "
                "non perimetro del parco)",
                "en": "Comune member of the Parco Agricolo Sud Milano (municipal membership, "
                "not the park perimeter)",
            },
            ("parco_sud_comuni",),
            "count_true",
        ),
        Column(
            "zona_omogenea",
            "",
            {
                "it": "Zona omogenea della CMM (vuota se la fonte non la indica)",
                "en": "CMM homogeneous zone (empty where the source gives none)",
            },
            ("zone_omogenee",),
        ),
    ]
    latest = territory.latest_year
    density = f"densita_{latest}_ab_km2"
    columns.insert(
        len(columns) - 2,
        Column(
            density,
            "ab./km²",
            {
                "it": f"Densità: residenti al 1/1/{latest} per km² di superficie di "
                "riferimento (superficie_km2)",
                "en": f"Density: residents on 1/1/{latest} per km² of reference surface "
                "(superficie_km2)",
            },
            ("istat_popolazione", "ispra_suolo_wide"),
            Ratio(f"popolazione_{latest}", "superficie_km2"),
        ),
    )
    values = comuni.set_index(KEY).assign(
        **{density: lambda f: population_density(f[f"popolazione_{latest}"], f["superficie_km2"])}
    )
    ctx.table.add(values[[c.name for c in columns]], columns, source="territorio")
    ctx.maps.choropleth(
        "territorio",
        Choropleth(
            density,
            "natural_breaks",
            year=str(latest),
            title={"it": f"Densità {latest}", "en": f"Density {latest}"},
        ),
    )
    ctx.maps.choropleth(
        "territorio",
        Choropleth(
            f"popolazione_{latest}",
            "quantiles",
            palette="Blues",
            year=str(latest),
            title={"it": f"Popolazione {latest}", "en": f"Population {latest}"},
        ),
    )
    ctx.maps.choropleth(
        "territorio",
        Choropleth(
            "zona_omogenea",
            "categories",
            palette="Set2",
            title={"it": "Zone omogenee", "en": "Homogeneous zones"},
        ),
    )
    ctx.maps.choropleth(
        "territorio",
        Choropleth(
            "parco_sud",
            "categories",
            palette="Greens",
            title={
                "it": "Comuni del Parco Agricolo Sud Milano",
                "en": "Comuni of the Parco Agricolo Sud Milano",
            },
            order=("True", "False"),
            labels={
                "True": {"it": "aderente al parco", "en": "member of the park"},
                "False": {"it": "non aderente", "en": "not a member"},
            },
        ),
    )
    ctx.maps.row("territorio", "superficie_km2", {"it": "Superficie", "en": "Area"})
    unassigned = int(comuni["zona_omogenea"].isna().sum())
    if unassigned:
        zones = sorted(comuni["zona_omogenea"].dropna().unique())
        ctx.note(
            "territorio",
            f"Zona omogenea non assegnata per {unassigned} comuni su {len(comuni)}: l'elenco "
            f"ufficiale non è nel mirror (zone note: {', '.join(zones)}). I comuni senza zona non "
            "formano un gruppo e non hanno confronto di zona.",
            f"Homogeneous zone not assigned for {unassigned} of {len(comuni)} comuni: the "
            f"official list is not in the mirror (zones known: {', '.join(zones)}). Comuni "
            "without a zone form no group and get no zone comparison.",
        )
    polygon = comuni.loc[comuni["superficie_fonte"] == AREA_POLYGON, "comune"].tolist()
    if polygon:
        ctx.note(
            "territorio",
            f"Superficie di riferimento ISPRA mancante per {len(polygon)} comuni "
            f"({', '.join(polygon[:8])}): densità sull'area del poligono generalizzato.",
            f"ISPRA reference surface missing for {len(polygon)} comuni "
            f"({', '.join(polygon[:8])}): densities use the generalised polygon area.",
        )
    ctx.note(
        "territorio",
        "Parco Agricolo Sud Milano: solo l'appartenenza dei comuni; il perimetro del parco "
        "non è disponibile, quindi gli indicatori sono aggregati sui comuni aderenti.",
        "Parco Agricolo Sud Milano: municipal membership only; the park perimeter is not "
        "available, so indicators are aggregated over the member comuni.",
    )


THEME = Theme(
    "territorio",
    {"it": "Territorio", "en": "Territory"},
    territory_step,
    group={"it": "Territorio", "en": "Territory"},
    config=None,
    any_territory=True,
)
