"""Surname keys: one key for the spellings of one family name.

The same family name reaches rosters spelt several ways: romanised by
different systems (Zhang / Chang / Cheung, Park / Pak, Nguyễn / Nguyen,
Mohammed / Muhammad), written with or without a particle or a space
(Al-Khatib / Khatib, El Sayed / Elsayed, Abdul Rahman / Abdulrahman, de la
Cruz / Delacruz). ``surname_key`` folds them to one key: spaces, hyphens and
apostrophes go, and a spelling listed in ``overlap/data/surname_variants.csv``
(romanisation and spelling variants of common surnames, grouped) gives its
group's key. Matching says "spellings of one surname" for equal keys, a
weaker level than the same surname; blocking uses the key so such pairs are
compared at all.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

# particles that may stand before a surname, or be left off ("al-khatib" / "khatib")
_PARTICLES = ("al", "el", "ul", "bin", "ibn", "abu", "de", "del", "della", "de la", "de los",
              "de las", "da", "das", "dos", "di", "van", "van der", "van den", "von", "der",
              "le", "la", "st", "saint")  # fmt: skip
_LEADING = re.compile(
    r"^(?:" + "|".join(sorted(map(re.escape, _PARTICLES), key=len, reverse=True)) + r")[ \-']+"
)
_JOINERS = re.compile(r"[ \-']+")


@lru_cache(maxsize=1)
def _variant_keys() -> dict[str, str]:
    """Spelling -> its group's key (the group's first spelling in alphabetical order)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    text = resources.files("overlap").joinpath("data/surname_variants.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        a, b = find(row["name"].strip()), find(row["variant"].strip())
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {name: find(name) for name in list(parent)}


def surname_key(name: str) -> str:
    """The key of a normalised surname: particles and joins gone, variants grouped."""
    if not name:
        return ""
    compact = _JOINERS.sub("", name)  # "de la cruz" and "delacruz" alike
    bare = _JOINERS.sub("", _LEADING.sub("", name))  # "el sayed" -> "sayed", a listed spelling
    table = _variant_keys()
    return table.get(compact) or table.get(bare) or compact
