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

    def __post_init__(self) -> None:
        if not self.school_bike_minutes > 0 or not self.node_walk_limit_min > 0:
            raise ValueError("school_bike_minutes and node_walk_limit_min must be > 0")
