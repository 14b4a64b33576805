"""Format readers: one function per kind of layer, each validating what it reads.

These functions know nothing about the catalogue; they take a path and what is expected of
the file (layer, CRS, key column, required columns) and return data in the working CRS with
ISTAT codes normalised in ``pro_com_t``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from territorio.areas import BUILTIN_AREAS_FILE, Area, parse_areas
from territorio.codes import KEY, check_unique, normalise_code_series
from territorio.crs import WORK_CRS
from territorio.errors import (
    ConfigError,
    CountMismatchWarning,
    CRSError,
    MissingColumnError,
    UnreadableFileError,
)


@dataclass(frozen=True)
class Expectation:
    """What a file must satisfy to be accepted for a layer.

    Attributes
    ----------
    label
        How to name the layer in messages.
    layer
        Layer name inside a multi-layer file.
    crs
        CRS the file must declare (empty: any defined CRS).
    key
        Column with ISTAT comune codes to normalise into ``pro_com_t``.
    key_unique
        Whether codes must be unique.
    columns
        Required columns.
    expected_count
        Feature/row count; a mismatch warns.
    """

    label: str
    layer: str = ""
    crs: str = ""
    key: str = ""
    key_unique: bool = False
    columns: tuple[str, ...] = ()
    expected_count: int = 0


def read_vector(path: Path, expect: Expectation) -> gpd.GeoDataFrame:
    """Read a vector layer with pyogrio and reproject it once to EPSG:32632.

    Raises
    ------
    UnreadableFileError, CRSError, MissingColumnError, InvalidValueError, DuplicateCodeError
    """
    import pyogrio

    try:
        frame = pyogrio.read_dataframe(path, layer=expect.layer or None)
    except Exception as exc:  # pyogrio raises several DataSource/DataLayer error types
        what = f"a vector layer {expect.layer!r}" if expect.layer else "a vector file"
        raise UnreadableFileError(path, what, str(exc)) from exc
    source = _where(path, expect.layer)
    if frame.crs is None:
        raise CRSError(
            f"{source}: the layer has no coordinate reference system; expected "
            f"{expect.crs or 'a defined CRS'} (set it in the file, e.g. with ogr2ogr -a_srs)"
        )
    if expect.crs and CRS(frame.crs) != CRS(expect.crs):
        raise CRSError(
            f"{source}: CRS is {frame.crs.to_string()}, expected {expect.crs} as recorded in "
            "the catalogue"
        )
    _require_columns(frame, expect.columns, source)
    frame = _normalise_key(frame, expect, source)
    _check_count(len(frame), expect, source)
    if CRS(frame.crs) != WORK_CRS:
        frame = frame.to_crs(WORK_CRS)
    return frame


def read_table(path: Path, expect: Expectation) -> pd.DataFrame:
    """Read a CSV table (comma, semicolon or tab separated; UTF-8 or Windows-1252).

    Raises
    ------
    UnreadableFileError, MissingColumnError, InvalidValueError, DuplicateCodeError
    """
    text = _read_text(path)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=_sniff_separator(text),
            dtype={expect.key: "object"} if expect.key else None,
            keep_default_na=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise UnreadableFileError(path, "a CSV table", str(exc)) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    source = str(path)
    _require_columns(frame, expect.columns, source)
    frame = _normalise_key(frame, expect, source, first_row=1)
    _check_count(len(frame), expect, source)
    return frame


def read_indicators(path: Path | str) -> pd.DataFrame:
    r"""Read an ``indicatori_comuni.csv`` written by a run back, ``pro_com_t`` kept as text.

    Examples
    --------
    >>> import tempfile, pathlib, territorio as tt
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "indicatori_comuni.csv"
    >>> _ = path.write_text("pro_com_t,comune\n015001,Abbiategrasso\n")
    >>> tt.read_indicators(path)["pro_com_t"].tolist()  # the leading zero is kept
    ['015001']
    """
    return pd.read_csv(path, dtype={"pro_com_t": str})


def read_json(path: Path, expect: Expectation) -> Any:
    """Read a JSON document; a top-level object is counted by its keys."""
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(path, "JSON", str(exc)) from exc
    if isinstance(data, dict | list):
        _check_count(len(data), expect, str(path))
    return data


def read_gtfs(path: Path, expect: Expectation) -> dict[str, pd.DataFrame]:
    """Read every ``.txt`` table of a GTFS zip as strings, keyed by table name.

    Raises
    ------
    UnreadableFileError
        If the zip is broken or lacks ``stops.txt``.
    """
    tables: dict[str, pd.DataFrame] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".txt"):
                    with archive.open(name) as handle:
                        tables[Path(name).stem] = pd.read_csv(handle, dtype=str)
    except (zipfile.BadZipFile, OSError, pd.errors.ParserError) as exc:
        raise UnreadableFileError(path, "a GTFS zip", str(exc)) from exc
    if "stops" not in tables:
        raise UnreadableFileError(path, "a GTFS zip", "stops.txt is missing")
    missing = [c for c in expect.columns if c not in tables]
    if missing:
        raise MissingColumnError(path, missing, sorted(tables))
    _check_count(len(tables["stops"]), expect, f"{path} (stops.txt)")
    return tables


def read_network(path: Path, expect: Expectation):
    """Build a street graph with osmnx from an OSM XML file and project it to EPSG:32632.

    Raises
    ------
    UnreadableFileError
        If the file is not OSM XML (``.osm`` or ``.osm.bz2``).
    """
    import osmnx as ox

    name = path.name.lower()
    if not name.endswith((".osm", ".osm.bz2", ".xml", ".xml.bz2")):
        raise UnreadableFileError(
            path,
            "OSM XML (.osm or .osm.bz2)",
            "osmnx reads OSM XML only; convert a .pbf first, e.g. `osmium cat file.osm.pbf "
            "-o file.osm.bz2`",
        )
    try:
        graph = ox.graph_from_xml(path, retain_all=True)
    except Exception as exc:  # osmnx/lxml raise assorted parse errors
        raise UnreadableFileError(path, "OSM XML", str(exc)) from exc
    return ox.project_graph(graph, to_crs=WORK_CRS)


def open_raster(path: Path | str, expect: Expectation | None = None):
    """Open a raster with rasterio; the caller closes it (use it as a context manager).

    The dataset is what the zonal functions read (:mod:`territorio.zonal`), block by block.

    Raises
    ------
    UnreadableFileError, CRSError

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, rasterio, territorio as tt
    >>> from rasterio.transform import from_origin
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pop.tif"
    >>> with rasterio.open(
    ...     path,
    ...     "w",
    ...     driver="GTiff",
    ...     width=30,
    ...     height=30,
    ...     count=1,
    ...     dtype="float32",
    ...     crs="EPSG:32632",
    ...     transform=from_origin(500_000, 5_033_000, 100, 100),
    ... ) as dst:
    ...     dst.write(np.full((1, 30, 30), 2.0, dtype="float32"))
    >>> with tt.open_raster(path) as src:
    ...     tt.zonal_sum(src, tt.datasets.comuni_frame()).tolist()[:3]
    [200.0, 200.0, 200.0]
    """
    import rasterio
    from rasterio.errors import RasterioIOError

    path = Path(path)
    expect = expect or Expectation(label=str(path))
    try:
        dataset = rasterio.open(path)
    except RasterioIOError as exc:
        raise UnreadableFileError(path, "a raster", str(exc)) from exc
    if dataset.crs is None:
        dataset.close()
        raise CRSError(f"{path}: the raster has no coordinate reference system")
    if expect.crs and CRS(dataset.crs) != CRS(expect.crs):
        found = dataset.crs.to_string()
        dataset.close()
        raise CRSError(f"{path}: CRS is {found}, expected {expect.crs}")
    return dataset


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file (a run config) as a dict.

    Raises
    ------
    ConfigError
        If the file is missing or not valid TOML.
    """
    try:
        return tomllib.loads(
            _read_text(path, missing=ConfigError(path, "file", "config file not found"))
        )
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "file", f"not valid TOML: {exc}") from None


