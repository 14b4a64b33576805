"""Classifica del consumo di suolo nei comuni di una zona omogenea (ISPRA, 2006-2024).

Esempio: python scripts/consumo_suolo_zona.py "Adda Martesana" --primi 10 --csv adda.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import territorio as tt

COLUMNS = {
    "comune": "Comune",
    "suolo_consumato_2024_ha": "Suolo consumato 2024 (ha)",
    "suolo_consumato_2024_pct": "Suolo consumato 2024 (%)",
    "consumo_netto_2015_2024_ha": "Consumo netto 2015-2024 (ha)",
    "suolo_consumato_2024_m2_ab": "m² per residente 2024",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zona", help="Zona omogenea (es. 'Adda Martesana'); 'tutte' per la CMM")
    parser.add_argument("--primi", type=int, default=10, help="Quanti comuni mostrare")
    parser.add_argument("--csv", type=Path, help="Scrivi la classifica (Excel italiano: ';')")
    parser.add_argument("--data", help="Cartella del mirror dei layer")
    args = parser.parse_args()

    catalog = tt.Catalog(args.data)
    territory = tt.load_territory(catalog)
    zones = sorted(territory.comuni["zona_omogenea"].dropna().unique())
    if args.zona != "tutte" and args.zona not in zones:
        raise tt.TerritorioError(f"zona {args.zona!r} sconosciuta; zone note: {', '.join(zones)}")
    comuni = territory.comuni.set_index("pro_com_t")
    area = catalog.read("ispra_suolo_wide").set_index("pro_com_t")["superficie_ha_derived"]
    table = tt.land_monitoring(
        catalog.read("ispra_suolo_stock"), area, comuni.filter(like="popolazione_")
    )
    table.insert(0, "comune", comuni["comune"])
    if args.zona != "tutte":
        table = table[comuni["zona_omogenea"].reindex(table.index) == args.zona]
    ranking = table[list(COLUMNS)].sort_values("suolo_consumato_2024_pct", ascending=False)
    ranking = ranking.rename(columns=COLUMNS)
    print(f"{args.zona}: {len(ranking)} comuni, ordinati per quota di suolo consumato 2024")
    print(f"  {'codice':6} {'Comune':<28} " + " · ".join(list(COLUMNS.values())[1:]))
    for code, row in ranking.head(args.primi).iterrows():
        values = " · ".join(tt.format_number(v) for v in row.iloc[2:])
        values = f"{tt.format_number(row.iloc[1])} ha · {values}"
        print(f"  {code} {row['Comune']:<28} {values}")
    if args.csv:
        print(f"scritto {tt.write_italian_csv(args.csv, ranking.reset_index())}")


if __name__ == "__main__":
    tt.run_script(main)
