from __future__ import annotations

import tomllib

import pytest

from territorio.config import default_config_toml, load_config
from territorio.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    config = load_config(None)
    assert config["output"].directory == "maps"
    assert config.lang == "it"
    assert "som" in config.areas


def test_values_layers_and_areas(tmp_path):
    config = load_config(
        write(
            tmp_path,
            """
[output]
lang = "en"
[layers]
cmm_siti_5g = "data/siti.csv"
[areas.nord]
name = "Nord"
codes = [15146, "015077"]
""",
        )
    )
    assert config.lang == "en"
    assert config.layers["cmm_siti_5g"] == (tmp_path / "data" / "siti.csv").resolve()
    assert config.areas["nord"].codes == ("015146", "015077")
    assert "som" in config.areas


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[ouput]\nlang='it'", r"\[ouput\] unknown section \(did you mean \[output\]\?\)"),
        ("[output]\nlanguage='it'", r"unknown key 'language' \(did you mean 'lang'\?\)"),
        ("[output]\nlang=3", r"\[output.lang\] expected a string, got 3"),
        ("[output]\nlang='fr'", "lang must be one of"),
        ("[territory]\npopulation_years=['2024']", "expected a list of an integer"),
        ("[layers]\ncmm_siti_5g = 4", r"\[layers.cmm_siti_5g\] must be a path string"),
        ("[output\n", "not valid TOML"),
    ],
)
def test_errors_name_file_and_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message) as info:
        load_config(write(tmp_path, text))
    assert "run.toml" in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "none.toml")


def test_default_config_is_valid_and_complete(tmp_path):
    text = default_config_toml()
    parsed = tomllib.loads(text)
    assert {"data", "output", "run", "territory"} <= set(parsed)
    config = load_config(write(tmp_path, text))
    assert config["output"].lang == "it"
