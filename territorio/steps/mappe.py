"""Step ``mappe``: thematic maps, the overview and the atlas of the 133 comuni (offline HTML)."""

from __future__ import annotations

from territorio.codes import KEY
from territorio.outputs.webassets import STATIC, VENDOR, read_assets
from territorio.pipeline import RunContext, Theme
from territorio.webmap import render

LIB = "lib"


def maps_step(ctx: RunContext) -> None:
    """Render every registered theme, the overview ``index.html`` and ``comuni/<code>.html``."""
    lang = ctx.config.lang
    self_contained = ctx.config["output"].self_contained
    groups = ctx.table.aggregate(ctx.territory.groups())
    data = render.prepare(
        ctx.table.frame,
        ctx.table.columns,
        groups,
        ctx.territory.comuni,
        ctx.maps,
        ctx.catalog,
        lang,
        self_contained=self_contained,
        assets=read_assets() if self_contained else None,
        territory_name="" if ctx.territory.is_cmm else ctx.territory.name,
    )
    if not self_contained:
        ctx.outputs.copy_tree(LIB, VENDOR)
        ctx.outputs.copy_tree(LIB, STATIC)
    for theme in ctx.maps.themes():
        ctx.outputs.write_map(f"{theme}.html", render.theme_page(data, theme, LIB))
    ctx.outputs.write_map("index.html", render.overview_page(data, LIB))
    for code in ctx.territory.comuni[KEY]:
        ctx.outputs.write_map(f"comuni/{code}.html", render.atlas_page(data, code, f"../{LIB}"))
    where = "pagine autonome, Leaflet incluso" if data.self_contained else "Leaflet in lib/"
    where_en = "self-contained pages" if data.self_contained else "Leaflet in lib/"
    ctx.note(
        "mappe",
        f"Mappe: index.html, {len(ctx.maps.themes())} mappe tematiche e "
        f"{len(ctx.territory.comuni)} pagine dell'atlante (comuni/); funzionano senza rete "
        f"({where}); lo sfondo OpenStreetMap è facoltativo e richiede internet.",
        f"Maps: index.html, {len(ctx.maps.themes())} thematic maps and "
        f"{len(ctx.territory.comuni)} atlas pages (comuni/); they work offline ({where_en}); "
        "the OpenStreetMap background is optional and needs internet.",
    )


THEME = Theme(
    "mappe", {"it": "Mappe e atlante", "en": "Maps and atlas"}, maps_step, any_territory=True
)
