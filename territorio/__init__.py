"""territorio: territorial-planning toolkit for the Città metropolitana di Milano.

``import territorio as tt`` gives, in one flat namespace:

- **data**: :class:`Catalog` (checked layer mirror), :func:`load_territory`,
  :func:`load_config`, the ``load_*`` loaders and the ``read_*`` readers of user files,
  :mod:`territorio.datasets` (a tiny territory built in code);
- **indicators**, pure functions over GeoDataFrames / Series / arrays keyed by ``pro_com_t``:
  land monitoring and zonal statistics, fibre reach, 5G coverage and siting, access times
  and shares, public-transport quality classes (ARE) and SDG 11.2.1, service counts,
  proximity and floating-catchment supply against demand, rates per area and per resident;
- **shared building blocks**: :func:`assign_comune` (the one point-in-comune rule),
  :class:`PopulationModel` (the one population model, its
  :class:`PopulationGrid`), :class:`ArrayRaster`;
- **scale**: :func:`select_territory` (any set of Italian comuni),
  :func:`read_street_arrays` (pyosmium straight to arrays), :func:`tiled_nearest_station`
  (exact tiling), :func:`open_scheduler` (Dask), :func:`boundary_indicators`;
- **the pipeline**: :func:`run_pipeline` (what ``territorio run`` does).

Examples
--------
>>> import territorio as tt
>>> territory = tt.datasets.synthetic_territory()
>>> density = tt.population_density(
...     territory.population(), territory.comuni.set_index("pro_com_t")["superficie_km2"]
... )
>>> density.round(0).tolist()[:3]  # residents over ISPRA's reference surface (40, 100, 400 ha)
[275.0, 550.0, 275.0]
"""

from territorio import datasets
from territorio._version import __version__
from territorio.access.analysis import access_to_nodes, build_stations
from territorio.access.analysis import comune_indicators as access_shares
from territorio.boundaries import (
    boundary_indicators,
    boundary_indicators_by_province,
    point_counts_dask,
)
from territorio.catalog import Catalog
from territorio.config import default_config_toml, load_config
from territorio.digital.analysis import CoverageResult, choose_sites, coverage_5g, five_g_sites
from territorio.digital.backup import backup_table, coverage_depth, single_site_losses
from territorio.digital.coverage import covered_area
from territorio.digital.demand import CoverageSets, coverage_sets
from territorio.digital.fibre import agcom_indicators as fibre_reach
from territorio.digital.fibre import bul_status, fibre_priority
from territorio.digital.fibre import validate_agreements as check_fibre_agreements
from territorio.digital.optimal import Plan, greedy_plan, maximum_coverage, minimum_sites
from territorio.digital.planning import SitingPlan, plan_sites
from territorio.digital.siting import GREEDY_GUARANTEE, SitingResult, greedy_siting
from territorio.errors import TerritorioError
from territorio.indicators import Column, IndicatorTable, Ratio
from territorio.land.monitoring import group_series as land_series_by_group
from territorio.land.monitoring import monitoring_indicators as land_monitoring
from territorio.land.monitoring import period_flows as land_flows
from territorio.land.monitoring import stock_series as land_series
from territorio.land.thresholds import Thresholds
from territorio.land.thresholds import check_thresholds as check_ptm_thresholds
from territorio.loaders import (
    load_access,
    load_area_comuni,
    load_candidates,
    load_population_model,
    load_stations,
    load_street_network,
    load_territory,
)
from territorio.monitor.catalogue import load_catalogue as load_monitor_catalogue
from territorio.monitor.compare import compare_runs
from territorio.monitor.values import monitor as monitor_plan
from territorio.network.engine import nearest_source
from territorio.network.matrix import travel_minutes
from territorio.network.reach import GridReach
from territorio.network.tiles import grid_labels as tile_labels
from territorio.network.tiles import nearest_station, tiled_nearest_station
from territorio.network.times import AccessResult
from territorio.outputs import write_italian_csv
from territorio.population import (
    PolygonDensity,
    PopulationGrid,
    PopulationModel,
    RasterDensity,
    dasymetric_population_grid,
    uniform_population_grid,
)
from territorio.rates import per_residents, population_density
from territorio.readers import (
    open_raster,
    read_ambiti,
    read_candidates,
    read_community_points,
    read_indicators,
    read_park,
    read_population_density,
    read_register,
    read_street_arrays,
)
from territorio.readers.runs import read_run
from territorio.runner import RunResult, run_pipeline
from territorio.scheduler import Scheduler, open_scheduler
from territorio.scripting import format_number, run_script
from territorio.selection import Selection, select_territory
from territorio.services.facilities import count_per_comune
from territorio.services.facilities import locate as locate_points
from territorio.services.facilities import pnrr_counts as pnrr_health_counts
from territorio.services.facilities import students as school_pupils
from territorio.services.fca import accessibility as fca_accessibility
from territorio.services.fca import balanced as balanced_fca
from territorio.services.fca import gini
from territorio.services.fca import two_step as two_step_fca
from territorio.services.park import park_by_comune
from territorio.services.proximity import residents_within
from territorio.services.proximity import to_nearest_node as time_to_nearest_node
from territorio.spatial import assign_comune
from territorio.territory import Group, Territory, build_territory
from territorio.transit.catchments import buffer_polygons as transit_buffers
from territorio.transit.catchments import cell_classes as transit_cell_classes
from territorio.transit.catchments import classify_stops
from territorio.transit.catchments import comune_table as transit_shares
from territorio.transit.config import TransitConfig
from territorio.transit.departures import stop_departures
from territorio.transit.quality import ClassTable
from territorio.zonal import ArrayRaster, ConsumedRule, zonal_consumed, zonal_sum

