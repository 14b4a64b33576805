"""Fixed broadband per comune: AGCOM Broadband Map, Infratel BUL plan, CMM fibre agreements."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from territorio.codes import KEY, check_known
from territorio.errors import InvalidValueError

FAMILIES = "Famiglie Residenti (calcolato)"
FAMILIES_FTTH = "Famiglie raggiunte FTTH (calcolato)"
POINTS = "Punti geograficamente distinti (passo 5m)"
POINTS_FTTH = "Punti Geograficamente Distinti (passo 5m) FTTH"
CELLS = "Celle 20m x 20m raggiunte"
CELLS_FTTH = "Celle 20m x 20m raggiunte FTTH"
CELLS_FTTC = "Celle 20m x 20m raggiunte FTTC"
NO_BUL = "nessun intervento BUL"
LINK_STATES = ("connesso", "in_corso", "non_avviato")

PRIORITY_RULE = {
    "it": "Priorità fibra: comuni ordinati per famiglie residenti non raggiunte da FTTH (AGCOM, "
    "ultima data), dal numero più alto; esclusi i comuni con accordo fibra CMM firmato quando "
    "il registro degli accordi è fornito.",
    "en": "Fibre priority: comuni ranked by resident families not reached by FTTH (AGCOM, latest "
    "date), largest first; comuni with a signed CMM fibre agreement are left out when the "
    "agreements register is supplied.",
}


def agcom_indicators(agcom: pd.DataFrame) -> pd.DataFrame:
    """FTTH reach per comune at the latest date and its change since the first date.

    AGCOM leaves "families reached by FTTH" blank where a comune has no FTTH point; those
    blanks are read as 0. Other blanks stay missing.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``pro_com_t``: ``famiglie_residenti``, ``famiglie_ftth``,
        ``ftth_famiglie_pct``, ``ftth_famiglie_<first>_pct``, ``ftth_famiglie_var_pp``,
        ``ftth_punti_pct`` (FTTH points among points reached by any fixed network),
        ``rete_fissa_celle_20m``, ``ftth_celle_pct``, ``fttc_celle_pct`` and ``ftth_dato``:
        ``AGCOM`` where the FTTH families are published, ``dedotto`` where a blank was read as
        0 because the comune has no FTTH point.

    Examples
    --------
    >>> import territorio as tt
    >>> agcom = tt.datasets.agcom_frame().assign(pro_com_t=lambda f: f["com_istat_code"])
    >>> table = tt.fibre_reach(agcom)
    >>> table.loc[
    ...     ["015001", "015009"], ["famiglie_residenti", "famiglie_ftth", "ftth_famiglie_pct"]
    ... ].values.tolist()
    [[20.0, 1.0, 5.0], [10000.0, 8500.0, 85.0]]
    """
    frame = agcom.copy()
    no_ftth = frame[FAMILIES_FTTH].isna() & (frame["Punti dichiarati FTTH"] == 0)
    frame.loc[no_ftth, FAMILIES_FTTH] = 0.0
    dates = sorted(frame["data_riferimento"].unique())
    first, latest = dates[0], dates[-1]
    by_date = {d: frame[frame["data_riferimento"] == d].set_index(KEY) for d in dates}
    now, before = by_date[latest], by_date[first]
    out = pd.DataFrame(index=now.index.sort_values())
    out["famiglie_residenti"] = now[FAMILIES]
    out["famiglie_ftth"] = now[FAMILIES_FTTH]
    out["ftth_famiglie_pct"] = 100.0 * now[FAMILIES_FTTH] / now[FAMILIES]
    tag = str(first).replace("-", "")
    out[f"ftth_famiglie_{tag}_pct"] = 100.0 * before[FAMILIES_FTTH] / before[FAMILIES]
    out["ftth_famiglie_var_pp"] = out["ftth_famiglie_pct"] - out[f"ftth_famiglie_{tag}_pct"]
    out["ftth_punti_pct"] = 100.0 * now[POINTS_FTTH] / now[POINTS]
    out["rete_fissa_celle_20m"] = now[CELLS]
    out["ftth_celle_pct"] = 100.0 * now[CELLS_FTTH] / now[CELLS]
    out["fttc_celle_pct"] = 100.0 * now[CELLS_FTTC] / now[CELLS]
    inferred = no_ftth[frame["data_riferimento"] == latest]
    inferred.index = frame.loc[inferred.index, KEY]
    out["ftth_dato"] = np.where(inferred.reindex(out.index, fill_value=False), "dedotto", "AGCOM")
    return out


def bul_status(bul: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """Infratel BUL fibre/FWA status per comune (``nessun intervento BUL`` where absent).

    Comuni listed under several old names (merged comuni) join their distinct states.

    Examples
    --------
    >>> import territorio as tt
    >>> bul = tt.datasets.bul_frame().assign(pro_com_t=lambda f: f["com_istat_code"])
    >>> status = tt.bul_status(bul, ["015001", "015002", "015003"])
    >>> status["bul_stato_fibra"].tolist()
    ['terminato', 'in esecuzione', 'nessun intervento BUL']
    """

    def join(values: pd.Series) -> str:
        states = [str(v) for v in dict.fromkeys(values.dropna())]
        return " / ".join(states) if states else NO_BUL

    grouped = bul.groupby(KEY)
    out = pd.DataFrame(
        {
            "bul_stato_fibra": grouped["Stato Fibra"].agg(join),
            "bul_stato_fwa": grouped["Stato FWA"].agg(join),
            "bul_intervento_fibra": grouped["Fibra"].max().astype(bool),
            "bul_intervento_fwa": grouped["FWA"].max().astype(bool),
        }
    )
    out = out.reindex(list(codes))
    out[["bul_stato_fibra", "bul_stato_fwa"]] = out[["bul_stato_fibra", "bul_stato_fwa"]].fillna(
        NO_BUL
    )
    out[["bul_intervento_fibra", "bul_intervento_fwa"]] = (
        out[["bul_intervento_fibra", "bul_intervento_fwa"]].fillna(False).astype(bool)
    )
    out.index.name = KEY
    return out


def validate_agreements(frame: pd.DataFrame, known: Iterable[str], *, source: str) -> pd.DataFrame:
    """Check the CMM fibre-agreements register (template ``cmm_accordi_fibra_comuni``).

    Raises
    ------
    UnknownCodeError, InvalidValueError

    Examples
    --------
    >>> import pandas as pd, territorio as tt
    >>> register = pd.DataFrame(
    ...     {
    ...         "pro_com_t": ["015001"],
    ...         "accordo_fibra": ["sì"],
    ...         "data_accordo": ["2024-03-01"],
    ...         "stato_collegamento": ["connesso"],
    ...         "n_sedi_collegate": [3],
    ...     }
    ... )
    >>> tt.check_fibre_agreements(
    ...     register, ["015001", "015002"], source="accordi.csv"
    ... ).reset_index().values.tolist()
    [['015001', True, '2024-03-01', 'connesso', 3]]
    """
    check_known(
        frame[KEY], known, source=source, column="com_istat_code", universe="the CMM comuni"
    )
    out = pd.DataFrame(index=frame[KEY].to_numpy())
    out.index.name = KEY
    truth = {
        "true": True,
        "vero": True,
        "si": True,
        "sì": True,
        "1": True,
        "yes": True,
        "false": False,
        "falso": False,
        "no": False,
        "0": False,
    }
    signed = []
    for row, value in enumerate(frame["accordo_fibra"], start=1):
        key = str(value).strip().lower()
        if key not in truth:
            raise InvalidValueError(source, row, "accordo_fibra", value, "true or false")
        signed.append(truth[key])
    out["accordo_fibra"] = signed
    dates = pd.to_datetime(frame["data_accordo"], errors="coerce", format="mixed")
    for row, (raw, parsed, ok) in enumerate(
        zip(frame["data_accordo"], dates, signed, strict=True), 1
    ):
        if ok and pd.isna(parsed):
            raise InvalidValueError(source, row, "data_accordo", raw, "a date such as 2021-05-31")
    out["data_accordo"] = dates.dt.date.astype("string").to_numpy()
    states = frame["stato_collegamento"].fillna("").astype(str).str.strip().str.lower()
    for row, value in enumerate(states, start=1):
        if value and value not in LINK_STATES:
            raise InvalidValueError(
                source, row, "stato_collegamento", value, " / ".join(LINK_STATES)
            )
    out["stato_collegamento"] = states.replace("", np.nan).to_numpy()
    sites = pd.to_numeric(frame["n_sedi_collegate"], errors="coerce")
    for row, (raw, value) in enumerate(zip(frame["n_sedi_collegate"], sites, strict=True), 1):
        if not pd.isna(raw) and str(raw).strip() and (pd.isna(value) or value < 0 or value % 1):
            raise InvalidValueError(source, row, "n_sedi_collegate", raw, "a whole number ≥ 0")
    out["n_sedi_collegate"] = sites.astype("Int64").to_numpy()
    return out


def fibre_priority(indicators: pd.DataFrame, agreements: pd.DataFrame | None) -> pd.DataFrame:
    """Rank comuni by resident families not reached by FTTH (rule in :data:`PRIORITY_RULE`).

    Examples
    --------
    >>> import territorio as tt
    >>> agcom = tt.datasets.agcom_frame().assign(pro_com_t=lambda f: f["com_istat_code"])
    >>> ranking = tt.fibre_priority(tt.fibre_reach(agcom), None)
    >>> ranking.head(3).index.tolist(), ranking["priorita_fibra_rango"].head(3).tolist()
    (['015006', '015003', '015009'], [1, 2, 2])
    """
    table = indicators[["famiglie_residenti", "famiglie_ftth", "ftth_famiglie_pct"]].copy()
    table["famiglie_non_ftth"] = table["famiglie_residenti"] - table["famiglie_ftth"]
    eligible = table["famiglie_non_ftth"].notna()
    if agreements is not None:
        signed = agreements["accordo_fibra"].reindex(table.index).fillna(False).astype(bool)
        table["accordo_fibra"] = signed
        eligible &= ~signed
    table["priorita_fibra_rango"] = (
        table["famiglie_non_ftth"]
        .where(eligible)
        .rank(ascending=False, method="min")
        .astype("Int64")
    )
    return table.sort_values(["priorita_fibra_rango", "famiglie_non_ftth"], ascending=[True, False])
