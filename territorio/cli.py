"""The ``territorio`` command line (typer)."""

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
from territorio.config import default_config_toml, load_config
from territorio.errors import ChecksumMismatchWarning, CountMismatchWarning, TerritorioError

app = typer.Typer(
    help="territorio: layers, indicators, maps and QGIS outputs for the Città metropolitana di "
    "Milano.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", help="Layer mirror directory (default: TERRITORIO_DATA, ../shared/data)."
    ),
]
LayerOption = Annotated[
    list[str] | None,
    typer.Option("--layer", help="Replace a layer with your file: ID=PATH (repeatable)."),
]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="Run config TOML.")]
SelfContainedOption = Annotated[
    bool,
    typer.Option(
        "--self-contained",
        help="Web pages with Leaflet and data inline: each works when sent on its own.",
    ),
]
LangOption = Annotated[str | None, typer.Option("--lang", help="Output language: it or en.")]


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
) -> None:
    """List the layers: id, status, present, checksum ok, licence."""
    if ctx.invoked_subcommand is not None:
        return
    catalog = Catalog(data)
    try:
        where = f"{catalog.mirror.path} ({catalog.mirror.how})"
    except TerritorioError:
        where = "not found"
    table = Table(title=f"territorio layers — mirror: {where}")
    for name in ("id", "theme", "status", "present", "checksum ok", "licence"):
        table.add_column(name, overflow="fold")
    for layer_id in catalog.ids():
        status = catalog.status(layer_id)
        if status.manifest.theme != theme and theme:
            continue
        checksum = {True: "yes", False: "[red]NO[/red]", None: "—"}[status.checksum_ok]
        present = (
            "template"
            if status.manifest.is_template
            else ("yes" if status.present else "[red]no[/red]")
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
) -> None:
    """Check every layer (presence, sha256, readable, feature count); exit 1 on any problem."""
    catalog = Catalog(data, overrides=_overrides(layer))
    problems = 0
    for status in catalog.check(read=read):
        if status.problem:
            problems += 1
            err.print(f"[red]✗[/red] {status.manifest.id}: {status.problem}")
        else:
            kind = "template" if status.manifest.is_template and not status.user_file else "ok"
            out.print(f"[green]✓[/green] {status.manifest.id}: {kind}")
    if problems:
        err.print(f"{problems} layer(s) with problems")
        raise typer.Exit(1)
    out.print(f"all {len(catalog.ids())} layers ok")


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
    layer_ids: Annotated[list[str] | None, typer.Argument(help="Layer ids; default all.")] = None,
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
            err.print(f"[yellow]–[/yellow] {layer_id}: {exc}")
    if failures and layer_ids:
        raise typer.Exit(1)


@app.command()
def info(
    comune: Annotated[str, typer.Argument(help="Comune name or ISTAT code.")],
    data: DataOption = None,
    lang: LangOption = "it",
) -> None:
    """A short profile of one comune."""
    from territorio.loaders import load_territory
    from territorio.profile import comune_profile, render_profile

    territory = load_territory(Catalog(data), areas={})
    for line in render_profile(comune_profile(territory, comune), lang or "it"):
        out.print(line, highlight=False)


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
) -> None:
    """Run every step and write indicatori_comuni.csv, its dictionary and the area aggregates."""
    from territorio.runner import run_pipeline

    cfg = _prepare_config(config, data, lang)
    if self_contained:
        cfg["output"].self_contained = True
    cfg.layers.update({k: v.resolve() for k, v in _overrides(layer).items()})
    with err.status("territorio run") as status:
        result = run_pipeline(cfg, out=out_dir, progress=lambda m: status.update(escape(m)))
    _report(result, cfg.lang)


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
) -> None:
    """Land-consumption indicators, series, charts and the PTM check, written to --out."""
    if ctx.invoked_subcommand is not None:
        return
    from territorio.runner import run_pipeline

    cfg = _prepare_config(config, data, lang)
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
    _report(run_pipeline(cfg, out=out_dir), cfg.lang)


