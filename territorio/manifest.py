"""Layer manifests: one TOML file per layer in the ``layers/`` catalogue.

A manifest records where a layer lives in the mirror, who published it, under which licence,
its date, CRS, key column, expected feature count, sha256 and caveats.
"""

from __future__ import annotations

import re
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
    credit
        Short name of the publisher for a map's corner credits (``"ISPRA/SNPA"``); empty:
        the publisher.
    licence_name
        The licence's short name alone (``"CC BY 4.0"``), empty when the source states none.
    licence_verified
        Whether the licence is stated in the copy the mirror holds (``false``: to be checked
        with the publisher before reuse).
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
    credit: str = ""
    licence_name: str | None = None
    licence_verified: bool = True
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


CITATION_WORDS = {
    "it": {
        "licence": "licenza",
        "check": "da verificare",
        "none": "licenza non dichiarata",
        "owner": "file del proprietario, non pubblico",
        "as_of": "dati al",
        "no_date": "data non indicata",
    },
    "en": {
        "licence": "licence",
        "check": "to be verified",
        "none": "no licence stated",
        "owner": "owner's file, not public",
        "as_of": "data as of",
        "no_date": "date not stated",
    },
}


def citation(manifest: Manifest, lang: str = "it") -> str:
    """A source as a person reads it, from the manifest's structured fields.

    Title, short publisher, licence (flagged when the mirror's copy does not state it) and
    the data date in the format of ``lang``; no free-text notes.

    Examples
    --------
    >>> m = Manifest(
    ...     "f",
    ...     {"it": "Farmacie", "en": "Pharmacies"},
    ...     "servizi",
    ...     "real",
    ...     "vector",
    ...     "f.csv",
    ...     "Regione Lombardia (elenco)",
    ...     "",
    ...     "IODL 2.0 (default)",
    ...     "2026-02-15",
    ...     "0" * 64,
    ...     credit="Regione Lombardia",
    ...     licence_name="IODL 2.0",
    ...     licence_verified=False,
    ... )
    >>> citation(m)
    'Farmacie — Regione Lombardia, licenza IODL 2.0 (da verificare), dati al 15/2/2026'
    >>> citation(m, "en")
    'Pharmacies — Regione Lombardia, licence IODL 2.0 (to be verified), data as of 15 February 2026'
    """
    words = CITATION_WORDS.get(lang, CITATION_WORDS["it"])
    name = manifest.licence if manifest.licence_name is None else manifest.licence_name
    if manifest.is_template:
        licence = words["owner"]
    elif not name:
        licence = words["none"]
    else:
        licence = f"{words['licence']} {name}"
        if not manifest.licence_verified:
            licence += f" ({words['check']})"
    date = f"{words['as_of']} {human_date(manifest.date, lang)}" if manifest.date else ""
    if manifest.is_template:
        date = ""
    parts = [manifest.credit or manifest.publisher, licence, date]
    return f"{manifest.label(lang)} — " + ", ".join(p for p in parts if p)


def human_date(text: str, lang: str = "it") -> str:
    """An ISO date, month or year from a manifest in the reader's format.

    Examples
    --------
    >>> human_date("2026-02-15"), human_date("2015-01"), human_date("2010-2020", "en")
    ('15/2/2026', '1/2015', '2010-2020')
    """
    import datetime as dt

    from territorio.i18n import MONTHS_EN, format_date

    try:
        return format_date(dt.date.fromisoformat(text), lang)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if match:
        year, month = int(match[1]), int(match[2])
        return f"{MONTHS_EN[month - 1]} {year}" if lang == "en" else f"{month}/{year}"
    return text


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
