"""Open territorio's QGIS outputs in real QGIS and report what QGIS sees, as JSON.

Run with the Python that has QGIS (Debian's /usr/bin/python3 with python3-qgis):
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py PROJECT.qgz GEOPACKAGE.gpkg \
        [--png START_VIEW.png] [--sld-dir DIR]

The report covers the layer tree (every entry and the layer it resolves to), renderers and
their class bounds, the start extent, map themes, relations, the print layout and its atlas,
the drawing order, SLD files loaded back into QGIS, and (with --png) a render of the start
view with the visible layers in the project's drawing order.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsLayerTreeGroup,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def renderer_info(layer):
    renderer = layer.renderer()
    if renderer is None:
        return {"type": None}
    info = {"type": renderer.type()}
    if renderer.type() == "graduatedSymbol":
        info["attr"] = renderer.classAttribute()
        info["ranges"] = [[r.lowerValue(), r.upperValue(), r.label()] for r in renderer.ranges()]
    elif renderer.type() == "categorizedSymbol":
        info["attr"] = renderer.classAttribute()
        info["categories"] = [[str(c.value()), c.label()] for c in renderer.categories()]
    return info


def layer_info(layer):
    entry = {
        "id": layer.id(),
        "name": layer.name(),
        "valid": layer.isValid(),
        "source": layer.source(),
        "provider": layer.providerType(),
        "licences": list(layer.metadata().licenses()),
        "rights": list(layer.metadata().rights()),
        "attribution": layer.attribution(),
    }
    if isinstance(layer, QgsVectorLayer):
        fields = layer.fields()
        entry["features"] = layer.featureCount()
        entry["geometry"] = layer.geometryType()
        entry["renderer"] = renderer_info(layer) if layer.isSpatial() else {"type": None}
        entry["aliases"] = {
            fields.at(i).name(): layer.attributeAlias(i) for i in range(len(fields))
        }
        entry["widgets"] = {
            fields.at(i).name(): [
                layer.editorWidgetSetup(i).type(),
                layer.editorWidgetSetup(i).config().get("Precision"),
            ]
            for i in range(len(fields))
        }
        manager = layer.styleManager()
        entry["styles"] = manager.styles()
        entry["current_style"] = manager.currentStyle()
        if len(entry["styles"]) > 1:  # each named style as QGIS parses it
            entry["style_renderers"] = {}
            for name in entry["styles"]:
                manager.setCurrentStyle(name)
                entry["style_renderers"][name] = renderer_info(layer)
            manager.setCurrentStyle(entry["current_style"])
    elif isinstance(layer, QgsRasterLayer):
        entry["renderer"] = {"type": layer.renderer().type() if layer.renderer() else None}
        entry["bands"] = layer.bandCount()
    return entry


def render(project, path, size=(1200, 1000)):
    """Render the visible layers at the start extent in the project's drawing order."""
    root = project.layerTreeRoot()
    visible = [n.layer() for n in root.findLayers() if n.isVisible() and n.layer()]
    order = [layer for layer in root.layerOrder() if layer in visible]  # custom order, top first
    settings = QgsMapSettings()
    settings.setLayers(order)
    settings.setDestinationCrs(project.crs())
    settings.setExtent(project.viewSettings().defaultViewExtent())
    settings.setOutputSize(QSize(*size))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(path, "PNG")
    # the colour under the centre of each drawn point, and the colours point symbols have
    to_pixel = settings.mapToPixel()
    probes, point_colors = [], set()
    for layer in order:
        if not isinstance(layer, QgsVectorLayer) or layer.geometryType() != 0:
            continue
        for item in layer.renderer().legendSymbolItems():
            if item.symbol() is not None:
                point_colors.add(item.symbol().color().name())
        for feature in list(layer.getFeatures())[:20]:
            centre = to_pixel.transform(feature.geometry().asPoint())
            x, y = round(centre.x()), round(centre.y())
            if 0 <= x < image.width() and 0 <= y < image.height():
                probes.append({"layer": layer.name(), "color": image.pixelColor(x, y).name()})
    white = 0
    step = 4
    total = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            total += 1
            if image.pixelColor(x, y).rgb() & 0xFFFFFF == 0xFFFFFF:
                white += 1
    return {
        "path": path,
        "non_background_share": 1 - white / total,
        "layers": [x.name() for x in order],
        "point_probes": probes,
        "point_colors": sorted(point_colors),
    }


