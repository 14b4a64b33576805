"""Reading a run's folder back: its tables and its ``run.json`` (for monitor and compare)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from territorio.errors import SaidError
from territorio.readers.files import _run_csv_options, read_indicators

RUN_FILE = "run.json"
#: Version of the layout of ``run.json`` this reader knows; a newer one is refused.
RUN_FORMAT = 1

COMUNI_FILE, AREAS_FILE = "indicatori_comuni.csv", "indicatori_aree.csv"


@dataclass
class RunTables:
    """A run as written: per-comune table, area aggregates, long tables by name, record."""

    folder: Path
    comuni: pd.DataFrame
    areas: pd.DataFrame
    info: dict[str, Any]
    tables: dict[str, pd.DataFrame]


def read_run_table(path: Path) -> pd.DataFrame:
    """One CSV of a run (either CSV format), ``pro_com_t`` and ``gruppo`` kept as text."""
    try:
        return pd.read_csv(path, dtype={"pro_com_t": str, "gruppo": str}, **_run_csv_options(path))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise SaidError(
            f"{path}: cannot be read as a run's CSV table ({exc})",
            f"{path}: non si legge come tabella CSV di un run ({exc})",
        ) from None


def read_run(folder: Path | str, extra: tuple[str, ...] = ()) -> RunTables:
    """The tables and record of the run in ``folder``; ``extra``: other CSVs wanted, if present.

    Raises
    ------
    TerritorioError
        If the folder is missing, or lacks ``indicatori_comuni.csv``, ``indicatori_aree.csv``
        or ``run.json``; the message names the file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SaidError(
            f"{folder}: no such folder; expected the output folder of a run",
            f"{folder}: cartella inesistente; attesa la cartella dei risultati di un run",
        )
    for name in (COMUNI_FILE, AREAS_FILE):
        if not (folder / name).is_file():
            raise SaidError(
                f"{folder / name}: missing; expected the folder of a `territorio run`",
                f"{folder / name}: manca; attesa la cartella dei risultati di `territorio run`",
            )
    info = read_run_info(folder)
    tables = {name: read_run_table(folder / name) for name in extra if (folder / name).is_file()}
    return RunTables(
        folder,
        read_indicators(folder / COMUNI_FILE),
        read_run_table(folder / AREAS_FILE),
        info,
        tables,
    )


def read_run_info(folder: Path | str) -> dict[str, Any]:
    """The ``run.json`` of a run's folder.

    Raises
    ------
    TerritorioError
        If the folder has no ``run.json`` (a run older than this version, or not a run), or
        it cannot be read.
    """
    path = Path(folder) / RUN_FILE
    if not path.is_file():
        raise SaidError(
            f"{path}: missing; expected the record every run writes beside its tables (a "
            "folder written by an older territorio has none: run it again)",
            f"{path}: manca; atteso il registro che ogni run scrive accanto alle tabelle (una "
            "cartella scritta da una versione precedente non lo ha: rifare il run)",
        )
    try:
        info = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SaidError(
            f"{path}: cannot be read as JSON ({exc})", f"{path}: JSON non leggibile ({exc})"
        ) from None
    if not isinstance(info, dict) or not isinstance(info.get("formato"), int):
        raise SaidError(
            f"{path}: not a run record (no 'formato' field)",
            f"{path}: non è il registro di un run (manca il campo 'formato')",
        )
    if info["formato"] > RUN_FORMAT:
        raise SaidError(
            f"{path}: written by a newer territorio (format {info['formato']}); update territorio",
            f"{path}: scritto da una versione più recente di territorio (formato "
            f"{info['formato']}); aggiornare territorio",
        )
    return info


def shipped_catalogue() -> dict[str, Any]:
    """The monitoring catalogue shipped with territorio (``territorio/monitor/psttm.toml``)."""
    text = resources.files("territorio.monitor").joinpath("psttm.toml").read_text("utf-8")
    return tomllib.loads(text)


def read_catalogue_file(path: Path | str) -> dict[str, Any]:
    """A user's monitoring catalogue (TOML).

    Raises
    ------
    SaidError
        If the file cannot be read or is not TOML.
    """
    path = Path(path)
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise SaidError(
            f"{path}: cannot be read ({exc.strerror or exc})",
            f"{path}: non leggibile ({exc.strerror or exc})",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SaidError(
            f"{path}: not valid TOML ({exc})", f"{path}: TOML non valido ({exc})"
        ) from None
