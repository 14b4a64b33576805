"""A QGIS project (``.qgz``) over the GeoPackage: groups by theme, EPSG:32632, relative paths."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from pyproj import CRS

from territorio.qgis.layers import QgisLayer
from territorio.qgis.styles import inner

INPUTS = "Dati di ingresso"
"""The group of the run's input layers, always last."""
QGIS_GEOMETRY = {"polygon": "Polygon", "point": "Point", "line": "Line"}


# the PROJ string QGIS stores beside the WKT (pyproj warns that PROJ strings lose detail)
PROJ4_32632 = "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs"


def _srs() -> str:
    crs = CRS.from_epsg(32632)
    return (
        "<spatialrefsys><wkt>"
        + escape(crs.to_wkt())
        + "</wkt><proj4>"
        + PROJ4_32632
        + "</proj4><srsid>3116</srsid><srid>32632</srid><authid>EPSG:32632</authid>"
        "<description>WGS 84 / UTM zone 32N</description><projectionacronym>utm"
        "</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym>"
        "<geographicflag>false</geographicflag></spatialrefsys>"
    )


@dataclass(frozen=True)
class ProjectLayer:
    """One entry of the project: a GeoPackage table with one of its styles, or a raster."""

    id: str
    name: str
    group: str
    source: str  # relative to the project file
    provider: str  # ogr or gdal
    kind: str  # polygon, point, line or raster
    body: str  # renderer / pipe elements
    visible: bool = True


def vector_entry(
    layer: QgisLayer,
    gpkg_name: str,
    style_index: int = 0,
    group: str | None = None,
    name: str | None = None,
    visible: bool = True,
) -> ProjectLayer:
    """A project entry showing ``layer`` with one of its styles."""
    style = layer.styles[style_index]
    return ProjectLayer(
        id=f"{layer.table}_{style_index}",
        name=name or layer.title,
        group=group or layer.group,
        source=f"./{gpkg_name}|layername={layer.table}",
        provider="ogr",
        kind=layer.kind,
        body=inner(style.qml),
        visible=visible,
    )


def project_document(
    title: str, entries: list[ProjectLayer], extent: tuple[float, float, float, float]
) -> str:
    """The ``.qgs`` document with layers grouped by theme (groups in order of first entry)."""
    srs = _srs()
    groups = []
    order_of_groups = list(dict.fromkeys(e.group for e in entries if e.group != INPUTS))
    if any(e.group == INPUTS for e in entries):
        order_of_groups.append(INPUTS)
    for group in order_of_groups:
        members = [e for e in entries if e.group == group]
        if not members:
            continue
        layers = "".join(
            f"<layer-tree-layer id={quoteattr(e.id)} name={quoteattr(e.name)} "
            f'source={quoteattr(e.source)} providerKey="{e.provider}" '
            f'checked="{"Qt::Checked" if e.visible else "Qt::Unchecked"}" expanded="0">'
            "<customproperties/></layer-tree-layer>"
            for e in members
        )
        groups.append(
            f'<layer-tree-group name={quoteattr(group)} checked="Qt::Checked" '
            f'expanded="1"><customproperties/>{layers}</layer-tree-group>'
        )
    maplayers = []
    for e in entries:
        if e.kind == "raster":
            head = (
                '<maplayer type="raster" hasScaleBasedVisibilityFlag="0" '
                'styleCategories="AllStyleCategories">'
            )
        else:
            head = (
                f'<maplayer type="vector" geometry="{QGIS_GEOMETRY[e.kind]}" '
                'hasScaleBasedVisibilityFlag="0" styleCategories="AllStyleCategories">'
            )
        maplayers.append(
            f"{head}<id>{escape(e.id)}</id><datasource>{escape(e.source)}</datasource>"
            f"<layername>{escape(e.name)}</layername><srs>{srs}</srs>"
            f'<provider encoding="UTF-8">{e.provider}</provider>{e.body}</maplayer>'
        )
    x0, y0, x1, y1 = extent
    order = "".join(f"<item>{escape(e.id)}</item>" for e in entries)
    document = (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis projectname={quoteattr(title)} version="3.22.0">'
        f'<homePath path=""/><title>{escape(title)}</title>'
        f"<projectCrs>{srs}</projectCrs>"
        f"<layer-tree-group><customproperties/>{''.join(groups)}"
        f'<custom-order enabled="0">{order}</custom-order></layer-tree-group>'
        f'<mapcanvas name="theMapCanvas" annotationsVisible="1"><units>meters</units>'
        f"<extent><xmin>{x0!r}</xmin><ymin>{y0!r}</ymin><xmax>{x1!r}</xmax><ymax>{y1!r}</ymax>"
        f"</extent><rotation>0</rotation><destinationsrs>{srs}</destinationsrs></mapcanvas>"
        f"<projectlayers>{''.join(maplayers)}</projectlayers>"
        '<properties><Paths><Absolute type="bool">false</Absolute></Paths>'
        '<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys>'
        "</properties></qgis>"
    )
    return document
