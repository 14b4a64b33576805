"""Numbers as QGIS and SLD readers parse them: plain decimals, never reprs or exponents."""

from __future__ import annotations

import math

import numpy as np


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
