"""A short profile of one comune (``territorio info``)."""

from __future__ import annotations

from dataclasses import dataclass

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
    """Lines of text for the terminal."""
    first, last = min(profile.population), max(profile.population)
    change = 100.0 * (profile.population[last] / profile.population[first] - 1.0)
    yes, no = ("sì", "no") if lang == "it" else ("yes", "no")
    if lang == "it":
        return [
            f"{profile.name} ({profile.code})",
            f"  Superficie:            {profile.area_km2:,.2f} km²",
            f"  Popolazione 1/1/{last}:  {profile.population[last]:,} ab. "
            f"({change:+.1f} % dal {first}; {profile.share_of_cmm_population_pct:.2f} % della CMM)",
            f"  Densità:               {profile.density:,.0f} ab./km²",
            f"  Zona omogenea:         {profile.zona_omogenea or 'zona non disponibile'}",
            f"  Parco Agricolo Sud:    {yes if profile.parco_sud else no}",
            f"  Comuni confinanti:     {', '.join(profile.neighbours) or '—'}",
        ]
    return [
        f"{profile.name} ({profile.code})",
        f"  Area:                  {profile.area_km2:,.2f} km²",
        f"  Population 1/1/{last}:   {profile.population[last]:,} "
        f"({change:+.1f} % since {first}; {profile.share_of_cmm_population_pct:.2f} % of the CMM)",
        f"  Density:               {profile.density:,.0f} inhabitants/km²",
        f"  Homogeneous zone:      {profile.zona_omogenea or 'zone not available'}",
        f"  Parco Agricolo Sud:    {yes if profile.parco_sud else no}",
        f"  Neighbouring comuni:   {', '.join(profile.neighbours) or '—'}",
    ]
