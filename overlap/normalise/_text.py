"""Scalar text helpers shared by every kind of field.

A cell may hold several raw values joined with " | " (two phone columns
mapped to one field, say): the first one that normalises to something
non-empty wins (``_first_valid``). Accents are folded the same way for
names, cities and streets (``_fold``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from unidecode import unidecode

_MAX_LEN = 300  # longer cells are junk (pasted notes); parsers on them are slow


def _parts(value: str) -> list[str]:
    """The raw values of a cell that may hold several joined with " | "."""
    if not isinstance(value, str):
        return []
    return [p.strip() for p in value.split("|")]


def _first_valid(value: str, func: Callable[[str], str]) -> str:
    for part in _parts(value):
        if part:
            out = func(part)
            if out:
                return out
    return ""


_SPACES = re.compile(r"\s+")
_HYPHENS = re.compile(r"\s*-[\s-]*")


_COMBINING_MARKS = re.compile("[\u0300-\u036f]+")


def _fold(value: str) -> str:
    """Accents folded to ASCII, lower case.

    Latin accents are dropped by Unicode decomposition (fast); whatever is
    still not ASCII (ß, Ł, Cyrillic, CJK) goes through unidecode.
    """
    if value.isascii():
        return value.lower()
    text = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", value))
    if not text.isascii():
        text = unidecode(text)
    return text.lower()
