"""Layer manifests: one TOML file per layer in the ``layers/`` catalogue.

A manifest records where a layer lives in the mirror, who published it, under which licence,
its date, CRS, key column, expected feature count, sha256 and caveats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from territorio.errors import ConfigError
from territorio.i18n import pick

STATUSES = ("real", "partial", "template-only")
KINDS = ("vector", "table", "json", "raster", "network", "osm", "gtfs")


@dataclass(frozen=True)
class Manifest:
    """Description of one layer of the catalogue.

    Attributes
    ----------
    id
        Short stable identifier, e.g. ``"cmm_comuni"``.
    title
        Title per language code (``"it"``, ``"en"``).
    theme
        Theme folder: territorio, suolo, digitale, mobilita, servizi.
    status
        ``real``, ``partial`` or ``template-only`` (not public: the user supplies the file).
    kind
        How the file is read: vector, table, json, raster, network, osm, gtfs.
    path
        Path inside the mirror (for template-only layers: the template).
    layer
        Layer name inside a multi-layer file (GeoPackage), else empty.
    publisher, source_url, licence, date
        Provenance, carried into every output.
    origin
        Where the mirror's copy was taken from (repository, commit, path).
    download_url
        A direct download of a byte-identical file, when one exists.
    crs
        CRS of the file as published (``EPSG:32632``), empty for tables.
    key
        Column holding the ISTAT comune code in the file, empty if none.
    key_unique
        Whether each comune appears at most once.
    expected_count
        Number of features or rows; 0 when not counted.
    sha256
        Checksum of the mirror file.
    columns
        Columns a user file must have to replace this layer.
    caveats
        Known limits of the data, shown in listings and reports.
    bbox
        Extent of an extract as ``[min_lon, min_lat, max_lon, max_lat]`` (WGS 84), when the
        file itself does not record it (e.g. the OSM highway extract).
    """

    id: str
    title: dict[str, str]
    theme: str
    status: str
    kind: str
    path: str
    publisher: str
    source_url: str
    licence: str
    date: str
    sha256: str
    layer: str = ""
    origin: str = ""
    download_url: str = ""
    crs: str = ""
    key: str = ""
    key_unique: bool = False
    expected_count: int = 0
    columns: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    bbox: tuple[float, ...] = ()
    manifest_file: Path | None = field(default=None, compare=False)

    @property
    def is_template(self) -> bool:
        """Whether the layer is not public and must come from a user file."""
        return self.status == "template-only"

    def label(self, lang: str = "it") -> str:
        """Title in ``lang``, falling back to Italian."""
        return pick(self.title, lang) or self.id

    def attribution(self, lang: str = "it") -> str:
        """One line naming the source, licence and date, for map and report footers."""
        date = {"it": "dati al", "en": "data as of"}.get(lang, "dati al")
        return f"{self.label(lang)}: {self.publisher}, {self.licence}, {date} {self.date}"


_REQUIRED = (
    "id",
    "title",
    "theme",
    "status",
    "kind",
    "path",
    "publisher",
    "source_url",
    "licence",
    "date",
    "sha256",
)


def parse_manifest(data: dict, path: Path) -> Manifest:
    """Check one manifest's TOML data (read from ``path``, named in errors).

    Raises
    ------
    ConfigError
        If a required key is missing or a value is out of its allowed set.
    """
    data = dict(data)
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise ConfigError(path, "manifest", f"missing key(s): {', '.join(missing)}")
    known = set(Manifest.__dataclass_fields__) - {"manifest_file"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(path, "manifest", f"unknown key(s): {', '.join(unknown)}")
    if data["status"] not in STATUSES:
        raise ConfigError(path, "status", f"must be one of {STATUSES}, got {data['status']!r}")
    if data["kind"] not in KINDS:
        raise ConfigError(path, "kind", f"must be one of {KINDS}, got {data['kind']!r}")
    if not isinstance(data["title"], dict) or "it" not in data["title"]:
        raise ConfigError(path, "title", "must be a table with at least an 'it' entry")
    if len(str(data["sha256"])) != 64:
        raise ConfigError(path, "sha256", "must be 64 hexadecimal characters")
    data["columns"] = tuple(data.get("columns", ()))
    data["caveats"] = tuple(data.get("caveats", ()))
    data["bbox"] = tuple(float(v) for v in data.get("bbox", ()))
    if data["bbox"] and len(data["bbox"]) != 4:
        raise ConfigError(path, "bbox", "must be [min_lon, min_lat, max_lon, max_lat]")
    return Manifest(**data, manifest_file=path)
