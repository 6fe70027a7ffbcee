"""overlap.normalise.sex: m, f or "" in English and Spanish, per value and per column."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import COLUMNS, SEXES, messy_text

from overlap import normalise as nz


@pytest.mark.parametrize(("raw", "expected"), SEXES)
def test_normalise_sex_examples(raw, expected):
    assert nz.normalise_sex(raw) == expected


@COLUMNS
@given(values=st.lists(st.one_of(st.sampled_from([r for r, _ in SEXES]), messy_text), max_size=20))
def test_sex_column_agrees_with_normalise_sex(values):
    out = nz.normalise_fields(pd.DataFrame({"sex": values}, dtype=str))
    assert out["sex"].tolist() == [nz.normalise_sex(v) for v in values]
