"""overlap.normalise.nicknames: the nickname relations and the first-name blocking key."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import COLUMNS, messy_text

from overlap import normalise as nz


def test_nickname_pairs_both_directions_and_extra_table():
    pairs = nz.nickname_pairs()
    assert list(pairs.columns) == ["name_a", "name_b"]
    assert not pairs.duplicated().any()
    keys = set(zip(pairs["name_a"], pairs["name_b"], strict=True))
    for nick, formal in [
        ("bob", "robert"),
        ("liz", "elizabeth"),
        ("pepe", "jose"),
        ("paco", "francisco"),
        ("pancho", "francisco"),
        ("lupe", "guadalupe"),
        ("chuy", "jesus"),
        ("memo", "guillermo"),
        ("nacho", "ignacio"),
        ("beto", "alberto"),
        ("beto", "roberto"),
        ("beto", "humberto"),
        ("lalo", "eduardo"),
        ("chelo", "consuelo"),
        ("concha", "concepcion"),
        ("tono", "antonio"),
        ("quique", "enrique"),
        ("rafa", "rafael"),
        ("chema", "jose maria"),
        ("maru", "maria"),
        ("lencho", "lorenzo"),
        ("chava", "salvador"),
        ("kasia", "katarzyna"),
        ("gosia", "malgorzata"),
        ("basia", "barbara"),
        ("jurek", "jerzy"),
        ("staszek", "stanislaw"),
        ("tomek", "tomasz"),
    ]:
        assert (nick, formal) in keys
        assert (formal, nick) in keys
    # every pair is present in both directions, all folded to lower-case a-z
    assert keys == {(b, a) for a, b in keys}
    allowed = pairs["name_a"].str.fullmatch(r"[a-z][a-z \-]*")
    assert allowed.all()


def test_first_name_key_shares_unambiguous_nicknames():
    keys = dict(
        zip(
            ["bob", "robert", "liz", "elizabeth", "pepe", "jose", "kasia", "katarzyna"],
            nz.first_name_key(
                ["bob", "robert", "liz", "elizabeth", "pepe", "jose", "kasia", "katarzyna"]
            ),
            strict=True,
        )
    )
    assert keys["bob"] == keys["robert"]
    assert keys["liz"] == keys["elizabeth"]
    assert keys["pepe"] == keys["jose"]
    assert keys["kasia"] == keys["katarzyna"]
    assert keys["robert"] != keys["elizabeth"]
    # ambiguous nicknames keep themselves; unknown names and "" too
    assert list(nz.first_name_key(["beto", "zbigniewa", ""])) == ["beto", "zbigniewa", ""]


def test_pete_is_peter_not_patrick():
    assert list(nz.first_name_key(["pete", "peter"])) == ["peter", "peter"]


NICKNAMES = [
    "bob",
    "Robert",
    "liz",
    "elizabeth",
    "pepe",
    "José",
    "beto",
    "bill",
    "pete",
    "mary",
    "",
]


@COLUMNS
@given(names=st.lists(st.one_of(st.sampled_from(NICKNAMES), messy_text), max_size=30))
def test_first_key_column_agrees_with_one_name_at_a_time(names):
    """The stage looks keys up once per distinct first name; ``first_name_key``
    of each name alone must say the same."""
    out = nz.normalise_fields(pd.DataFrame({"first_name": names}, dtype=str))
    firsts = out["first_name"].tolist()
    assert out["first_key"].tolist() == [nz.first_name_key([f])[0] for f in firsts]
    assert list(nz.first_name_key(firsts)) == out["first_key"].tolist()
