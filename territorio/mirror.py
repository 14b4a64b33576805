"""Where the layer mirror and the layer catalogue are found on disk."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from territorio.errors import MirrorNotFoundError

ENV_DATA = "TERRITORIO_DATA"
ENV_CACHE = "TERRITORIO_CACHE"
ENV_LAYERS = "TERRITORIO_LAYERS"

PACKAGE_DIR = Path(__file__).resolve().parent
#: The source checkout holding the package, when the package runs from one.
PROJECT_ROOT: Path | None = (
    PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else None
)


@dataclass(frozen=True)
class MirrorLocation:
    """A resolved mirror directory and how it was found."""

    path: Path
    how: str


def user_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Directory where downloaded layers are kept (``TERRITORIO_CACHE`` or the XDG cache)."""
    env = os.environ if env is None else env
    if env.get(ENV_CACHE):
        return Path(env[ENV_CACHE]).expanduser()
    base = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    return base / "territorio" / "data"


def candidate_mirrors(
    option: str | Path | None = None, env: Mapping[str, str] | None = None
) -> list[tuple[str, Path]]:
    """The places searched for the mirror, in order of precedence."""
    env = os.environ if env is None else env
    places: list[tuple[str, Path]] = []
    if option:
        places.append(("option --data / config", Path(option).expanduser()))
    if env.get(ENV_DATA):
        places.append((f"environment {ENV_DATA}", Path(env[ENV_DATA]).expanduser()))
    if PROJECT_ROOT is not None:
        places.append(
            ("../shared/data beside the project", PROJECT_ROOT.parent / "shared" / "data")
        )
    places.append(
        ("../shared/data from the working directory", Path.cwd().parent / "shared" / "data")
    )
    places.append(("user cache", user_cache_dir(env)))
    return places


def resolve_mirror(
    option: str | Path | None = None, env: Mapping[str, str] | None = None
) -> MirrorLocation:
    """Find the layer mirror directory.

    Precedence: the explicit option, then ``TERRITORIO_DATA``, then ``../shared/data`` beside
    the project (or the working directory), then the user cache.  An explicit option or
    environment variable that points nowhere is an error, not a reason to look elsewhere.

    Raises
    ------
    MirrorNotFoundError
        If no candidate exists.
    """
    places = candidate_mirrors(option, env)
    explicit = [p for p in places if p[0].startswith(("option", "environment"))]
    for how, path in explicit:
        if not path.is_dir():
            raise MirrorNotFoundError([(how, path)], reason=f"{how} points to a missing directory")
    for how, path in places:
        if path.is_dir():
            return MirrorLocation(path.resolve(), how)
    raise MirrorNotFoundError(places)


def catalogue_dir(env: Mapping[str, str] | None = None) -> Path:
    """Directory of the layer manifests.

    ``TERRITORIO_LAYERS`` if set, else the checkout's ``layers/``, else the copy in the wheel.
    """
    env = os.environ if env is None else env
    if env.get(ENV_LAYERS):
        return Path(env[ENV_LAYERS]).expanduser()
    if PROJECT_ROOT is not None and (PROJECT_ROOT / "layers").is_dir():
        return PROJECT_ROOT / "layers"
    return PACKAGE_DIR / "_layers"
