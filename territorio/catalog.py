"""The layer catalogue: find, verify and read the layers described in ``layers/``.

>>> from territorio.catalog import Catalog
>>> catalog = Catalog()  # mirror from TERRITORIO_DATA or ../shared/data
>>> comuni = catalog.read("cmm_comuni")  # GeoDataFrame in EPSG:32632, key pro_com_t
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
import tempfile
import tomllib
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from territorio.errors import (
    ChecksumMismatchError,
    ChecksumMismatchWarning,
    ConfigError,
    CountMismatchWarning,
    LayerNotAvailableError,
    MirrorNotFoundError,
    MissingFileError,
    TerritorioError,
    UnknownLayerError,
    UnreadableFileError,
)
from territorio.manifest import Manifest, parse_manifest
from territorio.mirror import MirrorLocation, catalogue_dir, resolve_mirror, user_cache_dir
from territorio.readers import (
    Expectation,
    file_sha256,
    open_raster,
    read_gtfs,
    read_json,
    read_network,
    read_table,
    read_vector,
)

_READERS: dict[str, Callable[[Path, Expectation], Any]] = {
    "vector": read_vector,
    "table": read_table,
    "json": read_json,
    "gtfs": read_gtfs,
    "network": read_network,
    "raster": open_raster,
}


def load_manifests(directory: Path) -> dict[str, Manifest]:
    """Read every ``*.toml`` manifest below ``directory``, keyed by id, sorted by id.

    Raises
    ------
    ConfigError
        If two manifests share an id, or one is malformed.
    """
    manifests: dict[str, Manifest] = {}
    for path in sorted(directory.rglob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(path, "manifest", f"cannot read TOML: {exc}") from exc
        manifest = parse_manifest(data, path)
        if manifest.id in manifests:
            other = manifests[manifest.id].manifest_file
            raise ConfigError(path, "id", f"id {manifest.id!r} already used by {other}")
        manifests[manifest.id] = manifest
    return dict(sorted(manifests.items()))


@dataclass(frozen=True)
class LayerStatus:
    """Result of checking one layer on disk.

    Attributes
    ----------
    manifest
        The layer's manifest.
    path
        The file checked (mirror file, user file, or template for template-only layers).
    present
        Whether the file exists.
    checksum_ok
        ``True``/``False`` after hashing; ``None`` for user files (no recorded checksum).
    user_file
        Whether a user file replaces the mirror file.
    problem
        What is wrong, empty when nothing is.
    """

    manifest: Manifest
    path: Path | None
    present: bool
    checksum_ok: bool | None
    user_file: bool
    problem: str = ""


class Catalog:
    """Access to the layers of the catalogue.

    Parameters
    ----------
    mirror
        Mirror directory; when omitted it is resolved on first use (``TERRITORIO_DATA``, then
        ``../shared/data`` beside the project, then the user cache).
    layers_dir
        Directory of manifests; defaults to the project's ``layers/``.
    overrides
        User files replacing layers, ``{layer_id: path}``; they must have the same schema.
    verify
        Stop on a mirror file whose sha256 differs from its manifest (default ``True``);
        ``False`` warns once per such layer and reads it.

    Examples
    --------
    >>> import territorio as tt
    >>> catalog = tt.Catalog()  # mirror from --data, TERRITORIO_DATA or ../shared/data
    >>> catalog.manifest("cmm_comuni").expected_count, catalog.manifest("cmm_comuni").status
    (133, 'real')
    >>> comuni = catalog.read("cmm_comuni")  # sha256 checked, reprojected to EPSG:32632
    >>> len(comuni), comuni.crs.to_epsg()
    (133, 32632)
    """

    def __init__(
        self,
        mirror: str | Path | None = None,
        *,
        layers_dir: Path | None = None,
        overrides: Mapping[str, str | Path] | None = None,
        verify: bool = True,
    ) -> None:
        self._mirror_option = mirror
        self._mirror: MirrorLocation | None = None
        self.layers_dir = Path(layers_dir) if layers_dir else catalogue_dir()
        self.manifests = load_manifests(self.layers_dir)
        self.verify = verify
        self.overrides: dict[str, Path] = {}
        for layer_id, path in (overrides or {}).items():
            self.manifest(layer_id)  # unknown ids fail now, with suggestions
            self.overrides[layer_id] = Path(path).expanduser()
        self._verified: dict[tuple[Path, int, int], str] = {}
        self._read: dict[str, Any] = {}
        self.used: dict[str, Path] = {}
        self.mismatched: dict[str, str] = {}  # layer id → actual sha256, when verify is off

    @classmethod
    def from_config(cls, config: Any) -> Catalog:
        """The catalogue of a run config: its ``[data]`` mirror and checksum rule, its layers."""
        data = config["data"]
        return cls(data.mirror or None, overrides=config.layers, verify=data.verify_checksums)

    # -- lookup ---------------------------------------------------------------------------
    def ids(self) -> list[str]:
        """All layer ids, sorted."""
        return list(self.manifests)

    def manifest(self, layer_id: str) -> Manifest:
        """The manifest of ``layer_id``.

        Raises
        ------
        UnknownLayerError
            With the closest ids as suggestions.
        """
        try:
            return self.manifests[layer_id]
        except KeyError:
            close = difflib.get_close_matches(layer_id, self.ids(), n=3, cutoff=0.5)
            close += [i for i in self.ids() if layer_id and layer_id in i and i not in close]
            raise UnknownLayerError(layer_id, close[:3]) from None

    @property
    def mirror(self) -> MirrorLocation:
        """The resolved mirror directory (resolved once, on first use)."""
        if self._mirror is None:
            self._mirror = resolve_mirror(self._mirror_option)
        return self._mirror

    def path(self, layer_id: str) -> Path:
        """Path of the file to read for ``layer_id`` (the user's file if one is set).

        Raises
        ------
        LayerNotAvailableError
            For a template-only layer without a user file.
        MissingFileError
            If the file is absent.
        """
        manifest = self.manifest(layer_id)
        if layer_id in self.overrides:
            path = self.overrides[layer_id]
        elif manifest.is_template:
            raise LayerNotAvailableError(layer_id, self.template_path(layer_id))
        else:
            path = self.mirror.path / manifest.path
        if not path.is_file():
            raise MissingFileError(layer_id, path)
        return path

    def template_path(self, layer_id: str) -> Path | None:
        """The template a user file of a template-only layer must follow, if in the mirror."""
        manifest = self.manifest(layer_id)
        try:
            path = self.mirror.path / manifest.path
        except MirrorNotFoundError:
            return None
        return path if path.is_file() else None

    # -- verification ---------------------------------------------------------------------
    def sha256(self, path: Path) -> str:
        """sha256 of a file, remembered per (path, size, mtime)."""
        stat = path.stat()
        key = (path.resolve(), stat.st_size, stat.st_mtime_ns)
        if key not in self._verified:
            self._verified[key] = file_sha256(path)
        return self._verified[key]

    def verify_checksum(self, layer_id: str) -> Path:
        """Return the layer's path after checking its sha256 against the manifest.

        User files have no recorded checksum and are validated by schema instead. With
        ``verify=False`` (``[data] verify_checksums = false``) a mismatch is a
        :class:`~territorio.errors.ChecksumMismatchWarning`, once per layer, recorded in
        :attr:`mismatched`, and the file is read anyway.

        Raises
        ------
        ChecksumMismatchError
            On a mismatch when ``verify`` is true.
        """
        path = self.path(layer_id)
        if layer_id in self.overrides:
            return path
        manifest = self.manifest(layer_id)
        actual = self.sha256(path)
        if actual != manifest.sha256:
            if self.verify:
                raise ChecksumMismatchError(layer_id, path, manifest.sha256, actual)
            if layer_id not in self.mismatched:
                self.mismatched[layer_id] = actual
                warnings.warn(
                    f"{path}: sha256 {actual[:12]}… differs from the catalogue's "
                    f"{manifest.sha256[:12]}… for layer {layer_id!r}; read anyway because "
                    "[data] verify_checksums = false (results may not match the documented data)",
                    ChecksumMismatchWarning,
                    stacklevel=2,
                )
        return path

    def status(self, layer_id: str) -> LayerStatus:
        """Presence and checksum of one layer, never raising for data problems."""
        manifest = self.manifest(layer_id)
        user = layer_id in self.overrides
        if manifest.is_template and not user:
            template = self.template_path(layer_id)
            ok = None if template is None else self.sha256(template) == manifest.sha256
            problem = "" if template is not None and ok else "template missing or changed"
            return LayerStatus(manifest, template, template is not None, ok, False, problem)
        try:
            path = self.path(layer_id)
        except MirrorNotFoundError as exc:
            return LayerStatus(manifest, None, False, None, user, str(exc).splitlines()[0])
        except MissingFileError as exc:
            return LayerStatus(manifest, exc.path, False, None, user, f"file not found: {exc.path}")
        if user:
            return LayerStatus(manifest, path, True, None, True)
        ok = self.sha256(path) == manifest.sha256
        return LayerStatus(manifest, path, True, ok, False, "" if ok else "checksum mismatch")

    def check(self, *, read: bool = True) -> list[LayerStatus]:
        """Check every layer: presence, checksum, and (with ``read``) that it reads cleanly.

        Returns
        -------
        list of LayerStatus
            One per layer; ``problem`` is non-empty where something is wrong, including
            count mismatches, which are only warnings when reading.
        """
        results = []
        for layer_id in self.ids():
            status = self.status(layer_id)
            manifest = status.manifest
            if read and not status.problem and not (manifest.is_template and not status.user_file):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", CountMismatchWarning)
                    try:
                        self.count(layer_id)
                    except TerritorioError as exc:
                        status = _with_problem(status, str(exc))
                    counts = [w for w in caught if issubclass(w.category, CountMismatchWarning)]
                    if counts and not status.problem:
                        status = _with_problem(status, str(counts[0].message))
            results.append(status)
        return results

    def count(self, layer_id: str) -> int:
        """Number of features/rows of a layer, read cheaply where the format allows.

        Vector layers are counted from the file header, OSM files by streaming their ways.
        A count that differs from the manifest emits :class:`CountMismatchWarning`.
        """
        manifest = self.manifest(layer_id)
        path = self.verify_checksum(layer_id)
        user = layer_id in self.overrides
        if manifest.kind == "vector":
            import pyogrio

            layer = None if user else (manifest.layer or None)
            try:
                count = int(pyogrio.read_info(path, layer=layer)["features"])
            except Exception as exc:  # pyogrio raises several DataSource/DataLayer errors
                raise UnreadableFileError(path, f"vector layer {layer!r}", str(exc)) from exc
        elif manifest.kind in ("network", "osm"):
            count = _count_osm_ways(path)
        else:
            expect = dataclasses.replace(self.expectation(layer_id), expected_count=0)
            data = _READERS[manifest.kind](path, expect)
            if manifest.kind == "raster":
                data.close()
                count = 1
            elif manifest.kind == "gtfs":
                count = len(data["stops"])
            else:
                count = len(data)
        if not user and manifest.expected_count and count != manifest.expected_count:
            warnings.warn(
                f"{path}{f' (layer {manifest.layer!r})' if manifest.layer else ''}: {count} "
                f"features/rows, the catalogue expects {manifest.expected_count}",
                CountMismatchWarning,
                stacklevel=2,
            )
        return count

    # -- reading --------------------------------------------------------------------------
    def expectation(self, layer_id: str) -> Expectation:
        """What a file must satisfy for ``layer_id`` (looser CRS rule for user files)."""
        m = self.manifest(layer_id)
        user = layer_id in self.overrides
        return Expectation(
            label=layer_id,
            layer="" if user and m.kind == "vector" else m.layer,
            crs="" if user else m.crs,
            key=m.key,
            key_unique=m.key_unique,
            columns=m.columns,
            expected_count=0 if user else m.expected_count,
        )

    def read(self, layer_id: str) -> Any:
        """Read a layer after verifying its checksum.

        Vectors come back as GeoDataFrames in EPSG:32632, tables as DataFrames, both with
        ``pro_com_t`` when the layer has an ISTAT key; rasters as open rasterio datasets;
        networks as projected osmnx graphs; GTFS as a dict of DataFrames.
        """
        manifest = self.manifest(layer_id)
        path = self.verify_checksum(layer_id)
        if manifest.kind == "osm":
            raise UnreadableFileError(
                path,
                "a layer",
                "OSM PBF is kept as the original extract; read the "
                "'osm_milano_2015_highways' network layer instead",
            )
        if layer_id in self._read:  # each step gets its own copy of a layer read once
            return _copy(self._read[layer_id])
        data = _READERS[manifest.kind](path, self.expectation(layer_id))
        self.used[layer_id] = path
        if manifest.kind in ("vector", "table", "json", "gtfs"):
            self._read[layer_id] = data
            return _copy(data)
        return data

    def codes(self, layer_id: str) -> set[str]:
        """The ISTAT codes of a vector layer, read without its geometries (checksum verified).

        For validation only: the layer is not recorded among the run's sources, since none of
        its data reaches an output.
        """
        import pyogrio

        from territorio.codes import normalise_code_series

        manifest = self.manifest(layer_id)
        path = self.verify_checksum(layer_id)
        key = manifest.key or "pro_com_t"
        try:
            frame = pyogrio.read_dataframe(
                path, layer=manifest.layer or None, columns=[key], read_geometry=False
            )
        except Exception as exc:  # pyogrio raises several DataSource/DataLayer errors
            raise UnreadableFileError(path, f"vector layer {manifest.layer!r}", str(exc)) from exc
        return set(normalise_code_series(frame[key], source=str(path), column=key))

    def attributions(self, lang: str = "it", layer_ids: list[str] | None = None) -> list[str]:
        """Source lines of the layers read so far (or of ``layer_ids``)."""
        ids = layer_ids if layer_ids is not None else list(self.used)
        return [self.manifest(i).attribution(lang) for i in ids]

    # -- download -------------------------------------------------------------------------
    def fetch(self, layer_id: str, *, cache: Path | None = None) -> Path:
        """Download a layer from its official direct source into the user cache.

        The file is written under a temporary name, its sha256 checked against the manifest,
        then renamed into place: a failed or altered download leaves nothing behind.

        Raises
        ------
        UnreadableFileError
            If the layer has no direct download or the download fails.
        ChecksumMismatchError
            If the downloaded bytes differ from the catalogue's.
        """
        manifest = self.manifest(layer_id)
        if not manifest.download_url:
            raise UnreadableFileError(
                Path(manifest.path),
                "a downloadable layer",
                f"no byte-identical direct download is known; the mirror's copy is derived "
                f"({manifest.origin or manifest.source_url}); get the mirror",
            )
        target = (cache or user_cache_dir()) / manifest.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
            tmp_path = Path(tmp.name)
            try:
                with urllib.request.urlopen(manifest.download_url, timeout=60) as response:
                    shutil.copyfileobj(response, tmp)
            except OSError as exc:
                tmp.close()
                tmp_path.unlink(missing_ok=True)
                reason = getattr(exc, "reason", None) or exc.strerror or exc
                raise TerritorioError(
                    f"layer {layer_id!r}: cannot download {manifest.download_url}: {reason}. "
                    "Without internet, use the layer mirror (--data DIR or TERRITORIO_DATA)."
                ) from None
        actual = self.sha256(tmp_path)
        if actual != manifest.sha256:
            tmp_path.unlink(missing_ok=True)
            raise ChecksumMismatchError(layer_id, target, manifest.sha256, actual)
        tmp_path.replace(target)
        return target


def _copy(data: Any) -> Any:
    """A copy callers may change without touching the remembered layer."""
    import copy

    if isinstance(data, dict):
        return {k: v.copy() if hasattr(v, "copy") else copy.deepcopy(v) for k, v in data.items()}
    return data.copy() if hasattr(data, "copy") else copy.deepcopy(data)


def _with_problem(status: LayerStatus, problem: str) -> LayerStatus:
    return LayerStatus(
        status.manifest, status.path, status.present, status.checksum_ok, status.user_file, problem
    )


def _count_osm_ways(path: Path) -> int:
    """Count ``<way`` elements of an OSM XML file by streaming its bytes (no graph is built)."""
    import bz2

    if path.suffix == ".pbf":
        return 0  # binary PBF is not parsed here; presence and checksum are what is checked
    opener = bz2.open if path.suffix == ".bz2" else open
    count, tail = 0, b""
    with opener(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            chunk = tail + block
            count += chunk.count(b"<way ") + chunk.count(b"<way>")
            tail = chunk[-4:]  # shorter than the pattern: no match is counted twice
    return count
