"""Layers of an accessibility run: travel-time bands, isochrones, LUM catchments, gaps (pure).

Isochrones and network catchments are polygons of the travel-time grid (a raster contour,
via ``rasterio.features.shapes``) split by nearest station: no buffer-and-union of edges.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.access.analysis import MODES
from territorio.access.config import AccessConfig
from territorio.codes import KEY
from territorio.crs import WORK_CRS
from territorio.mapspec import Estimate
from territorio.network.times import AccessResult
from territorio.spatial import points_table

NODATA = -1.0


def _raster(result: AccessResult, values: np.ndarray, fill: float, dtype: str) -> np.ndarray:
    grid = result.times.grid
    out = np.full(grid.shape, fill, dtype=dtype)
    out[grid.rows, grid.cols] = values
    return out


NOT_ESTIMATED = {"accesso_metodo", "accesso_quota_rete_pct"}
ACCESS_ESTIMATE = Estimate(
    "accesso_metodo",
    "stima",
    {
        "it": "fuori dall'estratto della rete stradale: tempi stimati in linea d'aria × tortuosità",
        "en": "outside the street-network extract: times estimated as straight line × circuity",
    },
)

TIFF_BANDS = ("tempo_piedi_min", "tempo_bici_min", "metodo_1rete_2stima")


def travel_time_bands(result: AccessResult) -> list[np.ndarray]:
    """The minutes to the nearest station as three float32 bands on the grid.

    Band 1 on foot, band 2 by bike, band 3 the method (1 rete, 2 stima); :data:`NODATA`
    outside the CMM or where unreachable.
    """
    bands = []
    for mode in ("walk", "bike"):
        minutes = result.times.minutes[mode].astype("float32")
        bands.append(
            _raster(result, np.where(np.isfinite(minutes), minutes, NODATA), NODATA, "float32")
        )
    bands.append(_raster(result, np.where(result.times.in_network, 1.0, 2.0), NODATA, "float32"))
    return bands


def _polygons(result: AccessResult, labels: np.ndarray, mask: np.ndarray) -> gpd.GeoDataFrame:
    """Polygons of equal label among the masked cells, dissolved per label."""
    return result.times.grid.label_polygons(labels, mask)


def isochrones(result: AccessResult, thresholds: list[int]) -> gpd.GeoDataFrame:
    """Per station, mode and threshold: the cells whose nearest station it is, within the time."""
    stations = result.stations
    frames = []
    for mode, label in MODES.items():
        minutes = result.times.minutes[mode]
        station = result.times.station[mode]
        for limit in thresholds:
            poly = _polygons(
                result, station, (minutes <= limit) & (station >= 0) & result.times.in_network
            )
            if poly.empty:
                continue
            poly["nodo_id"] = stations["nodo_id"].to_numpy()[poly["label"]]
            poly["nome"] = stations["nome"].to_numpy()[poly["label"]]
            poly["modo"] = label
            poly["minuti"] = limit
            frames.append(poly.drop(columns="label"))
    return _concat(frames)


def lum_catchments(
    result: AccessResult, cfg: AccessConfig
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """LUM by class: straight buffers, and walking-network catchments of the same radius."""
    stations = result.stations
    radius = stations["classe_lum"].map(cfg.lum_radius).to_numpy(dtype=float)
    buffers = gpd.GeoDataFrame(
        {
            "nodo_id": stations["nodo_id"],
            "nome": stations["nome"],
            "classe_lum": stations["classe_lum"],
            "raggio_m": radius,
        },
        geometry=shapely.buffer(stations.geometry.values, radius, quad_segs=16),
        crs=WORK_CRS,
    )
    station = result.times.station["walk"]
    metres = result.times.metres["walk"]
    limit = np.where(station >= 0, radius[np.maximum(station, 0)], -1.0)
    network = _polygons(
        result, station, (station >= 0) & (metres <= limit) & result.times.in_network
    )
    if not network.empty:
        network["nodo_id"] = stations["nodo_id"].to_numpy()[network["label"]]
        network["nome"] = stations["nome"].to_numpy()[network["label"]]
        network["classe_lum"] = stations["classe_lum"].to_numpy()[network["label"]]
        network["raggio_m"] = radius[network["label"]]
        network = network.drop(columns="label")
    return buffers, network


def gaps(result: AccessResult, territory_codes: np.ndarray, limit: float) -> gpd.GeoDataFrame:
    """Populated cells beyond ``limit`` minutes on foot, dissolved per comune with residents."""
    grid = result.times.grid
    far = (result.times.minutes["walk"] > limit) & (grid.residents > 0)
    poly = _polygons(result, grid.zone, far)
    if poly.empty:
        return poly
    residents = np.bincount(grid.zone, weights=grid.residents * far, minlength=len(territory_codes))
    poly[KEY] = territory_codes[poly["label"]]
    poly["residenti"] = residents[poly["label"]]
    poly["metodo"] = np.where(
        pd.Series(result.times.in_network)
        .groupby(grid.zone)
        .mean()
        .reindex(poly["label"])
        .to_numpy()
        >= 1.0,
        "rete",
        "stima",
    )
    return poly.drop(columns="label")


def network_layers(result: AccessResult) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The walking network's edges (``u``, ``v``, ``length_m``) and node-level results."""
    net = result.network
    walk, bike = result.modes["walk"], result.modes["bike"]
    graph = net.mode_graph("walk")
    coo = graph.tocoo()
    keep = coo.row < coo.col
    u, v, length = coo.row[keep], coo.col[keep], coo.data[keep]
    starts = np.column_stack([net.x[u], net.y[u]])
    ends = np.column_stack([net.x[v], net.y[v]])
    upper = shapely.linestrings(np.stack([starts, ends], axis=1))
    edges = gpd.GeoDataFrame(
        {"u": net.osmid[u], "v": net.osmid[v], "length_m": length}, geometry=upper, crs=WORK_CRS
    )
    nodes_used = walk.nodes if walk.graph_nodes is None else walk.graph_nodes
    stations = result.stations["nodo_id"].to_numpy()
    station = walk.node_station[nodes_used]
    nodes = gpd.GeoDataFrame(
        {
            "osmid": net.osmid[nodes_used],
            "dist_m": walk.node_distance[nodes_used],
            "tempo_piedi_min": walk.minutes(walk.node_distance[nodes_used]),
            "tempo_bici_min": bike.minutes(bike.node_distance[nodes_used]),
            "nodo_interscambio": np.where(station >= 0, stations[np.maximum(station, 0)], None),
            "rete_principale": np.isin(nodes_used, walk.nodes),
        },
        geometry=shapely.points(net.x[nodes_used], net.y[nodes_used]),
        crs=WORK_CRS,
    )
    for column in ("dist_m", "tempo_piedi_min", "tempo_bici_min"):
        nodes[column] = nodes[column].replace(np.inf, np.nan)
    return edges, nodes


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    if not frames:
        return gpd.GeoDataFrame(geometry=[], crs=WORK_CRS)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WORK_CRS)


def access_layers(
    result: AccessResult, cfg: AccessConfig, codes: np.ndarray
) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the access GeoPackage, by layer name (empty optional layers left out)."""
    stations = result.stations.copy()
    layers = {
        "nodi_interscambio": stations[stations["in_rete"]],
        "nodi_fuori_rete": stations[~stations["in_rete"]],
        "isocrone": isochrones(result, cfg.thresholds_min),
    }
    buffers, network = lum_catchments(result, cfg)
    layers["lum_buffer"] = buffers
    if not network.empty:
        layers["lum_rete"] = network
    lacune = gaps(result, codes, cfg.thresholds_min[-1])
    if not lacune.empty:
        layers["lacune"] = lacune
    if cfg.network_layers:
        layers["rete_pedonale"], layers["nodi_rete"] = network_layers(result)
    return layers


def station_table(result: AccessResult) -> pd.DataFrame:
    """The stations as a table with their coordinates (EPSG:32632)."""
    return points_table(result.stations)
