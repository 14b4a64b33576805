"""From the catalogue to the inputs of the pure functions: read layers, assemble, hand on.

Every function here takes a :class:`~territorio.catalog.Catalog` and returns frames, arrays
or small typed objects that the indicator functions take; nothing here computes an
indicator. Together with :mod:`territorio.catalog`, :mod:`territorio.readers` and
:mod:`territorio.outputs` this is the edge of the library where files are read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from territorio.access.analysis import access_to_nodes, build_stations
from territorio.access.config import AccessConfig
from territorio.areas import Area
from territorio.catalog import Catalog
from territorio.classes import fmt_number
from territorio.codes import KEY
from territorio.digital.config import DigitalConfig
from territorio.digital.sites import school_candidates
from territorio.errors import (
    ConfigError,
    LayerNotAvailableError,
    MirrorNotFoundError,
    MissingFileError,
    UnknownCodeError,
    UnknownLayerError,
)
from territorio.network.graph import StreetNetwork
from territorio.network.tiles import Mapper, embedded_map
from territorio.network.times import AccessResult, network_area
from territorio.plausibility import ImplausibleInputError
from territorio.population import PopulationModel, polygon_density
from territorio.readers import (
    builtin_areas,
    load_network,
    osm_header_box,
    read_candidates,
    read_population_density,
    read_register,
)
from territorio.selection import Selection, select_territory
from territorio.settings import PopulationConfig
from territorio.territory import Territory, build_territory

NETWORK_LAYER = "osm_milano_2015_highways"
"""The catalogue's street network (the mirror's 2015 OSM extract)."""


#: Layers the territory is built from.
TERRITORY_LAYERS = (
    "cmm_comuni",
    "cmm_confine",
    "istat_popolazione",
    "parco_sud_comuni",
    "zone_omogenee",
)


def load_territory(
    catalog: Catalog, areas: dict[str, Area] | None = None, territorio: str = ""
) -> Territory:
    """Read the territory layers through the catalogue and build the model.

    Parameters
    ----------
    catalog
        The layer catalogue (its overrides apply).
    areas
        Custom areas; defaults to the built-in ones (the ITI SOM).
    territorio
        Another territory than the CMM: a province, a region, ``italia`` or a list of codes
        (see :func:`territorio.selection.select_territory`); its comuni come from the Italy
        boundaries layer, and the per-comune layers of the CMM fill the comuni they cover.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.load_territory(tt.Catalog())
    >>> len(territory.comuni), territory.latest_year, int(territory.population().sum())
    (133, 2024, 3245459)
    """
    if territorio.strip():
        italy = catalog.read(ITALY_COMUNI)  # read once: the selection and the geometries
        selection = territory_selection(catalog, territorio, italy)
        if not selection.is_cmm:
            return _load_selected_territory(catalog, areas, selection, italy)
    frames = {layer_id: catalog.read(layer_id) for layer_id in TERRITORY_LAYERS}
    areas = builtin_areas() if areas is None else areas
    _check_area_codes(catalog, areas, set(frames["cmm_comuni"][KEY]))
    territory = build_territory(
        frames["cmm_comuni"],
        frames["cmm_confine"],
        frames["istat_popolazione"],
        frames["parco_sud_comuni"],
        frames["zone_omogenee"],
        areas=areas,
        expected_count=catalog.manifest("cmm_comuni").expected_count,
        sources={
            "comuni": str(catalog.path("cmm_comuni")),
            "population": str(catalog.path("istat_popolazione")),
            "parco_sud": str(catalog.path("parco_sud_comuni")),
            "zones": str(catalog.path("zone_omogenee")),
        },
        reference_area_ha=_reference_area(catalog),
    )
    return territory


#: Every Italian comune: custom areas may hold comuni of other provinces, not unknown codes.
ITALY_COMUNI = "italia_comuni"
ITALY_UNITS = "italia_uts"


def territory_selection(
    catalog: Catalog, territorio: str, italy: gpd.GeoDataFrame | None = None
) -> Selection:
    """The comuni ``territorio`` names, from the Italy boundaries layer's attributes.

    ``italy``: the Italy comuni layer if already read (else it is read here).

    Examples
    --------
    >>> import territorio as tt
    >>> lodi = territory_selection(tt.Catalog(), "Lodi")
    >>> lodi.name, len(lodi.codes)
    ('Provincia di Lodi', 60)
    """
    comuni = catalog.read(ITALY_COMUNI) if italy is None else italy
    units = catalog.read(ITALY_UNITS)
    return select_territory(territorio, pd.DataFrame(comuni.drop(columns="geometry")), units)


def _load_selected_territory(
    catalog: Catalog,
    areas: dict[str, Area] | None,
    selection: Selection,
    italy: gpd.GeoDataFrame,
) -> Territory:
    """A territory other than the CMM: comuni of Italy, the CMM's layers where they reach."""
    comuni = italy[italy[KEY].isin(set(selection.codes))].reset_index(drop=True)
    outline = gpd.GeoDataFrame(
        {"nome": [selection.name]},
        geometry=[shapely.union_all(comuni.geometry.values)],
        crs=comuni.crs,
    )
    frames = {
        layer_id: catalog.read(layer_id)
        for layer_id in ("istat_popolazione", "parco_sud_comuni", "zone_omogenee")
    }
    areas = builtin_areas() if areas is None else areas
    return build_territory(
        comuni,
        outline,
        frames["istat_popolazione"],
        frames["parco_sud_comuni"],
        frames["zone_omogenee"],
        areas=areas,
        expected_count=len(selection.codes),
        sources={
            "comuni": str(catalog.path(ITALY_COMUNI)),
            "population": str(catalog.path("istat_popolazione")),
            "parco_sud": str(catalog.path("parco_sud_comuni")),
            "zones": str(catalog.path("zone_omogenee")),
        },
        reference_area_ha=_reference_area(catalog),
        selection=selection,
    )