@land_app.command("template")
def land_template(
    out_file: Annotated[Path, typer.Argument(help="Where to write the empty template.")] = Path(
        "ambiti_trasformazione.csv"
    ),
) -> None:
    """Write the empty CSV template of the PGT transformation areas (ambiti)."""
    import shutil

    from territorio.land.thresholds import TEMPLATE_FILE

    if out_file.exists():
        raise TerritorioError(f"{out_file} exists; choose another name")
    shutil.copyfile(TEMPLATE_FILE, out_file)
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
) -> None:
    """Fibre indicators and ranking, 5G coverage (register or school scenario), siting."""
    if ctx.invoked_subcommand is not None:
        return
    from territorio.runner import run_pipeline

    cfg = _prepare_config(config, data, lang)
    if sites:
        cfg.layers["cmm_siti_5g"] = sites.resolve()
    if agreements:
        cfg.layers["cmm_accordi_fibra"] = agreements.resolve()
    if population_raster:
        cfg["population"].grid = str(population_raster.resolve())
    cfg["run"].steps = ["territorio", "digitale"]
    _report(run_pipeline(cfg, out=out_dir), cfg.lang)


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
) -> None:
    """Coverage per comune of a register: writes copertura_5g_comuni.csv and copertura_5g.gpkg."""
    import geopandas as gpd

    from territorio.digital import analysis
    from territorio.loaders import load_register
    from territorio.outputs import OutputSet
    from territorio.steps.digitale import coverage_of

    cfg, catalog, territory = _load(config, data)
    dcfg = cfg["digital"]
    register = load_register(catalog, territory, dcfg, sites)
    five_g = analysis.five_g_sites(register, dcfg.coverage_technologies, dcfg.coverage_states)
    if radius is not None:
        if not radius > 0:
            raise typer.BadParameter("must be > 0", param_hint="--radius")
        five_g = five_g.assign(raggio_m=radius)
    grid = _population_grid(cfg, catalog, territory, population_raster)
    result = coverage_of(territory, five_g, grid)
    table = result.table.reset_index()[["pro_com_t", *analysis.COVERAGE_COLUMNS]]
    table["comune"] = territory.comuni["comune"].to_numpy()
    table["ponderazione_popolazione"] = result.weighting
    with OutputSet(out_dir) as outputs:
        outputs.write_csv("copertura_5g_comuni.csv", table)
        layers = {"siti": gpd.GeoDataFrame(five_g, crs=five_g.crs)}
        if not result.layer.empty:
            layers["copertura"] = result.layer
        outputs.write_layers("copertura_5g.gpkg", layers)
    pop = territory.population()
    covered = table["popolazione_coperta"].sum()
    out.print(
        f"{len(five_g)} siti 5G in servizio di {len(register)}; popolazione coperta "
        f"{covered:,.0f} ({100 * covered / pop.sum():.1f} % della CMM); "
        f"ponderazione: {escape(result.weighting)}",
        highlight=False,
    )
    _print_written(outputs.written, cfg.lang)


