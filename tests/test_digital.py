from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point

from territorio.digital import fibre
from territorio.digital.coverage import coverage_table, covered_area, discs
from territorio.digital.sites import RegisterError, read_candidates, read_register
from territorio.digital.siting import PopulationGrid, greedy_siting, uniform_population_grid
from territorio.errors import InvalidValueError, MissingColumnError, UnknownCodeError

from . import synthetic as syn

RADII = {"5G NR": 200.0, "4G": 400.0}
TO_LL = Transformer.from_crs(32632, 4326, always_xy=True)
X0, Y0 = syn.ORIGIN_X, syn.ORIGIN_Y


def lonlat(x, y):
    lon, lat = TO_LL.transform(X0 + x, Y0 + y)
    return f"{lon:.7f}", f"{lat:.7f}"


def outline():
    return syn.outline_frame().geometry[0]


def write_register(tmp_path, rows, header="site_id,com_istat_code,lon,lat,tecnologie,stato"):
    path = tmp_path / "siti.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def register(path):
    return read_register(path, area=outline(), radius_by_technology=RADII, small_cell_radius_m=50.0)


# -- coverage: analytic checks --------------------------------------------------------------


def test_one_site_inside_covers_pi_r2():
    comuni = syn.comuni_frame()
    point = np.array([Point(X0 + 1500, Y0 + 1500)])
    result = covered_area(point, 300.0, comuni.geometry.values)
    assert result.covered_m2[4] == pytest.approx(np.pi * 300**2, rel=0.005)
    assert result.covered_m2.sum() == pytest.approx(result.covered_m2[4])


def test_site_on_a_border_splits_correctly():
    comuni = syn.comuni_frame()
    on_border = np.array([Point(X0 + 1000, Y0 + 1500)])  # between 015004 and 015005
    result = covered_area(on_border, 300.0, comuni.geometry.values)
    assert result.covered_m2[3] == pytest.approx(np.pi * 300**2 / 2, rel=0.005)
    assert result.covered_m2[4] == pytest.approx(np.pi * 300**2 / 2, rel=0.005)
    corner = np.array([Point(X0 + 1000, Y0 + 1000)])  # four comuni meet
    quarters = covered_area(corner, 300.0, comuni.geometry.values).covered_m2
    assert quarters[[0, 1, 3, 4]] == pytest.approx([np.pi * 300**2 / 4] * 4, rel=0.005)


def test_voronoi_and_union_agree_and_overlaps_count_once():
    comuni = syn.comuni_frame()
    rng = np.random.default_rng(3)
    points = shapely.points(X0 + rng.uniform(0, 3000, 60), Y0 + rng.uniform(0, 3000, 60))
    common = covered_area(points, 350.0, comuni.geometry.values)
    mixed = covered_area(points, np.r_[350.0, np.full(59, 350.0 + 1e-9)], comuni.geometry.values)
    assert common.method == "voronoi" and mixed.method == "union"
    assert common.covered_m2 == pytest.approx(mixed.covered_m2, abs=1.0)
    union = shapely.area(shapely.intersection(shapely.union_all(discs(points, 350.0)), outline()))
    # the nearest-site split is exact for circles; for 64-gons it leaves slivers of ~1e-7
    assert common.covered_m2.sum() == pytest.approx(union, rel=1e-6)
    assert (common.covered_m2 <= shapely.area(comuni.geometry.values) + 1e-6).all()


def test_radius_growth_never_lowers_coverage():
    comuni = syn.comuni_frame()
    rng = np.random.default_rng(5)
    points = shapely.points(X0 + rng.uniform(-200, 3200, 25), Y0 + rng.uniform(-200, 3200, 25))
    previous = np.zeros(9)
    for radius in (50, 100, 200, 400, 800, 1600):
        now = covered_area(points, float(radius), comuni.geometry.values).covered_m2
        assert (now >= previous - 1e-6).all()
        previous = now
    assert previous.sum() == pytest.approx(9e6, rel=1e-6)  # everything covered


def test_coverage_table_population_and_counts():
    comuni = syn.comuni_frame()
    sites = gpd.GeoDataFrame(
        {"raggio_m": [300.0]}, geometry=[Point(X0 + 1500, Y0 + 1500)], crs=32632
    )
    population = pd.Series(syn.POP[2024], index=syn.CODES)
    table, _ = coverage_table(comuni, sites, population=population)
    row = table.loc["015005"]
    assert row["siti"] == 1 and table["siti"].sum() == 1
    share = np.pi * 300**2 / 1e6
    assert row["area_coperta_pct"] == pytest.approx(100 * share, rel=0.005)
    assert row["popolazione_coperta"] == pytest.approx(syn.POP[2024][4] * share, rel=0.005)


# -- siting ---------------------------------------------------------------------------------


