"""Writing outputs: every file of a run is written here, atomically.

Files are written to a staging folder and moved into place only on success, so a failed run
leaves the output directory as it was: no half-written file, and no mix of old and new files
from one run. Steps call the ``write_*`` methods of :class:`OutputSet`; they never open a
file themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from territorio.codes import KEY
from territorio.errors import DiskFullError, OutputConflictError, TerritorioError

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from territorio.qgis.layers import QgisLayer

#: Number format of every CSV table: enough digits that sums of rows equal the totals.
FLOAT_FORMAT = "%.10g"
#: Which command wrote each file of an output directory (hidden, beside the files).
RECORD_FILE = ".territorio.json"
#: Prefix of staging folders; the writer's process id follows, so stale ones can be found.
STAGING_PREFIX = ".territorio-"
#: A staging folder without a readable process id is stale after this many seconds.
STALE_AFTER_S = 3600
#: How Excel in Italian reads a CSV: ``;``, decimal comma, UTF-8 with BOM.
EXCEL_IT = {"sep": ";", "decimal": ","}


def write_italian_csv(path: Path | str, frame: pd.DataFrame, *, overwrite: bool = False) -> Path:
    r"""One table as Excel in Italian opens it: ``;`` separator, decimal comma, UTF-8 with BOM.

    The file is written aside and renamed into place, so a failure leaves nothing half
    written; an existing file is replaced only with ``overwrite``.

    Raises
    ------
    TerritorioError
        If the file exists (and ``overwrite`` is false) or cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile, pandas as pd, territorio as tt
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tabella.csv"
    >>> _ = tt.write_italian_csv(path, pd.DataFrame({"comune": ["Rho"], "quota_pct": [12.5]}))
    >>> path.read_text(encoding="utf-8-sig")
    'comune;quota_pct\nRho;12,5\n'
    >>> tt.write_italian_csv(path, pd.DataFrame())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    territorio.errors.TerritorioError: ...tabella.csv exists; choose another name or overwrite it
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise TerritorioError(f"{path} exists; choose another name or overwrite it")
    try:
        descriptor, part = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )
    except OSError as exc:
        raise TerritorioError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            frame.to_csv(handle, index=False, float_format=FLOAT_FORMAT, **EXCEL_IT)
        os.replace(part, path)
    except OSError as exc:
        Path(part).unlink(missing_ok=True)
        raise TerritorioError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


@dataclass
class WrittenTable:
    """A table a run wrote: its rows, and what documents its columns beyond the glossary."""

    frame: pd.DataFrame
    docs: Mapping[str, Any] = field(default_factory=dict)
    passthrough: str = ""
    #: ``(column, {value: sheet title})``: the XLSX has one sheet per value of the column
    sheets_by: tuple[str, Mapping[str, str]] | None = None


def copy_new_file(source: Path | str, target: Path | str) -> Path:
    """Copy ``source`` to a new file ``target`` (a template); never replaces a file.

    Raises
    ------
    TerritorioError
        If ``target`` exists, or its folder does not.
    """
    target = Path(target)
    if target.exists():
        raise TerritorioError(f"{target} exists; choose another name")
    if not target.parent.is_dir():
        raise TerritorioError(
            f"cannot write {target}: the folder {target.parent} does not exist; create it "
            "or choose another path"
        )
    part = target.parent / f".{target.name}.part"
    try:
        shutil.copyfile(source, part)
        os.replace(part, target)
    except OSError as exc:
        Path(part).unlink(missing_ok=True)
        raise TerritorioError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target


