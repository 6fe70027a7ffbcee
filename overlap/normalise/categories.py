"""Short free-text categories a person has: a place of birth, an occupation, a language.

Compared as words, not as typed: accents folded, lower case, punctuation as
spaces ("São Paulo, Brazil" -> "sao paulo brazil"). ``normalise_category``
reads one value (the reference); ``categories_column`` runs it once per
distinct value of a column (places and occupations repeat a lot).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from overlap.normalise._text import _MAX_LEN, _first_valid, _fold

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import pandas as pd
    import pyarrow as pa

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_PLACEHOLDERS = {"unknown", "unk", "na", "n a", "none", "not known", "not stated", "null", "other"}


def _category_one(value: str) -> str:
    if len(value) > _MAX_LEN:
        return ""
    text = " ".join(_NOT_WORD.sub(" ", _fold(value)).split())
    return "" if text in _PLACEHOLDERS else text


def normalise_category(value: str) -> str:
    """A category as plain lower-case words ("" for blanks and "unknown")."""
    return _first_valid(value, _category_one)


def categories_column(values: pd.Series) -> pa.Array | None:
    """``normalise_category`` of a whole column, once per distinct value (None if all blank)."""
    from overlap.normalise._arrow import _distinct, _per_distinct, _spread

    found = _distinct(values)
    (out,) = _per_distinct(found.values, lambda v: (normalise_category(v),), 1)
    return _spread(out, found.codes)