def main(args):
    app = QgsApplication([], False)
    app.initQgis()
    from qgis.core import Qgis

    report = {"qgis": Qgis.QGIS_VERSION}
    project = QgsProject.instance()
    report["read"] = bool(project.read(args.project))
    report["crs"] = project.crs().authid()
    report["absolute_paths"] = project.readBoolEntry("Paths", "/Absolute", True)[0]
    meta = project.metadata()
    report["metadata"] = {
        "title": meta.title(),
        "abstract": meta.abstract(),
        "author": meta.author(),
        "creation": meta.creationDateTime().toString("yyyy-MM-ddTHH:mm:ss"),
        "keywords": {k: v for k, v in meta.keywords().items()},
    }
    root = project.layerTreeRoot()
    report["tree"] = [
        {
            "name": node.name(),
            "layer_id": node.layerId(),
            "resolved": node.layer() is not None,
            "valid": bool(node.layer() and node.layer().isValid()),
            "checked": node.itemVisibilityChecked(),
            "group": node.parent().name() if node.parent() is not root else "",
        }
        for node in root.findLayers()
    ]
    report["layers"] = [layer_info(layer) for layer in project.mapLayers().values()]
    report["groups"] = [c.name() for c in root.children() if isinstance(c, QgsLayerTreeGroup)]
    report["custom_order"] = root.hasCustomLayerOrder()
    report["drawing_order"] = [layer.name() for layer in root.layerOrder()]
    extent = project.viewSettings().defaultViewExtent()
    report["extent"] = [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()]
    themes = project.mapThemeCollection()
    report["themes"] = {
        name: {
            r.layer().name() if r.layer() else r.layerId: (
                r.currentStyle if r.usingCurrentStyle else None
            )
            for r in themes.mapThemeState(name).layerRecords()
        }
        for name in themes.mapThemes()
    }
    report["relations"] = {
        rel.id(): {
            "valid": rel.isValid(),
            "name": rel.name(),
            "child": rel.referencingLayer().name() if rel.referencingLayer() else None,
        }
        for rel in project.relationManager().relations().values()
    }
    layouts = {}
    for layout in project.layoutManager().printLayouts():
        atlas = layout.atlas()
        atlas.updateFeatures()
        items = [type(item).__name__ for item in layout.items() if hasattr(item, "uuid")]
        pages = layout.pageCollection()
        page = pages.page(0) if pages.pageCount() else None
        layouts[layout.name()] = {
            "items": sorted(set(items)),
            "page_mm": [page.pageSize().width(), page.pageSize().height()] if page else None,
            "atlas_enabled": atlas.enabled(),
            "coverage": atlas.coverageLayer().name() if atlas.coverageLayer() else None,
            "atlas_count": atlas.count(),
            "page_name": atlas.pageNameExpression(),
            "sort": atlas.sortExpression(),
            "multiframes": [type(m).__name__ for m in layout.multiFrames()],
        }
        for frame in layout.multiFrames():
            if type(frame).__name__ == "QgsLayoutItemAttributeTable":
                layouts[layout.name()]["table_layer"] = (
                    frame.vectorLayer().name() if frame.vectorLayer() else None
                )
                layouts[layout.name()]["table_filter"] = frame.featureFilter()
                layouts[layout.name()]["table_columns"] = [c.heading() for c in frame.columns()]
    report["layouts"] = layouts
    if args.sld_dir:
        slds = {}
        for name in sorted(os.listdir(args.sld_dir)):
            table = name[:-4].split("__", 1)[0]
            gpkg_layer = QgsVectorLayer(f"{args.gpkg}|layername={table}", table, "ogr")
            message, ok = gpkg_layer.loadSldStyle(os.path.join(args.sld_dir, name))
            renderer = gpkg_layer.renderer()
            rules = (
                len(renderer.rootRule().children()) if renderer.type() == "RuleRenderer" else None
            )
            slds[name] = {
                "ok": bool(ok),
                "message": message,
                "renderer": renderer.type(),
                "rules": rules,
            }
        report["sld"] = slds
    direct = {}
    for table in ("comuni", "nodi"):
        layer = QgsVectorLayer(f"{args.gpkg}|layername={table}", table, "ogr")
        direct[table] = {"valid": layer.isValid()}
        if layer.isValid():
            fields = layer.fields()
            direct[table].update(
                features=layer.featureCount(),
                renderer=layer.renderer().type(),
                aliases={fields.at(i).name(): layer.attributeAlias(i) for i in range(len(fields))},
            )
    report["direct"] = direct
    if args.png:
        report["render"] = render(project, args.png)
    print(json.dumps(report), flush=True)
    # QGIS 3.22 may crash while tearing down Qt after a project was read: the report is out,
    # so leave without the teardown
    os._exit(0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("gpkg")
    parser.add_argument("--png")
    parser.add_argument("--sld-dir")
    main(parser.parse_args(sys.argv[1:]))
