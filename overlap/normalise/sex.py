"""Sex: ``m``, ``f`` or "" from the words rosters use, in English and Spanish.

No vectorised path of its own: a sex column holds a handful of distinct
values, and ``normalise_fields`` runs ``normalise_sex`` once per distinct
value.
"""

from __future__ import annotations

from overlap.normalise._text import _first_valid, _fold

_SEX = {
    "m": "m",
    "male": "m",
    "man": "m",
    "h": "m",
    "hombre": "m",
    "masculino": "m",
    "masc": "m",
    "varon": "m",
    "boy": "m",
    "f": "f",
    "female": "f",
    "woman": "f",
    "mujer": "f",
    "femenino": "f",
    "fem": "f",
    "girl": "f",
}


def normalise_sex(value: str) -> str:
    """``m``, ``f`` or "" from M/F/Male/Female/Hombre/Mujer/Masculino/Femenino/H."""
    return _first_valid(value, lambda v: _SEX.get(_fold(v).strip(" ."), ""))
