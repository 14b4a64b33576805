"""``territorio run``: the selected themes' steps in order, their outputs written atomically."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from territorio.catalog import Catalog
from territorio.classes import fmt
from territorio.codes import KEY
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
from territorio.scheduler import open_scheduler
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
    territory = load_territory(catalog, config.areas, config["territory"].territorio)
    directory = Path(out or config["output"].directory)
    producer = command
    if len(selected) < len(themes):
        producer += f" [{', '.join(t.name for t in selected)}]"
    with (
        OutputSet.from_config(
            directory, config["output"], producer=producer, overwrite=overwrite, keep=keep
        ) as outputs,
        open_scheduler(config["run"].scheduler) as scheduler,
    ):
        ctx = new_context(config, catalog, territory, outputs, selected, themes, progress)
        ctx.scheduler = scheduler
        outputs.partition = province_partition(territory)
        cmm = CmmThemes(ctx, themes)
        total = len(selected) + 1
        for done, theme in enumerate(selected):
            _advance(progress, done, total, pick(theme.title, config.lang))
            if territory.is_cmm or theme.any_territory:
                theme.run(ctx)
            else:
                cmm.run(theme)
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


def province_partition(territory: Territory) -> pd.Series | None:
    """Province of each comune when the territory spans several (GeoParquet partitions)."""
    comuni = territory.comuni
    if "cod_uts" not in comuni.columns or comuni["cod_uts"].nunique() < 2:
        return None
    return comuni.set_index(KEY)["cod_uts"]


def cmm_codes(ctx: RunContext) -> list[str]:
    """ISTAT codes of the CMM's comuni (the default territory), read without geometries."""
    return list(ctx.catalog.codes("cmm_comuni"))


class CmmThemes:
    """The themes whose layers cover the CMM alone, on a run of another territory.

    Each runs as in a run of the CMM (its own context over the 133 comuni, sharing the run's
    outputs, notes and map content); its columns then fill the comuni the territory shares
    with the CMM, and every other comune has no value ("n.d."). When the two share no comune
    the theme is left out, and a note says why.
    """

    def __init__(self, ctx: RunContext, themes: Sequence[Theme]) -> None:
        self.ctx = ctx
        self.themes = themes
        self._sub: RunContext | None = None
        self.shared: list[str] = []

    def context(self) -> RunContext:
        """The CMM's own run context, built on first use."""
        if self._sub is None:
            ctx = self.ctx
            cmm = load_territory(ctx.catalog, ctx.config.areas)
            self.shared = sorted(set(cmm.codes) & set(ctx.territory.codes))
            base = [theme for theme in self.themes if theme.name == "territorio"]
            sub = new_context(
                ctx.config, ctx.catalog, cmm, ctx.outputs, base, self.themes, ctx.progress
            )
            sub.scheduler = ctx.scheduler
            for theme in base:  # the base columns, as every theme finds them in a run
                theme.run(sub)
            sub.notes, sub.maps = ctx.notes, ctx.maps
            self._sub = sub
        return self._sub

    def run(self, theme: Theme) -> None:
        """Run ``theme`` on the CMM and bring its columns to the shared comuni."""
        ctx, title = self.ctx, theme.title
        if self._sub is None:  # the CMM's codes decide whether its context is worth building
            self.shared = sorted(set(cmm_codes(ctx)) & set(ctx.territory.codes))
        others = len(ctx.territory.codes) - len(self.shared)
        if not self.shared:
            ctx.note(
                theme.name,
                f"{title['it']}: non calcolato. I dati del tema coprono solo i 133 comuni della "
                f"Città metropolitana di Milano, nessuno dei quali è in {ctx.territory.name}: "
                "n.d. per tutti i comuni.",
                f"{title['en']}: not computed. The theme's data cover only the 133 comuni of "
                f"the Città metropolitana di Milano, none of which is in {ctx.territory.name}: "
                "n.a. for every comune.",
            )
            return
        sub = self.context()
        before = set(sub.table.columns)
        theme.run(sub)
        added = [c for c in sub.table.columns if c not in before]
        if added:
            values = sub.table.frame.loc[self.shared, added]
            ctx.table.add(values, [sub.table.columns[c] for c in added], source=theme.name)
        ctx.note(
            theme.name,
            f"{title['it']}: dati solo per i {len(self.shared)} comuni della Città "
            f"metropolitana di Milano in {ctx.territory.name}; n.d. per gli altri "
            f"{fmt(others, 'it')}. "
            "I file del tema riguardano l'intera CMM.",
            f"{title['en']}: data only for the {len(self.shared)} comuni of the Città "
            f"metropolitana di Milano in {ctx.territory.name}; n.a. for the other "
            f"{fmt(others, 'en')}. "
            "The theme's files cover the whole CMM.",
        )


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