def test_greedy_pick_order_on_hand_built_case():
    # cells: A cluster of 100 at x=0, B of 60 at x=1000, C of 50 at x=2000; candidate 0 covers
    # A and B (radius 600 from x=500) → 160; candidate 1 covers A only; candidate 2 covers C.
    xy = np.array([[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0]])
    grid = PopulationGrid(xy, np.array([100.0, 60.0, 50.0]), np.zeros(3, dtype=int))
    candidates = gpd.GeoDataFrame(
        {"candidato": ["AB", "A", "C"]},
        geometry=[Point(500, 0), Point(0, 0), Point(2000, 0)],
        crs=32632,
    )
    result = greedy_siting(grid, candidates, 3, 600.0)
    assert result.chosen["candidato"].tolist() == ["AB", "C", "A"]
    assert result.chosen["nuova_popolazione_coperta"].tolist() == [160.0, 50.0, 0.0]
    assert result.curve["popolazione_coperta"].tolist() == [0.0, 160.0, 210.0, 210.0]
    existing = gpd.GeoDataFrame(geometry=[Point(2000, 0)], crs=32632)
    again = greedy_siting(grid, candidates, 1, 600.0, existing=existing, existing_radius=[100.0])
    assert again.curve["popolazione_coperta"].tolist() == [50.0, 210.0]


def test_uniform_grid_keeps_totals():
    grid = uniform_population_grid(
        syn.comuni_frame(), pd.Series(syn.POP[2024], index=syn.CODES), 100.0
    )
    assert grid.residents.sum() == pytest.approx(sum(syn.POP[2024]))
    assert len(grid.residents) == 900


# -- register validation --------------------------------------------------------------------


def test_valid_register(tmp_path):
    a, b = lonlat(1500, 1500), lonlat(500, 500)
    path = write_register(
        tmp_path,
        [
            f"S1,015005,{a[0]},{a[1]},4G;5G NR,attivo",
            f"S2,015001,{b[0]},{b[1]},lte,Autorizzato",
        ],
    )
    sites = register(path)
    assert sites["tecnologie"].tolist() == ["4G;5G NR", "4G"]
    assert sites["raggio_m"].tolist() == [400.0, 400.0]
    assert sites["stato"].tolist() == ["attivo", "autorizzato"]
    assert sites.crs.to_epsg() == 32632
    assert sites.geometry.iloc[0].distance(Point(X0 + 1500, Y0 + 1500)) < 0.01


def test_register_xy_with_crs_column_and_own_radius(tmp_path):
    path = write_register(
        tmp_path,
        [f"S1,,{X0 + 1500},{Y0 + 1500},EPSG:32632,5G NR,attivo,75"],
        header="site_id,com_istat_code,x,y,crs,tecnologie,stato,raggio_m",
    )
    sites = register(path)
    assert sites["raggio_m"].tolist() == [75.0]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("S1,015005,{lat},{lon},5G NR,attivo", r"row 1, columns 'lon'/'lat'.*look swapped"),
        ("S1,015005,9.9,46.2,5G NR,attivo", r"row 1, columns 'lon'/'lat'.*km outside the CMM"),
        (
            "S1,015005,{lon},{lat},6G,attivo",
            r"row 1, column 'tecnologie': unknown value\(s\) \['6G'\]",
        ),
        ("S1,015005,{lon},{lat},5G NR,spento", r"row 1, column 'stato'"),
        ("S1,015005,abc,{lat},5G NR,attivo", r"row 1, column 'lon': 'abc' is not a number"),
    ],
)
def test_register_errors_name_row_and_column(tmp_path, row, message):
    lon, lat = lonlat(1500, 1500)
    path = write_register(tmp_path, [row.format(lon=lon, lat=lat)])
    with pytest.raises(RegisterError, match=message):
        register(path)


def test_register_duplicates(tmp_path):
    a, b = lonlat(1500, 1500), lonlat(500, 500)
    path = write_register(
        tmp_path,
        [
            f"S1,015005,{a[0]},{a[1]},5G NR,attivo",
            f"S1,015001,{b[0]},{b[1]},5G NR,attivo",
            f"S3,015005,{a[0]},{a[1]},5G NR,attivo",
        ],
    )
    with pytest.raises(RegisterError) as info:
        register(path)
    text = str(info.value)
    assert "rows [1, 2], column 'site_id': id 'S1' repeated" in text
    assert "rows [1, 3], columns 'lon'/'lat': several sites at the same place" in text
    assert "2 problem(s)" in text


def test_register_missing_column(tmp_path):
    path = write_register(
        tmp_path, ["S1,015005,9.1,45.4,attivo"], header="site_id,com_istat_code,lon,lat,stato"
    )
    with pytest.raises(MissingColumnError, match="'tecnologie'"):
        register(path)


