"""A new theme needs its own module, its step and one registry entry: nothing central."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from territorio.config import default_config_toml, load_config
from territorio.indicators import Column, Ratio
from territorio.mapspec import Choropleth
from territorio.pipeline import RunContext, Theme
from territorio.readers import read_indicators
from territorio.runner import run_pipeline
from territorio.settings import doc
from territorio.themes import THEMES


@dataclass
class GreenConfig:
    """Urban green (verde): a toy theme of this test."""

    hectares_per_comune: float = doc("Green hectares given to every comune.", 12.5)


def green_step(ctx: RunContext) -> None:
    hectares = ctx.config["green"].hectares_per_comune
    values = pd.DataFrame({"verde_ha": hectares}, index=pd.Index(ctx.territory.codes))
    values["verde_m2_ab"] = 1e4 * values["verde_ha"] / ctx.territory.population()
    ctx.table.add(
        values,
        [
            Column("verde_ha", "ha", {"it": "Verde urbano"}, (), "sum"),
            Column(
                "verde_m2_ab",
                "m²/ab.",
                {"it": "Verde per residente"},
                ("istat_popolazione",),
                Ratio("verde_ha", "popolazione_2024", 1e4),
            ),
        ],
        source="verde",
    )
    ctx.maps.choropleth("verde", Choropleth("verde_m2_ab", "quantiles"))


GREEN = Theme(
    "verde",
    {"it": "Verde urbano", "en": "Urban green"},
    green_step,
    group={"it": "Verde", "en": "Green"},
    config=("green", GreenConfig),
)


def test_a_new_theme_is_one_registry_entry(catalog, tmp_path):
    # the registry a project would have after adding one line to territorio/themes.py
    themes = (*THEMES[:-2], GREEN, *THEMES[-2:])
    assert "[green]" in default_config_toml(themes) and "[green]" not in default_config_toml()
    config_file = tmp_path / "run.toml"
    config_file.write_text("[green]\nhectares_per_comune = 20.0\n", encoding="utf-8")
    config = load_config(config_file, themes)
    config["run"].steps = ["verde", "mappe", "qgis"]
    out = tmp_path / "out"
    run_pipeline(config, catalog=catalog, out=out, themes=themes)

    table = read_indicators(out / "indicatori_comuni.csv").set_index("pro_com_t")
    expected = 1e4 * 20.0 / table["popolazione_2024"]
    pd.testing.assert_series_equal(table["verde_m2_ab"], expected, check_names=False)
    groups = pd.read_csv(out / "indicatori_aree.csv").set_index("gruppo")
    # Σ hectares / Σ residents (the CSV keeps 10 significant digits)
    hand = 1e4 * 9 * 20.0 / table["popolazione_2024"].sum()
    assert groups.loc["cmm", "verde_m2_ab"] == pytest.approx(hand, rel=1e-9)
    page = (out / "verde.html").read_text(encoding="utf-8")
    assert "Verde urbano" in page  # the map page takes the theme's title
    assert "verde_m2_ab" in (out / "indicatori_comuni.md").read_text(encoding="utf-8")
    import sqlite3

    with sqlite3.connect(out / "territorio.gpkg") as db:
        styles = [name for (name,) in db.execute("SELECT styleName FROM layer_styles")]
    assert "Verde per residente" in styles  # the QGIS style (and map theme) of the new map
    assert (out / "sld" / "comuni__verde_per_residente.sld").exists()  # and its SLD
