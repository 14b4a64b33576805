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
    """

    column: str
    classification: str = "quantiles"
    k: int = 5
    breaks: tuple[float, ...] = ()
    palette: str = "YlOrRd"
    year: str = ""

    def __post_init__(self) -> None:
        if self.classification not in CLASSIFICATIONS:
            raise ValueError(f"classification must be one of {CLASSIFICATIONS}")


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


@dataclass
class MapContent:
    """Registered map content per theme.

    Attributes
    ----------
    titles
        Title of each declared theme per language (page titles), in run order.
    groups
        Short name of each theme per language (QGIS layer groups).
    """

    choropleths: dict[str, list[Choropleth]] = field(default_factory=dict)
    overlays: dict[str, list[Overlay]] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)  # pro_com_t -> inline SVG
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
