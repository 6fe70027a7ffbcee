"""Nicknames: the relations the "nickname" comparison level reads, and ``first_key``.

``first_key`` is a canonical first name for blocking: a nickname maps to its
formal name when that is unambiguous (bob -> robert, pepe -> jose,
kasia -> katarzyna); ambiguous nicknames (beto: alberto or roberto) keep
themselves. Nickname and formal then share the key. ``nickname_pairs``
lists every direct relation both ways for the "nickname" comparison level.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from overlap.normalise.names import normalise_name

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import numpy as np
    import pandas as pd


def _map_distinct(values: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` once per distinct value and spread the results back."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [func(u) for u in uniques.tolist()]
    if len(codes) == 0:
        return np.empty(0, dtype=object)
    return results[codes]


def _extra_rows() -> list[dict[str, str]]:
    text = resources.files("overlap").joinpath("data/nicknames_extra.csv").read_text("utf-8")
    return [r for r in csv.DictReader(text.splitlines()) if r.get("relationship") == "has_nickname"]


@lru_cache(maxsize=1)
def _extra_formal_names() -> frozenset[str]:
    return frozenset(normalise_name(r["name1"]) for r in _extra_rows())


@lru_cache(maxsize=1)
def _nickname_relations() -> tuple[tuple[str, str], ...]:
    """(formal, nickname) pairs: the carltonnorthern table plus our own."""
    from nicknames import NickNamer

    pairs: set[tuple[str, str]] = set()
    for formal, nicks in NickNamer().nickname_lookup.items():
        for nick in nicks:
            pairs.add((normalise_name(formal), normalise_name(nick)))
    for row in _extra_rows():
        pairs.add((normalise_name(row["name1"]), normalise_name(row["name2"])))
    return tuple(sorted((a, b) for a, b in pairs if a and b and a != b))


def nickname_pairs() -> pd.DataFrame:
    """Every (nickname, formal name) relation, in both directions.

    The English table of the ``nicknames`` package plus Overlap's own table of
    Spanish, Portuguese, Italian, Polish, Russian and German hypocorisms
    (``overlap/data/nicknames_extra.csv``), accent-folded and lower case.

    Returns:
        DataFrame with columns ``name_a``, ``name_b`` (str), no duplicates:
        both (bob, robert) and (robert, bob) are present.
    """
    import pandas as pd

    rel = _nickname_relations()
    a = [x for x, _ in rel] + [y for _, y in rel]
    b = [y for _, y in rel] + [x for x, _ in rel]
    frame = pd.DataFrame({"name_a": a, "name_b": b}, dtype=str).drop_duplicates()
    return frame.sort_values(["name_a", "name_b"], ignore_index=True)


@lru_cache(maxsize=1)
def _first_key_table() -> dict[str, str]:
    """Name -> blocking key: a nickname steps to its dominant formal name.

    The tables say "robert has nickname bob" but also "bob has nickname
    robert", so the formal side is taken to be the name with more nicknames
    (robert 12, bob 2). A name steps to the parent with the most nicknames
    when that parent has more than twice as many as any other parent and more
    than the name itself: bob -> robert, liz -> elizabeth, pepe -> jose.
    "beto" (alberto, roberto, humberto) and "bill" (robert, william) are
    ambiguous and stay themselves. A name with four or more nicknames of its
    own (mary, michael, will) or listed as formal in Overlap's own table
    (maria, jose) is a formal name and stays itself too.
    """
    parents: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}
    for formal, nick in _nickname_relations():
        parents.setdefault(nick, set()).add(formal)
        children.setdefault(formal, set()).add(nick)

    def weight(name: str) -> int:
        return len(children.get(name, ()))

    formal = _extra_formal_names()

    def step(name: str) -> str | None:
        if weight(name) >= 4 or name in formal:
            return None
        options = sorted(parents.get(name, ()), key=lambda o: (-weight(o), o))
        if not options or weight(options[0]) <= weight(name):
            return None
        if len(options) > 1 and weight(options[0]) <= 2 * weight(options[1]):
            return None
        return options[0]

    table: dict[str, str] = {}
    for name in parents:
        key, nxt = name, step(name)
        while nxt is not None:  # the weight rises at each step, so this ends
            key, nxt = nxt, step(nxt)
        if key != name:
            table[name] = key
    return table


def first_name_key(names) -> np.ndarray:
    """Canonical first-name key for blocking: nickname and formal name share it.

    Args:
        names: normalised first names (iterable of str).

    Returns:
        object array of str, same length: the formal name when the nickname
        resolves to one formal name unambiguously, else the name itself.
    """
    import pandas as pd

    table = _first_key_table()
    series = pd.Series(list(names) if not isinstance(names, pd.Series) else names, dtype=object)
    series = series.fillna("").astype(str)
    return _map_distinct(series, lambda n: table.get(n, n))
