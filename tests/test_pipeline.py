from __future__ import annotations

import re

import pandas as pd
import pytest

from territorio.config import load_config
from territorio.errors import ConfigError, TerritorioError, UnknownCodeError
from territorio.indicators import Column, IndicatorTable, Ratio
from territorio.outputs import OutputSet
from territorio.pipeline import Theme
from territorio.readers import read_indicators
from territorio.runner import run_pipeline
from territorio.territory import Group
from territorio.themes import THEMES

from . import synthetic as syn


def test_run_writes_table_groups_and_dictionary(catalog, tmp_path):
    out = tmp_path / "out"
    result = run_pipeline(load_config(None), catalog=catalog, out=out)
    names = {str(p.relative_to(out)) for p in result.written}
    assert {"indicatori_aree.csv", "indicatori_comuni.csv", "indicatori_comuni.md"} <= names
    assert {"suolo/serie_comuni.csv", "suolo/serie_aree.csv", "suolo/grafici/015001.svg"} <= names
    table = read_indicators(out / "indicatori_comuni.csv")
    assert len(table) == 9
    assert table["pro_com_t"].tolist() == syn.CODES
    for column in [
        "pro_com_t",
        "comune",
        "superficie_km2",
        "popolazione_2023",
        "popolazione_2024",
        "parco_sud",
        "zona_omogenea",
    ]:
        assert column in table.columns
    groups = pd.read_csv(out / "indicatori_aree.csv")
    cmm = groups.set_index("gruppo").loc["cmm"]
    assert cmm["popolazione_2024"] == sum(syn.POP[2024])
    assert cmm["superficie_km2"] == pytest.approx(sum(syn.REFERENCE_HA) / 100)  # ISPRA surface
    assert cmm["superficie_poligono_km2"] == pytest.approx(9.0)
    assert cmm["parco_sud"] == 3
    # synthetic ISPRA: comune i has 10 + i + 9 ha in 2024 on its reference surface
    stock = [19.0 + i for i in range(9)]
    expected = [100 * s / a for s, a in zip(stock, syn.REFERENCE_HA, strict=True)]
    assert table["suolo_consumato_2024_pct"].tolist() == pytest.approx(expected)
    expected_cmm = 100 * sum(stock) / sum(syn.REFERENCE_HA)
    assert cmm["suolo_consumato_2024_pct"] == pytest.approx(expected_cmm)
    dictionary = (out / "indicatori_comuni.md").read_text(encoding="utf-8")
    for column in table.columns:
        assert f"`{column}`" in dictionary
    assert "Fonti e licenze" in dictionary and "CC BY 4.0" in dictionary
    assert not [p for p in out.iterdir() if p.name.startswith(".territorio-")]


def test_english_dictionary(catalog, tmp_path):
    config = load_config(None)
    config["output"].lang = "en"
    run_pipeline(config, catalog=catalog, out=tmp_path)
    text = (tmp_path / "indicatori_comuni.md").read_text(encoding="utf-8")
    assert "Sources and licences" in text and "Resident population on 1 January 2024" in text


def test_failed_step_leaves_output_untouched(catalog, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "indicatori_comuni.csv").write_text("old\n")

    def boom(ctx):
        ctx.outputs.write_text("partial.csv", "half")
        raise TerritorioError("step failed on purpose")

    themes = (*THEMES, Theme("boom", {"it": "Boom", "en": "Boom"}, boom))
    with pytest.raises(TerritorioError, match="on purpose"):
        run_pipeline(load_config(None), catalog=catalog, out=out, themes=themes)
    assert sorted(p.name for p in out.iterdir()) == ["indicatori_comuni.csv"]
    assert (out / "indicatori_comuni.csv").read_text() == "old\n"


def test_unknown_step_and_missing_population_year(catalog, tmp_path):
    config = load_config(None)
    config["run"].steps = ["territorio", "teleport"]
    with pytest.raises(ConfigError, match="unknown step"):
        run_pipeline(config, catalog=catalog, out=tmp_path)
    config = load_config(None)
    config["territory"].population_years = [1999]
    with pytest.raises(ConfigError, match="no population data for \\[1999\\]"):
        run_pipeline(config, catalog=catalog, out=tmp_path / "x")
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())


