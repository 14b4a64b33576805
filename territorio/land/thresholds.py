"""PTM / LR 31/2014 check of the reduction of transformation areas (ambiti di trasformazione).

The PTM of the Città metropolitana di Milano asks each comune to reduce the transformation
areas of its PGT, against the PGT in force on 2 December 2014, by 25 %-30 % where the use is
mainly residential (the exact value per comune is a parameter) and by at least 20 % for other
functions. The ambiti are not public: the user supplies them in the CSV template below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from territorio.codes import KEY, check_known, normalise_code_series
from territorio.errors import (
    InvalidValueError,
    MissingColumnError,
    Said,
    TerritorioError,
    italian,
)
from territorio.plausibility import check_hectares

FUNCTIONS = ("residenziale", "altro")
TEMPLATE_COLUMNS = ("pro_com_t", "funzione", "superficie_2014_ha", "superficie_vigente_ha")
TEMPLATE_FILE = Path(__file__).with_name("ambiti_trasformazione_TEMPLATE.csv")

RESIDENTIAL_DEFAULT_PCT = 25.0
RESIDENTIAL_MAX_PCT = 30.0
OTHER_DEFAULT_PCT = 20.0


@dataclass(frozen=True)
class Thresholds:
    """Required reductions in percent.

    Attributes
    ----------
    residential_pct
        Default for residential ambiti (PTM: between 25 % and 30 %).
    residential_max_pct
        Upper bound of the residential range.
    residential_by_comune
        Value per ``pro_com_t`` where the PTM sets one; each within the range.
    other_pct
        Other functions (PTM: at least 20 %).

    Examples
    --------
    >>> import pandas as pd
    >>> rule = Thresholds(residential_by_comune={"015146": 30.0})
    >>> rule.required(
    ...     pd.Series(["015146", "015001", "015001"]),
    ...     pd.Series(["residenziale", "residenziale", "altro"]),
    ... ).tolist()
    [30.0, 25.0, 20.0]
    """

    residential_pct: float = RESIDENTIAL_DEFAULT_PCT
    residential_max_pct: float = RESIDENTIAL_MAX_PCT
    residential_by_comune: Mapping[str, float] = field(default_factory=dict)
    other_pct: float = OTHER_DEFAULT_PCT

    def validate(self) -> None:
        """Check that every residential value lies in [default, max] and all are in 0-100.

        Raises
        ------
        ValueError
            Naming the config key at fault.
        """
        low, high = self.residential_pct, self.residential_max_pct
        if not 0 <= low <= high <= 100:
            raise ValueError(
                f"soglia_residenziale_pct {low} and soglia_residenziale_max_pct {high} must "
                "satisfy 0 ≤ default ≤ max ≤ 100"
            )
        if not 0 <= self.other_pct <= 100:
            raise ValueError(f"soglia_altro_pct {self.other_pct} must be within 0-100")
        for code, value in self.residential_by_comune.items():
            if not low <= value <= high:
                raise ValueError(
                    f"soglie_residenziali_comuni: {code} = {value} % is outside the PTM range "
                    f"{low}-{high} %"
                )

    def required(self, codes: pd.Series, functions: pd.Series) -> np.ndarray:
        """Required reduction in percent for each (comune, function) row."""
        residential = codes.map(lambda c: self.residential_by_comune.get(c, self.residential_pct))
        return np.where(functions == "residenziale", residential.astype(float), self.other_pct)


def validate_ambiti(
    frame: pd.DataFrame,
    known_codes: Iterable[str],
    *,
    source: str = "ambiti",
    area_ha: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Validate an ambiti table: codes, function names, plausible areas, no repeats.

    Areas must be finite, ≥ 0 and, with ``area_ha`` (the comuni's surfaces), no larger than
    the comune.
    """
    missing = [c for c in TEMPLATE_COLUMNS if c not in frame.columns]
    if missing:
        raise MissingColumnError(source, missing, list(frame.columns))
    out = frame[list(TEMPLATE_COLUMNS)].copy()
    out[KEY] = normalise_code_series(frame["pro_com_t"], source=source, column="pro_com_t")
    check_known(out[KEY], known_codes, source=source, column="pro_com_t", universe="the CMM comuni")
    functions = frame["funzione"].astype(str).str.strip().str.lower()
    for row, value in enumerate(functions, start=1):
        if value not in FUNCTIONS:
            raise InvalidValueError(
                source,
                row,
                "funzione",
                frame["funzione"].iloc[row - 1],
                Said("residenziale or altro", "residenziale o altro"),
            )
    out["funzione"] = functions.to_numpy()
    limits = [
        float(area_ha.get(code, np.inf)) if area_ha is not None else np.inf for code in out[KEY]
    ]
    for column in ("superficie_2014_ha", "superficie_vigente_ha"):
        values = pd.to_numeric(frame[column], errors="coerce")
        for row, (raw, value) in enumerate(zip(frame[column], values, strict=True), start=1):
            if pd.isna(value):
                expected = Said("a number of hectares ≥ 0", "un numero di ettari ≥ 0")
                raise InvalidValueError(source, row, column, raw, expected)
            why = check_hectares(float(value), limits[row - 1])
            if why:
                expected = Said(
                    f"a number of hectares ≥ 0 within the comune ({why})",
                    f"un numero di ettari ≥ 0 entro il comune ({italian(why)})",
                )
                raise InvalidValueError(source, row, column, raw, expected)
        out[column] = values.astype(float).to_numpy()
    repeated = out.duplicated([KEY, "funzione"], keep=False)
    if repeated.any():
        rows = [int(i) + 1 for i in np.flatnonzero(repeated.to_numpy())]
        raise TerritorioError(
            f"{source}: rows {rows} repeat the same comune and funzione; give one row per "
            "comune and function (sum the ambiti)"
        )
    return out.reset_index(drop=True)


