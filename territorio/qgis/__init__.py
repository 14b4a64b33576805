"""QGIS outputs: styled layers (QML, SLD), a project with map themes and relations, an atlas."""
