"""Numpy helpers for loop-free text: numbers as padded text, string concatenation, weighted draws."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Lookup tables for fast, loop-free formatting of numbers as text.
PAD2 = np.array([f"{i:02d}" for i in range(100)], dtype=object)
PAD3 = np.array([f"{i:03d}" for i in range(1000)], dtype=object)
PAD4 = np.array([f"{i:04d}" for i in range(10000)], dtype=object)
PLAIN = np.array([str(i) for i in range(20000)], dtype=object)


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of object arrays and scalars."""
    out = parts[0]
    if not isinstance(out, np.ndarray):
        out = np.array(out, dtype=object)
    for p in parts[1:]:
        out = out + p
    return out


def _pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """n draws of category indices with the given weights."""
    w = np.asarray(weights, dtype=float)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right")


def _first_letters(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype="str").str.slice(0, 1).to_numpy(dtype=object)
