"""Reading files: catalogue layers by format, the files users supply, street networks.

These functions know nothing about the catalogue; they take a path and what is expected of
the file and return data in the working CRS with ISTAT codes normalised in ``pro_com_t``.
Every file the toolkit reads is opened here (or by the catalogue, which calls these).
"""

from territorio.crs import WEB_CRS, WORK_CRS, parse_crs
from territorio.readers.files import (
    Expectation,
    builtin_areas,
    file_sha256,
    open_raster,
    read_dictionary,
    read_gtfs,
    read_indicators,
    read_json,
    read_network,
    read_table,
    read_toml,
    read_vector,
)
from territorio.readers.network import (
    build_network,
    build_network_osmnx,
    cache_path,
    load_network,
    osm_header_box,
)
from territorio.readers.osm import read_street_arrays
from territorio.readers.points import read_points
from territorio.readers.user_files import (
    read_ambiti,
    read_candidates,
    read_community_points,
    read_park,
    read_population_density,
    read_register,
)

__all__ = [
    "WEB_CRS",
    "WORK_CRS",
    "Expectation",
    "build_network",
    "build_network_osmnx",
    "builtin_areas",
    "cache_path",
    "file_sha256",
    "load_network",
    "open_raster",
    "osm_header_box",
    "parse_crs",
    "read_ambiti",
    "read_candidates",
    "read_community_points",
    "read_dictionary",
    "read_gtfs",
    "read_indicators",
    "read_json",
    "read_network",
    "read_park",
    "read_points",
    "read_population_density",
    "read_register",
    "read_street_arrays",
    "read_table",
    "read_toml",
    "read_vector",
]
