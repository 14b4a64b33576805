"""What every web page draws, prepared once: the comuni, the indicator table, the content."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.catalog import Catalog
from territorio.classes import category_label, fmt_value
from territorio.codes import KEY
from territorio.i18n import format_date
from territorio.indicators import Column
from territorio.mapspec import Choropleth, MapContent
from territorio.webmap.geometry import simplify_coverage, to_web
from territorio.webmap.sources import Citations
from territorio.webmap.words import t


def esc(value: object) -> str:
    """HTML-escaped text of a data value (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class MapData:
    """Everything the pages draw, prepared once."""

    table: pd.DataFrame  # indexed by pro_com_t
    columns: dict[str, Column]
    groups: pd.DataFrame  # aggregates indexed by gruppo
    comuni: pd.DataFrame  # pro_com_t, comune, zona_omogenea, geometry (web), shape (metres)
    bounds: tuple[float, float, float, float]
    content: MapContent
    catalog: Catalog
    lang: str
    run_date: dt.date = field(default_factory=dt.date.today)
    self_contained: bool = False
    outline: object = None  # the CMM, coarsely simplified (metres), for locator insets
    assets: dict[str, str] = field(default_factory=dict)  # inline Leaflet and script
    territory_name: str = ""  # another territory than the CMM: its name (titles)

    def doc(self, column: str) -> Column | None:
        """The documentation of ``column``, if any."""
        return self.columns.get(column)

    def label(self, spec: Choropleth) -> str:
        """The short title of a choropleth in the page language."""
        doc = self.doc(spec.column)
        return spec.name(self.lang, doc.text(self.lang) if doc else "")

    def unit(self, column: str) -> str:
        """The unit of a column (empty for labels and flags)."""
        doc = self.doc(column)
        return doc.unit if doc else ""

    def estimated(self, column: str) -> np.ndarray | None:
        """Per comune (in ``comuni`` order): 1 where the value of ``column`` is an estimate."""
        rule = self.content.estimates.get(column)
        if rule is None:
            return None
        mask = rule.mask(self.table)
        if mask is None or not mask.any():
            return None
        return mask.reindex(self.comuni[KEY]).fillna(False).astype(int).to_numpy()


def prepare(
    table: pd.DataFrame,
    columns: dict[str, Column],
    groups: pd.DataFrame,
    comuni,
    content: MapContent,
    catalog: Catalog,
    lang: str,
    tolerance_m: float = 20.0,
    *,
    run_date: dt.date | None = None,
    self_contained: bool = False,
    assets: dict[str, str] | None = None,
    territory_name: str = "",
) -> MapData:
    """Simplify and project the comuni once for every page.

    ``assets`` (:func:`territorio.outputs.webassets.read_assets`) are needed when
    ``self_contained`` is set: the pages then carry them inline.
    """
    if self_contained and not assets:
        raise ValueError("self-contained pages need the assets' text (read_assets())")
    shapes = simplify_coverage(comuni.geometry.values, tolerance_m)
    web = pd.DataFrame(
        {
            KEY: comuni[KEY].to_numpy(),
            "comune": comuni["comune"].to_numpy(),
            "zona_omogenea": comuni["zona_omogenea"].to_numpy(),
            "geometry": to_web(shapes),
            "shape": shapes,
        }
    )
    x0, y0, x1, y1 = shapely.total_bounds(web["geometry"].to_numpy())
    outline = locator_shapes(comuni)
    return MapData(
        table,
        columns,
        groups.set_index("gruppo"),
        web,
        (x0, y0, x1, y1),
        content,
        catalog,
        lang,
        run_date or dt.date.today(),
        self_contained,
        outline,
        dict(assets or {}),
        territory_name,
    )


#: above this many comuni the locator draws provinces, not comuni (a 150-px inset)
LOCATOR_COMUNI = 300


def locator_shapes(comuni: gpd.GeoDataFrame) -> np.ndarray:
    """What the atlas locator draws besides the comune: every comune, simplified to 250 m.

    A region or Italy would put thousands of comuni into every page's 150-pixel inset: there
    it draws the provinces, simplified to about a pixel of the inset.

    Examples
    --------
    >>> import territorio as tt
    >>> comuni = tt.datasets.synthetic_territory().comuni
    >>> len(locator_shapes(comuni))
    9
    """
    if len(comuni) <= LOCATOR_COMUNI or "cod_uts" not in comuni.columns:
        return simplify_coverage(comuni.geometry.values, 250.0)
    x0, y0, x1, y1 = comuni.total_bounds
    pixel = max(x1 - x0, y1 - y0) / 150.0
    provinces = comuni.dissolve("cod_uts").geometry.values
    return simplify_coverage(provinces, pixel)


def display(data: MapData, column: str, value: object, spec: Choropleth | None = None) -> str:
    """A value as a reader sees it: unit-aware number, category label, or "n.d."."""
    if isinstance(value, float) and np.isnan(value):
        value = None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str) or (spec is not None and spec.classification == "categories"):
        if value is None:
            return t("nodata", data.lang)
        return category_label(str(value), spec or Choropleth(column), data.lang)
    return fmt_value(value, data.unit(column), data.lang)


def readable(text: str, lang: str) -> str:
    """A description made for readers: ISO dates in the reader's format, no column ids.

    Examples
    --------
    >>> readable("Densità per km² di superficie (superficie_km2), al 2025-06-30", "it")
    'Densità per km² di superficie, al 30/6/2025'
    """
    text = re.sub(r"\s*\((?:[^()]*\b[a-z0-9]+_[a-z0-9_]+\b[^()]*)\)", "", text)
    text = re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", "", text)
    text = re.sub(
        r"\b(\d{4})-(\d{2})-(\d{2})\b",
        lambda m: format_date(dt.date(int(m[1]), int(m[2]), int(m[3])), lang),
        text,
    )
    text = re.sub(r"\b(20\d\d)(\d\d)(\d\d)\b", lambda m: f"{int(m[3])}/{int(m[2])}/{m[1]}", text)
    return re.sub(r"\s{2,}", " ", text).replace(" ,", ",").strip()


def _search(data: MapData) -> str:
    lang = data.lang
    return f"""<div class="search" role="search">
<label for="search" style="display:block;font-weight:600">{t("search_label", lang)}</label>
<input id="search" type="search" autocomplete="off" role="combobox" aria-autocomplete="list"
 aria-expanded="false" aria-controls="search-results" placeholder="{t("search", lang)}">
<ul id="search-results" role="listbox" aria-label="{t("search_results", lang)}" hidden></ul>
<p id="search-status" class="sub" aria-live="polite"></p></div>"""


def _sources_html(data: MapData, cites: Citations) -> str:
    lang = data.lang
    items = "".join(f"<li>{esc(c)}</li>" for c in cites.citations)
    return (
        f'<section class="sources" aria-labelledby="src-h"><h2 id="src-h">'
        f"{t('sources', lang)}</h2><ul>{items}</ul>"
        f'<p class="run">{t("run_date", lang)} {format_date(data.run_date, lang)} · '
        f"{t('codes_note', lang)}</p></section>"
    )