def _check_area_codes(catalog: Catalog, areas: dict[str, Area], cmm_codes: set[str]) -> None:
    """Custom-area codes outside the CMM must be Italian comuni (ISTAT 2023), else an error."""
    outside = {c for area in areas.values() for c in area.codes if c not in cmm_codes}
    if not outside:
        return
    try:
        italy = catalog.codes(ITALY_COMUNI)
    except (MissingFileError, MirrorNotFoundError, LayerNotAvailableError, UnknownLayerError):
        return  # without the national layer codes outside the CMM cannot be checked
    for area in areas.values():
        unknown = {c: i + 1 for i, c in enumerate(area.codes) if c in outside and c not in italy}
        if unknown:
            raise UnknownCodeError(
                area.source or f"[areas.{area.id}]",
                f"areas.{area.id}.codes",
                unknown,
                "the Italian comuni (ISTAT 2023); codes are 6 digits, province + comune",
            )


REFERENCE_AREA_LAYER = "ispra_suolo_wide"
"""Layer with ISPRA's per-comune reference surface (``superficie_ha_derived``)."""


def _reference_area(catalog: Catalog) -> pd.Series | None:
    """ISPRA's reference surface (ha) per comune, None where the layer is absent."""
    try:
        wide = catalog.read(REFERENCE_AREA_LAYER)
    except (MissingFileError, MirrorNotFoundError, LayerNotAvailableError):
        return None
    return wide.set_index(KEY)["superficie_ha_derived"]


