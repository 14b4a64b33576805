"""Plan monitoring values: per Driver, indicator and area, and the ranking of the comuni.

For each Driver, indicator and area: the latest value, its series, the baseline, the target
and the distance to it; per indicator the comuni ranked.

Pure functions over a run's tables (no file is read here): the step passes them from memory,
``territorio monitor`` from a run's folder.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from territorio.codes import KEY
from territorio.i18n import pick
from territorio.monitor.catalogue import COUNT, DOWN, NEUTRAL, UP, Indicator, MonitorCatalogue

#: Columns of ``monitoraggio.csv``, in order.
MONITOR_COLUMNS = [
    "driver",
    "driver_nome",
    "indicatore",
    "indicatore_nome",
    "gruppo",
    "tipo_area",
    "area",
    "unita",
    "direzione",
    "valore",
    "periodo",
    "base_valore",
    "base_periodo",
    "base_fonte",
    "variazione_da_base",
    "obiettivo_valore",
    "obiettivo_anno",
    "obiettivo_fonte",
    "distanza_obiettivo",
    "obiettivo_raggiunto",
    "comuni_con_dato",
    "copertura_pct",
    "serie",
    "fonte",
    "nota",
]
#: Columns of ``monitoraggio_comuni.csv`` (the ranking of the comuni per indicator).
RANKING_COLUMNS = ["driver", "indicatore", "indicatore_nome", KEY, "comune", "valore", "posizione"]

NOT_QUANTIFIED = {"it": "non quantificato dal Piano", "en": "not quantified by the plan"}


@dataclass(frozen=True)
class SeriesTable:
    """A long series table of a run (e.g. ``suolo/serie``): per area and per comune by year."""

    areas: pd.DataFrame  # gruppo, anno, <value columns>
    comuni: pd.DataFrame  # pro_com_t, anno, <value columns>


@dataclass
class Monitoring:
    """What ``territorio monitor`` computed.

    Attributes
    ----------
    table
        One row per Driver × indicator × area (:data:`MONITOR_COLUMNS`).
    ranking
        The comuni per served indicator, best first where the direction of good is known.
    series
        ``(indicator id, group id)`` → ``[(period, value), …]``, the points with a value.
    served, unserved
        Indicator ids with data; ``{indicator id: reason}`` for the others.
    unserved_drivers
        ``{driver id: reason}`` for the Drivers no indicator of the run can serve.
    """

    catalogue: MonitorCatalogue
    table: pd.DataFrame
    ranking: pd.DataFrame
    series: dict[tuple[str, str], list[tuple[str, float]]] = field(default_factory=dict)
    served: list[str] = field(default_factory=list)
    unserved: dict[str, dict[str, str]] = field(default_factory=dict)
    unserved_drivers: dict[str, dict[str, str]] = field(default_factory=dict)


def target_gap(value: float, target: float, direction: str) -> float:
    """How far ``value`` is from ``target`` in the direction of good: > 0 still to go.

    Negative when the target is passed (the surplus); NaN without a value or a direction.

    Examples
    --------
    >>> from territorio.monitor.values import target_gap
    >>> target_gap(40.0, 50.0, "aumento"), target_gap(60.0, 50.0, "aumento")
    (10.0, -10.0)
    >>> target_gap(12.0, 0.0, "diminuzione"), target_gap(-1.0, 0.0, "diminuzione")
    (12.0, -1.0)
    """
    if value is None or target is None or direction == NEUTRAL:
        return math.nan
    if math.isnan(value) or math.isnan(target):
        return math.nan
    return (target - value) if direction == UP else (value - target)


def monitor(
    catalogue: MonitorCatalogue,
    comuni: pd.DataFrame,
    areas: pd.DataFrame,
    members: Mapping[str, Sequence[str]],
    series_tables: Mapping[str, SeriesTable] | None = None,
    lang: str = "it",
) -> Monitoring:
    """Latest values, series, baselines and targets of every catalogue indicator.

    Parameters
    ----------
    catalogue
        Drivers and indicators.
    comuni
        The run's per-comune table (``indicatori_comuni.csv``), ``pro_com_t`` as text.
    areas
        The run's area aggregates (``indicatori_aree.csv``): ``gruppo``, ``tipo``, ``nome``
        and one column per aggregated indicator.
    members
        ``{gruppo: [pro_com_t, …]}`` (from the run's ``run.json``).
    series_tables
        Long series tables of the run by file stem (``"suolo/serie"``).
    lang
        Language of the names in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from territorio.monitor.catalogue import load_catalogue
    >>> from territorio.monitor.values import monitor
    >>> comuni = pd.DataFrame(
    ...     {"pro_com_t": ["1", "2"], "comune": ["A", "B"], "popolazione_2024": [10, 30]}
    ... )
    >>> areas = pd.DataFrame(
    ...     {"gruppo": ["cmm"], "tipo": ["cmm"], "nome": ["CMM"], "popolazione_2024": [40]}
    ... )
    >>> result = monitor(load_catalogue(), comuni, areas, {"cmm": ["1", "2"]})
    >>> row = result.table.query("indicatore == 'popolazione'").iloc[0]
    >>> float(row["valore"]), row["periodo"], row["area"]
    (40.0, '2024', 'CMM')
    >>> result.ranking.query("indicatore == 'popolazione'")["comune"].tolist()
    ['B', 'A']
    """
    series_tables = series_tables or {}
    comuni = comuni.set_index(KEY, drop=False)
    rows, ranks = [], []
    result = Monitoring(catalogue, pd.DataFrame(), pd.DataFrame())
    for driver in catalogue.drivers:
        indicators = catalogue.of(driver.id)
        for ind in indicators:
            reason = _missing(ind, comuni, areas)
            if reason:
                result.unserved[ind.id] = reason
                rows.append(_unserved_row(driver, ind, areas, reason, lang))
                continue
            result.served.append(ind.id)
            for _, area in areas.iterrows():
                group = area["gruppo"]
                codes = [c for c in members.get(group, []) if c in comuni.index]
                points = _series(ind, group, area, comuni.loc[codes], series_tables)
                result.series[(ind.id, group)] = points
                value, period = _latest(ind, area, comuni.loc[codes], points)
                rows.append(_row(driver, ind, area, value, period, points, codes, comuni, lang))
            ranks.append(_ranking(driver.id, ind, comuni, lang))
        if not any(i.id in result.served for i in indicators):
            result.unserved_drivers[driver.id] = _driver_reason(driver, indicators, result)
            if not indicators:
                rows.append(
                    _unserved_row(driver, None, areas, result.unserved_drivers[driver.id], lang)
                )
    result.table = pd.DataFrame(rows, columns=MONITOR_COLUMNS)
    result.ranking = (
        pd.concat(ranks, ignore_index=True) if ranks else pd.DataFrame(columns=RANKING_COLUMNS)
    )
    return result


def _missing(ind: Indicator, comuni: pd.DataFrame, areas: pd.DataFrame) -> dict[str, str]:
    """Why the run cannot serve ``ind`` (empty when it can)."""
    present = ind.column in comuni.columns or ind.column in areas.columns
    if present and ind.method == COUNT and ind.column not in comuni.columns:
        present = False
    if present and ind.column in comuni.columns and comuni[ind.column].isna().all():
        present = ind.column in areas.columns and areas[ind.column].notna().any()
    if present:
        return {}
    if ind.missing:
        return ind.missing
    return {
        "it": f"la colonna {ind.column} manca dai risultati del run (passo non eseguito o dato "
        "non disponibile)",
        "en": f"the column {ind.column} is missing from the run's results (step not run or data "
        "not available)",
    }


def _driver_reason(driver, indicators: list[Indicator], result: Monitoring) -> dict[str, str]:
    if not indicators:
        return driver.unserved or {
            "it": "nessun indicatore nel catalogo per questo Driver",
            "en": "no indicator in the catalogue for this Driver",
        }
    reasons = [result.unserved[i.id] for i in indicators]
    return {
        lang: "; ".join(
            f"{pick(i.name, lang)}: {pick(r, lang)}"
            for i, r in zip(indicators, reasons, strict=True)
        )
        for lang in ("it", "en")
    }


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def _count(ind: Indicator, part: pd.DataFrame) -> float:
    """Comuni of ``part`` whose value is ``ind.count_value`` (NaN when none has a value)."""
    values = part[ind.column]
    known = values.notna()
    if not known.any():
        return math.nan
    wanted = ind.count_value
    if isinstance(wanted, bool):
        text = values[known].astype(str).str.strip().str.lower()
        hits = text.isin(["true", "1", "sì", "si", "yes", "1.0"]) == wanted
        return float(hits.sum())
    return float((values[known].astype(str) == str(wanted)).sum())


def _series(
    ind: Indicator,
    group: str,
    area: pd.Series,
    part: pd.DataFrame,
    tables: Mapping[str, SeriesTable],
) -> list[tuple[str, float]]:
    points: list[tuple[str, float]] = []
    if ind.series_table is not None:
        stem, column = ind.series_table
        table = tables.get(stem)
        if table is not None and column in table.areas.columns:
            rows = table.areas[table.areas["gruppo"] == group].sort_values("anno")
            points = [
                (str(int(a)), float(v))
                for a, v in zip(rows["anno"], _numeric(rows[column]), strict=True)
            ]
    for point in ind.series:
        value = math.nan
        if point.column in area.index and pd.notna(area[point.column]):
            value = float(area[point.column])
        elif point.weight and point.column in part.columns and point.weight in part.columns:
            values, weights = _numeric(part[point.column]), _numeric(part[point.weight])
            both = values.notna() & weights.notna()
            if weights[both].sum() > 0:
                value = float((values[both] * weights[both]).sum() / weights[both].sum())
        points.append((point.period, value))
    return [(p, v) for p, v in points if not math.isnan(v)]


def _latest(
    ind: Indicator, area: pd.Series, part: pd.DataFrame, points: list[tuple[str, float]]
) -> tuple[float, str]:
    if ind.method == COUNT:
        value = _count(ind, part)
    elif ind.column in area.index and pd.notna(area[ind.column]):
        value = float(area[ind.column])
    else:
        value = math.nan
    period = ind.period
    if points and ind.series_kind == "tempo":
        period = points[-1][0]
    last = ind.series[-1] if ind.series else None
    weighted = last is not None and last.column == ind.column and points
    if math.isnan(value) and weighted and points[-1][0] == last.period:
        value = points[-1][1]  # the area's value of the last point, weighted
    return value, period


def _row(driver, ind, area, value, period, points, codes, comuni, lang) -> dict:
    group = area["gruppo"]
    base_value, base_period, base_source = math.nan, "", ""
    if ind.baseline_from_series and points and ind.series_kind == "tempo":
        base_period, base_value = points[0]
        base_source = ind.source
    elif ind.baseline is not None and group == "cmm":
        base_value, base_period = ind.baseline.value, str(ind.baseline.year)
        base_source = ind.baseline.source
    target_value, target_year, target_source = math.nan, None, pick(NOT_QUANTIFIED, lang)
    if ind.target is not None and ind.direction != NEUTRAL:
        target_source = ind.target.source
        target_year = ind.target.year
        if ind.target.all_comuni:
            target_value = float(comuni.loc[codes, ind.column].notna().sum()) if codes else math.nan
            target_value = target_value if target_value > 0 else math.nan
        elif ind.target.value is not None:
            target_value = ind.target.value
    gap = target_gap(value, target_value, ind.direction)
    reached = None if math.isnan(gap) else bool(gap <= 0)
    shown = points if ind.series_kind == "tempo" else []
    return {
        "driver": driver.id,
        "driver_nome": pick(driver.name, lang),
        "indicatore": ind.id,
        "indicatore_nome": pick(ind.name, lang),
        "gruppo": group,
        "tipo_area": area.get("tipo", ""),
        "area": area.get("nome", group),
        "unita": ind.unit,
        "direzione": ind.direction,
        "valore": value,
        "periodo": period,
        "base_valore": base_value,
        "base_periodo": base_period,
        "base_fonte": base_source,
        "variazione_da_base": value - base_value,
        "obiettivo_valore": target_value,
        "obiettivo_anno": target_year,
        "obiettivo_fonte": target_source,
        "distanza_obiettivo": gap,
        "obiettivo_raggiunto": reached,
        "comuni_con_dato": _from_area(area, f"{ind.column}_comuni"),
        "copertura_pct": _from_area(area, f"{ind.column}_copertura_pct"),
        "serie": "; ".join(f"{p}: {v:.10g}" for p, v in shown),
        "fonte": ind.source,
        "nota": ""
        if not math.isnan(value)
        else pick(
            {
                "it": "nessun comune dell'area ha il dato",
                "en": "no comune of the area has the value",
            },
            lang,
        ),
    }


def _unserved_row(driver, ind: Indicator | None, areas: pd.DataFrame, reason, lang: str) -> dict:
    """The CMM row of an indicator (or a Driver) the run cannot serve: no value, the reason."""
    cmm = areas[areas["gruppo"] == "cmm"]
    row = dict.fromkeys(MONITOR_COLUMNS, math.nan)
    row.update(
        driver=driver.id,
        driver_nome=pick(driver.name, lang),
        indicatore=ind.id if ind else "",
        indicatore_nome=pick(ind.name, lang) if ind else "",
        gruppo="cmm",
        tipo_area="cmm",
        area=cmm["nome"].iloc[0] if len(cmm) else "cmm",
        unita=ind.unit if ind else "",
        direzione=ind.direction if ind else "",
        periodo="",
        base_periodo="",
        base_fonte="",
        obiettivo_anno=None,
        obiettivo_fonte="",
        obiettivo_raggiunto=None,
        serie="",
        fonte=ind.source if ind else "",
        nota=pick(reason, lang),
    )
    if ind is not None and ind.baseline is not None:
        row.update(
            base_valore=ind.baseline.value,
            base_periodo=str(ind.baseline.year),
            base_fonte=ind.baseline.source,
        )
    if ind is not None and ind.target is not None and ind.target.value is not None:
        row.update(
            obiettivo_valore=ind.target.value,
            obiettivo_anno=ind.target.year,
            obiettivo_fonte=ind.target.source,
        )
    elif ind is not None and ind.direction != NEUTRAL:
        row["obiettivo_fonte"] = (
            ind.target.source if ind.target is not None else pick(NOT_QUANTIFIED, lang)
        )
    return row


def _from_area(area: pd.Series, column: str) -> float:
    return float(area[column]) if column in area.index and pd.notna(area[column]) else math.nan


def _ranking(driver: str, ind: Indicator, comuni: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The comuni by value, best first (for ``nessuna``: highest first); counts are not ranked."""
    if ind.method == COUNT or ind.column not in comuni.columns:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    values = _numeric(comuni[ind.column])
    ascending = ind.direction == DOWN
    frame = pd.DataFrame(
        {
            "driver": driver,
            "indicatore": ind.id,
            "indicatore_nome": pick(ind.name, lang),
            KEY: comuni[KEY].to_numpy(),
            "comune": comuni["comune"].to_numpy() if "comune" in comuni else comuni[KEY].to_numpy(),
            "valore": values.to_numpy(),
        }
    )
    frame["posizione"] = frame["valore"].rank(method="min", ascending=ascending).astype("Int64")
    order = np.lexsort((frame[KEY].to_numpy(), frame["posizione"].fillna(10**9).to_numpy()))
    return frame.iloc[order].reset_index(drop=True)
