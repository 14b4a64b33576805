"""The Parco Agricolo Sud Milano with its official perimeter, when a user supplies it.

The mirror has only the list of member comuni. With the perimeter (e.g. Regione Lombardia
"Parchi regionali") the park's share of each comune, residents and services inside it, and —
with a land-consumption raster — consumed soil inside and outside the park are computed.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.errors import TerritorioError
from territorio.population import PopulationGrid
from territorio.zonal import ConsumedRule, RasterSource, zonal_consumed


def park_polygon(frame: gpd.GeoDataFrame, *, source: Path | str) -> shapely.Geometry:
    """The park polygon(s) of a vector layer (EPSG:32632), as one valid geometry.

    Raises
    ------
    TerritorioError
        If the layer holds no polygon.
    """
    path = source
    polygons = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        error = TerritorioError(f"{path}: no polygon found; expected the park perimeter")
        error.italian = f"{path}: nessun poligono; atteso il perimetro del parco"
        raise error
    return shapely.make_valid(shapely.union_all(polygons.geometry.values))


def park_by_comune(
    park: shapely.Geometry,
    comuni: gpd.GeoDataFrame,
    residents: pd.Series,
    points: dict[str, gpd.GeoDataFrame],
    grid: PopulationGrid | None = None,
) -> pd.DataFrame:
    """Per comune: park area and share, residents inside, facilities inside.

    Residents inside are those of the ``grid`` cells whose centre lies in the park (the run's
    population model); without a grid, the comune's residents times its share of area.

    Parameters
    ----------
    park
        Park perimeter (EPSG:32632).
    comuni
        ``pro_com_t`` and polygons.
    residents
        Residents per ``pro_com_t``.
    points
        Facility layers by name; their points inside the park are counted per comune.
    grid
        Residents per cell (``grid.zone`` indexes ``comuni``).

    Examples
    --------
    >>> import shapely, territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> x0, y0, _, y1 = territory.comuni.total_bounds
    >>> park = shapely.box(x0, y0, x0 + 500, y1)  # the western half of the first column
    >>> table = tt.park_by_comune(park, territory.comuni, territory.population(), {})
    >>> table.loc[["015001", "015002"]].values.tolist()
    [[50.0, 50.0, 55.0], [0.0, 0.0, 0.0]]
    """
    geoms = comuni.geometry.values
    inside = shapely.intersection(geoms, park)
    area = shapely.area(geoms)
    park_area = shapely.area(inside)
    out = pd.DataFrame(index=pd.Index(comuni[KEY].to_numpy(), name=KEY))
    out["parco_area_ha"] = park_area / 10_000.0
    out["parco_quota_superficie_pct"] = 100.0 * park_area / area
    shapely.prepare(park)
    if grid is None:
        share = park_area / area
        out["parco_residenti"] = residents.reindex(out.index).to_numpy(dtype=float) * share
    else:
        within = shapely.contains_xy(park, grid.xy[:, 0], grid.xy[:, 1])
        out["parco_residenti"] = np.bincount(
            grid.zone, weights=grid.residents * within, minlength=len(out)
        )
    for name, frame in points.items():
        within = shapely.contains_xy(park, frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
        counts = frame.loc[within, "comune_geo"].dropna().value_counts()
        out[f"parco_{name}"] = counts.reindex(out.index, fill_value=0).astype(int)
    return out


def consumed_inside_outside(
    park: shapely.Geometry,
    comuni: gpd.GeoDataFrame,
    raster: RasterSource,
    *,
    threshold: float | None = None,
    values: tuple[int, ...] = (1,),
) -> pd.DataFrame:
    """Consumed hectares per comune inside and outside the park, from one raster.

    ``raster`` is an open rasterio dataset or a :class:`territorio.zonal.ArrayRaster`.
    """
    inside = shapely.intersection(comuni.geometry.values, park)
    outside = shapely.difference(comuni.geometry.values, park)
    codes = comuni[KEY].to_numpy()
    pieces = np.r_[inside, outside]
    labels = np.r_[np.full(len(codes), "dentro"), np.full(len(codes), "fuori")]
    keep = ~shapely.is_empty(pieces) & (shapely.area(pieces) > 0)
    zones = gpd.GeoDataFrame(
        {KEY: np.r_[codes, codes][keep], "_part": labels[keep]},
        geometry=pieces[keep],
        crs=comuni.crs,
    )
    rule = ConsumedRule(values=values, threshold=threshold)
    result = zonal_consumed([raster], zones[[KEY, "geometry"]], rule=rule, workers=1)
    result["_part"] = zones["_part"].to_numpy()
    table = result.pivot_table(index=KEY, columns="_part", values="consumed_ha", aggfunc="sum")
    out = pd.DataFrame(index=pd.Index(codes, name=KEY))
    for part in ("dentro", "fuori"):
        values = table[part] if part in table.columns else pd.Series(dtype=float)
        out[f"parco_suolo_consumato_{part}_ha"] = values.reindex(out.index).fillna(0.0)
    return out
