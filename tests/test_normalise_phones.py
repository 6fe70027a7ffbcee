"""overlap.normalise.phones: E.164 numbers, and the fast path held to phonenumbers."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from normalise_cases import FAST, PHONES, decided_agree, messy_text

from overlap import normalise as nz
from overlap.normalise.phones import _phones_fast


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_normalise_phone_examples(raw, expected):
    assert nz.normalise_phone(raw) == expected


def test_phone_column_fast_path_agrees_with_phonenumbers():
    raws = [raw for raw, _ in PHONES] + ["+13125550100", "13125550100", " 312 555 0100 "]
    column = nz.normalise_phones(pd.Series(raws))
    assert list(column) == [nz.normalise_phone(r) for r in raws]


@FAST
@given(value=messy_text)
def test_phones_are_e164(value):
    out = nz.normalise_phone(value)
    assert out == "" or (out.startswith("+") and out[1:].isdigit())


@settings(max_examples=40, deadline=None)
@given(
    numbers=st.lists(
        st.tuples(
            st.text(alphabet="0123456789", min_size=10, max_size=10),
            st.sampled_from(
                [
                    "{a}{b}{c}",
                    "({a}) {b}-{c}",
                    "{a}-{b}-{c}",
                    "+1 {a} {b} {c}",
                    "1.{a}.{b}.{c}",
                    "{a}-{b}-{c} x{c}",
                    "({a}) {b}-{c} Ext. 7",
                    "{a}{b}{c}ext{a}",
                    " {a} {b} {c} extension 12 ",
                    "{a}\t{b}{c}",
                ]
            ),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_phone_fast_path_matches_phonenumbers(numbers):
    raws = [layout.format(a=d[:3], b=d[3:6], c=d[6:]) for d, layout in numbers]
    assert nz.normalise_phones(pd.Series(raws)).tolist() == [nz.normalise_phone(r) for r in raws]


@FAST
@given(values=st.lists(messy_text, max_size=20))
def test_phone_fast_path_agrees_with_normalise_phone_on_any_text(values):
    decided_agree(_phones_fast, nz.normalise_phone, values)
