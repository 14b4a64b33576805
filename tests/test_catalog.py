from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from territorio.catalog import Catalog, load_manifests
from territorio.errors import (
    ChecksumMismatchError,
    CountMismatchWarning,
    CRSError,
    DuplicateCodeError,
    LayerNotAvailableError,
    MirrorNotFoundError,
    MissingColumnError,
    MissingFileError,
    UnknownLayerError,
    UnreadableFileError,
)
from territorio.mirror import catalogue_dir, resolve_mirror

from .synthetic import sha256, write_manifest


def test_lists_layers_sorted(catalog):
    assert catalog.ids() == sorted(catalog.ids())
    assert "cmm_comuni" in catalog.ids()


def test_unknown_layer_suggests_closest(catalog):
    with pytest.raises(UnknownLayerError) as info:
        catalog.manifest("cmm_comune")
    assert "cmm_comuni" in info.value.suggestions
    assert "Did you mean" in str(info.value)


def test_read_vector_reprojects_and_normalises(catalog):
    comuni = catalog.read("cmm_comuni")
    assert comuni.crs.to_epsg() == 32632
    assert comuni["pro_com_t"].str.len().eq(6).all()
    assert "cmm_comuni" in catalog.used


def test_read_table_normalises_key(catalog):
    pop = catalog.read("istat_popolazione")
    assert pop["pro_com_t"].iloc[0] == "015001"


def test_checksum_mismatch(synthetic):
    mirror, layers = synthetic
    path = mirror / "landuse" / "popolazione.csv"
    path.write_text(path.read_text() + "015001,Alfa,2025-01-01,1\n")
    with pytest.raises(ChecksumMismatchError) as info:
        Catalog(mirror, layers_dir=layers).read("istat_popolazione")
    assert str(path) in str(info.value) and "expected sha256" in str(info.value)


def test_missing_file(synthetic):
    mirror, layers = synthetic
    (mirror / "boundaries" / "parco.csv").unlink()
    with pytest.raises(MissingFileError, match="parco.csv"):
        Catalog(mirror, layers_dir=layers).read("parco_sud_comuni")


def test_unreadable_vector(synthetic):
    mirror, layers = synthetic
    (mirror / "bad.gpkg").write_bytes(b"this is not a geopackage")
    write_manifest(layers, mirror, id="bad", kind="vector", path="bad.gpkg", layer="x")
    with pytest.raises(UnreadableFileError, match="bad.gpkg"):
        Catalog(mirror, layers_dir=layers).read("bad")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_layer_without_crs(synthetic):
    mirror, layers = synthetic
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)])
    frame.to_file(mirror / "nocrs.gpkg", layer="p", driver="GPKG")
    write_manifest(layers, mirror, id="nocrs", kind="vector", path="nocrs.gpkg", layer="p")
    with pytest.raises(CRSError, match="no coordinate reference system"):
        Catalog(mirror, layers_dir=layers).read("nocrs")


def test_layer_with_wrong_crs(synthetic):
    mirror, layers = synthetic
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(9.19, 45.46)], crs="EPSG:4326")
    frame.to_file(mirror / "wgs.gpkg", layer="p", driver="GPKG")
    write_manifest(
        layers, mirror, id="wgs", kind="vector", path="wgs.gpkg", layer="p", crs="EPSG:32632"
    )
    with pytest.raises(CRSError, match="expected EPSG:32632"):
        Catalog(mirror, layers_dir=layers).read("wgs")


def test_count_mismatch_warns(synthetic):
    mirror, layers = synthetic
    write_manifest(
        layers,
        mirror,
        id="parco_sud_comuni",
        kind="table",
        path="boundaries/parco.csv",
        key="pro_com_t",
        expected_count=4,
    )
    with pytest.warns(CountMismatchWarning, match="3 features/rows, the catalogue expects 4"):
        Catalog(mirror, layers_dir=layers).read("parco_sud_comuni")


def test_duplicate_code_in_unique_layer(synthetic):
    mirror, layers = synthetic
    path = mirror / "boundaries" / "parco.csv"
    path.write_text(path.read_text() + "15001,Alfa\n")
    write_manifest(
        layers,
        mirror,
        id="parco_sud_comuni",
        kind="table",
        path="boundaries/parco.csv",
        key="pro_com_t",
        key_unique=True,
    )
    with pytest.raises(DuplicateCodeError, match=r"015001 at rows \[1, 4\]"):
        Catalog(mirror, layers_dir=layers).read("parco_sud_comuni")


