"""overlap.normalise.emails: addresses and placeholders, and the fast path held to
``normalise_email``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import EMAILS, FAST, decided_agree, messy_text

from overlap import normalise as nz
from overlap.normalise.emails import _emails_fast


@pytest.mark.parametrize(("raw", "expected"), EMAILS)
def test_normalise_email_examples(raw, expected):
    assert nz.normalise_email(raw) == expected


@FAST
@given(values=st.lists(messy_text, max_size=20))
def test_email_fast_path_agrees_with_normalise_email(values):
    decided = decided_agree(_emails_fast, nz.normalise_email, values)
    plain = [
        v
        for v in values
        if all(" " <= c <= "~" for c in v)
        and not set(v) & set("|<>")
        and not v.strip(" ").lower().startswith("mailto:")
    ]
    assert sum(out is not None for out in decided) == len(plain)
