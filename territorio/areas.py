"""Custom areas: named groups of comuni given by ISTAT code, possibly across provinces."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from territorio.codes import normalise_istat_code
from territorio.errors import ConfigError

BUILTIN_AREAS_FILE = Path(__file__).with_name("aree.toml")
"""Areas shipped with territorio, read by :func:`territorio.readers.builtin_areas`."""


@dataclass(frozen=True)
class Area:
    """A named group of comuni.

    Attributes
    ----------
    id
        Short identifier used in file names and columns, e.g. ``"som"``.
    name
        Display name.
    codes
        ISTAT ``pro_com_t`` codes of the member comuni, in the given order.
    source
        Where the grouping comes from.
    """

    id: str
    name: str
    codes: tuple[str, ...]
    source: str = ""


def parse_areas(data: dict, *, source: Path | str) -> dict[str, Area]:
    """Build areas from a ``{id: {name, codes, source}}`` mapping (TOML ``[areas.<id>]``).

    Raises
    ------
    ConfigError
        If an area has no name, no codes, an invalid or a repeated code.
    """
    areas: dict[str, Area] = {}
    for area_id, spec in data.items():
        where = f"areas.{area_id}"
        if not isinstance(spec, dict):
            raise ConfigError(source, where, "must be a table with 'name' and 'codes'")
        unknown = set(spec) - {"name", "codes", "source"}
        if unknown:
            raise ConfigError(source, where, f"unknown key(s): {', '.join(sorted(unknown))}")
        if not spec.get("name"):
            raise ConfigError(source, where, "missing 'name'")
        raw_codes = spec.get("codes")
        if not isinstance(raw_codes, list) or not raw_codes:
            raise ConfigError(source, where, "'codes' must be a non-empty list of ISTAT codes")
        codes: list[str] = []
        for position, raw in enumerate(raw_codes, start=1):
            try:
                code = normalise_istat_code(raw)
            except ValueError as exc:
                raise ConfigError(source, where, f"codes[{position}]: {exc}") from None
            if code in codes:
                raise ConfigError(source, where, f"codes[{position}]: {code} listed twice")
            codes.append(code)
        areas[area_id] = Area(area_id, str(spec["name"]), tuple(codes), str(spec.get("source", "")))
    return areas