def load_area_comuni(catalog: Catalog, area: Area) -> gpd.GeoDataFrame:
    """Member comuni of a custom area with their geometry, from any Italian province.

    Lombardia comuni come from the Lombardia layer; others from the Italy layer, read only
    when needed.

    Raises
    ------
    UnknownCodeError
        If a code is in neither layer.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.load_territory(tt.Catalog())
    >>> som = tt.load_area_comuni(tt.Catalog(), territory.areas["som"])
    >>> som["pro_com_t"].tolist()[:2], som["cod_prov"].tolist()[4]  # Casorate Primo is in Pavia
    (['015247', '015024'], 18)
    """
    found = _read_codes(catalog, "lombardia_comuni", area.codes)
    missing = [c for c in area.codes if c not in set(found[KEY])]
    if missing:
        more = _read_codes(catalog, "italia_comuni", tuple(missing))
        found = pd.concat([found, more], ignore_index=True)
    missing = [c for c in area.codes if c not in set(found[KEY])]
    if missing:
        raise UnknownCodeError(
            f"area {area.id!r}",
            "codes",
            {c: area.codes.index(c) + 1 for c in missing},
            "the ISTAT 2023 comuni of Italy",
        )
    order = {code: i for i, code in enumerate(area.codes)}
    found = found.sort_values(KEY, key=lambda s: s.map(order)).reset_index(drop=True)
    return gpd.GeoDataFrame(found, geometry="geometry", crs=found.crs)


def _read_codes(catalog: Catalog, layer_id: str, codes: tuple[str, ...]) -> gpd.GeoDataFrame:
    frame = catalog.read(layer_id)
    return frame.loc[frame[KEY].isin(codes), [KEY, "comune", "cod_prov", "geometry"]]


def network_source(
    catalog: Catalog, cfg: AccessConfig, base: Path | None = None
) -> tuple[Path, str | None, tuple]:
    """The OSM file to use, its verified sha256 (catalogue files) and the extract's box."""
    if cfg.network:
        path = Path(cfg.network) if base is None else (base / cfg.network).resolve()
        return path, None, tuple(cfg.network_box) or osm_header_box(path)
    path = catalog.verify_checksum(NETWORK_LAYER)
    catalog.used[NETWORK_LAYER] = path
    manifest = catalog.manifest(NETWORK_LAYER)
    box = tuple(cfg.network_box) or manifest.bbox or osm_header_box(path)
    return path, manifest.sha256, box


