"""Config sections as documented dataclasses, and parsing them from TOML data (pure).

Each theme declares its section as a dataclass whose fields carry their documentation in
``metadata["doc"]`` (see :func:`doc`); the theme registry (:mod:`territorio.themes`) lists the
sections, and :mod:`territorio.config` reads the file. Nothing here imports a theme, so a
theme's config module can import this one without a cycle.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from territorio.areas import Area, parse_areas
from territorio.errors import ConfigError

LANGS = ("it", "en")


def doc(text: str, default: Any = dataclasses.MISSING, *, factory: Any = None) -> Any:
    """A dataclass field with its documentation (shown by ``territorio config``)."""
    if factory is not None:
        return field(default_factory=factory, metadata={"doc": text})
    return field(default=default, metadata={"doc": text})


@dataclass
class DataConfig:
    """Where the layers are read from."""

    mirror: str = doc("Layer mirror directory; empty = TERRITORIO_DATA, then ../shared/data.", "")
    verify_checksums: bool = doc("Check each mirror file's sha256 against its manifest.", True)


@dataclass
class OutputConfig:
    """Where and in which language outputs are written."""

    directory: str = doc("Output directory (relative to the working directory).", "maps")
    lang: str = doc("Language of reports and maps: it or en.", "it")
    self_contained: bool = doc(
        "Web maps carry Leaflet and their data inline, so that each page works when sent on "
        "its own (larger files).",
        False,
    )
    csv_excel_it: bool = doc(
        "CSV tables as Excel in Italian opens them (';' separator, decimal comma, UTF-8 with "
        "BOM) instead of the machine-friendly comma and decimal point.",
        False,
    )
    xlsx: bool = doc(
        "Beside each CSV table an XLSX workbook with Italian headers and units, sì/no, whole "
        "numbers, codes as text and a Dizionario sheet (indicatori_comuni: one sheet per theme).",
        True,
    )
    geoparquet: bool = doc(
        "Beside each GeoPackage its layers as GeoParquet (<name>_geoparquet/<layer>.parquet).",
        True,
    )

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, got {self.lang!r}")


@dataclass
class RunSection:
    """Which steps `territorio run` executes, and where its tile tasks run."""

    steps: list[str] = doc("Steps to run, in order; empty = every available step.", factory=list)
    scheduler: str = doc(
        "Where tile and province tasks run: empty = in this process; 'local' or 'local:N' = a "
        "Dask LocalCluster of N processes; 'tcp://host:8786' = an existing Dask scheduler.",
        "",
    )
    tile_km: float = doc(
        "Side of the square tiles of the street searches (km); 0 = one search on the whole "
        "network (10 km when a scheduler is set). Tiled searches stop at the largest time "
        "threshold and give exactly the untiled result up to it.",
        0.0,
    )

    def __post_init__(self) -> None:
        if self.tile_km < 0:
            raise ValueError("tile_km must be >= 0")
        from territorio.errors import SaidError
        from territorio.scheduler import parse_scheduler

        try:
            parse_scheduler(self.scheduler)
        except SaidError as exc:
            raise ValueError(str(exc)) from exc


@dataclass
class TerritoryConfig:
    """The territory model."""

    territorio: str = doc(
        "Territory of the run: empty = the Città metropolitana di Milano; else a province or "
        "metropolitan city by ISTAT code, abbreviation or name ('098', 'LO', 'Lodi'), a region "
        "('Lombardia', 'regione:3'), 'italia', or a list of ISTAT codes ('015146,015002'). "
        "Layers of the CMM alone fill the comuni they cover; elsewhere 'n.d.'.",
        "",
    )

    population_years: list[int] = doc(
        "Population years written to the indicator table; empty = every year in the data.",
        factory=list,
    )


@dataclass
class PopulationConfig:
    """Where residents live inside each comune: the population model of every theme."""

    grid: str = doc(
        "Population grid that places each comune's ISTAT residents (dasymetric): empty = the "
        "catalogue's GHSL 2025 H3 layer (ghsl_popolazione); 'uniforme' = spread evenly; else a "
        "polygon layer (GeoPackage, shapefile, GeoJSON) or a raster (GeoTIFF) of people per "
        "feature or pixel.",
        "",
    )
    column: str = doc("Population column of a polygon grid.", "pop_ghsl")
    band: int = doc("Band of a raster grid.", 1)
    year: int = doc("ISTAT year whose residents are placed (1 January); 0 = the latest.", 0)

    def __post_init__(self) -> None:
        if self.band < 1:
            raise ValueError("band must be >= 1")
        if self.year < 0:
            raise ValueError("year must be a year or 0 (the latest)")

    @property
    def uniform(self) -> bool:
        """Whether residents are spread evenly (no grid)."""
        return self.grid.strip().lower() in ("uniforme", "uniform")


BASE_SECTIONS: dict[str, type] = {
    "data": DataConfig,
    "output": OutputConfig,
    "run": RunSection,
    "territory": TerritoryConfig,
    "population": PopulationConfig,
}
"""Sections every run has; the themes add theirs (see :mod:`territorio.themes`)."""


@dataclass
class RunConfig:
    """A parsed, validated run configuration.

    Attributes
    ----------
    path
        The file it was read from, if any.
    sections
        One dataclass instance per registered section.
    layers
        User files replacing catalogue layers, ``{layer_id: path}`` (paths resolved against
        the config file's folder).
    areas
        Custom areas: the built-in ones plus those of the file.
    base_dir
        Folder against which relative paths of the config are resolved.
    """

    path: Path | None
    sections: dict[str, Any]
    layers: dict[str, Path] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    base_dir: Path = field(default_factory=Path.cwd)

    def resolve(self, path: str | Path) -> Path:
        """A path of the config, relative to the config file's folder."""
        path = Path(path).expanduser()
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    def __getitem__(self, name: str) -> Any:
        return self.sections[name]

    @property
    def lang(self) -> str:
        """Output language."""
        return self.sections["output"].lang


def parse_config(
    data: dict[str, Any],
    sections: dict[str, type],
    *,
    source: Path | str = "<defaults>",
    base: Path | None = None,
    areas: dict[str, Area] | None = None,
) -> RunConfig:
    """Validate parsed TOML ``data`` against ``sections`` (``{table name: dataclass}``).

    Parameters
    ----------
    data
        The TOML document as a dict (empty: every default).
    sections
        Every known section; each gets its defaults where ``data`` lacks it.
    source
        The file name for error messages.
    base
        Folder against which the config's relative paths resolve (default: working dir).
    areas
        Areas known before the file's own (the built-in ones, e.g. the ITI SOM).

    Raises
    ------
    ConfigError
        Naming the file and the key for unknown sections or keys, wrong types, bad values.

    Examples
    --------
    >>> cfg = parse_config({"output": {"lang": "en"}}, BASE_SECTIONS)
    >>> cfg.lang
    'en'
    """
    base = (base or Path.cwd()).resolve()
    known = [*sections, "layers", "areas"]
    for name in data:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean [{close[0]}]?)" if close else ""
            raise ConfigError(source, name, f"unknown section{hint}; known: {', '.join(known)}")
    built = {
        name: _build_section(cls, data.get(name, {}), name, source)
        for name, cls in sections.items()
    }
    layers = {}
    for layer_id, file in (data.get("layers") or {}).items():
        if not isinstance(file, str) or not file:
            raise ConfigError(source, f"layers.{layer_id}", "must be a path string")
        layers[layer_id] = (base / file).resolve() if not Path(file).is_absolute() else Path(file)
    known_areas = dict(areas or {})
    known_areas.update(parse_areas(data.get("areas") or {}, source=source))
    path = Path(source) if isinstance(source, Path) else None
    return RunConfig(path, built, layers, known_areas, base)


