"""Synthetic layer mirror built in code: a 3×3 grid of 1 km square comuni and its catalogue."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import box

ORIGIN_X, ORIGIN_Y = 500_000.0, 5_030_000.0
SIDE = 1_000.0
CODES = [f"0150{i:02d}" for i in range(1, 10)]  # 015001 … 015009
NAMES = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota"]
POP = {2023: [1000 * (i + 1) for i in range(9)], 2024: [1100 * (i + 1) for i in range(9)]}
PARK = ["015001", "015002", "015004"]
ZONES = {"015001": "Ovest", "015002": "Ovest", "015005": "Centro"}


def square(col: int, row: int) -> shapely.Polygon:
    x = ORIGIN_X + col * SIDE
    y = ORIGIN_Y + row * SIDE
    return box(x, y, x + SIDE, y + SIDE)


EVIL = "<script>alert(1)</script>"


def comuni_frame(names: list[str] | None = None) -> gpd.GeoDataFrame:
    geoms = [square(i % 3, i // 3) for i in range(9)]
    return gpd.GeoDataFrame(
        {"pro_com_t": CODES, "comune": names or NAMES}, geometry=geoms, crs="EPSG:32632"
    )


def outline_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"cod_uts": [215]},
        geometry=[box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 3 * SIDE, ORIGIN_Y + 3 * SIDE)],
        crs="EPSG:32632",
    )


def population_frame() -> pd.DataFrame:
    rows = [
        {"pro_com_t": code, "comune": name, "ref_date": f"{year}-01-01", "pop_total": pops[i]}
        for year, pops in POP.items()
        for i, (code, name) in enumerate(zip(CODES, NAMES, strict=True))
    ]
    return pd.DataFrame(rows)


def park_frame() -> pd.DataFrame:
    return pd.DataFrame({"pro_com_t": PARK, "comune": [NAMES[CODES.index(c)] for c in PARK]})


def zones_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"pro_com_t": CODES, "comune": NAMES, "zona_omogenea": [ZONES.get(c, "") for c in CODES]}
    )


ISPRA_YEARS = [2006, 2012, *range(2015, 2025)]


def ispra_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stock (long), wide and flows tables shaped like the ISPRA derivatives of the mirror.

    Comune i (0-based) has 10 + i ha consumed in 2006 and gains 0.5 ha a year; area 100 ha.
    """
    stock, flows, wide = [], [], []
    for i, code in enumerate(CODES):
        values = {y: 10.0 + i + 0.5 * (y - 2006) for y in ISPRA_YEARS}
        for y in ISPRA_YEARS:
            stock.append(
                {
                    "pro_com_t": code,
                    "year": y,
                    "consumed_ha": values[y],
                    "consumed_pct": values[y],
                    "source": "derived_backward_from_2024" if y < 2024 else "ispra_published",
                }
            )
        for a, b in itertools.pairwise(ISPRA_YEARS):
            net = values[b] - values[a]
            flows.append(
                {
                    "pro_com_t": code,
                    "period": f"{a}-{b}",
                    "year_from": a,
                    "year_to": b,
                    "years": b - a,
                    "net_ha": net,
                    "gross_ha": net + 0.1,
                    "restored_ha": 0.1,
                }
            )
        wide.append(
            {
                "pro_com_t": code,
                "superficie_ha_derived": 100.0,
                "stock_2024_ha": values[2024],
                "stock_2024_pct": values[2024],
            }
        )
    return pd.DataFrame(stock), pd.DataFrame(wide), pd.DataFrame(flows)


def agcom_frame() -> pd.DataFrame:
    """AGCOM-shaped rows: two dates; comune i has 100 families, 10·i reached by FTTH (then +5)."""
    rows = []
    for date, extra in (("2025-03-31", 0), ("2025-06-30", 5)):
        for i, code in enumerate(CODES):
            reached = min(100, 10 * i + extra)
            rows.append(
                {
                    "data_riferimento": date,
                    "com_istat_code": code,
                    "Comune": NAMES[i],
                    "Celle 20m x 20m raggiunte": 50,
                    "Punti dichiarati": 200,
                    "Punti geograficamente distinti (passo 5m)": 100,
                    "Celle 20m x 20m raggiunte FTTH": reached // 2,
                    "Punti dichiarati FTTH": reached,
                    "Punti Geograficamente Distinti (passo 5m) FTTH": reached,
                    "Celle 20m x 20m raggiunte FTTC": 25,
                    "Famiglie Residenti (calcolato)": 100,
                    "Famiglie raggiunte FTTH (calcolato)": reached if reached else None,
                }
            )
    return pd.DataFrame(rows)


