"""The themes of ``territorio run``, in run order: the one place a theme is registered.

Adding a theme is its own package (pure functions), its step module (which defines
``THEME``) and one line here; config sections, map pages and QGIS groups follow from it.
"""

from __future__ import annotations

from territorio.pipeline import Theme
from territorio.steps import (
    digitale,
    mappe,
    mobilita,
    monitoraggio,
    qgis,
    servizi,
    suolo,
    territorio,
    trasporto,
)

THEMES: tuple[Theme, ...] = (
    territorio.THEME,
    suolo.THEME,
    digitale.THEME,
    mobilita.THEME,
    trasporto.THEME,
    servizi.THEME,
    monitoraggio.THEME,
    mappe.THEME,
    qgis.THEME,
)
