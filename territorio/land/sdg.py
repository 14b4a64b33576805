"""SDG indicator 11.3.1: ratio of land-consumption rate to population-growth rate.

UN-Habitat metadata (indicator 11.3.1, rev. 2021):

    LCR = ln(Urb_t2 / Urb_t1) / y        PGR = ln(Pop_t2 / Pop_t1) / y
    LCRPGR = LCR / PGR

with ``Urb`` the built-up (here ISPRA consumed-soil stock, ha), ``Pop`` the residents (ISTAT,
1 January) and ``y = t2 − t1`` years. Above 1 the land is consumed faster than the population
grows; negative when population falls while land is consumed (or the reverse); undefined when
population does not change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FORMULA = {
    "it": "SDG 11.3.1 (UN-Habitat): LCRPGR = LCR / PGR, LCR = ln(Urb_t2/Urb_t1)/y, "
    "PGR = ln(Pop_t2/Pop_t1)/y; Urb = suolo consumato ISPRA (ha), Pop = residenti ISTAT al 1/1, "
    "y = anni",
    "en": "SDG 11.3.1 (UN-Habitat): LCRPGR = LCR / PGR, LCR = ln(Urb_t2/Urb_t1)/y, "
    "PGR = ln(Pop_t2/Pop_t1)/y; Urb = ISPRA consumed soil (ha), Pop = ISTAT residents on 1/1, "
    "y = years",
}


def lcrpgr(
    urb_start: np.ndarray,
    urb_end: np.ndarray,
    pop_start: np.ndarray,
    pop_end: np.ndarray,
    years: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Land-consumption rate, population-growth rate (per year) and their ratio.

    Rates are NaN where a stock or a population is missing or not positive; the ratio is NaN
    where the population did not change (PGR = 0).

    Examples
    --------
    >>> lcr, pgr, ratio = lcrpgr(
    ...     np.array([100.0]), np.array([110.0]), np.array([1000.0]), np.array([1050.0]), 5
    ... )
    >>> round(float(lcr[0]), 6), round(float(pgr[0]), 6), round(float(ratio[0]), 4)
    (0.019062, 0.009758, 1.9535)
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        urb_start, urb_end, pop_start, pop_end = (
            np.where(np.asarray(a, dtype=float) > 0, np.asarray(a, dtype=float), np.nan)
            for a in (urb_start, urb_end, pop_start, pop_end)
        )
        lcr = np.log(urb_end / urb_start) / years
        pgr = np.log(pop_end / pop_start) / years
        ratio = np.where(pgr != 0, lcr / pgr, np.nan)
    return lcr, pgr, ratio


def sdg_columns(start: int, end: int) -> tuple[str, str, str]:
    """Names of the LCR (% a year), PGR (% a year) and LCRPGR columns of one period."""
    period = f"{start}_{end}"
    return (
        f"sdg1131_consumo_tasso_{period}_pct_anno",
        f"sdg1131_popolazione_tasso_{period}_pct_anno",
        f"sdg1131_lcrpgr_{period}",
    )


def sdg_11_3_1(stock: pd.DataFrame, population: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """SDG 11.3.1 per comune for one period.

    Parameters
    ----------
    stock
        Consumed soil (ha), one column per year, indexed by ``pro_com_t``.
    population
        ``popolazione_<year>`` columns indexed by ``pro_com_t``.
    start, end
        The two years.

    Returns
    -------
    pandas.DataFrame
        The three columns of :func:`sdg_columns` (rates as % a year).

    Examples
    --------
    >>> stock = pd.DataFrame({2019: [100.0, 50.0], 2024: [110.0, 50.0]}, index=["a", "b"])
    >>> pop = pd.DataFrame(
    ...     {"popolazione_2019": [1000, 800], "popolazione_2024": [1050, 760]}, index=["a", "b"]
    ... )
    >>> sdg_11_3_1(stock, pop, 2019, 2024).round(4).values.tolist()
    [[1.9062, 0.9758, 1.9535], [0.0, -1.0259, -0.0]]
    """
    lcr, pgr, ratio = lcrpgr(
        stock[start].to_numpy(),
        stock[end].to_numpy(),
        population[f"popolazione_{start}"].reindex(stock.index).to_numpy(),
        population[f"popolazione_{end}"].reindex(stock.index).to_numpy(),
        end - start,
    )
    names = sdg_columns(start, end)
    return pd.DataFrame(
        {names[0]: 100.0 * lcr, names[1]: 100.0 * pgr, names[2]: ratio}, index=stock.index
    )


def lcrpgr_from_sums(start: int, end: int):
    """Three functions of a group's summed stocks and residents: LCR %, PGR %, LCRPGR.

    Examples
    --------
    >>> lcr, pgr, ratio = lcrpgr_from_sums(2019, 2024)
    >>> sums = {
    ...     "suolo_consumato_2019_ha": 100.0,
    ...     "suolo_consumato_2024_ha": 110.0,
    ...     "popolazione_2019": 1000.0,
    ...     "popolazione_2024": 1050.0,
    ... }
    >>> round(lcr(sums), 4), round(pgr(sums), 4), round(ratio(sums), 4)
    (1.9062, 0.9758, 1.9535)
    """

    def parts(sums: dict[str, float]):
        return lcrpgr(
            np.array([sums[f"suolo_consumato_{start}_ha"]]),
            np.array([sums[f"suolo_consumato_{end}_ha"]]),
            np.array([sums[f"popolazione_{start}"]]),
            np.array([sums[f"popolazione_{end}"]]),
            end - start,
        )

    return (
        lambda sums: 100.0 * float(parts(sums)[0][0]),
        lambda sums: 100.0 * float(parts(sums)[1][0]),
        lambda sums: float(parts(sums)[2][0]),
    )
