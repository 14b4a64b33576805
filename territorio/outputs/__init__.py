"""Writing outputs: every file of a run is written here, atomically.

Files are written to a staging folder and moved into place only on success, so a failed run
leaves the output directory as it was: no half-written file, and no mix of old and new files
from one run. Steps call the ``write_*`` methods of :class:`OutputSet`; they never open a
file themselves.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from territorio.errors import TerritorioError

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from territorio.qgis.layers import QgisLayer

#: Number format of every CSV table: enough digits that sums of rows equal the totals.
FLOAT_FORMAT = "%.10g"


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
            frame.to_csv(handle, sep=";", decimal=",", index=False, float_format=FLOAT_FORMAT)
        os.replace(part, path)
    except OSError as exc:
        Path(part).unlink(missing_ok=True)
        raise TerritorioError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


class OutputSet:
    """A set of output files committed together.

    Use as a context manager: files are created under :meth:`path`, and moved to the output
    directory with ``os.replace`` when the block ends without an exception. On an exception
    the staging folder is removed and nothing in the output directory changes.

    Parameters
    ----------
    directory
        The output directory (created if missing).
    overwrite
        Whether existing files may be replaced (default ``True``).
    keep
        Which files to commit, by path relative to the directory (default: all); the others
        are computed but discarded with the staging folder.
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        overwrite: bool = True,
        keep: Callable[[str], bool] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.overwrite = overwrite
        self.keep = keep
        self._staging: Path | None = None
        self.written: list[Path] = []

    def __enter__(self) -> OutputSet:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(prefix=".territorio-", dir=self.directory))
        except OSError as exc:
            raise TerritorioError(
                f"cannot write to output directory {self.directory}: {exc.strerror or exc}"
            ) from exc
        return self

    def path(self, relative: str) -> Path:
        """Staging path for the output file ``relative`` (sub-folders allowed)."""
        if self._staging is None:
            raise RuntimeError("OutputSet.path() used outside its with-block")
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise ValueError(f"output name must be relative and inside the folder: {relative}")
        target = self._staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def folder(self, relative: str) -> Path:
        """Staging folder for a sub-folder of outputs (created)."""
        target = self.path(f"{relative}/.folder").parent
        return target

    # -- writers --------------------------------------------------------------------------
    def write_csv(
        self,
        relative: str,
        frame: pd.DataFrame,
        *,
        index: bool = False,
        float_format: str | None = FLOAT_FORMAT,
    ) -> Path:
        """A table as UTF-8 CSV (comma, decimal point, 10 significant digits by default)."""
        target = self.path(relative)
        frame.to_csv(target, index=index, float_format=float_format)
        return target

    def write_text(self, relative: str, text: str) -> Path:
        """A UTF-8 text file (Markdown, SVG, HTML)."""
        target = self.path(relative)
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
        for name, frame in layers.items():
            options = {"DESCRIPTION": descriptions[name]} if descriptions else None
            frame.to_file(target, layer=name, driver="GPKG", layer_options=options)
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
        with rasterio.open(target, "w", **profile) as dst:
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
        target.write_text(str(page), encoding="utf-8")
        return target

    def write_geopackage(self, relative: str, layers: list[QgisLayer]) -> Path:
        """The styled QGIS GeoPackage (see :mod:`territorio.outputs.geopackage`)."""
        from territorio.outputs.geopackage import write_geopackage

        target = self.path(relative)
        write_geopackage(target, layers)
        return target

    def write_zip(self, relative: str, members: dict[str, str]) -> Path:
        """A deflated zip of text members (a ``.qgz`` project holds its ``.qgs``)."""
        import zipfile

        target = self.path(relative)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
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
                destination = target / item.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
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

    def _commit(self, staging: Path) -> None:
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        if self.keep is not None:
            files = [p for p in files if self.keep(p.relative_to(staging).as_posix())]
        targets = [self.directory / p.relative_to(staging) for p in files]
        if not self.overwrite:
            existing = [t for t in targets if t.exists()]
            if existing:
                raise TerritorioError(
                    f"{existing[0]} exists; pass --overwrite to replace it"
                    + (f" (and {len(existing) - 1} more)" if len(existing) > 1 else "")
                )
        for source, target in zip(files, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            self.written.append(target)
