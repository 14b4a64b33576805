"""The analysis scripts of scripts/: public API only, and each one run on the real mirror."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import territorio as tt

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
ALL = sorted(p.name for p in SCRIPTS.glob("*.py"))


def test_there_are_at_least_five_documented_scripts():
    readme = (SCRIPTS / "README.md").read_text(encoding="utf-8")
    assert len(ALL) >= 5
    assert [name for name in ALL if f"`{name}`" not in readme] == []


@pytest.mark.parametrize("name", ALL)
def test_script_uses_only_top_level_names(name):
    tree = ast.parse((SCRIPTS / name).read_text(encoding="utf-8"))
    deep_imports = [
        ast.unparse(n)
        for n in ast.walk(tree)
        if (isinstance(n, ast.ImportFrom) and (n.module or "").startswith("territorio"))
        or (isinstance(n, ast.Import) and any(a.name.startswith("territorio.") for a in n.names))
    ]
    assert deep_imports == []
    used = {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "tt"
    }
    assert used, "the script does not use territorio"
    assert sorted(used - set(tt.__all__)) == []


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


@pytest.mark.mirror
def test_land_ranking_of_a_zone(real_mirror, tmp_path):
    done = run("consumo_suolo_zona.py", "Nord Milano", "--csv", "nord.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Nord Milano: 6 comuni" in done.stdout
    lines = (tmp_path / "nord.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("pro_com_t;Comune;Suolo consumato 2024 (ha)")
    assert len(lines) == 7 and "," in lines[1]  # decimal comma
    again = run("consumo_suolo_zona.py", "Nord Milano", "--csv", "nord.csv", cwd=tmp_path)
    assert again.returncode == 2 and "nord.csv exists" in again.stderr
    wrong = run("consumo_suolo_zona.py", "Atlantide", cwd=tmp_path)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "zona 'Atlantide' sconosciuta" in wrong.stderr


@pytest.mark.mirror
def test_5g_coverage_of_a_register(real_catalog, tmp_path):
    schools = real_catalog.read("scuole_sedi").to_crs(4326).head(3)
    rows = ["site_id,lon,lat,tecnologie,stato"] + [
        f"S{i},{p.x:.6f},{p.y:.6f},5G NR,attivo" for i, p in enumerate(schools.geometry)
    ]
    (tmp_path / "registro.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = run("copertura_5g_registro.py", "registro.csv", "--raggio", "500", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3 siti 5G in servizio su 3 righe del registro")
    (tmp_path / "rotto.csv").write_text("site_id,lon,lat,tecnologie,stato\nS1,abc,45.4,5G,attivo\n")
    bad = run("copertura_5g_registro.py", "rotto.csv", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "row 1, column 'lon': 'abc' is not a number" in bad.stderr


@pytest.mark.mirror
def test_schools_of_one_comune_to_stations(real_mirror, tmp_path):
    done = run("scuole_stazioni.py", "015209", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Sesto San Giovanni (015209): ")
    assert "min a piedi" in done.stdout


@pytest.mark.mirror
def test_fibre_priority(real_mirror, tmp_path):
    done = run("priorita_fibra.py", "--primi", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Priorità fibra: 133 comuni (AGCOM, ultima data)"
    assert len(done.stdout.splitlines()) == 6


@pytest.mark.mirror
def test_custom_area_profile(real_mirror, tmp_path):
    done = run("profilo_area.py", "--area", "som", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SOM - Sud Ovest Milano: 7 comuni della CMM")
    wrong = run("profilo_area.py", "--codici", "099999", cwd=tmp_path)
    assert wrong.returncode == 2 and "non sono comuni della CMM" in wrong.stderr
