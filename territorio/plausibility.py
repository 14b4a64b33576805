"""Checks that refuse inputs which read well but cannot be what the user meant.

A park perimeter in the wrong CRS, a raster that is all nodata or lies elsewhere, an
imperviousness raster counted as a 0/1 map: each reads without error and gives 0 ha for 133
comuni. These checks stop such runs with a message naming the file and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely

from territorio.classes import fmt_number
from territorio.errors import Said, TerritorioError

#: Below this share of its area inside the territory a layer is refused (wrong CRS or place).
MIN_INSIDE_SHARE = 0.01
#: A consumption raster must have valid data on at least this share of the territory.
MIN_RASTER_COVER = 0.5
#: Largest radius accepted for a radio site: beyond it the input is a unit mistake.
MAX_RADIUS_M = 50_000.0


def plausible_radius(value: float) -> bool:
    """Whether ``value`` metres can be a site's radius: finite, above 0, at most 50 km.

    Examples
    --------
    >>> plausible_radius(600.0), plausible_radius(float("inf")), plausible_radius(1e6)
    (True, False, False)
    """
    return bool(np.isfinite(value) and 0 < value <= MAX_RADIUS_M)


class ImplausibleInputError(TerritorioError):
    """An input that reads without error but cannot be right (where, what values, how much)."""

    def __init__(self, message: str, italian: str = "") -> None:
        super().__init__(message)
        self.italian = italian


def check_in_territory(
    geometry: shapely.Geometry,
    territory: shapely.Geometry,
    *,
    source: str,
    what: str,
    min_share: float = MIN_INSIDE_SHARE,
) -> None:
    """Refuse an empty geometry, or one that barely touches the territory.

    Raises
    ------
    ImplausibleInputError

    Examples
    --------
    >>> import shapely
    >>> cmm = shapely.box(0, 0, 10, 10)
    >>> check_in_territory(shapely.box(5, 5, 8, 8), cmm, source="parco.gpkg", what="park")
    >>> check_in_territory(shapely.box(50, 50, 60, 60), cmm, source="parco.gpkg", what="park")
    Traceback (most recent call last):
    territorio.plausibility.ImplausibleInputError: parco.gpkg: the park lies outside the territory (0.0 % of its area inside, 57 m away); is its CRS right? Expected a polygon in the territory
    """  # noqa: E501
    if geometry is None or shapely.is_empty(geometry) or shapely.area(geometry) == 0:
        raise ImplausibleInputError(
            f"{source}: the {what} is empty; expected polygons with area",
            f"{source}: lo strato è vuoto; attesi poligoni con una superficie",
        )
    inside = shapely.area(shapely.intersection(geometry, territory)) / shapely.area(geometry)
    if inside < min_share:
        gap = shapely.distance(geometry, territory)
        where = f", {gap:,.0f} m away" if gap > 0 else ""
        dove = f", a {fmt_number(round(gap), 'm', 'it')} m" if gap > 0 else ""
        share_it = fmt_number(100 * inside, "%", "it")
        raise ImplausibleInputError(
            f"{source}: the {what} lies outside the territory ({100 * inside:.1f} % of its "
            f"area inside{where}); is its CRS right? Expected a polygon in the territory",
            f"{source}: il poligono cade fuori dal territorio ({share_it} % della sua "
            f"superficie dentro{dove}); il suo CRS è giusto? Atteso un poligono nel territorio",
        )


def check_raster_cover(covered_share: Iterable[float], area: Iterable[float], *, source: str):
    """Refuse a raster with valid data on less than :data:`MIN_RASTER_COVER` of the territory.

    ``covered_share`` is, per comune, the share of its area with valid data (0–1).

    Raises
    ------
    ImplausibleInputError
    """
    share = np.asarray(list(covered_share), dtype=float)
    weights = np.asarray(list(area), dtype=float)
    cover = float(np.nansum(share * weights) / weights.sum()) if weights.sum() else 0.0
    if cover < MIN_RASTER_COVER:
        why = "is all nodata or lies outside it" if cover == 0 else "covers too little of it"
        perche = "è tutto nodata o cade fuori" if cover == 0 else "ne copre troppo poco"
        share_it = fmt_number(100 * cover, "%", "it")
        raise ImplausibleInputError(
            f"{source}: the raster has valid data on {100 * cover:.1f} % of the territory, so it "
            f"{why}; expected a raster covering at least {100 * MIN_RASTER_COVER:.0f} % "
            "(check its extent, CRS and nodata value)",
            f"{source}: il raster ha dati validi sul {share_it} % del territorio, quindi "
            f"{perche}; atteso un raster che ne copra almeno il {100 * MIN_RASTER_COVER:.0f} % "
            "(controllate estensione, CRS e valore nodata)",
        )


def check_consumed_values(
    sample: np.ndarray, consumed_values: tuple[float, ...], *, source: str
) -> None:
    """Refuse a continuous raster (imperviousness 0–100) read as a map of consumed classes.

    ``sample`` is a decimated read of the valid pixels. With no threshold, consumed pixels are
    those equal to ``consumed_values`` (ISPRA: 1); a raster with many distinct values, or
    values up to 100, is a percentage and needs ``--impermeabilita``.

    Raises
    ------
    ImplausibleInputError

    Examples
    --------
    >>> import numpy as np
    >>> check_consumed_values(np.array([0, 1, 1, 0]), (1,), source="ispra.tif")
    >>> check_consumed_values(np.arange(0, 101), (1,), source="imp.tif")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    territorio.plausibility.ImplausibleInputError: imp.tif: values from 0 to 100 (101 distinct)...
    """
    values = np.unique(sample[np.isfinite(sample)]) if sample.size else np.array([])
    allowed = set(consumed_values) | {0, 2}  # ISPRA's map also marks 2 = not consumed
    if len(values) > 10 or (len(values) and set(values.tolist()) - allowed and values.max() > 2):
        consumed = ", ".join(f"{v:g}" for v in consumed_values)
        raise ImplausibleInputError(
            f"{source}: values from {values.min():g} to {values.max():g} ({len(values)} "
            f"distinct): this looks like a continuous raster (imperviousness 0–100), not a map "
            f"of consumed soil (consumed = {consumed}). "
            "Give the threshold with --impermeabilita (e.g. 30) or [land] "
            "imperviousness_threshold",
            f"{source}: valori da {values.min():g} a {values.max():g} ({len(values)} "
            f"distinti): sembra un raster continuo (impermeabilità 0–100), non una carta del "
            f"suolo consumato (consumato = {consumed}). Indicate la soglia con "
            "--impermeabilita (es. 30) o [land] imperviousness_threshold",
        )


def check_hectares(value: float, limit_ha: float) -> str:
    """Empty if ``value`` hectares is plausible for a comune of ``limit_ha``, else why not.

    Examples
    --------
    >>> check_hectares(12.5, 500.0), check_hectares(float("inf"), 500.0)[:16]
    ('', 'not a finite num')
    >>> check_hectares(900.0, 500.0)
    "more than the comune's area (500 ha)"
    """
    if not np.isfinite(value):
        return Said("not a finite number", "non è un numero finito")
    if value < 0:
        return Said("negative", "negativo")
    if np.isfinite(limit_ha) and value > limit_ha:
        area_it = fmt_number(round(limit_ha), "ha", "it")
        return Said(
            f"more than the comune's area ({limit_ha:,.0f} ha)",
            f"più della superficie del comune ({area_it} ha)",
        )
    return ""
