"""Files that users supply (not catalogue layers): read here, validated by their theme.

Each function reads one kind of file and hands the rows to the theme's pure validator, which
lists every problem with its row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from territorio.digital.sites import validate_candidates, validate_register
from territorio.land.thresholds import TEMPLATE_COLUMNS, validate_ambiti
from territorio.population import PolygonDensity, RasterDensity, polygon_density
from territorio.readers.files import (
    Expectation,
    open_raster,
    read_band,
    read_table,
    read_vector,
)
from territorio.readers.points import read_points
from territorio.services.facilities import validate_community_points
from territorio.services.park import park_polygon


def read_register(
    path: Path | str,
    *,
    area: shapely.Geometry,
    area_name: str = "the CMM",
    crs: str | None = None,
    radius_by_technology: dict[str, float],
    small_cell_radius_m: float,
    comuni: gpd.GeoDataFrame | None = None,
    default_technology: str = "5G NR",
) -> gpd.GeoDataFrame:
    r"""Read and validate a radio-site register (CSV per template, spreadsheet, GeoPackage).

    See :func:`territorio.digital.sites.validate_register` for the checks and the result;
    ``crs`` is the CRS of ``x``/``y`` columns when the file has no ``crs`` column; with
    ``comuni`` each ``com_istat_code`` must name the comune where its site lies. A file with
    coordinates only is accepted (``site_id`` = row number, ``stato`` = ``attivo``,
    ``tecnologie`` = ``default_technology``; the defaults are said).

    Examples
    --------
    >>> import tempfile, pathlib, territorio as tt
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> lon, lat = tt.datasets.to_lonlat(1500, 1500)
    >>> _ = (folder / "siti.csv").write_text(
    ...     f"site_id,lon,lat,tecnologie,stato\nS1,{lon},{lat},4G;NR,attivo\n"
    ... )
    >>> outline = tt.datasets.outline_frame().geometry.iloc[0]
    >>> register = tt.read_register(
    ...     folder / "siti.csv",
    ...     area=outline,
    ...     radius_by_technology={"5G NR": 600.0, "4G": 1500.0},
    ...     small_cell_radius_m=150.0,
    ... )
    >>> register[["site_id", "tecnologie", "raggio_m"]].values.tolist()
    [['S1', '4G;5G NR', 1500.0]]
    """
    frame, problems = read_points(path, required=(), crs=crs)
    return validate_register(
        frame,
        problems,
        source=path,
        area=area,
        area_name=area_name,
        radius_by_technology=radius_by_technology,
        small_cell_radius_m=small_cell_radius_m,
        comuni=comuni,
        default_technology=default_technology,
    )


def read_candidates(
    path: Path | str, *, area: shapely.Geometry, area_name: str = "the CMM", crs: str | None = None
) -> gpd.GeoDataFrame:
    r"""Read candidate locations for new sites (``id`` or ``site_id``, optional ``nome``).

    Examples
    --------
    >>> import tempfile, pathlib, territorio as tt
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> lon, lat = tt.datasets.to_lonlat(500, 500)
    >>> _ = (folder / "tetti.csv").write_text(f"id,nome,lon,lat\nT1,Municipio,{lon},{lat}\n")
    >>> outline = tt.datasets.outline_frame().geometry.iloc[0]
    >>> tt.read_candidates(folder / "tetti.csv", area=outline)[
    ...     ["candidato", "nome", "fonte"]
    ... ].values.tolist()
    [['T1', 'Municipio', 'tetti.csv']]
    """
    frame, problems = read_points(path, required=(), crs=crs)
    return validate_candidates(frame, problems, source=path, area=area, area_name=area_name)


def read_ambiti(
    path: Path | str, known_codes: Iterable[str], area_ha: Mapping[str, float] | None = None
) -> pd.DataFrame:
    r"""Read and validate a user's PGT ambiti file following the template.

    Rows are numbered from 1 (the first data row) in error messages.

    Examples
    --------
    >>> import tempfile, pathlib, territorio as tt
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ambiti.csv"
    >>> _ = path.write_text(
    ...     "pro_com_t;funzione;superficie_2014_ha;superficie_vigente_ha\n15001;residenziale;10;7\n"
    ... )
    >>> tt.read_ambiti(path, tt.datasets.CODES).values.tolist()  # Excel's ';', codes normalised
    [['015001', 'residenziale', 10.0, 7.0]]
    """
    path = Path(path)
    frame = read_table(path, Expectation(label="ambiti", columns=TEMPLATE_COLUMNS, user_file=True))
    return validate_ambiti(frame, known_codes, source=str(path), area_ha=area_ha)


def read_park(path: Path | str) -> shapely.Geometry:
    """The Parco Agricolo Sud perimeter from a user's vector file, as one polygon.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd, shapely, territorio as tt
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "parco.gpkg"
    >>> x0, y0, _, y1 = tt.datasets.outline_frame().total_bounds
    >>> gpd.GeoDataFrame(geometry=[shapely.box(x0, y0, x0 + 500, y1)], crs=32632).to_file(path)
    >>> round(tt.read_park(path).area / 1e6, 2)
    1.5
    """
    frame = read_vector(Path(path), Expectation(label="parco_sud_perimetro"))
    return park_polygon(frame, source=path)


def read_community_points(
    path: Path | str, area: shapely.Geometry, crs: str | None = None
) -> gpd.GeoDataFrame:
    r"""Read and validate coordinates of Case / Ospedali di Comunità and COT.

    Examples
    --------
    >>> import tempfile, pathlib, territorio as tt
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cdc.csv"
    >>> lon, lat = tt.datasets.to_lonlat(1500, 1500)
    >>> _ = path.write_text(
    ...     f"cup,tipo_struttura,denominazione,lon,lat\nC1,CdC,Casa Uno,{lon},{lat}\n"
    ... )
    >>> outline = tt.datasets.outline_frame().geometry.iloc[0]
    >>> tt.read_community_points(path, outline)[["cup", "tipo_struttura"]].values.tolist()
    [['C1', "Casa della Comunita'"]]
    """
    frame, problems = read_points(path, required=("cup", "tipo_struttura"), crs=crs)
    return validate_community_points(frame, problems, source=path, area=area)


RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".asc")


def read_population_density(
    path: Path | str, *, column: str = "pop_ghsl", band: int = 1
) -> PolygonDensity | RasterDensity:
    """A user's population grid: polygons with a population column, or a raster band.

    Rasters (``.tif``, ``.tiff``, ``.vrt``, ``.img``, ``.asc``) hold people per pixel in
    ``band``; any other file is read as polygons (reprojected to EPSG:32632) with ``column``.

    Raises
    ------
    UnreadableFileError, MissingColumnError, InvalidValueError, CRSError

    Examples
    --------
    >>> import tempfile, pathlib, shapely, geopandas as gpd, territorio as tt
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sezioni.gpkg"
    >>> cells = gpd.GeoDataFrame(
    ...     {"abitanti": [120.0]}, geometry=[shapely.box(0, 0, 100, 100)], crs=32632
    ... )
    >>> cells.to_file(path)
    >>> density = tt.read_population_density(path, column="abitanti")
    >>> density.label["en"], float(density.population.sum())
    ('sezioni.gpkg (abitanti)', 120.0)
    """
    from territorio.errors import UnreadableFileError

    path = Path(path)
    if path.suffix.lower() in RASTER_SUFFIXES:
        with open_raster(path) as src:
            if band > src.count:
                raise UnreadableFileError(path, f"a raster with band {band}", f"{src.count} bands")
            label = f"{path.name} (banda {band})"
            return RasterDensity(
                read_band(src, band),
                src.transform,
                src.crs,
                src.nodata,
                {"it": label, "en": f"{path.name} (band {band})"},
            )
    frame = read_vector(path, Expectation(label=str(path)))
    label = f"{path.name} ({column})"
    return polygon_density(frame, column, {"it": label, "en": label}, source=str(path))
