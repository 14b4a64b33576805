"""What a pipeline step works with: the run context, typed results, the theme record.

A theme is one :class:`Theme` record — its step, its config section, the results it can
compute for other steps — listed once in :mod:`territorio.themes`. A step reads layers
through ``ctx.catalog``, computes indicators with the pure functions of its theme, adds
documented columns to ``ctx.table``, writes extra files through ``ctx.outputs`` and records
what it lacks in ``ctx.notes``. Steps hand results on through ``ctx.results`` by name and type,
never by importing each other's themes. Running the steps is :mod:`territorio.runner`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from territorio.catalog import Catalog
from territorio.errors import TerritorioError
from territorio.i18n import pick
from territorio.indicators import IndicatorTable
from territorio.mapspec import MapContent
from territorio.outputs import OutputSet
from territorio.population import PopulationModel
from territorio.scheduler import Scheduler, embedded_map
from territorio.settings import RunConfig
from territorio.territory import Territory

T = TypeVar("T")

POPULATION = "population"
"""Result name of the run's :class:`~territorio.population.PopulationModel`."""


@dataclass(frozen=True)
class Note:
    """A statement for the report: what a step could not do, or how it did it."""

    step: str
    text: dict[str, str]

    def render(self, lang: str) -> str:
        """Text in ``lang`` (Italian fallback)."""
        return pick(self.text, lang)


class Results:
    """Results that steps hand on to later steps, by name, checked by type.

    A result is either put by the step that computed it, or computed on first request by the
    provider a theme declares for it (so a step can need another theme's result even when
    that theme's step does not run, without importing it).
    """

    def __init__(self, providers: dict[str, Callable[[RunContext], Any]] | None = None) -> None:
        self._values: dict[str, Any] = {}
        self._providers = dict(providers or {})

    def put(self, name: str, value: Any) -> None:
        """Record ``value`` under ``name``."""
        self._values[name] = value

    def find(self, name: str, kind: type[T]) -> T | None:
        """The result ``name`` if some step put it, else ``None`` (never computed here)."""
        value = self._values.get(name)
        return _checked(name, value, kind) if value is not None else None

    def need(self, name: str, kind: type[T], ctx: RunContext) -> T:
        """The result ``name``: put by a step, or computed now by its provider.

        Raises
        ------
        TerritorioError
            If no step put it and no theme provides it.
        """
        if name not in self._values:
            provider = self._providers.get(name)
            if provider is None:
                raise TerritorioError(f"no step provides the result {name!r}")
            self._values[name] = provider(ctx)
        return _checked(name, self._values[name], kind)


def _checked(name: str, value: Any, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"result {name!r} is a {type(value).__name__}, not a {kind.__name__}")
    return value


@dataclass
class RunContext:
    """What a step works with."""

    config: RunConfig
    catalog: Catalog
    territory: Territory
    table: IndicatorTable
    outputs: OutputSet
    notes: list[Note] = field(default_factory=list)
    progress: Callable[[str], None] | None = None
    results: Results = field(default_factory=Results)
    maps: MapContent = field(default_factory=MapContent)  # what each theme draws on the maps
    scheduler: Scheduler = field(default_factory=lambda: Scheduler(embedded_map, 1, ""))

    def population(self) -> PopulationModel:
        """The run's population model (``[population]``), built once on first use."""
        return self.results.need(POPULATION, PopulationModel, self)

    def note(self, step: str, it: str, en: str) -> None:
        """Record a note in both languages."""
        self.notes.append(Note(step, {"it": it, "en": en}))


@dataclass(frozen=True)
class Theme:
    """One theme of ``territorio run``: its step and what it brings to the run.

    Attributes
    ----------
    name
        Step name (``run.steps`` in the config, output sub-folder, map page).
    title
        Title per language (step list, map page titles).
    run
        The step, ``run(ctx)``.
    group
        Short name per language: the QGIS layer group of its layers.
    config
        ``(table name, dataclass)`` of its config section, if it has one.
    provides
        Results it can compute on request for other steps, ``{name: provider(ctx)}``.
    any_territory
        The step works on any territory (base columns, maps, QGIS, monitoring); the others read
        layers of the CMM alone, so on another territory they run on the CMM and fill only the
        comuni the two share (the rest "n.d.").
    """

    name: str
    title: dict[str, str]
    run: Callable[[RunContext], None]
    group: dict[str, str] = field(default_factory=dict)
    config: tuple[str, type] | None = None
    provides: dict[str, Callable[[RunContext], Any]] = field(default_factory=dict)
    any_territory: bool = False
