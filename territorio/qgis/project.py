"""A QGIS project (``.qgs`` inside a ``.qgz``) over the GeoPackage, written as XML.

The document is what QGIS 3.22 writes itself, reduced to what it needs to read: layer ids in
QGIS's own form (``name_`` + UUID with underscores; QGIS replaces ids of 10 characters or
fewer on read, and the layer-tree entries then lose their layer), every number a plain
decimal, project metadata, map themes over the named styles of one layer, a custom drawing
order, relations and the print layouts. Paths are relative, so the folder can move.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from pyproj import CRS

from territorio.qgis.numbers import decimal

QGIS_GEOMETRY = {"polygon": "Polygon", "point": "Point", "line": "Line", "table": "No geometry"}
ID_NAMESPACE = uuid.UUID("5b1c2f8e-3a0d-4c7e-9f61-7d2b8a4e0c15")  # territorio's own

# the PROJ string QGIS stores beside the WKT (pyproj warns that PROJ strings lose detail)
PROJ4_32632 = "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs"


def layer_id(name: str) -> str:
    """A layer id in QGIS's form, stable across runs (so two projects diff cleanly).

    Examples
    --------
    >>> name = layer_id("comuni")
    >>> name.startswith("comuni_"), len(name), "-" in name, name == layer_id("comuni")
    (True, 43, False, True)
    """
    return f"{name}_{str(uuid.uuid5(ID_NAMESPACE, name)).replace('-', '_')}"


def srs_xml() -> str:
    """The ``spatialrefsys`` element of EPSG:32632."""
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
class LayerMetadata:
    """What QGIS shows in a layer's Information/Metadata tabs and map attribution."""

    title: str
    abstract: str
    licences: tuple[str, ...] = ()
    rights: tuple[str, ...] = ()
    attribution: str = ""
    attribution_url: str = ""

    def xml(self) -> str:
        """``attribution`` and ``resourceMetadata`` elements of a ``maplayer``."""
        rights = "".join(f"<rights>{escape(r)}</rights>" for r in self.rights)
        licences = "".join(f"<license>{escape(x)}</license>" for x in self.licences)
        attribution = (
            f"<attribution href={quoteattr(self.attribution_url)}>{escape(self.attribution)}"
            "</attribution>"
        )
        return (
            f"{attribution}<resourceMetadata><identifier/><parentidentifier/><language>ita"
            f"</language><type>dataset</type><title>{escape(self.title)}</title>"
            f"<abstract>{escape(self.abstract)}</abstract><links/><fees/>{rights}{licences}"
            "<encoding>UTF-8</encoding></resourceMetadata>"
        )


@dataclass(frozen=True)
class ProjectLayer:
    """One layer of the project: a GeoPackage table with its styles, or a raster.

    Attributes
    ----------
    id
        QGIS layer id (:func:`layer_id`).
    name
        Layer name in the layer panel (Italian).
    group
        Group of the layer tree.
    source
        Data source, relative to the project file.
    provider
        ``ogr`` or ``gdal``.
    kind
        ``polygon``, ``point``, ``line`` or ``raster``.
    body
        Renderer and aliases of the current style (or the raster ``pipe``).
    metadata
        Title, abstract, licences and attribution.
    styles
        Other named styles, ``(name, body)``, for the style manager and the map themes.
    current
        Name of the current style.
    visible
        Checked when the project opens.
    """

    id: str
    name: str
    group: str
    source: str
    provider: str
    kind: str
    body: str
    metadata: LayerMetadata
    styles: tuple[tuple[str, str], ...] = ()
    current: str = "predefinito"
    visible: bool = True

    def xml(self, srs: str) -> str:
        """The ``maplayer`` element."""
        if self.kind == "raster":
            head = '<maplayer type="raster" hasScaleBasedVisibilityFlag="0">'
        else:
            head = (
                f'<maplayer type="vector" geometry="{QGIS_GEOMETRY[self.kind]}" '
                'hasScaleBasedVisibilityFlag="0" readOnly="1">'
            )
        # the current style's content is the layer's own; the others are stored whole
        styles = "".join(
            f"<map-layer-style name={quoteattr(name)}>"
            + ("" if name == self.current else f"<qgis>{body}</qgis>")
            + "</map-layer-style>"
            for name, body in self.styles
        )
        manager = (
            f"<map-layer-style-manager current={quoteattr(self.current)}>{styles}"
            "</map-layer-style-manager>"
            if self.styles
            else ""
        )
        return (
            f"{head}<id>{escape(self.id)}</id><datasource>{escape(self.source)}</datasource>"
            f"{self.metadata.xml()}<layername>{escape(self.name)}</layername><srs>{srs}</srs>"
            f'<provider encoding="UTF-8">{self.provider}</provider>{manager}{self.body}'
            "</maplayer>"
        )


@dataclass(frozen=True)
class MapTheme:
    """A named map theme: the visible layers and, per layer, the style shown."""

    name: str
    layers: tuple[tuple[str, str], ...]  # (layer id, style name)

    def xml(self) -> str:
        """The ``visibility-preset`` element."""
        items = "".join(
            f'<layer id={quoteattr(lid)} visible="1" style={quoteattr(style)}/>'
            for lid, style in self.layers
        )
        return f"<visibility-preset name={quoteattr(self.name)}>{items}</visibility-preset>"


