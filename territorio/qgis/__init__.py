"""QGIS-ready outputs: one styled GeoPackage and a project grouped by theme."""
