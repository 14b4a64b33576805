from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from territorio.config import load_config
from territorio.errors import (
    ConfigError,
    CRSError,
    InvalidValueError,
    MissingColumnError,
    TerritorioError,
    UnknownCodeError,
)
from territorio.land import monitoring, thresholds
from territorio.land.charts import series_svg
from territorio.readers import Expectation, open_raster, read_ambiti, read_indicators
from territorio.runner import run_pipeline
from territorio.zonal import ArrayRaster, ConsumedRule, GridMismatchError, zonal_consumed

from . import synthetic as syn

PIXEL = 10.0
EXAMPLE = (
    Path(__file__).resolve().parents[1] / "examples" / "ambiti_trasformazione_ESEMPIO_FITTIZIO.csv"
)

# -- monitoring -----------------------------------------------------------------------------


def stock_frame():
    rows = []
    for code, (a, b, c) in {"015001": (100.0, 118.0, 127.0), "015002": (50.0, 50.0, 47.0)}.items():
        for year, value in ((2006, a), (2015, b), (2024, c)):
            rows.append({"pro_com_t": code, "year": year, "consumed_ha": value})
    return pd.DataFrame(rows)


def test_monitoring_indicators_known_values():
    area = pd.Series({"015001": 1000.0, "015002": 500.0})
    pop = pd.DataFrame({"popolazione_2024": [10_000, 5_000]}, index=["015001", "015002"])
    out = monitoring.monitoring_indicators(stock_frame(), area, pop)
    row = out.loc["015001"]
    assert row["suolo_consumato_2024_pct"] == pytest.approx(12.7)
    assert row["suolo_consumato_2024_m2_ab"] == pytest.approx(127.0)  # 127 ha / 10,000 ab.
    assert row["consumo_netto_2015_2024_ha"] == pytest.approx(9.0)
    assert row["consumo_netto_medio_annuo_2006_2015_ha"] == pytest.approx(2.0)
    assert row["consumo_netto_medio_annuo_2015_2024_ha"] == pytest.approx(1.0)
    assert row["variazione_dal_2015_pct"] == pytest.approx(100 * 9 / 118)
    assert out.loc["015002", "consumo_netto_2015_2024_ha"] == pytest.approx(-3.0)


def test_series_has_m2_per_resident_only_where_population_exists():
    area = pd.Series({"015001": 1000.0, "015002": 500.0})
    pop = pd.DataFrame({"popolazione_2024": [10_000, 5_000]}, index=["015001", "015002"])
    series = monitoring.stock_series(stock_frame(), area, pop)
    assert len(series) == 6
    assert series.loc[series["anno"] == 2006, "suolo_consumato_m2_ab"].isna().all()
    assert series.loc[series["anno"] == 2024, "suolo_consumato_m2_ab"].notna().all()


def test_group_series_is_ratio_of_sums():
    from territorio.territory import Group

    area = pd.Series({"015001": 1000.0, "015002": 500.0})
    pop = pd.DataFrame({"popolazione_2024": [10_000, 5_000]}, index=["015001", "015002"])
    series = monitoring.stock_series(stock_frame(), area, pop)
    groups = monitoring.group_series(
        series, area, pop, [Group("g", "area", "G", ("015001", "015002"))]
    )
    row = groups[groups["anno"] == 2024].iloc[0]
    assert row["suolo_consumato_pct"] == pytest.approx(100 * 174 / 1500)


# -- thresholds -----------------------------------------------------------------------------


def ambiti(**changes):
    frame = pd.DataFrame(
        {
            "pro_com_t": ["15001", "015001", "015002", "015003"],
            "funzione": ["residenziale", "Altro", "residenziale", "residenziale"],
            "superficie_2014_ha": [40.0, 10.0, 20.0, 0.0],
            "superficie_vigente_ha": [29.0, 9.0, 22.0, 0.0],
        }
    )
    for column, (row, value) in changes.items():
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    return frame