def test_template_only_layer_needs_a_user_file(catalog):
    with pytest.raises(LayerNotAvailableError, match="cmm_siti_5g") as info:
        catalog.read("cmm_siti_5g")
    assert "siti_TEMPLATE.csv" in str(info.value)


def test_user_file_replaces_layer_and_is_validated(synthetic, tmp_path):
    mirror, layers = synthetic
    good = tmp_path / "siti.csv"
    good.write_text("site_id;com_istat_code;lon;lat\nA;15001;9.1;45.4\n")  # semicolons, short code
    sites = Catalog(mirror, layers_dir=layers, overrides={"cmm_siti_5g": good}).read("cmm_siti_5g")
    assert sites["pro_com_t"].tolist() == ["015001"]

    bad = tmp_path / "siti_bad.csv"
    bad.write_text("site_id,com_istat_code,lon\nA,15001,9.1\n")
    with pytest.raises(MissingColumnError) as info:
        Catalog(mirror, layers_dir=layers, overrides={"cmm_siti_5g": bad}).read("cmm_siti_5g")
    assert "'lat'" in str(info.value) and "siti_bad.csv" in str(info.value)


def test_user_vector_in_another_crs_is_reprojected(synthetic, tmp_path):
    mirror, layers = synthetic
    from .synthetic import comuni_frame

    user = tmp_path / "my_comuni.gpkg"
    comuni_frame().to_crs(4326).to_file(user, driver="GPKG")
    read = Catalog(mirror, layers_dir=layers, overrides={"cmm_comuni": user}).read("cmm_comuni")
    assert read.crs.to_epsg() == 32632
    assert read.geometry.area.sum() == pytest.approx(9e6, rel=1e-4)


def test_override_of_unknown_layer_fails_early(synthetic, tmp_path):
    mirror, layers = synthetic
    with pytest.raises(UnknownLayerError):
        Catalog(mirror, layers_dir=layers, overrides={"nope": tmp_path / "x.csv"})


def test_check_reports_every_problem(synthetic):
    mirror, layers = synthetic
    assert not [s for s in Catalog(mirror, layers_dir=layers).check() if s.problem]
    (mirror / "boundaries" / "zone.csv").write_text("pro_com_t,zona_omogenea\n")
    problems = {
        s.manifest.id: s.problem for s in Catalog(mirror, layers_dir=layers).check() if s.problem
    }
    assert problems == {"zone_omogenee": "checksum mismatch"}


def test_check_reports_count_mismatch(synthetic):
    mirror, layers = synthetic
    write_manifest(
        layers,
        mirror,
        id="cmm_confine",
        kind="vector",
        path="boundaries/comuni.gpkg",
        layer="cmm_confine",
        crs="EPSG:32632",
        expected_count=2,
    )
    problems = {
        s.manifest.id: s.problem for s in Catalog(mirror, layers_dir=layers).check() if s.problem
    }
    assert "expects 2" in problems["cmm_confine"]


