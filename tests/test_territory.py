from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from territorio.areas import Area, parse_areas
from territorio.errors import (
    ConfigError,
    CountMismatchWarning,
    DuplicateCodeError,
    MissingColumnError,
    TerritorioError,
    TerritoryValidationError,
    UnknownCodeError,
)
from territorio.loaders import load_territory
from territorio.profile import comune_profile, render_profile
from territorio.readers import builtin_areas
from territorio.territory import NOT_ASSIGNED, build_territory

from . import synthetic as syn


def build(**changes):
    frames = {
        "comuni": syn.comuni_frame(),
        "outline": syn.outline_frame(),
        "population": syn.population_frame(),
        "parco_sud": syn.park_frame(),
        "zones": syn.zones_frame(),
    }
    frames.update(changes)
    return build_territory(
        frames["comuni"],
        frames["outline"],
        frames["population"],
        frames["parco_sud"],
        frames["zones"],
        expected_count=9,
        areas={"duo": Area("duo", "Duo", ("015001", "018034"))},
    )


def test_territory_columns_and_values():
    territory = build()
    comuni = territory.comuni
    assert list(comuni.columns) == [
        "pro_com_t",
        "comune",
        "superficie_km2",
        "superficie_poligono_km2",
        "superficie_fonte",
        "popolazione_2023",
        "popolazione_2024",
        "parco_sud",
        "zona_omogenea",
        "geometry",
    ]
    # no reference surface given: the polygon area, and the table says so
    assert comuni["superficie_km2"].tolist() == pytest.approx([1.0] * 9)
    assert comuni["superficie_poligono_km2"].tolist() == pytest.approx([1.0] * 9)
    assert set(comuni["superficie_fonte"]) == {"poligono"}
    assert territory.population_years == (2023, 2024)
    assert territory.population(2024).sum() == sum(syn.POP[2024])
    assert comuni["parco_sud"].sum() == 3
    assert comuni.set_index("pro_com_t").loc["015005", "zona_omogenea"] == "Centro"
    assert comuni["zona_omogenea"].isna().sum() == 6


def test_reference_surface_is_the_density_denominator_where_known():
    reference = pd.Series([40.0, 1000.0], index=["015001", "015002"])  # ha; others unknown
    comuni = build_territory(
        syn.comuni_frame(),
        syn.outline_frame(),
        syn.population_frame(),
        syn.park_frame(),
        syn.zones_frame(),
        reference_area_ha=reference,
    ).comuni.set_index("pro_com_t")
    assert comuni["superficie_km2"].tolist() == pytest.approx([0.4, 10.0] + [1.0] * 7)
    assert comuni["superficie_poligono_km2"].tolist() == pytest.approx([1.0] * 9)
    assert comuni["superficie_fonte"].tolist() == ["ISPRA", "ISPRA"] + ["poligono"] * 7


def test_not_assigned_is_not_a_zone():
    zones = syn.zones_frame()
    zones.loc[zones["pro_com_t"] == "015005", "zona_omogenea"] = "Non assegnata"
    territory = build(zones=zones)
    groups = {g.id: g for g in territory.groups()}
    assert [g for g in groups if g.startswith("zona:")] == ["zona:Ovest"]
    assert not any(NOT_ASSIGNED in g.casefold() for g in groups)
    assert territory.comuni["zona_omogenea"].isna().sum() == 7


def test_groups_cover_cmm_zones_park_and_areas():
    groups = {g.id: g for g in build().groups()}
    assert len(groups["cmm"].codes) == 9
    assert set(groups["zona:Ovest"].codes) == {"015001", "015002"}
    assert f"zona:{NOT_ASSIGNED}" not in groups
    assert groups["parco_sud"].codes == ("015001", "015002", "015004")
    assert groups["area:duo"].codes == ("015001",)
    assert groups["area:duo"].outside == ("018034",)
    zone_total = sum(len(g.codes) for g in groups.values() if g.kind == "zona_omogenea")
    assert zone_total == 3  # the six comuni without a zone are in no zone group


def test_merged_codes_are_summed_into_the_current_comune():
    comuni = syn.comuni_frame()
    comuni.loc[comuni["pro_com_t"] == "015009", "pro_com_t"] = "015251"
    pop = syn.population_frame()
    pop.loc[pop["pro_com_t"] == "015009", "pro_com_t"] = "015251"
    old = pd.DataFrame(
        [
            {
                "pro_com_t": "015235",
                "comune": "Vermezzo",
                "ref_date": "2022-01-01",
                "pop_total": 30,
            },
            {"pro_com_t": "015246", "comune": "Zelo", "ref_date": "2022-01-01", "pop_total": 12},
        ]
    )
    full_2022 = pop[pop["ref_date"] == "2023-01-01"].assign(ref_date="2022-01-01")
    full_2022 = full_2022[full_2022["pro_com_t"] != "015251"]
    pop = pd.concat([pop, full_2022, old], ignore_index=True)
    zones = syn.zones_frame().replace({"pro_com_t": {"015009": "015251"}})
    territory = build(comuni=comuni, population=pop, zones=zones)
    assert territory.population(2022)["015251"] == 42
    assert territory.population(2024)["015251"] == syn.POP[2024][8]


