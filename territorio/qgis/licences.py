"""Licences and attribution of a layer, from the provenance records of its sources.

A layer derived from OpenStreetMap (the walking network, isochrones, network catchments,
travel-time grid) carries the ODbL and the attribution the OSM Foundation asks for,
"© OpenStreetMap contributors" linking to the copyright page; every other layer carries the
licence and publisher of each catalogue layer it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
USER_FILE = "da verificare: file fornito dall'utente"


@dataclass(frozen=True)
class Licensing:
    """What a layer's licence block says.

    Attributes
    ----------
    licences
        Distinct licences of the sources (ODbL first when any source is OpenStreetMap).
    rights
        One line per source: publisher and licence.
    attribution
        The attribution line shown with the data.
    url
        Where the attribution points (OSM's copyright page, else the first source's page).
    osm
        Whether the layer derives from OpenStreetMap.
    """

    licences: tuple[str, ...]
    rights: tuple[str, ...]
    attribution: str
    url: str
    osm: bool


def is_osm(record: dict) -> bool:
    """Whether a provenance record is an OpenStreetMap layer."""
    publisher = str(record.get("editore", "")).lower()
    licence = str(record.get("licenza", "")).lower()
    return "openstreetmap" in publisher or licence.startswith("odbl")


def licensing(records: list[dict]) -> Licensing:
    """The licence block of a layer whose sources are ``records``.

    Examples
    --------
    >>> osm = {"editore": "OpenStreetMap contributors", "licenza": "ODbL 1.0"}
    >>> istat = {"editore": "ISTAT", "licenza": "CC BY 4.0", "url": "https://www.istat.it"}
    >>> block = licensing([istat, osm])
    >>> block.licences, block.attribution, block.osm
    (('ODbL 1.0', 'CC BY 4.0'), '© OpenStreetMap contributors (ODbL 1.0); ISTAT (CC BY 4.0)', True)
    >>> licensing([{"fonte": "file dell'utente"}]).licences
    ("da verificare: file fornito dall'utente",)
    """
    osm = [r for r in records if is_osm(r)]
    others = [r for r in records if not is_osm(r)]
    licences: list[str] = []
    parts: list[str] = []
    for record in osm[:1]:
        licences.append(str(record.get("licenza") or "ODbL 1.0"))
        parts.append(f"{OSM_ATTRIBUTION} ({licences[0]})")
    for record in others:
        if "editore" in record:
            licence = str(record.get("licenza") or "")
            licences.append(licence)
            parts.append(f"{record['editore']} ({licence})")
        elif "attribuzione" in record:
            parts.append(str(record["attribuzione"]))
        else:
            licences.append(USER_FILE)
            parts.append(f"{record.get('id', 'file')} ({USER_FILE})")
    licences = [x for x in dict.fromkeys(licences) if x]
    parts = list(dict.fromkeys(parts))
    url = OSM_COPYRIGHT if osm else next((str(r["url"]) for r in others if r.get("url")), "")
    return Licensing(tuple(licences), tuple(parts), "; ".join(parts), url, bool(osm))
