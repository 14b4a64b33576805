"""The coordinate reference systems of the toolkit, and parsing a CRS a user gives."""

from __future__ import annotations

from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from territorio.errors import CRSError

WORK_CRS = CRS.from_epsg(32632)
"""The metric working CRS of every computation (WGS 84 / UTM 32N)."""
WEB_CRS = CRS.from_epsg(4326)
"""The CRS of web maps only."""


def parse_crs(text: str, *, source: str) -> CRS:
    """Parse a CRS given by a user (``EPSG:32632``, ``32632``, WKT), naming the source on error.

    Examples
    --------
    >>> parse_crs("32632", source="registro.csv").to_epsg()
    32632
    """
    try:
        return CRS.from_user_input(int(text) if str(text).isdigit() else text)
    except PyprojCRSError as exc:
        raise CRSError(f"{source}: {text!r} is not a coordinate reference system") from exc
