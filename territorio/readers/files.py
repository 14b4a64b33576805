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
import re
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
    InputNotice,
    MissingColumnError,
    Said,
    UnreadableFileError,
)

#: Spreadsheets read as tables (through pandas with python-calamine).
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: A number as an Italian office writes it: ``40,5``, ``1.234,5``, ``-3``.
_ITALIAN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


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
    user_file
        A file the user supplied: how it was read is said with an :class:`InputNotice`.
    """

    label: str
    layer: str = ""
    crs: str = ""
    key: str = ""
    key_unique: bool = False
    columns: tuple[str, ...] = ()
    expected_count: int = 0
    user_file: bool = False
    """A file the user supplied: say how it was read (encoding, separator, sheet)."""


def read_vector(path: Path, expect: Expectation) -> gpd.GeoDataFrame:
    """Read a vector layer with pyogrio and reproject it once to EPSG:32632.

    Raises
    ------
    UnreadableFileError, CRSError, MissingColumnError, InvalidValueError, DuplicateCodeError
    """
    import pyogrio

    path, layer = split_layer(path)
    layer = layer or expect.layer
    if not Path(path).exists():
        raise UnreadableFileError(path, "a vector file", "file not found")
    if not layer:
        layer = _only_layer(path)
    try:
        frame = pyogrio.read_dataframe(path, layer=layer or None)
    except Exception as exc:  # pyogrio raises several DataSource/DataLayer error types
        what = f"a vector layer {layer!r}" if layer else "a vector file"
        raise UnreadableFileError(path, what, str(exc)) from exc
    source = _where(path, layer)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise UnreadableFileError(
            path,
            "a vector layer with geometries (GeoPackage, Shapefile, GeoJSON)",
            "the file has no geometry column",
        )
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
    r"""Read a table: CSV as any office writes it, or a spreadsheet (``.xlsx``, ``.ods``).

    CSV: the encoding is detected (UTF-8 with or without BOM, UTF-16, Windows-1252, DOS
    CP850), the separator (comma, semicolon, tab) and, column by column, numbers written the
    Italian way (``40,5``, ``1.234,5``). Rows with no value at all (a trailing ``;;;``) are
    skipped. A spreadsheet is read from its only sheet with data (or ``FILE|layername=SHEET``).
    For a user's file (``expect.user_file``) an :class:`InputNotice` says what was detected.

    Raises
    ------
    UnreadableFileError, MissingColumnError, InvalidValueError, DuplicateCodeError

    Examples
    --------
    >>> import tempfile, pathlib, territorio as tt
    >>> from territorio.readers.files import Expectation, read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "excel.csv"
    >>> _ = path.write_bytes("comune;superficie_ha\nCassano d'Adda;1.234,5\n;\n".encode("cp1252"))
    >>> read_table(path, Expectation("prova")).values.tolist()
    [["Cassano d'Adda", 1234.5]]
    """
    path, sheet = split_layer(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        frame, how = _read_spreadsheet(path, sheet, expect), ()
    else:
        raw, encoding = _read_text_encoding(path)
        separator = _sniff_separator(raw)
        try:
            frame = pd.read_csv(
                io.StringIO(raw),
                sep=separator,
                dtype={expect.key: "object"} if expect.key else None,
                keep_default_na=True,
            )
        except (pd.errors.ParserError, ValueError) as exc:
            raise UnreadableFileError(path, "a CSV table", str(exc)) from exc
        how = (
            f"codifica {encoding}, separatore {_SEPARATOR_NAMES[separator][0]}",
            f"encoding {encoding}, separator {_SEPARATOR_NAMES[separator][1]}",
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    empty = frame.isna().all(axis=1)
    frame = frame.loc[~empty].reset_index(drop=True)
    italian = _italian_numbers(frame, skip={expect.key})
    if expect.user_file:
        rows = len(frame)
        it = [f"{rows} {'riga' if rows == 1 else 'righe'}", *([how[0]] if how else [])]
        en = [f"{rows} {'row' if rows == 1 else 'rows'}", *([how[1]] if how else [])]
        if italian:
            it.append("numeri con la virgola decimale in " + ", ".join(italian))
            en.append("numbers with a decimal comma in " + ", ".join(italian))
        if empty.any():
            it.append(f"{int(empty.sum())} righe vuote saltate")
            en.append(f"{int(empty.sum())} empty rows skipped")
        warnings.warn(
            InputNotice(f"{path}: " + "; ".join(it), f"{path}: " + "; ".join(en)), stacklevel=2
        )
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
    return pd.read_csv(path, dtype={"pro_com_t": str}, **_run_csv_options(Path(path)))


def read_dictionary(path: Path | str) -> pd.DataFrame:
    """Read a run's ``dizionario_dati.csv`` (either CSV format) back."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, **_run_csv_options(Path(path)))