@dataclass(frozen=True)
class Relation:
    """A one-to-many relation: the features of ``child`` whose ``child_field`` = parent's."""

    id: str
    name: str
    parent: str  # layer id of the referenced layer (comuni)
    child: str
    parent_field: str
    child_field: str

    def xml(self) -> str:
        """The ``relation`` element."""
        return (
            f"<relation id={quoteattr(self.id)} name={quoteattr(self.name)} "
            f"referencedLayer={quoteattr(self.parent)} referencingLayer={quoteattr(self.child)} "
            f'strength="Association"><fieldRef referencingField={quoteattr(self.child_field)} '
            f"referencedField={quoteattr(self.parent_field)}/></relation>"
        )


@dataclass(frozen=True)
class ProjectMetadata:
    """Title, abstract, author, creation date (ISO) and licence statements of the project."""

    title: str
    abstract: str
    author: str
    created: str
    licences: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def xml(self) -> str:
        """The ``projectMetadata`` element (licences as a keyword vocabulary and a link)."""
        licences = "".join(f"<keyword>{escape(x)}</keyword>" for x in self.licences)
        words = "".join(f"<keyword>{escape(x)}</keyword>" for x in self.keywords)
        return (
            "<projectMetadata><identifier/><parentidentifier/><language>ita</language>"
            f"<type>dataset</type><title>{escape(self.title)}</title>"
            f"<abstract>{escape(self.abstract)}</abstract>"
            f'<keywords vocabulary="licenza">{licences}</keywords>'
            f'<keywords vocabulary="territorio">{words}</keywords><links/>'
            f"<author>{escape(self.author)}</author><creation>{escape(self.created)}</creation>"
            "</projectMetadata>"
        )


@dataclass
class Project:
    """Everything the project document holds.

    Attributes
    ----------
    metadata
        Project metadata.
    layers
        Layers in layer-tree order (groups in order of first layer; inputs last).
    drawing_order
        Layer ids from top (drawn last) to bottom.
    extent
        Start view ``(xmin, ymin, xmax, ymax)`` in EPSG:32632.
    themes
        Map themes.
    relations
        Relations (comune → its points and indicators).
    layouts
        ``Layout`` elements (print layouts), as XML.
    collapsed
        Groups shown folded when the project opens (the input layers).
    """

    metadata: ProjectMetadata
    layers: list[ProjectLayer]
    drawing_order: list[str]
    extent: tuple[float, float, float, float]
    themes: list[MapTheme] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    layouts: list[str] = field(default_factory=list)
    collapsed: tuple[str, ...] = ()

    def groups(self) -> list[str]:
        """Group names in tree order (of their first layer), the folded groups last."""
        names = list(dict.fromkeys(e.group for e in self.layers))
        return [g for g in names if g not in self.collapsed] + [
            g for g in names if g in self.collapsed
        ]

    def document(self) -> str:
        """The ``.qgs`` document."""
        srs = srs_xml()
        if sorted(self.drawing_order) != sorted(e.id for e in self.layers):
            raise ValueError("the drawing order must list every layer once")
        groups = []
        for group in self.groups():
            members = "".join(
                f"<layer-tree-layer id={quoteattr(e.id)} name={quoteattr(e.name)} "
                f'source={quoteattr(e.source)} providerKey="{e.provider}" '
                f'checked="{"Qt::Checked" if e.visible else "Qt::Unchecked"}" expanded="0">'
                "<customproperties/></layer-tree-layer>"
                for e in self.layers
                if e.group == group
            )
            groups.append(
                f'<layer-tree-group name={quoteattr(group)} checked="Qt::Checked" '
                f'expanded="{0 if group in self.collapsed else 1}"><customproperties/>{members}'
                "</layer-tree-group>"
            )
        order = "".join(f"<item>{escape(i)}</item>" for i in self.drawing_order)
        x0, y0, x1, y1 = (decimal(v) for v in self.extent)
        extent = f"<xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax>"
        title = self.metadata.title
        return (
            "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
            f'<qgis projectname={quoteattr(title)} version="3.22.0">'
            f'<homePath path=""/><title>{escape(title)}</title>'
            f"<projectCrs>{srs}</projectCrs>"
            f"<layer-tree-group><customproperties/>{''.join(groups)}"
            f'<custom-order enabled="1">{order}</custom-order></layer-tree-group>'
            f"<relations>{''.join(r.xml() for r in self.relations)}</relations>"
            f'<mapcanvas name="theMapCanvas" annotationsVisible="1"><units>meters</units>'
            f"<extent>{extent}</extent><rotation>0</rotation>"
            f"<destinationsrs>{srs}</destinationsrs></mapcanvas>"
            f"<projectlayers>{''.join(e.xml(srs) for e in self.layers)}</projectlayers>"
            f"<visibility-presets>{''.join(t.xml() for t in self.themes)}</visibility-presets>"
            '<properties><Paths><Absolute type="bool">false</Absolute></Paths>'
            '<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled>'
            "</SpatialRefSys></properties>"
            f"{self.metadata.xml()}"
            f'<ProjectViewSettings UseProjectScales="0" rotation="0"><Scales/>'
            f'<DefaultViewExtent xmin="{x0}" ymin="{y0}" xmax="{x1}" ymax="{y1}">{srs}'
            "</DefaultViewExtent></ProjectViewSettings>"
            f"<Layouts>{''.join(self.layouts)}</Layouts></qgis>"
        )
