"""What a siting plan tells a person: its tables (led by their SCENARIO label) and its summary.

Shared by the ``digitale`` step and ``territorio digital siting``, so both write the same
files and say the same thing.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from territorio.classes import fmt_number
from territorio.digital.optimal import OPTIMAL, STATUS_WORDS
from territorio.digital.planning import SitingPlan

#: Table name endings per plan (``<prefix>_<ending>.csv``).
TABLES = (
    "siti_scelti",
    "siti_scelti_greedy",
    "confronto",
    "curva",
    "obiettivi",
    "budget",
    "copertura_doppia_comuni",
    "siti_guasto",
)


def _led(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    frame = pd.DataFrame(frame).copy()
    if "geometry" in frame.columns:
        frame = frame.drop(columns="geometry")
    frame.insert(0, "scenario", label)
    return frame.reset_index(drop=True)


def plan_tables(
    plan: SitingPlan, label: str, comuni: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The plan's tables by name ending, each led by a ``scenario`` column with ``label``.

    Parameters
    ----------
    plan
        From :func:`territorio.plan_sites`.
    label
        The SCENARIO label (e.g. ``SCENARIO — 55 siti su sedi scolastiche CMM``).
    comuni
        ``pro_com_t`` and ``comune``, to name the comuni of the per-comune table.
    """
    backup = plan.backup.reset_index()
    if comuni is not None:
        names = comuni.set_index("pro_com_t")["comune"]
        backup.insert(1, "comune", names.reindex(backup["pro_com_t"]).to_numpy())
    tables = {
        "siti_scelti": plan.chosen,
        "siti_scelti_greedy": plan.chosen_greedy,
        "confronto": plan.summary,
        "curva": plan.curve,
        "obiettivi": plan.targets,
        "copertura_doppia_comuni": backup,
        "siti_guasto": plan.losses,
    }
    if plan.budget is not None:
        tables["budget"] = plan.budget
    return {name: _led(frame, label) for name, frame in tables.items()}


def plan_layers(
    plan: SitingPlan, candidates: gpd.GeoDataFrame, label: str
) -> dict[str, gpd.GeoDataFrame]:
    """The plan's point layers for the GeoPackage; the chosen ones carry the SCENARIO label."""

    def led(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        frame = frame.copy()
        frame.insert(0, "scenario", label)
        return frame

    return {
        "candidati": candidates,
        "siti_scelti": led(plan.chosen),
        "siti_scelti_greedy": led(plan.chosen_greedy),
        "siti_guasto": led(plan.losses),
    }


def plan_summary(plan: SitingPlan, lang: str) -> str:
    """A few sentences on the plan: greedy against optimal, targets, budget, resilience.

    Examples
    --------
    >>> import geopandas as gpd, territorio as tt
    >>> territory = tt.datasets.synthetic_territory()
    >>> grid = tt.uniform_population_grid(territory.comuni, territory.population(), 100.0)
    >>> centres = territory.comuni.geometry.centroid
    >>> candidates = gpd.GeoDataFrame(
    ...     {"candidato": territory.comuni["comune"], "nome": territory.comuni["comune"]},
    ...     geometry=centres,
    ... )
    >>> plan = tt.plan_sites(grid, candidates, territory.codes, 2, 600.0, targets_pct=[99.0])
    >>> print(plan_summary(plan, "en"))  # doctest: +NORMALIZE_WHITESPACE
    2 new sites: optimal (MCLP, optimal) 159,940 residents (77.1 %); greedy 159,940 (77.1 %),
    0 from the optimum. 99.0 %: out of reach (all 9 candidates reach 96.0 %). One site failing
    leaves at most 101,640 residents without service (Iota).
    """
    n = lambda value, unit="ab.": fmt_number(value, unit, lang)  # noqa: E731
    total = plan.sets.total_residents
    best, greedy = plan.optimal, plan.greedy
    status = STATUS_WORDS[best.status][lang]
    behind = max(best.bound - greedy.covered, 0.0)
    it = lang == "it"
    words = (
        ("nuovi siti", "ottimo", "residenti", "limite superiore", "ab.", "dall'ottimo")
        if it
        else ("new sites", "optimal", "residents", "upper bound", "residents", "from the optimum")
    )
    sites, best_word, people, upper, unit, from_best = words
    gap = "" if best.status == OPTIMAL else f", {upper} {n(best.bound)} {unit}"
    parts = [
        f"{len(best.chosen)} {sites}: {best_word} (MCLP, {status}) "
        f"{n(best.covered)} {people} ({n(100 * best.covered / total, '%')} %){gap}; greedy "
        f"{n(greedy.covered)} ({n(100 * greedy.covered / total, '%')} %), "
        f"{n(behind)} {from_best}."
    ]
    out_of_reach = []
    for _, row in plan.targets.iterrows():
        pct = n(row["obiettivo_pct"], "%")
        if not row["raggiungibile"]:
            out_of_reach.append(f"{pct} %")
            continue
        sites = int(row["siti_minimi"])
        parts.append(
            f"{pct} % dei residenti: almeno {sites} nuovi siti."
            if lang == "it"
            else f"{pct} % of residents: at least {sites} new sites."
        )
    if out_of_reach:
        reach = n(plan.targets["popolazione_raggiungibile_pct"].iloc[0], "%")
        count = plan.sets.n_candidates
        last = " e " if lang == "it" else " and "
        which = last.join(
            [", ".join(out_of_reach[:-1]), out_of_reach[-1]]
            if len(out_of_reach) > 1
            else out_of_reach
        )
        parts.append(
            f"{which}: non raggiungibili (con tutti i {count} candidati si arriva al {reach} %)."
            if lang == "it"
            else f"{which}: out of reach (all {count} candidates reach {reach} %)."
        )
    losses = plan.losses
    if len(losses):
        worst = int(np.argmax(losses["popolazione_solo_questo_sito"].to_numpy()))
        lost = n(losses["popolazione_solo_questo_sito"].iloc[worst])
        # a register row without a name is named by its id ("sito 2")
        word = "sito" if lang == "it" else "site"
        name = str(losses["nome"].iloc[worst] or f"{word} {losses['sito'].iloc[worst]}")
        parts.append(
            f"Un sito guasto lascia senza servizio al massimo {lost} residenti ({name})."
            if lang == "it"
            else f"One site failing leaves at most {lost} residents without service ({name})."
        )
    if plan.budget is not None and len(plan.budget):
        last = plan.budget.iloc[-1]
        spent = n(last["spesa_eur"], "EUR")
        unit = n(last["costo_per_nuovo_residente_eur"], "EUR")
        parts.append(
            f"Budget: {spent} EUR per {int(last['siti_nuovi'])} siti, {unit} EUR per nuovo "
            "residente coperto."
            if lang == "it"
            else f"Budget: {spent} EUR for {int(last['siti_nuovi'])} sites, {unit} EUR per "
            "newly covered resident."
        )
    return " ".join(parts)
