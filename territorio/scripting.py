"""Helpers for analysis scripts: clear errors instead of tracebacks, Italian numbers."""

from __future__ import annotations

import sys
from collections.abc import Callable

from territorio.classes import fmt
from territorio.errors import TerritorioError


def run_script(main: Callable[[], int | None]) -> None:
    """Run a script's ``main``; a territorio error prints ``errore: …`` and exits with 2.

    Examples
    --------
    >>> import territorio as tt
    >>> def main():
    ...     raise tt.TerritorioError("registro.csv: row 3, column 'lat': 'abc' is not a number")
    >>> import contextlib, sys
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         tt.run_script(main)
    ...     except SystemExit as stop:
    ...         print("exit", stop.code)
    errore: registro.csv: row 3, column 'lat': 'abc' is not a number
    exit 2
    """
    try:
        code = main()
    except TerritorioError as exc:
        print(f"errore: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    raise SystemExit(code or 0)


def format_number(value: object, lang: str = "it") -> str:
    r"""A number as a person reads it: ``1 234,5`` in Italian, ``1,234.5`` in English.

    Examples
    --------
    >>> format_number(3245459), format_number(12.345), format_number(12.345, "en")
    ('3\u2009245\u2009459', '12,3', '12.3')
    """
    return fmt(value, lang)