def test_threshold_check_known_answers():
    table = thresholds.validate_ambiti(ambiti(), syn.CODES, source="a.csv")
    rules = thresholds.Thresholds(residential_by_comune={"015002": 30.0})
    checked = thresholds.check_thresholds(table, rules).set_index(["pro_com_t", "funzione"])
    res = checked.loc[("015001", "residenziale")]
    assert res["riduzione_pct"] == pytest.approx(27.5)
    assert res["esito"] == "rispettata" and res["deficit_ha"] == 0
    other = checked.loc[("015001", "altro")]
    assert other["soglia_pct"] == 20 and other["esito"] == "non rispettata"
    assert other["deficit_ha"] == pytest.approx(1.0)  # 9 - 10 × 0.8
    grown = checked.loc[("015002", "residenziale")]
    assert grown["incremento"] and grown["soglia_pct"] == 30
    assert grown["riduzione_pct"] == pytest.approx(-10.0)
    assert grown["deficit_ha"] == pytest.approx(22 - 14)
    assert checked.loc[("015003", "residenziale"), "esito"] == "nessun ambito"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"pro_com_t": (2, "015099")}, UnknownCodeError, r"015099 \(row 3\)"),
        (
            {"superficie_vigente_ha": (1, -2)},
            InvalidValueError,
            r"row 2, column 'superficie_vigente_ha'",
        ),
        (
            {"superficie_2014_ha": (0, "tanti")},
            InvalidValueError,
            r"row 1, column 'superficie_2014_ha'",
        ),
        (
            {"funzione": (3, "commerciale")},
            InvalidValueError,
            r"row 4, column 'funzione'.*residenziale or altro",
        ),
        ({"funzione": (1, "residenziale")}, TerritorioError, r"rows \[1, 2\] repeat"),
    ],
)
def test_ambiti_validation_errors(changes, error, message):
    with pytest.raises(error, match=message):
        thresholds.validate_ambiti(ambiti(**changes), syn.CODES, source="a.csv")


