from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from territorio.cli import app
from territorio.errors import UnknownLayerError

runner = CliRunner()


@pytest.fixture
def env(synthetic, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    monkeypatch.setenv("COLUMNS", "200")
    return mirror, layers


def test_layers_table(env):
    result = runner.invoke(app, ["layers"])
    assert result.exit_code == 0, result.output
    assert "cmm_comuni" in result.output and "template" in result.output


def test_layers_check_ok_then_fails_on_corruption(env):
    mirror, _ = env
    assert runner.invoke(app, ["layers", "check"]).exit_code == 0
    (mirror / "boundaries" / "parco.csv").write_text("pro_com_t\n")
    result = runner.invoke(app, ["layers", "check"])
    assert result.exit_code == 1
    assert "parco_sud_comuni: checksum mismatch" in result.output


def test_layers_show(env):
    result = runner.invoke(app, ["layers", "show", "cmm_comuni"])
    assert result.exit_code == 0 and "sha256" in result.output


def test_info_and_run(env, tmp_path):
    info = runner.invoke(app, ["info", "015005"])
    assert info.exit_code == 0 and "Epsilon (015005)" in info.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (out / "indicatori_comuni.csv").read_text().count("\n") == 10
    assert "Sources and licences" in (out / "indicatori_comuni.md").read_text()


def test_run_with_config(env, tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(f'[output]\ndirectory = "{tmp_path / "fromcfg"}"\n')
    assert runner.invoke(app, ["run", "--config", str(config)]).exit_code == 0
    assert (tmp_path / "fromcfg" / "indicatori_comuni.csv").exists()


def test_errors_reach_the_user_as_typed_errors(env):
    result = runner.invoke(app, ["run", "--layer", "cmm_comune=x.gpkg"])
    assert isinstance(result.exception, UnknownLayerError)


def test_main_prints_clear_error_and_exits_2(env, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "territorio", "info", "Nowhere", "--data", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "errore" in proc.stderr and "TERRITORIO_DATA" in proc.stderr


def test_config_prints_defaults():
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0 and "[output]" in result.output


def _commands(command, path=("territorio",)):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_help_is_italian_and_shows_no_python_types(capsys, monkeypatch):
    import typer

    from territorio.cli import app as typer_app
    from territorio.cli import main
    from territorio.cli.words import ITALIAN

    root = typer.main.get_command(typer_app)
    missing = []
    for path, command in _commands(root):
        texts = [command.help] + [p.help for p in command.params if getattr(p, "help", None)]
        missing += [(" ".join(path), t) for t in texts if t and t.strip() not in ITALIAN]
    assert missing == []
    monkeypatch.setenv("COLUMNS", "120")
    for path, _ in _commands(root):
        with pytest.raises(SystemExit) as stop:
            main([*path[1:], "--help"])
        shown = capsys.readouterr().out
        assert stop.value.code == 0
        assert "<" not in shown, shown  # no <list[str]>, <bool>, <path>
        assert "Mostra questo aiuto ed esce." in shown
    english = subprocess.run(
        [sys.executable, "-m", "territorio", "run", "--lang", "en", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Output directory (default maps/)." in english.stdout


def test_a_language_other_than_it_or_en_is_refused():
    proc = subprocess.run(
        [sys.executable, "-m", "territorio", "run", "--lang", "fr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "expected it or en" in proc.stderr
    assert "Traceback" not in proc.stderr
