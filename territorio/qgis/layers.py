"""The layers of ``territorio.gpkg`` and of the QGIS project, as plain descriptions.

Written by :func:`territorio.outputs.geopackage.write_geopackage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from territorio.qgis.numbers import field_form
from territorio.qgis.styles import Style


@dataclass
class QgisLayer:
    """A layer of ``territorio.gpkg`` and of the project.

    Attributes
    ----------
    table
        Table name in the GeoPackage.
    title
        Layer name shown in QGIS (Italian).
    group
        Project group (Territorio, Suolo, Digitale, Mobilità, Servizi, Dati di ingresso).
    frame
        Features in EPSG:32632 (a GeoDataFrame), or rows of a table without geometry.
    kind
        ``polygon``, ``point``, ``line`` or ``table`` (no geometry).
    styles
        Named styles; the first is the default (none for a table).
    description
        Text stored in ``gpkg_contents.description``.
    sources
        Provenance: dicts with id, publisher, licence, date, url, sha256.
    aliases
        Italian field aliases.
    visible
        Checked in the project when it opens.
    relation_field
        Field holding the comune's ISTAT code: the layer becomes a child of the comuni in a
        QGIS relation, listed in the comune's form.
    scenario
        A SCENARIO layer (not observed data): off by default, named so.
    """

    table: str
    title: str
    group: str
    frame: pd.DataFrame
    kind: str
    styles: list[Style]
    description: str
    sources: list[dict] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    visible: bool = False
    relation_field: str | None = None
    scenario: bool = False

    def __post_init__(self) -> None:
        # every style of the layer carries its form: decimals and check boxes per field
        form = field_form(self.frame)
        self.styles = [replace(s, form=form) for s in self.styles]

    def fields(self) -> list[str]:
        """Attribute fields in file order (the geometry is not a field)."""
        geometry = getattr(self.frame, "_geometry_column_name", None)
        return [c for c in self.frame.columns if c != geometry]
