"""The ``[services]`` section of the run config."""

from __future__ import annotations

from dataclasses import dataclass

from territorio.settings import doc


@dataclass
class ServicesConfig:
    """Schools, health services and the Parco Agricolo Sud (servizi)."""

    school_bike_minutes: float = doc(
        "Residents within this many minutes by bike of an upper-secondary school.", 15.0
    )
    node_walk_limit_min: float = doc(
        "Schools and hospitals farther than this on foot from any interchange node are listed.",
        15.0,
    )
    community_points: str = doc(
        "Coordinates of Case/Ospedali di Comunità and COT (CSV per "
        "territorio/services/strutture_comunita_TEMPLATE.csv, or GeoPackage); empty = counted "
        "per comune only.",
        "",
    )
    park_boundary: str = doc(
        "Official perimeter of the Parco Agricolo Sud Milano (e.g. Regione Lombardia 'Parchi "
        "regionali'); empty = aggregate over the member comuni.",
        "",
    )
    park_consumption_raster: str = doc(
        "Land-consumption raster for consumed soil inside/outside the park (1 = consumed, or "
        "imperviousness with [land] imperviousness_threshold).",
        "",
    )

    fca: bool = doc(
        "Weigh supply against demand (E2SFCA and balanced FCA) for schools, pharmacies, "
        "hospitals and, with coordinates, community facilities.",
        True,
    )
    fca_zone_weights: list[float] = doc(
        "Weight of each travel-time zone (Luo & Qi 2009: 1, 0.68, 0.22).",
        factory=lambda: [1.0, 0.68, 0.22],
    )
    fca_modes: dict[str, str] = doc(
        "Travel mode (walk or bike) per supply: scuole_sec2, farmacie, ospedali, "
        "strutture_comunita.",
        factory=lambda: {
            "scuole_sec2": "bike",
            "farmacie": "walk",
            "ospedali": "bike",
            "strutture_comunita": "bike",
        },
    )
    fca_zones_min: dict[str, list[float]] = doc(
        "Upper limits of the travel-time zones (minutes) per supply; the last is the catchment.",
        factory=lambda: {
            "scuole_sec2": [5.0, 10.0, 15.0],
            "farmacie": [5.0, 10.0, 15.0],
            "ospedali": [10.0, 20.0, 30.0],
            "strutture_comunita": [10.0, 20.0, 30.0],
        },
    )
    fca_below_fraction: float = doc(
        "Comuni whose balanced ratio is below this fraction of the CMM mean are listed.", 0.5
    )
    school_age_population: str = doc(
        "Residents of school age per comune (CSV per "
        "territorio/services/popolazione_eta_TEMPLATE.csv: pro_com_t, popolazione; e.g. ISTAT "
        "14-18 anni): the school demand; empty = every resident (ratio per 1,000 residents).",
        "",
    )
    school_age_label: str = doc("Name of that age band.", "14-18 anni")

    def __post_init__(self) -> None:
        if not self.school_bike_minutes > 0 or not self.node_walk_limit_min > 0:
            raise ValueError("school_bike_minutes and node_walk_limit_min must be > 0")
        for name, zones in self.fca_zones_min.items():
            if not zones or sorted(zones) != list(zones) or zones[0] <= 0:
                raise ValueError(f"fca_zones_min.{name} must be increasing positive minutes")
            if len(zones) != len(self.fca_zone_weights):
                raise ValueError(
                    f"fca_zones_min.{name} needs one zone per weight of fca_zone_weights "
                    f"({len(self.fca_zone_weights)})"
                )
        for name, mode in self.fca_modes.items():
            if mode not in ("walk", "bike"):
                raise ValueError(f"fca_modes.{name} must be 'walk' or 'bike'")
        if not 0 < self.fca_below_fraction <= 1:
            raise ValueError("fca_below_fraction must be in (0, 1]")
