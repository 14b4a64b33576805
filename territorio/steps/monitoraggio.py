"""Step ``monitoraggio``: the PSTTM dashboard per Driver from the indicators of this run."""

from __future__ import annotations

import pandas as pd

from territorio.i18n import pick
from territorio.monitor.catalogue import load_catalogue
from territorio.monitor.config import MonitorConfig
from territorio.monitor.output import write_monitoring
from territorio.monitor.runinfo import run_info
from territorio.monitor.values import SeriesTable, monitor
from territorio.pipeline import RunContext, Theme

#: The long series tables of the run the catalogue may draw on, by stem.
SERIES_FILES = ("suolo/serie",)


def series_tables(tables: dict[str, pd.DataFrame]) -> dict[str, SeriesTable]:
    """``{stem: SeriesTable}`` from ``<stem>_aree.csv`` and ``<stem>_comuni.csv`` frames."""
    found = {}
    for stem in SERIES_FILES:
        areas, comuni = tables.get(f"{stem}_aree.csv"), tables.get(f"{stem}_comuni.csv")
        if areas is not None and comuni is not None:
            found[stem] = SeriesTable(areas, comuni)
    return found


def monitoring_step(ctx: RunContext) -> None:
    """Compute the catalogue's indicators per area and write the dashboard files."""
    cfg: MonitorConfig = ctx.config["monitor"]
    lang = ctx.config.lang
    path = ctx.config.resolve(cfg.catalogue) if cfg.catalogue else None
    catalogue = load_catalogue(path)
    groups = ctx.territory.groups()
    frame = ctx.table.to_frame()
    areas = ctx.table.aggregate(groups)
    members = {g.id: list(g.codes) for g in groups}
    tables = {k: v.frame for k, v in ctx.outputs.tables.items()}
    result = monitor(catalogue, frame, areas, members, series_tables(tables), lang)
    info = run_info(ctx.config, ctx.catalog, groups, command="territorio run", steps=[])
    label = "psttm.toml" + (f" + {path.name}" if path else "")
    maps = "mappe" in ctx.config["run"].steps or not ctx.config["run"].steps
    write_monitoring(ctx.outputs, result, info, lang, index=maps, catalogue_label=label)
    ctx.maps.pages["monitoraggio"] = THEME.title
    served = len(catalogue.drivers) - len(result.unserved_drivers)
    missing_it = "; ".join(
        f"{d.id} {pick(d.name, 'it')}" for d in catalogue.drivers if d.id in result.unserved_drivers
    )
    missing_en = "; ".join(
        f"{d.id} {pick(d.name, 'en')}" for d in catalogue.drivers if d.id in result.unserved_drivers
    )
    ctx.note(
        "monitoraggio",
        f"Monitoraggio PSTTM (monitoraggio.html): {served} Driver su {len(catalogue.drivers)} "
        f"misurati da {len(result.served)} indicatori; non misurati: {missing_it or 'nessuno'} "
        "(i motivi sono nella pagina).",
        f"PSTTM monitoring (monitoraggio.html): {served} of {len(catalogue.drivers)} Drivers "
        f"measured by {len(result.served)} indicators; not measured: {missing_en or 'none'} "
        "(the page says why).",
    )


THEME = Theme(
    "monitoraggio",
    {"it": "Monitoraggio PSTTM", "en": "PSTTM monitoring"},
    monitoring_step,
    config=("monitor", MonitorConfig),
    any_territory=True,
)
