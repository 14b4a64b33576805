"""Step ``territorio``: the base columns of the indicator table from the territory model."""

from __future__ import annotations

from territorio.codes import KEY
from territorio.errors import ConfigError
from territorio.indicators import Column, Ratio
from territorio.mapspec import Choropleth
from territorio.pipeline import RunContext, Theme
from territorio.rates import population_density
from territorio.territory import NOT_ASSIGNED


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
                "it": "Superficie calcolata dal confine ISTAT generalizzato in EPSG:32632",
                "en": "Area computed from the generalised ISTAT boundary in EPSG:32632",
            },
            ("cmm_comuni",),
            "sum",
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
                "it": f"Zona omogenea della CMM; '{NOT_ASSIGNED}' dove la fonte non la indica",
                "en": f"CMM homogeneous zone; '{NOT_ASSIGNED}' where the source gives none",
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
                "it": f"Densità: residenti al 1/1/{latest} per km² di superficie",
                "en": f"Density: residents on 1/1/{latest} per km² of area",
            },
            ("istat_popolazione", "cmm_comuni"),
            Ratio(f"popolazione_{latest}", "superficie_km2"),
        ),
    )
    values = comuni.set_index(KEY).assign(
        **{density: lambda f: population_density(f[f"popolazione_{latest}"], f["superficie_km2"])}
    )
    ctx.table.add(values[[c.name for c in columns]], columns, source="territorio")
    ctx.maps.choropleth("territorio", Choropleth(density, "natural_breaks", year=str(latest)))
    ctx.maps.choropleth(
        "territorio",
        Choropleth(f"popolazione_{latest}", "quantiles", palette="Blues", year=str(latest)),
    )
    ctx.maps.choropleth("territorio", Choropleth("zona_omogenea", "categories", palette="Set2"))
    ctx.maps.choropleth("territorio", Choropleth("parco_sud", "categories", palette="Greens"))
    unassigned = int((comuni["zona_omogenea"] == NOT_ASSIGNED).sum())
    if unassigned:
        ctx.note(
            "territorio",
            f"Zona omogenea non assegnata per {unassigned} comuni su {len(comuni)}: l'elenco "
            "ufficiale delle zone non è nel mirror (solo Adda Martesana, Nord Milano e Milano).",
            f"Homogeneous zone not assigned for {unassigned} of {len(comuni)} comuni: the "
            "official list is not in the mirror (only Adda Martesana, Nord Milano and Milano).",
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
)
