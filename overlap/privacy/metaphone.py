"""Metaphone in plain Python: the stand-in for ``jellyfish.metaphone`` in a browser's Python.

``overlap.normalise.names.name_sound`` keys names by ``jellyfish.metaphone``,
a compiled (Rust) library that has no build for a browser. The in-browser
encoder registers this module as ``jellyfish`` instead, so the same
``name_sound`` runs there. It reads what ``name_sound`` passes it (letters
a-z, any case) and gives what jellyfish gives (upper case); the tests hold
the two equal on every such string (Hypothesis).
"""

from __future__ import annotations

_VOWELS = frozenset("AEIOU")
_SOFT = frozenset("IEY")  # letters after which C, G and D soften
_SKIP_FIRST = ("KN", "GN", "PN", "WR", "AE")
_END = "*"  # past the end of the word
_SAME = frozenset("FJLMNR")  # letters that sound as written


def metaphone(value: str) -> str:
    """The Metaphone key of a word of letters a-z (upper case), "" for ""."""
    word = value.upper()
    if word.startswith(_SKIP_FIRST):
        word = word[1:]
    out: list[str] = []
    i = 0
    while i < len(word):
        c = word[i]
        nxt = word[i + 1] if i + 1 < len(word) else _END
        after = word[i + 2] if i + 2 < len(word) else _END
        prev = word[i - 1] if i else ""
        if c == nxt and c != "C":  # a doubled letter sounds once
            i += 1
            continue
        sound, skip = _sound(c, prev, nxt, after, i == 0)
        out.append(sound)
        i += 1 + skip
    return "".join(out)


def _sound(c: str, prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    """What one letter sounds like in its context, and how many letters after it it uses up."""
    if c in _VOWELS:
        return (c if first else ""), 0
    if c in _SAME:
        return c, 0
    if c in _CONSONANTS:
        return _CONSONANTS[c](prev, nxt, after, first)
    return {"Q": "K", "V": "F", "Z": "S"}.get(c, ""), 0


def _b(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    return ("" if prev == "M" and nxt == _END else "B"), 0  # "MB" at the end is silent


def _c(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    if (nxt == "I" and after == "A") or nxt == "H":
        return "X", 1
    if nxt in _SOFT:
        return "S", 1
    return "K", 0


def _d(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    if nxt == "G" and after in _SOFT:
        return "J", 2
    return "T", 0


def _g(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    if nxt in _SOFT:
        return "J", 0
    if (nxt == "H" and after not in _VOWELS) or (nxt == "N" and after == _END):
        return "", 1
    return "K", 0


def _h(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    return ("H" if first or nxt in _VOWELS or prev not in _VOWELS else ""), 0


def _k(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    return ("" if prev == "C" else "K"), 0


def _p(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    return ("F", 1) if nxt == "H" else ("P", 0)


def _s(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    if nxt == "H":
        return "X", 1
    if nxt == "I" and after in ("O", "A"):
        return "X", 2
    return "S", 0


def _t(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    if nxt == "I" and after in ("O", "A"):
        return "X", 0
    if nxt == "H":
        return "0", 1
    return ("" if nxt == "C" and after == "H" else "T"), 0


def _w(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    if first and nxt == "H":
        return "W", 1
    return ("W" if nxt in _VOWELS else ""), 0


def _x(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    if not first:
        return "KS", 0
    return ("X" if nxt == "H" or (nxt == "I" and after in ("O", "A")) else "S"), 0


def _y(prev: str, nxt: str, after: str, first: bool) -> tuple[str, int]:
    return ("Y" if nxt in _VOWELS else ""), 0


_CONSONANTS = {
    "B": _b,
    "C": _c,
    "D": _d,
    "G": _g,
    "H": _h,
    "K": _k,
    "P": _p,
    "S": _s,
    "T": _t,
    "W": _w,
    "X": _x,
    "Y": _y,
}
