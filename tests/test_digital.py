from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point

from territorio.digital import fibre
from territorio.digital.coverage import coverage_pieces, coverage_table, covered_area
from territorio.digital.disc_union import exact_union_area, polygon_fallback
from territorio.digital.discs import discs
from territorio.digital.sites import RegisterError
from territorio.digital.siting import greedy_siting
from territorio.errors import InvalidValueError, MissingColumnError, UnknownCodeError
from territorio.population import PopulationGrid, uniform_population_grid
from territorio.readers import read_candidates, read_register

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


def zones():
    return np.asarray(syn.comuni_frame().geometry.values, dtype=object)


def polygon_union_area(xy, radius, zone_array, quad_segs=256):
    """Reference: GEOS union of equal-area 1,024-gons intersected with each zone."""
    union = shapely.union_all(discs(shapely.points(xy), radius, quad_segs))
    return shapely.area(shapely.intersection(zone_array, union))


def test_one_site_inside_covers_pi_r2():
    point = np.array([Point(X0 + 1500, Y0 + 1500)])
    result = covered_area(point, 300.0, zones())
    assert result.method == "cerchi esatti"
    assert result.covered_m2[4] == pytest.approx(np.pi * 300**2, rel=0.005)
    assert result.covered_m2[4] == pytest.approx(np.pi * 300**2, rel=1e-12)  # exact circle
    assert result.covered_m2.sum() == pytest.approx(result.covered_m2[4])


def test_site_on_a_border_splits_correctly():
    on_border = np.array([Point(X0 + 1000, Y0 + 1500)])  # between 015004 and 015005
    result = covered_area(on_border, 300.0, zones())
    assert result.covered_m2[3] == pytest.approx(np.pi * 300**2 / 2, rel=1e-12)
    assert result.covered_m2[4] == pytest.approx(np.pi * 300**2 / 2, rel=1e-12)
    corner = np.array([Point(X0 + 1000, Y0 + 1000)])  # four comuni meet
    quarters = covered_area(corner, 300.0, zones()).covered_m2
    assert quarters[[0, 1, 3, 4]] == pytest.approx([np.pi * 300**2 / 4] * 4, rel=1e-12)


def test_closed_forms_for_a_lens_and_a_circular_segment():
    r, d = 300.0, 250.0
    lens = 2 * r**2 * np.arccos(d / (2 * r)) - d / 2 * np.sqrt(4 * r**2 - d**2)
    pair = shapely.points([X0 + 1400, X0 + 1400 + d], [Y0 + 1500, Y0 + 1500])
    assert covered_area(pair, r, zones()).covered_m2[4] == pytest.approx(
        2 * np.pi * r**2 - lens, rel=1e-12
    )
    h = 120.0  # centre 120 m west of the border x = 2000 between 015005 and 015006
    segment = r**2 * np.arccos(h / r) - h * np.sqrt(r**2 - h**2)
    split = covered_area(shapely.points([X0 + 2000 - h], [Y0 + 1500]), r, zones()).covered_m2
    assert split[5] == pytest.approx(segment, rel=1e-12)
    assert split[4] == pytest.approx(np.pi * r**2 - segment, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "sites", "radius"),
    [
        ("random", np.random.default_rng(3).uniform(-300, 3300, (60, 2)), 350.0),
        ("vertex on a circle", [[1000, 1300], [2600, 2600]], 300.0),
        ("bisectors on borders", [[500, 500], [1500, 500], [500, 1500], [1500, 1500]], 600.0),
        (
            "lattice on corners",
            [[x, y] for x in range(0, 3001, 500) for y in range(0, 3001, 500)],
            300.0,
        ),
        ("tangent discs", [[x, 1500] for x in range(250, 3000, 500)], 250.0),
        (
            "everything covered",
            [[x, y] for x in (500, 1500, 2500) for y in (500, 1500, 2500)],
            800.0,
        ),
    ],
)
def test_exact_area_matches_a_fine_polygon_union(name, sites, radius):
    xy = np.asarray(sites, dtype=float) + np.array([X0, Y0])
    exact = covered_area(shapely.points(xy), radius, zones()).covered_m2
    reference = polygon_union_area(xy, radius, zones())
    # 1,024-gons differ from circles by ~1e-5 of the overlap areas; a wrong piece would be
    # thousands of m² off
    assert exact == pytest.approx(reference, rel=1e-5, abs=0.05), name
    assert (exact <= shapely.area(zones()) + 1e-6).all()


