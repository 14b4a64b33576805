"""The ``territorio`` commands (typer); failures are turned into messages by :func:`main`."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from territorio.catalog import Catalog
from territorio.cli.boundary import (
    EXIT_INTERNAL,
    RECEIVED,
    Interrupted,
    catch_signals,
    describe,
    internal_error,
)
from territorio.cli.progress import Reporter, summarise_files
from territorio.config import default_config_toml, load_config
from territorio.errors import (
    ChecksumMismatchWarning,
    CountMismatchWarning,
    InputNotice,
    TerritorioError,
    UsageError,
)
from territorio.scheduler import open_scheduler, parse_scheduler, tile_size_km

app = typer.Typer(
    help="territorio: layers, indicators, maps and QGIS outputs for the Città metropolitana di "
    "Milano.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts hold [sections] of the config, not markup
)
layers_app = typer.Typer(help="The layer catalogue: list, check, fetch.", add_completion=False)
app.add_typer(layers_app, name="layers")
land_app = typer.Typer(
    help="Land consumption (suolo): ISPRA monitoring, PTM threshold check, raster zonal stats.",
    add_completion=False,
)
app.add_typer(land_app, name="land")
digital_app = typer.Typer(
    help="Digital infrastructure (digitale): 5G coverage and siting, fibre reach.",
    add_completion=False,
)
app.add_typer(digital_app, name="digital")

out = Console()
err = Console(stderr=True)
#: The language of the messages, set as soon as a command knows it (``--lang``, config).
_LANG = {"lang": "it"}

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", help="Layer mirror directory (default: TERRITORIO_DATA, ../shared/data)."
    ),
]
LayerOption = Annotated[
    list[str] | None,
    typer.Option(
        "--layer", help="Replace a layer with your file: ID=PATH (repeatable).", metavar="ID=FILE"
    ),
]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="Run config TOML.")]
SelfContainedOption = Annotated[
    bool,
    typer.Option(
        "--self-contained",
        help="Web pages with Leaflet and data inline: each works when sent on its own.",
    ),
]
LangOption = Annotated[
    str | None, typer.Option("--lang", help="Output language: it or en.", metavar="it|en")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and warnings.")]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Print sub-steps and every file written.")
]
TerritoryOption = Annotated[
    str | None,
    typer.Option(
        "--territorio",
        metavar="CODICE|NOME",
        help="Territory: a province or metropolitan city (ISTAT code, abbreviation or name), a "
        "region, 'italia' or a list of ISTAT codes; default the Città metropolitana di Milano.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="local[:N]|tcp://HOST:PORTA",
        help="Run tile and province tasks on Dask: 'local' or 'local:N' starts a local cluster "
        "of N processes, an address uses an existing scheduler.",
    ),
]
OverwriteOption = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="Replace files in --out that another command (or you) wrote; by default only "
        "the files this same command wrote there are replaced.",
    ),
]


def _overrides(pairs: list[str] | None) -> dict[str, Path]:
    result = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise typer.BadParameter(f"expected ID=PATH, got {pair!r}", param_hint="--layer")
        layer_id, path = pair.split("=", 1)
        result[layer_id.strip()] = Path(path.strip())
    return result


@layers_app.callback(invoke_without_command=True)
def layers_list(
    ctx: typer.Context,
    data: DataOption = None,
    theme: Annotated[str | None, typer.Option(help="Only this theme.")] = None,
    lang: LangOption = None,
) -> None:
    """List the layers: id, status, present, checksum ok, licence."""
    if ctx.invoked_subcommand is not None:
        return
    it = _language(lang) == "it"
    catalog = Catalog(data)
    try:
        where = f"{catalog.mirror.path} ({catalog.mirror.how})"
    except TerritorioError:
        if data is not None:  # a folder the user named must exist and hold the mirror
            raise
        where = "non trovato" if it else "not found"
    table = Table(title=f"territorio layers — mirror: {where}")
    heads = (
        ("id", "tema", "stato", "presente", "sha256 ok", "licenza")
        if it
        else ("id", "theme", "status", "present", "checksum ok", "licence")
    )
    for name in heads:
        table.add_column(name, overflow="fold")
    yes, no = ("sì", "NO") if it else ("yes", "NO")
    for layer_id in catalog.ids():
        status = catalog.status(layer_id)
        if status.manifest.theme != theme and theme:
            continue
        checksum = {True: yes, False: f"[red]{no}[/red]", None: "—"}[status.checksum_ok]
        present = (
            ("modello" if it else "template")
            if status.manifest.is_template
            else (yes if status.present else f"[red]{no.lower()}[/red]")
        )
        # the full licence text with its caveat is in `territorio layers show`
        licence = status.manifest.licence.split(" (")[0]
        table.add_row(
            layer_id, status.manifest.theme, status.manifest.status, present, checksum, licence
        )
    out.print(table)


@layers_app.command("check")
def layers_check(
    data: DataOption = None,
    layer: LayerOption = None,
    read: Annotated[bool, typer.Option("--read/--no-read", help="Also open each layer.")] = True,
    lang: LangOption = None,
) -> None:
    """Check every layer (presence, sha256, readable, feature count); exit 1 on any problem."""
    it = _language(lang) == "it"
    catalog = Catalog(data, overrides=_overrides(layer))
    problems = 0
    for status in catalog.check(read=read):
        name = escape(status.manifest.id)
        if status.problem:
            problems += 1
            err.print(f"[red]✗[/red] {name}: {escape(status.problem)}", soft_wrap=True)
        else:
            template = status.manifest.is_template and not status.user_file
            kind = ("modello" if it else "template") if template else "ok"
            out.print(f"[green]✓[/green] {name}: {kind}")
    if problems:
        err.print(f"{problems} strati con problemi" if it else f"{problems} layer(s) with problems")
        raise typer.Exit(1)
    n = len(catalog.ids())
    out.print(f"tutti i {n} strati sono a posto" if it else f"all {n} layers ok")


@layers_app.command("show")
def layers_show(layer_id: str, data: DataOption = None) -> None:
    """Show a layer's manifest: provenance, licence, caveats."""
    catalog = Catalog(data)
    m = catalog.manifest(layer_id)
    for key in (
        "id",
        "status",
        "kind",
        "theme",
        "path",
        "layer",
        "publisher",
        "source_url",
        "origin",
        "download_url",
        "licence",
        "date",
        "crs",
        "key",
        "expected_count",
        "sha256",
    ):
        value = getattr(m, key)
        if value not in ("", 0):
            out.print(f"[bold]{key}[/bold]: {value}", highlight=False)
    out.print(f"[bold]title[/bold]: {m.label('it')} / {m.label('en')}")
    if m.columns:
        out.print(f"[bold]required columns[/bold]: {', '.join(m.columns)}")
    for caveat in m.caveats:
        out.print(f"  - {caveat}", highlight=False)