def test_population_years_selection(catalog, tmp_path):
    config = load_config(None)
    config["territory"].population_years = [2024]
    run_pipeline(config, catalog=catalog, out=tmp_path)
    table = read_indicators(tmp_path / "indicatori_comuni.csv")
    assert "popolazione_2024" in table.columns and "popolazione_2023" not in table.columns


def test_indicator_table_rejects_bad_additions():
    table = IndicatorTable(["015001", "015002"])
    doc = Column("x", "ha", {"it": "x"}, aggregate="sum")
    with pytest.raises(TerritorioError, match="undocumented \\['y'\\]"):
        table.add(pd.DataFrame({"x": [1, 2], "y": [1, 2]}, index=["015001", "015002"]), [doc])
    with pytest.raises(UnknownCodeError, match="015009"):
        table.add(pd.DataFrame({"x": [1]}, index=["015009"]), [doc])
    table.add(pd.DataFrame({"x": [1.0]}, index=["015001"]), [doc])
    assert table.frame["x"].isna().tolist() == [False, True]
    with pytest.raises(TerritorioError, match="already in the table \\['x'\\]"):
        table.add(pd.DataFrame({"x": [1]}, index=["015001"]), [doc])


def test_aggregation_rules():
    table = IndicatorTable(["a", "b", "c"])
    table.add(
        pd.DataFrame(
            {
                "num": [1.0, 3.0, 6.0],
                "den": [2.0, 2.0, 4.0],
                "flag": [True, False, True],
                "pct": [50.0, 150.0, 150.0],
            },
            index=["a", "b", "c"],
        ),
        [
            Column("num", "", {"it": "n"}, aggregate="sum"),
            Column("den", "", {"it": "d"}, aggregate="sum"),
            Column("flag", "", {"it": "f"}, aggregate="count_true"),
            Column("pct", "%", {"it": "p"}, aggregate=Ratio("num", "den", 100.0)),
        ],
    )
    rows = table.aggregate([Group("g", "area", "G", ("a", "b"), ("z",))]).iloc[0]
    assert rows["num"] == 4.0 and rows["flag"] == 1
    assert rows["pct"] == pytest.approx(100.0)  # ratio of sums, not mean of ratios
    assert rows["comuni_fuori_cmm"] == 1


def test_output_set_replaces_only_what_the_same_producer_wrote(tmp_path):
    (tmp_path / "a.txt").write_text("the user's own file")
    with (
        pytest.raises(TerritorioError, match="not written by territorio.*--overwrite"),
        OutputSet(tmp_path, producer="territorio run") as out,
    ):
        out.write_text("sub/b.txt", "b")
        out.write_text("a.txt", "new")
    assert (tmp_path / "a.txt").read_text() == "the user's own file"
    assert not (tmp_path / "sub").exists()  # nothing of the refused set was moved in
    with OutputSet(tmp_path, producer="territorio run") as out:
        out.write_text("b.txt", "first")
    with OutputSet(tmp_path, producer="territorio run") as out:  # its own file: replaced
        out.write_text("b.txt", "second")
    assert (tmp_path / "b.txt").read_text() == "second"
    with (
        pytest.raises(
            TerritorioError, match=r"written by 'territorio run' on \d+ \w+ \d{4}"
        ) as got,
        OutputSet(tmp_path, producer="territorio land") as out,
    ):
        out.write_text("b.txt", "fewer columns")
    assert re.search(r"scritto da 'territorio run' il \d+/\d+/\d{4} \d\d:\d\d", got.value.render())
    assert (tmp_path / "b.txt").read_text() == "second"
    with OutputSet(tmp_path, producer="territorio land", overwrite=True) as out:
        out.write_text("a.txt", "new")
        out.write_text("b.txt", "third")
    assert (tmp_path / "a.txt").read_text() == "new" and (tmp_path / "b.txt").read_text() == "third"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".territorio-")]


def test_output_set_unwritable_destination(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with (
        pytest.raises(TerritorioError, match="cannot write to output directory"),
        OutputSet(blocker / "out"),
    ):
        pass
