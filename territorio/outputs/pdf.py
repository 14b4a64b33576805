"""The atlas as PDF: run :mod:`territorio.outputs.atlas_pdf` under the Python that has QGIS.

QGIS's Python bindings come with QGIS (Debian: ``apt install python3-qgis``), not from PyPI,
so territorio's environment cannot import them. The exporter is a small script run by that
other Python: ``[qgis] python`` if set, else ``TERRITORIO_QGIS_PYTHON``, else
``/usr/bin/python3``; when none can import ``qgis.core`` the error says how to install it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from territorio.errors import TerritorioError

EXPORTER = Path(__file__).with_name("atlas_pdf.py")
DEFAULT_PYTHON = "/usr/bin/python3"
MERGED = "atlante_comuni.pdf"


def qgis_python(configured: str = "") -> str | None:
    """The first Python that imports ``qgis.core``, or ``None``."""
    candidates = [configured, os.environ.get("TERRITORIO_QGIS_PYTHON", ""), DEFAULT_PYTHON]
    for python in dict.fromkeys(c for c in candidates if c):
        try:
            probe = subprocess.run(
                [python, "-c", "import qgis.core"],
                capture_output=True,
                timeout=120,
                check=False,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return python
    return None


def require_qgis(configured: str = "") -> str:
    """The QGIS Python, or a clear error saying what to install.

    Raises
    ------
    TerritorioError
        If no candidate Python imports ``qgis.core``.
    """
    python = qgis_python(configured)
    if python is None:
        raise TerritorioError(
            "--pdf: QGIS's Python was not found (tried [qgis] python, TERRITORIO_QGIS_PYTHON "
            f"and {DEFAULT_PYTHON}). The atlas PDFs are exported by QGIS itself: install it "
            "(Debian/Ubuntu: apt install python3-qgis) or point TERRITORIO_QGIS_PYTHON to the "
            "Python of a QGIS installation. Without --pdf the project is written as usual."
        )
    return python


def export_atlas(
    project: Path,
    out_dir: Path,
    python: str,
    codes: list[str] | None = None,
    layout: str = "Scheda comunale",
) -> dict:
    """Export the atlas of ``layout`` in ``project`` into ``out_dir``; returns the report.

    Raises
    ------
    TerritorioError
        If QGIS could not read the project or export a page.
    """
    command = [python, str(EXPORTER), str(project), str(out_dir), "--merged", MERGED]
    command += ["--layout", layout]
    if codes:
        command += ["--codes", ",".join(codes)]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("{")), None)
    if line is None:
        raise TerritorioError(f"QGIS did not export the atlas of {project}: {proc.stderr[-800:]}")
    report = json.loads(line)
    if not report.get("read"):
        raise TerritorioError(f"QGIS could not read {project}")
    if report.get("errors"):
        raise TerritorioError(f"atlas of {project}: " + "; ".join(report["errors"]))
    return report