def _run_csv_options(path: Path) -> dict[str, str]:
    """How a run wrote its CSV: plain, or for Excel in Italian (``[output] csv_excel_it``)."""
    if _sniff_separator(_read_text(path)) == ";":
        return {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"}
    return {}


_SEPARATOR_NAMES = {
    ",": ("virgola", "comma"),
    ";": ("punto e virgola", "semicolon"),
    "\t": ("tabulazione", "tab"),
}


def split_layer(path: Path | str) -> tuple[Path, str]:
    """A path with an optional layer or sheet, as QGIS writes it: ``file.gpkg|layername=siti``.

    Examples
    --------
    >>> split_layer("registro.gpkg|layername=siti_2026")
    (PosixPath('registro.gpkg'), 'siti_2026')
    >>> split_layer("registro.csv")
    (PosixPath('registro.csv'), '')
    """
    text = str(path)
    if "|layername=" in text:
        file, _, layer = text.partition("|layername=")
        return Path(file), layer.strip()
    return Path(path), ""


def _only_layer(path: Path) -> str:
    """The one layer of a multi-layer file, or an error naming them all."""
    import pyogrio

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception:  # not a multi-layer container: pyogrio reports it when reading
        return ""
    if len(layers) > 1:
        raise UnreadableFileError(
            path,
            "a file with one layer",
            Said(
                f"it has {len(layers)} layers ({', '.join(layers)}); choose one as "
                f"'{path}|layername={layers[0]}'",
                f"ha {len(layers)} strati ({', '.join(layers)}); sceglietene uno come "
                f"'{path}|layername={layers[0]}'",
            ),
        )
    return ""


def _read_spreadsheet(path: Path, sheet: str, expect: Expectation) -> pd.DataFrame:
    """The sheet with data of a spreadsheet (or the one named), read with python-calamine."""
    import python_calamine  # noqa: F401  (the engine pandas reads .xlsx/.ods with)

    try:
        sheets = pd.read_excel(
            path,
            sheet_name=sheet or None,
            engine="calamine",
            dtype={expect.key: "object"} if expect.key else None,
        )
    except FileNotFoundError:
        raise UnreadableFileError(path, "a spreadsheet", "file not found") from None
    except Exception as exc:  # calamine raises its own error types for broken files
        raise UnreadableFileError(path, "a spreadsheet (.xlsx, .ods)", str(exc)) from exc
    if sheet:
        frame = sheets
        name = sheet
    else:
        filled = {name: frame for name, frame in sheets.items() if not frame.empty}
        if len(filled) > 1:
            names = ", ".join(filled)
            raise UnreadableFileError(
                path,
                "a spreadsheet with one sheet of data",
                Said(
                    f"{len(filled)} sheets have data ({names}); choose one as "
                    f"'{path}|layername={next(iter(filled))}'",
                    f"{len(filled)} fogli hanno dati ({names}); sceglietene uno come "
                    f"'{path}|layername={next(iter(filled))}'",
                ),
            )
        name, frame = next(iter(filled.items()), (next(iter(sheets), ""), pd.DataFrame()))
    if expect.user_file:
        warnings.warn(
            InputNotice(f"{path}: foglio {name!r}", f"{path}: sheet {name!r}"), stacklevel=3
        )
    return frame


def _italian_numbers(frame: pd.DataFrame, skip: set[str]) -> list[str]:
    """Convert text columns holding Italian numbers (``40,5``, ``1.234,5``) in place."""
    converted = []
    for column in frame.columns:
        kind = frame[column].dtype
        if column in skip or not (
            pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind)
        ):
            continue
        values = frame[column].dropna().astype(str).str.strip()
        values = values[values != ""]
        if values.empty or not values.str.match(_ITALIAN_NUMBER).all():
            continue
        if not values.str.contains(",", regex=False).any():
            continue  # 1.234 alone is ambiguous: leave it to the caller's checks
        text = frame[column].astype("string").str.strip()
        frame[column] = pd.to_numeric(
            text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
            errors="coerce",
        )
        converted.append(str(column))
    return converted


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
        error = CRSError(f"{path}: the raster has no coordinate reference system")
        error.italian = f"{path}: il raster non ha un sistema di riferimento (CRS)"
        raise error
    if expect.crs and CRS(dataset.crs) != CRS(expect.crs):
        found = dataset.crs.to_string()
        dataset.close()
        raise CRSError(f"{path}: CRS is {found}, expected {expect.crs}")
    return dataset