def bul_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Citta": ["Alfa", "Beta"],
            "com_istat_code": ["015001", "015002"],
            "Stato Fibra": ["terminato", "in esecuzione"],
            "Stato FWA": ["terminato", None],
            "Fibra": [1, 1],
            "FWA": [1, 0],
        }
    )


def schools_frame(first_name: str = "Liceo Uno") -> gpd.GeoDataFrame:
    """Four school sites, three upper-secondary (two at the same place)."""
    points = [(1500, 1500), (1500, 1500), (500, 2500), (2500, 500)]
    return gpd.GeoDataFrame(
        {
            "codice_meccanografico": ["MI01", "MI02", "MI03", "MI04"],
            "tipologia": ["sec2", "sec2", "sec2", "primaria"],
            "denominazione": [first_name, "Istituto Due", "Liceo Tre", "Primaria"],
            "denominazione_istituto": [first_name, "Istituto Due", "Liceo Tre", "Primaria"],
            "com_istat_code": ["015005", "015005", "015007", "015003"],
            "secondaria_2_grado": [True, True, True, False],
        },
        geometry=[shapely.Point(ORIGIN_X + x, ORIGIN_Y + y) for x, y in points],
        crs="EPSG:32632",
    ).to_crs(4326)


STREET_STEP = 100.0
NETWORK_X_MAX = 2000.0  # streets (and the extract's bounds) cover columns 0 and 1 only


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs(32632, 4326, always_xy=True).transform(ORIGIN_X + x, ORIGIN_Y + y)


def osm_grid_xml() -> str:
    """OSM XML of a 100 m street grid over x 0-2000, y 0-3000, plus a disconnected fragment.

    Horizontal streets are residential, vertical ones footways (so both modes differ only by
    highway type); the fragment is two nodes 40 m apart inside the box but linked to nothing.
    """
    nodes, ways = [], []
    ids = {}
    nx, ny = int(NETWORK_X_MAX / STREET_STEP) + 1, int(3000 / STREET_STEP) + 1
    for i in range(nx):
        for j in range(ny):
            ids[(i, j)] = 1000 + i * ny + j
            lon, lat = to_lonlat(i * STREET_STEP, j * STREET_STEP)
            nodes.append(f'<node id="{ids[(i, j)]}" version="1" lat="{lat:.8f}" lon="{lon:.8f}"/>')
    way_id = 1
    for j in range(ny):
        refs = "".join(f'<nd ref="{ids[(i, j)]}"/>' for i in range(nx))
        ways.append(
            f'<way id="{way_id}" version="1">{refs}<tag k="highway" v="residential"/></way>'
        )
        way_id += 1
    for i in range(nx):
        refs = "".join(f'<nd ref="{ids[(i, j)]}"/>' for j in range(ny))
        ways.append(f'<way id="{way_id}" version="1">{refs}<tag k="highway" v="footway"/></way>')
        way_id += 1
    for k, (x, y) in enumerate([(1950.0, 2950.0), (1990.0, 2950.0)]):
        lon, lat = to_lonlat(x, y)
        nodes.append(f'<node id="{9000 + k}" version="1" lat="{lat:.8f}" lon="{lon:.8f}"/>')
    ways.append(
        f'<way id="{way_id}" version="1"><nd ref="9000"/><nd ref="9001"/>'
        '<tag k="highway" v="residential"/></way>'
    )
    (lon0, lat0), (lon1, lat1) = to_lonlat(0, 0), to_lonlat(NETWORK_X_MAX, 3000)
    bounds = (
        f'<bounds minlat="{lat0:.8f}" minlon="{lon0:.8f}" maxlat="{lat1:.8f}" maxlon="{lon1:.8f}"/>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="territorio tests">'
        + bounds
        + "".join(nodes)
        + "".join(ways)
        + "</osm>\n"
    )


#: interchange entries: (node_id, name, mode, lines, freq, x, y)
STATIONS = [
    ("rail:S00001", "Centro", "rail", "S1;S2;S3;S4", 8.0, 1000.0, 1500.0),
    ("metro:1", "Nord M1", "metro", "M1", 20.0, 500.0, 2500.0),
    ("metro:2", "Nord M2", "metro", "M2", 15.0, 560.0, 2500.0),  # same station, other line
    ("rail:S00002", "Lontana", "rail", "S5", 2.0, -2500.0, 1500.0),  # far from any street
]


