"""The run configuration file: every section of the base and of each registered theme.

The sections come from :mod:`territorio.settings` (base) and from the theme registry
:mod:`territorio.themes`, listed explicitly, so :func:`default_config_toml` is complete
whatever was imported before.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from territorio.pipeline import Theme
from territorio.readers import builtin_areas, read_toml
from territorio.settings import BASE_SECTIONS, RunConfig, config_toml, parse_config
from territorio.themes import THEMES


def sections(themes: Sequence[Theme] = THEMES) -> dict[str, type]:
    """Every config section by TOML table name: the base ones, then each theme's."""
    out = dict(BASE_SECTIONS)
    for theme in themes:
        if theme.config is not None:
            name, cls = theme.config
            out[name] = cls
    return out


def load_config(path: Path | str | None = None, themes: Sequence[Theme] = THEMES) -> RunConfig:
    """Read and validate a run config; with no path, the documented defaults.

    Parameters
    ----------
    path
        The TOML file; ``None`` gives every default.
    themes
        The theme registry whose sections the file may hold (default
        :data:`territorio.themes.THEMES`).

    Raises
    ------
    ConfigError
        Naming the file and the key for unknown sections or keys, wrong types, bad values.

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg["access"].walk_speed_kmh
    4.5
    """
    if path is None:
        return parse_config({}, sections(themes), areas=builtin_areas())
    path = Path(path)
    data = read_toml(path)
    return parse_config(
        data, sections(themes), source=path, base=path.resolve().parent, areas=builtin_areas()
    )


def default_config_toml(themes: Sequence[Theme] = THEMES) -> str:
    """A complete, commented config file with every default (``territorio config``).

    Examples
    --------
    >>> import territorio as tt
    >>> text = tt.default_config_toml()
    >>> [line for line in text.splitlines() if line.startswith("[")][:5]
    ['[data]', '[output]', '[run]', '[territory]', '[population]']
    """
    return config_toml(sections(themes))