def test_mirror_resolution_order(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    env = {"TERRITORIO_DATA": str(b)}
    assert resolve_mirror(a, env=env).path == a.resolve()
    assert resolve_mirror(None, env=env).how.startswith("environment")
    with pytest.raises(MirrorNotFoundError) as info:
        resolve_mirror(tmp_path / "missing", env={})
    assert "TERRITORIO_DATA" in str(info.value) and "missing" in str(info.value)
    with pytest.raises(MirrorNotFoundError):
        resolve_mirror(None, env={"TERRITORIO_DATA": str(tmp_path / "nothing")})


def test_mirror_falls_back_to_user_cache(tmp_path, monkeypatch):
    import territorio.mirror as mirror_module

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setattr(mirror_module, "PROJECT_ROOT", None)
    monkeypatch.chdir(tmp_path)
    found = resolve_mirror(None, env={"TERRITORIO_CACHE": str(cache)})
    assert found.path == cache.resolve() and found.how == "user cache"
    cache.rmdir()
    with pytest.raises(MirrorNotFoundError, match="user cache"):
        resolve_mirror(None, env={"TERRITORIO_CACHE": str(cache)})


def test_fetch_checks_sha256_and_leaves_nothing_on_mismatch(synthetic, tmp_path):
    mirror, layers = synthetic
    source = tmp_path / "published.csv"
    shutil.copy(mirror / "boundaries" / "parco.csv", source)
    write_manifest(
        layers,
        mirror,
        id="parco_sud_comuni",
        kind="table",
        path="boundaries/parco.csv",
        key="pro_com_t",
        download_url=source.as_uri(),
    )
    cache = tmp_path / "cache"
    fetched = Catalog(mirror, layers_dir=layers).fetch("parco_sud_comuni", cache=cache)
    assert sha256(fetched) == sha256(mirror / "boundaries" / "parco.csv")

    source.write_text("pro_com_t\n015009\n")
    other = tmp_path / "cache2"
    with pytest.raises(ChecksumMismatchError):
        Catalog(mirror, layers_dir=layers).fetch("parco_sud_comuni", cache=other)
    assert not [p for p in other.rglob("*") if p.is_file()]


def test_fetch_without_download_url_says_why(catalog, tmp_path):
    with pytest.raises(UnreadableFileError, match="no byte-identical direct download"):
        catalog.fetch("cmm_comuni", cache=tmp_path)


def test_table_in_windows_1252_with_semicolons(synthetic, tmp_path):
    mirror, layers = synthetic
    user = tmp_path / "zone.csv"
    user.write_bytes("pro_com_t;zona_omogenea\n15001;Città Ovest\n".encode("cp1252"))
    zones = Catalog(mirror, layers_dir=layers, overrides={"zone_omogenee": user}).read(
        "zone_omogenee"
    )
    assert zones["zona_omogenea"].tolist() == ["Città Ovest"]


def test_project_catalogue_manifests_are_well_formed():
    manifests = load_manifests(catalogue_dir())
    assert len(manifests) >= 30
    statuses = {m.status for m in manifests.values()}
    assert statuses == {"real", "partial", "template-only"}
    for m in manifests.values():
        assert m.title.get("it") and m.title.get("en"), m.id
        assert m.licence and m.publisher and m.source_url.startswith("https://"), m.id
        if m.kind == "vector":
            assert m.crs and m.layer, m.id
    templates = {m.id for m in manifests.values() if m.is_template}
    assert templates == {"cmm_siti_5g", "cmm_accordi_fibra"}


def test_manifest_with_unknown_key_is_rejected(synthetic):
    from territorio.errors import ConfigError

    mirror, layers = synthetic
    write_manifest(
        layers, mirror, id="odd", kind="table", path="boundaries/parco.csv", colour="red"
    )
    with pytest.raises(ConfigError, match="unknown key"):
        Catalog(mirror, layers_dir=layers)


def test_gtfs_and_json_readers(tmp_path):
    import json
    import zipfile

    from territorio.readers import Expectation, read_gtfs, read_json

    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\n1,A,45.4,9.1\n")
        z.writestr("routes.txt", "route_id,route_short_name\nR1,S1\n")
    feed = read_gtfs(archive, Expectation("feed", columns=("stops", "routes")))
    assert feed["stops"]["stop_id"].tolist() == ["1"]
    with pytest.raises(MissingColumnError, match="trips"):
        read_gtfs(archive, Expectation("feed", columns=("trips",)))
    (tmp_path / "d.json").write_text(json.dumps({"015001": [1]}))
    assert read_json(tmp_path / "d.json", Expectation("d")) == {"015001": [1]}
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(UnreadableFileError, match="JSON"):
        read_json(tmp_path / "bad.json", Expectation("bad"))


def test_raster_reader_requires_crs(tmp_path):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    from territorio.readers import Expectation, open_raster

    path = tmp_path / "r.tif"
    profile = dict(
        driver="GTiff",
        width=2,
        height=2,
        count=1,
        dtype="uint8",
        transform=from_origin(500000, 5030000, 10, 10),
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.ones((1, 2, 2), dtype="uint8"))
    with pytest.raises(CRSError, match="no coordinate reference system"):
        open_raster(path, Expectation("r"))
    with rasterio.open(path, "r+") as dst:
        dst.crs = "EPSG:32632"
    with open_raster(path, Expectation("r", crs="EPSG:32632")) as dataset:
        assert dataset.read(1).sum() == 4


def test_network_reader_rejects_pbf(tmp_path):
    from territorio.readers import Expectation, read_network

    (tmp_path / "x.osm.pbf").write_bytes(b"\x00")
    with pytest.raises(UnreadableFileError, match="convert a .pbf"):
        read_network(tmp_path / "x.osm.pbf", Expectation("x"))


def test_pandas_reads_keep_codes_as_text(catalog):
    frame = catalog.read("parco_sud_comuni")
    assert isinstance(frame, pd.DataFrame)
    assert frame["pro_com_t"].tolist() == ["015001", "015002", "015004"]
