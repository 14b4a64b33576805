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

#: Number formats: whole numbers with grouping, other numbers with one to three decimals
#: (the cell keeps every digit); Italian Excel shows them as ``1.234`` and ``12,5``.
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
TEXT_FORMAT = "@"


def write_workbook(path: Path, sheets: Mapping[str, Any]) -> None:
    """Write :class:`~territorio.tables.Sheet` objects, in order, into one workbook."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet in sheets.values():
            frame = sheet.frame.astype(object).where(sheet.frame.notna(), None)
            frame.to_excel(writer, sheet_name=sheet.name, index=False)
            ws = writer.sheets[sheet.name]
            ws.freeze_panes = sheet.freeze
            # headers wrap over a few lines, so columns are as wide as their values
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[1].height = 64
            # printed for a council meeting: landscape, as wide as the page, header repeated
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.print_title_rows = "1:1"
            for position, column in enumerate(sheet.frame.columns, start=1):
                letter = get_column_letter(position)
                values = sheet.frame[column].astype("string").fillna("")
                width = max([min(len(str(column)), 18), *values.str.len().tolist()[:500]])
                ws.column_dimensions[letter].width = min(max(width + 2, 9), 45)
                if column in sheet.text:
                    style = TEXT_FORMAT
                elif column in sheet.integers:
                    style = INTEGER_FORMAT
                elif pd.api.types.is_float_dtype(sheet.frame[column]):
                    style = DECIMAL_FORMAT
                else:
                    style = None
                if style:
                    for (cell,) in ws.iter_rows(min_row=2, min_col=position, max_col=position):
                        cell.number_format = style