def test_ambiti_missing_column(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("pro_com_t,funzione,superficie_2014_ha\n015001,altro,3\n")
    with pytest.raises(MissingColumnError, match="superficie_vigente_ha"):
        read_ambiti(path, syn.CODES)


def test_threshold_config_validation(tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text('[land]\nsoglie_residenziali_comuni = { "015146" = 35.0 }\n')
    with pytest.raises(ConfigError, match=r"015146 = 35.0 % is outside the PTM range 25.0-30.0"):
        load_config(cfg)
    cfg.write_text('[land]\nsource = "raster"\n')
    with pytest.raises(ConfigError, match="needs at least one file"):
        load_config(cfg)


def test_example_file_is_marked_and_valid():
    assert "ESEMPIO_FITTIZIO" in EXAMPLE.name
    frame = pd.read_csv(EXAMPLE, dtype={"pro_com_t": str})
    assert list(frame.columns) == list(thresholds.TEMPLATE_COLUMNS)
    assert thresholds.TEMPLATE_FILE.read_text().strip() == ",".join(thresholds.TEMPLATE_COLUMNS)


# -- raster zonal statistics ----------------------------------------------------------------

CONSUMED = [
    Point(syn.ORIGIN_X + 1500, syn.ORIGIN_Y + 1500).buffer(300),  # inside comune 015005
    box(
        syn.ORIGIN_X + 700, syn.ORIGIN_Y + 200, syn.ORIGIN_X + 1300, syn.ORIGIN_Y + 500
    ),  # 015001/2
]


def write_raster(
    path,
    polygons,
    *,
    crs="EPSG:32632",
    origin=(syn.ORIGIN_X - 100, syn.ORIGIN_Y + 3100),
    size=(320, 320),
    nodata=255,
    fill=0,
    dtype="uint8",
    value=1,
):
    transform = from_origin(origin[0], origin[1], PIXEL, PIXEL)
    data = np.full(size, fill, dtype=dtype)
    if polygons:
        burned = rasterize(
            ((p, value) for p in polygons), out_shape=size, transform=transform, fill=0, dtype=dtype
        )
        data = np.where(burned > 0, burned, data).astype(dtype)
    profile = dict(
        driver="GTiff",
        width=size[1],
        height=size[0],
        count=1,
        dtype=dtype,
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


def zonal_files(paths, zones, **options):
    """zonal_consumed on GeoTIFFs opened through the readers (as the land step does)."""
    opened = [open_raster(Path(p), Expectation(label=str(p))) for p in paths]
    try:
        return zonal_consumed(opened, zones, **options)
    finally:
        for src in opened:
            src.close()


def expected_ha(comuni):
    inter = [shapely.intersection(g, shapely.union_all(CONSUMED)) for g in comuni.geometry]
    area = np.array([shapely.area(g) for g in inter]) / 10_000
    tolerance = np.array([shapely.length(g) for g in inter]) / PIXEL * PIXEL**2 / 10_000
    return area, tolerance


def test_rasterised_polygons_return_their_areas(tmp_path):
    comuni = syn.comuni_frame()
    path = write_raster(tmp_path / "r.tif", CONSUMED)
    result = zonal_files([path], comuni, labels=[2024])
    area, tolerance = expected_ha(comuni)
    got = result.set_index("pro_com_t").loc[syn.CODES, "consumed_ha"].to_numpy()
    assert np.all(np.abs(got - area) <= tolerance + 1e-9)
    assert got[4] == pytest.approx(np.pi * 300**2 / 10_000, rel=0.02)
    assert got[0] > 0 and got[1] > 0 and got[2] == 0
    assert result["covered_share"].to_numpy() == pytest.approx(1.0)


def test_sum_over_comuni_equals_raster_total_inside_outline(tmp_path):
    comuni = syn.comuni_frame()
    path = write_raster(
        tmp_path / "r.tif",
        [*CONSUMED, box(syn.ORIGIN_X - 90, syn.ORIGIN_Y, syn.ORIGIN_X, syn.ORIGIN_Y + 50)],
    )
    total = zonal_files([path], comuni)["consumed_ha"].sum()
    outline = syn.outline_frame().assign(pro_com_t="cmm")
    assert total == pytest.approx(zonal_files([path], outline)["consumed_ha"].sum())
    with rasterio.open(path) as src:
        everything = (src.read(1) == 1).sum() * PIXEL**2 / 10_000
    assert total < everything  # the strip west of the outline is not counted


def test_array_raster_equals_the_same_grid_read_from_a_file(tmp_path):
    path = write_raster(tmp_path / "r.tif", CONSUMED)
    with rasterio.open(path) as src:
        array = ArrayRaster(src.read(1), src.transform, src.crs, src.nodata, name="r.tif")
    from_file = zonal_files([path], syn.comuni_frame())
    in_memory = zonal_consumed([array], syn.comuni_frame(), block_rows=13)
    pd.testing.assert_frame_equal(in_memory, from_file)


def test_all_nodata_raster(tmp_path):
    path = write_raster(tmp_path / "n.tif", [], fill=255)
    result = zonal_files([path], syn.comuni_frame())
    assert result["consumed_ha"].sum() == 0
    assert result["covered_share"].max() == 0


def test_partial_cover_reports_share(tmp_path):
    # the raster starts 1,500 m east of the territory's west edge: column 0 uncovered, column 1 half
    path = write_raster(
        tmp_path / "p.tif",
        CONSUMED,
        origin=(syn.ORIGIN_X + 1500, syn.ORIGIN_Y + 3100),
        size=(320, 200),
    )
    result = zonal_files([path], syn.comuni_frame()).set_index("pro_com_t")
    share = result["covered_share"]
    assert (
        share["015001"] == 0
        and share["015002"] == pytest.approx(0.5)
        and share["015003"] == pytest.approx(1.0)
    )
    assert result.loc["015005", "consumed_ha"] == pytest.approx(np.pi * 300**2 / 20_000, rel=0.03)


def test_raster_in_another_crs_reprojects_the_zones(tmp_path):
    import geopandas as gpd

    comuni = syn.comuni_frame()
    consumed_3035 = gpd.GeoSeries(CONSUMED, crs=32632).to_crs(3035)
    x0, y0, x1, y1 = (
        gpd.GeoSeries([syn.outline_frame().geometry[0]], crs=32632).to_crs(3035).total_bounds
    )
    path = write_raster(
        tmp_path / "l.tif",
        list(consumed_3035),
        crs="EPSG:3035",
        origin=(x0 - 200, y1 + 200),
        size=(int((y1 - y0) / PIXEL) + 40, int((x1 - x0) / PIXEL) + 40),
    )
    result = zonal_files([path], comuni).set_index("pro_com_t")
    area, tolerance = expected_ha(comuni)
    got = result.loc[syn.CODES, "consumed_ha"].to_numpy()
    # reprojected boundaries add up to one more boundary pixel each side
    assert np.all(np.abs(got - area) <= 2 * tolerance + 0.02)


def test_series_on_mismatched_grids_is_an_error(tmp_path):
    a = write_raster(tmp_path / "a.tif", CONSUMED)
    b = write_raster(tmp_path / "b.tif", CONSUMED, origin=(syn.ORIGIN_X - 95, syn.ORIGIN_Y + 3100))
    with pytest.raises(GridMismatchError, match="b.tif: grid differs"):
        zonal_files([a, b], syn.comuni_frame())


def test_geographic_raster_is_refused(tmp_path):
    path = tmp_path / "g.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="uint8",
        crs="EPSG:4326",
        transform=from_origin(9, 45.5, 0.001, 0.001),
    ) as dst:
        dst.write(np.ones((1, 4, 4), dtype="uint8"))
    with pytest.raises(CRSError, match="geographic"):
        zonal_files([path], syn.comuni_frame())


def test_imperviousness_threshold_and_small_blocks(tmp_path):
    path = write_raster(tmp_path / "i.tif", CONSUMED, value=80)
    low = write_raster(tmp_path / "j.tif", CONSUMED, value=20)
    rule = ConsumedRule(threshold=50)
    result = zonal_files(
        [path, low], syn.comuni_frame(), labels=["80", "20"], rule=rule, block_rows=7
    )
    by = result.groupby("label")["consumed_ha"].sum()
    assert by["20"] == 0 and by["80"] == pytest.approx(
        zonal_files([write_raster(tmp_path / "k.tif", CONSUMED)], syn.comuni_frame())[
            "consumed_ha"
        ].sum()
    )


def test_raster_path_gives_the_same_columns_as_the_table(catalog, tmp_path):
    old = write_raster(tmp_path / "2015.tif", CONSUMED[:1])
    new = write_raster(tmp_path / "2024.tif", CONSUMED)
    config = tmp_path / "run.toml"
    config.write_text(
        f'[land]\nsource = "raster"\nrasters = ["{old}", "{new}"]\nraster_years = [2015, 2024]\n'
    )
    run_pipeline(load_config(config), catalog=catalog, out=tmp_path / "out")
    table = read_indicators(tmp_path / "out" / "indicatori_comuni.csv").set_index("pro_com_t")
    for column in [
        "suolo_consumato_2024_ha",
        "suolo_consumato_2024_pct",
        "suolo_consumato_2024_m2_ab",
        "consumo_netto_2015_2024_ha",
        "copertura_raster_min_pct",
    ]:
        assert column in table.columns
    assert table.loc["015005", "consumo_netto_2015_2024_ha"] == 0
    assert table.loc["015001", "consumo_netto_2015_2024_ha"] > 0
    assert (tmp_path / "out" / "suolo" / "raster_comuni.csv").exists()


# -- charts ---------------------------------------------------------------------------------


def test_chart_is_valid_svg_and_escapes_names():
    svg = series_svg(
        [2006, 2015, 2024],
        [1.0, 2.0, 3.5],
        title="<script>alert(1)</script>",
        unit="ha",
        derived_before=2024,
    )
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert len(root.findall("{http://www.w3.org/2000/svg}circle")) == 3
