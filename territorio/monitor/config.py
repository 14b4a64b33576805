"""The ``[monitor]`` section of the run config."""

from __future__ import annotations

from dataclasses import dataclass

from territorio.settings import doc


@dataclass
class MonitorConfig:
    """Plan monitoring (monitoraggio): the PSTTM Drivers, their indicators and targets."""

    catalogue: str = doc(
        "A TOML file that adds Drivers and indicators to the shipped PSTTM catalogue or "
        "replaces them by id (e.g. an approved target); empty = the shipped catalogue only.",
        "",
    )
