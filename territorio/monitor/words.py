"""Documentation of the monitoring and comparison tables' columns (data dictionary, XLSX)."""

from __future__ import annotations

from territorio.indicators import Column


def _c(name: str, unit: str, it: str, en: str) -> Column:
    return Column(name, unit, {"it": it, "en": en})


MONITOR_DOCS: dict[str, Column] = {
    c.name: c
    for c in (
        _c("driver", "", "Codice del Driver", "Driver code"),
        _c("driver_nome", "", "Driver del PSTTM", "PSTTM Driver"),
        _c(
            "indicatore",
            "",
            "Codice dell'indicatore nel catalogo",
            "Indicator code in the catalogue",
        ),
        _c("indicatore_nome", "", "Indicatore", "Indicator"),
        _c("gruppo", "", "Codice dell'area", "Area code"),
        _c("tipo_area", "", "Tipo di area: cmm, zona_omogenea, parco_sud, area", "Area type"),
        _c("area", "", "Area", "Area"),
        _c("unita", "", "Unità di misura", "Unit"),
        _c(
            "direzione",
            "",
            "Direzione del miglioramento: aumento, diminuzione, nessuna (contesto)",
            "Direction of good: aumento (rise), diminuzione (fall), nessuna (context)",
        ),
        _c("valore", "", "Valore più recente (unità nella colonna unita)", "Latest value"),
        _c("periodo", "", "Data o periodo del valore", "Date or period of the value"),
        _c("base_valore", "", "Valore di base", "Baseline value"),
        _c("base_periodo", "", "Anno o periodo della base", "Year or period of the baseline"),
        _c("base_fonte", "", "Fonte della base", "Source of the baseline"),
        _c("variazione_da_base", "", "Valore − base", "Value − baseline"),
        _c(
            "obiettivo_valore",
            "",
            "Obiettivo quantificato (vuoto: non quantificato dal Piano)",
            "Quantified target (empty: not quantified by the plan)",
        ),
        _c("obiettivo_anno", "", "Anno dell'obiettivo", "Target year"),
        _c("obiettivo_fonte", "", "Fonte dell'obiettivo", "Source of the target"),
        _c(
            "distanza_obiettivo",
            "",
            "Distanza dall'obiettivo nella direzione del miglioramento: > 0 ancora da fare, "
            "≤ 0 raggiunto (il superamento)",
            "Distance to the target in the direction of good: > 0 still to go, ≤ 0 reached "
            "(the surplus)",
        ),
        _c("obiettivo_raggiunto", "", "Obiettivo raggiunto", "Target reached"),
        _c("comuni_con_dato", "n.", "Comuni dell'area con il dato", "Comuni of the area with data"),
        _c(
            "copertura_pct",
            "%",
            "Quota del denominatore coperta dai comuni con il dato",
            "Share of the denominator held by the comuni with data",
        ),
        _c("serie", "", "Serie disponibile (periodo: valore)", "Series available (period: value)"),
        _c("fonte", "", "Fonte dei dati", "Data source"),
        _c("nota", "", "Nota", "Note"),
    )
}
RANKING_DOCS: dict[str, Column] = {
    **{k: MONITOR_DOCS[k] for k in ("driver", "indicatore", "indicatore_nome")},
    "valore": _c("valore", "", "Valore del comune", "Value of the comune"),
    "posizione": _c(
        "posizione",
        "n.",
        "Posizione in graduatoria (1 = migliore; per gli indicatori di contesto 1 = più alto)",
        "Rank (1 = best; for context indicators 1 = highest)",
    ),
}
COMPARE_DOCS: dict[str, Column] = {
    c.name: c
    for c in (
        _c("chiave", "", "Comune (codice ISTAT) o area", "Comune (ISTAT code) or area"),
        _c("nome", "", "Nome", "Name"),
        _c("colonna", "", "Colonna della tabella", "Column of the table"),
        _c("valore_a", "", "Valore nel run A", "Value in run A"),
        _c("valore_b", "", "Valore nel run B", "Value in run B"),
        _c("differenza", "", "Differenza B − A", "Difference B − A"),
        _c("differenza_pct", "%", "Differenza in % di |A|", "Difference as % of |A|"),
        _c("testo_a", "", "Testo nel run A", "Text in run A"),
        _c("testo_b", "", "Testo nel run B", "Text in run B"),
        _c("tabella", "", "Tabella: comuni o aree", "Table: comuni or areas"),
        _c("stato", "", "cambiata, nuova, rimossa, solo_in_a, solo_in_b", "Status"),
        _c("righe_cambiate", "n.", "Righe cambiate", "Rows changed"),
        _c(
            "differenza_max_assoluta",
            "",
            "Massima differenza assoluta",
            "Largest absolute difference",
        ),
        _c("tipo", "", "Tipo di cambiamento", "Kind of change"),
        _c("voce", "", "Strato o chiave di configurazione", "Layer or config key"),
    )
}
