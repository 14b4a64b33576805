"""Writing XLSX workbooks with openpyxl: frozen header, codes as text, whole numbers grouped.

The sheets come prepared by :func:`territorio.tables.present` (headers, types); this module
only lays them out: bold header, frozen panes, column widths, number formats that Italian
Excel shows as ``1.234`` and ``12,5``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

#: Number formats: whole numbers with grouping; other numbers as Excel's "General".
INTEGER_FORMAT = "#,##0"
TEXT_FORMAT = "@"


def write_workbook(path: Path, sheets: Mapping[str, Any]) -> None:
    """Write :class:`~territorio.tables.Sheet` objects, in order, into one workbook."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet in sheets.values():
            frame = sheet.frame.astype(object).where(sheet.frame.notna(), None)
            frame.to_excel(writer, sheet_name=sheet.name, index=False)
            ws = writer.sheets[sheet.name]
            ws.freeze_panes = sheet.freeze
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for position, column in enumerate(sheet.frame.columns, start=1):
                letter = get_column_letter(position)
                values = sheet.frame[column].astype("string").fillna("")
                width = max([len(str(column)), *values.str.len().tolist()[:500]])
                ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)
                style = (
                    TEXT_FORMAT
                    if column in sheet.text
                    else INTEGER_FORMAT
                    if column in sheet.integers
                    else None
                )
                if style:
                    for (cell,) in ws.iter_rows(min_row=2, min_col=position, max_col=position):
                        cell.number_format = style
