"""The ``[land]`` section of the run config."""

from __future__ import annotations

from dataclasses import dataclass

from territorio.land.thresholds import (
    OTHER_DEFAULT_PCT,
    RESIDENTIAL_DEFAULT_PCT,
    RESIDENTIAL_MAX_PCT,
    Thresholds,
)
from territorio.settings import doc

SOURCES = ("ispra_table", "raster")


@dataclass
class LandConfig:
    """Land consumption (suolo): data source, rasters, PTM thresholds."""

    source: str = doc(
        "Stock series from 'ispra_table' (ISPRA per-comune table in the mirror) or 'raster' "
        "(the rasters below, one per year).",
        "ispra_table",
    )
    rasters: list[str] = doc(
        "GeoTIFFs of consumed soil on one grid, one per year (ISPRA 10 m map: 1 = consumed, "
        "or imperviousness 0-100 with imperviousness_threshold).",
        factory=list,
    )
    raster_years: list[int] = doc("Year of each raster, same order.", factory=list)
    consumed_values: list[int] = doc("Pixel values that mean consumed soil.", factory=lambda: [1])
    imperviousness_threshold: float = doc(
        "If > 0, the rasters are imperviousness 0-100 and pixels ≥ this value count as "
        "consumed (consumed_values is then ignored).",
        0.0,
    )
    baseline_year: int = doc("Reference year of the 'since' indicators.", 2015)
    ambiti: str = doc(
        "CSV of the PGT transformation areas for the PTM check (template: "
        "territorio/land/ambiti_trasformazione_TEMPLATE.csv); empty = no check.",
        "",
    )
    soglia_residenziale_pct: float = doc(
        "Required reduction for residential ambiti, default for every comune (PTM: 25-30 %).",
        RESIDENTIAL_DEFAULT_PCT,
    )
    soglia_residenziale_max_pct: float = doc(
        "Upper bound of the residential range (PTM: 30 %).", RESIDENTIAL_MAX_PCT
    )
    soglie_residenziali_comuni: dict[str, float] = doc(
        'Residential requirement per comune where it differs, e.g. { "015146" = 30.0 }.',
        factory=dict,
    )
    soglia_altro_pct: float = doc(
        "Required reduction for ambiti of other functions (PTM: at least 20 %).",
        OTHER_DEFAULT_PCT,
    )
    charts: bool = doc("Write one SVG chart of consumed soil per comune.", True)
    satellite: bool = doc(
        "Compute the satellite proxies (GHS-BUILT-S 2020 built-up share and 2010-2020 change, "
        "WorldCover 2021 built-up and green/open shares) next to ISPRA's figures.",
        True,
    )
    sdg_periods: list[list[int]] = doc(
        "Periods [start, end] of SDG 11.3.1 (land-consumption rate / population-growth rate); "
        "both years need an ISPRA stock and an ISTAT population.",
        factory=lambda: [[2019, 2024]],
    )

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {self.source!r}")
        if self.source == "raster" and not self.rasters:
            raise ValueError("source = 'raster' needs at least one file in rasters")
        if self.rasters and len(self.rasters) != len(self.raster_years):
            raise ValueError(
                f"{len(self.rasters)} rasters but {len(self.raster_years)} raster_years"
            )
        if len(set(self.raster_years)) != len(self.raster_years):
            raise ValueError("raster_years repeats a year")
        if not 0 <= self.imperviousness_threshold <= 100:
            raise ValueError("imperviousness_threshold must be within 0-100")
        self.thresholds().validate()
        for period in self.sdg_periods:
            if len(period) != 2 or not period[0] < period[1]:
                raise ValueError(f"sdg_periods: {period} must be [start, end] with start < end")

    def thresholds(self) -> Thresholds:
        """The PTM thresholds of this config."""
        from territorio.codes import normalise_istat_code

        return Thresholds(
            residential_pct=self.soglia_residenziale_pct,
            residential_max_pct=self.soglia_residenziale_max_pct,
            residential_by_comune={
                normalise_istat_code(k): v for k, v in self.soglie_residenziali_comuni.items()
            },
            other_pct=self.soglia_altro_pct,
        )