@layers_app.command("fetch")
def layers_fetch(
    layer_ids: Annotated[
        list[str] | None, typer.Argument(help="Layer ids; default all.", metavar="ID")
    ] = None,
) -> None:
    """Download layers with an official direct download into the user cache (sha256 checked)."""
    catalog = Catalog()  # downloads go to the user cache; no mirror needed
    failures = 0
    for layer_id in layer_ids or catalog.ids():
        try:
            path = catalog.fetch(layer_id)
            out.print(f"[green]✓[/green] {layer_id} → {path}")
        except TerritorioError as exc:
            failures += 1
            message = escape(exc.render(_LANG["lang"]))
            err.print(f"[yellow]–[/yellow] {layer_id}: {message}", soft_wrap=True)
    if failures and layer_ids:
        raise typer.Exit(1)


@app.command()
def info(
    comune: Annotated[str, typer.Argument(help="Comune name or ISTAT code.")],
    data: DataOption = None,
    lang: LangOption = None,
    results: Annotated[
        Path,
        typer.Option(
            "--results",
            help="Folder of a run's results (indicatori_comuni.csv, dizionario_dati.csv); "
            "without them the indicators are computed now.",
        ),
    ] = Path("maps"),
) -> None:
    """The profile of one comune: key facts, then every indicator of every theme."""
    import tempfile

    from territorio.loaders import load_territory
    from territorio.profile import comune_profile, render_indicators, render_profile
    from territorio.readers import read_dictionary, read_indicators

    lang = _language(lang)
    catalog = Catalog(data)
    territory = load_territory(catalog, areas={})
    profile = comune_profile(territory, comune)
    for line in render_profile(profile, lang):
        out.print(line, highlight=False)
    table, dictionary = results / "indicatori_comuni.csv", results / "dizionario_dati.csv"
    with tempfile.TemporaryDirectory() as scratch:
        if not (table.is_file() and dictionary.is_file()):
            table, dictionary = _compute_indicators(Path(scratch), data, lang)
        values = read_indicators(table).set_index("pro_com_t").loc[profile.code]
        for line in render_indicators(values, read_dictionary(dictionary), lang):
            out.print(line if line.startswith(" ") else f"[bold]{line}[/bold]", highlight=False)


def _compute_indicators(scratch: Path, data: Path | None, lang: str) -> tuple[Path, Path]:
    """Run the indicator steps (no maps, no QGIS) into ``scratch`` for ``info``."""
    from territorio.runner import run_pipeline

    cfg = _prepare_config(None, data, lang)
    cfg["run"].steps = ["territorio", "suolo", "digitale", "mobilita", "servizi"]
    cfg["output"].xlsx = cfg["output"].geoparquet = False
    message = (
        "nessun risultato in --results: calcolo degli indicatori (circa mezzo minuto)"
        if lang == "it"
        else "no results in --results: computing the indicators (about half a minute)"
    )
    err.print(message, highlight=False)
    with Reporter(err, lang=lang, quiet=True):
        run_pipeline(cfg, out=scratch, command="territorio info")
    return scratch / "indicatori_comuni.csv", scratch / "dizionario_dati.csv"


