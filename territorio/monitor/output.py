"""Writing the monitoring files: ``monitoraggio.csv``, the ranking, the XLSX, the dashboard."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from territorio.i18n import pick
from territorio.monitor.dashboard import MONITOR_PAGE, monitor_page
from territorio.monitor.values import Monitoring
from territorio.monitor.words import MONITOR_DOCS, RANKING_DOCS

MONITOR_FILE = "monitoraggio.csv"
RANKING_FILE = "monitoraggio_comuni.csv"


def driver_sheets(result: Monitoring, lang: str) -> dict[str, str]:
    """Sheet title per Driver id: ``D1 Campus metropolitano smart`` (at most 31 characters)."""
    titles = {}
    for driver in result.catalogue.drivers:
        title = f"{driver.id} {pick(driver.name, lang)}"
        title = re.sub(r"[\[\]:*?/\\]", " ", title)  # characters Excel refuses in a name
        titles[driver.id] = re.sub(r"\s+", " ", title)[:31].rstrip()
    return titles


def write_monitoring(
    outputs: Any,
    result: Monitoring,
    run: Mapping[str, Any],
    lang: str,
    *,
    index: bool,
    compare: bool = False,
    catalogue_label: str = "psttm.toml",
) -> None:
    """The table (one XLSX sheet per Driver), the comuni ranking and ``monitoraggio.html``."""
    sheets = driver_sheets(result, lang)
    outputs.write_csv(MONITOR_FILE, result.table, docs=MONITOR_DOCS, sheets_by=("driver", sheets))
    outputs.write_csv(RANKING_FILE, result.ranking, docs=RANKING_DOCS, sheets_by=("driver", sheets))
    page = monitor_page(
        result, run, lang, index=index, compare=compare, catalogue_label=catalogue_label
    )
    outputs.write_text(MONITOR_PAGE, page)


COMPARE_FILES = {
    "comuni": "confronto_comuni.csv",
    "aree": "confronto_aree.csv",
    "colonne": "confronto_colonne.csv",
    "righe": "confronto_righe.csv",
    "input": "confronto_input.csv",
}


def write_comparison(
    outputs: Any,
    comparison: Any,
    info_a: Mapping[str, Any],
    info_b: Mapping[str, Any],
    labels: Mapping[str, str],
    lang: str,
    names: tuple[str, str],
) -> None:
    """The comparison tables (CSV, and XLSX with the dictionary) and ``confronto.html``."""
    from territorio.monitor.dashboard import compare_page
    from territorio.monitor.words import COMPARE_DOCS

    frames = {
        "comuni": comparison.comuni,
        "aree": comparison.areas,
        "colonne": comparison.columns,
        "righe": comparison.rows,
        "input": comparison.inputs,
    }
    for key, frame in frames.items():
        outputs.write_csv(COMPARE_FILES[key], frame, docs=COMPARE_DOCS)
    page = compare_page(
        comparison,
        info_a,
        info_b,
        labels,
        lang,
        names=names,
        files=(COMPARE_FILES["comuni"], COMPARE_FILES["aree"]),
    )
    outputs.write_text("confronto.html", page)
