"""One styled GeoPackage for QGIS and GeoServer: layers, styles (QML and SLD), provenance.

Each layer's named styles go into ``layer_styles`` with both their QML (QGIS) and SLD
(GeoServer, MapStore); its provenance, licences and attribution into ``gpkg_metadata``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from territorio.qgis.layers import QgisLayer
from territorio.qgis.licences import licensing

METADATA_URI = "https://territorio.example/provenance/v1"  # identifies our JSON; not fetched


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns GeoPackage can store: no private columns, objects as text, booleans as 0/1."""
    frame = frame[[c for c in frame.columns if not str(c).startswith("_")]].copy()
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for column in frame.columns:
        if column == geometry:
            continue
        series = frame[column]
        if series.dtype == bool:
            frame[column] = series.astype(int)
        elif series.dtype == object or str(series.dtype).startswith(("string", "str")):
            frame[column] = series.map(
                lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
            )
    return frame


def write_geopackage(path: Path, layers: list[QgisLayer]) -> None:
    """Write every layer, its styles, description and provenance into one GeoPackage.

    The file is GeoPackage 1.2 so that QGIS builds with an older GDAL read it fully.
    """
    # identifiers are unique in a GeoPackage, case-insensitively and with the table names
    seen: set[str] = {layer.table.lower() for layer in layers}
    for layer in layers:
        if layer.title.lower() in seen and layer.title.lower() != layer.table.lower():
            layer.title = f"{layer.title} ({layer.table})"
        seen.add(layer.title.lower())
        frame = _clean(layer.frame)
        layer.frame = frame
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer.table,
            driver="GPKG",
            dataset_options={"VERSION": "1.2"},
            layer_options={"DESCRIPTION": layer.description, "IDENTIFIER": layer.title},
        )
    styles = pd.DataFrame(
        {
            "f_table_catalog": pd.Series(dtype="str"),
            "f_table_schema": pd.Series(dtype="str"),
            "f_table_name": pd.Series(dtype="str"),
            "f_geometry_column": pd.Series(dtype="str"),
            "styleName": pd.Series(dtype="str"),
            "styleQML": pd.Series(dtype="str"),
            "styleSLD": pd.Series(dtype="str"),
            "useAsDefault": pd.Series(dtype="bool"),
            "description": pd.Series(dtype="str"),
            "owner": pd.Series(dtype="str"),
            "ui": pd.Series(dtype="str"),
            "update_time": pd.Series(dtype="str"),
        }
    )
    # an attributes table registered in gpkg_contents: QGIS looks the styles up as a layer
    pyogrio.write_dataframe(styles, path, layer="layer_styles", driver="GPKG")
    with sqlite3.connect(path) as db:
        geometry_column = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        )
        for layer in layers:
            for i, style in enumerate(layer.styles):
                db.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                    "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, ?, ?, ?, 'territorio', "
                    "'', strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                    (
                        layer.table,
                        geometry_column.get(layer.table, "geom"),
                        style.name,
                        style.qml,
                        style.sld,
                        1 if i == 0 else 0,
                        f"{layer.title}: {style.name}",
                    ),
                )
        _write_metadata(db, layers)


def _write_metadata(db: sqlite3.Connection, layers: list[QgisLayer]) -> None:
    """Provenance of each layer in gpkg_metadata / gpkg_metadata_reference (GeoPackage §F.8)."""
    db.executescript("""
        CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,
            extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
            CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
        CREATE TABLE IF NOT EXISTS gpkg_metadata (
            id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
            md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL,
            mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '');
        CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (reference_scope TEXT NOT NULL,
            table_name TEXT, column_name TEXT, row_id_value INTEGER,
            timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            md_file_id INTEGER NOT NULL, md_parent_id INTEGER,
            CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
            CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id));
    """)
    for table in ("gpkg_metadata", "gpkg_metadata_reference"):
        db.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES (?, NULL, 'gpkg_metadata', "
            "'http://www.geopackage.org/spec120/#extension_metadata', 'read-write')",
            (table,),
        )
    for layer in layers:
        block = licensing(layer.sources)
        document = {
            "titolo": layer.title,
            "descrizione": layer.description,
            "gruppo": layer.group,
            "licenze": list(block.licences),
            "attribuzione": block.attribution,
            "attribuzione_url": block.url,
            "scenario": layer.scenario,
            "fonti": layer.sources,
        }
        cursor = db.execute(
            "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
            "VALUES ('dataset', ?, 'application/json', ?)",
            (METADATA_URI, json.dumps(document, ensure_ascii=False)),
        )
        db.execute(
            "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, md_file_id) "
            "VALUES ('table', ?, ?)",
            (layer.table, cursor.lastrowid),
        )
