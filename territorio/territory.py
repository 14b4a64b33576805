"""The territory model: the comuni of the CMM with their attributes, the outline, the groups.

:func:`build_territory` is a pure function over frames;
:func:`territorio.loaders.load_territory` reads the layers through the catalogue and calls it.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.areas import Area
from territorio.codes import (
    KEY,
    MERGED_CODES,
    check_known,
    check_unique,
    fold_name,
    normalise_istat_code,
)
from territorio.errors import (
    CountMismatchWarning,
    MissingColumnError,
    TerritorioError,
    TerritoryValidationError,
)
from territorio.selection import Selection

NOT_ASSIGNED = "non assegnata"
"""Value of ``zona_omogenea`` for comuni whose zone the mirror does not give (not a zone)."""

AREA_REFERENCE = "ISPRA"
"""``superficie_fonte`` of a comune whose ``superficie_km2`` is ISPRA's reference surface."""
AREA_POLYGON = "poligono"
"""``superficie_fonte`` of a comune whose ``superficie_km2`` is its polygon area."""

CMM_NAME = "Città metropolitana di Milano"

#: Tolerance of the topology checks, in square metres.
AREA_TOLERANCE_M2 = 1.0


@dataclass(frozen=True)
class Group:
    """A set of comuni over which per-comune indicators are aggregated.

    Attributes
    ----------
    id
        ``cmm``, ``parco_sud``, ``zona:<name>`` or ``area:<id>``.
    kind
        ``cmm``, ``parco_sud``, ``zona_omogenea`` or ``area``.
    name
        Display name.
    codes
        Members inside the CMM (the ones with indicators).
    outside
        Members outside the CMM (custom areas across provinces).

    Examples
    --------
    >>> group = Group("zona:Ovest", "zona_omogenea", "Ovest", ("015001", "015002"))
    >>> group.kind, len(group.codes)
    ('zona_omogenea', 2)
    """

    id: str
    kind: str
    name: str
    codes: tuple[str, ...]
    outside: tuple[str, ...] = ()


