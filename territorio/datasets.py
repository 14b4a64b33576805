"""A tiny territory built in code: a 3×3 grid of 1 km square comuni with every layer.

Used by the docstring examples and the tests; nothing is read from disk. The comuni are
``015001`` … ``015009`` (``Alfa`` … ``Iota``), row by row from the south-west corner of
(500 000, 5 030 000) in EPSG:32632; a 100 m street grid covers the two western columns.

Examples
--------
>>> import territorio as tt
>>> territory = tt.datasets.synthetic_territory()
>>> territory.comuni[["pro_com_t", "comune", "popolazione_2024"]].head(3).values.tolist()
[['015001', 'Alfa', 110], ['015002', 'Beta', 550], ['015003', 'Gamma', 1100]]
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from territorio.areas import Area
from territorio.population import PopulationGrid, uniform_population_grid
from territorio.territory import Territory, build_territory

ORIGIN_X, ORIGIN_Y = 500_000.0, 5_030_000.0
SIDE = 1_000.0
CODES = [f"0150{i:02d}" for i in range(1, 10)]  # 015001 … 015009
NAMES = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota"]
#: residents on 1 January, deliberately uneven (three orders of magnitude), rising with the index
POP_2023 = [100, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000]
POP = {2023: POP_2023, 2024: [round(p * 1.1) for p in POP_2023]}
#: ISPRA reference surface (ha) of each comune: uneven on purpose (the polygons are 100 ha)
REFERENCE_HA = [40.0, 100.0, 400.0, 100.0, 1_000.0, 60.0, 100.0, 250.0, 100.0]
#: resident families (AGCOM): uneven on purpose
FAMILIES = [20, 200, 2_000, 50, 500, 5_000, 100, 1_000, 10_000]
#: GHSL-like population of the four 500 m quarters of each comune (NW, NE, SW, SE); Iota none
GHSL_QUARTERS = [(6.0, 2.0, 1.0, 1.0)] * 8 + [(0.0, 0.0, 0.0, 0.0)]
PARK = ["015001", "015002", "015004"]
ZONES = {"015001": "Ovest", "015002": "Ovest", "015005": "Centro"}


def square(col: int, row: int) -> shapely.Polygon:
    """The 1 km square of column ``col`` and row ``row`` (EPSG:32632)."""
    x = ORIGIN_X + col * SIDE
    y = ORIGIN_Y + row * SIDE
    return box(x, y, x + SIDE, y + SIDE)


EVIL = "<script>alert(1)</script>"


def comuni_frame(names: list[str] | None = None) -> gpd.GeoDataFrame:
    """The 9 comuni as the catalogue layer ``cmm_comuni`` reads (EPSG:32632)."""
    geoms = [square(i % 3, i // 3) for i in range(9)]
    return gpd.GeoDataFrame(
        {"pro_com_t": CODES, "comune": names or NAMES}, geometry=geoms, crs="EPSG:32632"
    )


def outline_frame() -> gpd.GeoDataFrame:
    """The territory's outline, one 3 km square."""
    return gpd.GeoDataFrame(
        {"cod_uts": [215]},
        geometry=[box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 3 * SIDE, ORIGIN_Y + 3 * SIDE)],
        crs="EPSG:32632",
    )


def population_frame() -> pd.DataFrame:
    """ISTAT-shaped population rows for 2023 and 2024 (:data:`POP`)."""
    rows = [
        {"pro_com_t": code, "comune": name, "ref_date": f"{year}-01-01", "pop_total": pops[i]}
        for year, pops in POP.items()
        for i, (code, name) in enumerate(zip(CODES, NAMES, strict=True))
    ]
    return pd.DataFrame(rows)


def park_frame() -> pd.DataFrame:
    """The Parco Sud member comuni: 015001, 015002, 015004."""
    return pd.DataFrame({"pro_com_t": PARK, "comune": [NAMES[CODES.index(c)] for c in PARK]})


def zones_frame() -> pd.DataFrame:
    """Zone omogenee: Ovest (015001, 015002), Centro (015005); the others blank."""
    return pd.DataFrame(
        {"pro_com_t": CODES, "comune": NAMES, "zona_omogenea": [ZONES.get(c, "") for c in CODES]}
    )


ISPRA_YEARS = [2006, 2012, *range(2015, 2025)]


def ispra_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stock (long), wide and flows tables shaped like the ISPRA derivatives of the mirror.

    Comune i (0-based) has 10 + i ha consumed in 2006 and gains 0.5 ha a year; its reference
    surface is :data:`REFERENCE_HA` (uneven; the polygons are all 100 ha).
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
                    "consumed_pct": 100.0 * values[y] / REFERENCE_HA[i],
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
                "superficie_ha_derived": REFERENCE_HA[i],
                "stock_2024_ha": values[2024],
                "stock_2024_pct": 100.0 * values[2024] / REFERENCE_HA[i],
            }
        )
    return pd.DataFrame(stock), pd.DataFrame(wide), pd.DataFrame(flows)


