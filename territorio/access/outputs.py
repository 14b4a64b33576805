"""Files of an accessibility run, shared by the ``mobilita`` step and ``territorio access``."""

from __future__ import annotations

import geopandas as gpd

from territorio.access.analysis import AccessResult
from territorio.access.config import AccessConfig
from territorio.access.layers import write_geopackage, write_travel_time_tiff
from territorio.outputs import OutputSet

GPKG = "accessibilita.gpkg"
TIFF = "tempi_viaggio.tif"
STATIONS_CSV = "nodi_interscambio.csv"


def write_access_outputs(
    result: AccessResult,
    cfg: AccessConfig,
    codes,
    outputs: OutputSet,
    folder: str,
    attribution: str,
) -> dict[str, gpd.GeoDataFrame]:
    """Write the GeoPackage, the travel-time GeoTIFF and the station table under ``folder``.

    Returns the GeoPackage's layers by name, for the maps and the QGIS outputs to reuse.
    """
    prefix = f"{folder}/" if folder else ""
    layers = write_geopackage(result, cfg, codes, outputs.path(prefix + GPKG), attribution)
    write_travel_time_tiff(result, outputs.path(prefix + TIFF))
    table = result.stations.drop(columns="geometry").copy()
    table["x"] = result.stations.geometry.x
    table["y"] = result.stations.geometry.y
    table.to_csv(outputs.path(prefix + STATIONS_CSV), index=False, float_format="%.10g")
    return layers