def builtin_areas() -> dict[str, Area]:
    """Areas shipped with territorio (``territorio/aree.toml``), e.g. the ITI SOM."""
    data = tomllib.loads(_read_text(BUILTIN_AREAS_FILE))
    return parse_areas(data.get("areas", {}), source=BUILTIN_AREAS_FILE)


def file_sha256(path: Path) -> str:
    """sha256 of a file, streamed in 1 MiB blocks (the one hashing helper)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _where(path: Path, layer: str) -> str:
    return f"{path} (layer {layer!r})" if layer else str(path)


def _read_text(path: Path, *, missing: Exception | None = None) -> str:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as exc:
        if missing is not None:
            raise missing from None
        raise UnreadableFileError(path, "a text file", str(exc)) from exc
    except OSError as exc:
        raise UnreadableFileError(path, "a text file", str(exc)) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Italian Windows saves CSV as Windows-1252.
        return raw.decode("cp1252", errors="strict")


def _sniff_separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        present = [c for c in frame.columns if c != "geometry"]
        raise MissingColumnError(source, missing, present)


def _normalise_key(frame, expect: Expectation, source: str, first_row: int = 1):
    if not expect.key:
        return frame
    if expect.key not in frame.columns:
        present = [c for c in frame.columns if c != "geometry"]
        raise MissingColumnError(source, [expect.key], present)
    codes = normalise_code_series(
        frame[expect.key], source=source, column=expect.key, first_row=first_row
    )
    if expect.key_unique:
        check_unique(codes, source=source, column=expect.key)
    frame = frame.copy()
    frame[KEY] = codes
    return frame


def _check_count(count: int, expect: Expectation, source: str) -> None:
    if expect.expected_count and count != expect.expected_count:
        warnings.warn(
            f"{source}: {count} features/rows, the catalogue expects {expect.expected_count}",
            CountMismatchWarning,
            stacklevel=3,
        )