@dataclass
class Territory:
    """The 133 comuni of the Città metropolitana di Milano and their groupings.

    Attributes
    ----------
    comuni
        One row per comune, sorted by ``pro_com_t``: ``pro_com_t``, ``comune``,
        ``superficie_km2`` (reference surface: the denominator of densities),
        ``superficie_poligono_km2`` (area of the polygon), ``superficie_fonte``,
        ``popolazione_<year>`` per year, ``parco_sud``, ``zona_omogenea`` (None where
        not assigned), geometry (EPSG:32632).
    outline
        The CMM outline, one feature.
    population_years
        Years with resident population (1 January of each year).
    areas
        Custom areas by id.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> territory.lookup("gamma")["pro_com_t"], [g.id for g in territory.groups()][:3]
    ('015003', ['cmm', 'zona:Centro', 'zona:Ovest'])
    """

    comuni: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    population_years: tuple[int, ...]
    areas: dict[str, Area] = field(default_factory=dict)
    name: str = CMM_NAME
    kind: str = "cmm"
    comuni_layer: str = "cmm_comuni"
    outline_layer: str = "cmm_confine"

    @property
    def is_cmm(self) -> bool:
        """Whether this is the default territory, the Città metropolitana di Milano."""
        return self.kind == "cmm"

    @property
    def whole(self) -> str:
        """Id of the group of every comune: ``cmm``, or ``territorio`` for any other territory."""
        return "cmm" if self.is_cmm else "territorio"

    @property
    def codes(self) -> list[str]:
        """ISTAT codes of the comuni, sorted."""
        return self.comuni[KEY].tolist()

    @property
    def latest_year(self) -> int:
        """Most recent population year."""
        return max(self.population_years)

    def population(self, year: int | None = None) -> pd.Series:
        """Resident population on 1 January of ``year`` (default: latest), by ``pro_com_t``."""
        year = self.latest_year if year is None else year
        if year not in self.population_years:
            raise KeyError(f"no population for {year}; years available: {self.population_years}")
        return self.comuni.set_index(KEY)[f"popolazione_{year}"]

    def lookup(self, query: str) -> pd.Series:
        """Find one comune by ISTAT code or name.

        Case, accents, apostrophes (``'`` or ``’``) and punctuation are ignored, and each word
        may be abbreviated: ``"S. Donato"`` finds San Donato Milanese, ``"Cassano d’Adda"``
        Cassano d'Adda, the way the search of the web maps does.

        Raises
        ------
        TerritorioError
            If nothing matches (with the closest names), or several do (listed).
        """
        table = self.comuni
        try:
            code = normalise_istat_code(query)
        except ValueError:
            code = None
        if code is not None and code in set(table[KEY]):
            return table.loc[table[KEY] == code].iloc[0]
        folded = table["comune"].map(fold_name)
        wanted = fold_name(query)
        hits = table.loc[folded == wanted]
        if hits.empty and wanted:
            hits = table.loc[folded.map(lambda name: _words_prefix(wanted, name))]
        if len(hits) == 1:
            return hits.iloc[0]
        if len(hits) > 1:
            names = ", ".join(f"{n} ({c})" for n, c in zip(hits["comune"], hits[KEY], strict=True))
            raise TerritorioError(
                f"{query!r} matches {len(hits)} comuni: {names}; give more of the name or the "
                "ISTAT code."
            )
        close = difflib.get_close_matches(wanted, folded.tolist(), n=3, cutoff=0.6)
        names = [table.loc[folded == c, "comune"].iloc[0] for c in close]
        hint = f" Did you mean: {', '.join(names)}?" if names else ""
        raise TerritorioError(f"no comune of the CMM matches {query!r}.{hint}")

    def groups(self) -> list[Group]:
        """The CMM, each zona omogenea, the Parco Sud comuni and every custom area.

        Comuni whose zone is not assigned belong to no zone group ("non assegnata" is not a
        zone).
        """
        table = self.comuni
        codes = set(table[KEY])
        groups = [Group(self.whole, self.whole, self.name, tuple(table[KEY]))]
        for zone in sorted(table["zona_omogenea"].dropna().unique()):
            members = tuple(table.loc[table["zona_omogenea"] == zone, KEY])
            groups.append(Group(f"zona:{zone}", "zona_omogenea", zone, members))
        park = tuple(table.loc[table["parco_sud"], KEY])
        if park or self.is_cmm:
            groups.append(Group("parco_sud", "parco_sud", "Parco Agricolo Sud Milano", park))
        for area in self.areas.values():
            inside = tuple(c for c in area.codes if c in codes)
            outside = tuple(c for c in area.codes if c not in codes)
            if inside or self.is_cmm:  # another territory: only the areas that reach it
                groups.append(Group(f"area:{area.id}", "area", area.name, inside, outside))
        return groups


def population_by_year(
    population: pd.DataFrame, known: set[str], *, source: Path | str, partial: bool = False
) -> pd.DataFrame:
    """Pivot ISTAT population rows to one column ``popolazione_<year>`` per year.

    Codes of comuni merged since (see :data:`territorio.codes.MERGED_CODES`) are summed into
    the current comune. With ``partial`` (a territory wider than the layer), comuni without
    rows get no value ("n.d.", nullable integers) and rows of other comuni are left out; every
    comune the layer has must still have every year.

    Raises
    ------
    MissingColumnError, UnknownCodeError, TerritoryValidationError
    """
    needed = [KEY, "ref_date", "pop_total"]
    missing = [c for c in needed if c not in population.columns]
    if missing:
        raise MissingColumnError(source, missing, list(population.columns))
    frame = population[needed].copy()
    frame[KEY] = frame[KEY].map(lambda c: MERGED_CODES.get(c, c))
    if not partial:
        check_known(frame[KEY], known, source=source, column=KEY, universe="the CMM comuni")
    years = pd.to_datetime(frame["ref_date"], errors="coerce")
    if years.isna().any():
        row = int(np.flatnonzero(years.isna())[0]) + 1
        raise TerritoryValidationError(
            f"{source}: row {row}, column 'ref_date': expected a date such as 2024-01-01"
        )
    frame["year"] = years.dt.year
    every_year = sorted(frame["year"].unique())
    if partial:  # the layer's years stay columns even where it covers no comune of the territory
        frame = frame[frame[KEY].isin(known)]
    wide = frame.groupby([KEY, "year"])["pop_total"].sum().unstack("year")
    if partial:
        wide = wide.reindex(columns=every_year)
    covered = set(wide.index) if partial else known
    incomplete = [int(y) for y in wide.columns if wide[y].isna().any() or len(wide) < len(covered)]
    if incomplete:
        lacking = sorted(known - set(wide.index))[:5]
        raise TerritoryValidationError(
            f"{source}: population incomplete for year(s) {incomplete}"
            + (f"; comuni without any row: {lacking}" if lacking else "")
        )
    wide.columns = [f"popolazione_{int(y)}" for y in wide.columns]
    if partial:
        return wide.astype("float64").reindex(sorted(known)).rename_axis(KEY).reset_index()
    return wide.astype("int64").reset_index()