def stations_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "node_id": [s[0] for s in STATIONS],
            "name": [s[1] for s in STATIONS],
            "mode": [s[2] for s in STATIONS],
            "lines": [s[3] for s in STATIONS],
            "freq_peak_per_hour": [s[4] for s in STATIONS],
        },
        geometry=[shapely.Point(ORIGIN_X + s[5], ORIGIN_Y + s[6]) for s in STATIONS],
        crs="EPSG:32632",
    ).to_crs(4326)


def rail_frame() -> gpd.GeoDataFrame:
    rail = stations_frame()
    rail = rail[rail["mode"] == "rail"].copy()
    rail["rfi_code"] = rail["node_id"].str.replace("rail:", "")
    rail["stop_name"] = rail["name"]
    rail["lines_peak"] = rail["lines"]
    rail["gtfs2023_stop_id"] = ["101", None]
    return rail[["rfi_code", "stop_name", "lines_peak", "gtfs2023_stop_id", "geometry"]]


def gtfs_files() -> dict[str, str]:
    """A feed with two weekday trips calling at stop 101 (Centro) and ending at 102."""
    return {
        "agency.txt": (
            "agency_id,agency_name,agency_url,agency_timezone\nT,Test,http://x,Europe/Rome\n"
        ),
        "stops.txt": (
            "stop_id,stop_name,stop_lat,stop_lon\n101,Centro,45.4,9.1\n102,Capolinea,45.5,9.2\n"
        ),
        "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,T,S1,2\nR2,T,S2,2\n",
        "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\nR2,WK,T2\nR2,SUN,T3\n",
        "stop_times.txt": (
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "T1,08:00:00,08:00:00,101,1\nT1,08:30:00,08:30:00,102,2\n"
            "T2,09:00:00,09:00:00,101,1\nT2,09:30:00,09:30:00,102,2\n"
            "T3,10:00:00,10:00:00,101,1\nT3,10:30:00,10:30:00,102,2\n"
        ),
        "calendar.txt": (
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
            "start_date,end_date\nWK,1,1,1,1,1,0,0,20240101,20240131\n"
            "SUN,0,0,0,0,0,0,1,20240101,20240131\n"
        ),
    }


def point_layer(rows: list[dict], xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        rows, geometry=[shapely.Point(ORIGIN_X + x, ORIGIN_Y + y) for x, y in xy], crs=32632
    ).to_crs(4326)
    frame["lon"], frame["lat"] = frame.geometry.x, frame.geometry.y
    return frame


HOSPITAL_XY = (960.0, 1960.0)  # in 015004; its nearest node (1000, 2000) lies on the border


def hospitals_frame() -> gpd.GeoDataFrame:
    return point_layer(
        [{"codice_struttura": "H1", "denominazione": "Ospedale di confine"}], [HOSPITAL_XY]
    )


def pharmacies_frame() -> gpd.GeoDataFrame:
    rows = [
        {
            "codice_farmacia": f"F{i}",
            "descrizione_farmacia": f"Farmacia {i}",
            "com_istat_code": code,
        }
        for i, code in enumerate(["015001", "015001", "015002", "015003", "015005"])
    ]
    # F3 declares 015003 but lies in 015006; F4 lies outside the territory
    xy = [(100, 100), (200, 200), (1500, 500), (2500, 1500), (-500, 1500)]
    return point_layer(rows, xy)


def lombarde_frame() -> gpd.GeoDataFrame:
    rows = [
        {
            "classificazione": "Statale",
            "tipologia_sede": "Liceo",
            "allievi_sede": "120",
            "denom_sede": "Liceo Uno",
            "com_istat_code": "015005",
        },
        {
            "classificazione": "Statale",
            "tipologia_sede": "Istituto Tecnico",
            "allievi_sede": "",
            "denom_sede": "Istituto Due",
            "com_istat_code": "015005",
        },
        {
            "classificazione": "Cfp",
            "tipologia_sede": "Istituzione Formativa",
            "allievi_sede": "50",
            "denom_sede": "Cfp",
            "com_istat_code": "015005",
        },
        {
            "classificazione": "Statale",
            "tipologia_sede": "Liceo",
            "allievi_sede": "80",
            "denom_sede": "Liceo Tre",
            "com_istat_code": "015007",
        },
    ]
    return point_layer(rows, [(1500, 1500), (1500, 1500), (1600, 1600), (500, 2500)])


