"""Comuni in ordine di priorità per la fibra: famiglie non raggiunte da FTTH (AGCOM).

Con il registro degli accordi CMM (--accordi, modello cmm_accordi_fibra_comuni_TEMPLATE.csv)
i comuni con accordo firmato sono esclusi dalla classifica.

Esempio: python scripts/priorita_fibra.py --primi 15 --accordi accordi.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import territorio as tt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--primi", type=int, default=15, help="Quanti comuni mostrare")
    parser.add_argument("--accordi", type=Path, help="Registro degli accordi fibra CMM (CSV)")
    parser.add_argument("--data", help="Cartella del mirror dei layer")
    args = parser.parse_args()

    overrides = {"cmm_accordi_fibra": args.accordi} if args.accordi else None
    catalog = tt.Catalog(args.data, overrides=overrides)
    territory = tt.load_territory(catalog)
    reach = tt.fibre_reach(catalog.read("agcom_rete_fissa"))
    agreements = None
    if args.accordi:
        agreements = tt.check_fibre_agreements(
            catalog.read("cmm_accordi_fibra"), territory.codes, source=str(args.accordi)
        )
    ranking = tt.fibre_priority(reach, agreements)
    names = territory.comuni.set_index("pro_com_t")["comune"]
    left_out = "" if agreements is None else f", {int(agreements['accordo_fibra'].sum())} esclusi"
    print(f"Priorità fibra: {len(ranking)} comuni{left_out} (AGCOM, ultima data)")
    for code, row in ranking.head(args.primi).iterrows():
        missing = row["famiglie_residenti"] - row["famiglie_ftth"]
        print(
            f"  {int(row['priorita_fibra_rango']):>3}. {names[code]:<30} "
            f"{tt.format_number(missing)} famiglie senza FTTH "
            f"({tt.format_number(row['ftth_famiglie_pct'])} % raggiunte)"
        )


if __name__ == "__main__":
    tt.run_script(main)