def test_population_year_incomplete_is_an_error():
    pop = syn.population_frame()
    pop = pop.drop(pop.index[-1])
    with pytest.raises(TerritoryValidationError, match="population incomplete for year"):
        build(population=pop)


def test_population_unknown_code_names_row():
    pop = syn.population_frame()
    pop.loc[3, "pro_com_t"] = "015777"
    with pytest.raises(UnknownCodeError, match=r"015777 \(row 4\)"):
        build(population=pop)


def test_park_unknown_code():
    with pytest.raises(UnknownCodeError, match="015999"):
        build(parco_sud=pd.DataFrame({"pro_com_t": ["015999"]}))


def test_missing_zone_column():
    with pytest.raises(MissingColumnError, match="zona_omogenea"):
        build(zones=pd.DataFrame({"pro_com_t": syn.CODES}))


def test_duplicate_comune_code():
    comuni = syn.comuni_frame()
    comuni.loc[1, "pro_com_t"] = "015001"
    with pytest.raises(DuplicateCodeError, match=r"015001 at rows \[1, 2\]"):
        build(comuni=comuni)


def test_overlapping_comuni_are_rejected():
    comuni = syn.comuni_frame()
    comuni.loc[0, "geometry"] = box(
        syn.ORIGIN_X, syn.ORIGIN_Y, syn.ORIGIN_X + 1100, syn.ORIGIN_Y + 1000
    )
    with pytest.raises(TerritoryValidationError, match="015001/015002 100000.0 m²"):
        build(comuni=comuni)


def test_union_must_equal_outline():
    comuni = syn.comuni_frame().iloc[:8]
    with (
        pytest.warns(CountMismatchWarning, match="8 comuni, expected 9"),
        pytest.raises(TerritoryValidationError, match="outline by 1,000,000.0 m²"),
    ):
        build(comuni=comuni)


def test_sub_square_metre_difference_is_tolerated():
    outline = syn.outline_frame()
    x, y = syn.ORIGIN_X, syn.ORIGIN_Y
    outline.loc[0, "geometry"] = box(x, y, x + 3000, y + 3000).union(box(x - 0.5, y, x, y + 1))
    assert len(build(outline=outline).comuni) == 9


def test_invalid_geometry_is_rejected():
    comuni = syn.comuni_frame()
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    comuni.loc[4, "geometry"] = bowtie
    with pytest.raises(TerritoryValidationError, match="015005 .*Self-intersection"):
        build(comuni=comuni)


def test_lookup_by_code_name_and_suggestion():
    territory = build()
    assert territory.lookup("15003")["comune"] == "Gamma"
    assert territory.lookup("epsilon")["pro_com_t"] == "015005"
    with pytest.raises(TerritorioError, match="Did you mean: Theta"):
        territory.lookup("Thetta")


def test_profile_of_centre_square():
    territory = build()
    profile = comune_profile(territory, "Epsilon")
    assert profile.neighbours == tuple(sorted(n for n in syn.NAMES if n != "Epsilon"))
    assert profile.population == {2023: 5000, 2024: 5500}
    assert profile.density == pytest.approx(5500)
    assert profile.share_of_cmm_population_pct == pytest.approx(100 * 5500 / sum(syn.POP[2024]))
    text = "\n".join(render_profile(profile, "it"))
    assert "Epsilon (015005)" in text and "+10,0 % dal 2023" in text  # Italian decimals


def test_load_territory_through_catalog(catalog):
    territory = load_territory(catalog, areas={})
    assert len(territory.comuni) == 9
    assert set(catalog.used) >= {"cmm_comuni", "istat_popolazione", "zone_omogenee"}


def test_builtin_som_area():
    som = builtin_areas()["som"]
    assert len(som.codes) == 8 and "018034" in som.codes


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"x": {"codes": ["015001"]}}, "missing 'name'"),
        ({"x": {"name": "X", "codes": []}}, "non-empty list"),
        ({"x": {"name": "X", "codes": ["015001", "15001"]}}, "listed twice"),
        ({"x": {"name": "X", "codes": ["abc"]}}, r"codes\[1\]"),
        ({"x": {"name": "X", "codes": ["015001"], "colour": 1}}, "unknown key"),
    ],
)
def test_area_errors(spec, message):
    with pytest.raises(ConfigError, match=message):
        parse_areas(spec, source="cfg.toml")


def test_geodataframe_is_metric():
    assert isinstance(build().comuni, gpd.GeoDataFrame)
    assert build().comuni.crs.to_epsg() == 32632