def load_street_network(
    catalog: Catalog,
    cfg: AccessConfig,
    *,
    base: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[StreetNetwork, shapely.Geometry, Path]:
    """The street network of ``[access] network`` (else the catalogue's), its extent and file.

    Examples
    --------
    >>> import territorio as tt
    >>> catalog = tt.Catalog()
    >>> network, area, path = tt.load_street_network(catalog, tt.load_config()["access"])
    >>> path.name, network.n_nodes > 100_000, round(area.area / 1e6)  # km² of the 2015 extract
    ('milano_bbox_2015_highways.osm.bz2', True, 431)
    """
    path, sha, box = network_source(catalog, cfg, base)
    network = load_network(path, sha256=sha, progress=progress)
    return network, network_area(network, box), path


def _check_network(
    network: StreetNetwork, area: shapely.Geometry, territory: Territory, path: Path
) -> None:
    """Refuse a street file without streets, or one that lies outside the territory."""
    if network.n_nodes == 0 or len(network.u) == 0:
        raise ImplausibleInputError(
            f"{path}: no streets in the file; expected OSM ways tagged highway=* (an extract "
            "of the territory, e.g. Wikimedia Italia's province 015 or Geofabrik nord-ovest)",
            f"{path}: nessuna strada nel file; attese vie OSM con highway=* (un estratto del "
            "territorio, es. la provincia 015 di Wikimedia Italia o Geofabrik nord-ovest)",
        )
    outline = shapely.union_all(territory.outline.geometry.values)
    inside = shapely.area(shapely.intersection(area, outline)) if not area.is_empty else 0.0
    if inside <= 0.0:
        gap_km = shapely.distance(area, outline) / 1000
        gap_it = fmt_number(gap_km, "km", "it")
        raise ImplausibleInputError(
            f"{path}: the streets lie outside the territory ({gap_km:,.1f} km away); expected "
            "an OSM extract covering the comuni",
            f"{path}: le strade cadono fuori dal territorio (a {gap_it} km); atteso un "
            "estratto OSM che copra i comuni",
        )


def load_stations(catalog: Catalog, territory: Territory, cfg: AccessConfig) -> gpd.GeoDataFrame:
    """Interchange nodes merged into stations with LUM class and rail service (catalogue layers).

    Examples
    --------
    >>> import territorio as tt
    >>> catalog = tt.Catalog()
    >>> stations = tt.load_stations(catalog, tt.load_territory(catalog), tt.load_config()["access"])
    >>> len(stations), sorted(stations["classe_lum"].unique().tolist())
    (190, [1, 2, 3])
    """
    return build_stations(
        catalog.read("nodi_interscambio"),
        catalog.read("stazioni_ferroviarie"),
        catalog.read("gtfs_trenord_2023"),
        territory.comuni,
        merge_distance_m=cfg.merge_distance_m,
        class1_min_lines=cfg.class1_min_lines,
        min_peak_frequency=cfg.min_peak_frequency,
    )


def load_access(
    catalog: Catalog,
    territory: Territory,
    cfg: AccessConfig,
    *,
    base: Path | None = None,
    progress: Callable[[str], None] | None = None,
    population: PopulationModel | None = None,
    tile_km: float = 0.0,
    mapper: Mapper = embedded_map,
) -> AccessResult:
    """Read the network and the stations, then compute access with :func:`access_to_nodes`.

    Residents come from ``population`` (default: :func:`load_population_model` with the
    catalogue's GHSL grid), on cells of ``cfg.cell_m``. ``tile_km`` and ``mapper``: see
    :func:`access_to_nodes`.

    Examples
    --------
    >>> import territorio as tt
    >>> catalog, cfg = tt.Catalog(), tt.load_config()
    >>> result = tt.load_access(catalog, tt.load_territory(catalog), cfg["access"])
    >>> row = result.indicators.loc["015146"]  # Milano, inside the 2015 extract
    >>> row["accesso_metodo"], round(float(row["accesso_15min_piedi_pct"]), 1)
    ('stima', 79.5)
    """
    network, area, path = load_street_network(catalog, cfg, base=base, progress=progress)
    _check_network(network, area, territory, path)
    stations = load_stations(catalog, territory, cfg)
    population = population or load_population_model(catalog, territory)
    grid = population.grid(cfg.cell_m)
    return access_to_nodes(
        network,
        stations,
        grid,
        territory.comuni[KEY].to_numpy(),
        area=area,
        walk_speed_kmh=cfg.walk_speed_kmh,
        bike_speed_kmh=cfg.bike_speed_kmh,
        max_snap_m=cfg.max_snap_m,
        thresholds_min=cfg.thresholds_min,
        min_network_share=cfg.min_network_share,
        min_component_share=cfg.min_component_share,
        network_file=path,
        tile_m=tile_km * 1000.0,
        mapper=mapper,
    )


def sites_area(
    catalog: Catalog, territory: Territory, cfg: DigitalConfig
) -> tuple[shapely.Geometry, str]:
    """The area a register's sites must lie in, and its name."""
    if cfg.sites_area == "cmm":
        return shapely.union_all(territory.outline.geometry.values), "the CMM"
    if cfg.sites_area not in territory.areas:
        raise ConfigError(
            "<config>",
            "digital.sites_area",
            f"unknown area {cfg.sites_area!r}; known: cmm, {', '.join(territory.areas)}",
        )
    area = territory.areas[cfg.sites_area]
    return shapely.union_all(load_area_comuni(catalog, area).geometry.values), area.name


def load_register(
    catalog: Catalog, territory: Territory, cfg: DigitalConfig, path: Path | None = None
) -> gpd.GeoDataFrame | None:
    """The user's 5G site register (``[layers] cmm_siti_5g`` or ``path``), validated; else None."""
    path = path or catalog.overrides.get("cmm_siti_5g")
    if path is None:
        return None
    area, name = sites_area(catalog, territory, cfg)
    register = read_register(
        path,
        area=area,
        area_name=name,
        crs=cfg.sites_crs or None,
        radius_by_technology=cfg.radius_by_technology,
        small_cell_radius_m=cfg.small_cell_radius_m,
        comuni=territory.comuni[["pro_com_t", "comune", "geometry"]],
        default_technology=cfg.default_technology,
    )
    catalog.used["cmm_siti_5g"] = Path(path)
    return register


def load_candidates(
    catalog: Catalog, territory: Territory, cfg: DigitalConfig, extra: Path | None = None
) -> gpd.GeoDataFrame:
    """Candidate locations: CMM upper-secondary school sites and/or the user's file.

    Examples
    --------
    >>> import territorio as tt
    >>> catalog, cfg = tt.Catalog(), tt.load_config()
    >>> candidates = tt.load_candidates(catalog, tt.load_territory(catalog), cfg["digital"])
    >>> len(candidates), candidates["fonte"].iloc[0]
    (139, 'scuole_sedi (secondaria di II grado)')
    """
    area = shapely.union_all(territory.outline.geometry.values)
    frames = []
    if cfg.school_candidates:
        frames.append(school_candidates(catalog.read("scuole_sedi"), area))
    path = extra or (cfg.candidates and Path(cfg.candidates))
    if path:
        frames.append(read_candidates(path, area=area))
    if not frames:
        raise ConfigError(
            "<config>",
            "digital",
            "no candidates: enable school_candidates or give a candidates file",
        )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


GHSL_POPULATION = "ghsl_popolazione"
"""Catalogue layer of the default population grid (GHSL 2025 on H3 hexagons)."""


def load_population_model(
    catalog: Catalog,
    territory: Territory,
    cfg: PopulationConfig | None = None,
    *,
    base: Path | None = None,
) -> PopulationModel:
    """The population model of a run: ISTAT residents placed by the configured grid.

    Parameters
    ----------
    catalog, territory
        The run's catalogue and territory.
    cfg
        The ``[population]`` section (default: the GHSL grid of the catalogue, latest year).
    base
        Folder against which a relative ``grid`` path resolves.

    Raises
    ------
    ConfigError
        If ``year`` has no ISTAT population.

    Examples
    --------
    >>> import territorio as tt
    >>> catalog = tt.Catalog()
    >>> model = tt.load_population_model(catalog, tt.load_territory(catalog))
    >>> model.label("en")
    'ISTAT residents distributed by GHSL GHS-POP 2025 on H3 hexagons (r9) (1/1/2024)'
    >>> grid = model.grid(100.0)
    >>> round(float(grid.residents.sum())), len(grid.uniform_zones)  # ISTAT total, kept exactly
    (3245459, 0)
    """
    cfg = cfg or PopulationConfig()
    year = cfg.year or territory.latest_year
    if year not in territory.population_years:
        raise ConfigError(
            "<config>",
            "population.year",
            f"no ISTAT population for {year}; available: {list(territory.population_years)}",
        )
    residents = territory.population(year)
    if cfg.uniform:
        return PopulationModel(territory.comuni, residents, year, None)
    if cfg.grid:
        path = Path(cfg.grid).expanduser()
        if not path.is_absolute() and base is not None:
            path = (base / path).resolve()
        density = read_population_density(path, column=cfg.column, band=cfg.band)
        source = path.name
    else:
        manifest = catalog.manifest(GHSL_POPULATION)
        frame = catalog.read(GHSL_POPULATION)
        label = {
            "it": "GHSL GHS-POP 2025 su esagoni H3 (r9)",
            "en": "GHSL GHS-POP 2025 on H3 hexagons (r9)",
        }
        density = polygon_density(
            frame, manifest.columns[0], label, source=str(catalog.path(GHSL_POPULATION))
        )
        source = GHSL_POPULATION
    model = PopulationModel(territory.comuni, residents, year, density, source)
    if cfg.grid and len(model.uniform_codes()) == len(territory.comuni):
        raise ImplausibleInputError(
            f"{cfg.grid}: the population grid has nobody in any comune of the territory (all "
            "nodata, zero, or outside it: is its CRS right?); expected people per cell or "
            "pixel over the territory",
            f"{cfg.grid}: la griglia di popolazione non ha nessuno in alcun comune del "
            "territorio (tutta nodata, zero, o fuori: il suo CRS è giusto?); attese persone "
            "per cella o pixel sul territorio",
        )
    return model
