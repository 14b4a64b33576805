"""The command line's help in Italian (the default); English is the text in the code.

The help is Italian unless the command line asks for English (``--lang en``) or the
environment does (``TERRITORIO_LANG=en``). Each English help text of the commands maps to its
Italian translation here; a test checks that none is missing.
"""

from __future__ import annotations

ITALIAN: dict[str, str] = {
    "territorio: layers, indicators, maps and QGIS outputs for the Città metropolitana di Milano.": "territorio: strati, indicatori, mappe e uscite QGIS per la Città metropolitana di "
    "Milano.",
    "The profile of one comune: key facts, then every indicator of every theme.": "Il profilo di un comune: dati essenziali, poi ogni indicatore di ogni tema.",
    "Comune name or ISTAT code.": "Nome del comune (anche abbreviato) o codice ISTAT.",
    "Layer mirror directory (default: TERRITORIO_DATA, ../shared/data).": "Cartella del mirror degli strati (predefinita: TERRITORIO_DATA, ../shared/data).",
    "Output language: it or en.": "Lingua delle uscite: it o en.",
    "Folder of a run's results (indicatori_comuni.csv, dizionario_dati.csv); without them the "
    "indicators are computed now.": "Cartella dei risultati di un'elaborazione (indicatori_comuni.csv, "
    "dizionario_dati.csv); se mancano, gli indicatori si calcolano ora.",
    "Run every step and write indicatori_comuni.csv, its dictionary and the area aggregates.": "Esegue tutti i passi e scrive indicatori_comuni.csv, il dizionario dei dati e gli "
    "aggregati per area.",
    "Output directory (default maps/).": "Cartella di uscita (predefinita maps/).",
    "Run config TOML.": "File di configurazione TOML.",
    "Replace a layer with your file: ID=PATH (repeatable).": "Sostituisce uno strato con un vostro file: ID=PERCORSO (ripetibile).",
    "Web pages with Leaflet and data inline: each works when sent on its own.": "Pagine web con Leaflet e dati incorporati: ognuna funziona anche inviata da sola.",
    "Replace files in --out that another command (or you) wrote; by default only the files "
    "this same command wrote there are replaced.": "Sostituisce in --out anche i file scritti da un altro comando (o da voi); senza, si "
    "sostituiscono solo quelli scritti lì dallo stesso comando.",
    "Print only errors and warnings.": "Mostra solo errori e avvertenze.",
    "Territory: a province or metropolitan city (ISTAT code, abbreviation or name), a region, "
    "'italia' or a list of ISTAT codes; default the Città metropolitana di Milano.": "Territorio: una provincia o città metropolitana (codice ISTAT, sigla o nome), una "
    "regione, 'italia' o un elenco di codici ISTAT; predefinito la Città metropolitana di Milano.",
    "Run tile and province tasks on Dask: 'local' or 'local:N' starts a local cluster of N "
    "processes, an address uses an existing scheduler.": "Esegue i compiti per riquadro e per provincia su Dask: 'local' o 'local:N' avvia un "
    "cluster locale di N processi, un indirizzo usa uno scheduler esistente.",
    "Print sub-steps and every file written.": "Mostra i sotto-passi e ogni file scritto.",
    "Walking/cycling times to interchange nodes: accessibilita.gpkg, tempi_viaggio.tif, CSV.": "Tempi a piedi e in bici fino ai nodi di interscambio: accessibilita.gpkg, "
    "tempi_viaggio.tif, CSV.",
    "Output directory.": "Cartella di uscita.",
    "OSM file (.osm, .osm.bz2, .osm.pbf).": "File OSM (.osm, .osm.bz2, .osm.pbf).",
    "Schools, hospitals, pharmacies, PNRR community health and the Parco Sud, per comune.": "Scuole, ospedali, farmacie, Case e Ospedali di Comunità PNRR e Parco Sud, per comune.",
    "Parco Agricolo Sud perimeter (vector file).": "Perimetro del Parco Agricolo Sud (file vettoriale).",
    "Coordinates of Case/Ospedali di Comunità, COT.": "Coordinate di Case e Ospedali di Comunità e COT.",
    "Thematic maps, index.html and the atlas of the comuni (computes the indicators first).": "Mappe tematiche, index.html e atlante dei comuni (calcola prima gli indicatori).",
    "territorio.gpkg, territorio.qgz and the SLD styles (nothing else).\n\nComputes every "
    "theme, then writes only the QGIS product: the styled GeoPackage, the\nproject (map "
    "themes, relations, print layout and atlas), sld/ for GeoServer/MapStore and\nthe "
    "travel-time GeoTIFF the project shows; with --pdf also the atlas PDFs.": "territorio.gpkg, territorio.qgz e gli stili SLD (nient'altro).\n\nCalcola tutti i "
    "temi, poi scrive solo il prodotto QGIS: il GeoPackage con gli stili, il progetto "
    "(temi di mappa, relazioni, layout di stampa e atlante), sld/ per GeoServer/MapStore "
    "e il GeoTIFF dei tempi di percorrenza; con --pdf anche i PDF dell'atlante.",
    "Also export the atlas 'Scheda comunale' to PDF (one per comune and one merged, in "
    "atlante_pdf/) through QGIS; needs QGIS's Python (python3-qgis).": "Esporta anche l'atlante «Scheda comunale» in PDF (uno per comune e uno unico, in "
    "atlante_pdf/) con QGIS; serve il Python di QGIS (python3-qgis).",
    "With --pdf: ISTAT codes of the pages to export, comma-separated.": "Con --pdf: codici ISTAT delle pagine da esportare, separati da virgola.",
    "Print a complete run config with every default, to copy and edit.": "Mostra una configurazione completa con tutti i valori predefiniti, da copiare e "
    "modificare.",
    "The layer catalogue: list, check, fetch.": "Il catalogo degli strati: elenco, verifica, "
    "scaricamento.",
    "Only this theme.": "Solo questo tema.",
    "Check every layer (presence, sha256, readable, feature count); exit 1 on any problem.": "Verifica ogni strato (presenza, sha256, leggibilità, numero di elementi); esce con 1 "
    "se c'è un problema.",
    "Also open each layer.": "Apre anche ogni strato.",
    "Show a layer's manifest: provenance, licence, caveats.": "Mostra la scheda di uno strato: provenienza, licenza, avvertenze.",
    "Download layers with an official direct download into the user cache (sha256 checked).": "Scarica nella cache dell'utente gli strati con un download ufficiale diretto (sha256 "
    "verificato).",
    "Layer ids; default all.": "Identificativi degli strati; predefinito: tutti.",
    "Land consumption (suolo): ISPRA monitoring, PTM threshold check, raster zonal stats.": "Consumo di suolo: monitoraggio ISPRA, verifica delle soglie del PTM, statistiche da "
    "raster.",
    "PGT ambiti CSV for the PTM check.": "CSV degli ambiti del PGT per la verifica del PTM.",
    "Consumed-soil GeoTIFF (repeatable).": "GeoTIFF del suolo consumato (ripetibile).",
    "Year of each --raster.": "Anno di ogni --raster.",
    "Rasters are imperviousness 0-100: threshold.": "I raster sono di impermeabilità 0-100: soglia.",
    "Required residential reduction % (25-30).": "Riduzione residenziale richiesta % (25-30).",
    "Write the empty CSV template of the PGT transformation areas (ambiti).": "Scrive il modello CSV vuoto degli ambiti di trasformazione del PGT.",
    "Where to write the empty template.": "Dove scrivere il modello vuoto.",
    "Digital infrastructure (digitale): 5G coverage and siting, fibre reach.": "Infrastrutture digitali: copertura e localizzazione 5G, diffusione della fibra.",
    "5G site register (CSV per template, or GeoPackage).": "Registro dei siti 5G (CSV secondo il modello, foglio di calcolo o GeoPackage).",
    "CMM fibre agreements register (CSV).": "Registro degli accordi CMM per la fibra (CSV).",
    "Population grid placing ISTAT residents (polygons with a population column, or a "
    "raster); default [population] grid (GHSL 2025).": "Griglia di popolazione che distribuisce i residenti ISTAT (poligoni con una colonna "
    "di popolazione, o un raster); predefinita [population] grid (GHSL 2025).",
    "Coverage per comune of a register: writes copertura_5g_comuni.csv and copertura_5g.gpkg.": "Copertura per comune di un registro: scrive copertura_5g_comuni.csv e "
    "copertura_5g.gpkg.",
    "5G site register (CSV or GeoPackage).": "Registro dei siti 5G (CSV, foglio di calcolo o GeoPackage).",
    "One radius in metres for every site.": "Un raggio in metri per tutti i siti.",
    "Choose k new sites (optimal maximum coverage and greedy) given existing sites.": "Sceglie k nuovi siti (massima copertura ottima e greedy) dati i siti esistenti.",
    "One radius in metres for every register site.": "Un raggio in metri per tutti i siti del registro.",
    "Plan to keep: ottimo (integer programme) or greedy.": "Piano da tenere: ottimo (programma intero) o greedy.",
    "Share of residents (%) to reach with the fewest new sites.": "Quota di residenti (%) da raggiungere con il minimo di nuovi siti.",
    "Budget in euros to price (needs costo_eur).": "Budget in euro da valutare (richiede costo_eur).",
    "Seconds per solve of the solver.": "Secondi per ogni soluzione del solutore.",
    "Number of new sites.": "Numero di nuovi siti.",
    "Candidate locations file.": "File dei siti candidati.",
    "Radius of a new site (m).": "Raggio di un nuovo sito (m).",
    "Show this message and exit.": "Mostra questo aiuto ed esce.",
    "PSTTM dashboard per Driver from a run: monitoraggio.csv, XLSX and monitoraggio.html.\n\nReads the run's tables and run.json, joins baselines and targets of the catalogue and\nwrites one row per Driver, indicator and area, the ranking of the comuni, a workbook with\none sheet per Driver and the offline dashboard page.": "Cruscotto del PSTTM per Driver da un run: monitoraggio.csv, XLSX e monitoraggio.html.\n\nLegge le tabelle e run.json del run, unisce basi e obiettivi del catalogo e scrive una\nriga per Driver, indicatore e area, la graduatoria dei comuni, una cartella di lavoro con\nun foglio per Driver e la pagina del cruscotto, consultabile senza rete.",
    "Folder of a run (the --out of territorio run).": "Cartella di un run (il --out di territorio run).",
    "Output directory (default: the run's folder).": "Cartella di uscita (predefinita: quella del run).",
    "TOML file adding Drivers and indicators to the PSTTM catalogue or replacing them by id (default: [monitor] catalogue of the config).": "File TOML che aggiunge Driver e indicatori al catalogo del PSTTM o li sostituisce per id (predefinito: [monitor] catalogue della configurazione).",
    "What changed from run A to run B: every common column per comune and area, inputs.\n\nWrites confronto_comuni.csv and confronto_aree.csv (B − A, absolute and in %),\nconfronto_colonne.csv (columns changed, new, removed), confronto_righe.csv,\nconfronto_input.csv (layers whose sha256 changed, version, settings) and confronto.html.": "Che cosa è cambiato dal run A al run B: ogni colonna comune per comune e area, e i dati.\n\nScrive confronto_comuni.csv e confronto_aree.csv (B − A, assoluta e in %),\nconfronto_colonne.csv (colonne cambiate, nuove, rimosse), confronto_righe.csv,\nconfronto_input.csv (strati con sha256 diverso, versione, impostazioni) e confronto.html.",
    "Folder of the earlier run (A).": "Cartella del run precedente (A).",
    "Folder of the later run (B).": "Cartella del run successivo (B).",
    "Output directory (default: the folder of run B).": "Cartella di uscita (predefinita: quella del run B).",
}
