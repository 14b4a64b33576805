"""Step ``mappe``: thematic maps, the overview and the atlas of the 133 comuni (offline HTML)."""

from __future__ import annotations

from territorio.codes import KEY
from territorio.pipeline import RunContext, register_step
from territorio.webmap import render

LIB = "lib"


@register_step("mappe", order=90, it="Mappe e atlante", en="Maps and atlas")
def maps_step(ctx: RunContext) -> None:
    """Render every registered theme, the overview ``index.html`` and ``comuni/<code>.html``."""
    lang = ctx.config.lang
    groups = ctx.table.aggregate(ctx.territory.groups())
    data = render.prepare(
        ctx.table.frame,
        ctx.table.columns,
        groups,
        ctx.territory.comuni,
        ctx.maps,
        ctx.catalog,
        lang,
    )
    render.copy_assets(ctx.outputs.folder(LIB))
    for theme in ctx.maps.themes():
        render.theme_page(data, theme, LIB).save(str(ctx.outputs.path(f"{theme}.html")))
    render.overview_page(data, LIB).save(str(ctx.outputs.path("index.html")))
    for code in ctx.territory.comuni[KEY]:
        render.atlas_page(data, code, f"../{LIB}").save(
            str(ctx.outputs.path(f"comuni/{code}.html"))
        )
    ctx.note(
        "mappe",
        f"Mappe: index.html, {len(ctx.maps.themes())} mappe tematiche e "
        f"{len(ctx.territory.comuni)} pagine dell'atlante (comuni/); funzionano senza rete "
        "(Leaflet in lib/); lo sfondo OpenStreetMap è facoltativo e richiede internet.",
        f"Maps: index.html, {len(ctx.maps.themes())} thematic maps and "
        f"{len(ctx.territory.comuni)} atlas pages (comuni/); they work offline (Leaflet in "
        "lib/); the OpenStreetMap background is optional and needs internet.",
    )
