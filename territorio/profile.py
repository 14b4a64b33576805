"""A short profile of one comune (``territorio info``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.territory import Territory


@dataclass(frozen=True)
class Profile:
    """Key facts about one comune."""

    code: str
    name: str
    area_km2: float
    population: dict[int, int]
    share_of_cmm_population_pct: float
    parco_sud: bool
    zona_omogenea: str
    neighbours: tuple[str, ...]

    @property
    def density(self) -> float:
        """Residents per km² in the latest year."""
        return self.population[max(self.population)] / self.area_km2


def comune_profile(territory: Territory, query: str) -> Profile:
    """Build the profile of the comune matching ``query`` (code or name)."""
    row = territory.lookup(query)
    comuni = territory.comuni
    years = territory.population_years
    population = {y: int(row[f"popolazione_{y}"]) for y in years}
    latest = territory.latest_year
    total = float(comuni[f"popolazione_{latest}"].sum())
    touching = comuni.loc[
        shapely.touches(comuni.geometry.values, row.geometry) & (comuni[KEY] != row[KEY]),
        "comune",
    ]
    return Profile(
        code=row[KEY],
        name=row["comune"],
        area_km2=float(row["superficie_km2"]),
        population=population,
        share_of_cmm_population_pct=100.0 * population[latest] / total,
        parco_sud=bool(row["parco_sud"]),
        zona_omogenea=row["zona_omogenea"] if isinstance(row["zona_omogenea"], str) else "",
        neighbours=tuple(sorted(touching)),
    )


def render_profile(profile: Profile, lang: str = "it") -> list[str]:
    """Lines of text for the terminal, numbers in the reader's format (``1 234,5``)."""
    from territorio.classes import fmt_number

    first, last = min(profile.population), max(profile.population)
    change = 100.0 * (profile.population[last] / profile.population[first] - 1.0)
    sign = "+" if change >= 0 else "−"
    area = fmt_number(profile.area_km2, "km²", lang)
    people = fmt_number(profile.population[last], "ab.", lang)
    trend = sign + fmt_number(abs(change), "%", lang)
    share = fmt_number(profile.share_of_cmm_population_pct, "%", lang)
    density = fmt_number(round(profile.density), "ab.", lang)
    yes, no = ("sì", "no") if lang == "it" else ("yes", "no")
    if lang == "it":
        return [
            f"{profile.name} ({profile.code})",
            f"  Superficie:            {area} km²",
            f"  Popolazione 1/1/{last}:  {people} ab. ({trend} % dal {first}; {share} % della CMM)",
            f"  Densità:               {density} ab./km²",
            f"  Zona omogenea:         {profile.zona_omogenea or 'zona non disponibile'}",
            f"  Parco Agricolo Sud:    {yes if profile.parco_sud else no}",
            f"  Comuni confinanti:     {', '.join(profile.neighbours) or '—'}",
        ]
    return [
        f"{profile.name} ({profile.code})",
        f"  Area:                  {area} km²",
        f"  Population 1/1/{last}:   {people} ({trend} % since {first}; {share} % of the CMM)",
        f"  Density:               {density} inhabitants/km²",
        f"  Homogeneous zone:      {profile.zona_omogenea or 'zone not available'}",
        f"  Parco Agricolo Sud:    {yes if profile.parco_sud else no}",
        f"  Neighbouring comuni:   {', '.join(profile.neighbours) or '—'}",
    ]


def render_indicators(values: pd.Series, dictionary: pd.DataFrame, lang: str = "it") -> list[str]:
    """Every indicator of one comune, by theme, under its label and in the reader's format.

    ``values`` is the comune's row of ``indicatori_comuni.csv``; ``dictionary`` the run's
    ``dizionario_dati.csv`` (``tabella``, ``tema``, ``colonna``, ``intestazione``, ``unita``).

    Examples
    --------
    >>> import pandas as pd
    >>> dictionary = pd.DataFrame(
    ...     {
    ...         "tabella": ["indicatori_comuni.csv"] * 2,
    ...         "tema": ["Consumo di suolo", "Servizi"],
    ...         "colonna": ["suolo_pct", "farmacie"],
    ...         "intestazione": ["Suolo consumato 2024 (%)", "Farmacie (farmacie)"],
    ...         "unita": ["%", "farmacie"],
    ...     }
    ... )
    >>> values = pd.Series({"suolo_pct": 41.256, "farmacie": 12.0})
    >>> for line in render_indicators(values, dictionary):
    ...     print(line)
    Consumo di suolo
      Suolo consumato 2024: 41,3 %
    Servizi
      Farmacie: 12 farmacie
    """
    from territorio.classes import fmt_value
    from territorio.errors import MissingColumnError

    needed = ["tabella", "tema", "colonna", "intestazione", "unita"]
    missing = [c for c in needed if c not in dictionary.columns]
    if missing:  # a dictionary of an older run
        raise MissingColumnError("dizionario_dati.csv", missing, list(dictionary.columns))
    yes, no = ("sì", "no") if lang == "it" else ("yes", "no")
    rows = dictionary[dictionary["tabella"] == "indicatori_comuni.csv"]
    lines: list[str] = []
    current = None
    for _, doc in rows.iterrows():
        column = doc["colonna"]
        if column not in values.index or column in ("pro_com_t", "comune") or not doc["tema"]:
            continue
        if doc["tema"] != current:
            current = doc["tema"]
            lines.append(current)
        value = values[column]
        if isinstance(value, bool | np.bool_):
            text = yes if value else no
        elif isinstance(value, str):
            text = value
        else:
            text = fmt_value(value, doc["unita"], lang)
        label, unit = doc["intestazione"], doc["unita"]
        if unit and label.endswith(f" ({unit})"):  # the value carries its unit
            label = label[: -len(unit) - 3]
        lines.append(f"  {label}: {text}")
    return lines
