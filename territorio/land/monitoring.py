"""Land-consumption monitoring indicators per comune (pure functions over tables).

The input is a stock series — consumed soil in hectares per comune and year — from the ISPRA
table or from rasters (:mod:`territorio.land.zonal`); both give the same columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from territorio.codes import KEY
from territorio.indicators import Ratio, ratio_over

BASELINE_YEAR = 2015
"""Reference year of the 'change since' indicators (ISPRA monitoring periods 2006-2015, 2015-)."""
FIRST_YEAR = 2006


def stock_wide(stock: pd.DataFrame) -> pd.DataFrame:
    """Consumed hectares with one column per year, indexed by ``pro_com_t``.

    Parameters
    ----------
    stock
        Long table with ``pro_com_t``, ``year``, ``consumed_ha``.
    """
    wide = stock.pivot_table(index=KEY, columns="year", values="consumed_ha", aggfunc="sum")
    wide.columns = [int(c) for c in wide.columns]
    return wide.sort_index()


def monitoring_indicators(
    stock: pd.DataFrame,
    area_ha: pd.Series,
    population: pd.DataFrame,
    *,
    latest: int | None = None,
    baseline: int = BASELINE_YEAR,
    first: int = FIRST_YEAR,
) -> pd.DataFrame:
    """Key monitoring indicators per comune for the indicator table.

    Parameters
    ----------
    stock
        ``pro_com_t``, ``year``, ``consumed_ha``.
    area_ha
        Denominator of the percentages, hectares per ``pro_com_t``.
    population
        ``popolazione_<year>`` columns indexed by ``pro_com_t``.
    latest, baseline, first
        The latest year (default: last of the series), the reference year of the changes,
        the first year of the series.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``pro_com_t``: ``superficie_riferimento_ha``,
        ``suolo_consumato_<first|baseline|latest>_ha``, ``suolo_consumato_<latest>_pct``,
        ``suolo_consumato_<latest>_m2_ab``, ``consumo_netto_<first>_<baseline>_ha``,
        ``consumo_netto_<baseline>_<latest>_ha``, the mean yearly net consumption of both
        periods, ``variazione_dal_<baseline>_pct``.

    Examples
    --------
    >>> import territorio as tt
    >>> stock, wide, flows = tt.datasets.ispra_frames()
    >>> territory = tt.datasets.synthetic_territory()
    >>> area = wide.set_index("pro_com_t")["superficie_ha_derived"]
    >>> population = territory.comuni.set_index("pro_com_t").filter(like="popolazione_")
    >>> table = tt.land_monitoring(stock, area, population, latest=2024, baseline=2015, first=2006)
    >>> table.loc[
    ...     "015001",
    ...     ["suolo_consumato_2024_ha", "suolo_consumato_2024_pct", "consumo_netto_2015_2024_ha"],
    ... ].tolist()
    [19.0, 47.5, 4.5]
    >>> round(float(table.loc["015001", "suolo_consumato_2024_m2_ab"]), 1)  # 19 ha / 110 residents
    1727.3
    """
    wide = stock_wide(stock)
    latest = int(max(wide.columns)) if latest is None else latest
    out = pd.DataFrame(index=wide.index)
    out["superficie_riferimento_ha"] = area_ha.reindex(wide.index)
    for year in sorted({first, baseline, latest}):
        out[f"suolo_consumato_{year}_ha"] = wide[year]
    out[f"suolo_consumato_{latest}_pct"] = 100.0 * wide[latest] / out["superficie_riferimento_ha"]
    pop_column = f"popolazione_{latest}"
    if pop_column in population.columns:
        residents = population[pop_column].reindex(wide.index).astype(float)
        out[f"suolo_consumato_{latest}_m2_ab"] = 10_000.0 * wide[latest] / residents
    early = wide[baseline] - wide[first]
    recent = wide[latest] - wide[baseline]
    out[f"consumo_netto_{first}_{baseline}_ha"] = early
    out[f"consumo_netto_{baseline}_{latest}_ha"] = recent
    out[f"consumo_netto_medio_annuo_{first}_{baseline}_ha"] = early / (baseline - first)
    out[f"consumo_netto_medio_annuo_{baseline}_{latest}_ha"] = recent / (latest - baseline)
    out[f"variazione_dal_{baseline}_pct"] = 100.0 * recent / wide[baseline]
    return out


def stock_series(stock: pd.DataFrame, area_ha: pd.Series, population: pd.DataFrame) -> pd.DataFrame:
    """Long series per comune and year: hectares, percentage, m² per resident where known.

    Returns
    -------
    pandas.DataFrame
        ``pro_com_t``, ``anno``, ``suolo_consumato_ha``, ``suolo_consumato_pct``,
        ``suolo_consumato_m2_ab`` (NaN for years without population), plus ``fonte`` when the
        input has a ``source`` column.

    Examples
    --------
    >>> import territorio as tt
    >>> stock, wide, _ = tt.datasets.ispra_frames()
    >>> population = (
    ...     tt.datasets.synthetic_territory()
    ...     .comuni.set_index("pro_com_t")
    ...     .filter(like="popolazione_")
    ... )
    >>> series = tt.land_series(
    ...     stock, wide.set_index("pro_com_t")["superficie_ha_derived"], population
    ... )
    >>> series[series["pro_com_t"] == "015001"].tail(2)[
    ...     ["anno", "suolo_consumato_ha", "suolo_consumato_m2_ab"]
    ... ].round(1).values.tolist()
    [[2023.0, 18.5, 1850.0], [2024.0, 19.0, 1727.3]]
    """
    series = stock[[KEY, "year", "consumed_ha"]].rename(
        columns={"year": "anno", "consumed_ha": "suolo_consumato_ha"}
    )
    series["suolo_consumato_pct"] = (
        100.0 * series["suolo_consumato_ha"] / series[KEY].map(area_ha).astype(float)
    )
    long_pop = (
        population.filter(like="popolazione_")
        .rename(columns=lambda c: int(c.rsplit("_", 1)[1]))
        .stack()
        .rename("residenti")
    )
    residents = pd.Series(
        long_pop.reindex(list(zip(series[KEY], series["anno"], strict=True))).to_numpy(),
        index=series.index,
        dtype=float,
    )
    series["suolo_consumato_m2_ab"] = 10_000.0 * series["suolo_consumato_ha"] / residents
    if "source" in stock.columns:
        series["fonte"] = stock["source"].to_numpy()
    return series.sort_values([KEY, "anno"]).reset_index(drop=True)


def group_series(
    series: pd.DataFrame, area_ha: pd.Series, population: pd.DataFrame, groups: Sequence
) -> pd.DataFrame:
    """Aggregate the long series over groups (ratio of sums for % and m²/ab).

    Parameters
    ----------
    series
        Output of :func:`stock_series`.
    area_ha, population
        As for :func:`stock_series`.
    groups
        :class:`territorio.territory.Group` objects.

    Examples
    --------
    >>> import territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> stock, wide, _ = tt.datasets.ispra_frames()
    >>> area = wide.set_index("pro_com_t")["superficie_ha_derived"]
    >>> population = territory.comuni.set_index("pro_com_t").filter(like="popolazione_")
    >>> series = tt.land_series(stock, area, population)
    >>> groups = tt.land_series_by_group(series, area, population, territory.groups())
    >>> groups[(groups["gruppo"] == "cmm") & (groups["anno"] == 2024)][
    ...     ["suolo_consumato_ha", "suolo_consumato_pct"]
    ... ].values.tolist()
    [[207.0, 9.627906976744185]]
    """
    rows = []
    by_year = series.pivot_table(index=KEY, columns="anno", values="suolo_consumato_ha")
    for group in groups:
        codes = [c for c in group.codes if c in by_year.index]
        for year in by_year.columns:
            pop_column = f"popolazione_{year}"
            part = pd.DataFrame(
                {
                    "ha": by_year.loc[codes, year],
                    "area": area_ha.reindex(codes),
                    "pop": population[pop_column].reindex(codes)
                    if pop_column in population.columns
                    else np.nan,
                }
            )
            # group ratios only over members where numerator and denominator are both known
            consumed = part["ha"].sum(min_count=1)
            share, members, _ = ratio_over(part, Ratio("ha", "area", 100.0))
            per_resident, _, _ = ratio_over(part, Ratio("ha", "pop", 10_000.0))
            rows.append(
                {
                    "gruppo": group.id,
                    "nome": group.name,
                    "anno": int(year),
                    "suolo_consumato_ha": consumed,
                    "suolo_consumato_pct": share,
                    "suolo_consumato_m2_ab": per_resident,
                    "comuni_con_dato": members,
                }
            )
    return pd.DataFrame(rows)


def flows_table(flows: pd.DataFrame) -> pd.DataFrame:
    """Net, gross and restored flows per comune and period, with yearly rates.

    Parameters
    ----------
    flows
        ISPRA flows: ``pro_com_t``, ``period``, ``year_from``, ``year_to``, ``years``,
        ``net_ha``, ``gross_ha``, ``restored_ha``.
    """
    out = flows[[KEY, "period", "year_from", "year_to", "years"]].rename(
        columns={
            "period": "periodo",
            "year_from": "anno_inizio",
            "year_to": "anno_fine",
            "years": "anni",
        }
    )
    for source, name in (("net_ha", "netto"), ("gross_ha", "lordo"), ("restored_ha", "ripristino")):
        out[f"consumo_{name}_ha"] = flows[source].to_numpy()
        out[f"consumo_{name}_ha_anno"] = flows[source].to_numpy() / flows["years"].to_numpy()
    return out.sort_values([KEY, "anno_inizio"]).reset_index(drop=True)


def period_flows(flows: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Gross new consumption and restoration summed over the periods between two years.

    (The net flow of the same span is ``consumo_netto_<start>_<end>_ha`` of
    :func:`monitoring_indicators`.)

    Examples
    --------
    >>> import territorio as tt
    >>> _, _, flows = tt.datasets.ispra_frames()
    >>> tt.land_flows(flows, 2015, 2024).loc["015001"].round(2).to_dict()
    {'consumo_lordo_2015_2024_ha': 5.4, 'ripristino_2015_2024_ha': 0.9}
    """
    inside = flows[(flows["year_from"] >= start) & (flows["year_to"] <= end)]
    sums = inside.groupby(KEY)[["gross_ha", "restored_ha"]].sum()
    return sums.rename(
        columns={
            "gross_ha": f"consumo_lordo_{start}_{end}_ha",
            "restored_ha": f"ripristino_{start}_{end}_ha",
        }
    )
