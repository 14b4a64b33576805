"""Numbers as QGIS and SLD readers parse them: plain decimals, never reprs or exponents."""

from __future__ import annotations

import math

import numpy as np
from pandas.api.types import is_bool_dtype, is_float_dtype


def decimal(value: float) -> str:
    """A number as a plain decimal (no exponent, no ``np.float64(...)``), as QGIS parses it.

    Examples
    --------
    >>> decimal(np.float64(475741.72)), decimal(1e-07), decimal(3.0), decimal(-2)
    ('475741.72', '0.0000001', '3', '-2')
    """
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return np.format_float_positional(number, trim="-")


def precision(values) -> int:
    """Decimals to show for a column, as :func:`territorio.classes.fmt` shows a value.

    Examples
    --------
    >>> precision([1234.5, 2000.0]), precision([12.3, 45.6]), precision([0.05, 0.5])
    (0, 1, 2)
    """
    data = np.abs(np.asarray(values, dtype=float))
    data = data[np.isfinite(data)]
    top = float(np.median(data)) if data.size else 0.0
    return 0 if top >= 1000 else 1 if top >= 10 else 2


def _option(kind: str, name: str, value: str) -> str:
    return f'<Option type="{kind}" name="{name}" value="{value}"/>'


def field_form(frame) -> str:
    """The ``fieldConfiguration`` of a layer: decimals for real numbers, check boxes for flags.

    So the form and attribute table show ``47,7`` (in the user's QGIS locale), not
    ``47.77153152303207``, and a flag as a tick rather than ``0``/``1``.

    Examples
    --------
    >>> import pandas as pd
    >>> xml = field_form(pd.DataFrame({"area": [47.77, 181.7], "parco": [True, False]}))
    >>> 'name="Precision" value="1"' in xml, 'type="CheckBox"' in xml
    (True, True)
    """
    fields = []
    for column in frame.columns:
        series = frame[column]
        if getattr(frame, "_geometry_column_name", None) == column:
            continue
        if is_bool_dtype(series.dtype):
            widget, options = (
                "CheckBox",
                [
                    _option("QString", "CheckedState", "1"),
                    _option("QString", "UncheckedState", "0"),
                    _option("int", "TextDisplayMethod", "0"),
                ],
            )
        elif is_float_dtype(series.dtype):
            widget, options = (
                "Range",
                [
                    _option("bool", "AllowNull", "true"),
                    _option("double", "Max", "1e+15"),
                    _option("double", "Min", "-1e+15"),
                    _option("int", "Precision", str(precision(series))),
                    _option("int", "Step", "1"),
                    _option("QString", "Style", "SpinBox"),
                ],
            )
        else:
            continue
        fields.append(
            f'<field configurationFlags="None" name="{column}"><editWidget type="{widget}">'
            f'<config><Option type="Map">{"".join(options)}</Option></config></editWidget>'
            "</field>"
        )
    return f"<fieldConfiguration>{''.join(fields)}</fieldConfiguration>"
