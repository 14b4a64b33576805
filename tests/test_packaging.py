"""Packaging: one version, a typed package, and a wheel that works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import territorio

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_written_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert metadata.version("territorio") == territorio.__version__


def test_runtime_dependencies_are_imported_by_the_package():
    # every runtime dependency is used by territorio itself, not only by tests or benchmarks
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    modules = {"pyproj": "pyproj", "osmium": "osmium", "pyogrio": "pyogrio"}
    modules["python-calamine"] = "python_calamine"
    modules["dask-geopandas"] = "dask_geopandas"
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "territorio").rglob("*.py"))
    unused = []
    for requirement in project["dependencies"]:
        name = requirement.split(">")[0].split("=")[0].strip()
        module = modules.get(name, name)
        if f"import {module}" not in source and f"from {module}" not in source:
            unused.append(name)
    assert unused == []


@pytest.mark.mirror
def test_wheel_installs_in_a_fresh_environment_and_runs(real_mirror, tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        timeout=600,
    )
    (wheel,) = dist.glob("territorio-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "territorio/py.typed" in names
    assert "territorio/_layers/boundaries/cmm_comuni.toml" in names  # the catalogue travels
    assert not any(n.startswith(("tests/", "scripts/")) for n in names)
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=900)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def outside(*command: str) -> subprocess.CompletedProcess:
        # run from a folder outside the checkout, so only the installed wheel is importable
        return subprocess.run(
            command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
        )

    where = outside(str(python), "-c", "import territorio; print(territorio.__file__)")
    assert where.stdout.startswith(str(venv)), where.stderr
    check = outside(str(venv / "bin" / "territorio"), "layers", "check", "--data", str(real_mirror))
    assert check.returncode == 0, check.stderr
    assert "strati sono a posto" in check.stdout
    script = outside(
        str(python),
        str(ROOT / "scripts" / "priorita_fibra.py"),
        "--primi",
        "3",
        "--data",
        str(real_mirror),
    )
    assert script.returncode == 0, script.stderr
    assert script.stdout.startswith("Priorità fibra: 133 comuni")


#: unit tests run on the floors: every computation module, on synthetic data
FLOOR_TESTS = [
    "tests/test_access.py",
    "tests/test_architecture.py",
    "tests/test_codes.py",
    "tests/test_config.py",
    "tests/test_digital.py",
    "tests/test_land.py",
    "tests/test_services.py",
    "tests/test_siting_optimal.py",
    "tests/test_spatial.py",
    "tests/test_territory.py",
    "territorio",
]


def floors() -> list[str]:
    """``name==floor`` for every runtime dependency and pytest, read from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pytest_floor = next(r for r in project["optional-dependencies"]["test"] if "pytest" in r)
    pins = []
    for requirement in [*project["dependencies"], pytest_floor]:
        name, _, version = requirement.partition(">=")
        assert version, f"{requirement}: every dependency declares a floor with >="
        pins.append(f"{name.strip()}=={version.strip()}")
    return pins


def test_floors_are_read_from_pyproject():
    pins = floors()
    assert "numpy==1.26" in pins and "pytest==8" in pins and len(pins) == 21


def test_declared_floors_pass_the_unit_tests(tmp_path):
    # the oldest versions pyproject.toml allows, in a fresh environment, run the unit tests
    venv = tmp_path / "floors"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", *floors()],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)],
        check=True,
        timeout=600,
    )
    run = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not mirror",
            "-W",
            "ignore::DeprecationWarning",
            "-W",
            "ignore::FutureWarning",
            *FLOOR_TESTS,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:]
