"""overlap.normalise.names: name parts, suffixes, full names, sounds, and the
pyarrow fast path for plain names held to the per-value parser."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import FAST, FULL_NAMES, NAME_PARTS, SUFFIXES, large, messy_text

from overlap import normalise as nz
from overlap.normalise.names import _NAME_PLACEHOLDERS, _first_parts, _first_split, _names_fast


@pytest.mark.parametrize(("raw", "name", "suffix"), NAME_PARTS)
def test_split_suffix_examples(raw, name, suffix):
    assert nz.split_suffix(raw) == (name, suffix)
    assert nz.normalise_name(raw) == name


@pytest.mark.parametrize(("raw", "expected"), FULL_NAMES)
def test_parse_full_name_examples(raw, expected):
    assert nz.parse_full_name(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), SUFFIXES)
def test_normalise_suffix_examples(raw, expected):
    assert nz.normalise_suffix(raw) == expected


def test_name_sound_groups_spelling_variants():
    for a, b in [("smith", "smyth"), ("catherine", "kathryn"), ("geoffrey", "jeffrey")]:
        assert nz.name_sound(a) == nz.name_sound(b)
    assert nz.name_sound("smith") != nz.name_sound("jones")
    assert nz.name_sound("") == ""
    assert nz.name_sound("smith-jones") == nz.name_sound("smithjones")


NAME_WORD = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ", min_size=1, max_size=8),
    st.sampled_from(
        ["Jr", "SR", "junior", "Senior", "II", "iii", "IV", "n", "a", "NO", "name", "J"]
    ),
    st.sampled_from(sorted(_NAME_PLACEHOLDERS)),
)


@FAST
@given(
    names=st.lists(
        st.one_of(
            st.lists(st.tuples(NAME_WORD, st.sampled_from([" ", "-", "  ", "."])), max_size=4).map(
                lambda ws: "".join(w + sep for w, sep in ws).rstrip(" -.")
            ),
            messy_text,
        ),
        max_size=20,
    )
)
def test_name_fast_path_agrees_with_the_parser(names):
    """Plain words (suffixes, placeholders, initials among them) decided in pyarrow
    come out as the per-value parser has them; the rest is left to it."""
    array = large(names)
    two, four = _names_fast(array, 2), _names_fast(array, 4)
    for i, name in enumerate(names):
        if two[0][i].is_valid:
            assert tuple(p[i].as_py() for p in two) == _first_split(name), name
            assert tuple(p[i].as_py() for p in four) == _first_parts(name), name
        else:
            assert not four[0][i].is_valid
    plain = [n for n in names if re.fullmatch("[A-Za-z]+(?:[ -][A-Za-z]+)*", n)]
    assert sum(v is not None for v in two[0].to_pylist()) == len(plain)


@FAST
@given(value=messy_text)
def test_name_parsers_never_raise_and_are_stable(value):
    first, middle, last, suffix = nz.parse_full_name(value)
    for part in (first, middle, last):
        assert nz.normalise_name(part) == part
        assert set(part) <= set("abcdefghijklmnopqrstuvwxyz -")
    assert suffix in {"", "jr", "sr", "ii", "iii", "iv"}


@pytest.mark.parametrize(
    "raw", ["Baby Boy", "OCCUPANT", "Head of Household", "Mrs.", "Daughter of", "stepson"]
)
def test_what_a_form_holds_instead_of_a_name_is_a_missing_name(raw):
    assert nz.normalise_name(raw) == ""


@pytest.mark.parametrize("raw", ["Sonia", "Son", "Friend", "Guest", "Cousin"])
def test_names_that_look_like_form_words_are_kept(raw):
    """Son (Vietnamese Sơn), Friend, Guest and Cousin are real names."""
    assert nz.normalise_name(raw) == raw.lower()