def validate_comuni(
    comuni: gpd.GeoDataFrame,
    outline: gpd.GeoDataFrame,
    *,
    expected_count: int = 0,
    source: str = "comuni",
) -> None:
    """Check the comune layer: unique codes, count, valid geometries, no overlaps, outline.

    Raises
    ------
    DuplicateCodeError
        If a code repeats.
    TerritoryValidationError
        If geometries are invalid or empty, overlap by more than 1 m², or their union differs
        from the outline by more than 1 m².
    """
    check_unique(comuni[KEY], source=source, column=KEY)
    if expected_count and len(comuni) != expected_count:
        warnings.warn(
            f"{source}: {len(comuni)} comuni, expected {expected_count}",
            CountMismatchWarning,
            stacklevel=2,
        )
    geoms = comuni.geometry.values
    bad = comuni.loc[shapely.is_empty(geoms) | ~shapely.is_valid(geoms) | shapely.is_missing(geoms)]
    if not bad.empty:
        reasons = [
            f"{row[KEY]} ({shapely.is_valid_reason(row.geometry)})"
            for _, row in bad.head(5).iterrows()
        ]
        raise TerritoryValidationError(
            f"{source}: {len(bad)} invalid or empty geometries: {'; '.join(reasons)}"
        )
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    overlap = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    over = np.flatnonzero(overlap > AREA_TOLERANCE_M2)
    if over.size:
        codes = comuni[KEY].to_numpy()
        shown = ", ".join(
            f"{codes[left[i]]}/{codes[right[i]]} {overlap[i]:.1f} m²" for i in over[:5]
        )
        raise TerritoryValidationError(f"{source}: comuni overlap: {shown}")
    union = shapely.union_all(geoms)
    difference = shapely.area(
        shapely.symmetric_difference(union, shapely.union_all(outline.geometry.values))
    )
    if difference > AREA_TOLERANCE_M2:
        raise TerritoryValidationError(
            f"{source}: the union of the comuni differs from the CMM outline by "
            f"{difference:,.1f} m² (tolerance {AREA_TOLERANCE_M2} m²)"
        )


