"""Texts in Italian and English."""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANG = "it"


def pick(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, falling back to Italian (the default language of every output)."""
    return texts.get(lang) or texts.get(DEFAULT_LANG) or next(iter(texts.values()), "")
