from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rasterio.features import rasterize
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from territorio.config import load_config
from territorio.errors import (
    ConfigError,
    InvalidValueError,
    MissingColumnError,
    TerritorioError,
    UnknownCodeError,
)
from territorio.land import monitoring, thresholds
from territorio.land.charts import series_svg
from territorio.readers import read_ambiti

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
    return syn.write_grid(path, data, transform, crs=crs, nodata=nodata)


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