@digital_app.command("siting")
def digital_siting(
    k: Annotated[int, typer.Option("--k", help="Number of new sites.")] = 20,
    sites: SitesOption = None,
    candidates: Annotated[
        Path | None, typer.Option("--candidates", help="Candidate locations file.")
    ] = None,
    radius: Annotated[float, typer.Option("--radius", help="Radius of a new site (m).")] = 600.0,
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path(
        "maps/digitale"
    ),
    population_raster: RasterPopOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
) -> None:
    """Choose k new sites (greedy max coverage, ≥ 1 − 1/e of optimal) given existing sites."""
    from territorio.digital import analysis
    from territorio.loaders import load_candidates, load_register
    from territorio.outputs import OutputSet
    from territorio.steps.digitale import siting_of

    cfg, catalog, territory = _load(config, data)
    dcfg = cfg["digital"]
    dcfg.new_site_radius_m = radius
    _revalidate(cfg, "digital")
    existing = load_register(catalog, territory, dcfg, sites)
    if existing is not None:
        existing = analysis.five_g_sites(existing, dcfg.coverage_technologies, dcfg.coverage_states)
    pool = load_candidates(catalog, territory, dcfg, candidates)
    grid = _population_grid(cfg, catalog, territory, population_raster)
    result = siting_of(territory, pool, k, dcfg, existing, grid)
    with OutputSet(out_dir) as outputs:
        outputs.write_csv("siting_siti_scelti.csv", result.chosen.drop(columns="geometry"))
        outputs.write_csv("siting_curva.csv", result.curve)
        outputs.write_layers("siting_siti_scelti.gpkg", {"siting_siti_scelti": result.chosen})
    for _, row in result.chosen.iterrows():
        out.print(
            f"{row['ordine']:>3}  {escape(str(row['nome']))[:40]:<40} "
            f"+{row['nuova_popolazione_coperta']:,.0f} ab.",
            highlight=False,
        )
    _print_written(outputs.written, cfg.lang)


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
) -> None:
    """Walking/cycling times to interchange nodes: accessibilita.gpkg, tempi_viaggio.tif, CSV."""
    from territorio.loaders import load_access, load_population_model
    from territorio.outputs import OutputSet
    from territorio.steps.mobilita import SOURCES, write_access

    cfg, catalog, territory = _load(config, data)
    acfg = cfg["access"]
    if network:
        acfg.network = str(network.resolve())
    with err.status("territorio access") as status:
        result = load_access(
            catalog,
            territory,
            acfg,
            base=cfg.base_dir,
            progress=lambda message: status.update(escape(message)),
            population=load_population_model(
                catalog, territory, cfg["population"], base=cfg.base_dir
            ),
        )
        status.update("scrittura dei layer")
        with OutputSet(out_dir) as outputs:
            codes = territory.comuni["pro_com_t"].to_numpy()
            attribution = "; ".join(catalog.attributions("it", list(SOURCES)))
            layers = write_access(outputs, "", result, acfg, codes, attribution)
            table = result.indicators.reset_index()
            table.insert(1, "comune", territory.comuni["comune"].to_numpy())
            outputs.write_csv("accesso_comuni.csv", table)
    for layer, frame in layers.items():
        out.print(f"  {layer}: {len(frame):,}", highlight=False)
    _print_written(outputs.written, cfg.lang)


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
) -> None:
    """Schools, hospitals, pharmacies, PNRR community health and the Parco Sud, per comune."""
    from territorio.runner import run_pipeline

    cfg = _prepare_config(config, data, lang)
    if park:
        cfg["services"].park_boundary = str(park.resolve())
    if community_points:
        cfg["services"].community_points = str(community_points.resolve())
    cfg["run"].steps = ["territorio", "servizi"]
    with err.status("territorio services") as status:
        result = run_pipeline(cfg, out=out_dir, progress=lambda m: status.update(escape(m)))
    _report(result, cfg.lang)


@app.command("maps")
def maps(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default maps/).")
    ] = None,
    config: ConfigOption = None,
    data: DataOption = None,
    lang: LangOption = None,
    self_contained: SelfContainedOption = False,
) -> None:
    """Thematic maps, index.html and the atlas of the comuni (computes the indicators first)."""
    from territorio.runner import run_pipeline

    cfg = _prepare_config(config, data, lang)
    if self_contained:
        cfg["output"].self_contained = True
    cfg["run"].steps = []  # every step: the maps draw what each theme computes
    with err.status("territorio maps") as status:
        result = run_pipeline(cfg, out=out_dir, progress=lambda m: status.update(escape(m)))
    _report(result, cfg.lang)


