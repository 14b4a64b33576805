"""Which comuni make the territory of a run: the CMM, a province, a region, Italy or a list.

:func:`select_territory` is pure: it reads the ISTAT attributes of the Italy boundaries layer
(``pro_com_t``, ``comune``, ``cod_reg``, ``cod_prov``, ``cod_uts``) and of its
supra-municipal units (``cod_uts``, ``den_uts``, ``sigla``) and returns the codes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from territorio.codes import KEY, normalise_istat_code
from territorio.codes import fold_name as _fold
from territorio.errors import SaidError

CMM_UTS = 215
"""ISTAT code of the Città metropolitana di Milano as a supra-municipal unit."""

#: ISTAT region codes (Codici statistici delle unità amministrative territoriali)
REGIONS = {
    1: "Piemonte",
    2: "Valle d'Aosta",
    3: "Lombardia",
    4: "Trentino-Alto Adige",
    5: "Veneto",
    6: "Friuli-Venezia Giulia",
    7: "Liguria",
    8: "Emilia-Romagna",
    9: "Toscana",
    10: "Umbria",
    11: "Marche",
    12: "Lazio",
    13: "Abruzzo",
    14: "Molise",
    15: "Campania",
    16: "Puglia",
    17: "Basilicata",
    18: "Calabria",
    19: "Sicilia",
    20: "Sardegna",
}
ITALY_WORDS = ("italia", "italy")
CMM_WORDS = ("", "cmm", "cm milano", "citta metropolitana di milano")


@dataclass(frozen=True)
class Selection:
    """The comuni of a territory and how it was named.

    Attributes
    ----------
    codes
        ``pro_com_t``, sorted.
    name
        Display name (``Provincia di Lodi``, ``Regione Lombardia``, ``Italia``…).
    kind
        ``cmm``, ``uts`` (province, metropolitan city, free consortium), ``regione``,
        ``italia`` or ``elenco`` (a list of comuni).
    spec
        The text it was selected with.
    """

    codes: tuple[str, ...]
    name: str
    kind: str
    spec: str = ""

    @property
    def is_cmm(self) -> bool:
        """Whether this is the default territory, the Città metropolitana di Milano."""
        return self.kind == "cmm"


def select_territory(spec: str, comuni: pd.DataFrame, units: pd.DataFrame) -> Selection:
    """The comuni named by ``spec``.

    Parameters
    ----------
    spec
        ``""`` or ``cmm`` (the default, the Città metropolitana di Milano); a province or
        metropolitan city by ISTAT code (``098`` or ``215``), abbreviation (``LO``) or name
        (``Lodi``, ``Monza e della Brianza``); a region by name (``Lombardia``) or as
        ``regione:3``; ``italia``; or a comma-separated list of ISTAT comune codes.
    comuni
        ISTAT attributes of every comune (``pro_com_t``, ``comune``, ``cod_reg``,
        ``cod_prov``, ``cod_uts``).
    units
        The supra-municipal units (``cod_uts``, ``den_uts``, ``sigla``).

    Raises
    ------
    SaidError
        If nothing matches (with the closest names) or a listed code is not an Italian comune.

    Examples
    --------
    >>> comuni = pd.DataFrame(
    ...     {
    ...         "pro_com_t": ["015146", "098001", "108001"],
    ...         "comune": ["Milano", "Abbadia Cerreto", "Agrate Brianza"],
    ...         "cod_reg": [3, 3, 3],
    ...         "cod_prov": [15, 98, 108],
    ...         "cod_uts": [215, 98, 108],
    ...     }
    ... )
    >>> units = pd.DataFrame(
    ...     {
    ...         "cod_uts": [215, 98, 108],
    ...         "den_uts": ["Milano", "Lodi", "Monza e della Brianza"],
    ...         "sigla": ["MI", "LO", "MB"],
    ...     }
    ... )
    >>> select_territory("Lodi", comuni, units)
    Selection(codes=('098001',), name='Provincia di Lodi', kind='uts', spec='Lodi')
    >>> select_territory("lombardia", comuni, units).codes
    ('015146', '098001', '108001')
    >>> select_territory("", comuni, units).kind, select_territory("MB", comuni, units).name
    ('cmm', 'Provincia di Monza e della Brianza')
    """
    text = (spec or "").strip()
    folded = _fold(text)
    table = comuni.assign(**{KEY: comuni[KEY].astype(str)})

    def pick(mask, name: str, kind: str) -> Selection:
        return Selection(tuple(sorted(table.loc[mask, KEY])), name, kind, text)

    if folded in CMM_WORDS:
        return pick(table["cod_uts"] == CMM_UTS, "Città metropolitana di Milano", "cmm")
    if folded in ITALY_WORDS:
        return pick(table[KEY].notna(), "Italia", "italia")
    region = re.fullmatch(r"regione\s*:?\s*(\d{1,2})", text.lower())
    if region:
        return _region(int(region.group(1)), table, pick, text)
    for code, name in REGIONS.items():
        if folded in (_fold(name), _fold(f"regione {name}")):
            return _region(code, table, pick, text)
    if "," in text or re.fullmatch(r"\d{5,6}", text):
        return _listed(text, table)
    unit = _unit(text, folded, units)
    if unit is not None:
        code, name, kind = unit
        if code == CMM_UTS:
            return pick(table["cod_uts"] == CMM_UTS, "Città metropolitana di Milano", "cmm")
        return pick(table["cod_uts"] == code, f"{kind} di {name}", "uts")
    names = [*REGIONS.values(), *units["den_uts"].astype(str)]
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    hint_it = f" Forse: {', '.join(close)}?" if close else ""
    raise SaidError(
        f"territory {text!r}: no province, metropolitan city or region of that code or name; "
        f"expected e.g. 'cmm', '098', 'LO', 'Lodi', 'Lombardia', 'regione:3', 'italia' or a "
        f"list of ISTAT codes '015146,015002'.{hint}",
        f"territorio {text!r}: nessuna provincia, città metropolitana o regione con questo "
        f"codice o nome; atteso ad esempio 'cmm', '098', 'LO', 'Lodi', 'Lombardia', "
        f"'regione:3', 'italia' o un elenco di codici ISTAT '015146,015002'.{hint_it}",
    )


def _region(code: int, table: pd.DataFrame, pick, text: str) -> Selection:
    if code not in REGIONS:
        raise SaidError(
            f"territory {text!r}: ISTAT region codes run from 1 to 20",
            f"territorio {text!r}: i codici ISTAT delle regioni vanno da 1 a 20",
        )
    return pick(table["cod_reg"] == code, f"Regione {REGIONS[code]}", "regione")


def _listed(text: str, table: pd.DataFrame) -> Selection:
    codes, bad = [], []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        try:
            codes.append(normalise_istat_code(item))
        except ValueError:
            bad.append(item)
    unknown = sorted(set(codes) - set(table[KEY]))
    if bad or unknown:
        shown = ", ".join([*bad, *unknown][:10])
        raise SaidError(
            f"territory: {shown}: not ISTAT codes of Italian comuni (2023 boundaries)",
            f"territorio: {shown}: non sono codici ISTAT di comuni italiani (confini 2023)",
        )
    name = f"{len(set(codes))} comuni"
    return Selection(tuple(sorted(set(codes))), name, "elenco", text)


def _unit(text: str, folded: str, units: pd.DataFrame) -> tuple[int, str, str] | None:
    kinds = {"Citta metropolitana": "Città metropolitana", "Provincia": "Provincia"}
    for _, row in units.iterrows():
        code = int(row["cod_uts"])
        kind = kinds.get(str(row.get("tipo_uts", "Provincia")), "Provincia")
        names = {_fold(str(row["den_uts"])), *(_fold(p) for p in str(row["den_uts"]).split("/"))}
        by_code = text.isdigit() and int(text) in (code, int(row.get("cod_prov", code)))
        if by_code or folded in names or text.upper() == str(row.get("sigla", "")).upper():
            return code, str(row["den_uts"]), kind
    return None
