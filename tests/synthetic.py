"""Synthetic layer mirror built in code: the frames of :mod:`territorio.datasets` on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

from territorio.datasets import *  # noqa: F403 - the frames and constants of the territory
from territorio.datasets import (
    EVIL,
    NAMES,
    agcom_frame,
    bul_frame,
    comuni_frame,
    ghsl_frame,
    gtfs_files,
    hospitals_frame,
    ispra_frames,
    lombarde_frame,
    osm_grid_xml,
    outline_frame,
    park_frame,
    pharmacies_frame,
    pnrr_frame,
    population_frame,
    rail_frame,
    satellite_arrays,
    schools_frame,
    stations_frame,
    stop_layer_frame,
    zones_frame,
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(layers: Path, mirror: Path, **fields: object) -> Path:
    """Write a manifest for a file already in the mirror, with its real checksum."""
    # a title as a publisher would write it, never the layer id
    title = str(fields["id"]).replace("_", " ").capitalize() + " (prova)"
    fields.setdefault("title", {"it": title, "en": title})
    for key, value in {
        "theme": "territorio",
        "status": "real",
        "publisher": "Test",
        "source_url": "https://example.org",
        "licence": "CC BY 4.0",
        "date": "2024-01-01",
    }.items():
        fields.setdefault(key, value)
    fields.setdefault("sha256", sha256(mirror / str(fields["path"])))
    lines = []
    for key, value in fields.items():
        if key == "title":
            lines.append(f'title = {{ it = "{value["it"]}", en = "{value["en"]}" }}')
        elif isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        elif isinstance(value, list | tuple):
            lines.append(
                f"{key} = [{', '.join(repr(str(v)).replace(chr(39), chr(34)) for v in value)}]"
            )
        else:
            lines.append(f'{key} = "{value}"')
    path = layers / f"{fields['id']}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_mirror(root: Path, *, evil: bool = False) -> tuple[Path, Path]:
    """Write the synthetic mirror and its catalogue under ``root``; return (mirror, layers).

    With ``evil`` the first comune and the first school are named ``<script>alert(1)</script>``.
    """
    mirror = root / "mirror"
    layers = root / "layers"
    (mirror / "boundaries").mkdir(parents=True)
    (mirror / "landuse").mkdir()
    (mirror / "templates").mkdir()
    layers.mkdir()
    gpkg = mirror / "boundaries" / "comuni.gpkg"
    names = [EVIL, *NAMES[1:]] if evil else None
    comuni_frame(names).to_file(gpkg, layer="comuni", driver="GPKG")
    outline_frame().to_file(gpkg, layer="cmm_confine", driver="GPKG")
    population_frame().to_csv(mirror / "landuse" / "popolazione.csv", index=False)
    park_frame().to_csv(mirror / "boundaries" / "parco.csv", index=False)
    zones_frame().to_csv(mirror / "boundaries" / "zone.csv", index=False)
    (mirror / "templates" / "siti_TEMPLATE.csv").write_text("site_id,com_istat_code,lon,lat\n")
    (mirror / "services").mkdir()
    agcom_frame().to_csv(mirror / "services" / "agcom.csv", index=False)
    bul_frame().to_csv(mirror / "services" / "bul.csv", index=False)
    schools_frame(EVIL if evil else "Liceo Uno").to_file(
        mirror / "services" / "schools.gpkg", layer="scuole_statali_sedi", driver="GPKG"
    )
    (mirror / "templates" / "accordi_TEMPLATE.csv").write_text(
        "com_istat_code,accordo_fibra,data_accordo,stato_collegamento,n_sedi_collegate\n"
    )
    hospitals_frame().to_file(
        mirror / "services" / "health.gpkg", layer="strutture_ricovero", driver="GPKG"
    )
    pharmacies_frame().to_file(mirror / "services" / "health.gpkg", layer="farmacie", driver="GPKG")
    lombarde_frame().to_file(
        mirror / "services" / "schools.gpkg", layer="sedi_scolastiche_lombarde", driver="GPKG"
    )
    pnrr_frame().to_csv(mirror / "services" / "pnrr.csv", index=False)
    (mirror / "mobility").mkdir()
    (mirror / "mobility" / "strade.osm").write_text(osm_grid_xml(), encoding="utf-8")
    stations_frame().to_file(
        mirror / "mobility" / "nodi.gpkg", layer="interchange_nodes", driver="GPKG"
    )
    rail_frame().to_file(mirror / "mobility" / "rail.gpkg", layer="rail", driver="GPKG")
    import zipfile

    for name in ("gtfs.zip", "gtfs_atm.zip"):
        with zipfile.ZipFile(mirror / "mobility" / name, "w") as archive:
            for table, text in gtfs_files().items():
                archive.writestr(table, text)
    for mode in ("tram", "bus"):
        stop_layer_frame(mode).to_file(
            mirror / "mobility" / "stops.gpkg", layer=f"{mode}_stops", driver="GPKG"
        )
    stock, wide, flows = ispra_frames()
    stock.to_csv(mirror / "landuse" / "stock.csv", index=False)
    wide.to_csv(mirror / "landuse" / "wide.csv", index=False)
    flows.to_csv(mirror / "landuse" / "flows.csv", index=False)

    write_manifest(
        layers,
        mirror,
        id="cmm_comuni",
        kind="vector",
        path="boundaries/comuni.gpkg",
        layer="comuni",
        crs="EPSG:32632",
        key="pro_com_t",
        key_unique=True,
        expected_count=9,
        columns=["pro_com_t", "comune"],
    )
    write_manifest(
        layers,
        mirror,
        id="cmm_confine",
        kind="vector",
        path="boundaries/comuni.gpkg",
        layer="cmm_confine",
        crs="EPSG:32632",
        expected_count=1,
    )
    write_manifest(
        layers,
        mirror,
        id="istat_popolazione",
        kind="table",
        path="landuse/popolazione.csv",
        key="pro_com_t",
        expected_count=18,
        columns=["pro_com_t", "ref_date", "pop_total"],
    )
    write_manifest(
        layers,
        mirror,
        id="parco_sud_comuni",
        kind="table",
        path="boundaries/parco.csv",
        key="pro_com_t",
        key_unique=True,
        expected_count=3,
        columns=["pro_com_t"],
    )
    write_manifest(
        layers,
        mirror,
        id="zone_omogenee",
        kind="table",
        path="boundaries/zone.csv",
        key="pro_com_t",
        key_unique=True,
        expected_count=9,
        status="partial",
        columns=["pro_com_t", "zona_omogenea"],
    )
    write_manifest(
        layers,
        mirror,
        id="cmm_siti_5g",
        kind="table",
        status="template-only",
        path="templates/siti_TEMPLATE.csv",
        key="com_istat_code",
        columns=["site_id", "com_istat_code", "lon", "lat"],
    )
    for layer_id, name, count in (
        ("ispra_suolo_stock", "stock", 108),
        ("ispra_suolo_wide", "wide", 9),
        ("ispra_suolo_flussi", "flows", 99),
    ):
        write_manifest(
            layers,
            mirror,
            id=layer_id,
            kind="table",
            path=f"landuse/{name}.csv",
            key="pro_com_t",
            expected_count=count,
            theme="suolo",
        )
    ghsl_frame().to_file(mirror / "landuse" / "ghsl.gpkg", layer="pop_h3r9", driver="GPKG")
    write_manifest(
        layers,
        mirror,
        id="ghsl_popolazione",
        kind="vector",
        path="landuse/ghsl.gpkg",
        layer="pop_h3r9",
        crs="EPSG:32632",
        key="pro_com_t",
        expected_count=36,
        status="partial",
        columns=["pop_ghsl"],
    )
    write_satellite(mirror, layers)
    write_manifest(
        layers,
        mirror,
        id="agcom_rete_fissa",
        kind="table",
        path="services/agcom.csv",
        key="com_istat_code",
        expected_count=18,
        theme="digitale",
    )
    write_manifest(
        layers,
        mirror,
        id="infratel_bul",
        kind="table",
        path="services/bul.csv",
        key="com_istat_code",
        expected_count=2,
        theme="digitale",
    )
    write_manifest(
        layers,
        mirror,
        id="scuole_sedi",
        kind="vector",
        path="services/schools.gpkg",
        layer="scuole_statali_sedi",
        crs="EPSG:4326",
        key="com_istat_code",
        expected_count=4,
        theme="servizi",
    )
    write_manifest(
        layers,
        mirror,
        id="cmm_accordi_fibra",
        kind="table",
        status="template-only",
        path="templates/accordi_TEMPLATE.csv",
        key="com_istat_code",
        key_unique=True,
        columns=["com_istat_code", "accordo_fibra"],
        theme="digitale",
    )
    for layer_id, kind, path, layer, count in (
        ("ospedali", "vector", "services/health.gpkg", "strutture_ricovero", 1),
        ("farmacie", "vector", "services/health.gpkg", "farmacie", 5),
        ("scuole_lombarde", "vector", "services/schools.gpkg", "sedi_scolastiche_lombarde", 4),
        ("pnrr_case_comunita", "table", "services/pnrr.csv", "", 4),
        ("osm_milano_2015_highways", "network", "mobility/strade.osm", "", 53),
        ("nodi_interscambio", "vector", "mobility/nodi.gpkg", "interchange_nodes", 4),
        ("stazioni_ferroviarie", "vector", "mobility/rail.gpkg", "rail", 2),
        ("gtfs_trenord_2023", "gtfs", "mobility/gtfs.zip", "", 2),
        ("gtfs_atm_2014", "gtfs", "mobility/gtfs_atm.zip", "", 2),
        ("fermate_tram", "vector", "mobility/stops.gpkg", "tram_stops", 2),
        ("fermate_bus", "vector", "mobility/stops.gpkg", "bus_stops", 4),
    ):
        extra = {"layer": layer, "crs": "EPSG:4326"} if kind == "vector" else {}
        if layer_id in ("farmacie", "scuole_lombarde", "pnrr_case_comunita"):
            extra["key"] = "com_istat_code"
        if layer_id == "osm_milano_2015_highways":  # as the real manifest: ODbL
            extra.update(publisher="OpenStreetMap contributors", licence="ODbL 1.0")
        write_manifest(
            layers,
            mirror,
            id=layer_id,
            kind=kind,
            path=path,
            theme="mobilita",
            expected_count=count,
            **extra,
        )
    return mirror, layers


def write_satellite(mirror: Path, layers: Path) -> None:
    """The four 100 m rasters of :func:`territorio.datasets.satellite_arrays` as GeoTIFFs."""
    import rasterio
    from rasterio.transform import from_origin

    from territorio.datasets import ORIGIN_X, ORIGIN_Y, SATELLITE_CELL, SATELLITE_NODATA, SIDE

    arrays = satellite_arrays()
    transform = from_origin(ORIGIN_X, ORIGIN_Y + 3 * SIDE, SATELLITE_CELL, SATELLITE_CELL)
    from territorio.steps.suolo import SATELLITE_LAYERS

    for name, layer_id in SATELLITE_LAYERS.items():
        data = arrays[name]
        path = f"landuse/{name}.tif"
        with rasterio.open(
            mirror / path,
            "w",
            driver="GTiff",
            width=data.shape[1],
            height=data.shape[0],
            count=1,
            dtype="float32",
            crs="EPSG:32632",
            transform=transform,
            nodata=SATELLITE_NODATA[name],
        ) as dst:
            dst.write(data, 1)
        write_manifest(
            layers,
            mirror,
            id=layer_id,
            kind="raster",
            path=path,
            crs="EPSG:32632",
            expected_count=1,
            status="partial",
            theme="suolo",
        )


def write_grid(path: Path, data, transform, *, crs="EPSG:32632", nodata=255) -> Path:
    """One band as a tiled GeoTIFF (64-pixel blocks, so block-wise reading is exercised)."""
    import rasterio

    profile = dict(
        driver="GTiff",
        width=data.shape[1],
        height=data.shape[0],
        count=1,
        dtype=str(data.dtype),
        crs=crs,
        transform=transform,
        nodata=nodata,
        tiled=True,
        blockxsize=64,
        blockysize=64,
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def write_pbf(xml: Path, pbf: Path) -> Path:
    """The nodes and ways of an OSM XML file rewritten as PBF (pyosmium)."""
    import osmium

    writer = osmium.SimpleWriter(str(pbf))
    try:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add_node(obj) if obj.is_node() else writer.add_way(obj)
    finally:
        writer.close()
    return pbf