def _build_section(cls: type, values: Any, name: str, source: Path | str) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(source, name, "must be a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in values.items():
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                source, name, f"unknown key {key!r}{hint}; known: {', '.join(fields)}"
            )
        if not _type_ok(value, hints[key]):
            raise ConfigError(
                source, f"{name}.{key}", f"expected {_type_name(hints[key])}, got {value!r}"
            )
    try:
        return cls(**values)
    except ValueError as exc:
        raise ConfigError(source, name, str(exc)) from None


def _type_ok(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_type_ok(v, item) for v in value)
    if origin is dict:
        key_type, item = typing.get_args(hint)
        return isinstance(value, dict) and all(
            _type_ok(k, key_type) and _type_ok(v, item) for k, v in value.items()
        )
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return any(_type_ok(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is list:
        return f"a list of {_type_name(typing.get_args(hint)[0])}"
    if origin is dict:
        return f"a table of {_type_name(typing.get_args(hint)[1])}"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        hint, str(hint)
    )


def config_toml(sections: dict[str, type]) -> str:
    """A complete, commented config file with every default of ``sections``."""
    lines = [
        "# territorio run configuration. Every key is optional; the values shown are the",
        "# defaults. Use it with: territorio run --config this-file.toml",
        "",
    ]
    for name, cls in sections.items():
        lines.append(f"# {(cls.__doc__ or '').strip().splitlines()[0]}")
        lines.append(f"[{name}]")
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            lines.append(f"# {f.metadata.get('doc', '')}")
            lines.append(f"{f.name} = {_toml_value(default)}")
        lines.append("")
    lines += [
        "# User files replacing catalogue layers (same schema; see `territorio layers`).",
        "# Template-only layers (cmm_siti_5g, cmm_accordi_fibra) are read only from here.",
        "[layers]",
        '# cmm_siti_5g = "registro_siti_5g.csv"',
        "",
        "# Custom areas of comuni by ISTAT code, across provinces; aggregated in every output.",
        "# The ITI 'SOM - Sud Ovest Milano' (id som) is built in.",
        "# [areas.my_area]",
        '# name = "My area"',
        '# codes = ["015146", "015077"]',
        "",
    ]
    return "\n".join(lines)


def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(f"cannot write {value!r} as TOML")