def build_territory(
    comuni: gpd.GeoDataFrame,
    outline: gpd.GeoDataFrame,
    population: pd.DataFrame,
    parco_sud: pd.DataFrame,
    zones: pd.DataFrame,
    *,
    areas: dict[str, Area] | None = None,
    expected_count: int = 0,
    sources: dict[str, str] | None = None,
    reference_area_ha: pd.Series | None = None,
    selection: Selection | None = None,
) -> Territory:
    """Assemble and validate the territory from already-read frames.

    Parameters
    ----------
    comuni
        Polygons in a metric CRS with ``pro_com_t`` and ``comune``.
    outline
        The outline polygon(s), same CRS.
    population
        ISTAT rows with ``pro_com_t``, ``ref_date``, ``pop_total``.
    parco_sud
        Member comuni (``pro_com_t``).
    zones
        ``pro_com_t`` and ``zona_omogenea`` (blank when unknown).
    areas
        Custom areas.
    expected_count
        Number of comuni expected (0: not checked).
    sources
        Names of the inputs for error messages (``{"comuni": path, ...}``).
    reference_area_ha
        Official surface per ``pro_com_t`` in hectares (ISPRA's reference surface, from ISTAT's
        detailed boundaries): ``superficie_km2``, the denominator of every density. Comuni
        without one (or all, when None) take their polygon area, and ``superficie_fonte``
        says which.
    selection
        Another territory than the CMM (:func:`territorio.selection.select_territory`): the
        per-comune layers (population, Parco Sud, zones) may then cover only part of it, and
        the rest has no value ("n.d.").

    Returns
    -------
    Territory

    Examples
    --------
    >>> import territorio as tt
    >>> d = tt.datasets
    >>> territory = tt.build_territory(
    ...     d.comuni_frame(),
    ...     d.outline_frame(),
    ...     d.population_frame(),
    ...     d.park_frame(),
    ...     d.zones_frame(),
    ... )
    >>> territory.population_years, territory.comuni["zona_omogenea"].tolist()[:3]
    ((2023, 2024), ['Ovest', 'Ovest', None])
    """
    names = {
        "comuni": "comuni",
        "population": "population",
        "parco_sud": "parco_sud",
        "zones": "zones",
        **(sources or {}),
    }
    for frame, cols, key in (
        (comuni, [KEY, "comune"], "comuni"),
        (parco_sud, [KEY], "parco_sud"),
        (zones, [KEY, "zona_omogenea"], "zones"),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise MissingColumnError(names[key], missing, list(frame.columns))
    validate_comuni(comuni, outline, expected_count=expected_count, source=names["comuni"])
    known = set(comuni[KEY])
    table = comuni[[KEY, "comune", "geometry"]].sort_values(KEY).reset_index(drop=True)
    table["superficie_poligono_km2"] = table.geometry.area / 1e6
    reference = (
        pd.Series(dtype=float)
        if reference_area_ha is None
        else pd.to_numeric(reference_area_ha, errors="coerce")
    )
    reference_km2 = table[KEY].map(reference / 100.0)
    known_area = reference_km2.notna() & (reference_km2 > 0)
    table["superficie_km2"] = reference_km2.where(known_area, table["superficie_poligono_km2"])
    table["superficie_fonte"] = np.where(known_area, AREA_REFERENCE, AREA_POLYGON)
    partial = selection is not None and not selection.is_cmm
    pop = population_by_year(population, known, source=names["population"], partial=partial)
    table = table.merge(pop, on=KEY, how="left", validate="one_to_one")
    if partial:  # layers of the CMM alone: their rows inside the territory
        parco_sud = parco_sud[parco_sud[KEY].isin(known)]
        zones = zones[zones[KEY].isin(known)]
    check_known(
        parco_sud[KEY], known, source=names["parco_sud"], column=KEY, universe="the CMM comuni"
    )
    table["parco_sud"] = table[KEY].isin(set(parco_sud[KEY]))

    check_known(zones[KEY], known, source=names["zones"], column=KEY, universe="the CMM comuni")
    zone_of = zones.set_index(KEY)["zona_omogenea"]
    named = zone_of.notna() & (zone_of.astype(str).str.strip() != "")
    named &= zone_of.astype(str).str.strip().str.casefold() != NOT_ASSIGNED
    zone_of = zone_of[named].astype(str).str.strip()
    # not assigned is not a zone: no value, so no group, no map class, no atlas comparison
    table["zona_omogenea"] = table[KEY].map(zone_of).astype(object)
    table.loc[table["zona_omogenea"].isna(), "zona_omogenea"] = None

    years = tuple(sorted(int(c.rsplit("_", 1)[1]) for c in pop.columns if c != KEY))
    ordered = [
        KEY,
        "comune",
        "superficie_km2",
        "superficie_poligono_km2",
        "superficie_fonte",
        *(f"popolazione_{y}" for y in years),
        "parco_sud",
        "zona_omogenea",
        "geometry",
    ]
    if "cod_uts" in comuni.columns:  # the province of each comune: partitions of big runs
        ordered.insert(ordered.index("parco_sud"), "cod_uts")
        table["cod_uts"] = table[KEY].map(comuni.set_index(KEY)["cod_uts"]).astype("int64")
    table = gpd.GeoDataFrame(table[ordered], geometry="geometry", crs=comuni.crs)
    if not partial:
        return Territory(table, outline, years, dict(areas or {}))
    return Territory(
        table,
        outline,
        years,
        dict(areas or {}),
        name=selection.name,
        kind=selection.kind,
        comuni_layer="italia_comuni",
        outline_layer="italia_comuni",
    )


def _words_prefix(query: str, name: str) -> bool:
    """Whether each word of ``query`` starts a word of ``name``, in order (abbreviations)."""
    words = name.split(" ")
    position = 0
    for token in query.split(" "):
        while position < len(words) and not words[position].startswith(token):
            position += 1
        if position == len(words):
            return False
        position += 1
    return True
