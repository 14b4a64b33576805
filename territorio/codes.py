"""ISTAT comune codes: normalisation to the 6-character ``pro_com_t`` string.

Sources write the same code as ``15146``, ``"15146"``, ``"015146"``, ``15146.0`` or, in the
Regione Lombardia pharmacy list, ``"15.146"`` (province.comune). All become ``"015146"``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from territorio.errors import DuplicateCodeError, InvalidValueError, UnknownCodeError

KEY = "pro_com_t"
"""Name of the key column of every per-comune table."""

#: Comuni merged since the oldest data in the mirror: old code -> current code.
#: Source: ISTAT variations / ANPR archive (Vermezzo con Zelo instituted 2019-02-08).
MERGED_CODES: dict[str, str] = {"015235": "015251", "015246": "015251"}

_DIGITS = re.compile(r"^\d{1,6}$")
_DOTTED = re.compile(r"^(\d{1,3})\.(\d{1,3})$")
_EXPECTED = "an ISTAT comune code of up to 6 digits, e.g. 015146, 15146 or 15.146"


def normalise_istat_code(value: object) -> str:
    """Return the 6-character ISTAT code for ``value``.

    Parameters
    ----------
    value
        An integer, float with no fractional part, or string holding the code.

    Returns
    -------
    str
        The zero-padded code, e.g. ``"015146"``.

    Raises
    ------
    ValueError
        If ``value`` is empty or not a code.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not {_EXPECTED}")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if math.isnan(value) or not value.is_integer():
            raise ValueError(f"{value!r} is not {_EXPECTED}")
        text = str(int(value))
    else:
        text = str(value).strip()
        if text.endswith(".0") and _DIGITS.match(text[:-2]):
            text = text[:-2]
    dotted = _DOTTED.match(text)
    if dotted:
        return dotted.group(1).zfill(3) + dotted.group(2).zfill(3)
    if not _DIGITS.match(text) or int(text) == 0:
        raise ValueError(f"{value!r} is not {_EXPECTED}")
    return text.zfill(6)


def normalise_code_series(
    values: pd.Series,
    *,
    source: Path | str,
    column: str,
    allow_missing: bool = False,
    first_row: int = 1,
) -> pd.Series:
    """Normalise a column of ISTAT codes, naming the first bad row on error.

    Parameters
    ----------
    values
        The column as read from the file.
    source
        The file, for the error message.
    column
        The column name, for the error message.
    allow_missing
        Keep empty cells as missing instead of failing.
    first_row
        Number given to the first data row in messages (1 for a table's first data row).

    Returns
    -------
    pandas.Series
        Strings of 6 digits (``None`` where missing and allowed), same index.
    """
    out: list[str | None] = []
    for position, value in enumerate(values.tolist()):
        if _is_missing(value):
            if allow_missing:
                out.append(None)
                continue
            raise InvalidValueError(source, position + first_row, column, value, _EXPECTED)
        try:
            out.append(normalise_istat_code(value))
        except ValueError:
            raise InvalidValueError(
                source, position + first_row, column, value, _EXPECTED
            ) from None
    return pd.Series(out, index=values.index, dtype="object", name=values.name)


def check_unique(codes: pd.Series, *, source: Path | str, column: str) -> None:
    """Raise :class:`DuplicateCodeError` if a code appears twice (rows numbered from 1)."""
    duplicated = codes[codes.duplicated(keep=False)]
    if duplicated.empty:
        return
    repeated = set(duplicated.tolist())
    rows: dict[str, list[int]] = {}
    for position, code in enumerate(codes.tolist()):
        if code in repeated:
            rows.setdefault(code, []).append(position + 1)
    raise DuplicateCodeError(source, column, rows)


def check_known(
    codes: pd.Series, known: Iterable[str], *, source: Path | str, column: str, universe: str
) -> None:
    """Raise :class:`UnknownCodeError` for codes outside ``known`` (rows numbered from 1)."""
    known_set = set(known)
    unknown: dict[str, int] = {}
    for position, code in enumerate(codes.tolist()):
        if code is not None and code not in known_set and code not in unknown:
            unknown[code] = position + 1
    if unknown:
        raise UnknownCodeError(source, column, unknown, universe)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA:
        return True
    return isinstance(value, str) and not value.strip()


def fold_name(text: str) -> str:
    """Lower case, no accents, every run of punctuation or space one space.

    Examples
    --------
    >>> fold_name("Cassano d’Adda"), fold_name("  Città  Metropolitana ")
    ('cassano d adda', 'citta metropolitana')
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.split(r"[^0-9a-z]+", plain)).strip()
