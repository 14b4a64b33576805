"""The sources of a page: citations stored once, and the short credits of the map's corner."""

from __future__ import annotations

from collections.abc import Iterable

from territorio.catalog import Catalog
from territorio.manifest import citation

USER_FILE = {"it": "file dell'utente", "en": "user's file"}


class Citations:
    """Citations of the layers a page draws, each stored once and referenced by index.

    Examples
    --------
    >>> from territorio.catalog import Catalog
    >>> cites = Citations(Catalog(), "it")
    >>> cites.add(["farmacie", "farmacie", "registro.csv"])
    [0, 1]
    >>> cites.citations[0]
    'Farmacie — Regione Lombardia, licenza IODL 2.0 (da verificare), dati al 15/2/2026'
    >>> cites.credits
    ['Regione Lombardia', "file dell'utente"]
    """

    def __init__(self, catalog: Catalog, lang: str) -> None:
        self.catalog = catalog
        self.lang = lang
        self.citations: list[str] = []
        self.credits: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, layer_ids: Iterable[str]) -> list[int]:
        """Record the layers ``layer_ids``; return the indices of their citations."""
        out = []
        for layer_id in layer_ids:
            if layer_id not in self._index:
                try:
                    manifest = self.catalog.manifest(layer_id)
                except Exception:  # a user's file named as source
                    text = f"{USER_FILE.get(self.lang, USER_FILE['it'])}: {layer_id}"
                    credit = USER_FILE.get(self.lang, USER_FILE["it"])
                else:
                    text = citation(manifest, self.lang)
                    credit = manifest.credit or manifest.publisher
                    if layer_id in self.catalog.overrides:
                        text += f" ({USER_FILE.get(self.lang, USER_FILE['it'])})"
                if text not in self.citations:
                    self.citations.append(text)
                self._index[layer_id] = self.citations.index(text)
                for atom in credit.split(", "):
                    if atom not in self.credits:
                        self.credits.append(atom)
            if self._index[layer_id] not in out:
                out.append(self._index[layer_id])
        return out
