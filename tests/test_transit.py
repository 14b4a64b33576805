"""Public-transport quality classes (ARE) and SDG 11.2.1, against independent oracles."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

import territorio as tt
from territorio.network.reach import GridReach
from territorio.population import PopulationGrid
from territorio.transit.catchments import (
    CellClasses,
    buffer_polygons,
    cell_classes,
    classify_stops,
    comune_table,
)
from territorio.transit.config import TransitConfig
from territorio.transit.departures import stop_departures
from territorio.transit.quality import ClassTable

# The ARE 2022 tables written out by hand, independently of the config defaults
ARE_CATEGORIES = {
    "A": ["I", "I", "II", "III", "IV", "V"],
    "B": ["I", "II", "III", "IV", "V", "VI"],
    "C": ["II", "III", "IV", "V", "VI", "VII"],
}
ARE_CLASSES = {
    "I": "AABC",
    "II": "ABCD",
    "III": "BCDE",
    "IV": "CDEF",
    "V": "DEF-",
    "VI": "EF--",
    "VII": "F---",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]


def test_category_table_is_the_are_table():
    table = ClassTable.from_config(TransitConfig())
    # one interval inside each band: <5, 5-9, 10-19, 20-39, 40-60, 61-120
    intervals = np.array([3.0, 7.0, 15.0, 30.0, 50.0, 90.0])
    for group, expected in ARE_CATEGORIES.items():
        got = table.stop_category(np.array([group] * 6), intervals)
        assert [ROMAN[c - 1] for c in got] == expected
    # and the bounds: 5 and 10 open the next band, 60 and 120 close theirs
    bounds = table.stop_category(np.array(["B"] * 6), np.array([4.99, 5, 60, 60.01, 120, 120.01]))
    assert bounds.tolist() == [1, 2, 5, 6, 6, 0]


def test_class_table_is_the_are_table():
    table = ClassTable.from_config(TransitConfig())
    distances = np.array([150.0, 400.0, 600.0, 900.0, 1200.0])
    for category, letters in enumerate(ARE_CLASSES.values(), start=1):
        got = table.class_at(category, distances)
        expected = [" ABCDEF".index(x) if x != "-" else 0 for x in letters] + [0]
        assert got.tolist() == expected


def _feed_zip(files: dict[str, str]) -> dict[str, pd.DataFrame]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        return {
            n.removesuffix(".txt"): pd.read_csv(archive.open(n), dtype=str)
            for n in archive.namelist()
        }


def test_departures_by_window_hand_count():
    # three stops; trips in both directions; one trip after midnight; a Sunday-only trip;
    # last calls are not departures
    feed = _feed_zip(
        {
            "routes.txt": "route_id,route_short_name,route_type\nR,S9,2\nB,90,3\n",
            "trips.txt": "route_id,service_id,trip_id,direction_id\n"
            "R,WK,t1,0\nR,WK,t2,1\nR,WK,t3,0\nB,WK,b1,0\nR,SUN,s1,0\n",
            "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "t1,07:10:00,07:10:00,X,1\nt1,07:20:00,07:20:00,Y,2\n"
            "t2,08:00:00,08:00:00,Y,1\nt2,08:10:00,08:10:00,X,2\n"
            "t3,24:30:00,24:30:00,X,1\nt3,24:40:00,24:40:00,Y,2\n"
            "b1,06:00:00,,Z,1\nb1,06:05:00,06:05:00,X,2\nb1,06:10:00,06:10:00,Y,3\n"
            "s1,07:00:00,07:00:00,X,1\ns1,07:30:00,07:30:00,Y,2\n",
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,"
            "sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20240101,20241231\n"
            "SUN,0,0,0,0,0,0,1,20240101,20241231\n",
        }
    )
    out = stop_departures(
        feed, pd.Timestamp("2024-03-12"), {"giorno": (390, 1200), "punta": (420, 540)}
    )
    expected = pd.DataFrame(
        {
            "modo": ["ferrovia", "ferrovia", "bus"],
            "linee": ["90;S9", "S9", "90"],
            "direzioni": [1, 1, 1],
            "partenze_giorno": [1, 1, 0],  # X: t1 07:10 (b1 06:05 before, t3 24:30 after)
            "partenze_punta": [1, 1, 0],
        },
        index=pd.Index(["X", "Y", "Z"], name="stop_id"),
    )
    assert_frame_equal(out, expected, check_dtype=False)


def test_trenord_departures_match_gtfs_kit(real_catalog):
    import gtfs_kit as gk  # a test extra: the independent reader of the feed

    path = real_catalog.path("gtfs_trenord_2023")
    feed = gk.read_feed(path, dist_units="km")
    ours = stop_departures(
        real_catalog.read("gtfs_trenord_2023"), pd.Timestamp("2023-12-12"), {"g": (390, 1200)}
    )
    times = feed.get_stop_times("20231212").copy()
    last = times.groupby("trip_id")["stop_sequence"].transform("max")
    times = times[times["stop_sequence"] < last]
    seconds = times["departure_time"].map(gk.helpers.timestr_to_seconds)
    inside = times[(seconds >= 390 * 60) & (seconds < 1200 * 60)]
    oracle = inside.groupby("stop_id").size()
    got = ours["partenze_g"][ours["partenze_g"] > 0]
    got.index, oracle.index = got.index.astype(object), oracle.index.astype(object)
    pd.testing.assert_series_equal(
        got.sort_index(), oracle.sort_index(), check_names=False, check_dtype=False
    )
    assert len(got) > 300 and got.sum() > 5000


def _uneven_stops(rng: np.random.Generator, n: int) -> gpd.GeoDataFrame:
    xy = rng.uniform([500000, 5030000], [502000, 5033000], size=(n, 2))
    return gpd.GeoDataFrame(
        {
            "fermata_id": [f"s{i}" for i in range(n)],
            "modo": rng.choice(["bus", "tram", "ferrovia"], n),
            "gruppo": rng.choice(["A", "B", "C"], n),
            "direzioni": rng.choice([1, 2], n),
            "partenze_giorno": rng.choice([0, 3, 20, 80, 300, 900], n).astype(float),
            "partenze_punta": rng.choice([0, 2, 6, 30], n).astype(float),
            "nodo_id": [None] * n,
        },
        geometry=shapely.points(xy),
        crs=32632,
    )


def _naive_classes(stops, cells_xy, distance_of):
    """Per stop, per cell: the ARE class by a literal reading of the table; best wins."""
    letters = {c: ARE_CLASSES[r] for c, r in zip(range(1, 8), ROMAN, strict=True)}
    limits = [300, 500, 750, 1000]
    best = np.full(len(cells_xy), 99)
    for k, row in stops.reset_index(drop=True).iterrows():
        if row["categoria"] == 0:
            continue
        d = distance_of(k)
        for i, metres in enumerate(d):
            for band, limit in enumerate(limits):
                if metres <= limit:
                    letter = letters[row["categoria"]][band]
                    if letter != "-":
                        best[i] = min(best[i], " ABCDEF".index(letter))
                    break
    return np.where(best == 99, 0, best)


def test_cell_classes_match_a_per_stop_loop_on_buffers_and_network():
    rng = np.random.default_rng(7)
    data = tt.datasets.synthetic_access()
    stops = classify_stops(_uneven_stops(rng, 25), TransitConfig())
    stops_xy = shapely.get_coordinates(stops.geometry.values)
    area = shapely.box(500000, 5030000, 502000, 5033000)
    cells_xy = data.grid.xy[::7]  # 515 cells, some outside the streets
    reach = GridReach.build(data.network, cells_xy, stops_xy, area=area, circuity=1.25)
    got = cell_classes(stops, reach, TransitConfig())

    buffers = _naive_classes(stops, cells_xy, lambda k: np.hypot(*(cells_xy - stops_xy[k]).T))
    np.testing.assert_array_equal(got.classes["buffer"], buffers)

    # network oracle: networkx Dijkstra from each stop over the walking graph
    net = data.network
    graph = nx.Graph()
    walk = net.mode_graph("walk").tocoo()
    for u, v, w in zip(walk.row, walk.col, walk.data, strict=True):
        graph.add_edge(int(u), int(v), weight=float(w))
    nodes = np.array(sorted(graph.nodes))
    node_xy = np.column_stack([net.x[nodes], net.y[nodes]])

    def nearest(xy):
        d = np.hypot(*(node_xy - xy).T)
        return int(nodes[np.argmin(d)]), float(d.min())

    cell_snap = [nearest(xy) for xy in cells_xy]
    inside = shapely.contains_xy(area, cells_xy[:, 0], cells_xy[:, 1])

    def network_distance(k):
        node, snap_m = nearest(stops_xy[k])
        lengths = nx.single_source_dijkstra_path_length(graph, node, weight="weight")
        out = np.empty(len(cells_xy))
        for i, (cell_node, cell_m) in enumerate(cell_snap):
            if inside[i]:
                out[i] = snap_m + lengths.get(cell_node, np.inf) + cell_m
            else:
                out[i] = 1.25 * np.hypot(*(cells_xy[i] - stops_xy[k]))
        return out

    network = _naive_classes(stops, cells_xy, network_distance)
    np.testing.assert_array_equal(got.classes["rete"], network)
    assert (got.classes["rete"] > 0).sum() > 50 and len(set(got.classes["rete"])) >= 4


def test_comune_table_hand_sums_on_uneven_comuni():
    # three comuni of 7, 70 000 and 2 residents; classes and SDG set by hand
    residents = np.array([3.0, 4.0, 50000.0, 20000.0, 2.0])
    zone = np.array([0, 0, 1, 1, 2])
    grid = PopulationGrid(np.zeros((5, 2)), residents, zone)
    cells = CellClasses(
        {"rete": np.array([1, 0, 2, 6, 3]), "buffer": np.array([1, 1, 1, 2, 2])},
        {"rete": np.array([1, 0, 1, 0, 0], bool), "buffer": np.array([1, 1, 1, 1, 0], bool)},
        np.array([True, True, True, False, True]),
    )
    codes = np.array(["015001", "015002", "015003"])
    out = comune_table(cells, grid, codes, TransitConfig())
    expected = pd.DataFrame(
        {
            "tp_classe_A_ab": [3.0, 0.0, 0.0],
            "tp_classe_B_ab": [0.0, 50000.0, 0.0],
            "tp_classe_F_ab": [0.0, 20000.0, 0.0],
            "tp_classe_nessuna_ab": [4.0, 0.0, 0.0],
            "tp_buona_pct": [300 / 7, 500 / 7, 0.0],
            "sdg_11_2_1_pct": [300 / 7, 500 / 7, 0.0],
            "tp_buona_buffer_pct": [100.0, 100.0, 100.0],
            "sdg_11_2_1_buffer_pct": [100.0, 100.0, 0.0],
            "tp_quota_rete_pct": [100.0, 50.0, 100.0],
        },
        index=pd.Index(codes, name="pro_com_t"),
    )
    assert_frame_equal(out[expected.columns], expected)


def test_sdg_uses_regular_service_and_capacity_distances():
    cfg = TransitConfig()
    stops = gpd.GeoDataFrame(
        {
            "fermata_id": ["rail", "bus", "rare bus"],
            "modo": ["ferrovia", "bus", "bus"],
            "gruppo": ["B", "C", "C"],
            "direzioni": [2, 1, 1],
            "partenze_giorno": [100.0, 100.0, 100.0],
            "partenze_punta": [12.0, 6.0, 5.0],  # per hour per direction: 3, 3, 2.5
            "nodo_id": ["rail", None, None],
        },
        geometry=[shapely.Point(0, 0), shapely.Point(5000, 0), shapely.Point(10000, 0)],
        crs=32632,
    )
    stops = classify_stops(stops, cfg)
    assert stops["servizio_regolare"].tolist() == [True, True, False]
    cells = np.array([[900.0, 0], [1100.0, 0], [5450.0, 0], [5550.0, 0], [10100.0, 0]])
    network = tt.datasets.synthetic_network()
    reach = GridReach.build(
        network,
        cells,
        shapely.get_coordinates(stops.geometry.values),
        area=shapely.box(-1, -1, 0, 0),
        circuity=1.0,  # all cells outside: straight lines
    )
    got = cell_classes(stops, reach, cfg)
    assert got.sdg["buffer"].tolist() == [True, False, True, False, False]


def test_buffer_rings_closed_form_and_best_class_wins():
    cfg = TransitConfig()
    one = gpd.GeoDataFrame({"categoria": [2]}, geometry=[shapely.Point(0, 0)], crs=32632)
    rings = buffer_polygons(one, cfg).set_index("classe").area
    pi = np.pi
    expected = {
        "A": pi * 300**2,
        "B": pi * (500**2 - 300**2),
        "C": pi * (750**2 - 500**2),
        "D": pi * (1000**2 - 750**2),
    }
    for letter, area in expected.items():
        assert rings[letter] == pytest.approx(area, rel=2e-3)
    # a category-I stop 400 m away: where both reach, the better class wins, areas add up
    two = gpd.GeoDataFrame(
        {"categoria": [2, 1]}, geometry=[shapely.Point(0, 0), shapely.Point(400, 0)], crs=32632
    )
    rings = buffer_polygons(two, cfg)
    union = shapely.union_all(
        [
            shapely.buffer(shapely.Point(0, 0), 1000, quad_segs=16),
            shapely.buffer(shapely.Point(400, 0), 1000, quad_segs=16),
        ]
    )
    assert rings.area.sum() == pytest.approx(union.area, rel=1e-6)
    a = rings.set_index("classe").geometry["A"]
    assert a.contains(shapely.Point(700, 0)) and a.contains(shapely.Point(-250, 0))
    assert not a.contains(shapely.Point(-350, 0))


def test_config_rejects_bad_tables():
    with pytest.raises(ValueError, match="stop_categories.A"):
        TransitConfig(stop_categories={"A": [1, 2], "B": [1] * 6, "C": [1] * 6})
    with pytest.raises(ValueError, match="must not improve"):
        TransitConfig(classes={**TransitConfig().classes, "1": "BA"})
    with pytest.raises(ValueError, match="day_window"):
        TransitConfig(day_window=["20:00", "06:30"])


def test_mirror_run_writes_classes_sdg_and_fca(mirror_run):
    out, _ = mirror_run
    table = pd.read_csv(out / "indicatori_comuni.csv", dtype={"pro_com_t": str})
    for column in (
        "tp_buona_pct",
        "sdg_11_2_1_pct",
        "sdg_11_2_1_buffer_pct",
        "fca_farmacie_bfca",
        "fca_scuole_sec2_e2sfca",
    ):
        assert column in table.columns
    classes = [f"tp_classe_{x}_ab" for x in ("A", "B", "C", "D", "E", "F", "nessuna")]
    pop = [c for c in table.columns if c.startswith("popolazione_")][-1]
    np.testing.assert_allclose(table[classes].sum(axis=1), table[pop], rtol=1e-9)
    assert (table["sdg_11_2_1_buffer_pct"] >= table["sdg_11_2_1_pct"] - 1e-9).all()
    stops = gpd.read_file(out / "trasporto" / "qualita_trasporto.gpkg", layer="fermate_qualita")
    assert len(stops) > 7000 and set(stops["categoria_romana"]) >= {"I", "II", "III"}
    rail = stops[stops["nome"] == "Milano Centrale"].iloc[0]  # Trenord's regional trains only
    assert rail["fonte_partenze"].startswith("GTFS Trenord 2023")
    assert rail["categoria_romana"] in ("I", "II") and rail["gruppo"] == "A"
    metro = stops[stops["nome"] == "Centrale Fs"].iloc[0]  # M2 and M3, a train every few minutes
    assert metro["categoria_romana"] == "I" and metro["intervallo_giorno_min"] < 5
    dictionary = pd.read_csv(out / "dizionario_dati.csv", encoding="utf-8-sig")
    assert not dictionary["descrizione"].str.contains("non documentata").any()


def test_a_user_feed_without_stop_times_is_named(catalog, tmp_path):
    from territorio.config import load_config
    from territorio.errors import MissingColumnError
    from territorio.runner import run_pipeline

    feed = tmp_path / "orari.zip"
    with zipfile.ZipFile(feed, "w") as archive:
        for name, text in tt.datasets.gtfs_files().items():
            if name != "stop_times.txt":
                archive.writestr(name, text)
    cfg = load_config(None)
    cfg["transit"].feeds = [str(feed)]
    cfg["run"].steps = ["mobilita", "trasporto"]
    with pytest.raises(MissingColumnError) as error:
        run_pipeline(cfg, catalog=catalog, out=tmp_path / "out")
    assert "orari.zip" in str(error.value) and "stop_times" in str(error.value)
    assert "mancano" in error.value.italian
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_service_date_outside_the_feed_is_refused(catalog, tmp_path):
    from territorio.config import load_config
    from territorio.errors import ConfigError
    from territorio.runner import run_pipeline

    cfg = load_config(None)
    cfg["transit"].service_date = "2030-01-08"
    cfg["run"].steps = ["mobilita", "trasporto"]
    with pytest.raises(ConfigError) as error:
        run_pipeline(cfg, catalog=catalog, out=tmp_path / "out")
    assert "2030-01-08" in str(error.value) and "gtfs_trenord_2023" in str(error.value)
    assert "nessuna corsa" in error.value.italian


def test_synthetic_run_classes_every_source(catalog, tmp_path):
    from territorio.config import load_config
    from territorio.runner import run_pipeline

    cfg = load_config(None)
    cfg["run"].steps = ["mobilita", "trasporto", "servizi"]
    result = run_pipeline(cfg, catalog=catalog, out=tmp_path / "out")
    stops = gpd.read_file(
        tmp_path / "out" / "trasporto" / "qualita_trasporto.gpkg", layer="fermate_qualita"
    ).set_index("fermata_id")
    # the tram every 2 minutes is category II (group C, < 5 min); the hourly bus VI (the
    # 40-60 minute band includes 60), the bus every 30 minutes V
    assert stops.loc["tram:T1", "categoria_romana"] == "II"
    assert stops.loc["bus:B2", "categoria_romana"] == "VI"
    assert stops.loc["bus:B4", "categoria_romana"] == "V"
    assert stops.loc["bus:B3", "categoria"] == 0  # no service
    assert stops.loc["bus:B1", "servizio_regolare"] and not stops.loc["bus:B4", "servizio_regolare"]
    table = result.table.frame
    classes = [f"tp_classe_{x}_ab" for x in ("A", "B", "C", "D", "E", "F", "nessuna")]
    np.testing.assert_allclose(table[classes].sum(axis=1), table["popolazione_2024"])
    departures = pd.read_csv(tmp_path / "out" / "trasporto" / "partenze_gtfs.csv")
    assert set(departures["uso"]) == {"ferrovia (nodi)", "solo verifica"}
    for column in ("fca_farmacie_bfca", "fca_scuole_sec2_e2sfca", "fca_ospedali_sotto_soglia"):
        assert column in table.columns


def test_a_user_bus_feed_replaces_the_bus_frequency_layer(catalog, tmp_path):
    from territorio.config import load_config
    from territorio.runner import run_pipeline

    # one bus line through the territory, every 10 minutes in each direction 06:00-21:00
    a = tt.datasets.to_lonlat(400.0, 400.0)
    b = tt.datasets.to_lonlat(1600.0, 400.0)
    times = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    trips = ["route_id,service_id,trip_id,direction_id"]
    for k in range(90):
        minute = 360 + 10 * k
        for direction, (first, last) in enumerate((("A", "B"), ("B", "A"))):
            trip = f"t{k}{direction}"
            trips.append(f"L90,WK,{trip},{direction}")
            start = f"{minute // 60:02d}:{minute % 60:02d}:00"
            end = f"{(minute + 6) // 60:02d}:{(minute + 6) % 60:02d}:00"
            times += [f"{trip},{start},{start},{first},1", f"{trip},{end},{end},{last},2"]
    feed = tmp_path / "autobus.zip"
    with zipfile.ZipFile(feed, "w") as archive:
        archive.writestr(
            "stops.txt",
            f"stop_id,stop_name,stop_lat,stop_lon\nA,Est,{a[1]},{a[0]}\nB,Ovest,{b[1]},{b[0]}\n",
        )
        archive.writestr("routes.txt", "route_id,route_short_name,route_type\nL90,90,3\n")
        archive.writestr("trips.txt", "\n".join(trips) + "\n")
        archive.writestr("stop_times.txt", "\n".join(times) + "\n")
        archive.writestr(
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,"
            "saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20240101,20240630\n",
        )
    cfg = load_config(None)
    cfg["transit"].feeds = [str(feed)]
    cfg["run"].steps = ["mobilita", "trasporto"]
    result = run_pipeline(cfg, catalog=catalog, out=tmp_path / "out")
    stops = gpd.read_file(
        tmp_path / "out" / "trasporto" / "qualita_trasporto.gpkg", layer="fermate_qualita"
    ).set_index("fermata_id")
    assert not any(i.startswith("bus:") for i in stops.index)  # the layer's buses left out
    assert {"tram:T1", "tram:T2"} <= set(stops.index)  # trams still from their layer
    east = stops.loc["autobus.zip:A"]
    # 06:30-20:00: departures every 10 min in one direction from A (trips A→B), 81 of them;
    # one direction → interval 810 / 81 = 10 min, which opens the 10-19 band: group C → IV
    assert east["partenze_giorno"] == 81 and east["direzioni"] == 1
    assert east["intervallo_giorno_min"] == pytest.approx(10.0)
    assert east["categoria_romana"] == "IV" and east["fonte_partenze"].startswith("GTFS")
    assert stops.crs.to_epsg() == 32632
    summary = next(n.text["it"] for n in result.notes if n.text["it"].startswith("Qualità"))
    assert "(fermate_tram)" in summary  # the frequency layers actually used, named