class OutputSet:
    """A set of output files committed together.

    Use as a context manager: files are created under :meth:`path`, and moved to the output
    directory with ``os.replace`` when the block ends without an exception. On an exception
    (an interruption included) the staging folder is removed and nothing in the output
    directory changes; staging folders left by a killed process are removed on entry.

    A hidden record (:data:`RECORD_FILE`) names the producer of each file. A file is replaced
    only when the same producer wrote it, or with ``overwrite``: a command never replaces
    what a different command (or a fuller run), or the user, put there.

    Parameters
    ----------
    directory
        The output directory (created if missing).
    producer
        Who writes: the command and its selection, e.g. ``"territorio land"``.
    overwrite
        Whether any existing file may be replaced.
    keep
        Which files to commit, by path relative to the directory (default: all); the others
        are computed but discarded with the staging folder.
    excel_csv
        CSV tables as Excel in Italian opens them: ``;``, decimal comma, UTF-8 with BOM.
    geoparquet
        Write each GeoPackage layer as GeoParquet too, in ``<name>_geoparquet/``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from territorio.outputs import OutputSet
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with OutputSet(folder, producer="prova") as out:
    ...     _ = out.write_text("nota.txt", "uno")
    >>> with OutputSet(folder, producer="altro") as out:  # doctest: +ELLIPSIS
    ...     _ = out.write_text("nota.txt", "due")
    Traceback (most recent call last):
    territorio.errors.OutputConflictError: ...nota.txt was written by 'prova' ...
    >>> (folder / "nota.txt").read_text()
    'uno'
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        producer: str = "territorio",
        overwrite: bool = False,
        keep: Callable[[str], bool] | None = None,
        excel_csv: bool = False,
        geoparquet: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.producer = producer
        self.overwrite = overwrite
        self.keep = keep
        self.excel_csv = excel_csv
        self.geoparquet = geoparquet
        #: province of each comune (``pro_com_t`` → ``cod_uts``) when a run spans several: the
        #: GeoParquet of its per-comune layers is then partitioned by province (Hive folders)
        self.partition: pd.Series | None = None
        #: every CSV table written, by relative path (for the dictionary and the workbooks)
        self.tables: dict[str, WrittenTable] = {}
        self._staging: Path | None = None
        self._record: dict[str, dict[str, str]] = {}
        self.written: list[Path] = []
        self.removed_stale: list[Path] = []

    @classmethod
    def from_config(cls, directory: Path | str, output: Any, **options: Any) -> OutputSet:
        """An output set with the table formats of the ``[output]`` section ``output``."""
        return cls(
            directory, excel_csv=output.csv_excel_it, geoparquet=output.geoparquet, **options
        )

    def __enter__(self) -> OutputSet:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.removed_stale = remove_stale_staging(self.directory)
            self._staging = Path(
                tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.directory)
            )
        except OSError as exc:
            raise TerritorioError(
                f"cannot write to output directory {self.directory}: {exc.strerror or exc}"
            ) from exc
        self._record = _read_record(self.directory)
        return self

    def path(self, relative: str) -> Path:
        """Staging path for the output file ``relative`` (sub-folders allowed).

        Raises
        ------
        OutputConflictError
            At once, if the file exists and may not be replaced (see the class).
        """
        if self._staging is None:
            raise RuntimeError("OutputSet.path() used outside its with-block")
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise ValueError(f"output name must be relative and inside the folder: {relative}")
        if self.keep is None or self.keep(Path(relative).as_posix()):
            self._check_replace([Path(relative).as_posix()])
        target = self._staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def folder(self, relative: str) -> Path:
        """Staging folder for a sub-folder of outputs (created)."""
        if self._staging is None:
            raise RuntimeError("OutputSet.folder() used outside its with-block")
        target = self._staging / relative
        target.mkdir(parents=True, exist_ok=True)
        return target

    @contextlib.contextmanager
    def _writing(self, target: Path) -> Iterator[None]:
        """Turn a full disk or an unwritable file into a message naming folder and space."""
        try:
            yield
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise self._disk_full(target) from None
            raise TerritorioError(f"cannot write {target.name}: {exc.strerror or exc}") from exc
        except TerritorioError:
            raise
        except Exception:  # GDAL/pyogrio report a full disk as a failed commit
            if _free_bytes(target.parent) < 1 << 20:
                raise self._disk_full(target) from None
            raise

    def _disk_full(self, target: Path) -> DiskFullError:
        staged = sum(p.stat().st_size for p in self._staging.rglob("*") if p.is_file())
        return DiskFullError(
            self.directory, target.relative_to(self._staging), staged, _free_bytes(self.directory)
        )

    # -- writers --------------------------------------------------------------------------
    def write_csv(
        self,
        relative: str,
        frame: pd.DataFrame,
        *,
        index: bool = False,
        float_format: str | None = FLOAT_FORMAT,
        docs: Mapping[str, Any] | None = None,
        passthrough: str = "",
        record: bool = True,
        sheets_by: tuple[str, Mapping[str, str]] | None = None,
    ) -> Path:
        """A table as UTF-8 CSV (comma, decimal point, 10 significant digits by default).

        With ``excel_csv`` the file is written as Excel in Italian reads it. ``docs``
        (column → :class:`~territorio.indicators.Column`) and ``passthrough`` (the layer or
        file whose other columns the table carries) document it in the data dictionary;
        ``record=False`` leaves it out of the tables the dictionary documents (the dictionary
        itself); ``sheets_by`` = ``(column, {value: title})`` splits its XLSX into one sheet
        per value (e.g. one per Driver).
        """
        target = self.path(relative)
        with self._writing(target):
            if self.excel_csv:
                frame.to_csv(
                    target,
                    index=index,
                    float_format=float_format,
                    encoding="utf-8-sig",
                    **EXCEL_IT,
                )
            else:
                frame.to_csv(target, index=index, float_format=float_format)
        if record:
            self.tables[relative] = WrittenTable(
                frame.reset_index() if index else frame, dict(docs or {}), passthrough, sheets_by
            )
        return target

    def write_workbook(self, relative: str, sheets: Mapping[str, Any]) -> Path:
        """An XLSX workbook of prepared sheets (see :mod:`territorio.outputs.workbook`)."""
        from territorio.outputs.workbook import write_workbook

        target = self.path(relative)
        with self._writing(target):
            write_workbook(target, sheets)
        return target

    def _write_parquet(self, relative: str, name: str, frame: gpd.GeoDataFrame) -> None:
        import pyarrow  # noqa: F401  (geopandas writes GeoParquet with it)

        stem = relative.rsplit(".", 1)[0]
        if self.partition is None or KEY not in frame.columns:
            target = self.path(f"{stem}_geoparquet/{name}.parquet")
            with self._writing(target):
                frame.to_parquet(target)
            return
        # one folder per province, cod_uts=NNN/ (Hive style: pyarrow, DuckDB, Spark, QGIS
        # read the folder as one dataset and skip the provinces a query does not need)
        province = frame[KEY].map(self.partition)
        folder = province.map(lambda c: "nd" if c != c else f"{int(c):03d}")  # NaN: no province
        for code, part in frame.groupby(folder.to_numpy(), sort=True):
            target = self.path(f"{stem}_geoparquet/{name}/cod_uts={code}/part-0.parquet")
            with self._writing(target):
                part.to_parquet(target)

    def write_text(self, relative: str, text: str) -> Path:
        """A UTF-8 text file (Markdown, SVG, HTML)."""
        target = self.path(relative)
        with self._writing(target):
            target.write_text(text, encoding="utf-8")
        return target

    def write_layers(
        self,
        relative: str,
        layers: dict[str, gpd.GeoDataFrame],
        descriptions: dict[str, str] | None = None,
    ) -> Path:
        """Vector layers into one GeoPackage, one table per entry (with an optional description)."""
        target = self.path(relative)
        with self._writing(target):
            for name, frame in layers.items():
                options = {"DESCRIPTION": descriptions[name]} if descriptions else None
                frame.to_file(target, layer=name, driver="GPKG", layer_options=options)
        if self.geoparquet:
            for name, frame in layers.items():
                self._write_parquet(relative, name, frame)
        return target

    def write_geotiff(
        self,
        relative: str,
        bands: list[np.ndarray],
        *,
        transform: Any,
        crs: Any,
        nodata: float,
        names: list[str] | None = None,
        tags: dict[str, str] | None = None,
    ) -> Path:
        """Bands of one grid as a tiled, compressed GeoTIFF with band descriptions and tags."""
        import rasterio

        target = self.path(relative)
        height, width = bands[0].shape
        profile = dict(
            driver="GTiff",
            width=width,
            height=height,
            count=len(bands),
            dtype=str(bands[0].dtype),
            crs=crs,
            transform=transform,
            nodata=nodata,
            compress="deflate",
            tiled=True,
            blockxsize=256,
            blockysize=256,
        )
        with self._writing(target), rasterio.open(target, "w", **profile) as dst:
            for index, band in enumerate(bands, start=1):
                dst.write(band, index)
                if names:
                    dst.set_band_description(index, names[index - 1])
            if tags:
                dst.update_tags(**tags)
        return target

    def write_map(self, relative: str, page: Any) -> Path:
        """A web page (:class:`territorio.webmap.render.Page`, or any text) as UTF-8 HTML."""
        target = self.path(relative)
        with self._writing(target):
            target.write_text(str(page), encoding="utf-8")
        return target

    def write_geopackage(self, relative: str, layers: list[QgisLayer]) -> Path:
        """The styled QGIS GeoPackage (see :mod:`territorio.outputs.geopackage`)."""
        from territorio.outputs.geopackage import write_geopackage

        target = self.path(relative)
        with self._writing(target):
            write_geopackage(target, layers)
        if self.geoparquet:
            for layer in layers:
                self._write_parquet(relative, layer.table, layer.frame)
        return target

    def write_zip(self, relative: str, members: dict[str, str]) -> Path:
        """A deflated zip of text members (a ``.qgz`` project holds its ``.qgs``)."""
        import zipfile

        target = self.path(relative)
        with (
            self._writing(target),
            zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for name, text in members.items():
                archive.writestr(name, text)
        return target

    def write_atlas_pdf(
        self,
        relative: str,
        project: str,
        python: str,
        codes: list[str] | None = None,
        layout: str = "Scheda comunale",
    ) -> dict:
        """The atlas ``layout`` of the staged ``project`` as PDFs in the sub-folder ``relative``.

        QGIS exports them (:mod:`territorio.outputs.pdf`); returns the exporter's report.
        """
        from territorio.outputs.pdf import export_atlas

        return export_atlas(self.path(project), self.folder(relative), python, codes, layout)

    def copy_tree(self, relative: str, source: Path) -> Path:
        """Copy every file below ``source`` into the sub-folder ``relative`` (vendored assets)."""
        target = self.folder(relative)
        for item in Path(source).rglob("*"):
            if item.is_file():
                destination = self.path(f"{relative}/{item.relative_to(source).as_posix()}")
                with self._writing(destination):
                    shutil.copyfile(item, destination)
        return target

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        staging, self._staging = self._staging, None
        if staging is None:
            return
        try:
            if exc_type is None:
                self._commit(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _check_replace(self, relatives: list[str]) -> None:
        if self.overwrite:
            return
        blocked = [
            rel
            for rel in relatives
            if (self.directory / rel).exists()
            and self._record.get(rel, {}).get("producer") != self.producer
        ]
        if blocked:
            first = self._record.get(blocked[0])
            raise OutputConflictError(
                self.directory / blocked[0],
                first["producer"] if first else None,
                first.get("date", "") if first else "",
                self.producer,
                len(blocked) - 1,
            )

    def _commit(self, staging: Path) -> None:
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        if self.keep is not None:
            files = [p for p in files if self.keep(p.relative_to(staging).as_posix())]
        relatives = [p.relative_to(staging).as_posix() for p in files]
        self._check_replace(relatives)
        now = dt.datetime.now().isoformat(timespec="seconds")
        record = dict(_read_record(self.directory))
        record.update({rel: {"producer": self.producer, "date": now} for rel in relatives})
        record_part = staging / RECORD_FILE
        with self._writing(record_part):
            record_part.write_text(json.dumps(record, indent=1, sort_keys=True), "utf-8")
        for source, rel in zip(files, relatives, strict=True):
            target = self.directory / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            self.written.append(target)
        os.replace(record_part, self.directory / RECORD_FILE)


def remove_stale_staging(directory: Path) -> list[Path]:
    """Remove staging folders of processes that no longer run (killed runs leave them).

    A folder whose process id is alive belongs to a run in progress and is left alone.
    """
    removed = []
    for folder in directory.glob(f"{STAGING_PREFIX}*"):
        if not folder.is_dir():
            continue
        pid_text = folder.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        if pid_text.isdigit():
            stale = not _alive(int(pid_text))
        else:  # written before staging folders carried the process id
            stale = time.time() - folder.stat().st_mtime > STALE_AFTER_S
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _read_record(directory: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((directory / RECORD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0
