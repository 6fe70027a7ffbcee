"""overlap.normalise._arrow: the byte kernels the fast paths stand on, held to
Python's own string methods."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import FAST, large

from overlap.normalise._arrow import (
    _buffers,
    _count_bytes,
    _drop_bytes,
    _map_bytes,
    _printable,
    _squeeze_spaces,
)
from overlap.normalise.streets import _street_bytes

kernel_text = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.text(alphabet=" ().-|#.,xAZaz09\u00e9\u0130", max_size=12),
        st.just(""),
    ),
    max_size=30,
)


@FAST
@given(values=kernel_text, skip=st.integers(0, 2))
def test_byte_kernels_match_python_string_methods(values, skip):
    array = large(values, skip)
    assert _drop_bytes(array, b" ().-").to_pylist() == [
        v.translate(str.maketrans("", "", " ().-")) for v in values
    ]
    assert _squeeze_spaces(array).to_pylist() == [re.sub(" +", " ", v) for v in values]
    assert list(_printable(array)) == [all(" " <= c <= "~" for c in v) for v in values]
    offsets, data = _buffers(array)
    assert list(_count_bytes(offsets, data == ord("|"))) == [v.encode().count(b"|") for v in values]
    streets = _map_bytes(array, _street_bytes()).to_pylist()
    assert streets == [
        "".join(c.lower() if c.isascii() else c for c in v).replace(".", " ").replace(",", " ")
        for v in values
    ]


def test_count_bytes_with_dense_flags_and_empty_values():
    values = ["", "(1) 2-3", "", "", "ab.", ""]  # a flag on the last byte before empties
    offsets, data = _buffers(large(values, 1))
    flags = np.isin(data, np.frombuffer(b" ().-", dtype=np.uint8))
    assert list(_count_bytes(offsets, flags)) == [0, 4, 0, 0, 1, 0]
