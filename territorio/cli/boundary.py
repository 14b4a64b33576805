"""The error boundary of the command line: every failure becomes a message, never a traceback.

Known failures (territorio's own errors, a missing or unreadable file, a full disk, an
interruption) get a message naming the file and what was expected, exit status 2 (128 + the
signal for an interruption). Anything else is an internal error: the traceback goes to a log
file in the user cache and the message gives its path, exit status 3.
"""

from __future__ import annotations

import datetime as dt
import errno
import shutil
import signal
import traceback
from pathlib import Path

from territorio.errors import TerritorioError, human_size
from territorio.mirror import user_cache_dir

#: Exit status of a known failure (bad input, missing file, full disk).
EXIT_INPUT = 2
#: Exit status of an internal error (a bug: the log has the traceback).
EXIT_INTERNAL = 3


class Interrupted(KeyboardInterrupt):
    """A run stopped by SIGTERM or SIGHUP; raised like Ctrl-C so that staging is cleaned."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


#: Signals received by this process (typer turns the interruption into exit status 130).
RECEIVED: list[int] = []


def catch_signals() -> None:
    """Make SIGTERM and SIGHUP stop a run as Ctrl-C does (staging folders are removed)."""
    RECEIVED.clear()

    def stop(signum: int, _frame: object) -> None:
        RECEIVED.append(signum)
        raise Interrupted(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def describe(exc: BaseException, lang: str = "it") -> tuple[int, str]:
    """Exit status and message for a failure, or ``(EXIT_INTERNAL, "")`` if it is not known.

    Examples
    --------
    >>> describe(FileNotFoundError(2, "No such file or directory", "rete.osm"))
    (2, 'file non trovato: rete.osm')
    >>> describe(OSError(28, "No space left on device", "/tmp/x.csv"), "en")[1][:19]
    'disk full in /tmp: '
    >>> describe(ZeroDivisionError())
    (3, '')
    """
    it = lang == "it"
    if isinstance(exc, TerritorioError):
        return EXIT_INPUT, exc.render(lang)
    if isinstance(exc, Interrupted):
        name = signal.Signals(exc.signum).name
        text = (
            f"interrotto da {name}: nessun file scritto, cartella temporanea rimossa"
            if it
            else f"stopped by {name}: nothing written, staging folder removed"
        )
        return 128 + exc.signum, text
    if isinstance(exc, KeyboardInterrupt):
        text = (
            "interrotto: nessun file scritto, cartella temporanea rimossa"
            if it
            else "interrupted: nothing written, staging folder removed"
        )
        return 130, text
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        folder = Path(exc.filename).parent if exc.filename else Path.cwd()
        free = _free(folder)
        if it:
            return EXIT_INPUT, f"disco pieno in {folder}: liberi {human_size(free, 'it')}"
        return EXIT_INPUT, f"disk full in {folder}: {human_size(free)} free"
    if isinstance(exc, OSError) and exc.filename:
        what = {
            errno.ENOENT: ("file non trovato", "file not found"),
            errno.EACCES: ("permesso negato", "permission denied"),
            errno.EISDIR: ("è una cartella, atteso un file", "is a folder, expected a file"),
            errno.ENOTDIR: ("non è una cartella", "not a folder"),
        }.get(exc.errno or 0, ("impossibile usare il file", "cannot use the file"))
        return EXIT_INPUT, f"{what[0] if it else what[1]}: {exc.filename}"
    if _is_io_library_error(exc):  # rasterio/pyogrio name the file in their message
        prefix = "file non leggibile" if it else "unreadable file"
        return EXIT_INPUT, f"{prefix}: {exc}"
    return EXIT_INTERNAL, ""


def internal_error(exc: BaseException, argv: list[str], lang: str = "it") -> str:
    """Log the traceback of an unexpected error and return the message that names the log."""
    from territorio._version import __version__

    folder = log_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log = folder / f"errore-{stamp}.log"
    text = f"territorio {__version__}\ncommand: {' '.join(argv)}\n\n" + "".join(
        traceback.format_exception(exc)
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        log.write_text(text, encoding="utf-8")
        where = str(log)
    except OSError:
        where = ""
    kind = type(exc).__name__
    if lang == "it":
        tail = f"; dettagli in {where}" if where else ""
        return (
            f"errore interno ({kind}: {exc}){tail}. Non è un errore dei vostri dati: "
            "segnalatelo allegando il file di dettagli."
        )
    tail = f"; details in {where}" if where else ""
    return f"internal error ({kind}: {exc}){tail}. Please report it with the details file."


def log_dir() -> Path:
    """Folder of the internal-error logs (``TERRITORIO_CACHE/logs`` or the XDG cache)."""
    import os

    from territorio.mirror import ENV_CACHE

    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser() / "logs"
    return user_cache_dir().parent / "logs"


def _is_io_library_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("rasterio", "pyogrio", "fiona")) and "Error" in type(exc).__name__


def _free(folder: Path) -> int:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0
