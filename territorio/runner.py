"""``territorio run``: the selected themes' steps in order, their outputs written atomically."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from territorio.catalog import Catalog
from territorio.errors import ConfigError
from territorio.i18n import pick
from territorio.indicators import IndicatorTable
from territorio.loaders import load_population_model, load_territory
from territorio.mapspec import MapContent
from territorio.monitor.runinfo import RUN_FILE, run_info, run_json
from territorio.outputs import OutputSet
from territorio.pipeline import POPULATION, Note, Results, RunContext, Theme
from territorio.population import PopulationModel
from territorio.report import write_indicator_outputs
from territorio.settings import RunConfig
from territorio.territory import Territory
from territorio.themes import THEMES


def select_themes(config: RunConfig, themes: Sequence[Theme] = THEMES) -> list[Theme]:
    """The themes the config asks for (all by default); the territory step always runs first.

    Raises
    ------
    ConfigError
        If the config names an unknown step.
    """
    wanted = config["run"].steps
    if not wanted:
        return list(themes)
    names = {t.name for t in themes}
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise ConfigError(
            config.path or "<defaults>",
            "run.steps",
            f"unknown step(s) {unknown}; available: {', '.join(t.name for t in themes)}",
        )
    return [t for t in themes if t.name == "territorio" or t.name in wanted]


@dataclass
class RunResult:
    """What a run produced.

    Examples
    --------
    >>> import tempfile, territorio as tt
    >>> cfg = tt.load_config()
    >>> cfg["run"].steps = ["territorio"]
    >>> result = tt.run_pipeline(cfg, out=tempfile.mkdtemp())
    >>> sorted(p.name for p in result.written)
    ['dizionario_dati.csv', 'indicatori_aree.csv', 'indicatori_aree.xlsx',
     'indicatori_aree_copertura.csv', 'indicatori_aree_copertura.xlsx',
     'indicatori_comuni.csv', 'indicatori_comuni.md', 'indicatori_comuni.xlsx', 'run.json']
    """

    written: list[Path]
    notes: list[Note]
    table: IndicatorTable
    territory: Territory
    maps: MapContent | None = None  # what each theme registered for the maps and QGIS


def run_pipeline(
    config: RunConfig,
    *,
    catalog: Catalog | None = None,
    out: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    overwrite: bool = False,
    themes: Sequence[Theme] = THEMES,
    keep: Callable[[str], bool] | None = None,
    command: str = "run_pipeline",
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
        Whether any file already in the output directory may be replaced. By default only
        the files that the same command with the same steps wrote there are replaced; when
        another one exists, nothing is written and an error names it.
    themes
        The theme registry (default :data:`territorio.themes.THEMES`).
    keep
        Which output files to write, by relative path (default: all); e.g.
        :func:`territorio.steps.qgis.qgis_files` for the QGIS product alone.
    command
        Who runs: recorded beside the outputs with the steps, so that a later run of a
        different command does not replace them.

    Examples
    --------
    >>> import tempfile, territorio as tt
    >>> cfg = tt.load_config()
    >>> cfg["run"].steps = ["territorio", "suolo"]
    >>> result = tt.run_pipeline(cfg, out=tempfile.mkdtemp())
    >>> len(result.table.frame), "suolo_consumato_2024_pct" in result.table.frame.columns
    (133, True)
    """
    selected = select_themes(config, themes)
    if catalog is None:
        catalog = Catalog.from_config(config)
    territory = load_territory(catalog, config.areas)
    directory = Path(out or config["output"].directory)
    producer = command
    if len(selected) < len(themes):
        producer += f" [{', '.join(t.name for t in selected)}]"
    with OutputSet.from_config(
        directory, config["output"], producer=producer, overwrite=overwrite, keep=keep
    ) as outputs:
        ctx = new_context(config, catalog, territory, outputs, selected, themes, progress)
        total = len(selected) + 1
        for done, theme in enumerate(selected):
            _advance(progress, done, total, pick(theme.title, config.lang))
            theme.run(ctx)
        if catalog.mismatched:
            layers = ", ".join(sorted(catalog.mismatched))
            ctx.note(
                "territorio",
                f"ATTENZIONE: checksum sha256 diverso dal catalogo per {layers}; letti comunque "
                "perché [data] verify_checksums = false. I risultati possono non corrispondere "
                "ai dati documentati.",
                f"WARNING: sha256 differs from the catalogue for {layers}; read anyway because "
                "[data] verify_checksums = false. Results may not match the documented data.",
            )
        _advance(
            progress,
            len(selected),
            total,
            "Tabelle e dizionario dei dati"
            if config.lang == "it"
            else "Tables and data dictionary",
        )
        write_indicator_outputs(ctx, [t.name for t in selected])
        info = run_info(
            config, catalog, territory.groups(), command=producer, steps=[t.name for t in selected]
        )
        outputs.write_text(RUN_FILE, run_json(info))
    return RunResult(outputs.written, ctx.notes, ctx.table, territory, ctx.maps)


def _advance(progress: Callable[[str], None] | None, done: int, total: int, title: str) -> None:
    """Tell the progress callback that step ``done + 1`` of ``total`` starts."""
    if progress is None:
        return
    advance = getattr(progress, "advance", None)
    if advance is not None:
        advance(done, total, title)
    else:
        progress(f"[{done + 1}/{total}] {title}")


def new_context(
    config: RunConfig,
    catalog: Catalog,
    territory: Territory,
    outputs: OutputSet,
    selected: Sequence[Theme],
    themes: Sequence[Theme] = THEMES,
    progress: Callable[[str], None] | None = None,
) -> RunContext:
    """A run context with an empty indicator table and the selected themes declared.

    Every theme's result providers are available (a step may need a result whose theme is not
    selected); the selected themes are declared for the maps with their titles and QGIS
    groups, in run order.
    """
    providers = {name: p for theme in themes for name, p in theme.provides.items()}
    providers.setdefault(POPULATION, _population_model)
    ctx = RunContext(
        config,
        catalog,
        territory,
        IndicatorTable(territory.codes),
        outputs,
        progress=progress,
        results=Results(providers),
    )
    for theme in selected:
        ctx.maps.declare(theme.name, theme.title, theme.group or theme.title)
    return ctx


def _population_model(ctx: RunContext) -> PopulationModel:
    model = load_population_model(
        ctx.catalog, ctx.territory, ctx.config["population"], base=ctx.config.base_dir
    )
    uniform = model.uniform_codes()
    if model.density is None:
        ctx.note(
            "territorio",
            "Popolazione: residenti ISTAT distribuiti uniformemente in ogni comune "
            "([population] grid = 'uniforme'); le quote di residenti equivalgono a quote di "
            "superficie.",
            "Population: ISTAT residents spread evenly in each comune ([population] grid = "
            "'uniform'); resident shares equal area shares.",
        )
    else:
        ctx.note(
            "territorio",
            f"Popolazione: {model.label('it')}; totali comunali uguali a ISTAT. Comuni senza "
            f"popolazione nella griglia (residenti uniformi): {len(uniform)}"
            + (f" ({', '.join(uniform[:10])})" if uniform else "")
            + ".",
            f"Population: {model.label('en')}; comune totals equal ISTAT. Comuni with no grid "
            f"population (residents spread evenly): {len(uniform)}"
            + (f" ({', '.join(uniform[:10])})" if uniform else "")
            + ".",
        )
    return model
