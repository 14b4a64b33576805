"""What each column of the secondary tables means: the data dictionary beyond the indicators.

The indicator columns are documented by the steps that add them (:class:`Column`); the other
tables a run writes (series, flows, station and facility lists, siting curves, the area
aggregates' coverage columns) are documented here, by column name, with entries particular
to one table where the same name means something else there. :func:`describe` finds the
documentation of any column of any table, or ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from territorio.indicators import Column
from territorio.mapspec import short_label


def _c(name: str, unit: str, it: str, en: str) -> Column:
    return Column(name, unit, {"it": it, "en": en})


#: Columns that mean the same in every table where they appear.
COMMON: dict[str, Column] = {
    c.name: c
    for c in (
        _c("pro_com_t", "", "Codice ISTAT del comune (6 caratteri)", "ISTAT code of the comune"),
        _c("comune", "", "Nome del comune", "Name of the comune"),
        _c(
            "gruppo",
            "",
            "Identificativo del gruppo di comuni (cmm, zona:…, parco_sud, area)",
            "Identifier of the group of comuni (cmm, zona:…, parco_sud, area)",
        ),
        _c(
            "tipo",
            "",
            "Tipo di gruppo: cmm, zona omogenea, parco_sud o area personalizzata",
            "Kind of group: cmm, homogeneous zone, parco_sud or custom area",
        ),
        _c("nome", "", "Nome", "Name"),
        _c("comuni", "n.", "Comuni del gruppo nella CMM", "Member comuni inside the CMM"),
        _c(
            "comuni_fuori_cmm",
            "n.",
            "Comuni del gruppo fuori dalla CMM, esclusi dagli aggregati",
            "Member comuni outside the CMM, left out of the aggregates",
        ),
        _c(
            "colonna",
            "",
            "Colonna di indicatori_comuni.csv aggregata",
            "Aggregated column of indicatori_comuni.csv",
        ),
        _c(
            "aggregazione",
            "",
            "Regola di aggregazione (somma, rapporto di somme, conteggio)",
            "Aggregation rule (sum, ratio of sums, count)",
        ),
        _c("comuni_con_dato", "n.", "Comuni del gruppo con il dato", "Member comuni with a value"),
        _c(
            "copertura_denominatore_pct",
            "%",
            "Quota del denominatore del gruppo detenuta dai comuni con il dato",
            "Share of the group's denominator held by the comuni with a value",
        ),
        _c("anno", "", "Anno", "Year"),
        _c(
            "suolo_consumato_ha",
            "ha",
            "Suolo consumato nell'anno (ISPRA; prima del 2024 ricostruito dai flussi netti)",
            "Consumed soil in the year (ISPRA; before 2024 rebuilt from net flows)",
        ),
        _c(
            "suolo_consumato_pct",
            "%",
            "Suolo consumato sulla superficie di riferimento ISPRA",
            "Consumed soil over ISPRA's reference surface",
        ),
        _c(
            "suolo_consumato_m2_ab",
            "m²/ab.",
            "Suolo consumato per residente (popolazione ISTAT all'1/1 dello stesso anno)",
            "Consumed soil per resident (ISTAT population on 1/1 of the same year)",
        ),
        _c(
            "periodo",
            "",
            "Periodo dei flussi (anno iniziale-anno finale)",
            "Period of the flows (first year-last year)",
        ),
        _c("anno_inizio", "", "Anno iniziale del periodo", "First year of the period"),
        _c("anno_fine", "", "Anno finale del periodo", "Last year of the period"),
        _c("anni", "anni", "Durata del periodo in anni", "Length of the period in years"),
        _c(
            "consumo_netto_ha",
            "ha",
            "Consumo netto nel periodo (nuovo consumo meno ripristini)",
            "Net consumption in the period (new consumption minus restoration)",
        ),
        _c(
            "consumo_netto_ha_anno",
            "ha/anno",
            "Consumo netto medio annuo nel periodo",
            "Mean yearly net consumption in the period",
        ),
        _c(
            "consumo_lordo_ha",
            "ha",
            "Nuovo consumo (lordo) nel periodo",
            "New (gross) consumption in the period",
        ),
        _c(
            "consumo_lordo_ha_anno",
            "ha/anno",
            "Nuovo consumo (lordo) medio annuo",
            "Mean yearly new (gross) consumption",
        ),
        _c(
            "consumo_ripristino_ha",
            "ha",
            "Suolo ripristinato nel periodo",
            "Soil restored in the period",
        ),
        _c(
            "consumo_ripristino_ha_anno",
            "ha/anno",
            "Suolo ripristinato, media annua",
            "Soil restored, yearly mean",
        ),
        _c(
            "famiglie_non_ftth",
            "n.",
            "Famiglie residenti non raggiunte da FTTH (famiglie × quota non raggiunta)",
            "Resident families not reached by FTTH (families × share not reached)",
        ),
        _c("siti", "n.", "Siti 5G in servizio nel comune", "5G sites in service in the comune"),
        _c(
            "area_coperta_ha",
            "ha",
            "Superficie del comune coperta dai siti (unione dei cerchi)",
            "Area of the comune covered by the sites (union of discs)",
        ),
        _c(
            "area_coperta_pct",
            "%",
            "Quota della superficie del comune coperta",
            "Share of the comune's area covered",
        ),
        _c(
            "popolazione_coperta",
            "ab.",
            "Residenti coperti (modello di popolazione)",
            "Residents covered (population model)",
        ),
        _c(
            "popolazione_coperta_pct",
            "%",
            "Quota dei residenti coperti",
            "Share of residents covered",
        ),
        _c(
            "ponderazione_popolazione",
            "",
            "Modello di popolazione usato per i residenti",
            "Population model used for residents",
        ),
        _c("k", "n.", "Numero di nuovi siti scelti", "Number of new sites chosen"),
        _c(
            "scenario",
            "",
            "Etichetta SCENARIO: il piano è un'ipotesi, non dati osservati",
            "SCENARIO label: the plan is a hypothesis, not observed data",
        ),
        _c("siti_nuovi", "n.", "Nuovi siti del piano", "New sites of the plan"),
        _c(
            "limite_superiore",
            "ab.",
            "Limite superiore dei residenti copribili con gli stessi vincoli (uguale alla "
            "copertura quando l'ottimo è provato; al limite di tempo il minore tra il limite del "
            "solutore e quello del greedy: copertura di un suo prefisso più i k guadagni maggiori)",
            "Upper bound of the residents any plan under the same limits can cover (equal to the "
            "coverage when optimality is proven; at the time limit the lower of the solver's bound "
            "and greedy's: a prefix's coverage plus the k largest gains over it)",
        ),
        _c(
            "limite_superiore_pct",
            "%",
            "Limite superiore in quota di tutti i residenti",
            "Upper bound as a share of all residents",
        ),
        _c(
            "stato_solutore",
            "",
            "Esito del solutore (ottimo provato, limite di tempo, greedy, non calcolato)",
            "Solver outcome (ottimo: proven optimal, limite di tempo, greedy, non calcolato)",
        ),
        _c(
            "piano_da",
            "",
            "Chi ha trovato il piano (MILP HiGHS, o greedy se migliore al limite di tempo)",
            "Who found the plan (MILP HiGHS, or greedy when better at the time limit)",
        ),
        _c("secondi", "s", "Tempo di calcolo", "Computing time"),
        _c(
            "distanza_dal_limite",
            "ab.",
            "Residenti tra il limite superiore e la copertura del metodo (per il greedy, "
            "distanza dall'ottimo quando questo è provato)",
            "Residents between the upper bound and the method's coverage (for greedy, its "
            "distance from the optimum when that is proven)",
        ),
        _c(
            "distanza_dal_limite_pct",
            "punti %",
            "Distanza dal limite in punti percentuali di tutti i residenti",
            "Distance from the bound in percentage points of all residents",
        ),
        _c(
            "popolazione_coperta_greedy",
            "ab.",
            "Residenti coperti con k nuovi siti scelti con greedy (siti esistenti inclusi)",
            "Residents covered with k new sites chosen greedily (existing sites included)",
        ),
        _c(
            "popolazione_coperta_greedy_pct",
            "%",
            "Quota di residenti coperti, greedy",
            "Share of residents covered, greedy",
        ),
        _c(
            "popolazione_coperta_ottimo",
            "ab.",
            "Residenti coperti con i k nuovi siti ottimi (MCLP; siti esistenti inclusi)",
            "Residents covered with the optimal k new sites (MCLP; existing sites included)",
        ),
        _c(
            "popolazione_coperta_ottimo_pct",
            "%",
            "Quota di residenti coperti, ottimo",
            "Share of residents covered, optimal",
        ),
        _c(
            "obiettivo_pct",
            "%",
            "Obiettivo: quota di tutti i residenti da coprire",
            "Target: share of all residents to cover",
        ),
        _c(
            "popolazione_obiettivo",
            "ab.",
            "Residenti da coprire per l'obiettivo (siti esistenti inclusi)",
            "Residents to cover for the target (existing sites included)",
        ),
        _c(
            "raggiungibile",
            "",
            "Se l'obiettivo si raggiunge con i candidati disponibili",
            "Whether the target can be reached with the candidates available",
        ),
        _c(
            "siti_minimi",
            "n.",
            "Minimo di nuovi siti che raggiunge l'obiettivo (vuoto se non raggiungibile)",
            "Fewest new sites reaching the target (empty if out of reach)",
        ),
        _c(
            "limite_inferiore_siti",
            "n.",
            "Minimo di siti provato necessario dal solutore (uguale a siti_minimi se ottimo)",
            "Fewest sites the solver proved necessary (equal to siti_minimi when optimal)",
        ),
        _c(
            "popolazione_raggiungibile_pct",
            "%",
            "Quota di residenti coperta costruendo tutti i candidati",
            "Share of residents covered with every candidate built",
        ),
        _c("sito", "", "Identificativo del sito", "Identifier of the site"),
        _c(
            "tipo",
            "",
            "Sito esistente (registro) o nuovo (piano)",
            "Existing site (register) or new (plan)",
        ),
        _c("raggio_m", "m", "Raggio di copertura del sito", "Coverage radius of the site"),
        _c(
            "popolazione_raggio",
            "ab.",
            "Residenti entro il raggio del sito; celle del modello di popolazione",
            "Residents within the site's radius (cells of the population model)",
        ),
        _c(
            "popolazione_solo_questo_sito",
            "ab.",
            "Residenti coperti solo da questo sito: perdono il servizio se il sito si guasta",
            "Residents covered by this site only: they lose service if it fails",
        ),
        _c(
            "costo_eur",
            "EUR",
            "Costo del sito candidato (dal file dei candidati)",
            "Cost of the candidate site (from the candidates file)",
        ),
        _c("budget_eur", "EUR", "Budget disponibile", "Budget available"),
        _c("spesa_eur", "EUR", "Spesa del piano entro il budget", "Cost of the plan within budget"),
        _c(
            "costo_per_nuovo_residente_eur",
            "EUR/ab.",
            "Spesa per residente coperto in più",
            "Cost per newly covered resident",
        ),
        _c(
            "ordine",
            "n.",
            "Ordine di costruzione: ogni sito aggiunge il massimo di nuovi residenti tra quelli "
            "del piano",
            "Building order: each site adds the most new residents among those of the plan",
        ),
        _c("candidato", "", "Identificativo del sito candidato", "Identifier of the candidate"),
        _c(
            "sedi",
            "n.",
            "Sedi scolastiche riunite nel candidato",
            "School sites merged in the candidate",
        ),
        _c("fonte", "", "Fonte", "Source"),
        _c(
            "esistenti_popolazione_almeno_1_sito",
            "ab.",
            "Residenti coperti da almeno un sito, siti esistenti; celle del modello di popolazione",
            "Residents covered by at least one site, existing sites; population-model cells",
        ),
        _c(
            "esistenti_popolazione_almeno_2_siti",
            "ab.",
            "Residenti coperti da almeno due siti, siti esistenti",
            "Residents covered by at least two sites, existing sites",
        ),
        _c(
            "esistenti_popolazione_almeno_2_siti_pct",
            "%",
            "Quota dei residenti del comune coperti da almeno due siti, siti esistenti",
            "Share of the comune's residents covered by at least two sites, existing sites",
        ),
        _c(
            "ottimo_popolazione_almeno_1_sito",
            "ab.",
            "Residenti coperti da almeno un sito, con i nuovi siti ottimi; celle del modello",
            "Residents covered by at least one site, with the optimal new sites; model cells",
        ),
        _c(
            "ottimo_popolazione_almeno_2_siti",
            "ab.",
            "Residenti coperti da almeno due siti, con i nuovi siti ottimi",
            "Residents covered by at least two sites, with the optimal new sites",
        ),
        _c(
            "ottimo_popolazione_almeno_2_siti_pct",
            "%",
            "Quota dei residenti del comune coperti da almeno due siti, con i nuovi siti ottimi",
            "Share of the comune's residents covered by two sites or more, optimal new sites",
        ),
        _c(
            "greedy_popolazione_almeno_1_sito",
            "ab.",
            "Residenti coperti da almeno un sito, con i nuovi siti greedy; celle del modello",
            "Residents covered by at least one site, with the greedy new sites; model cells",
        ),
        _c(
            "greedy_popolazione_almeno_2_siti",
            "ab.",
            "Residenti coperti da almeno due siti, con i nuovi siti greedy",
            "Residents covered by at least two sites, with the greedy new sites",
        ),
        _c(
            "greedy_popolazione_almeno_2_siti_pct",
            "%",
            "Quota dei residenti del comune coperti da almeno due siti, con i nuovi siti greedy",
            "Share of the comune's residents covered by two sites or more, greedy new sites",
        ),
        _c(
            "nuova_popolazione_coperta",
            "ab.",
            "Residenti coperti in più da questo sito",
            "Residents newly covered by this site",
        ),
        _c(
            "popolazione_coperta_cumulata",
            "ab.",
            "Residenti coperti fino a questo sito incluso",
            "Residents covered up to and including this site",
        ),
        _c(
            "nodo_id",
            "",
            "Identificativo del nodo di interscambio",
            "Identifier of the interchange node",
        ),
        _c(
            "modi",
            "",
            "Modi serviti (ferrovia, metro), separati da ;",
            "Modes served (rail, metro), separated by ;",
        ),
        _c("linee", "", "Linee che servono il nodo", "Lines serving the node"),
        _c(
            "voci",
            "n.",
            "Voci dei dati di origine riunite nel nodo (entro 150 m)",
            "Source entries merged into the node (within 150 m)",
        ),
        _c(
            "id_originali",
            "",
            "Identificativi originali delle voci riunite",
            "Original identifiers of the merged entries",
        ),
        _c(
            "freq_punta_ora",
            "corse/h",
            "Frequenza nell'ora di punta (somma delle voci)",
            "Peak-hour frequency (sum of the entries)",
        ),
        _c(
            "classe_lum",
            "",
            "Classe del luogo di interscambio del PTM (1, 2, 3)",
            "PTM interchange class (1, 2, 3)",
        ),
        _c(
            "corse_giorno_ferrovia",
            "corse/giorno",
            "Partenze ferroviarie al giorno (GTFS)",
            "Rail departures per day (GTFS)",
        ),
        _c("linee_ferrovia_gtfs", "", "Linee ferroviarie dal GTFS", "Rail lines from the GTFS"),
        _c(
            "dist_rete_m",
            "m",
            "Distanza dal nodo della rete pedonale più vicino",
            "Distance to the nearest walking-network node",
        ),
        _c(
            "in_rete",
            "",
            "Nodo agganciato alla rete pedonale (entro [access] max_snap_m)",
            "Node snapped to the walking network (within [access] max_snap_m)",
        ),
        _c(
            "dist_nodo_piedi_m",
            "m",
            "Distanza dal nodo della rete pedonale principale usato",
            "Distance to the main walking-network node used",
        ),
        _c(
            "frammento_piedi",
            "",
            "Il nodo più vicino era su un frammento isolato (a piedi)",
            "The nearest node was on a cut-off fragment (walking)",
        ),
        _c(
            "dist_frammento_piedi_m",
            "m",
            "Distanza dal nodo del frammento isolato (a piedi)",
            "Distance to the cut-off fragment node (walking)",
        ),
        _c(
            "dist_nodo_bici_m",
            "m",
            "Distanza dal nodo della rete ciclabile principale usato",
            "Distance to the main cycling-network node used",
        ),
        _c(
            "frammento_bici",
            "",
            "Il nodo più vicino era su un frammento isolato (in bici)",
            "The nearest node was on a cut-off fragment (cycling)",
        ),
        _c(
            "dist_frammento_bici_m",
            "m",
            "Distanza dal nodo del frammento isolato (in bici)",
            "Distance to the cut-off fragment node (cycling)",
        ),
        _c("x", "m", "Coordinata est (EPSG:32632)", "Easting (EPSG:32632)"),
        _c("y", "m", "Coordinata nord (EPSG:32632)", "Northing (EPSG:32632)"),
        _c("lon", "°", "Longitudine (WGS 84)", "Longitude (WGS 84)"),
        _c("lat", "°", "Latitudine (WGS 84)", "Latitude (WGS 84)"),
        _c("geo_in_cmm", "", "Il punto cade nella CMM (sì/no)", "The point lies in the CMM"),
        _c(
            "comune_geo",
            "",
            "Codice ISTAT del comune in cui cade il punto",
            "ISTAT code of the comune where the point lies",
        ),
        _c("fuori_cmm", "", "Punto fuori dalla CMM (sì/no)", "Point outside the CMM (yes/no)"),
        _c(
            "comune_dichiarato",
            "",
            "Codice ISTAT del comune dichiarato dalla fonte",
            "ISTAT code of the comune stated by the source",
        ),
        _c(
            "comune_diverso",
            "",
            "Il punto cade in un comune diverso da quello dichiarato",
            "The point lies in a comune other than the stated one",
        ),
        _c(
            "geo_comune_mismatch",
            "",
            "Comune del punto diverso dal codice ISTAT della fonte",
            "Comune of the point differs from the source's ISTAT code",
        ),
        _c(
            "nodo_nome",
            "",
            "Nodo di interscambio più vicino a piedi",
            "Nearest interchange node on foot",
        ),
        _c("nodo_modi", "", "Modi del nodo più vicino", "Modes of the nearest node"),
        _c("nodo_linee", "", "Linee del nodo più vicino", "Lines of the nearest node"),
        _c(
            "nodo_corse_giorno_ferrovia",
            "corse/giorno",
            "Partenze ferroviarie al giorno del nodo più vicino",
            "Rail departures per day at the nearest node",
        ),
        _c(
            "tempo_piedi_nodo_min",
            "min",
            "Tempo a piedi fino al nodo di interscambio più vicino",
            "Walking time to the nearest interchange node",
        ),
        _c(
            "metodo",
            "",
            "Come è stato calcolato il tempo: rete o stima fuori dall'estratto OSM",
            "How the time was computed: network, or estimate outside the OSM extract",
        ),
        _c("strato", "", "Strato di origine del punto", "Source layer of the point"),
        _c("problema", "", "Che cosa non torna nel punto", "What is wrong with the point"),
        _c("denominazione", "", "Denominazione della struttura", "Name of the facility"),
        _c(
            "funzione",
            "",
            "Funzione degli ambiti: residenziale o altro",
            "Function of the areas: residential or other",
        ),
        _c(
            "superficie_2014_ha",
            "ha",
            "Ambiti di trasformazione del PGT vigente al 2/12/2014",
            "Transformation areas of the PGT in force on 2/12/2014",
        ),
        _c(
            "superficie_vigente_ha",
            "ha",
            "Ambiti di trasformazione del PGT vigente oggi",
            "Transformation areas of the PGT in force today",
        ),
        _c(
            "riduzione_ha",
            "ha",
            "Riduzione ottenuta rispetto al 2014",
            "Reduction achieved against 2014",
        ),
        _c(
            "riduzione_pct",
            "%",
            "Riduzione ottenuta rispetto al 2014 (negativa se aumento)",
            "Reduction achieved against 2014 (negative for an increase)",
        ),
        _c("soglia_pct", "%", "Riduzione richiesta dal PTM", "Reduction required by the PTM"),
        _c(
            "superficie_massima_ha",
            "ha",
            "Superficie massima che rispetta la soglia",
            "Largest area that meets the threshold",
        ),
        _c(
            "esito",
            "",
            "Esito: rispettata, non rispettata, nessun ambito",
            "Outcome: met, not met, no area",
        ),
        _c(
            "incremento",
            "",
            "La superficie vigente supera quella del 2014",
            "The current area exceeds the 2014 one",
        ),
        _c(
            "deficit_ha",
            "ha",
            "Ettari ancora da ridurre per rispettare la soglia",
            "Hectares still to cut to meet the threshold",
        ),
        _c(
            "codice_meccanografico",
            "",
            "Codice meccanografico della sede scolastica (MIM)",
            "School-site code of the Ministry (codice meccanografico)",
        ),
        _c(
            "tipologia",
            "",
            "Tipo di scuola della sede (anagrafe MIM)",
            "Kind of school of the site (Ministry register)",
        ),
        _c("indirizzo", "", "Indirizzo", "Address"),
        _c("civico", "", "Numero civico", "House number"),
        _c("cap", "", "Codice di avviamento postale", "Postcode"),
        _c("localita", "", "Località", "Locality"),
        _c(
            "caratteristica",
            "",
            "Caratteristica della sede: Ordinaria, Succursale o Carceraria",
            "Kind of site: Ordinaria (regular), Succursale (branch) or Carceraria (in a prison)",
        ),
        _c(
            "codice_istituto",
            "",
            "Codice meccanografico dell'istituto di riferimento",
            "Code of the school institute the site belongs to",
        ),
        _c(
            "denominazione_istituto",
            "",
            "Denominazione dell'istituto di riferimento",
            "Name of the school institute",
        ),
        _c(
            "classificazione",
            "",
            "Classificazione della sede: statale o paritaria",
            "Classification of the site: state or private (paritaria)",
        ),
        _c(
            "macrotipologia_istituto",
            "",
            "Macrotipologia dell'istituto (anagrafe MIM)",
            "Macro-type of the institute (Ministry register)",
        ),
        _c(
            "tipologia_istituto",
            "",
            "Tipologia dell'istituto (anagrafe MIM)",
            "Type of the institute (Ministry register)",
        ),
        _c(
            "tipologia_sede",
            "",
            "Tipologia della sede: Liceo, Istituto Tecnico, Istituto Professionale",
            "Type of site: Liceo, Istituto Tecnico, Istituto Professionale",
        ),
        _c(
            "organico_sede",
            "",
            "Valore «organico» della sede come pubblicato dalla fonte (0 dove non indicato)",
            "The site's «organico» value as the source publishes it (0 where not given)",
        ),
        _c(
            "com_istat_code",
            "",
            "Codice ISTAT del comune dichiarato dalla fonte",
            "ISTAT code of the comune stated by the source",
        ),
        _c(
            "secondaria_2_grado",
            "",
            "Sede di scuola secondaria di secondo grado (sì/no)",
            "Upper-secondary school site (yes/no)",
        ),
        _c(
            "ats",
            "",
            "Agenzia di tutela della salute (ATS) della struttura",
            "Health protection agency (ATS) of the facility",
        ),
        _c(
            "codice_struttura",
            "",
            "Codice della struttura sanitaria (Regione Lombardia)",
            "Code of the health facility (Regione Lombardia)",
        ),
        _c(
            "cup",
            "",
            "Codice unico di progetto (CUP) della struttura",
            "Unique project code (CUP) of the facility",
        ),
        _c(
            "tipo_struttura",
            "",
            "Tipo: Casa della Comunità, Ospedale di Comunità, COT",
            "Kind: Community House, Community Hospital, COT",
        ),
    )
}

#: Entries particular to one table (by file name), where a name means something else; a key
#: starting with ``_`` is a file-name ending shared by a family (``scenario_5g_siti_scelti.csv``,
#: ``siting_siti_scelti.csv``).
BY_TABLE: dict[str, dict[str, Column]] = {
    "serie_comuni.csv": {
        "fonte": _c(
            "fonte",
            "",
            "Pubblicato da ISPRA o ricostruito dai flussi netti",
            "Published by ISPRA, or rebuilt from net flows",
        ),
    },
    "serie_aree.csv": {"nome": _c("nome", "", "Nome del gruppo", "Name of the group")},
    "raster_comuni.csv": {
        "consumed_ha": _c(
            "consumed_ha",
            "ha",
            "Suolo consumato contato sul raster dell'anno",
            "Consumed soil counted on the year's raster",
        ),
        "valid_ha": _c(
            "valid_ha",
            "ha",
            "Superficie del comune con dati validi nel raster",
            "Area of the comune with valid raster data",
        ),
        "covered_share": _c(
            "covered_share",
            "quota 0-1",
            "Quota del comune con dati validi (superficie valida / comune)",
            "Share of the comune with valid data (valid area / comune)",
        ),
    },
    "indicatori_aree.csv": {"nome": _c("nome", "", "Nome del gruppo", "Name of the group")},
    "indicatori_aree_copertura.csv": {
        "nome": _c("nome", "", "Nome del gruppo", "Name of the group"),
        "comuni": _c("comuni", "n.", "Comuni del gruppo nella CMM", "Member comuni in the CMM"),
    },
    "nodi_interscambio.csv": {
        "nome": _c("nome", "", "Nome del nodo di interscambio", "Name of the interchange node"),
    },
    "fermate_qualita.csv": {
        c.name: c
        for c in (
            _c(
                "fermata_id",
                "",
                "Identificativo della fermata (fonte:codice)",
                "Stop identifier (source:code)",
            ),
            _c("nome", "", "Nome della fermata o del nodo", "Name of the stop or node"),
            _c(
                "modo",
                "",
                "Modi che servono la fermata (ferrovia, metro, tram, bus)",
                "Modes serving the stop",
            ),
            _c(
                "gruppo",
                "",
                "Gruppo ARE: A nodo ferroviario, B linea ferroviaria o metro, C tram e bus",
                "ARE group: A railway hub, B rail line or metro, C tram and bus",
            ),
            _c("linee", "", "Linee che servono la fermata", "Lines serving the stop"),
            _c(
                "direzioni",
                "n.",
                "Direzioni servite (2: le partenze si dimezzano per l'intervallo)",
                "Directions served (2: departures are halved for the interval)",
            ),
            _c(
                "partenze_giorno",
                "partenze",
                "Partenze nella finestra del giorno (feriale)",
                "Departures in the day window (weekday)",
            ),
            _c(
                "partenze_punta",
                "partenze",
                "Partenze nella finestra di punta",
                "Departures in the peak window",
            ),
            _c(
                "fonte_partenze",
                "",
                "Da dove vengono le partenze: orario GTFS o frequenze di punta 2026",
                "Where the departures come from: GTFS timetable or 2026 peak frequencies",
            ),
            _c(
                "nodo_id",
                "",
                "Nodo di interscambio (vuoto per tram e bus)",
                "Interchange node (empty for tram and bus)",
            ),
            _c("classe_lum", "", "Classe LUM per ruolo (PTM)", "LUM class by role (PTM)"),
            _c(
                "intervallo_giorno_min",
                "min",
                "Intervallo medio per direzione nella finestra del giorno",
                "Mean interval per direction in the day window",
            ),
            _c(
                "intervallo_punta_min",
                "min",
                "Intervallo medio per direzione nella finestra di punta",
                "Mean interval per direction in the peak window",
            ),
            _c(
                "categoria",
                "",
                "Categoria ARE della fermata (1 = I … 7 = VII; 0 = nessuna)",
                "ARE stop category (1 = I … 7 = VII; 0 = none)",
            ),
            _c(
                "categoria_romana",
                "",
                "Categoria ARE della fermata (I–VII)",
                "ARE stop category (I–VII)",
            ),
            _c(
                "categoria_punta",
                "",
                "Categoria ARE nella finestra di punta",
                "ARE category in the peak window",
            ),
            _c(
                "classe_vicino",
                "",
                "Classe di qualità entro la prima fascia di distanza (300 m)",
                "Quality class within the first distance band (300 m)",
            ),
            _c(
                "alta_capacita",
                "sì/no",
                "Fermata di alta capacità per SDG 11.2.1 (treno, metro)",
                "High-capacity stop for SDG 11.2.1 (rail, metro)",
            ),
            _c(
                "servizio_regolare",
                "sì/no",
                "Servizio regolare per SDG 11.2.1 (partenze/ora per direzione nella punta)",
                "Regular service for SDG 11.2.1 (departures/hour per direction in the peak)",
            ),
            _c(
                "classe_lum_orario",
                "",
                "Classe LUM dalla categoria di servizio (solo nodi)",
                "LUM class from the service category (nodes only)",
            ),
            _c(
                "in_rete",
                "sì/no",
                "Fermata entro la distanza di aggancio della rete pedonale",
                "Stop within the snapping distance of the walking network",
            ),
            _c("x", "m", "Coordinata est (EPSG:32632)", "Easting (EPSG:32632)"),
            _c("y", "m", "Coordinata nord (EPSG:32632)", "Northing (EPSG:32632)"),
        )
    },
    "partenze_gtfs.csv": {
        c.name: c
        for c in (
            _c("stop_id", "", "Codice della fermata nel feed GTFS", "Stop code in the GTFS feed"),
            _c(
                "modo",
                "",
                "Modo meglio servito alla fermata (dal route_type)",
                "Best-served mode at the stop (from route_type)",
            ),
            _c(
                "linee",
                "",
                "Linee (route_short_name) con partenze quel giorno",
                "Lines (route_short_name) departing that day",
            ),
            _c(
                "direzioni",
                "n.",
                "Valori distinti di direction_id (0 = non informativo)",
                "Distinct direction_id values (0 = not informative)",
            ),
            _c(
                "partenze_giorno",
                "partenze",
                "Partenze nella finestra del giorno",
                "Departures in the day window",
            ),
            _c(
                "partenze_punta",
                "partenze",
                "Partenze nella finestra di punta",
                "Departures in the peak window",
            ),
            _c("feed", "", "Feed GTFS", "GTFS feed"),
            _c(
                "uso",
                "",
                "Uso nel calcolo: nodi ferroviari, classi o solo verifica",
                "Use: rail nodes, classes or check only",
            ),
            _c("giorno", "", "Giorno di servizio (AAAA-MM-GG)", "Service day (YYYY-MM-DD)"),
        )
    },
    "fca_sintesi.csv": {
        c.name: c
        for c in (
            _c(
                "offerta",
                "",
                "Servizio offerto (scuole_sec2, farmacie, ospedali, strutture_comunita)",
                "Supply (scuole_sec2, farmacie, ospedali, strutture_comunita)",
            ),
            _c(
                "metodo",
                "",
                "Metodo: e2sfca (Luo e Qi 2009) o bfca (bilanciato)",
                "Method: e2sfca (Luo & Qi 2009) or bfca (balanced)",
            ),
            _c("unita", "", "Unità del rapporto", "Unit of the ratio"),
            _c(
                "modo",
                "",
                "Modo del tempo di viaggio (walk a piedi, bike in bici)",
                "Travel mode (walk, bike)",
            ),
            _c("zone_min", "min", "Limiti delle zone di tempo", "Limits of the time zones"),
            _c(
                "media_cmm",
                "",
                "Media CMM pesata per residenti (offerta raggiunta / domanda)",
                "CMM mean weighted by residents (supply reached / demand)",
            ),
            _c(
                "gini_comuni",
                "0-1",
                "Indice di Gini tra i comuni, pesato per residenti",
                "Gini index across comuni, weighted by residents",
            ),
            _c("sedi", "n.", "Sedi dell'offerta usate", "Supply sites used"),
            _c(
                "offerta_totale",
                "",
                "Offerta totale (allievi o sedi)",
                "Total supply (pupils or sites)",
            ),
            _c(
                "offerta_raggiunta",
                "",
                "Offerta delle sedi che raggiungono almeno un residente",
                "Supply of the sites reaching at least one resident",
            ),
            _c(
                "residenti_raggiunti_pct",
                "%",
                "Quota della domanda che raggiunge almeno una sede",
                "Share of demand reaching at least one site",
            ),
            _c(
                "comuni_sotto_soglia",
                "n.",
                "Comuni sotto la soglia (quota della media CMM)",
                "Comuni below the threshold (share of the CMM mean)",
            ),
            _c("nota", "", "Avvertenze sull'offerta", "Caveats on the supply"),
        )
    },
    "fca_comuni_sotto_soglia.csv": {
        c.name: c
        for c in (
            _c("offerta", "", "Servizio offerto", "Supply"),
            _c(
                "valore",
                "",
                "Rapporto FCA bilanciato del comune",
                "Balanced FCA ratio of the comune",
            ),
            _c("media_cmm", "", "Media CMM del rapporto", "CMM mean of the ratio"),
            _c(
                "quota_media_pct",
                "%",
                "Valore del comune in percentuale della media CMM",
                "The comune's value as a percentage of the CMM mean",
            ),
        )
    },
    "punti_segnalati.csv": {
        "nome": _c("nome", "", "Nome del punto segnalato", "Name of the flagged point"),
    },
    **{
        family: {
            "nome": _c("nome", "", "Nome del sito candidato", "Name of the candidate site"),
            "fonte": _c(
                "fonte",
                "",
                "Da dove viene il candidato (strato o file)",
                "Where the candidate comes from (layer or file)",
            ),
        }
        for family in ("_siti_scelti.csv", "_siti_scelti_greedy.csv")
    },
    "_confronto.csv": {
        "metodo": _c(
            "metodo",
            "",
            "Metodo di scelta: siti esistenti, greedy, ottimo (MCLP)",
            "Method: existing sites, greedy, optimal (MCLP)",
        ),
    },
    "_siti_guasto.csv": {
        "nome": _c("nome", "", "Nome del sito", "Name of the site"),
    },
}

#: Columns the aggregates derive from an indicator: ``<indicator>_comuni`` and
#: ``<indicator>_copertura_pct``.
_DERIVED = (
    (
        re.compile(r"^(?P<base>.+)_comuni$"),
        "n.",
        "Comuni con il dato per: {label}",
        "Comuni with a value for: {label}",
    ),
    (
        re.compile(r"^(?P<base>.+)_copertura_pct$"),
        "%",
        "Quota del denominatore coperta per: {label}",
        "Share of the denominator covered for: {label}",
    ),
)


def describe(
    table: str,
    column: str,
    indicators: Mapping[str, Column],
    passthrough: str = "",
) -> Column | None:
    """The documentation of ``column`` in the table file ``table``, or ``None``.

    Looked up in the indicators of the run, then the entries particular to the table, then
    the common ones; ``<indicator>_comuni`` and ``_copertura_pct`` follow from their
    indicator; with ``passthrough`` (a layer or file whose columns the table carries) any
    other column is that layer's, as published.

    Examples
    --------
    >>> describe("suolo/serie_comuni.csv", "fonte", {}).text("en")
    'Published by ISPRA, or rebuilt from net flows'
    >>> describe("servizi/nodi.csv", "organico", {}, "scuole_sedi").text("it")
    'Colonna di scuole_sedi, come nella fonte (organico)'
    >>> describe("x.csv", "colonna_ignota", {}) is None
    True
    """
    name = table.rsplit("/", 1)[-1]
    for key, entries in BY_TABLE.items():
        if (name == key or (key.startswith("_") and name.endswith(key))) and column in entries:
            return entries[column]
    if column in indicators:
        return indicators[column]
    if column in COMMON:
        return COMMON[column]
    for pattern, unit, it, en in _DERIVED:
        match = pattern.match(column)
        if match and match["base"] in indicators:
            base = indicators[match["base"]]
            return Column(
                column,
                unit,
                {
                    "it": it.format(label=short_label(base.text("it"))),
                    "en": en.format(label=short_label(base.text("en"))),
                },
                base.sources,
            )
    if passthrough:
        words = column.replace("_", " ")
        return Column(
            column,
            "",
            {
                "it": f"Colonna di {passthrough}, come nella fonte ({words})",
                "en": f"Column of {passthrough}, as in the source ({words})",
            },
            (passthrough,),
        )
    return None
