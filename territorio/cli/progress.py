"""What a command prints while it works and when it ends: progress, notes, a short summary.

On a terminal the progress is a rich bar with the step, its number and the elapsed time; when
the output goes to a log (a pipe or a file) each step is one timestamped line, printed as it
starts, so a log shows how far a run got. ``--quiet`` prints only errors and warnings;
``--verbose`` adds the sub-steps and the full list of files.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Reporter:
    """Progress of one command, used as ``progress`` callback of :func:`run_pipeline`.

    Call it with a message for a sub-step; :meth:`advance` marks the start of step ``done + 1``
    of ``total``.
    """

    def __init__(
        self, console: Console, *, lang: str = "it", quiet: bool = False, verbose: bool = False
    ) -> None:
        self.console = console
        self.lang = lang
        self.quiet = quiet
        self.verbose = verbose
        self.started = time.monotonic()
        self._bar: Progress | None = None
        self._task: int | None = None

    def __enter__(self) -> Reporter:
        if self.console.is_terminal and not self.quiet:
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("territorio", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, done: int, total: int, title: str) -> None:
        """Step ``done + 1`` of ``total`` (``title``) starts."""
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total, description=escape(title))
        else:
            self._line(f"[{done + 1}/{total}] {title}")

    def __call__(self, message: str) -> None:
        """A sub-step message (shown on the bar, or as a line with ``verbose``)."""
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(self._task, description=escape(message))
        elif self.verbose:
            self._line(f"  {message}")

    def _line(self, text: str) -> None:
        now = dt.datetime.now().strftime("%H:%M:%S")
        self.console.print(
            f"{now} {self.elapsed():>8}  {escape(text)}", highlight=False, soft_wrap=True
        )

    def elapsed(self) -> str:
        """Time since the command started, for the summary (``12,3 s``)."""
        text = f"{time.monotonic() - self.started:.1f} s"
        return text.replace(".", ",") if self.lang == "it" else text


def summarise_files(paths: list[Path], base: Path, lang: str = "it") -> list[str]:
    """Written files grouped by folder: names when few, counts by type when many.

    Examples
    --------
    >>> from pathlib import Path
    >>> base = Path("/out")
    >>> files = [base / "a.csv", base / "b.md"] + [base / "atlante" / f"{i}.html" for i in range(9)]
    >>> summarise_files(files, base)
    ['./: a.csv, b.md', 'atlante/: 9 file (9 html)']
    """
    folders: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        try:
            relative = path.parent.relative_to(base).as_posix()
        except ValueError:
            relative = str(path.parent)
        folders["./" if relative == "." else relative + "/"].append(path)
    lines = []
    for folder in sorted(folders):
        files = folders[folder]
        if len(files) <= 6:
            lines.append(f"{folder}: {', '.join(p.name for p in files)}")
            continue
        kinds = Counter(p.suffix.lstrip(".") or "?" for p in files)
        detail = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        lines.append(f"{folder}: {len(files)} file ({detail})")
    return lines