@app.command()
def run(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default maps/).")
    ] = None,
    config: ConfigOption = None,
    data: DataOption = None,
    layer: LayerOption = None,
    lang: LangOption = None,
    self_contained: SelfContainedOption = False,
    territorio: TerritoryOption = None,
    scheduler: SchedulerOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Run every step and write indicatori_comuni.csv, its dictionary and the area aggregates."""
    cfg = _prepare_config(config, data, lang)
    if self_contained:
        cfg["output"].self_contained = True
    if territorio is not None:
        cfg["territory"].territorio = territorio
    if scheduler is not None:
        parse_scheduler(scheduler)  # a malformed one is said before anything is read
        cfg["run"].scheduler = scheduler
    cfg.layers.update({k: v.resolve() for k, v in _overrides(layer).items()})
    _run(cfg, out_dir, "territorio run", overwrite=overwrite, quiet=quiet, verbose=verbose)


@land_app.callback(invoke_without_command=True)
def land(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("maps/suolo"),
    config: ConfigOption = None,
    data: DataOption = None,
    ambiti: Annotated[
        Path | None, typer.Option("--ambiti", help="PGT ambiti CSV for the PTM check.")
    ] = None,
    raster: Annotated[
        list[Path] | None, typer.Option("--raster", help="Consumed-soil GeoTIFF (repeatable).")
    ] = None,
    year: Annotated[list[int] | None, typer.Option("--year", help="Year of each --raster.")] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--impermeabilita", help="Rasters are imperviousness 0-100: threshold."),
    ] = None,
    soglia_residenziale: Annotated[
        float | None, typer.Option(help="Required residential reduction % (25-30).")
    ] = None,
    lang: LangOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Land-consumption indicators, series, charts and the PTM check, written to --out."""
    if ctx.invoked_subcommand is not None:
        return
    cfg = _prepare_config(config, data, lang)
    if year and not raster:
        raise UsageError(
            "--year",
            "has no effect without --raster (one --year per --raster)",
            "non ha effetto senza --raster (un --year per ogni --raster)",
        )
    if soglia_residenziale is not None and not (ambiti or cfg["land"].ambiti):
        raise UsageError(
            "--soglia-residenziale",
            "has no effect without the PGT ambiti (--ambiti or [land] ambiti)",
            "non ha effetto senza gli ambiti del PGT (--ambiti o [land] ambiti)",
        )
    if threshold is not None and not (raster or cfg["land"].rasters):
        raise UsageError(
            "--impermeabilita",
            "has no effect without --raster",
            "non ha effetto senza --raster (la soglia si applica ai raster di impermeabilità)",
        )
    land_cfg = cfg["land"]
    if ambiti:
        land_cfg.ambiti = str(ambiti.resolve())
    if raster:
        land_cfg.rasters = [str(p.resolve()) for p in raster]
        land_cfg.raster_years = list(year or [])
        land_cfg.source = "raster"
    if threshold is not None:
        land_cfg.imperviousness_threshold = threshold
    if soglia_residenziale is not None:
        land_cfg.soglia_residenziale_pct = soglia_residenziale
    _revalidate(cfg, "land")
    cfg["run"].steps = ["territorio", "suolo"]
    _run(cfg, out_dir, "territorio land", overwrite=overwrite, quiet=quiet, verbose=verbose)


@land_app.command("template")
def land_template(
    out_file: Annotated[Path, typer.Argument(help="Where to write the empty template.")] = Path(
        "ambiti_trasformazione.csv"
    ),
) -> None:
    """Write the empty CSV template of the PGT transformation areas (ambiti)."""
    from territorio.land.thresholds import TEMPLATE_FILE
    from territorio.outputs import copy_new_file

    copy_new_file(TEMPLATE_FILE, out_file)
    if _LANG["lang"] == "it":
        out.print(f"scritto {out_file}: una riga per comune e funzione (residenziale/altro)")
    else:
        out.print(f"written {out_file}: one row per comune and funzione (residenziale/altro)")


SitesOption = Annotated[
    Path | None, typer.Option("--sites", help="5G site register (CSV per template, or GeoPackage).")
]
RasterPopOption = Annotated[
    Path | None,
    typer.Option(
        "--population-grid",
        "--population-raster",
        help="Population grid placing ISTAT residents (polygons with a population column, or "
        "a raster); default [population] grid (GHSL 2025).",
    ),
]


