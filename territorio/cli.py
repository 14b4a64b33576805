"""The ``territorio`` command line (typer)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from territorio.catalog import Catalog
from territorio.config import default_config_toml, load_config
from territorio.errors import CountMismatchWarning, TerritorioError

app = typer.Typer(
    help="territorio: layers, indicators, maps and QGIS outputs for the Città metropolitana di "
    "Milano.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
layers_app = typer.Typer(help="The layer catalogue: list, check, fetch.", add_completion=False)
app.add_typer(layers_app, name="layers")

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
    from territorio.profile import comune_profile, render_profile
    from territorio.territory import load_territory

    territory = load_territory(Catalog(data), areas={})
    for line in render_profile(comune_profile(territory, comune), lang or "it"):
        out.print(line, highlight=False)


@app.command()
def run(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output directory (default maps/).")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Run config TOML.")] = None,
    data: DataOption = None,
    layer: LayerOption = None,
    lang: LangOption = None,
) -> None:
    """Run every step and write indicatori_comuni.csv, its dictionary and the area aggregates."""
    from territorio.pipeline import run_pipeline

    cfg = load_config(config)
    if data:
        cfg["data"].mirror = str(data)
    if lang:
        if lang not in ("it", "en"):
            raise typer.BadParameter("it or en", param_hint="--lang")
        cfg["output"].lang = lang
    cfg.layers.update({k: v.resolve() for k, v in _overrides(layer).items()})
    result = run_pipeline(cfg, out=out_dir)
    for note in result.notes:
        out.print(f"[yellow]nota[/yellow] {note.render(cfg.lang)}", highlight=False)
    for path in result.written:
        out.print(f"[green]scritto[/green] {path}", highlight=False)
    out.print(f"{len(result.table.frame)} comuni, {len(result.table.columns)} indicatori")


@app.command("config")
def config_cmd() -> None:
    """Print a complete run config with every default, to copy and edit."""
    import territorio.pipeline as pipeline

    pipeline.available_steps()  # theme sections register with their step modules
    sys.stdout.write(default_config_toml())


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    label = "attenzione" if issubclass(category, CountMismatchWarning) else category.__name__
    err.print(f"[yellow]{label}[/yellow]: {message}", highlight=False)


def main() -> None:
    """Entry point: run the app, turning territorio errors into clear messages."""
    warnings.showwarning = _show_warning
    try:
        app()
    except TerritorioError as exc:
        err.print(f"[red]errore[/red]: {exc}", highlight=False)
        sys.exit(2)
