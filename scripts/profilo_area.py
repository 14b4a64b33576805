"""Profilo di un'area personalizzata (es. l'ITI "SOM - Sud Ovest Milano") rispetto alla CMM.

L'area è quella del file aree.toml (``--area som``) o un elenco di codici ISTAT (``--codici``).

Esempio: python scripts/profilo_area.py --area som
         python scripts/profilo_area.py --codici 015146 015077 --nome "Milano e Cernusco"
"""

from __future__ import annotations

import argparse

import pandas as pd

import territorio as tt

SHOWN = {
    "popolazione": ("Residenti 1/1/{year}", "ab."),
    "superficie_km2": ("Superficie", "km²"),
    "densita": ("Densità", "ab./km²"),
    "suolo_consumato_2024_pct": ("Suolo consumato 2024", "%"),
    "ftth_famiglie_pct": ("Famiglie raggiunte da FTTH", "%"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", default="som", help="Id di un'area di aree.toml")
    parser.add_argument("--codici", nargs="+", help="Codici ISTAT dei comuni dell'area")
    parser.add_argument("--nome", default="Area personalizzata", help="Nome dell'area")
    parser.add_argument("--data", help="Cartella del mirror dei layer")
    args = parser.parse_args()

    catalog = tt.Catalog(args.data)
    territory = tt.load_territory(catalog)
    comuni = territory.comuni.set_index("pro_com_t")
    year = territory.latest_year
    if args.codici:
        codes = tuple(args.codici)
        unknown = sorted(set(codes) - set(territory.codes))
        if unknown:
            raise tt.TerritorioError(f"--codici: {unknown} non sono comuni della CMM")
        group = tt.Group("area:utente", "area", args.nome, codes)
    else:
        groups = {g.id: g for g in territory.groups()}
        if f"area:{args.area}" not in groups:
            known = [g.removeprefix("area:") for g in groups if g.startswith("area:")]
            raise tt.TerritorioError(f"area {args.area!r} sconosciuta; aree note: {known}")
        group = groups[f"area:{args.area}"]
    cmm = next(g for g in territory.groups() if g.id == "cmm")

    area = catalog.read("ispra_suolo_wide").set_index("pro_com_t")["superficie_ha_derived"]
    land = tt.land_monitoring(
        catalog.read("ispra_suolo_stock"), area, comuni.filter(like="popolazione_")
    )
    fibre = tt.fibre_reach(catalog.read("agcom_rete_fissa"))
    values = pd.DataFrame(
        {
            "popolazione": comuni[f"popolazione_{year}"],
            "superficie_km2": comuni["superficie_km2"],
            "densita": tt.population_density(
                comuni[f"popolazione_{year}"], comuni["superficie_km2"]
            ),
            "suolo_consumato_2024_ha": land["suolo_consumato_2024_ha"],
            "superficie_riferimento_ha": land["superficie_riferimento_ha"],
            "suolo_consumato_2024_pct": land["suolo_consumato_2024_pct"],
            "famiglie_ftth": fibre["famiglie_ftth"],
            "famiglie_residenti": fibre["famiglie_residenti"],
            "ftth_famiglie_pct": fibre["ftth_famiglie_pct"],
        }
    )
    rules = {
        "popolazione": "sum",
        "superficie_km2": "sum",
        "densita": tt.Ratio("popolazione", "superficie_km2"),
        "suolo_consumato_2024_ha": "sum",
        "superficie_riferimento_ha": "sum",
        "suolo_consumato_2024_pct": tt.Ratio(
            "suolo_consumato_2024_ha", "superficie_riferimento_ha", 100.0
        ),
        "famiglie_ftth": "sum",
        "famiglie_residenti": "sum",
        "ftth_famiglie_pct": tt.Ratio("famiglie_ftth", "famiglie_residenti", 100.0),
    }
    table = tt.IndicatorTable(territory.codes)
    table.add(values, [tt.Column(name, "", {"it": name}, (), rule) for name, rule in rules.items()])
    both = table.aggregate([group, cmm]).set_index("gruppo")
    outside = f" (esclusi {len(group.outside)} fuori dalla CMM)" if group.outside else ""
    print(f"{group.name}: {len(group.codes)} comuni della CMM{outside}")
    for name, (label, unit) in SHOWN.items():
        mine, all_ = both.loc[group.id, name], both.loc["cmm", name]
        print(
            f"  {label.format(year=year):<30} {tt.format_number(mine):>12} {unit:<8} "
            f"(CMM {tt.format_number(all_)})"
        )


if __name__ == "__main__":
    tt.run_script(main)