__all__ = [
    "GREEDY_GUARANTEE",
    "AccessResult",
    "ArrayRaster",
    "Catalog",
    "ClassTable",
    "Column",
    "ConsumedRule",
    "CoverageResult",
    "CoverageSets",
    "GridReach",
    "Group",
    "IndicatorTable",
    "Plan",
    "PolygonDensity",
    "PopulationGrid",
    "PopulationModel",
    "RasterDensity",
    "Ratio",
    "RunResult",
    "Scheduler",
    "Selection",
    "SitingPlan",
    "SitingResult",
    "TerritorioError",
    "Territory",
    "Thresholds",
    "TransitConfig",
    "__version__",
    "access_shares",
    "access_to_nodes",
    "assign_comune",
    "backup_table",
    "balanced_fca",
    "boundary_indicators",
    "boundary_indicators_by_province",
    "build_stations",
    "build_territory",
    "bul_status",
    "check_fibre_agreements",
    "check_ptm_thresholds",
    "choose_sites",
    "classify_stops",
    "compare_runs",
    "count_per_comune",
    "coverage_5g",
    "coverage_depth",
    "coverage_sets",
    "covered_area",
    "dasymetric_population_grid",
    "datasets",
    "default_config_toml",
    "fca_accessibility",
    "fibre_priority",
    "fibre_reach",
    "five_g_sites",
    "format_number",
    "gini",
    "greedy_plan",
    "greedy_siting",
    "land_flows",
    "land_monitoring",
    "land_series",
    "land_series_by_group",
    "load_access",
    "load_area_comuni",
    "load_candidates",
    "load_config",
    "load_monitor_catalogue",
    "load_population_model",
    "load_stations",
    "load_street_network",
    "load_territory",
    "locate_points",
    "maximum_coverage",
    "minimum_sites",
    "monitor_plan",
    "nearest_source",
    "nearest_station",
    "open_raster",
    "open_scheduler",
    "park_by_comune",
    "per_residents",
    "plan_sites",
    "pnrr_health_counts",
    "point_counts_dask",
    "population_density",
    "read_ambiti",
    "read_candidates",
    "read_community_points",
    "read_indicators",
    "read_park",
    "read_population_density",
    "read_register",
    "read_run",
    "read_street_arrays",
    "residents_within",
    "run_pipeline",
    "run_script",
    "school_pupils",
    "select_territory",
    "single_site_losses",
    "stop_departures",
    "tile_labels",
    "tiled_nearest_station",
    "time_to_nearest_node",
    "transit_buffers",
    "transit_cell_classes",
    "transit_shares",
    "travel_minutes",
    "two_step_fca",
    "uniform_population_grid",
    "write_italian_csv",
    "zonal_consumed",
    "zonal_sum",
]
