"""Typed exceptions and warnings raised by territorio.

Every message names the file, the layer, the row or the column concerned and says what was
expected, so that a GIS officer can fix the input without reading the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class TerritorioError(Exception):
    """Base class of every error raised on purpose by territorio.

    Examples
    --------
    >>> import territorio as tt
    >>> try:
    ...     tt.datasets.synthetic_territory().lookup("Atlantide")
    ... except tt.TerritorioError as exc:
    ...     print(exc)
    no comune of the CMM matches 'Atlantide'.
    """

    #: The message in Italian, where the error has one (the command line prints it by default).
    italian: str = ""

    def render(self, lang: str = "it") -> str:
        """The message in ``lang`` (Italian where the error has it, else the English text)."""
        return self.italian if lang == "it" and self.italian else str(self)


class Said(str):
    """An English text that also carries its Italian (a problem line of a file, a reason).

    Examples
    --------
    >>> line = Said("row 2: empty", "riga 2: vuota")
    >>> str(line), italian(line, "it"), italian("plain text", "it")
    ('row 2: empty', 'riga 2: vuota', 'plain text')
    """

    italian: str

    def __new__(cls, english: str, italian_text: str) -> Said:  # noqa: D102
        text = super().__new__(cls, english)
        text.italian = italian_text
        return text


def italian(text: object, lang: str = "it") -> str:
    """The Italian of a :class:`Said` text when ``lang`` is Italian, else the text itself."""
    if lang == "it" and isinstance(text, Said):
        return text.italian
    return str(text)


class UnknownLayerError(TerritorioError, KeyError):
    """A layer id that is not in the catalogue."""

    def __init__(self, layer_id: str, suggestions: Sequence[str]) -> None:
        self.layer_id = layer_id
        self.suggestions = list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(
            f"unknown layer id {layer_id!r}.{hint} Run `territorio layers` for the full list."
        )
        forse = f" Forse: {', '.join(self.suggestions)}?" if self.suggestions else ""
        self.italian = (
            f"strato sconosciuto {layer_id!r}.{forse} `territorio layers` li elenca tutti."
        )

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class MirrorNotFoundError(TerritorioError):
    """The layer mirror directory could not be found."""

    def __init__(self, tried: Sequence[tuple[str, Path]], reason: str = "") -> None:
        self.tried = list(tried)
        lines = "\n".join(f"  - {how}: {path}" for how, path in self.tried) or "  (nothing)"
        super().__init__(
            (reason + "\n" if reason else "")
            + "layer mirror not found. Looked in:\n"
            + lines
            + "\nSet it with `--data DIR`, with the environment variable TERRITORIO_DATA=DIR, "
            'or in the run config (`[data] mirror = "DIR"`); the default is ../shared/data '
            "beside the project. Users with internet can run `territorio layers fetch` to "
            "download the layers that have an official direct download into the user cache."
        )
        self.italian = (
            (reason + "\n" if reason else "")
            + "mirror degli strati non trovato. Cercato in:\n"
            + lines
            + "\nIndicatelo con `--data CARTELLA`, con la variabile d'ambiente "
            'TERRITORIO_DATA=CARTELLA o nella configurazione (`[data] mirror = "CARTELLA"`); '
            "il predefinito è ../shared/data accanto al progetto. Con internet, `territorio "
            "layers fetch` scarica nella cache gli strati che hanno un download ufficiale diretto."
        )


class MissingFileError(TerritorioError, FileNotFoundError):
    """A layer file that the catalogue expects is not on disk."""

    def __init__(self, layer_id: str, path: Path) -> None:
        self.layer_id = layer_id
        self.path = path
        super().__init__(f"layer {layer_id!r}: file not found: {path}")
        self.italian = f"strato {layer_id!r}: file non trovato: {path}"


class LayerNotAvailableError(TerritorioError):
    """A template-only layer was read but no user file was given for it."""

    def __init__(self, layer_id: str, template: Path | None) -> None:
        self.layer_id = layer_id
        where = f" following the template {template}" if template else ""
        super().__init__(
            f"layer {layer_id!r} is not public: supply your own file{where} with "
            f'`[layers] {layer_id} = "path/to/file"` in the run config or '
            f"`--layer {layer_id}=path/to/file`."
        )
        dove = f" secondo il modello {template}" if template else ""
        self.italian = (
            f"lo strato {layer_id!r} non è pubblico: fornite il vostro file{dove} con "
            f'`[layers] {layer_id} = "percorso/del/file"` nella configurazione o '
            f"`--layer {layer_id}=percorso/del/file`."
        )


class ChecksumMismatchError(TerritorioError):
    """A file whose sha256 differs from the one recorded in its manifest."""

    def __init__(self, layer_id: str, path: Path, expected: str, actual: str) -> None:
        self.layer_id = layer_id
        self.path = path
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"layer {layer_id!r}: checksum mismatch for {path}: expected sha256 {expected}, "
            f"found {actual}. The file changed since the catalogue was written; restore it "
            "from the mirror, or update the manifest in layers/ if the change is intended."
        )
        self.italian = (
            f"strato {layer_id!r}: sha256 diverso per {path}: atteso {expected}, trovato "
            f"{actual}. Il file è cambiato dopo la scrittura del catalogo: ripristinatelo dal "
            "mirror, o aggiornate la scheda in layers/ se la modifica è voluta."
        )


#: The Italian of what readers expect and of their usual reasons (see UnreadableFileError).
READER_WORDS_IT = {
    "a vector file": "un file vettoriale",
    "a vector layer with geometries (GeoPackage, Shapefile, GeoJSON)": (
        "uno strato vettoriale con geometrie (GeoPackage, Shapefile, GeoJSON)"
    ),
    "the file has no geometry column": "il file non ha una colonna di geometrie",
    "a CSV table": "una tabella CSV",
    "a file with one layer": "un file con un solo strato",
    "a spreadsheet": "un foglio di calcolo",
    "a spreadsheet (.xlsx, .ods)": "un foglio di calcolo (.xlsx, .ods)",
    "a spreadsheet with one sheet of data": "un foglio di calcolo con un solo foglio di dati",
    "a GTFS zip": "uno zip GTFS",
    "a raster": "un raster",
    "a complete raster": "un raster completo",
    "a text file": "un file di testo",
    "a text file (CSV)": "un file di testo (CSV)",
    "text in UTF-8, UTF-16 or Windows-1252": "testo in UTF-8, UTF-16 o Windows-1252",
    "a downloadable layer": "uno strato scaricabile",
    "file not found": "file non trovato",
    "it is a folder": "è una cartella",
    "stops.txt is missing": "manca stops.txt",
}


def _reader_it(text: object) -> str:
    if isinstance(text, Said):
        return text.italian
    return READER_WORDS_IT.get(str(text), str(text))


class UnreadableFileError(TerritorioError):
    """A file exists but cannot be parsed as the expected format.

    ``expected`` and ``reason`` may be :class:`Said` texts, which carry their Italian.
    """

    def __init__(self, path: Path | str, expected: str, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot read {path} as {expected}: {reason}")
        self.italian = (
            f"impossibile leggere {path} come {_reader_it(expected)}: {_reader_it(reason)}"
        )


class MissingColumnError(TerritorioError):
    """A required column is absent from a layer or user file."""

    def __init__(self, path: Path | str, missing: Sequence[str], present: Sequence[str]) -> None:
        self.path = path
        self.missing = list(missing)
        found = ", ".join(map(str, present))
        super().__init__(
            f"{path}: missing column(s) {', '.join(map(repr, self.missing))}; "
            f"columns found: {found or '(none)'}"
        )
        self.italian = (
            f"{path}: mancano le colonne {', '.join(map(repr, self.missing))}; "
            f"colonne presenti: {found or '(nessuna)'}"
        )


class CRSError(TerritorioError):
    """A layer without a coordinate reference system, or with an unexpected one."""


class InvalidValueError(TerritorioError):
    """A value in a row that does not have the expected form."""

    def __init__(self, path: Path | str, row: int, column: str, value: object, expected: str):
        self.path = path
        self.row = row
        self.column = column
        super().__init__(
            f"{path}: row {row}, column {column!r}: value {value!r} is not valid; "
            f"expected {expected}"
        )
        self.italian = (
            f"{path}: riga {row}, colonna {column!r}: il valore {value!r} non è valido; "
            f"atteso {italian(expected)}"
        )


class DuplicateCodeError(TerritorioError):
    """An ISTAT code that appears more than once where it must be unique."""

    def __init__(self, path: Path | str, column: str, duplicates: dict[str, list[int]]) -> None:
        self.path = path
        self.duplicates = duplicates
        shown = "; ".join(f"{code} at rows {rows}" for code, rows in list(duplicates.items())[:5])
        super().__init__(
            f"{path}: column {column!r} must hold each ISTAT code once; duplicated: {shown}"
        )
        righe = "; ".join(
            f"{code} alle righe {rows}" for code, rows in list(duplicates.items())[:5]
        )
        self.italian = (
            f"{path}: la colonna {column!r} deve avere ogni codice ISTAT una volta sola; "
            f"ripetuti: {righe}"
        )


class UnknownCodeError(TerritorioError):
    """ISTAT codes that are not among the comuni they should refer to."""

    def __init__(self, path: Path | str, column: str, unknown: dict[str, int], universe: str):
        self.path = path
        self.unknown = unknown
        shown = ", ".join(f"{code} (row {row})" for code, row in list(unknown.items())[:8])
        super().__init__(
            f"{path}: column {column!r} has ISTAT code(s) not among {universe}: {shown}"
        )
        codici = ", ".join(f"{code} (riga {row})" for code, row in list(unknown.items())[:8])
        self.italian = (
            f"{path}: la colonna {column!r} ha codici ISTAT che non sono tra "
            f"{italian(universe)}: {codici}"
        )


class TerritoryValidationError(TerritorioError):
    """The comune layer fails a structural check (count, geometry, overlap, outline)."""


class ConfigError(TerritorioError):
    """A run configuration file with an unknown key or an invalid value."""

    def __init__(self, path: Path | str, key: str, message: str) -> None:
        self.path = path
        self.key = key
        super().__init__(f"{path}: [{key}] {message}")
        if isinstance(message, Said):
            self.italian = f"{path}: [{key}] {message.italian}"


def human_size(n: float, lang: str = "en") -> str:
    """A byte count for people: ``1.5 MB``, in Italian ``1,5 MB``."""
    unit = "B"
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            break
        n /= 1024
    text = f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
    return text.replace(".", ",") if lang == "it" else text


class DiskFullError(TerritorioError):
    """The disk filled while a run was writing; nothing was moved into the output folder."""

    def __init__(self, directory: Path, file: Path, staged: int, free: int) -> None:
        self.directory = directory
        self.staged = staged
        self.free = free
        super().__init__(
            f"disk full in {directory} while writing {file}: {human_size(free)} free, and the run "
            f"had written {human_size(staged)} before it stopped, so it needs more than "
            f"{human_size(staged)} free. Nothing was written to {directory}; free some space or "
            "choose another --out."
        )
        self.italian = (
            f"disco pieno in {directory} mentre si scriveva {file}: liberi "
            f"{human_size(free, 'it')}; l'elaborazione aveva già scritto "
            f"{human_size(staged, 'it')} quando si è fermata, quindi servono più di "
            f"{human_size(staged, 'it')} liberi. Nessun file è stato scritto in {directory}: "
            "liberate spazio o scegliete un altro --out."
        )


def _when(iso: str, lang: str) -> str:
    import datetime as dt

    from territorio.i18n import format_date

    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{format_date(moment.date(), lang)} {moment:%H:%M}"


class OutputConflictError(TerritorioError):
    """An output file exists and was written by a different command or by someone else."""

    def __init__(
        self, path: Path, writer: str | None, when: str, producer: str, more: int = 0
    ) -> None:
        """``when`` is the ISO time the writer recorded (shown as ``2/12/2026 01:39``)."""
        self.path = path
        also_en = f" (and {more} more)" if more else ""
        also_it = f" (e altri {more})" if more else ""
        if writer:
            by_en = f"was written by {writer!r} on {_when(when, 'en')}"
            by_it = f"è stato scritto da {writer!r} il {_when(when, 'it')}"
        else:
            by_en = "was not written by territorio (or its record is lost)"
            by_it = "non è stato scritto da territorio (o se ne è perso il registro)"
        super().__init__(
            f"{path} {by_en}; {producer!r} would replace it{also_en}. Nothing was written: pass "
            "--overwrite to replace it, or choose another --out."
        )
        self.italian = (
            f"{path} {by_it}; {producer!r} lo sostituirebbe{also_it}. Non è stato scritto "
            "nulla: usate --overwrite per sostituirlo, o scegliete un altro --out."
        )


class UsageError(TerritorioError):
    """A command-line option with a value out of range, or one that has no effect."""

    def __init__(self, option: str, message: str, italian: str = "") -> None:
        self.option = option
        super().__init__(f"{option}: {message}")
        self.italian = f"{option}: {italian}" if italian else ""


class SaidError(TerritorioError):
    """An error with its message in English and in Italian."""

    def __init__(self, english: str, italian: str) -> None:
        super().__init__(english)
        self.italian = italian


class InputNotice(UserWarning):
    """How a file was read (encoding, separator, decimal mark, sheet): said, not an error.

    Examples
    --------
    >>> InputNotice("letto con separatore ';'", "read with separator ';'").render("en")
    "read with separator ';'"
    """

    def __init__(self, italian: str, english: str = "") -> None:
        super().__init__(italian)
        self.italian = italian
        self.english = english or italian

    def render(self, lang: str = "it") -> str:
        """The notice in ``lang``."""
        return self.italian if lang == "it" else self.english


class CountMismatchWarning(UserWarning):
    """A layer whose feature count differs from the count recorded in its manifest."""


class ChecksumMismatchWarning(UserWarning):
    """A mirror file differs from its manifest's sha256 and ``[data] verify_checksums`` is false."""
