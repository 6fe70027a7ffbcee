"""String tables: every name, its nicknames, accent-folded form and typos, as integer ids.

Rows are rendered with numpy indexing only (no Python call per row), so a
million-row roster takes seconds; typos are drawn once per name with a fixed
seed, not per row.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from unidecode import unidecode

from .name_lists import FIRST_NAMES, NICKNAMES, SURNAMES
from .places import GROUPS

TYPO_VARIANTS = 6
_KEYBOARD = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adwx",
    "d": "sfec",
    "f": "dgrv",
    "g": "fhtb",
    "h": "gjyn",
    "j": "hkum",
    "k": "jli",
    "l": "ko",
    "z": "ax",
    "x": "zcs",
    "c": "xvd",
    "v": "cbf",
    "b": "vng",
    "n": "bmh",
    "m": "nj",
}


def _fold(text: str) -> str:
    """Accents dropped the way an ASCII-only system drops them (José -> Jose, Łukasz -> Lukasz)."""
    return unidecode(text)


def _cp1252_safe(text: str) -> str:
    """What a cp1252 system keeps: Spanish accents survive, Polish letters are folded."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        return "".join(c if _encodable(c) else unidecode(c) for c in text)


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard typo: substitute a neighbour key, delete, double or transpose a letter."""
    for _ in range(20):
        chars = list(text)
        n = len(chars)
        if n < 3:
            kind = 2
        else:
            kind = int(rng.integers(0, 4))
        pos = int(rng.integers(1, n)) if n > 1 else 0
        low = chars[pos].lower()
        if kind == 0 and low in _KEYBOARD:
            repl = _KEYBOARD[low][int(rng.integers(0, len(_KEYBOARD[low])))]
            chars[pos] = repl.upper() if chars[pos].isupper() else repl
        elif kind == 1 and n > 3:
            del chars[pos]
        elif kind == 2:
            chars.insert(pos, chars[pos].lower() if pos else chars[pos])
        elif kind == 3 and pos < n - 1 and chars[pos] != chars[pos + 1]:
            chars[pos], chars[pos + 1] = chars[pos + 1], chars[pos]
            if pos == 0:
                chars[0], chars[1] = chars[0].upper(), chars[1].lower()
        out = "".join(chars)
        if out != text and out.strip(" -'") and "  " not in out:
            return out
    return text + text[-1]


class NameTable:
    """All name strings with integer ids and per-id lookups (nickname, fold, typo, cp1252)."""

    def __init__(self) -> None:
        base: list[str] = []
        for group in GROUPS:
            for sex in ("M", "F"):
                base += [n for n, _ in FIRST_NAMES[group][sex]]
            base += [n for n, _ in SURNAMES[group]]
        for canon, nicks in NICKNAMES.items():
            base.append(canon)
            base += nicks
        base = list(dict.fromkeys(base))
        strings: list[str] = list(base)
        index = {s: i for i, s in enumerate(strings)}

        def add(s: str) -> int:
            if s not in index:
                index[s] = len(strings)
                strings.append(s)
            return index[s]

        # folded and cp1252-safe forms of every base name
        for s in base:
            add(_fold(s))
            add(_cp1252_safe(s))
        stems = list(strings)  # names that can receive a typo
        rng = np.random.default_rng(7_2026)
        typo_ids = np.zeros((len(stems), TYPO_VARIANTS), dtype=np.int64)
        for i, s in enumerate(stems):
            for k in range(TYPO_VARIANTS):
                typo_ids[i, k] = add(_typo(s, rng))
        for s in list(strings):
            add(_fold(s))
            add(_cp1252_safe(s))
        n = len(strings)
        self.strings = np.array(strings, dtype=object)
        self.index = index
        self.typo = np.tile(np.arange(n)[:, None], (1, TYPO_VARIANTS))
        self.typo[: len(stems)] = typo_ids
        self.fold = np.array([index[_fold(s)] for s in strings], dtype=np.int64)
        self.cp1252 = np.array([index[_cp1252_safe(s)] for s in strings], dtype=np.int64)
        self.has_accent = self.fold != np.arange(n)
        max_nick = max(len(v) for v in NICKNAMES.values())
        self.nick = np.full((n, max_nick), -1, dtype=np.int64)
        self.nick_count = np.zeros(n, dtype=np.int64)
        for canon, nicks in NICKNAMES.items():
            i = index[canon]
            self.nick_count[i] = len(nicks)
            self.nick[i, : len(nicks)] = [index[x] for x in nicks]
        self.lower_fold = np.array(
            [_fold(s).lower().replace(" ", "") for s in strings], dtype=object
        )

    def ids(self, names: list[str]) -> np.ndarray:
        return np.array([self.index[n] for n in names], dtype=np.int64)


@cache
def name_table() -> NameTable:
    """The shared name table (built once per process; deterministic)."""
    return NameTable()