def read_band(dataset, band: int = 1, **options):
    """One band of an open raster; a truncated or damaged file becomes an error naming it.

    Raises
    ------
    UnreadableFileError
    """
    from rasterio.errors import RasterioError

    try:
        return dataset.read(band, **options)
    except RasterioError as exc:
        raise UnreadableFileError(
            Path(dataset.name),
            "a complete raster",
            Said(f"truncated or damaged ({exc})", f"troncato o danneggiato ({exc})"),
        ) from None


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
    return _read_text_encoding(path, missing=missing)[0]


def _read_text_encoding(path: Path, *, missing: Exception | None = None) -> tuple[str, str]:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as exc:
        if missing is not None:
            raise missing from None
        raise UnreadableFileError(path, "a text file", "file not found") from exc
    except IsADirectoryError as exc:
        raise UnreadableFileError(path, "a text file", "it is a folder") from exc
    except OSError as exc:
        raise UnreadableFileError(path, "a text file", exc.strerror or str(exc)) from exc
    encoding = detect_encoding(raw)
    if encoding == "binary":
        raise UnreadableFileError(
            path,
            "a text file (CSV)",
            Said(
                "it holds binary data: is it a spreadsheet or a GeoPackage with the wrong "
                "extension? Save it as CSV, or give the .xlsx/.ods/.gpkg with its own extension",
                "contiene dati binari: è un foglio di calcolo o un GeoPackage con l'estensione "
                "sbagliata? Salvatelo come CSV, o indicate il .xlsx/.ods/.gpkg con la sua "
                "estensione",
            ),
        )
    try:
        return raw.decode(encoding), _ENCODING_NAMES.get(encoding, encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            path,
            "text in UTF-8, UTF-16 or Windows-1252",
            Said(
                f"byte {exc.start} cannot be read as {encoding}; is it a spreadsheet or a "
                "binary file? Save it as CSV UTF-8, or give the .xlsx/.ods itself",
                f"il byte {exc.start} non si legge come {encoding}: è un foglio di calcolo o un "
                "file binario? Salvatelo come CSV UTF-8, o indicate il .xlsx/.ods",
            ),
        ) from None


_ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "cp850": "DOS (CP850)",
    "latin-1": "ISO-8859-1",
}


def detect_encoding(raw: bytes) -> str:
    """The encoding of a text file as offices save it.

    A BOM decides; then UTF-8 if the bytes are valid UTF-8; then UTF-16 without BOM (many
    zero bytes); then DOS CP850 when the accented letters sit where CP850 puts them (à = 0x85,
    è = 0x8A) and nowhere else; otherwise Windows-1252 (Excel on Italian Windows).

    Examples
    --------
    >>> detect_encoding("Cassano d'Adda;città".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("città".encode("cp850")), detect_encoding("città".encode("utf-16"))
    ('cp850', 'utf-16')
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    sample = raw[:65536]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        return "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
    if b"\x00" in sample:
        return "binary"  # decoding fails: the caller says it is not text
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    high = [b for b in sample if b >= 0x80]
    dos_letters = {0x85, 0x8A, 0x82, 0x8D, 0x95, 0x97, 0xB7, 0xD4, 0xDE, 0xE3, 0xEB}
    if high and all(b < 0xC0 or b in dos_letters for b in high) and any(b < 0xA0 for b in high):
        return "cp850"
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _sniff_separator(text: str) -> str:
    """The separator of the header line (column names hold no decimal commas)."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    header = lines[0] if lines else ""
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    if counts[best]:
        return best
    try:  # a one-column header: let the data lines decide
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
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