@app.command("qgis")
def qgis(
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("maps/qgis"),
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace files already in the directory.")
    ] = False,
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
) -> None:
    """territorio.gpkg, territorio.qgz and the SLD styles (nothing else).

    Computes every theme, then writes only the QGIS product: the styled GeoPackage, the
    project (map themes, relations, print layout and atlas), sld/ for GeoServer/MapStore and
    the travel-time GeoTIFF the project shows; with --pdf also the atlas PDFs.
    """
    from territorio.runner import run_pipeline
    from territorio.steps.qgis import qgis_files

    cfg = _prepare_config(config, data, lang)
    cfg["run"].steps = []  # every step: the project holds every theme
    if pdf:
        from territorio.outputs.pdf import require_qgis

        require_qgis(cfg["qgis"].python)  # before minutes of work, not after
        cfg["qgis"].pdf = True
    if comuni:
        cfg["qgis"].pdf_comuni = [c.strip() for c in comuni.split(",") if c.strip()]
    with err.status("territorio qgis") as status:
        result = run_pipeline(
            cfg,
            out=out_dir,
            overwrite=overwrite,
            progress=lambda m: status.update(escape(m)),
            keep=qgis_files,
        )
    _report(result, cfg.lang)


def _load(config: Path | None, data: Path | None):
    """Config, catalogue (mirror and user files of the config) and territory of a command."""
    from territorio.loaders import load_territory

    cfg = _prepare_config(config, data, None)
    catalog = Catalog.from_config(cfg)
    return cfg, catalog, load_territory(catalog, cfg.areas)


def _prepare_config(config: Path | None, data: Path | None, lang: str | None):
    cfg = load_config(config)
    if data:
        cfg["data"].mirror = str(data)
    if lang:
        if lang not in ("it", "en"):
            raise typer.BadParameter("it or en", param_hint="--lang")
        cfg["output"].lang = lang
    return cfg


def _revalidate(cfg, name: str) -> None:
    """Re-run a section's checks after command-line options changed it."""
    from territorio.errors import ConfigError

    try:
        cfg[name].__post_init__()
    except ValueError as exc:
        raise ConfigError("command line", name, str(exc)) from None


def _print_written(paths: list[Path], lang: str) -> None:
    """List written files, the many atlas SVG charts as one count."""
    label = "scritto" if lang == "it" else "written"
    shown = [p for p in paths if p.suffix != ".svg"]
    for path in shown:
        out.print(f"[green]{label}[/green] {path}", highlight=False)
    if len(shown) < len(paths):
        out.print(f"[green]{label}[/green] {len(paths) - len(shown)} SVG charts")


def _population_grid(cfg, catalog, territory, option: Path | None):
    """The population grid of the 5G commands: ``--population-grid``, else ``[population]``."""
    from territorio.loaders import load_population_model

    if option:
        cfg["population"].grid = str(option.resolve())
    model = load_population_model(catalog, territory, cfg["population"], base=cfg.base_dir)
    return model.grid(cfg["digital"].grid_cell_m)


def _report(result, lang: str) -> None:
    label_note = "nota" if lang == "it" else "note"
    for note in result.notes:
        out.print(f"[yellow]{label_note}[/yellow] {escape(note.render(lang))}", highlight=False)
    _print_written(result.written, lang)
    out.print(f"{len(result.table.frame)} comuni, {len(result.table.columns)} columns")


@app.command("config")
def config_cmd() -> None:
    """Print a complete run config with every default, to copy and edit."""
    sys.stdout.write(default_config_toml())


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    known = (CountMismatchWarning, ChecksumMismatchWarning)
    label = "attenzione" if issubclass(category, known) else category.__name__
    err.print(f"[yellow]{label}[/yellow]: {escape(str(message))}", highlight=False)


def main() -> None:
    """Entry point: run the app, turning territorio errors into clear messages."""
    warnings.showwarning = _show_warning
    try:
        app()
    except TerritorioError as exc:
        err.print(f"[red]errore[/red]: {escape(str(exc))}", highlight=False)
        sys.exit(2)
