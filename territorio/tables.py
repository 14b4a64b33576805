"""Tables as people read them: Italian headers with units, yes/no, whole numbers, a dictionary.

The CSV files keep machine names (``suolo_consumato_2024_pct``) so that scripts can read
them; the XLSX workbooks a run writes beside them show each column under its label and unit
(``Suolo consumato 2024 (%)``), flags as sì/no, counts as whole numbers, ISTAT codes as
text, and carry a "Dizionario" sheet that maps every header back to its column and says what
it means. Writing the workbook is :mod:`territorio.outputs.workbook`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territorio.classes import COUNT_UNITS
from territorio.i18n import pick
from territorio.indicators import Column, Formula, Ratio
from territorio.mapspec import is_scenario, scenario_label, short_label

#: Columns that hold codes: kept as text so Excel does not drop leading zeros.
CODE_COLUMNS = (
    "pro_com_t",
    "com_istat_code",
    "comune_geo",
    "comune_dichiarato",
    "cap",
    "codice_struttura",
    "nodo_id",
)

WORDS = {
    "yes": {"it": "sì", "en": "yes"},
    "no": {"it": "no", "en": "no"},
    "dictionary": {"it": "Dizionario", "en": "Dictionary"},
    "sheet": {"it": "Foglio", "en": "Sheet"},
    "column": {"it": "Colonna", "en": "Column"},
    "header": {"it": "Intestazione", "en": "Header"},
    "unit": {"it": "Unità", "en": "Unit"},
    "description": {"it": "Descrizione", "en": "Description"},
    "sources": {"it": "Fonti", "en": "Sources"},
    "aggregation": {"it": "Aggregazione", "en": "Aggregation"},
    "undocumented": {"it": "(non documentata)", "en": "(undocumented)"},
    "sum": {"it": "somma", "en": "sum"},
    "count_true": {"it": "numero di comuni", "en": "number of comuni"},
    "none": {"it": "—", "en": "—"},
}


@dataclass
class Sheet:
    """One worksheet ready to write: headers for people, values in their final types.

    Attributes
    ----------
    name
        Sheet name (≤ 31 characters, as Excel requires).
    frame
        Columns already under their headers.
    text
        Headers of columns to store as text (codes).
    integers
        Headers of columns of whole numbers.
    freeze
        Top-left cell of the scrolling area (``"C2"``: header row and two key columns stay).
    columns
        The column ids under the headers, in order (for the dictionary).
    """

    name: str
    frame: pd.DataFrame
    text: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    freeze: str = "A2"
    columns: tuple[str, ...] = ()


def header(doc: Column | None, column: str, lang: str) -> str:
    """The header of a column: short label and unit, e.g. ``Suolo consumato 2024 (%)``.

    A scenario column (``scenario_…``) is led by SCENARIO, so no header passes it for data.

    Examples
    --------
    >>> from territorio.indicators import Column
    >>> header(
    ...     Column("scenario_5g_siti", "siti", {"it": "Siti 5G nel comune"}),
    ...     "scenario_5g_siti",
    ...     "it",
    ... )
    'SCENARIO — Siti 5G nel comune (siti)'
    """
    if doc is None:
        return column
    unit = f" ({doc.unit})" if doc.unit else ""
    label = short_label(doc.text(lang).split(". ", 1)[0], 70) + unit
    return scenario_label(label, is_scenario(column))


def present(
    name: str,
    frame: pd.DataFrame,
    describe: Callable[[str], Column | None],
    lang: str,
) -> Sheet:
    """A table as a sheet: headers with units, sì/no, whole numbers, codes as text.

    Examples
    --------
    >>> import pandas as pd
    >>> from territorio.indicators import Column
    >>> docs = {
    ...     "pro_com_t": Column("pro_com_t", "", {"it": "Codice ISTAT"}),
    ...     "parco_sud": Column("parco_sud", "", {"it": "Comune del Parco Sud"}),
    ...     "residenti": Column("residenti", "ab.", {"it": "Residenti (ISTAT)"}),
    ... }
    >>> frame = pd.DataFrame({"pro_com_t": ["015002"], "parco_sud": [True], "residenti": [12345.0]})
    >>> sheet = present("Territorio", frame, docs.get, "it")
    >>> sheet.frame.to_dict("records"), sheet.integers, sheet.text
    ([{'Codice ISTAT': '015002', 'Comune del Parco Sud': 'sì', 'Residenti (ab.)': 12345}], ('Residenti (ab.)',), ('Codice ISTAT',))
    """  # noqa: E501
    headers: dict[str, str] = {}
    taken: set[str] = set()
    for column in frame.columns:
        doc = describe(str(column))
        text = header(doc, str(column), lang)
        if text.lower() in taken and doc is not None:  # two columns, one short label
            unit = f" ({doc.unit})" if doc.unit else ""
            text = doc.text(lang) + unit
        base, n = text, 2
        while text.lower() in taken:
            text, n = f"{base} ({n})", n + 1
        taken.add(text.lower())
        headers[str(column)] = text
    out = pd.DataFrame(index=frame.index)
    integers, texts = [], []
    for column in frame.columns:
        values = frame[column]
        title = headers[str(column)]
        if column in CODE_COLUMNS or str(column).startswith("codice"):
            out[title] = values.astype("string")
            texts.append(title)
        elif _is_flag(values):
            yes, no = pick(WORDS["yes"], lang), pick(WORDS["no"], lang)
            out[title] = values.map(lambda v, y=yes, n=no: "" if pd.isna(v) else (y if v else n))
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            doc = describe(str(column))
            if doc is not None and doc.unit in COUNT_UNITS and _finite(values):
                # people and things are whole: 1 234,4 modelled residents show as 1 234
                out[title] = values.round().astype("Int64")
                integers.append(title)
            elif _whole(values):
                out[title] = values.astype("Int64")
                integers.append(title)
            else:
                out[title] = values
        else:
            out[title] = values
    keys = sum(1 for c in frame.columns[:2] if c in ("pro_com_t", "comune", "gruppo", "nome"))
    freeze = f"{'ABC'[keys]}2"
    return Sheet(
        name[:31],
        out.reset_index(drop=True),
        tuple(texts),
        tuple(integers),
        freeze,
        tuple(str(c) for c in frame.columns),
    )


def dictionary_sheet(entries: Sequence[tuple[str, str, Column | None]], lang: str) -> Sheet:
    """The "Dizionario" sheet: sheet, column, header, unit, description, sources, aggregation."""
    rows = []
    for sheet, column, doc in entries:
        rows.append(
            {
                pick(WORDS["sheet"], lang): sheet,
                pick(WORDS["column"], lang): column,
                pick(WORDS["header"], lang): header(doc, column, lang),
                pick(WORDS["unit"], lang): doc.unit if doc else "",
                pick(WORDS["description"], lang): (
                    doc.text(lang) if doc else pick(WORDS["undocumented"], lang)
                ),
                pick(WORDS["sources"], lang): ", ".join(doc.sources) if doc else "",
                pick(WORDS["aggregation"], lang): aggregation_text(doc, lang) if doc else "",
            }
        )
    return Sheet(pick(WORDS["dictionary"], lang), pd.DataFrame(rows), freeze="C2")


def aggregation_text(column: Column, lang: str) -> str:
    """How a column is aggregated over a group of comuni, in words and formula."""
    rule = column.aggregate
    if isinstance(rule, Ratio):
        factor = f"{rule.factor:g} × " if rule.factor != 1 else ""
        return f"{factor}Σ`{rule.numerator}` / Σ`{rule.denominator}`"
    if isinstance(rule, Formula):
        inputs = ", ".join(f"Σ`{name}`" for name in rule.inputs)
        return f"{pick(rule.text, lang)} ({inputs})" if rule.text else inputs
    return pick(WORDS.get(str(rule), WORDS["none"]), lang)


def theme_sheets(
    frame: pd.DataFrame,
    theme_of: Mapping[str, str],
    titles: Mapping[str, dict[str, str]],
    describe: Callable[[str], Column | None],
    lang: str,
) -> list[Sheet]:
    """``indicatori_comuni`` split into one sheet per theme, each with code and name first."""
    keys = [c for c in ("pro_com_t", "comune") if c in frame.columns]
    order: dict[str, list[str]] = {}
    for column in frame.columns:
        if column in keys:
            continue
        order.setdefault(theme_of.get(column, "territorio"), []).append(column)
    return [
        present(pick(titles.get(theme, {"it": theme}), lang), frame[keys + columns], describe, lang)
        for theme, columns in order.items()
    ]


def _is_flag(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return True
    present_values = values.dropna()
    if present_values.empty or pd.api.types.is_numeric_dtype(values):
        return False
    return bool(present_values.map(lambda v: isinstance(v, bool | np.bool_)).all())


def _finite(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    return bool(np.isfinite(numbers).all() and (np.abs(numbers) < 2**53).all())


def _whole(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if numbers.empty or pd.api.types.is_bool_dtype(values):
        return False
    finite = np.isfinite(numbers.to_numpy(dtype=float))
    return bool(
        finite.all() and (numbers == np.round(numbers)).all() and numbers.abs().max() < 2**53
    )
