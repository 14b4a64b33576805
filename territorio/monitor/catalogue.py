"""The plan-monitoring catalogue: PSTTM Drivers, the indicators that measure them, targets.

The catalogue ships with the package (``psttm.toml``); a user file adds Drivers and
indicators or replaces them by ``id`` (an approved target, a corrected name). Targets the plan
does not quantify stay empty: :class:`Target` is ``None`` and the dashboard says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from territorio.errors import SaidError, TerritorioError
from territorio.readers.runs import read_catalogue_file, shipped_catalogue

#: Directions of good: better when the value rises, falls, or neither (a context figure).
UP, DOWN, NEUTRAL = "aumento", "diminuzione", "nessuna"
DIRECTIONS = (UP, DOWN, NEUTRAL)
#: How an area's value is obtained: the run's aggregate, or the comuni matching a value.
AGGREGATE, COUNT = "aggregato", "conta"

_DRIVER_KEYS = {
    "id", "numero", "nome", "descrizione", "nome_verificato", "fonte", "non_servito"
}  # fmt: skip
_INDICATOR_KEYS = {
    "id", "driver", "nome", "colonna", "unita", "direzione", "base", "fonte", "obiettivo",
    "serie", "serie_tabella", "serie_tipo", "manca", "calcolo", "conta_valore", "periodo",
}  # fmt: skip


@dataclass(frozen=True)
class Baseline:
    """A baseline stated by the plan: year, value and where it is written."""

    year: int
    value: float
    source: str


@dataclass(frozen=True)
class Target:
    """A quantified target: a value (or every comune with data) by a year, and its source."""

    value: float | None
    year: int | None
    source: str
    all_comuni: bool = False


@dataclass(frozen=True)
class SeriesPoint:
    """One point of an indicator's series: its label and the column holding it."""

    period: str
    column: str
    weight: str = ""


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue (see ``psttm.toml`` for the meaning of each key)."""

    id: str
    driver: str
    name: dict[str, str]
    column: str
    unit: str
    direction: str
    source: str
    baseline: Baseline | None = None
    baseline_from_series: bool = False
    target: Target | None = None
    series: tuple[SeriesPoint, ...] = ()
    series_table: tuple[str, str] | None = None  # (file stem, column) of a long table
    series_kind: str = "tempo"  # "tempo", or "soglie" (the points are thresholds, not years)
    missing: dict[str, str] = field(default_factory=dict)
    method: str = AGGREGATE
    count_value: Any = True
    period: str = ""  # the date of the latest value, when no series gives it


@dataclass(frozen=True)
class Driver:
    """A Driver of the PSTTM Agenda strategica."""

    id: str
    number: int
    name: dict[str, str]
    description: dict[str, str]
    name_verified: bool
    source: str = ""
    unserved: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MonitorCatalogue:
    """Drivers in order and their indicators."""

    drivers: tuple[Driver, ...]
    indicators: tuple[Indicator, ...]

    def of(self, driver: str) -> list[Indicator]:
        """The indicators of one Driver, in catalogue order."""
        return [i for i in self.indicators if i.driver == driver]


def load_catalogue(user: Path | str | None = None) -> MonitorCatalogue:
    """The shipped catalogue, extended (or overridden by ``id``) by a user's TOML file.

    Raises
    ------
    TerritorioError
        If a file is not TOML, or an entry lacks a key, has an unknown one or a wrong value;
        the message names the file, the entry and the key.

    Examples
    --------
    >>> from territorio.monitor.catalogue import load_catalogue
    >>> cat = load_catalogue()
    >>> len(cat.drivers), cat.drivers[0].name["it"]
    (10, 'Campus metropolitano smart')
    >>> [i.id for i in cat.of("D1")][:2]
    ['ftth_famiglie', 'accordi_fibra']
    """
    drivers, indicators = _parse(shipped_catalogue(), "psttm.toml")
    if user is not None:
        path = Path(user)
        data = read_catalogue_file(path)
        extra_d, extra_i = _parse(data, str(path))
        drivers.update(extra_d)
        indicators.update(extra_i)
    for ind in indicators.values():
        if ind.driver not in drivers:
            raise SaidError(
                f"indicator {ind.id!r}: driver {ind.driver!r} is not in the catalogue "
                f"(expected one of {', '.join(drivers)})",
                f"indicatore {ind.id!r}: il driver {ind.driver!r} non è nel catalogo "
                f"(atteso uno tra {', '.join(drivers)})",
            )
    ordered = tuple(sorted(drivers.values(), key=lambda d: d.number))
    return MonitorCatalogue(ordered, tuple(indicators.values()))


def _parse(data: dict[str, Any], source: str) -> tuple[dict[str, Driver], dict[str, Indicator]]:
    unknown_top = set(data) - {"driver", "indicatore"}
    if unknown_top:
        raise TerritorioError(
            f"{source}: unknown table(s) {sorted(unknown_top)}; expected [[driver]] and "
            "[[indicatore]]"
        )
    drivers = {}
    for n, entry in enumerate(data.get("driver", []), start=1):
        where = f"{source}, [[driver]] n. {n}"
        _keys(entry, _DRIVER_KEYS, {"id", "numero", "nome"}, where)
        drivers[entry["id"]] = Driver(
            _text(entry, "id", where),
            _int(entry, "numero", where),
            _words(entry, "nome", where),
            _words(entry, "descrizione", where, required=False),
            bool(entry.get("nome_verificato", False)),
            str(entry.get("fonte", "")),
            _words(entry, "non_servito", where, required=False),
        )
    indicators = {}
    for n, entry in enumerate(data.get("indicatore", []), start=1):
        where = f"{source}, [[indicatore]] n. {n} ({entry.get('id', '?')})"
        _keys(entry, _INDICATOR_KEYS, {"id", "driver", "nome", "colonna", "direzione"}, where)
        indicators[entry["id"]] = _indicator(entry, where)
    return drivers, indicators


def _indicator(entry: dict[str, Any], where: str) -> Indicator:
    direction = entry["direzione"]
    if direction not in DIRECTIONS:
        raise SaidError(
            f"{where}: direzione = {direction!r}; expected one of {', '.join(DIRECTIONS)}",
            f"{where}: direzione = {direction!r}; attesa una tra {', '.join(DIRECTIONS)}",
        )
    base = entry.get("base")
    baseline, from_series = None, False
    if base == "serie":
        from_series = True
    elif isinstance(base, dict):
        _keys(base, {"anno", "valore", "fonte"}, {"anno", "valore", "fonte"}, f"{where}, base")
        baseline = Baseline(
            _int(base, "anno", where), _number(base, "valore", where), str(base["fonte"])
        )
    elif base is not None:
        raise TerritorioError(
            f'{where}: base = {base!r}; expected "serie" or {{ anno, valore, fonte }}'
        )
    target = None
    if "obiettivo" in entry:
        goal = entry["obiettivo"]
        if not isinstance(goal, dict):
            raise TerritorioError(f"{where}: obiettivo must be a table {{ valore, anno, fonte }}")
        _keys(goal, {"valore", "anno", "fonte", "tutti_i_comuni"}, {"fonte"}, f"{where}, obiettivo")
        every = bool(goal.get("tutti_i_comuni", False))
        if not every and "valore" not in goal:
            raise SaidError(
                f"{where}, obiettivo: missing 'valore' (or tutti_i_comuni = true); a target the "
                "plan does not quantify is left out, never invented",
                f"{where}, obiettivo: manca 'valore' (o tutti_i_comuni = true); un obiettivo "
                "che il Piano non quantifica si omette, non si inventa",
            )
        target = Target(
            _number(goal, "valore", where) if "valore" in goal else None,
            _int(goal, "anno", where) if "anno" in goal else None,
            str(goal["fonte"]),
            every,
        )
    if direction == NEUTRAL and target is not None:
        raise TerritorioError(f"{where}: an indicator with direzione = nessuna has no obiettivo")
    points = []
    for k, point in enumerate(entry.get("serie", []), start=1):
        _keys(point, {"periodo", "colonna", "peso"}, {"periodo", "colonna"}, f"{where}, serie {k}")
        points.append(
            SeriesPoint(str(point["periodo"]), str(point["colonna"]), point.get("peso", ""))
        )
    table = entry.get("serie_tabella")
    if table is not None:
        _keys(table, {"file", "colonna"}, {"file", "colonna"}, f"{where}, serie_tabella")
        table = (str(table["file"]), str(table["colonna"]))
    method = entry.get("calcolo", AGGREGATE)
    if method not in (AGGREGATE, COUNT):
        raise TerritorioError(f"{where}: calcolo = {method!r}; expected {AGGREGATE} or {COUNT}")
    return Indicator(
        id=_text(entry, "id", where),
        driver=_text(entry, "driver", where),
        name=_words(entry, "nome", where),
        column=_text(entry, "colonna", where),
        unit=str(entry.get("unita", "")),
        direction=direction,
        source=str(entry.get("fonte", "")),
        baseline=baseline,
        baseline_from_series=from_series,
        target=target,
        series=tuple(points),
        series_table=table,
        series_kind=str(entry.get("serie_tipo", "tempo")),
        missing=_words(entry, "manca", where, required=False),
        method=method,
        count_value=entry.get("conta_valore", True),
        period=str(entry.get("periodo", "")),
    )


def _keys(entry: Any, allowed: set[str], required: set[str], where: str) -> None:
    if not isinstance(entry, dict):
        raise TerritorioError(f"{where}: expected a table of keys, found {entry!r}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise SaidError(
            f"{where}: unknown key(s) {unknown}; expected some of {', '.join(sorted(allowed))}",
            f"{where}: chiave/i sconosciuta/e {unknown}; attese tra {', '.join(sorted(allowed))}",
        )
    missing = sorted(required - set(entry))
    if missing:
        raise SaidError(f"{where}: missing key(s) {missing}", f"{where}: manca/no {missing}")


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise TerritorioError(f"{where}: {key} = {value!r}; expected a non-empty text")
    return value


def _int(entry: dict[str, Any], key: str, where: str) -> int:
    value = entry[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TerritorioError(f"{where}: {key} = {value!r}; expected a whole number")
    return value


def _number(entry: dict[str, Any], key: str, where: str) -> float:
    value = entry[key]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TerritorioError(f"{where}: {key} = {value!r}; expected a number")
    return float(value)


def _words(entry: dict[str, Any], key: str, where: str, *, required: bool = True) -> dict[str, str]:
    value = entry.get(key)
    if value is None and not required:
        return {}
    if isinstance(value, str):
        return {"it": value}
    if not isinstance(value, dict) or "it" not in value:
        raise TerritorioError(
            f'{where}: {key} = {value!r}; expected a text or {{ it = "…", en = "…" }}'
        )
    return {k: str(v) for k, v in value.items()}
