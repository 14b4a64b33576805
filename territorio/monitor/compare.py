"""The difference of two runs: every common column per comune and area, and the inputs.

What appeared or disappeared, and which inputs changed (by the sha256 each run recorded in
``run.json``).

Pure functions over the two runs' tables and records; ``territorio compare`` reads and writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from territorio.codes import KEY

#: Relative tolerance under which two figures are the same (tables keep 10 digits).
RTOL = 1e-9
DIFF_COLUMNS = [
    "chiave", "nome", "colonna", "valore_a", "valore_b", "differenza", "differenza_pct", "testo_a",
    "testo_b",
]  # fmt: skip
COLUMN_SUMMARY = ["tabella", "colonna", "stato", "righe_cambiate", "differenza_max_assoluta"]
INPUT_COLUMNS = ["tipo", "voce", "valore_a", "valore_b"]


@dataclass
class Comparison:
    """What changed from run A to run B.

    Attributes
    ----------
    comuni, areas
        One row per changed cell (:data:`DIFF_COLUMNS`): key, name, column, both values, the
        difference B − A and its share of ``|A|`` in % (numbers), or both texts.
    columns
        Per table and column: ``cambiata``, ``nuova`` (only in B), ``rimossa`` (only in A),
        with the rows changed and the largest absolute difference.
    rows
        Comuni or areas present in one run only: ``tabella``, ``chiave``, ``stato``.
    inputs
        Layers whose sha256 differs, appeared or disappeared, the toolkit version and every
        config value that differs (:data:`INPUT_COLUMNS`).
    """

    comuni: pd.DataFrame
    areas: pd.DataFrame
    columns: pd.DataFrame
    rows: pd.DataFrame
    inputs: pd.DataFrame


def diff_table(
    a: pd.DataFrame, b: pd.DataFrame, key: str, name: str
) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """Changed cells of two tables keyed by ``key`` (common rows, common columns).

    Returns the changed cells, the per-column summary and the rows in one table only.

    Examples
    --------
    >>> import pandas as pd
    >>> from territorio.monitor.compare import diff_table
    >>> a = pd.DataFrame({"k": ["1", "2"], "n": ["A", "B"], "x": [10.0, 5.0], "y": [1, 1]})
    >>> b = pd.DataFrame({"k": ["1", "2"], "n": ["A", "B"], "x": [10.0, 6.0], "y": [1, 1]})
    >>> cells, columns, rows = diff_table(a, b, "k", "n")
    >>> cells[["chiave", "colonna", "differenza", "differenza_pct"]].values.tolist()
    [['2', 'x', 1.0, 20.0]]
    """
    a, b = a.set_index(key, drop=False), b.set_index(key, drop=False)
    common = a.index.intersection(b.index)
    rows = [{"chiave": k, "stato": "solo_in_a"} for k in a.index.difference(b.index)]
    rows += [{"chiave": k, "stato": "solo_in_b"} for k in b.index.difference(a.index)]
    names = (b[name] if name in b.columns else b[key]).loc[common]
    skip = {key, name}
    summary = [_column(c, "rimossa") for c in a.columns if c not in skip and c not in b.columns]
    parts = []
    for column in b.columns:
        if column in skip:
            continue
        if column not in a.columns:
            summary.append(_column(column, "nuova"))
            continue
        left, right = a.loc[common, column], b.loc[common, column]
        numeric = pd.api.types.is_numeric_dtype(left) and pd.api.types.is_numeric_dtype(right)
        if numeric and not pd.api.types.is_bool_dtype(left):
            x, y = left.astype(float).to_numpy(), right.astype(float).to_numpy()
            same = (np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=RTOL, atol=0.0)
            changed = ~same
            delta = y - x
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(x != 0, 100.0 * delta / np.abs(x), np.nan)
            frame = pd.DataFrame(
                {"valore_a": x, "valore_b": y, "differenza": delta, "differenza_pct": share}
            ).assign(testo_a="", testo_b="")
            known = delta[changed][~np.isnan(delta[changed])]
            biggest = float(np.abs(known).max()) if known.size else np.nan
        else:
            x, y = left.astype("string").fillna(""), right.astype("string").fillna("")
            changed = (x != y).to_numpy()
            frame = pd.DataFrame({"testo_a": x.to_numpy(), "testo_b": y.to_numpy()}).assign(
                valore_a=np.nan, valore_b=np.nan, differenza=np.nan, differenza_pct=np.nan
            )
            biggest = np.nan
        if changed.any():
            frame = frame.assign(chiave=common, nome=names.to_numpy(), colonna=column)
            parts.append(frame[changed])
            summary.append(_column(column, "cambiata", int(changed.sum()), biggest))
    cells = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DIFF_COLUMNS)
    cells = cells[DIFF_COLUMNS]
    for column in ("valore_a", "valore_b", "differenza", "differenza_pct"):
        cells[column] = cells[column].astype(float)
    return cells, summary, rows


def _column(column: str, state: str, rows: float = np.nan, biggest: float = np.nan) -> dict:
    """One row of the per-column summary."""
    return {
        "colonna": column,
        "stato": state,
        "righe_cambiate": rows,
        "differenza_max_assoluta": biggest,
    }


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: repr(value) if not isinstance(value, str) else value}


def input_changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> pd.DataFrame:
    """Layers changed (sha256), appeared or disappeared; version and config values that differ.

    Examples
    --------
    >>> from territorio.monitor.compare import input_changes
    >>> a = {
    ...     "territorio_versione": "1",
    ...     "strati": [{"id": "x", "sha256": "aa"}],
    ...     "configurazione": {"s": {"k": 1}},
    ... }
    >>> b = {
    ...     "territorio_versione": "1",
    ...     "strati": [{"id": "x", "sha256": "bb"}],
    ...     "configurazione": {"s": {"k": 2}},
    ... }
    >>> input_changes(a, b)[["tipo", "voce"]].values.tolist()
    [['strato cambiato', 'x'], ['configurazione', 's.k']]
    """
    rows = []
    layers_a = {r["id"]: r for r in a.get("strati", [])}
    layers_b = {r["id"]: r for r in b.get("strati", [])}
    for layer in sorted(set(layers_a) | set(layers_b)):
        ra, rb = layers_a.get(layer), layers_b.get(layer)
        if ra is None:
            rows.append(
                {
                    "tipo": "strato nuovo",
                    "voce": layer,
                    "valore_a": "",
                    "valore_b": rb.get("sha256", ""),
                }
            )
        elif rb is None:
            rows.append(
                {
                    "tipo": "strato rimosso",
                    "voce": layer,
                    "valore_a": ra.get("sha256", ""),
                    "valore_b": "",
                }
            )
        elif ra.get("sha256") != rb.get("sha256"):
            rows.append(
                {
                    "tipo": "strato cambiato",
                    "voce": layer,
                    "valore_a": ra.get("sha256", ""),
                    "valore_b": rb.get("sha256", ""),
                }
            )
    files_a, files_b = a.get("file_utente", {}), b.get("file_utente", {})
    for layer in sorted(set(files_a) | set(files_b)):
        if files_a.get(layer) != files_b.get(layer):
            rows.append(
                {
                    "tipo": "file dell'utente",
                    "voce": layer,
                    "valore_a": files_a.get(layer, ""),
                    "valore_b": files_b.get(layer, ""),
                }
            )
    if a.get("territorio_versione") != b.get("territorio_versione"):
        rows.append(
            {
                "tipo": "versione",
                "voce": "territorio",
                "valore_a": a.get("territorio_versione", ""),
                "valore_b": b.get("territorio_versione", ""),
            }
        )
    conf_a, conf_b = _flatten(a.get("configurazione", {})), _flatten(b.get("configurazione", {}))
    for key in sorted(set(conf_a) | set(conf_b)):
        if conf_a.get(key) != conf_b.get(key):
            rows.append(
                {
                    "tipo": "configurazione",
                    "voce": key,
                    "valore_a": conf_a.get(key, ""),
                    "valore_b": conf_b.get(key, ""),
                }
            )
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def compare_runs(
    comuni_a: pd.DataFrame,
    comuni_b: pd.DataFrame,
    areas_a: pd.DataFrame,
    areas_b: pd.DataFrame,
    info_a: Mapping[str, Any],
    info_b: Mapping[str, Any],
) -> Comparison:
    """Compare run A with run B (tables as read back, records from ``run.json``)."""
    comuni, col_c, rows_c = diff_table(comuni_a, comuni_b, KEY, "comune")
    areas, col_a, rows_a = diff_table(areas_a, areas_b, "gruppo", "nome")
    columns = pd.DataFrame(
        [{"tabella": "comuni", **r} for r in col_c] + [{"tabella": "aree", **r} for r in col_a],
        columns=COLUMN_SUMMARY,
    )
    rows = pd.DataFrame(
        [{"tabella": "comuni", **r} for r in rows_c] + [{"tabella": "aree", **r} for r in rows_a],
        columns=["tabella", "chiave", "stato"],
    )
    return Comparison(comuni, areas, columns, rows, input_changes(info_a, info_b))
