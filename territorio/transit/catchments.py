"""Quality classes and SDG 11.2.1 on every cell of the population grid, and per comune (pure).

Per stop category, each cell's distance to the nearest stop of that category (straight line for
the buffers, walking network for the network catchments; see
:class:`territorio.network.reach.GridReach`) gives a class by :meth:`ClassTable.class_at`; the
best class over categories wins. SDG 11.2.1: a cell is served when a regular low-capacity stop
lies within 500 m or a regular high-capacity one within 1 km.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorio.codes import KEY
from territorio.network.reach import GridReach
from territorio.population import PopulationGrid
from territorio.transit.config import CLASS_LETTERS, TransitConfig
from territorio.transit.quality import ClassTable, category_roman, class_letter, mean_interval
from territorio.transit.stops import window_hours

METHODS = ("rete", "buffer")


def classify_stops(stops: gpd.GeoDataFrame, cfg: TransitConfig) -> gpd.GeoDataFrame:
    """Mean intervals, stop categories, LUM class from the timetable and SDG flags per stop.

    Adds ``intervallo_giorno_min``, ``intervallo_punta_min``, ``categoria`` (1 = I, 0 none),
    ``categoria_romana``, ``categoria_punta``, ``classe_vicino`` (class within the first
    distance band), ``alta_capacita``, ``servizio_regolare`` (SDG: departures per hour and
    direction in the peak window at least ``sdg_min_departures_per_hour``) and, for
    interchange nodes, ``classe_lum_orario``.

    Examples
    --------
    >>> import shapely
    >>> stops = gpd.GeoDataFrame(
    ...     {
    ...         "fermata_id": ["a", "b"],
    ...         "modo": ["ferrovia", "bus"],
    ...         "gruppo": ["B", "C"],
    ...         "direzioni": [2, 1],
    ...         "partenze_giorno": [108.0, 27.0],
    ...         "partenze_punta": [16.0, 4.0],
    ...         "nodo_id": ["a", None],
    ...     },
    ...     geometry=[shapely.Point(0, 0), shapely.Point(1, 1)],
    ...     crs=32632,
    ... )
    >>> out = classify_stops(stops, TransitConfig())
    >>> out[
    ...     [
    ...         "intervallo_giorno_min",
    ...         "categoria_romana",
    ...         "classe_vicino",
    ...         "servizio_regolare",
    ...         "classe_lum_orario",
    ...     ]
    ... ].values.tolist()
    [[15.0, 'III', 'B', True, 3.0], [30.0, 'V', 'D', False, nan]]
    """
    table = ClassTable.from_config(cfg)
    out = stops.copy()
    directions = out["direzioni"].to_numpy()
    day_min = window_hours(cfg, "day") * 60
    peak_min = window_hours(cfg, "peak") * 60
    out["intervallo_giorno_min"] = mean_interval(out["partenze_giorno"], day_min, directions)
    out["intervallo_punta_min"] = mean_interval(out["partenze_punta"], peak_min, directions)
    groups = out["gruppo"].to_numpy()
    out["categoria"] = table.stop_category(groups, out["intervallo_giorno_min"].to_numpy())
    out["categoria_romana"] = category_roman(out["categoria"].to_numpy())
    out["categoria_punta"] = category_roman(
        table.stop_category(groups, out["intervallo_punta_min"].to_numpy())
    )
    near = np.array([table.class_at(c, np.array([0.0]))[0] if c else 0 for c in out["categoria"]])
    out["classe_vicino"] = class_letter(near)
    modes = out["modo"].astype(str).str.split(";")
    out["alta_capacita"] = modes.map(lambda m: bool(set(m) & set(cfg.sdg_high_capacity_modes)))
    per_hour = out["partenze_punta"] / np.maximum(directions, 1) / window_hours(cfg, "peak")
    out["servizio_regolare"] = per_hour >= cfg.sdg_min_departures_per_hour
    lum = out["categoria"].astype(str).map(cfg.lum_categories)
    out["classe_lum_orario"] = lum.where(out["nodo_id"].notna())
    for column in ("intervallo_giorno_min", "intervallo_punta_min"):
        out[column] = out[column].replace(np.inf, np.nan)
    return out


@dataclass
class CellClasses:
    """Class code (0 none, 1 A ... 6 F) and SDG flag of every cell, by method."""

    classes: dict[str, np.ndarray]
    sdg: dict[str, np.ndarray]
    inside: np.ndarray


def cell_classes(stops: gpd.GeoDataFrame, reach: GridReach, cfg: TransitConfig) -> CellClasses:
    """Best class and SDG 11.2.1 of every cell, on the walking network and on straight buffers.

    ``reach`` must be built on the same stops, in the same order.
    """
    table = ClassTable.from_config(cfg)
    category = stops["categoria"].to_numpy()
    limit = table.reach_m
    regular = stops["servizio_regolare"].to_numpy(bool)
    high = stops["alta_capacita"].to_numpy(bool)
    sets = [(category == c, limit, int(c)) for c in sorted(set(category) - {0})]
    sets += [
        (regular & ~high, cfg.sdg_low_capacity_m, "bassa"),
        (regular & high, cfg.sdg_high_capacity_m, "alta"),
    ]
    metres: dict[str, dict] = {method: {} for method in METHODS}
    for which, bound, key in sets:
        # one straight-line pass serves the buffers and the estimate outside the extract
        straight = reach.straight(which, bound)
        metres["buffer"][key] = straight
        metres["rete"][key] = reach.metres(which, bound, straight=straight)
    classes, sdg = {}, {}
    for method in METHODS:
        found = metres[method]
        by_category = {k: v for k, v in found.items() if isinstance(k, int)}
        classes[method] = table.best_class(by_category, len(reach.cells_xy))
        sdg[method] = np.isfinite(found["bassa"]) | np.isfinite(found["alta"])
    return CellClasses(classes, sdg, reach.inside)


def comune_table(
    cells: CellClasses, grid: PopulationGrid, codes: np.ndarray, cfg: TransitConfig
) -> pd.DataFrame:
    """Residents per class, share with good service and SDG 11.2.1, per comune and method.

    Columns (network method, then ``_buffer`` for straight buffers): ``tp_classe_<X>_ab`` and
    ``_pct`` for X in A-F and ``nessuna``, ``tp_buona_ab``/``_pct`` (``good_classes``),
    ``sdg_11_2_1_ab``/``_pct``, and ``tp_quota_rete_pct`` (cells measured on the network).

    Examples
    --------
    >>> grid = PopulationGrid(np.zeros((3, 2)), np.array([10.0, 30.0, 60.0]), np.array([0, 0, 1]))
    >>> cells = CellClasses(
    ...     {"rete": np.array([1, 3, 0]), "buffer": np.array([1, 1, 2])},
    ...     {"rete": np.array([True, False, False]), "buffer": np.array([True, True, True])},
    ...     np.array([True] * 3),
    ... )
    >>> out = comune_table(cells, grid, np.array(["015001", "015002"]), TransitConfig())
    >>> out[
    ...     [
    ...         "tp_classe_A_ab",
    ...         "tp_classe_C_pct",
    ...         "tp_buona_pct",
    ...         "sdg_11_2_1_pct",
    ...         "tp_buona_buffer_pct",
    ...     ]
    ... ].values.tolist()
    [[10.0, 75.0, 25.0, 25.0, 100.0], [0.0, 0.0, 0.0, 0.0, 100.0]]
    """
    n = len(codes)
    residents = np.bincount(grid.zone, weights=grid.residents, minlength=n)
    good = [CLASS_LETTERS.index(x) + 1 for x in cfg.good_classes]
    out: dict[str, np.ndarray] = {}

    def share(values: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(residents > 0, 100.0 * values / residents, np.nan)

    for method in METHODS:
        suffix = "" if method == "rete" else "_buffer"
        code = cells.classes[method]
        labels = [*CLASS_LETTERS, "nessuna"]
        values = [*range(1, 7), 0]
        for label, value in zip(labels, values, strict=True):
            count = np.bincount(grid.zone, weights=grid.residents * (code == value), minlength=n)
            out[f"tp_classe_{label}{suffix}_ab"] = count
            out[f"tp_classe_{label}{suffix}_pct"] = share(count)
        good_count = np.bincount(
            grid.zone, weights=grid.residents * np.isin(code, good), minlength=n
        )
        out[f"tp_buona{suffix}_ab"] = good_count
        out[f"tp_buona{suffix}_pct"] = share(good_count)
        sdg = np.bincount(grid.zone, weights=grid.residents * cells.sdg[method], minlength=n)
        out[f"sdg_11_2_1{suffix}_ab"] = sdg
        out[f"sdg_11_2_1{suffix}_pct"] = share(sdg)
    inside = pd.Series(cells.inside).groupby(grid.zone).mean().reindex(range(n)).to_numpy()
    out["tp_quota_rete_pct"] = 100.0 * inside
    return pd.DataFrame(out, index=pd.Index(codes, name=KEY))


def buffer_polygons(
    stops: gpd.GeoDataFrame, cfg: TransitConfig, clip: shapely.Geometry | None = None
) -> gpd.GeoDataFrame:
    """Catchments by class as straight buffers, the best class winning where they overlap.

    The area of class ≤ k is the union, over categories, of the stops' discs of the largest
    distance that still gives class ≤ k; class k is that area less the area of class ≤ k − 1.

    Examples
    --------
    >>> stops = gpd.GeoDataFrame({"categoria": [1]}, geometry=[shapely.Point(0, 0)], crs=32632)
    >>> rings = buffer_polygons(stops, TransitConfig())
    >>> rings["classe"].tolist(), [round(a / 1e4) for a in rings.area]  # hectares
    (['A', 'B', 'C'], [78, 98, 137])
    """
    table = ClassTable.from_config(cfg)
    category = stops["categoria"].to_numpy()
    xy = stops.geometry.values
    rows, covered = [], None
    for code in range(1, 7):
        parts = []
        for c in sorted(set(category) - {0}):
            row = table.classes[c - 1]
            reach = np.flatnonzero((row > 0) & (row <= code))
            if len(reach):
                parts.append(
                    shapely.buffer(xy[category == c], table.distances[reach.max()], quad_segs=16)
                )
        if not parts:
            continue
        area = shapely.union_all(np.concatenate(parts))
        if clip is not None:
            area = shapely.intersection(area, clip)
        ring = area if covered is None else shapely.difference(area, covered)
        covered = area
        if not ring.is_empty:
            rows.append({"classe": CLASS_LETTERS[code - 1], "geometry": ring})
    return gpd.GeoDataFrame(
        rows, columns=["classe", "geometry"], geometry="geometry", crs=stops.crs
    )
