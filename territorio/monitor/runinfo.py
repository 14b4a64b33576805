"""``run.json``: what a run read and how, so that two runs can be compared and a figure traced.

Every run records the toolkit version, the command and steps, the whole configuration, each
layer it read (id, file, sha256 and the sha256 the catalogue expects) and the comuni of each
area. :func:`territorio.readers.runs.read_run_info` reads it back for ``territorio monitor``
and ``territorio compare``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from territorio._version import __version__
from territorio.readers.runs import RUN_FILE, RUN_FORMAT

__all__ = ["RUN_FILE", "layer_records", "run_info", "run_json"]


def _plain(value: Any) -> Any:
    """JSON-ready copy of a config value (paths as text, tuples as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def layer_records(catalog: Any) -> list[dict[str, Any]]:
    """One record per layer the run read: id, title, file, sha256 found and expected."""
    records = []
    for layer_id in sorted(catalog.used):
        path = Path(catalog.used[layer_id])
        manifest = catalog.manifest(layer_id)
        user = layer_id in catalog.overrides
        records.append(
            {
                "id": layer_id,
                "titolo": manifest.label("it"),
                "file": str(path),
                "sha256": catalog.sha256(path) if path.is_file() else "",
                "sha256_catalogo": "" if user else manifest.sha256,
                "file_utente": user,
                "editore": manifest.publisher,
                "licenza": manifest.licence_name or manifest.licence,
                "data": manifest.date,
            }
        )
    return records


def run_info(
    config: Any,
    catalog: Any,
    groups: Sequence[Any],
    *,
    command: str,
    steps: Sequence[str],
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The content of ``run.json`` for a run (pure: nothing is written).

    Examples
    --------
    >>> import territorio as tt
    >>> from territorio.monitor.runinfo import run_info
    >>> cfg = tt.load_config()
    >>> info = run_info(cfg, tt.Catalog(), [], command="prova", steps=["territorio"])
    >>> info["formato"], info["comando"], info["strati"], "output" in info["configurazione"]
    (1, 'prova', [], True)
    """
    now = now or dt.datetime.now()
    return {
        "formato": RUN_FORMAT,
        "territorio_versione": __version__,
        "data": now.isoformat(timespec="seconds"),
        "comando": command,
        "passi": list(steps),
        "lingua": config.lang,
        "file_configurazione": str(config.path) if config.path else None,
        "configurazione": {name: _plain(s) for name, s in config.sections.items()},
        "file_utente": {k: str(v) for k, v in sorted(config.layers.items())},
        "strati": layer_records(catalog),
        "aree": {g.id: {"tipo": g.kind, "nome": g.name, "comuni": list(g.codes)} for g in groups},
    }


def run_json(info: dict[str, Any]) -> str:
    """``run.json`` text: indented, keys in a stable order."""
    return json.dumps(info, indent=1, ensure_ascii=False) + "\n"
