"""Copertura 5G per comune di un registro dei siti (modello cmm_siti_5g_TEMPLATE.csv).

Esempio: python scripts/copertura_5g_registro.py registro.csv --raggio 600 --csv copertura.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import shapely

import territorio as tt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registro", type=Path, help="Registro dei siti (CSV o GeoPackage)")
    parser.add_argument("--raggio", type=float, help="Un raggio in metri per ogni sito")
    parser.add_argument("--csv", type=Path, help="Scrivi la tabella per comune (';', virgola)")
    parser.add_argument("--data", help="Cartella del mirror dei layer")
    args = parser.parse_args()

    settings = tt.load_config()["digital"]
    territory = tt.load_territory(tt.Catalog(args.data))
    register = tt.read_register(
        args.registro,
        area=shapely.union_all(territory.outline.geometry.values),
        radius_by_technology=settings.radius_by_technology,
        small_cell_radius_m=settings.small_cell_radius_m,
    )
    sites = tt.five_g_sites(register, settings.coverage_technologies, settings.coverage_states)
    if args.raggio is not None:
        if not args.raggio > 0:
            raise tt.TerritorioError(f"--raggio {args.raggio}: serve un numero di metri > 0")
        sites = sites.assign(raggio_m=args.raggio)
    result = tt.coverage_5g(territory.comuni, territory.population(), sites)
    table = result.table.join(territory.comuni.set_index("pro_com_t")["comune"])
    covered = table["popolazione_coperta"].sum()
    total = territory.population().sum()
    print(
        f"{len(sites)} siti 5G in servizio su {len(register)} righe del registro; residenti "
        f"coperti {tt.format_number(covered)} su {tt.format_number(total)} "
        f"({tt.format_number(100 * covered / total)} %); ponderazione: {result.weighting}"
    )
    best = table.sort_values("popolazione_coperta_pct", ascending=False).head(10)
    for code, row in best.iterrows():
        print(
            f"  {code} {row['comune']:<28} {tt.format_number(row['area_coperta_pct'])} % "
            f"dell'area, {tt.format_number(row['popolazione_coperta_pct'])} % dei residenti"
        )
    if args.csv:
        print(f"scritto {tt.write_italian_csv(args.csv, table.reset_index())}")


if __name__ == "__main__":
    tt.run_script(main)
