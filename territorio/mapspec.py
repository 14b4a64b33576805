"""What each theme contributes to the maps and the QGIS project: choropleths and overlays.

Pipeline steps call :meth:`MapContent.choropleth` and :meth:`MapContent.overlay` on
``ctx.maps``; the web maps and the QGIS outputs draw whatever was registered, so a theme adds
its map by registering, with no change to either renderer. The themes and their titles come
from the theme registry (:mod:`territorio.themes`), declared by the pipeline before the
steps run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

#: Marker of each point overlay (QGIS's names), so that layers differ by shape as well as colour.
MARKER_SHAPES = {
    "nodi": "circle",
    "scuole_sec2": "square",
    "ospedali": "cross_fill",
    "farmacie": "star",
    "scenario_5g_siti": "triangle",
    "scenario_piano_5g_siti": "triangle",
    "cmm_siti_5g_siti": "triangle",
}
CLASSIFICATIONS = ("quantiles", "natural_breaks", "breaks", "categories")


@dataclass(frozen=True)
class Choropleth:
    """A per-comune column drawn as classes of colour.

    Attributes
    ----------
    column
        Column of the indicator table.
    classification
        ``quantiles``, ``natural_breaks`` (Jenks, mapclassify), ``breaks`` (user breaks, e.g.
        PTM thresholds) or ``categories`` (text values).
    k
        Number of classes (quantiles, natural breaks).
    breaks
        Upper bounds of the classes for ``breaks``.
    palette
        ColorBrewer name.
    year
        Reference year or date shown in the legend.
    title
        Short name per language ("Suolo consumato 2024"): the QGIS style and map theme, the
        map's layer name. Empty: a shortened description of the column.
    order
        Categories in the order a reader expects (stages of works, yes before no); values not
        listed follow in alphabetical order.
    labels
        A reader's label per category and language (``{"rete": {"it": "misurato"}}``).
    about
        What the map shows, per language: one or two sentences on the page beside it.
    """

    column: str
    classification: str = "quantiles"
    k: int = 5
    breaks: tuple[float, ...] = ()
    palette: str = "YlOrRd"
    year: str = ""
    title: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    order: tuple[str, ...] = ()
    labels: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, hash=False)
    about: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def scenario(self) -> bool:
        """Whether the column shows a scenario (a plan's hypothesis, not observed data)."""
        return is_scenario(self.column)

    def __post_init__(self) -> None:
        if self.classification not in CLASSIFICATIONS:
            raise ValueError(f"classification must be one of {CLASSIFICATIONS}")

    def name(self, lang: str, description: str = "") -> str:
        """The map's short name in ``lang``: its title, else the shortened ``description``.

        Examples
        --------
        >>> Choropleth("q", title={"it": "Suolo consumato 2024"}).name("en")
        'Suolo consumato 2024'
        >>> Choropleth("q").name("it", "Quota di residenti entro 10 min (residenti: ISTAT)")
        'Quota di residenti entro 10 min'
        """
        if self.title:
            return self.title.get(lang) or self.title.get("it") or next(iter(self.title.values()))
        return short_label(description) if description else self.column


SCENARIO_PREFIX = "scenario_"


def is_scenario(name: str) -> bool:
    """Whether a column or layer name belongs to a scenario (named ``scenario_…``).

    Examples
    --------
    >>> is_scenario("scenario_5g_popolazione_pct"), is_scenario("cmm_siti_5g_siti")
    (True, False)
    """
    return name.startswith(SCENARIO_PREFIX)


def scenario_label(name: str, scenario: bool) -> str:
    """``name`` led by SCENARIO when it shows a scenario (not observed data), never twice.

    Examples
    --------
    >>> scenario_label("Siti 5G", True), scenario_label("SCENARIO 5G", True)
    ('SCENARIO — Siti 5G', 'SCENARIO 5G')
    """
    return f"SCENARIO — {name}" if scenario and not name.startswith("SCENARIO") else name


@dataclass(frozen=True)
class Estimate:
    """Which comuni hold an estimated (not measured) value of some columns.

    Attributes
    ----------
    flag
        Column of the indicator table telling how each value was obtained.
    value
        The flag's value that marks an estimate (``"stima"``).
    note
        Why the value is an estimate, per language (shown beside the map and the table).
    """

    flag: str
    value: object
    note: dict[str, str]

    def mask(self, table: pd.DataFrame) -> pd.Series | None:
        """Boolean Series over ``table``'s rows: True where the value is an estimate."""
        if self.flag not in table.columns:
            return None
        return table[self.flag].astype(object) == self.value


def short_label(text: str, limit: int = 60) -> str:
    """A description cut to its head: before the first parenthesis or semicolon, ≤ ``limit``.

    Examples
    --------
    >>> short_label("Consumo netto 2015-2024 (nuovo consumo meno ripristini)")
    'Consumo netto 2015-2024'
    >>> short_label("Quota di famiglie raggiunte da FTTH, ultima data AGCOM (2025-06-30)", 30)
    'Quota di famiglie raggiunte…'
    """
    head = text
    for mark in (" (", "; "):
        head = head.split(mark, 1)[0]
    head = head.strip().rstrip(",.:")
    if len(head) <= limit:
        return head
    return head[: limit - 1].rsplit(" ", 1)[0].rstrip(",.:") + "…"


@dataclass
class Overlay:
    """A layer drawn over the choropleths (points as one GeoJSON layer, or polygons).

    Attributes
    ----------
    name
        Identifier (also the layer name in the control).
    title
        Label per language.
    frame
        Geometries in EPSG:32632 with the tooltip fields.
    fields
        ``(column, {"it": label, "en": label})`` shown in the tooltip.
    color
        Stroke/fill colour.
    source
        Attribution line (publisher, licence, date).
    show
        Visible when the page opens.
    pro_com_t
        Column with the comune of each feature, to select features for the atlas pages.
    category
        Field whose values get one colour each in the QGIS style.
    sources
        Catalogue layer ids the features derive from: their licences and attributions go
        with the layer into QGIS and the GeoPackage metadata (ODbL for OpenStreetMap).
    filled
        Areas that tile the map without overlapping (e.g. quality classes) are filled, not
        drawn as outlines.
    """

    name: str
    title: dict[str, str]
    frame: gpd.GeoDataFrame
    fields: list[tuple[str, dict[str, str]]]
    color: str = "#3366cc"
    source: str = ""
    show: bool = False
    pro_com_t: str | None = None
    category: str | None = None  # field of a categorised style in QGIS (else one symbol)
    sources: tuple[str, ...] = ()
    filled: bool = False


@dataclass
class MapContent:
    """Registered map content per theme.

    Attributes
    ----------
    titles
        Title of each declared theme per language (page titles), in run order.
    groups
        Short name of each theme per language (QGIS layer groups).
    estimates
        Columns whose values are estimated in some comuni, and the rule that says where.
    rows
        Extra rows of each theme in the atlas table (column, short title per language),
        after the theme's choropleths.
    """

    choropleths: dict[str, list[Choropleth]] = field(default_factory=dict)
    overlays: dict[str, list[Overlay]] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)  # pro_com_t -> inline SVG
    #: pages other steps wrote beside the maps (``monitoraggio``), linked from every page
    pages: dict[str, dict[str, str]] = field(default_factory=dict)
    estimates: dict[str, Estimate] = field(default_factory=dict)  # column -> its estimate rule
    rows: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)

    def declare(self, theme: str, title: dict[str, str], group: dict[str, str]) -> None:
        """Make ``theme`` known, with its page title and its QGIS group name."""
        self.titles[theme] = title
        self.groups[theme] = group

    def choropleth(self, theme: str, spec: Choropleth) -> None:
        """Register a choropleth of ``theme`` (the first registered is shown first)."""
        self._check(theme)
        self.choropleths.setdefault(theme, []).append(spec)

    def overlay(self, theme: str, layer: Overlay) -> None:
        """Register an overlay of ``theme``."""
        self._check(theme)
        self.overlays.setdefault(theme, []).append(layer)

    def estimated(self, columns: list[str], estimate: Estimate) -> None:
        """Mark ``columns`` as estimated where ``estimate`` says so (maps, atlas, tooltips)."""
        for column in columns:
            self.estimates[column] = estimate

    def row(self, theme: str, column: str, title: dict[str, str]) -> None:
        """Add ``column`` to the atlas table of ``theme`` under the short ``title``."""
        self._check(theme)
        self.rows.setdefault(theme, []).append((column, title))

    def group(self, theme: str, lang: str = "it") -> str:
        """The QGIS group name of ``theme`` (the theme name if it was never declared)."""
        names = self.groups.get(theme)
        return names.get(lang) or names["it"] if names else theme

    def themes(self) -> list[str]:
        """Themes with content, in the order they were declared."""
        return [t for t in self.titles if t in self.choropleths or t in self.overlays]

    def _check(self, theme: str) -> None:
        if theme not in self.titles:
            raise ValueError(f"undeclared map theme {theme!r}; themes: {', '.join(self.titles)}")
