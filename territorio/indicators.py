"""The per-comune indicator table, its documented columns and their aggregation over groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    aggregate: str | Ratio = "none"

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
        self.frame = self.frame.join(values[names], how="left")
        for column in columns:
            self.columns[column.name] = column

    def to_frame(self) -> pd.DataFrame:
        """The table with ``pro_com_t`` as first column."""
        return self.frame.reset_index()

    def aggregate(self, groups: Sequence[Group]) -> pd.DataFrame:
        """Aggregate every aggregatable column over each group.

        Returns
        -------
        pandas.DataFrame
            One row per group: ``gruppo``, ``tipo``, ``nome``, ``comuni`` (members with data),
            ``comuni_fuori_cmm`` (members without CMM indicators), then the columns.
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
                    den = part[rule.denominator].sum(min_count=1)
                    num = part[rule.numerator].sum(min_count=1)
                    row[name] = rule.factor * num / den if den else np.nan
            rows.append(row)
        return pd.DataFrame(rows)
