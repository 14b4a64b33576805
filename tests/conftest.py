from __future__ import annotations

import os
from pathlib import Path

import pytest

from territorio.catalog import Catalog
from territorio.errors import MirrorNotFoundError
from territorio.mirror import resolve_mirror

from .synthetic import build_mirror

MARKER_FILE = Path("boundaries") / "cmm_comuni_2023_g.gpkg"
#: run under Debian's system Python with QGIS, not imported by pytest (doctests included)
collect_ignore = ["qgis_check.py"]


@pytest.fixture
def synthetic(tmp_path: Path) -> tuple[Path, Path]:
    """(mirror, layers) of the synthetic 3×3 territory."""
    return build_mirror(tmp_path)


@pytest.fixture
def catalog(synthetic: tuple[Path, Path]) -> Catalog:
    mirror, layers = synthetic
    return Catalog(mirror, layers_dir=layers)


@pytest.fixture(scope="session")
def real_mirror() -> Path:
    """The real layer mirror. Missing it fails under CI and skips (reported) elsewhere."""
    try:
        location = resolve_mirror()
    except MirrorNotFoundError as exc:
        location = None
        reason = str(exc)
    else:
        reason = f"{location.path} has no {MARKER_FILE}"
    if location is not None and (location.path / MARKER_FILE).is_file():
        return location.path
    if os.environ.get("CI"):
        pytest.fail(f"the layer mirror is required in CI: {reason}")
    pytest.skip(f"layer mirror not available: {reason}")


@pytest.fixture(scope="session")
def real_catalog(real_mirror: Path) -> Catalog:
    return Catalog(real_mirror)


@pytest.fixture(scope="session")
def mirror_run(real_catalog: Catalog, tmp_path_factory) -> tuple[Path, object]:
    """One full run on the real mirror, shared by the tests that read its outputs."""
    from territorio.config import load_config
    from territorio.runner import run_pipeline

    out = tmp_path_factory.mktemp("mirror_run")
    return out, run_pipeline(load_config(None), catalog=real_catalog, out=out)


@pytest.fixture(autouse=True)
def _restore_process_hooks():
    """Tests that call ``territorio.cli.main`` in-process leave no signal handler behind."""
    import signal
    import warnings

    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    shown = warnings.showwarning
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    warnings.showwarning = shown