def pnrr_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tipo_struttura": [
                "Casa della Comunita'",
                "Casa della Comunita'",
                "Ospedale di Comunita'",
                "Centrale Operativa Territoriale",
            ],
            "cup": ["C1", "C2", "O1", "T1"],
            "com_istat_code": ["015001", "015001", "015005", "015009"],
        }
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(layers: Path, mirror: Path, **fields: object) -> Path:
    """Write a manifest for a file already in the mirror, with its real checksum."""
    fields.setdefault("title", {"it": str(fields["id"]), "en": str(fields["id"])})
    for key, value in {
        "theme": "territorio",
        "status": "real",
        "publisher": "Test",
        "source_url": "https://example.org",
        "licence": "CC BY 4.0",
        "date": "2024-01-01",
    }.items():
        fields.setdefault(key, value)
    fields.setdefault("sha256", sha256(mirror / str(fields["path"])))
    lines = []
    for key, value in fields.items():
        if key == "title":
            lines.append(f'title = {{ it = "{value["it"]}", en = "{value["en"]}" }}')
        elif isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        elif isinstance(value, list | tuple):
            lines.append(
                f"{key} = [{', '.join(repr(str(v)).replace(chr(39), chr(34)) for v in value)}]"
            )
        else:
            lines.append(f'{key} = "{value}"')
    path = layers / f"{fields['id']}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_mirror(root: Path, *, evil: bool = False) -> tuple[Path, Path]:
    """Write the synthetic mirror and its catalogue under ``root``; return (mirror, layers).

    With ``evil`` the first comune and the first school are named ``<script>alert(1)</script>``.
    """
    mirror = root / "mirror"
    layers = root / "layers"
    (mirror / "boundaries").mkdir(parents=True)
    (mirror / "landuse").mkdir()
    (mirror / "templates").mkdir()
    layers.mkdir()
    gpkg = mirror / "boundaries" / "comuni.gpkg"
    names = [EVIL, *NAMES[1:]] if evil else None
    comuni_frame(names).to_file(gpkg, layer="comuni", driver="GPKG")
    outline_frame().to_file(gpkg, layer="cmm_confine", driver="GPKG")
    population_frame().to_csv(mirror / "landuse" / "popolazione.csv", index=False)
    park_frame().to_csv(mirror / "boundaries" / "parco.csv", index=False)
    zones_frame().to_csv(mirror / "boundaries" / "zone.csv", index=False)
    (mirror / "templates" / "siti_TEMPLATE.csv").write_text("site_id,com_istat_code,lon,lat\n")
    (mirror / "services").mkdir()
    agcom_frame().to_csv(mirror / "services" / "agcom.csv", index=False)
    bul_frame().to_csv(mirror / "services" / "bul.csv", index=False)
    schools_frame(EVIL if evil else "Liceo Uno").to_file(
        mirror / "services" / "schools.gpkg", layer="scuole_statali_sedi", driver="GPKG"
    )
    (mirror / "templates" / "accordi_TEMPLATE.csv").write_text(
        "com_istat_code,accordo_fibra,data_accordo,stato_collegamento,n_sedi_collegate\n"
    )
    hospitals_frame().to_file(
        mirror / "services" / "health.gpkg", layer="strutture_ricovero", driver="GPKG"
    )
    pharmacies_frame().to_file(mirror / "services" / "health.gpkg", layer="farmacie", driver="GPKG")
    lombarde_frame().to_file(
        mirror / "services" / "schools.gpkg", layer="sedi_scolastiche_lombarde", driver="GPKG"
    )
    pnrr_frame().to_csv(mirror / "services" / "pnrr.csv", index=False)
    (mirror / "mobility").mkdir()
    (mirror / "mobility" / "strade.osm").write_text(osm_grid_xml(), encoding="utf-8")
    stations_frame().to_file(
        mirror / "mobility" / "nodi.gpkg", layer="interchange_nodes", driver="GPKG"
    )
    rail_frame().to_file(mirror / "mobility" / "rail.gpkg", layer="rail", driver="GPKG")
    import zipfile

    with zipfile.ZipFile(mirror / "mobility" / "gtfs.zip", "w") as archive:
        for name, text in gtfs_files().items():
            archive.writestr(name, text)
    stock, wide, flows = ispra_frames()
    stock.to_csv(mirror / "landuse" / "stock.csv", index=False)
    wide.to_csv(mirror / "landuse" / "wide.csv", index=False)
    flows.to_csv(mirror / "landuse" / "flows.csv", index=False)

    write_manifest(
        layers,
        mirror,
        id="cmm_comuni",
        kind="vector",
        path="boundaries/comuni.gpkg",
        layer="comuni",
        crs="EPSG:32632",
        key="pro_com_t",
        key_unique=True,
        expected_count=9,
        columns=["pro_com_t", "comune"],
    )
    write_manifest(
        layers,
        mirror,
        id="cmm_confine",
        kind="vector",
        path="boundaries/comuni.gpkg",
        layer="cmm_confine",
        crs="EPSG:32632",
        expected_count=1,
    )
    write_manifest(
        layers,
        mirror,
        id="istat_popolazione",
        kind="table",
        path="landuse/popolazione.csv",
        key="pro_com_t",
        expected_count=18,
        columns=["pro_com_t", "ref_date", "pop_total"],
    )
    write_manifest(
        layers,
        mirror,
        id="parco_sud_comuni",
        kind="table",
        path="boundaries/parco.csv",
        key="pro_com_t",
        key_unique=True,
        expected_count=3,
        columns=["pro_com_t"],
    )
    write_manifest(
        layers,
        mirror,
        id="zone_omogenee",
        kind="table",
        path="boundaries/zone.csv",
        key="pro_com_t",
        key_unique=True,
        expected_count=9,
        status="partial",
        columns=["pro_com_t", "zona_omogenea"],
    )
    write_manifest(
        layers,
        mirror,
        id="cmm_siti_5g",
        kind="table",
        status="template-only",
        path="templates/siti_TEMPLATE.csv",
        key="com_istat_code",
        columns=["site_id", "com_istat_code", "lon", "lat"],
    )
    for layer_id, name, count in (
        ("ispra_suolo_stock", "stock", 108),
        ("ispra_suolo_wide", "wide", 9),
        ("ispra_suolo_flussi", "flows", 99),
    ):
        write_manifest(
            layers,
            mirror,
            id=layer_id,
            kind="table",
            path=f"landuse/{name}.csv",
            key="pro_com_t",
            expected_count=count,
            theme="suolo",
        )
    write_manifest(
        layers,
        mirror,
        id="agcom_rete_fissa",
        kind="table",
        path="services/agcom.csv",
        key="com_istat_code",
        expected_count=18,
        theme="digitale",
    )
    write_manifest(
        layers,
        mirror,
        id="infratel_bul",
        kind="table",
        path="services/bul.csv",
        key="com_istat_code",
        expected_count=2,
        theme="digitale",
    )
    write_manifest(
        layers,
        mirror,
        id="scuole_sedi",
        kind="vector",
        path="services/schools.gpkg",
        layer="scuole_statali_sedi",
        crs="EPSG:4326",
        key="com_istat_code",
        expected_count=4,
        theme="servizi",
    )
    write_manifest(
        layers,
        mirror,
        id="cmm_accordi_fibra",
        kind="table",
        status="template-only",
        path="templates/accordi_TEMPLATE.csv",
        key="com_istat_code",
        key_unique=True,
        columns=["com_istat_code", "accordo_fibra"],
        theme="digitale",
    )
    for layer_id, kind, path, layer, count in (
        ("ospedali", "vector", "services/health.gpkg", "strutture_ricovero", 1),
        ("farmacie", "vector", "services/health.gpkg", "farmacie", 5),
        ("scuole_lombarde", "vector", "services/schools.gpkg", "sedi_scolastiche_lombarde", 4),
        ("pnrr_case_comunita", "table", "services/pnrr.csv", "", 4),
        ("osm_milano_2015_highways", "network", "mobility/strade.osm", "", 53),
        ("nodi_interscambio", "vector", "mobility/nodi.gpkg", "interchange_nodes", 4),
        ("stazioni_ferroviarie", "vector", "mobility/rail.gpkg", "rail", 2),
        ("gtfs_trenord_2023", "gtfs", "mobility/gtfs.zip", "", 2),
    ):
        extra = {"layer": layer, "crs": "EPSG:4326"} if kind == "vector" else {}
        if layer_id in ("farmacie", "scuole_lombarde", "pnrr_case_comunita"):
            extra["key"] = "com_istat_code"
        write_manifest(
            layers,
            mirror,
            id=layer_id,
            kind=kind,
            path=path,
            theme="mobilita",
            expected_count=count,
            **extra,
        )
    return mirror, layers
