"""Atomic output: files are written to a staging folder and moved into place only on success.

A failed run therefore leaves the output directory as it was: no half-written file, and no
mix of old and new files from one run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from territorio.errors import TerritorioError


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
    """

    def __init__(self, directory: Path | str, *, overwrite: bool = True) -> None:
        self.directory = Path(directory)
        self.overwrite = overwrite
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
