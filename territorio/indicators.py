"""The per-comune indicator table, its documented columns and their aggregation over groups."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from territorio.codes import KEY
from territorio.errors import TerritorioError, UnknownCodeError
from territorio.i18n import pick
from territorio.territory import Group


@dataclass(frozen=True)
class Ratio:
    """Aggregate as ``factor * sum(numerator) / sum(denominator)`` over the group.

    Examples
    --------
    >>> Ratio(
    ...     "famiglie_ftth", "famiglie_residenti", 100.0
    ... )  # 100 · Σ FTTH / Σ families over a group
    Ratio(numerator='famiglie_ftth', denominator='famiglie_residenti', factor=100.0)
    """

    numerator: str
    denominator: str
    factor: float = 1.0


@dataclass(frozen=True)
class Formula:
    """Aggregate by summing ``inputs`` over the members where all are known, then ``compute``.

    For figures that are not one ratio of sums (e.g. SDG 11.3.1 from stocks and residents of
    two years). ``text`` describes it in the data dictionary.

    Examples
    --------
    >>> growth = Formula(("pop_2019", "pop_2024"), lambda s: s["pop_2024"] / s["pop_2019"] - 1)
    >>> growth.inputs
    ('pop_2019', 'pop_2024')
    """

    inputs: tuple[str, ...]
    compute: Callable[[dict[str, float]], float]
    text: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    """Documentation of one indicator column.

    Attributes
    ----------
    name
        Column name in ``indicatori_comuni.csv``.
    unit
        Unit (``km²``, ``ab.``, ``%``, ``ha``), empty for labels and flags.
    description
        Text per language (``it``, ``en``).
    sources
        Layer ids the values derive from.
    aggregate
        How the value is aggregated over a group: ``"sum"``, ``"none"`` (not aggregated),
        ``"count_true"`` (number of members where true), or a :class:`Ratio`.

    Examples
    --------
    >>> column = Column(
    ...     "farmacie",
    ...     "n.",
    ...     {"it": "Farmacie nel comune", "en": "Pharmacies"},
    ...     ("farmacie",),
    ...     "sum",
    ... )
    >>> column.text("en"), column.text("fr")  # Italian when a language is missing
    ('Pharmacies', 'Farmacie nel comune')
    """

    name: str
    unit: str
    description: dict[str, str]
    sources: tuple[str, ...] = ()
    aggregate: str | Ratio | Formula = "none"

    def text(self, lang: str) -> str:
        """Description in ``lang`` (Italian fallback)."""
        return pick(self.description, lang)


class IndicatorTable:
    """One row per comune keyed by ``pro_com_t``; every column documented.

    Parameters
    ----------
    codes
        The ISTAT codes of the comuni, in output order.

    Examples
    --------
    >>> import pandas as pd
    >>> table = IndicatorTable(["015001", "015002"])
    >>> table.add(
    ...     pd.DataFrame(
    ...         {"farmacie": [2, 1], "popolazione": [1000, 9000]}, index=["015001", "015002"]
    ...     ),
    ...     [
    ...         Column("farmacie", "n.", {"it": "Farmacie"}, (), "sum"),
    ...         Column("popolazione", "ab.", {"it": "Residenti"}, (), "sum"),
    ...     ],
    ... )
    >>> table.add(
    ...     pd.DataFrame({"farmacie_10k": [20.0, 1.111]}, index=["015001", "015002"]),
    ...     [
    ...         Column(
    ...             "farmacie_10k",
    ...             "per 10 000",
    ...             {"it": "Farmacie ogni 10 000"},
    ...             (),
    ...             Ratio("farmacie", "popolazione", 1e4),
    ...         )
    ...     ],
    ... )
    >>> from territorio.territory import Group
    >>> table.aggregate([Group("all", "cmm", "Tutti", ("015001", "015002"))])[
    ...     ["farmacie", "farmacie_10k"]
    ... ].values.tolist()
    [[3.0, 3.0]]
    """

    def __init__(self, codes: Sequence[str]) -> None:
        self.frame = pd.DataFrame(index=pd.Index(list(codes), name=KEY))
        self.columns: dict[str, Column] = {}
        #: the theme (step) that added each column: the sheets of the XLSX table
        self.theme_of: dict[str, str] = {}

    def add(self, values: pd.DataFrame, columns: Sequence[Column], *, source: str = "step") -> None:
        """Add documented columns.

        Parameters
        ----------
        values
            Indexed by ``pro_com_t`` (or with a ``pro_com_t`` column); comuni absent get NaN.
        columns
            One :class:`Column` per column of ``values``, in output order.
        source
            Who adds them, for error messages.

        Raises
        ------
        TerritorioError
            If a column is undocumented, documented but absent, or already present.
        UnknownCodeError
            If ``values`` holds codes that are not comuni of the table.
        """
        if KEY in values.columns:
            values = values.set_index(KEY)
        names = [c.name for c in columns]
        undocumented = sorted(set(values.columns) - set(names))
        absent = [n for n in names if n not in values.columns]
        clash = [n for n in names if n in self.columns]
        if undocumented or absent or clash:
            raise TerritorioError(
                f"{source}: columns undocumented {undocumented}, documented but absent "
                f"{absent}, already in the table {clash}"
            )
        if values.index.has_duplicates:
            raise TerritorioError(f"{source}: more than one row for a comune")
        extra = values.index.difference(self.frame.index)
        if len(extra):
            raise UnknownCodeError(
                source, KEY, {str(c): 0 for c in extra[:8]}, "the comuni of the table"
            )
        self.frame = self.frame.join(values[names], how="left").copy()  # one block per dtype
        for column in columns:
            self.columns[column.name] = column
            self.theme_of[column.name] = source.split(" ", 1)[0]

    def to_frame(self) -> pd.DataFrame:
        """The table with ``pro_com_t`` as first column."""
        return self.frame.reset_index()

    def aggregate(self, groups: Sequence[Group]) -> pd.DataFrame:
        """Aggregate every aggregatable column over each group.

        A sum adds the members with a value (NaN when none has one). A :class:`Ratio` is
        ``factor · Σ numerator / Σ denominator`` over the members where **both** are known, so
        an unknown numerator is left out rather than counted as 0; next to it,
        ``<column>_comuni`` counts those members and ``<column>_copertura_pct`` is the share
        of the group's known denominator they hold.

        Returns
        -------
        pandas.DataFrame
            One row per group: ``gruppo``, ``tipo``, ``nome``, ``comuni`` (members in the
            CMM), ``comuni_fuori_cmm`` (members without CMM indicators), then the columns.

        Examples
        --------
        >>> table = IndicatorTable(["015001", "015002"])
        >>> values = pd.DataFrame(
        ...     {"fam": [100.0, 100.0], "ftth": [50.0, None]}, index=["015001", "015002"]
        ... )
        >>> table.add(
        ...     values,
        ...     [Column("fam", "n.", {}, (), "sum"), Column("ftth", "n.", {}, (), "sum")],
        ... )
        >>> table.add(
        ...     pd.DataFrame({"ftth_pct": [50.0, None]}, index=["015001", "015002"]),
        ...     [Column("ftth_pct", "%", {}, (), Ratio("ftth", "fam", 100.0))],
        ... )
        >>> row = table.aggregate([Group("all", "cmm", "Tutti", ("015001", "015002"))]).iloc[0]
        >>> [float(row[c]) for c in ("ftth_pct", "ftth_pct_comuni", "ftth_pct_copertura_pct")]
        [50.0, 1.0, 50.0]
        """
        rows = []
        for group in groups:
            part = self.frame.loc[list(group.codes)]
            row: dict[str, object] = {
                "gruppo": group.id,
                "tipo": group.kind,
                "nome": group.name,
                "comuni": len(group.codes),
                "comuni_fuori_cmm": len(group.outside),
            }
            for name, column in self.columns.items():
                rule = column.aggregate
                if rule == "sum":
                    row[name] = part[name].sum(min_count=1)
                elif rule == "count_true":
                    row[name] = int(part[name].fillna(False).astype(bool).sum())
                elif isinstance(rule, Ratio):
                    value, members, share = ratio_over(part, rule)
                    row[name] = value
                    row[f"{name}_comuni"] = members
                    row[f"{name}_copertura_pct"] = share
                elif isinstance(rule, Formula):
                    row[name], row[f"{name}_comuni"] = formula_over(part, rule)
            rows.append(row)
        return pd.DataFrame(rows)

    def coverage(self, groups: Sequence[Group]) -> pd.DataFrame:
        """How much of each group every aggregated figure rests on (long table).

        Returns
        -------
        pandas.DataFrame
            ``gruppo``, ``nome``, ``colonna``, ``aggregazione``, ``comuni`` (members),
            ``comuni_con_dato`` (members the figure uses), ``copertura_denominatore_pct``
            (ratios: share of the known denominator they hold).
        """
        rows = []
        for group in groups:
            part = self.frame.loc[list(group.codes)]
            for name, column in self.columns.items():
                rule = column.aggregate
                if rule in ("none", "count_true"):
                    continue
                if isinstance(rule, Ratio):
                    _, members, share = ratio_over(part, rule)
                    kind = f"{rule.numerator} / {rule.denominator}"
                elif isinstance(rule, Formula):
                    _, members = formula_over(part, rule)
                    share, kind = np.nan, "formula"
                else:
                    members, share, kind = int(part[name].notna().sum()), np.nan, "sum"
                rows.append(
                    {
                        "gruppo": group.id,
                        "nome": group.name,
                        "colonna": name,
                        "aggregazione": kind,
                        "comuni": len(group.codes),
                        "comuni_con_dato": members,
                        "copertura_denominatore_pct": share,
                    }
                )
        return pd.DataFrame(rows)


def ratio_over(part: pd.DataFrame, rule: Ratio) -> tuple[float, int, float]:
    """``factor · Σ num / Σ den`` over rows where both are known; their count and den share.

    Examples
    --------
    >>> part = pd.DataFrame({"n": [50.0, None, 1.0], "d": [100.0, 100.0, 1000.0]})
    >>> ratio_over(part, Ratio("n", "d", 100.0))  # (50 + 1) / (100 + 1000); 1100 of 1200
    (4.636363636363637, 2, 91.66666666666667)
    """
    num = pd.to_numeric(part[rule.numerator], errors="coerce")
    den = pd.to_numeric(part[rule.denominator], errors="coerce")
    both = num.notna() & den.notna()
    den_known = float(den[den.notna()].sum())
    den_used = float(den[both].sum())
    value = rule.factor * float(num[both].sum()) / den_used if both.any() and den_used else np.nan
    share = 100.0 * den_used / den_known if den_known else np.nan
    return value, int(both.sum()), share


def formula_over(part: pd.DataFrame, rule: Formula) -> tuple[float, int]:
    """``rule.compute`` of the input sums over rows where every input is known; their count.

    Examples
    --------
    >>> part = pd.DataFrame({"a": [1.0, 2.0, None], "b": [10.0, 20.0, 30.0]})
    >>> formula_over(part, Formula(("a", "b"), lambda s: s["a"] / s["b"]))
    (0.1, 2)
    """
    if any(name not in part.columns for name in rule.inputs):
        return np.nan, 0
    values = part[list(rule.inputs)].apply(pd.to_numeric, errors="coerce")
    known = values.notna().all(axis=1)
    if not known.any():
        return np.nan, 0
    sums = {name: float(values.loc[known, name].sum()) for name in rule.inputs}
    return float(rule.compute(sums)), int(known.sum())
