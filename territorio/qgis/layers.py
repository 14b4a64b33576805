"""The layers of ``territorio.gpkg`` and of the QGIS project, as plain descriptions.

Written by :func:`territorio.outputs.geopackage.write_geopackage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from territorio.qgis.styles import Style


@dataclass
class QgisLayer:
    """A layer of ``territorio.gpkg`` and of the project.

    Attributes
    ----------
    table
        Table name in the GeoPackage.
    title
        Layer name shown in QGIS.
    group
        Project group (Territorio, Suolo, Digitale, Mobilità, Servizi, Dati di ingresso).
    frame
        Features in EPSG:32632.
    kind
        ``polygon``, ``point`` or ``line``.
    styles
        Named styles; the first is the default.
    description
        Text stored in ``gpkg_contents.description``.
    sources
        Provenance: dicts with id, publisher, licence, date, url, sha256.
    aliases
        Italian field aliases.
    """

    table: str
    title: str
    group: str
    frame: gpd.GeoDataFrame
    kind: str
    styles: list[Style]
    description: str
    sources: list[dict] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    def fields(self) -> list[str]:
        """Attribute fields in file order (the geometry is not a field)."""
        return [c for c in self.frame.columns if c != self.frame.geometry.name]