def check_thresholds(ambiti: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """Achieved vs required reduction per comune and function.

    Parameters
    ----------
    ambiti
        Validated table (:func:`validate_ambiti`).
    thresholds
        Required reductions.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``riduzione_ha``, ``riduzione_pct`` (negative for an increase),
        ``soglia_pct``, ``superficie_massima_ha`` (the largest area that meets the threshold),
        ``esito`` (``rispettata`` / ``non rispettata`` / ``nessun ambito``), ``incremento``
        (current area above the 2014 baseline) and ``deficit_ha`` (hectares still to cut).

    Examples
    --------
    >>> import pandas as pd, territorio as tt
    >>> ambiti = pd.DataFrame(
    ...     {
    ...         "pro_com_t": ["015001", "015002"],
    ...         "funzione": ["residenziale", "altro"],
    ...         "superficie_2014_ha": [10.0, 4.0],
    ...         "superficie_vigente_ha": [7.0, 3.5],
    ...     }
    ... )
    >>> checked = tt.check_ptm_thresholds(ambiti, tt.Thresholds())
    >>> checked[["pro_com_t", "riduzione_pct", "soglia_pct", "esito"]].values.tolist()
    [['015001', 30.0, 25.0, 'rispettata'], ['015002', 12.5, 20.0, 'non rispettata']]
    >>> checked["deficit_ha"].round(2).tolist()  # hectares still to cut
    [0.0, 0.3]
    """
    out = ambiti.copy()
    base = out["superficie_2014_ha"].to_numpy()
    current = out["superficie_vigente_ha"].to_numpy()
    required = thresholds.required(out[KEY], out["funzione"])
    out["riduzione_ha"] = base - current
    with np.errstate(divide="ignore", invalid="ignore"):
        out["riduzione_pct"] = np.where(base > 0, 100.0 * (base - current) / base, np.nan)
    out["soglia_pct"] = required
    allowed = base * (1.0 - required / 100.0)
    out["superficie_massima_ha"] = allowed
    # a tolerance of 1 m² keeps rounding in the user's file from failing a compliant comune
    meets = current <= allowed + 1e-4
    out["esito"] = np.where(
        (base == 0) & (current == 0),
        "nessun ambito",
        np.where(meets, "rispettata", "non rispettata"),
    )
    out["incremento"] = current > base
    out["deficit_ha"] = np.where(meets, 0.0, current - allowed)
    return out


def comune_summary(checked: pd.DataFrame) -> pd.DataFrame:
    """One row per comune: outcome and shortfall per function, for the indicator table."""
    wide = {}
    for function in FUNCTIONS:
        part = checked[checked["funzione"] == function].set_index(KEY)
        wide[f"ptm_riduzione_{function}_pct"] = part["riduzione_pct"]
        wide[f"ptm_esito_{function}"] = part["esito"]
        wide[f"ptm_deficit_{function}_ha"] = part["deficit_ha"]
    return pd.DataFrame(wide)
