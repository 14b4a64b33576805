"""Satellite proxies of built-up and green land per comune (GHSL GHS-BUILT-S, ESA WorldCover).

They sit next to ISPRA's official consumed-soil figures, never in their place: GHS-BUILT-S
measures building footprints, WorldCover a 10 m land-cover class. Every share is over the area
with data (the no-data holes are left out and reported as ``satellite_copertura_pct``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from territorio.codes import KEY
from territorio.zonal import RasterSource, zonal_sum_valid

SATELLITE_COLUMNS = (
    "satellite_area_valida_ha",
    "satellite_copertura_pct",
    "edificato_ghsl_2020_ha",
    "edificato_ghsl_2020_pct",
    "edificato_ghsl_2010_ha",
    "edificato_ghsl_variazione_2010_2020_ha",
    "edificato_ghsl_variazione_2010_2020_pct",
    "artificiale_worldcover_2021_ha",
    "artificiale_worldcover_2021_pct",
    "verde_aperto_worldcover_2021_ha",
    "verde_aperto_worldcover_2021_pct",
)


def satellite_indicators(
    zones: gpd.GeoDataFrame,
    built_2020: RasterSource,
    built_change: RasterSource,
    artificial_share: RasterSource,
    green_share: RasterSource,
) -> pd.DataFrame:
    """Built-up share 2020, built-up change 2010–2020 and WorldCover shares per zone.

    Parameters
    ----------
    zones
        ``pro_com_t`` and polygons.
    built_2020
        GHS-BUILT-S 2020: built-up m² per pixel.
    built_change
        Built-up m² gained 2010–2020 per pixel.
    artificial_share, green_share
        WorldCover 2021 share (0–1) of each pixel in the built-up and in the green/open classes.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``pro_com_t``, :data:`SATELLITE_COLUMNS`: hectares and shares over the
        valid area (``_pct``); the 2010 built-up is 2020 minus the gain, and the change
        ``_pct`` is the gain over the 2010 built-up.

    Examples
    --------
    >>> import territorio as tt
    >>> from rasterio.transform import from_origin
    >>> comuni = tt.datasets.synthetic_territory().comuni
    >>> x0, _, _, y1 = comuni.total_bounds
    >>> a = tt.datasets.satellite_arrays()
    >>> t = from_origin(x0, y1, 100, 100)
    >>> nodata = tt.datasets.SATELLITE_NODATA
    >>> r = {k: tt.ArrayRaster(v, t, 32632, nodata=nodata[k]) for k, v in a.items()}
    >>> out = satellite_indicators(comuni, **r)
    >>> columns = ["edificato_ghsl_2020_pct", "edificato_ghsl_variazione_2010_2020_pct"]
    >>> out.loc["015002", columns].round(2).tolist()  # 1 000 m² of 10 000 a cell; 50 on 950
    [10.0, 5.26]
    """
    rasters = {
        "built": built_2020,
        "change": built_change,
        "artificial": artificial_share,
        "green": green_share,
    }
    sums, valid = {}, {}
    for name, raster in rasters.items():
        sums[name], valid[name] = zonal_sum_valid(raster, zones)
    base = valid["built"]
    built_m2, gained_m2 = sums["built"], sums["change"]
    out = pd.DataFrame(index=pd.Index(zones[KEY].to_numpy(), name=KEY))
    out["satellite_area_valida_ha"] = base / 1e4
    out["satellite_copertura_pct"] = np.minimum(100.0, _share(base, zones.geometry.area.to_numpy()))
    out["edificato_ghsl_2020_ha"] = built_m2 / 1e4
    out["edificato_ghsl_2020_pct"] = _share(built_m2, base)
    out["edificato_ghsl_2010_ha"] = (built_m2 - gained_m2) / 1e4
    out["edificato_ghsl_variazione_2010_2020_ha"] = gained_m2 / 1e4
    out["edificato_ghsl_variazione_2010_2020_pct"] = _share(gained_m2, built_m2 - gained_m2)
    for name, prefix in (("artificial", "artificiale"), ("green", "verde_aperto")):
        # a share per pixel times the pixel area is the covered m²
        covered_m2 = sums[name] * _pixel_area(rasters[name])
        out[f"{prefix}_worldcover_2021_ha"] = covered_m2 / 1e4
        out[f"{prefix}_worldcover_2021_pct"] = _share(covered_m2, valid[name])
    return out[list(SATELLITE_COLUMNS)]


def _pixel_area(raster: RasterSource) -> float:
    t = raster.profile["transform"]
    return abs(t.a * t.e - t.b * t.d)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, 100.0 * part / whole, np.nan)