@digital_app.callback(invoke_without_command=True)
def digital(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path(
        "maps/digitale"
    ),
    config: ConfigOption = None,
    data: DataOption = None,
    sites: SitesOption = None,
    agreements: Annotated[
        Path | None, typer.Option("--agreements", help="CMM fibre agreements register (CSV).")
    ] = None,
    population_raster: RasterPopOption = None,
    lang: LangOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Fibre indicators and ranking, 5G coverage (register or school scenario), siting."""
    if ctx.invoked_subcommand is not None:
        return
    cfg = _prepare_config(config, data, lang)
    if sites:
        cfg.layers["cmm_siti_5g"] = sites.resolve()
    if agreements:
        cfg.layers["cmm_accordi_fibra"] = agreements.resolve()
    if population_raster:
        cfg["population"].grid = str(population_raster.resolve())
    cfg["run"].steps = ["territorio", "digitale"]
    _run(cfg, out_dir, "territorio digital", overwrite=overwrite, quiet=quiet, verbose=verbose)


@digital_app.command("coverage")
def digital_coverage(
    sites: Annotated[Path, typer.Option("--sites", help="5G site register (CSV or GeoPackage).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path(
        "maps/digitale"
    ),
    radius: Annotated[
        float | None, typer.Option("--radius", help="One radius in metres for every site.")
    ] = None,
    population_raster: RasterPopOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
    lang: LangOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Coverage per comune of a register: writes copertura_5g_comuni.csv and copertura_5g.gpkg."""
    import geopandas as gpd

    from territorio.digital import analysis
    from territorio.loaders import load_register
    from territorio.outputs import OutputSet
    from territorio.steps.digitale import coverage_of

    if radius is not None:
        _check_radius(radius)
    cfg, catalog, territory = _load(config, data, lang)
    dcfg = cfg["digital"]
    register = load_register(catalog, territory, dcfg, sites)
    five_g = analysis.five_g_sites(register, dcfg.coverage_technologies, dcfg.coverage_states)
    if radius is not None:
        five_g = five_g.assign(raggio_m=radius)
    grid = _population_grid(cfg, catalog, territory, population_raster)
    result = coverage_of(territory, five_g, grid)
    table = result.table.reset_index()[["pro_com_t", *analysis.COVERAGE_COLUMNS]]
    table["comune"] = territory.comuni["comune"].to_numpy()
    table["ponderazione_popolazione"] = result.weighting
    with OutputSet(out_dir, producer="territorio digital coverage", overwrite=overwrite) as outputs:
        outputs.write_csv("copertura_5g_comuni.csv", table)
        layers = {"siti": gpd.GeoDataFrame(five_g, crs=five_g.crs)}
        if not result.layer.empty:
            layers["copertura"] = result.layer
        outputs.write_layers("copertura_5g.gpkg", layers)
    from territorio.classes import fmt_number

    pop = territory.population()
    covered = table["popolazione_coperta"].sum()
    share = fmt_number(100 * covered / pop.sum(), "%", cfg.lang)
    people = fmt_number(covered, "ab.", cfg.lang)
    if cfg.lang == "it":
        sites_word = "sito" if len(five_g) == 1 else "siti"
        rows_word = "riga" if len(register) == 1 else "righe"
        out.print(
            f"{len(five_g)} {sites_word} 5G in servizio su {len(register)} {rows_word} del "
            "registro; "
            f"popolazione coperta {people} ({share} % della CMM); "
            f"ponderazione: {escape(result.weighting)}",
            highlight=False,
        )
    else:
        out.print(
            f"{len(five_g)} 5G sites in service of {len(register)} register rows; residents "
            f"covered {people} ({share} % of the CMM); weighting: {escape(result.weighting)}",
            highlight=False,
        )
    _print_written(outputs.written, cfg.lang, Path(out_dir), verbose)


@digital_app.command("siting")
def digital_siting(
    k: Annotated[int, typer.Option("--k", help="Number of new sites.")] = 20,
    sites: SitesOption = None,
    sites_radius: Annotated[
        float | None,
        typer.Option("--sites-radius", help="One radius in metres for every register site."),
    ] = None,
    candidates: Annotated[
        Path | None, typer.Option("--candidates", help="Candidate locations file.")
    ] = None,
    radius: Annotated[float, typer.Option("--radius", help="Radius of a new site (m).")] = 600.0,
    method: Annotated[
        str,
        typer.Option("--method", help="Plan to keep: ottimo (integer programme) or greedy."),
    ] = "ottimo",
    target: Annotated[
        list[float] | None,
        typer.Option("--target", help="Share of residents (%) to reach with the fewest new sites."),
    ] = None,
    budget: Annotated[
        list[float] | None,
        typer.Option("--budget", help="Budget in euros to price (needs costo_eur)."),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds per solve of the solver.")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path(
        "maps/digitale"
    ),
    population_raster: RasterPopOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
    lang: LangOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Choose k new sites (optimal maximum coverage and greedy) given existing sites."""
    from territorio.digital import analysis
    from territorio.digital.plan_report import plan_layers, plan_summary, plan_tables
    from territorio.loaders import load_candidates, load_register
    from territorio.mapspec import scenario_label
    from territorio.report import write_table_docs
    from territorio.steps.digitale import new_sites_label, siting_of

    if k < 1:
        raise UsageError(
            "--k",
            f"{k} new sites: expected a whole number ≥ 1",
            f"{k} nuovi siti: atteso un numero intero ≥ 1",
        )
    _check_radius(radius)
    if sites_radius is not None:
        _check_radius(sites_radius)
    if method not in ("ottimo", "greedy"):
        raise UsageError(
            "--method",
            f"{method!r}: expected ottimo or greedy",
            f"{method!r}: atteso ottimo o greedy",
        )
    for value in target or []:
        if not 0 < value <= 100:
            raise UsageError(
                "--target",
                f"{value:g}: expected a share of residents above 0 and at most 100",
                f"{value:g}: attesa una quota di residenti maggiore di 0 e al massimo 100",
            )
    for value in budget or []:
        if not value > 0:
            raise UsageError(
                "--budget",
                f"{value:g}: expected an amount in euros above 0",
                f"{value:g}: atteso un importo in euro maggiore di 0",
            )
    if time_limit is not None and not time_limit > 0:
        raise UsageError(
            "--time-limit",
            f"{time_limit:g}: expected seconds above 0",
            f"{time_limit:g}: attesi secondi maggiori di 0",
        )
    cfg, catalog, territory = _load(config, data, lang)
    dcfg = cfg["digital"]
    dcfg.new_site_radius_m = radius
    dcfg.siting_method = method
    if target:
        dcfg.coverage_targets_pct = list(target)
    if budget:
        dcfg.budgets_eur = list(budget)
    if time_limit is not None:
        dcfg.solver_time_limit_s = time_limit
    _revalidate(cfg, "digital")
    existing = load_register(catalog, territory, dcfg, sites)
    if existing is not None:
        existing = analysis.five_g_sites(existing, dcfg.coverage_technologies, dcfg.coverage_states)
        if sites_radius is not None:
            existing = existing.assign(raggio_m=sites_radius)
    pool = load_candidates(catalog, territory, dcfg, candidates)
    if k > len(pool):
        raise UsageError(
            "--k",
            f"{k} new sites but there are only {len(pool)} candidates; expected 1 to "
            f"{len(pool)}, or more candidates with --candidates",
            f"{k} nuovi siti ma i candidati sono solo {len(pool)}: atteso da 1 a {len(pool)}, "
            "oppure altri candidati con --candidates",
        )
    grid = _population_grid(cfg, catalog, territory, population_raster)
    plan = siting_of(territory, pool, k, dcfg, existing, grid)
    label = new_sites_label(len(plan.chosen), dcfg, register=existing is not None)
    text = scenario_label(label[cfg.lang].removeprefix("scenario: "), True)
    with _outputs(cfg, out_dir, "territorio digital siting", overwrite) as outputs:
        for name, table in plan_tables(plan, text, territory.comuni).items():
            outputs.write_csv(f"siting_{name}.csv", table)
        outputs.write_layers("siting.gpkg", plan_layers(plan, pool, text))
        write_table_docs(outputs, {}, cfg.lang, cfg["output"].xlsx)
    from territorio.classes import fmt_number

    if not quiet:
        out.print(escape(f"{text}: " + plan_summary(plan, cfg.lang)), highlight=False)
        for _, row in plan.chosen.iterrows():
            gain = fmt_number(row["nuova_popolazione_coperta"], "ab.", cfg.lang)
            out.print(
                f"{row['ordine']:>3}  {escape(str(row['nome']))[:40]:<40} +{gain} ab.",
                highlight=False,
            )
    _print_written(outputs.written, cfg.lang, Path(out_dir), verbose)


@app.command("access")
def access(
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path(
        "maps/mobilita"
    ),
    network: Annotated[
        Path | None, typer.Option("--network", help="OSM file (.osm, .osm.bz2, .osm.pbf).")
    ] = None,
    config: ConfigOption = None,
    data: DataOption = None,
    lang: LangOption = None,
    scheduler: SchedulerOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Walking/cycling times to interchange nodes: accessibilita.gpkg, tempi_viaggio.tif, CSV."""
    from territorio.loaders import load_access, load_population_model
    from territorio.report import write_table_docs
    from territorio.steps.mobilita import SOURCES, access_columns, write_access

    if network is not None and not network.is_file():
        raise UsageError(
            "--network",
            f"{network}: file not found; expected an OSM file (.osm, .osm.bz2, .osm.pbf)",
            f"{network}: file non trovato; atteso un file OSM (.osm, .osm.bz2, .osm.pbf)",
        )
    if scheduler is not None:
        parse_scheduler(scheduler)
    cfg, catalog, territory = _load(config, data, lang)
    if scheduler is not None:
        cfg["run"].scheduler = scheduler
    acfg = cfg["access"]
    if network:
        acfg.network = str(network.resolve())
    model = load_population_model(catalog, territory, cfg["population"], base=cfg.base_dir)
    with (
        Reporter(err, lang=cfg.lang, quiet=quiet, verbose=verbose) as reporter,
        open_scheduler(cfg["run"].scheduler) as tasks,
    ):
        reporter.advance(0, 2, "Rete e tempi di percorrenza" if cfg.lang == "it" else "Network")
        result = load_access(
            catalog,
            territory,
            acfg,
            base=cfg.base_dir,
            progress=reporter,
            population=model,
            tile_km=tile_size_km(cfg["run"]),
            mapper=tasks.map,
        )
        reporter.advance(1, 2, "Scrittura dei layer" if cfg.lang == "it" else "Writing layers")
        with _outputs(cfg, out_dir, "territorio access", overwrite) as outputs:
            codes = territory.comuni["pro_com_t"].to_numpy()
            attribution = "; ".join(catalog.attributions(cfg.lang, list(SOURCES)))
            layers = write_access(outputs, "", result, acfg, codes, attribution)
            table = result.indicators.reset_index()
            table.insert(1, "comune", territory.comuni["comune"].to_numpy())
            outputs.write_csv("accesso_comuni.csv", table)
            labels = {lang: model.label(lang) for lang in ("it", "en")}
            docs = access_columns(result, acfg, model.year, labels, model.sources)
            write_table_docs(outputs, {c.name: c for c in docs}, cfg.lang, cfg["output"].xlsx)
    from territorio.classes import fmt_number

    if not quiet:
        for layer, frame in layers.items():
            out.print(f"  {layer}: {fmt_number(len(frame), 'n.', cfg.lang)}", highlight=False)
    _print_written(outputs.written, cfg.lang, Path(out_dir), verbose)


@app.command("services")
def services(
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path(
        "maps/servizi"
    ),
    park: Annotated[
        Path | None, typer.Option("--park", help="Parco Agricolo Sud perimeter (vector file).")
    ] = None,
    community_points: Annotated[
        Path | None,
        typer.Option("--community-points", help="Coordinates of Case/Ospedali di Comunità, COT."),
    ] = None,
    config: ConfigOption = None,
    data: DataOption = None,
    lang: LangOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Schools, hospitals, pharmacies, PNRR community health and the Parco Sud, per comune."""
    cfg = _prepare_config(config, data, lang)
    if park:
        cfg["services"].park_boundary = str(park.resolve())
    if community_points:
        cfg["services"].community_points = str(community_points.resolve())
    cfg["run"].steps = ["territorio", "servizi"]
    _run(cfg, out_dir, "territorio services", overwrite=overwrite, quiet=quiet, verbose=verbose)


@app.command("maps")
def maps(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default maps/).")
    ] = None,
    config: ConfigOption = None,
    data: DataOption = None,
    lang: LangOption = None,
    self_contained: SelfContainedOption = False,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Thematic maps, index.html and the atlas of the comuni (computes the indicators first)."""
    cfg = _prepare_config(config, data, lang)
    if self_contained:
        cfg["output"].self_contained = True
    cfg["run"].steps = []  # every step: the maps draw what each theme computes
    # the same files as `territorio run`: one producer, so either replaces the other's
    _run(cfg, out_dir, "territorio run", overwrite=overwrite, quiet=quiet, verbose=verbose)


@app.command("qgis")
def qgis(
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("maps/qgis"),
    overwrite: OverwriteOption = False,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf",
            help="Also export the atlas 'Scheda comunale' to PDF (one per comune and one "
            "merged, in atlante_pdf/) through QGIS; needs QGIS's Python (python3-qgis).",
        ),
    ] = False,
    comuni: Annotated[
        str,
        typer.Option(
            "--comuni", help="With --pdf: ISTAT codes of the pages to export, comma-separated."
        ),
    ] = "",
    config: ConfigOption = None,
    data: DataOption = None,
    lang: LangOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """territorio.gpkg, territorio.qgz and the SLD styles (nothing else).

    Computes every theme, then writes only the QGIS product: the styled GeoPackage, the
    project (map themes, relations, print layout and atlas), sld/ for GeoServer/MapStore and
    the travel-time GeoTIFF the project shows; with --pdf also the atlas PDFs.
    """
    from territorio.steps.qgis import qgis_files

    cfg = _prepare_config(config, data, lang)
    cfg["run"].steps = []  # every step: the project holds every theme
    if pdf:
        from territorio.outputs.pdf import require_qgis

        require_qgis(cfg["qgis"].python)  # before minutes of work, not after
        cfg["qgis"].pdf = True
    if comuni and not pdf:
        raise UsageError(
            "--comuni",
            "has no effect without --pdf (it chooses the atlas pages to export)",
            "non ha effetto senza --pdf (sceglie le pagine dell'atlante da esportare)",
        )
    if comuni:
        cfg["qgis"].pdf_comuni = [c.strip() for c in comuni.split(",") if c.strip()]
    _run(
        cfg,
        out_dir,
        "territorio qgis",
        overwrite=overwrite,
        quiet=quiet,
        verbose=verbose,
        keep=qgis_files,
    )


@app.command("monitor")
def monitor_cmd(
    run_dir: Annotated[Path, typer.Argument(help="Folder of a run (the --out of territorio run).")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (default: the run's folder)."),
    ] = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            "--catalogue",
            help="TOML file adding Drivers and indicators to the PSTTM catalogue or replacing "
            "them by id (default: [monitor] catalogue of the config).",
        ),
    ] = None,
    config: ConfigOption = None,
    lang: LangOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
) -> None:
    """PSTTM dashboard per Driver from a run: monitoraggio.csv, XLSX and monitoraggio.html.

    Reads the run's tables and run.json, joins baselines and targets of the catalogue and
    writes one row per Driver, indicator and area, the ranking of the comuni, a workbook with
    one sheet per Driver and the offline dashboard page.
    """
    from territorio.monitor.catalogue import load_catalogue
    from territorio.monitor.dashboard import COMPARE_PAGE
    from territorio.monitor.output import write_monitoring
    from territorio.monitor.values import monitor
    from territorio.readers.runs import read_run
    from territorio.report import table_entries, write_workbooks
    from territorio.steps.monitoraggio import series_tables

    cfg = _prepare_config(config, None, lang)
    lang = cfg.lang
    path = catalogue or (
        cfg.resolve(cfg["monitor"].catalogue) if cfg["monitor"].catalogue else None
    )
    cat = load_catalogue(path)
    run = read_run(run_dir, extra=("suolo/serie_aree.csv", "suolo/serie_comuni.csv"))
    members = {k: v["comuni"] for k, v in run.info.get("aree", {}).items()}
    result = monitor(cat, run.comuni, run.areas, members, series_tables(run.tables), lang)
    target = out_dir or run_dir
    label = "psttm.toml" + (f" + {path.name}" if path else "")
    with _outputs(cfg, target, "territorio monitor", overwrite) as outputs:
        write_monitoring(
            outputs,
            result,
            run.info,
            lang,
            index=(target / "index.html").is_file(),
            compare=(target / COMPARE_PAGE).is_file(),
            catalogue_label=label,
        )
        if cfg["output"].xlsx:
            write_workbooks(outputs, table_entries(outputs.tables, {}), None, {}, lang)
    if quiet:
        return
    it = lang == "it"
    served = len(cat.drivers) - len(result.unserved_drivers)
    out.print(
        (f"Driver misurati: {served} su {len(cat.drivers)}, indicatori: {len(result.served)}")
        if it
        else f"Drivers measured: {served} of {len(cat.drivers)}, indicators: {len(result.served)}",
        highlight=False,
    )
    for driver in cat.drivers:
        if driver.id in result.unserved_drivers:
            why = result.unserved_drivers[driver.id]
            head = "non misurato" if it else "not measured"
            out.print(
                f"  {driver.id} {escape(driver.name.get(lang, driver.name['it']))}: {head} — "
                f"{escape(why.get(lang, why['it']))}",
                highlight=False,
            )
    _print_written(outputs.written, lang, target)


@app.command("compare")
def compare_cmd(
    run_a: Annotated[Path, typer.Argument(help="Folder of the earlier run (A).")],
    run_b: Annotated[Path, typer.Argument(help="Folder of the later run (B).")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (default: the folder of run B)."),
    ] = None,
    lang: LangOption = None,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
) -> None:
    """What changed from run A to run B: every common column per comune and area, inputs.

    Writes confronto_comuni.csv and confronto_aree.csv (B − A, absolute and in %),
    confronto_colonne.csv (columns changed, new, removed), confronto_righe.csv,
    confronto_input.csv (layers whose sha256 changed, version, settings) and confronto.html.
    """
    from territorio.monitor.compare import compare_runs
    from territorio.monitor.output import write_comparison
    from territorio.readers import read_dictionary
    from territorio.readers.runs import read_run
    from territorio.report import table_entries, write_workbooks

    cfg = _prepare_config(None, None, lang)
    lang = cfg.lang
    a, b = read_run(run_a), read_run(run_b)
    comparison = compare_runs(a.comuni, b.comuni, a.areas, b.areas, a.info, b.info)
    labels: dict[str, str] = {}
    dictionary = run_b / "dizionario_dati.csv"
    if dictionary.is_file():
        entries = read_dictionary(dictionary)
        for _, row in entries[
            entries["tabella"].isin(["indicatori_aree.csv", "indicatori_comuni.csv"])
        ].iterrows():
            labels.setdefault(row["colonna"], row["intestazione"])
    target = out_dir or run_b
    with _outputs(cfg, target, "territorio compare", overwrite) as outputs:
        write_comparison(
            outputs, comparison, a.info, b.info, labels, lang, (str(run_a), str(run_b))
        )
        if cfg["output"].xlsx:
            write_workbooks(outputs, table_entries(outputs.tables, {}), None, {}, lang)
    if quiet:
        return
    it = lang == "it"
    for _, row in comparison.inputs.iterrows():
        out.print(
            f"  {'cambiato' if it else 'changed'}: {escape(row['tipo'])} "
            f"{escape(str(row['voce']))}",
            highlight=False,
        )
    changed = comparison.columns[comparison.columns["stato"] == "cambiata"]
    out.print(
        (
            f"colonne cambiate: {len(changed)}, valori cambiati: {len(comparison.comuni)} per "
            f"comune e {len(comparison.areas)} per area"
        )
        if it
        else (
            f"columns changed: {len(changed)}, values changed: {len(comparison.comuni)} by "
            f"comune and {len(comparison.areas)} by area"
        ),
        highlight=False,
    )
    _print_written(outputs.written, lang, target)


def _load(config: Path | None, data: Path | None, lang: str | None = None):
    """Config, catalogue (mirror and user files of the config) and territory of a command."""
    from territorio.loaders import load_territory

    cfg = _prepare_config(config, data, lang)
    catalog = Catalog.from_config(cfg)
    return cfg, catalog, load_territory(catalog, cfg.areas)


def _language(lang: str | None) -> str:
    if lang is None:
        return _LANG["lang"]
    if lang not in ("it", "en"):
        raise typer.BadParameter(f"{lang!r}: expected it or en", param_hint="--lang")
    _LANG["lang"] = lang
    return lang


def _prepare_config(config: Path | None, data: Path | None, lang: str | None):
    _language(lang)  # refuse a wrong --lang before reading anything
    cfg = load_config(config)
    if data:
        cfg["data"].mirror = str(data)
    if lang:
        cfg["output"].lang = lang
    _LANG["lang"] = cfg.lang
    return cfg


def _outputs(cfg, out_dir: Path, producer: str, overwrite: bool):
    """The output set of a command outside ``run``, with the config's table formats."""
    from territorio.outputs import OutputSet

    return OutputSet.from_config(out_dir, cfg["output"], producer=producer, overwrite=overwrite)


def _check_radius(radius: float) -> None:
    from territorio.plausibility import MAX_RADIUS_M, plausible_radius

    if not plausible_radius(radius):
        raise UsageError(
            "--radius",
            f"{radius:g} m: expected a radius in metres above 0 and at most "
            f"{MAX_RADIUS_M:.0f} (a 5G macro cell covers about 600 m)",
            f"{radius:g} m: atteso un raggio in metri maggiore di 0 e al massimo "
            f"{MAX_RADIUS_M:.0f} (una macrocella 5G copre circa 600 m)",
        )


def _revalidate(cfg, name: str) -> None:
    """Re-run a section's checks after command-line options changed it."""
    from territorio.errors import ConfigError

    try:
        cfg[name].__post_init__()
    except ValueError as exc:
        raise ConfigError("command line", name, str(exc)) from None


def _run(
    cfg,
    out_dir: Path | None,
    command: str,
    *,
    overwrite: bool,
    quiet: bool,
    verbose: bool,
    keep=None,
) -> None:
    """Run the pipeline with progress on stderr, then the notes and a summary."""
    from territorio.runner import run_pipeline

    with Reporter(err, lang=cfg.lang, quiet=quiet, verbose=verbose) as reporter:
        result = run_pipeline(
            cfg,
            out=out_dir,
            progress=reporter,
            overwrite=overwrite,
            keep=keep,
            command=command,
        )
    base = Path(out_dir or cfg["output"].directory)
    if not quiet:
        label_note = "nota" if cfg.lang == "it" else "note"
        for note in result.notes:
            out.print(
                f"[yellow]{label_note}[/yellow] {escape(note.render(cfg.lang))}", highlight=False
            )
    _print_written(result.written, cfg.lang, base, verbose, quiet)
    if quiet:
        return
    n, columns = len(result.table.frame), len(result.table.columns)
    if cfg.lang == "it":
        out.print(f"{n} comuni, {columns} colonne, in {reporter.elapsed()}", highlight=False)
    else:
        out.print(f"{n} comuni, {columns} columns, in {reporter.elapsed()}", highlight=False)


def _print_written(
    paths: list[Path], lang: str, base: Path, verbose: bool = False, quiet: bool = False
) -> None:
    """The files written, by folder (every path with --verbose)."""
    if quiet:
        return
    if verbose:
        for path in paths:
            out.print(f"[green]{'scritto' if lang == 'it' else 'written'}[/green] {path}")
        return
    head = "scritti" if lang == "it" else "written"
    out.print(f"[green]{head}[/green] {len(paths)} file in {base}", highlight=False)
    for line in summarise_files(paths, base, lang):
        out.print(f"  {escape(line)}", highlight=False)


def _population_grid(cfg, catalog, territory, option: Path | None):
    """The population grid of the 5G commands: ``--population-grid``, else ``[population]``."""
    from territorio.loaders import load_population_model

    if option:
        cfg["population"].grid = str(option.resolve())
    model = load_population_model(catalog, territory, cfg["population"], base=cfg.base_dir)
    return model.grid(cfg["digital"].grid_cell_m)


@app.command("config")
def config_cmd() -> None:
    """Print a complete run config with every default, to copy and edit."""
    sys.stdout.write(default_config_toml())


#: What the help shows after an option instead of a Python type (``<list[str]>``).
_METAVARS = {"int": "N", "float": "NUMERO", "str": "TESTO", "Path": "FILE"}
_FOLDERS = {"--out", "--data", "--results"}


def help_language(args: list[str]) -> str:
    """The language of the help: ``--lang en`` on the command line or TERRITORIO_LANG, else it.

    Examples
    --------
    >>> help_language(["run", "--help"]), help_language(["run", "--lang", "en", "--help"])
    ('it', 'en')
    """
    import os

    for position, arg in enumerate(args):
        if arg == "--lang" and position + 1 < len(args):
            return "en" if args[position + 1] == "en" else "it"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "it"
    return "en" if os.environ.get("TERRITORIO_LANG") == "en" else "it"


def _plain_metavars(command, lang: str = "it") -> None:
    """Help a GIS officer reads: in Italian by default, ``--out CARTELLA``, flags bare.

    Typer shows Python types (``<list[str]>``, ``<bool>``) beside each option; each
    parameter, the ``--help`` option included, gets a plain label instead, and every help
    text its Italian translation (:mod:`territorio.cli.words`) unless the help is in English.
    """
    from territorio.cli.words import ITALIAN

    def said(text):
        return ITALIAN.get(text.strip(), text) if lang == "it" and text else text

    command.help = said(command.help)
    for param in command.params:
        _plain_label(param)
        if getattr(param, "help", None):
            param.help = said(param.help)
    original = command.get_help_option

    def help_option(ctx, original=original):
        option = original(ctx)
        if option is not None:
            _plain_label(option)
            option.help = said(option.help)
        return option

    command.get_help_option = help_option
    for sub in getattr(command, "commands", {}).values():
        _plain_metavars(sub, lang)


def _plain_label(param) -> None:
    if getattr(param, "is_flag", False):
        label = None
    elif set(getattr(param, "opts", ())) & _FOLDERS:
        label = "CARTELLA"
    elif getattr(param, "metavar", None):
        label = param.metavar
    else:
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        base = getattr(annotation, "__name__", "") or str(annotation)
        label = next((v for k, v in _METAVARS.items() if k in base), "VALORE")
    if param.param_type_name == "argument":
        param.metavar = label
        label = "…" if param.nargs != 1 else None
    param.display_type_rich = lambda ctx, label=label: label


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    if isinstance(message, InputNotice):
        label = "lettura" if _LANG["lang"] == "it" else "read"
        text = message.render(_LANG["lang"])
        err.print(f"[cyan]{label}[/cyan]: {escape(text)}", highlight=False, soft_wrap=True)
        return
    known = (CountMismatchWarning, ChecksumMismatchWarning)
    it = _LANG["lang"] == "it"
    label = (
        ("attenzione" if it else "warning") if issubclass(category, known) else category.__name__
    )
    err.print(f"[yellow]{label}[/yellow]: {escape(str(message))}", highlight=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; every failure becomes a message and an exit status.

    Known failures exit with 2 and a message naming the file and what was expected; an
    interruption (Ctrl-C, SIGTERM, SIGHUP) with 128 + the signal, after the staging folder is
    removed; anything else with 3, its traceback written to a log whose path is printed.
    """
    warnings.showwarning = _show_warning
    catch_signals()
    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(app)
    _plain_metavars(command, help_language(args))
    try:
        status = command.main(args=args, prog_name="territorio", standalone_mode=False)
    except SystemExit:
        raise
    except BaseException as exc:  # the error boundary: nothing reaches the user as a traceback
        # typer ships its own click: recognise its exceptions by what they do
        if type(exc).__name__ == "Abort":  # click turns Ctrl-C (and our signals) into Abort
            cause = exc.__cause__ or exc.__context__
            exc = cause if isinstance(cause, KeyboardInterrupt) else KeyboardInterrupt()
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        _fail(exc, args)
    # without standalone mode click returns the status of `typer.Exit` (e.g. `layers check`);
    # typer turns an interruption into status 130, so the signal is looked up here
    if RECEIVED or status == 130:
        _fail(Interrupted(RECEIVED[-1]) if RECEIVED else KeyboardInterrupt(), args)
    sys.exit(status if isinstance(status, int) else 0)


def _fail(exc: BaseException, args: list[str]) -> None:
    """Print the message of a failure in the run's language and exit with its status."""
    lang = _LANG["lang"]
    code, message = describe(exc, lang)
    if code == EXIT_INTERNAL:
        message = internal_error(exc, ["territorio", *args], lang)
    label = "errore" if lang == "it" else "error"
    # soft wrap: a log keeps each message, and its file names, on whole lines
    err.print(f"[red]{label}[/red]: {escape(message)}", highlight=False, soft_wrap=True)
    sys.exit(code)