def agcom_frame() -> pd.DataFrame:
    """AGCOM-shaped rows: two dates; comune i has :data:`FAMILIES` families.

    (10·i)% of them are reached by FTTH (then 5 points more, at most all); 0 reached is
    unknown (blank).
    """
    rows = []
    for date, extra in (("2025-03-31", 0), ("2025-06-30", 5)):
        for i, code in enumerate(CODES):
            families = FAMILIES[i]
            reached = min(families, round(families * (10 * i + extra) / 100))
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
                    "Famiglie Residenti (calcolato)": families,
                    "Famiglie raggiunte FTTH (calcolato)": reached if reached else None,
                }
            )
    return pd.DataFrame(rows)


def ghsl_frame() -> gpd.GeoDataFrame:
    """GHSL-like population on the four 500 m quarters of each comune (:data:`GHSL_QUARTERS`).

    Quarters are listed NW, NE, SW, SE; Iota (015009) has none (its residents stay uniform).
    """
    half = SIDE / 2
    rows, geoms = [], []
    for i, code in enumerate(CODES):
        x0, y0 = ORIGIN_X + (i % 3) * SIDE, ORIGIN_Y + (i // 3) * SIDE
        corners = [(x0, y0 + half), (x0 + half, y0 + half), (x0, y0), (x0 + half, y0)]
        for (x, y), people in zip(corners, GHSL_QUARTERS[i], strict=True):
            rows.append({"h3_id": f"q{len(rows)}", "pro_com_t": code, "pop_ghsl": people})
            geoms.append(box(x, y, x + half, y + half))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:32632")


SATELLITE_CELL = 100.0


def satellite_arrays() -> dict[str, np.ndarray]:
    """100 m rasters over the territory (30 × 30, north-up) shaped like the mirror's four.

    In comune i: built-up 500·(i+1) m² per cell in 2020, of which 50·i m² gained since 2010;
    WorldCover artificial share 0.1·(i+1) and green/open share 0.9 − 0.1·(i+1) (0 for
    Iota). The north-west cell of Alfa (015001) has no data in every raster.
    """
    n = int(3 * SIDE / SATELLITE_CELL)
    rows, cols = np.mgrid[0:n, 0:n]
    comune = (2 - rows // 10) * 3 + cols // 10  # row 0 is the north edge
    built = 500.0 * (comune + 1)
    change = 50.0 * comune
    artificial = 0.1 * (comune + 1)
    green = np.clip(0.9 - artificial, 0.0, None)
    hole = (rows == 20) & (cols == 0)  # Alfa's north-west cell
    arrays = {
        "built_2020": np.where(hole, -1.0, built),
        "built_change": np.where(hole, -9999.0, change),
        "artificial_share": np.where(hole, -1.0, artificial),
        "green_share": np.where(hole, -1.0, green),
    }
    return {k: v.astype("float32") for k, v in arrays.items()}


SATELLITE_NODATA = {
    "built_2020": -1.0,
    "built_change": -9999.0,
    "artificial_share": -1.0,
    "green_share": -1.0,
}


def bul_frame() -> pd.DataFrame:
    """Infratel BUL rows for two comuni."""
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
    """WGS 84 lon/lat of a point given in metres from the territory's origin."""
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
    """The four interchange entries of :data:`STATIONS` (EPSG:4326, as in the mirror)."""
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
    """The rail stations with their RFI code and GTFS stop (EPSG:4326)."""
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
    """Points at metre offsets from the origin, in EPSG:4326 with lon/lat columns."""
    frame = gpd.GeoDataFrame(
        rows, geometry=[shapely.Point(ORIGIN_X + x, ORIGIN_Y + y) for x, y in xy], crs=32632
    ).to_crs(4326)
    frame["lon"], frame["lat"] = frame.geometry.x, frame.geometry.y
    return frame


def stop_layer_frame(mode: str) -> gpd.GeoDataFrame:
    """A tram or bus stop layer as ``fermate_tram`` / ``fermate_bus`` read (EPSG:4326).

    Frequencies (departures per hour, weekday 08:15-09:15) differ by orders of magnitude: a
    stop every 2 minutes, one every 20, one an hour, one with no service.
    """
    if mode == "tram":
        rows = [
            {"stop_id": "T1", "stop_name": "Piazza", "lines": "1;2", "total_freq_per_hour": 30.0},
            {"stop_id": "T2", "stop_name": "Viale", "lines": "2", "total_freq_per_hour": 3.0},
        ]
        xy = [(1550.0, 1450.0), (450.0, 2650.0)]
    else:
        rows = [
            {"stop_id": "B1", "stop_name": "Scuola", "lines": "90", "total_freq_per_hour": 12.0},
            {"stop_id": "B2", "stop_name": "Cascina", "lines": "327", "total_freq_per_hour": 1.0},
            {"stop_id": "B3", "stop_name": "Deposito", "lines": "", "total_freq_per_hour": 0.0},
            {"stop_id": "B4", "stop_name": "Campagna", "lines": "331", "total_freq_per_hour": 2.0},
        ]
        xy = [(250.0, 350.0), (2550.0, 450.0), (1250.0, 2950.0), (2650.0, 2650.0)]
    return point_layer(rows, xy).drop(columns=["lon", "lat"])


HOSPITAL_XY = (960.0, 1960.0)  # in 015004; its nearest node (1000, 2000) lies on the border


def hospitals_frame() -> gpd.GeoDataFrame:
    """One hospital near the 015004 border."""
    return point_layer(
        [{"codice_struttura": "H1", "denominazione": "Ospedale di confine"}], [HOSPITAL_XY]
    )


def pharmacies_frame() -> gpd.GeoDataFrame:
    """Five pharmacies: one in another comune than declared, one outside the territory."""
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
    """Regione Lombardia school sites with pupils (one unknown, one not state-run)."""
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
    """PNRR M6 projects: two Case, one Ospedale di Comunità, one COT."""
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


def synthetic_territory(areas: dict[str, Area] | None = None) -> Territory:
    """The 3×3 territory: 9 comuni of 1 km² polygons, Parco Sud, zones.

    Reference surfaces (:data:`REFERENCE_HA`) and populations (:data:`POP`) are uneven.
    """
    return build_territory(
        comuni_frame(),
        outline_frame(),
        population_frame(),
        park_frame(),
        zones_frame(),
        areas=areas or {},
        expected_count=9,
        reference_area_ha=pd.Series(REFERENCE_HA, index=CODES),
    )


def synthetic_network():
    """The street grid of :func:`osm_grid_xml` as arrays (no file, no osmnx).

    Horizontal streets are residential, vertical ones footways, 100 m apart over x 0–2000 m,
    y 0–3000 m, plus a two-node fragment linked to nothing.
    """
    from territorio.network.graph import StreetNetwork

    nx, ny = int(NETWORK_X_MAX / STREET_STEP) + 1, int(3000 / STREET_STEP) + 1
    i, j = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    x = ORIGIN_X + STREET_STEP * i.ravel()
    y = ORIGIN_Y + STREET_STEP * j.ravel()
    index = (i * ny + j).astype(np.int64)
    horizontal = (index[:-1, :].ravel(), index[1:, :].ravel())  # residential, along x
    vertical = (index[:, :-1].ravel(), index[:, 1:].ravel())  # footways, along y
    fragment = len(x) + np.array([0])
    x = np.r_[x, ORIGIN_X + 1950.0, ORIGIN_X + 1990.0]
    y = np.r_[y, ORIGIN_Y + 2950.0, ORIGIN_Y + 2950.0]
    u = np.r_[horizontal[0], vertical[0], fragment]
    v = np.r_[horizontal[1], vertical[1], fragment + 1]
    kind = np.r_[
        np.zeros(len(horizontal[0]), dtype=np.int16),
        np.ones(len(vertical[0]), dtype=np.int16),
        np.zeros(1, dtype=np.int16),
    ]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    # two-way streets: both directions, as osmnx builds them
    u, v = np.r_[u, v].astype(np.int32), np.r_[v, u].astype(np.int32)
    no = np.zeros(len(u), dtype=bool)
    return StreetNetwork(
        osmid=np.arange(1000, 1000 + len(x), dtype=np.int64),
        x=x,
        y=y,
        u=u,
        v=v,
        length=np.r_[length, length],
        highway=np.r_[kind, kind],
        highway_names=("residential", "footway"),
        foot_no=no,
        bicycle_no=no.copy(),
        bicycle_contraflow=no.copy(),
        source="territorio.datasets.synthetic_network",
    )


def gtfs_tables() -> dict[str, pd.DataFrame]:
    """The feed of :func:`gtfs_files` as tables of strings, as the GTFS reader gives them."""
    tables = {}
    for name, text in gtfs_files().items():
        header, *rows = csv.reader(text.splitlines())
        tables[name.removesuffix(".txt")] = pd.DataFrame(rows, columns=header, dtype=str)
    return tables


def entries_frame() -> gpd.GeoDataFrame:
    """Interchange entries as the catalogue layer ``nodi_interscambio`` reads (EPSG:32632)."""
    return stations_frame().to_crs(32632)


@dataclass(frozen=True)
class AccessData:
    """Inputs of :func:`territorio.access_to_nodes` on the synthetic territory."""

    network: object
    stations: gpd.GeoDataFrame
    grid: PopulationGrid
    codes: np.ndarray


def synthetic_access(cell_m: float = 50.0) -> AccessData:
    """Street grid, stations (merged, with LUM class) and a uniform population grid."""
    from territorio.access.analysis import build_stations

    territory = synthetic_territory()
    stations = build_stations(
        entries_frame(), rail_frame().to_crs(32632), gtfs_tables(), territory.comuni
    )
    grid = uniform_population_grid(territory.comuni, territory.population(), cell_m)
    return AccessData(synthetic_network(), stations, grid, territory.comuni["pro_com_t"].to_numpy())