def test_zones_with_holes_and_several_parts():
    ring = shapely.Polygon(
        [(0, 0), (3000, 0), (3000, 3000), (0, 3000)],
        [[(1000, 1000), (2000, 1000), (2000, 2000), (1000, 2000)]],
    )
    enclave = shapely.MultiPolygon(
        [shapely.box(1000, 1000, 2000, 2000), shapely.box(4000, 0, 4500, 500)]
    )
    zone_array = np.array([ring, enclave], dtype=object)
    rng = np.random.default_rng(0)
    for radius in (100.0, 400.0, 900.0):
        xy = np.c_[rng.uniform(-500, 5000, 40), rng.uniform(-500, 3500, 40)]
        exact = covered_area(shapely.points(xy), radius, zone_array).covered_m2
        assert exact == pytest.approx(polygon_union_area(xy, radius, zone_array), rel=1e-5)
    # one disc holding the whole enclave: the ring gets the disc minus the hole
    whole = covered_area(shapely.points([1500], [1500]), 800.0, zone_array).covered_m2
    assert whole == pytest.approx([np.pi * 800**2 - 1e6, 1e6], rel=1e-12)


def test_polygon_fallback_agrees_with_the_exact_path():
    rng = np.random.default_rng(8)
    xy = np.unique(rng.uniform(-200, 3200, (80, 2)), axis=0) + np.array([X0, Y0])
    exact = exact_union_area(xy, 300.0, zones())
    fallback = polygon_fallback(xy, 300.0, zones(), np.arange(len(xy)))
    assert fallback == pytest.approx(exact, rel=1e-5)


def test_a_failed_check_recomputes_the_site_with_polygons(monkeypatch):
    from territorio.digital import disc_union

    calls = []
    fallback = disc_union.polygon_fallback
    monkeypatch.setattr(
        disc_union, "polygon_fallback", lambda *args: calls.append(args[3]) or fallback(*args)
    )
    # corrupt the reference-point test: the comune across the border gets area(S) too much
    monkeypatch.setattr(
        disc_union.shapely, "contains_xy", lambda zones, x, y: np.ones(len(x), bool)
    )
    on_border = shapely.points([X0 + 1000, X0 + 2500], [Y0 + 1400, Y0 + 2500])
    result = covered_area(on_border, 300.0, zones()).covered_m2
    assert [list(c) for c in calls] == [[0]]  # only the border site fails its check
    assert result[[3, 4]] == pytest.approx([np.pi * 300**2 / 2] * 2, rel=1e-5)
    assert result[8] == pytest.approx(np.pi * 300**2, rel=1e-12)


def test_mixed_radii_use_one_union_and_agree_with_exact_circles():
    rng = np.random.default_rng(3)
    points = shapely.points(X0 + rng.uniform(0, 3000, 60), Y0 + rng.uniform(0, 3000, 60))
    common = covered_area(points, 350.0, zones())
    mixed = covered_area(points, np.r_[350.0, np.full(59, 350.0 + 1e-9)], zones())
    assert mixed.method == "unione di 64-goni"
    # equal-area 64-gons: isolated discs exact, overlaps within 0.05 % of the covered area
    assert mixed.covered_m2 == pytest.approx(common.covered_m2, rel=5e-4)
    small = covered_area(points, np.where(np.arange(60) % 2 == 0, 350.0, 100.0), zones())
    assert (small.covered_m2 <= common.covered_m2 + 1.0).all()


def test_duplicate_sites_count_once():
    twice = shapely.points([X0 + 1500, X0 + 1500], [Y0 + 1500, Y0 + 1500])
    assert covered_area(twice, 300.0, zones()).covered_m2[4] == pytest.approx(np.pi * 300**2)