def test_register_geopackage(tmp_path):
    frame = gpd.GeoDataFrame(
        {"site_id": ["G1"], "tecnologie": ["5G NR"], "stato": ["attivo"]},
        geometry=[Point(X0 + 2500, Y0 + 2500)],
        crs=32632,
    ).to_crs(3035)
    frame.to_file(tmp_path / "siti.gpkg", driver="GPKG")
    sites = register(tmp_path / "siti.gpkg")
    assert sites.geometry.iloc[0].distance(Point(X0 + 2500, Y0 + 2500)) < 0.01


def test_candidates_file(tmp_path):
    lon, lat = lonlat(700, 2300)
    path = tmp_path / "cand.csv"
    path.write_text(f"id,nome,lon,lat\nC1,Deposito,{lon},{lat}\n")
    candidates = read_candidates(path, area=outline())
    assert candidates["candidato"].tolist() == ["C1"] and candidates["nome"].tolist() == [
        "Deposito"
    ]


# -- fibre ----------------------------------------------------------------------------------


def agcom_frame():
    rows = []
    for date, ftth in (("2025-03-31", [50, np.nan]), ("2025-06-30", [80, np.nan])):
        for code, reached in zip(["015001", "015002"], ftth, strict=True):
            rows.append(
                {
                    "data_riferimento": date,
                    "pro_com_t": code,
                    fibre.FAMILIES: 100,
                    fibre.FAMILIES_FTTH: reached,
                    "Punti dichiarati FTTH": 0 if np.isnan(reached) else 10,
                    fibre.POINTS: 40,
                    fibre.POINTS_FTTH: 0 if np.isnan(reached) else 10,
                    fibre.CELLS: 20,
                    fibre.CELLS_FTTH: 0 if np.isnan(reached) else 5,
                    fibre.CELLS_FTTC: 15,
                }
            )
    return pd.DataFrame(rows)


def test_agcom_indicators():
    out = fibre.agcom_indicators(agcom_frame())
    assert out.loc["015001", "ftth_famiglie_pct"] == 80
    assert out.loc["015001", "ftth_famiglie_var_pp"] == 30
    assert out.loc["015002", "ftth_famiglie_pct"] == 0  # blank with 0 FTTH points → 0
    assert out.loc["015001", "ftth_punti_pct"] == 25


def test_bul_status_merges_old_names_and_marks_absent():
    bul = pd.DataFrame(
        {
            "pro_com_t": ["015251", "015251", "015002"],
            "Stato Fibra": ["terminato", "in esecuzione", "terminato"],
            "Stato FWA": ["terminato", "terminato", None],
            "Fibra": [1, 0, 0],
            "FWA": [0, 0, 1],
        }
    )
    out = fibre.bul_status(bul, ["015002", "015251", "015146"])
    assert out.loc["015251", "bul_stato_fibra"] == "terminato / in esecuzione"
    assert out.loc["015146", "bul_stato_fibra"] == fibre.NO_BUL
    assert (
        bool(out.loc["015251", "bul_intervento_fibra"])
        and not out.loc["015146", "bul_intervento_fwa"]
    )


def test_agreements_validation_and_priority():
    frame = pd.DataFrame(
        {
            "pro_com_t": ["015001", "015002"],
            "accordo_fibra": ["true", "no"],
            "data_accordo": ["2021-05-31", ""],
            "stato_collegamento": ["connesso", ""],
            "n_sedi_collegate": ["3", ""],
        }
    )
    agreements = fibre.validate_agreements(frame, syn.CODES, source="a.csv")
    assert agreements["accordo_fibra"].tolist() == [True, False]
    indicators = fibre.agcom_indicators(agcom_frame())
    ranked = fibre.fibre_priority(indicators, agreements)
    assert pd.isna(ranked.loc["015001", "priorita_fibra_rango"])
    assert ranked.loc["015002", "priorita_fibra_rango"] == 1
    plain = fibre.fibre_priority(indicators, None)
    assert plain["priorita_fibra_rango"].tolist() == [1, 2]  # 100 unreached before 20
    bad = frame.assign(accordo_fibra=["forse", "no"])
    with pytest.raises(InvalidValueError, match="row 1, column 'accordo_fibra'"):
        fibre.validate_agreements(bad, syn.CODES, source="a.csv")
    bad = frame.assign(n_sedi_collegate=["-1", ""])
    with pytest.raises(InvalidValueError, match="row 1, column 'n_sedi_collegate'"):
        fibre.validate_agreements(bad, syn.CODES, source="a.csv")
    with pytest.raises(UnknownCodeError, match="015099"):
        fibre.validate_agreements(
            frame.assign(pro_com_t=["015001", "015099"]), syn.CODES, source="a.csv"
        )
