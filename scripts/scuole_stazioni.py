"""Tempo a piedi dalle scuole secondarie di II grado di un comune al nodo di interscambio.

Esempio: python scripts/scuole_stazioni.py "Sesto San Giovanni"
"""

from __future__ import annotations

import argparse

import territorio as tt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("comune", help="Nome o codice ISTAT del comune")
    parser.add_argument("--data", help="Cartella del mirror dei layer")
    args = parser.parse_args()

    catalog = tt.Catalog(args.data)
    territory = tt.load_territory(catalog)
    comune = territory.lookup(args.comune)
    schools = tt.locate_points(catalog.read("scuole_sedi"), territory.comuni, "pro_com_t")
    schools = schools[
        schools["secondaria_2_grado"].astype(bool) & (schools["comune_geo"] == comune["pro_com_t"])
    ]
    if schools.empty:
        print(f"{comune['comune']}: nessuna sede statale di scuola secondaria di II grado")
        return
    access = tt.load_access(catalog, territory, tt.load_config()["access"])
    near = schools.join(tt.time_to_nearest_node(schools, access))
    print(f"{comune['comune']} ({comune['pro_com_t']}): {len(near)} sedi di II grado")
    for _, row in near.sort_values("tempo_piedi_nodo_min").iterrows():
        method = "su rete" if row["metodo"] == "rete" else "stimato"
        print(
            f"  {row['denominazione'][:44]:<44} {tt.format_number(row['tempo_piedi_nodo_min'])} "
            f"min a piedi ({method}) → {row['nodo_nome']} ({row['nodo_modi']})"
        )


if __name__ == "__main__":
    tt.run_script(main)