def test_radius_growth_never_lowers_coverage():
    rng = np.random.default_rng(5)
    points = shapely.points(X0 + rng.uniform(-200, 3200, 25), Y0 + rng.uniform(-200, 3200, 25))
    previous = np.zeros(9)
    for radius in (50, 100, 200, 400, 800, 1600):
        now = covered_area(points, float(radius), zones()).covered_m2
        assert (now >= previous - 1e-6).all()
        previous = now
    assert previous.sum() == pytest.approx(9e6, rel=1e-9)  # everything covered


def test_pieces_are_disjoint_and_match_the_areas():
    rng = np.random.default_rng(4)
    points = shapely.points(X0 + rng.uniform(0, 3000, 40), Y0 + rng.uniform(0, 3000, 40))
    for radius in (300.0, np.where(np.arange(40) % 3 == 0, 150.0, 300.0)):
        pieces = coverage_pieces(points, radius, zones())
        by_zone = np.bincount(pieces.owner, weights=shapely.area(pieces.pieces), minlength=9)
        assert by_zone == pytest.approx(covered_area(points, radius, zones()).covered_m2, rel=5e-4)
        assert shapely.area(pieces.union()) == pytest.approx(by_zone.sum(), rel=1e-9)


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


def test_register_without_coordinates_names_the_columns(tmp_path):
    path = write_register(tmp_path, ["S1,015005,attivo"], header="site_id,com_istat_code,stato")
    with pytest.raises(MissingColumnError, match="'lon'"):
        register(path)


def test_minimal_register_gets_defaults_and_says_them(tmp_path):
    from territorio.errors import InputNotice

    a, b = lonlat(1500, 1500), lonlat(500, 2500)
    # Excel's Italian CSV: semicolons and decimal commas
    rows = [f"{a[0].replace('.', ',')};{a[1].replace('.', ',')}"]
    rows.append(f"{b[0].replace('.', ',')};{b[1].replace('.', ',')}")
    path = write_register(tmp_path, rows, header="lon;lat")
    with pytest.warns(InputNotice) as notices:
        sites = read_register(
            path,
            area=outline(),
            radius_by_technology=RADII,
            small_cell_radius_m=50.0,
            default_technology="4G",
        )
    said = " ".join(str(n.message.render("it")) for n in notices)
    assert "site_id = numero di riga" in said and "stato = attivo" in said
    assert "tecnologie = 4G" in said and "virgola decimale" in said
    expected = pd.DataFrame(
        {
            "site_id": ["1", "2"],
            "tecnologie": ["4G", "4G"],
            "stato": ["attivo", "attivo"],
            "raggio_m": [400.0, 400.0],
        }
    )
    pd.testing.assert_frame_equal(
        sites[["site_id", "tecnologie", "stato", "raggio_m"]].astype(object),
        expected.astype(object),
    )
    assert sites.geometry.iloc[1].distance(Point(X0 + 500, Y0 + 2500)) < 0.01
    assert [en for en, _ in sites.attrs["predefiniti"]] == [
        "site_id = row number",
        "stato = attivo",
        "tecnologie = 4G",
    ]


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
    assert "costo_eur" not in candidates


def test_candidate_costs_read_the_italian_way_and_errors_name_the_row(tmp_path):
    a, b, c = lonlat(700, 2300), lonlat(1500, 1500), lonlat(2500, 500)
    path = tmp_path / "cand.csv"
    path.write_text(
        "id;nome;lon;lat;costo_eur\n"
        f"C1;Deposito;{a[0]};{a[1]};85.000,50\n"
        f"C2;Tetto;{b[0]};{b[1]};\n"
        f"C3;Torre;{c[0]};{c[1]};1.200\n"
    )
    candidates = read_candidates(path, area=outline())
    np.testing.assert_array_equal(candidates["costo_eur"].to_numpy(), [85000.5, np.nan, 1200.0])
    path.write_text(f"id,lon,lat,costo_eur\nC1,{a[0]},{a[1]},tanto\nC2,{b[0]},{b[1]},-5\n")
    with pytest.raises(RegisterError) as info:
        read_candidates(path, area=outline())
    text = str(info.value)
    assert "row 1, column 'costo_eur': 'tanto' is not a cost in euros" in text
    assert "row 2, column 'costo_eur': '-5' is not a cost in euros" in text


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
