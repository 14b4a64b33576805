"""The ``[access]`` section of the run config."""

from __future__ import annotations

from dataclasses import dataclass

from territorio.settings import doc


@dataclass
class AccessConfig:
    """Accessibility of interchange nodes (mobilità): network, speeds, thresholds, LUM."""

    network: str = doc(
        "OSM file (.osm, .osm.bz2, .osm.pbf) of the street network; empty = the mirror's 2015 "
        "extract (Milano and first ring). Whole-CMM extracts: Geofabrik 'nord-ovest' or the "
        "Wikimedia Italia per-province extract 015.",
        "",
    )
    network_box: list[float] = doc(
        "Extent of the extract [min_lon, min_lat, max_lon, max_lat]; empty = the file header "
        "or the catalogue. Cells outside get the straight-line estimate.",
        factory=list,
    )
    walk_speed_kmh: float = doc("Walking speed.", 4.5)
    bike_speed_kmh: float = doc("Cycling speed.", 15.0)
    thresholds_min: list[int] = doc(
        "Time thresholds of the indicators.", factory=lambda: [5, 10, 15]
    )
    merge_distance_m: float = doc("Entries closer than this are one station.", 150.0)
    max_snap_m: float = doc(
        "Stations farther than this from the network are reported and left out.", 300.0
    )
    min_component_share: float = doc(
        "Street components holding at least this share of a mode's nodes (and always the "
        "largest) make the main network; stations, schools, hospitals and cells snap only to it, "
        "never to a cut-off fragment (footpath island, platform, service way).",
        0.01,
    )
    min_peak_frequency: float = doc(
        "Keep only stations with at least this many peak-hour services (0 = all).", 0.0
    )
    class1_min_lines: int = doc(
        "LUM class 1: rail stations with at least this many lines, or rail-metro interchanges.", 4
    )
    lum_radius_class1_m: float = doc("LUM radius of class 1 (PTM: a little over 500 m).", 550.0)
    lum_radius_class2_m: float = doc("LUM radius of class 2 (other rail, metro termini).", 350.0)
    lum_radius_class3_m: float = doc("LUM radius of class 3 (other metro stations).", 200.0)
    cell_m: float = doc("Cell of the analysis grid and of the travel-time GeoTIFF.", 50.0)
    min_network_share: float = doc(
        "A comune is computed on the network ('rete') when at least this share of it lies "
        "inside the extract, else labelled 'stima'.",
        0.99,
    )
    network_layers: bool = doc(
        "Export the walking network edges and nodes to the GeoPackage.", True
    )

    def __post_init__(self) -> None:
        for name in (
            "walk_speed_kmh",
            "bike_speed_kmh",
            "merge_distance_m",
            "max_snap_m",
            "lum_radius_class1_m",
            "lum_radius_class2_m",
            "lum_radius_class3_m",
            "cell_m",
        ):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
        if (
            not self.thresholds_min
            or sorted(self.thresholds_min) != self.thresholds_min
            or min(self.thresholds_min) <= 0
        ):
            raise ValueError("thresholds_min must be increasing positive minutes")
        if self.network_box and len(self.network_box) != 4:
            raise ValueError("network_box must be [min_lon, min_lat, max_lon, max_lat]")
        if not 0 <= self.min_component_share <= 1:
            raise ValueError("min_component_share must be in [0, 1]")
        if not 0 < self.min_network_share <= 1:
            raise ValueError("min_network_share must be in (0, 1]")

    def lum_radius(self, lum_class: int) -> float:
        """LUM radius of a class."""
        return {
            1: self.lum_radius_class1_m,
            2: self.lum_radius_class2_m,
            3: self.lum_radius_class3_m,
        }[lum_class]
