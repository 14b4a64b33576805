"""`territorio run` as a pipeline of steps that each theme plugs into.

A step is a function ``run(ctx)`` registered with :func:`register_step`. It reads layers
through ``ctx.catalog``, computes indicators with pure functions, adds documented columns to
``ctx.table``, may write extra files through ``ctx.outputs`` and records what it lacks in
``ctx.notes``. All outputs of a run are committed together or not at all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from territorio.catalog import Catalog
from territorio.config import RunConfig
from territorio.errors import ConfigError
from territorio.i18n import pick
from territorio.indicators import IndicatorTable
from territorio.outputs import OutputSet
from territorio.territory import Territory, load_territory
from territorio.webmap.content import MapContent


@dataclass(frozen=True)
class Note:
    """A statement for the report: what a step could not do, or how it did it."""

    step: str
    text: dict[str, str]

    def render(self, lang: str) -> str:
        """Text in ``lang`` (Italian fallback)."""
        return pick(self.text, lang)


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
    shared: dict[str, Any] = field(default_factory=dict)  # results later steps reuse
    maps: MapContent = field(default_factory=MapContent)  # what each theme draws on the maps

    def note(self, step: str, it: str, en: str) -> None:
        """Record a note in both languages."""
        self.notes.append(Note(step, {"it": it, "en": en}))


@dataclass(frozen=True)
class Step:
    """A registered pipeline step."""

    name: str
    title: dict[str, str]
    order: int
    run: Callable[[RunContext], None]


STEPS: dict[str, Step] = {}


def register_step(name: str, *, order: int, it: str, en: str):
    """Register ``run(ctx)`` as pipeline step ``name``; steps run by increasing ``order``."""

    def decorate(func: Callable[[RunContext], None]) -> Callable[[RunContext], None]:
        STEPS[name] = Step(name, {"it": it, "en": en}, order, func)
        return func

    return decorate


def available_steps() -> list[Step]:
    """All steps, importing every module of :mod:`territorio.steps` so they register."""
    import territorio.steps as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return sorted(STEPS.values(), key=lambda s: s.order)


def select_steps(config: RunConfig) -> list[Step]:
    """The steps the config asks for (all by default); the territory step always runs first.

    Raises
    ------
    ConfigError
        If the config names an unknown step.
    """
    steps = available_steps()
    wanted = config["run"].steps
    if not wanted:
        return steps
    names = {s.name for s in steps}
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise ConfigError(
            config.path or "<defaults>",
            "run.steps",
            f"unknown step(s) {unknown}; available: {', '.join(s.name for s in steps)}",
        )
    return [s for s in steps if s.name == "territorio" or s.name in wanted]


@dataclass
class RunResult:
    """What a run produced."""

    written: list[Path]
    notes: list[Note]
    table: IndicatorTable
    territory: Territory


def run_pipeline(
    config: RunConfig,
    *,
    catalog: Catalog | None = None,
    out: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    overwrite: bool = True,
) -> RunResult:
    """Run the selected steps and write their outputs atomically.

    Parameters
    ----------
    config
        The run configuration.
    catalog
        A catalogue to use; by default one built from the config (mirror, overrides).
    out
        Output directory; defaults to ``[output] directory``.
    progress
        Called with a short message during long stages (e.g. building a street network).
    overwrite
        Whether files already in the output directory may be replaced; when ``False`` and one
        exists, nothing is written and an error names it.
    """
    from territorio import report

    steps = select_steps(config)
    if catalog is None:
        catalog = Catalog(
            config["data"].mirror or None,
            overrides=config.layers,
            verify=config["data"].verify_checksums,
        )
    territory = load_territory(catalog, config.areas)
    table = IndicatorTable(territory.codes)
    directory = Path(out or config["output"].directory)
    with OutputSet(directory, overwrite=overwrite) as outputs:
        ctx = RunContext(config, catalog, territory, table, outputs, progress=progress)
        for step in steps:
            step.run(ctx)
        report.write_indicator_outputs(ctx, [s.name for s in steps])
    return RunResult(outputs.written, ctx.notes, table, territory)
