"""Export the "Scheda comunale" atlas of a territorio project to PDF, through QGIS.

This file runs under the Python that has QGIS (Debian's ``/usr/bin/python3`` with
``python3-qgis``), not territorio's environment, so it uses only the standard library and
``qgis``. It writes one PDF per comune (named by the atlas, ``scheda_<ISTAT code>.pdf``) and
one merged PDF, and prints a JSON report on its last line::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 atlas_pdf.py territorio.qgz OUT_DIR \
        [--codes 015146,015002] [--merged atlante_comuni.pdf]
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def export(project_path: str, out_dir: str, codes: list[str], merged: str, layout: str) -> dict:
    """Export the atlas of ``layout``; the report names the files and any QGIS error."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsLayoutExporter, QgsProject, QgsRenderContext

    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    report: dict = {"read": bool(project.read(project_path)), "files": [], "errors": []}
    item = project.layoutManager().layoutByName(layout)
    if item is None:
        report["errors"].append(f"il progetto non ha il layout {layout!r}")
        return report
    atlas = item.atlas()
    if codes:
        quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in codes)
        atlas.setFilterFeatures(True)
        atlas.setFilterExpression(f'"pro_com_t" IN ({quoted})')
    atlas.updateFeatures()
    report["pages"] = atlas.count()
    if atlas.count() == 0:
        report["errors"].append("nessun comune corrisponde ai codici richiesti")
        return report
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = 200
    settings.rasterizeWholeImage = False
    # real text, not outlines: the pages can be searched, copied and read aloud
    settings.textRenderFormat = QgsRenderContext.TextFormatAlwaysText
    os.makedirs(out_dir, exist_ok=True)
    result, error = QgsLayoutExporter.exportToPdfs(
        atlas, os.path.join(out_dir, "scheda.pdf"), settings
    )
    if result != QgsLayoutExporter.Success:
        report["errors"].append(f"esportazione per comune: {error or result}")
    if merged:
        result, error = QgsLayoutExporter.exportToPdf(
            atlas, os.path.join(out_dir, merged), settings
        )
        if result != QgsLayoutExporter.Success:
            report["errors"].append(f"PDF unico: {error or result}")
    report["files"] = sorted(f for f in os.listdir(out_dir) if f.endswith(".pdf"))
    return report


def main(argv: list[str]) -> None:
    """Command line: project, output folder, optional codes and merged file name."""
    parser = argparse.ArgumentParser(description="Atlante PDF di un progetto territorio")
    parser.add_argument("project")
    parser.add_argument("out_dir")
    parser.add_argument("--codes", default="")
    parser.add_argument("--merged", default="atlante_comuni.pdf")
    parser.add_argument("--layout", default="Scheda comunale")
    args = parser.parse_args(argv)
    codes = [c.strip() for c in args.codes.split(",") if c.strip()]
    report = export(args.project, args.out_dir, codes, args.merged, args.layout)
    print(json.dumps(report, ensure_ascii=False), flush=True)
    # QGIS 3.22 may crash while tearing down Qt after a project was read: the report is
    # out, so leave without the teardown
    os._exit(0 if not report["errors"] and report["files"] else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
