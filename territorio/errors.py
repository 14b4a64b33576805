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


class UnknownLayerError(TerritorioError, KeyError):
    """A layer id that is not in the catalogue."""

    def __init__(self, layer_id: str, suggestions: Sequence[str]) -> None:
        self.layer_id = layer_id
        self.suggestions = list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(
            f"unknown layer id {layer_id!r}.{hint} Run `territorio layers` for the full list."
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


class MissingFileError(TerritorioError, FileNotFoundError):
    """A layer file that the catalogue expects is not on disk."""

    def __init__(self, layer_id: str, path: Path) -> None:
        self.layer_id = layer_id
        self.path = path
        super().__init__(f"layer {layer_id!r}: file not found: {path}")


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


class UnreadableFileError(TerritorioError):
    """A file exists but cannot be parsed as the expected format."""

    def __init__(self, path: Path, expected: str, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot read {path} as {expected}: {reason}")


class MissingColumnError(TerritorioError):
    """A required column is absent from a layer or user file."""

    def __init__(self, path: Path | str, missing: Sequence[str], present: Sequence[str]) -> None:
        self.path = path
        self.missing = list(missing)
        super().__init__(
            f"{path}: missing column(s) {', '.join(map(repr, self.missing))}; "
            f"columns found: {', '.join(map(str, present)) or '(none)'}"
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


class DuplicateCodeError(TerritorioError):
    """An ISTAT code that appears more than once where it must be unique."""

    def __init__(self, path: Path | str, column: str, duplicates: dict[str, list[int]]) -> None:
        self.path = path
        self.duplicates = duplicates
        shown = "; ".join(f"{code} at rows {rows}" for code, rows in list(duplicates.items())[:5])
        super().__init__(
            f"{path}: column {column!r} must hold each ISTAT code once; duplicated: {shown}"
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


class TerritoryValidationError(TerritorioError):
    """The comune layer fails a structural check (count, geometry, overlap, outline)."""


class ConfigError(TerritorioError):
    """A run configuration file with an unknown key or an invalid value."""

    def __init__(self, path: Path | str, key: str, message: str) -> None:
        self.path = path
        self.key = key
        super().__init__(f"{path}: [{key}] {message}")


class CountMismatchWarning(UserWarning):
    """A layer whose feature count differs from the count recorded in its manifest."""


class ChecksumMismatchWarning(UserWarning):
    """A mirror file differs from its manifest's sha256 and ``[data] verify_checksums`` is false."""
