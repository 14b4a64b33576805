"""Open territorio's QGIS outputs in real QGIS and report what QGIS sees, as JSON.

Run with the Python that has QGIS (Debian's /usr/bin/python3 with python3-qgis):
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py PROJECT.qgz GEOPACKAGE.gpkg
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsLayerTreeGroup,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)


def main(project_path, gpkg_path):
    app = QgsApplication([], False)
    app.initQgis()
    report = {"qgis": __import__("qgis.core").core.Qgis.QGIS_VERSION}
    project = QgsProject.instance()
    report["read"] = bool(project.read(project_path))
    report["crs"] = project.crs().authid()
    report["absolute_paths"] = project.readBoolEntry("Paths", "/Absolute", True)[0]
    layers = []
    for layer in project.mapLayers().values():
        entry = {
            "name": layer.name(),
            "valid": layer.isValid(),
            "source": layer.source(),
            "provider": layer.providerType(),
        }
        if isinstance(layer, QgsVectorLayer):
            entry["features"] = layer.featureCount()
            entry["renderer"] = layer.renderer().type() if layer.renderer() else None
        elif isinstance(layer, QgsRasterLayer):
            entry["renderer"] = layer.renderer().type() if layer.renderer() else None
            entry["bands"] = layer.bandCount()
        layers.append(entry)
    report["layers"] = layers
    root = project.layerTreeRoot()
    report["groups"] = {
        child.name(): [node.name() for node in child.children()]
        for child in root.children()
        if isinstance(child, QgsLayerTreeGroup)
    }
    direct = {}
    for table in ("comuni", "nodi", "scuole_sec2"):
        layer = QgsVectorLayer(f"{gpkg_path}|layername={table}", table, "ogr")
        if not layer.isValid():
            direct[table] = {"valid": False}
            continue
        fields = layer.fields()
        aliases = {fields.at(i).name(): layer.attributeAlias(i) for i in range(fields.count())}
        direct[table] = {
            "valid": True,
            "features": layer.featureCount(),
            "renderer": layer.renderer().type(),
            "aliases": aliases,
        }
    report["direct"] = direct
    print(json.dumps(report), flush=True)
    project.clear()
    # QGIS 3.22 may crash while tearing down Qt after a project was read: the report is out,
    # so leave without the teardown
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
