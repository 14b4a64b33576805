"""Step ``territorio``: the base columns of the indicator table from the territory model."""

from __future__ import annotations

from territorio.codes import KEY
from territorio.indicators import Column
from territorio.pipeline import RunContext, register_step
from territorio.territory import NOT_ASSIGNED


@register_step("territorio", order=0, it="Territorio", en="Territory")
def territory_step(ctx: RunContext) -> None:
    """Add name, area, population per year, Parco Sud membership and zona omogenea."""
    territory = ctx.territory
    wanted = ctx.config["territory"].population_years or list(territory.population_years)
    missing = [y for y in wanted if y not in territory.population_years]
    if missing:
        from territorio.errors import ConfigError

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
    values = comuni.set_index(KEY)[[c.name for c in columns]]
    ctx.table.add(values, columns, source="territorio")
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
