"""Compare candidate pairs field by field, to a small integer level per comparison.

Everything is vectorised over the pairs: string similarity with rapidfuzz's
``process.cpdist`` (fed Python lists, all cores), dates, codes and typos with
numpy (a string up to 16 bytes is two 64-bit words, so "one edit apart" is
bit arithmetic). Each field is encoded to integer codes once per call (Arrow's
hash kernel). Names repeat, so name comparisons run once per distinct
(code_a, code_b) pair over the whole call and are spread back to every pair
(a direct table for the most frequent names, hashing for the rest); ZIPs and
street names keep a table of their scores. Levels are written into
preallocated arrays chunk by chunk, which bounds the memory of the per-pair
work. Level ``-1`` means one side is missing the field: the model gives it
weight 0 (missing is not disagreement). Each comparison's levels have
plain-word labels for the dashboard's explanations.
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Prefix

from overlap.evidence import column_kind
from overlap.fields import (  # noqa: F401 - level numbers, re-exported for the model and tests
    ADDR_AREA,
    ADDR_BUILDING,
    ADDR_CITY,
    ADDR_CLOSE,
    ADDR_CROWDED,
    ADDR_DISTRICT,
    ADDR_ELSE,
    ADDR_EXACT,
    ADDR_STREET,
    COMPARISON_BY_NAME,
    COMPARISONS,
    DOB_ELSE,
    DOB_EXACT,
    DOB_FAR_YEARS,
    DOB_ONE_OFF,
    DOB_ONE_PART,
    DOB_SWAPPED,
    DOB_WITHIN_YEAR,
    DOB_YEAR_ONLY,
    EMAIL_ELSE,
    EMAIL_EXACT,
    EMAIL_USER,
    FIRST_CLOSE,
    FIRST_ELSE,
    FIRST_EXACT,
    FIRST_INITIAL,
    FIRST_NICK,
    FIRST_SIMILAR,
    FIRST_VERY_CLOSE,
    ID_ELSE,
    ID_EXACT,
    ID_ONE_OFF,
    LAST_ELSE,
    LAST_EXACT,
    LAST_PART,
    LAST_SIMILAR,
    LAST_VARIANT,
    LAST_VERY_CLOSE,
    MIDDLE_ELSE,
    MIDDLE_EXACT,
    MIDDLE_INITIAL,
    MISSING,
    PHONE_ELSE,
    PHONE_EXACT,
    PHONE_LOCAL,
    PLACE_ALIKE,
    PLACE_ELSE,
    PLACE_EXACT,
    SSN_ELSE,
    SSN_EXACT,
    SSN_ONE_OFF,
    SUFFIX_ELSE,
    SUFFIX_ONE_SIDE,
    SUFFIX_SAME,
    Comparison,
)
from overlap.records import programme_codes


def _put(level: np.ndarray, where: np.ndarray, value: int) -> None:
    """``level[where] = value`` for a boolean ``where``, by int8 arithmetic (fifty times faster)."""
    level += (np.int8(value) - level) * where


def _jw(a: list[str], b: list[str]) -> np.ndarray:
    return process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=-1)


_per_call = threading.local()  # per-record arrays, reused across chunks of one call


def _cached(key: tuple, make):
    cache = getattr(_per_call, "cache", None)
    if cache is None:
        return make()
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _column(records: pd.DataFrame, field: str) -> pd.Series:
    if field in records.columns:
        return records[field].fillna("").astype(str)
    return pd.Series([""] * len(records), index=records.index, dtype=object)


def _record_values(records: pd.DataFrame, field: str, derive=None) -> np.ndarray:
    """One object array per record of the field, optionally derived (computed once per call)."""

    def make() -> np.ndarray:
        column = _column(records, field)
        if derive is not None:
            column = derive(column).fillna("")
        return column.to_numpy(dtype=object)

    return _cached((field, derive.__name__ if derive else None), make)


def _encode(columns: list[pd.Series]) -> tuple[np.ndarray, pa.Array]:
    """int32 codes of string columns (one vocabulary; equal values, equal codes) and the values.

    Arrow's hash kernel, about twice as fast as ``pd.factorize`` on the
    Arrow-backed columns: no Python string per record.
    """
    strings = [pa.array(column, type=pa.large_string(), from_pandas=True) for column in columns]
    strings = [s.combine_chunks() if isinstance(s, pa.ChunkedArray) else s for s in strings]
    joined = strings[0] if len(strings) == 1 else pa.concat_arrays(strings)
    encoded = pc.dictionary_encode(pc.fill_null(joined, ""))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)  # a writable copy
    return codes, encoded.dictionary


def _codes(records: pd.DataFrame, field: str, ia, ib, derive=None):
    """Integer codes of the field on both sides: equal values, equal codes; "" is -1.

    Comparing codes is far cheaper than comparing strings pair by pair. A
    derived field (initial, last seven digits...) is derived once per
    distinct value of the field, not once per record.
    """

    def make() -> np.ndarray:
        column = _column(records, field)
        raw, values = _cached((field, "encoded"), lambda: _encode([column]))
        if derive is None:
            per_value = np.arange(len(values), dtype=np.int32)
        else:
            derived = derive(_as_series(values, column.dtype)).fillna("")
            per_value, values = _encode([derived])
        empty = pc.index(values, "").as_py()
        if empty >= 0:
            per_value[per_value == empty] = -1
        return per_value[raw]

    codes = _cached((field, derive.__name__ if derive else None, "codes"), make)
    return np.take(codes, ia), np.take(codes, ib)


def _as_series(values: pa.Array, dtype) -> pd.Series:
    """Arrow strings as a pandas Series of ``dtype`` (the records' string type), for ``.str`` methods."""
    try:
        return pd.Series(pd.array(values, dtype=dtype))
    except (TypeError, ValueError):
        return pd.Series(values.to_numpy(zero_copy_only=False), dtype=dtype)


def _strings(records: pd.DataFrame, field: str, rows: np.ndarray) -> list[str]:
    """The field's values for some records, as a list for rapidfuzz."""
    codes, uniques = _vocabulary(records, (field,))
    return uniques[codes[rows]].tolist()


def _sides(records: pd.DataFrame, field: str, ia: np.ndarray, ib: np.ndarray, derive=None):
    """The field's values on both sides of every pair, as object arrays ("" if absent).

    ``derive`` (a named, vectorised Series -> Series function) is applied per
    record, before indexing by pair, so no Python runs per pair.
    """
    values = _record_values(records, field, derive)
    return values[ia], values[ib]


def _initial(s: pd.Series) -> pd.Series:
    return s.str[:1]


def _last_letter(s: pd.Series) -> pd.Series:
    return s.str[-1:]


def _all_but_last(s: pd.Series) -> pd.Series:
    return s.str[:-1]


def _last_seven(s: pd.Series) -> pd.Series:
    return s.str[-7:]


def _email_user(s: pd.Series) -> pd.Series:
    return s.str.replace(r"@.*$", "", regex=True)


def _hyphen_as_space(s: pd.Series) -> pd.Series:
    return s.str.replace("-", " ")


@lru_cache(maxsize=1)
def _nickname_keys() -> frozenset[str]:
    """'name|nickname' keys, both directions, from normalise's nickname table."""
    from overlap.normalise import nickname_pairs

    table = nickname_pairs()
    if isinstance(table, pd.DataFrame):
        left = table.iloc[:, 0].astype(str).str.lower()
        right = table.iloc[:, 1].astype(str).str.lower()
        pairs = zip(left.tolist(), right.tolist(), strict=True)
    else:
        pairs = ((str(x).lower(), str(y).lower()) for x, y in table)
    keys: set[str] = set()
    for x, y in pairs:
        keys.add(f"{x}|{y}")
        keys.add(f"{y}|{x}")
    return frozenset(keys)


def _is_nickname(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0, dtype=bool)
    keys = pd.Series(a, dtype=object) + "|" + pd.Series(b, dtype=object)
    return keys.isin(_nickname_keys()).to_numpy()


def _lengths(records: pd.DataFrame, field: str, ia: np.ndarray, ib: np.ndarray):
    """String lengths of the field on both sides (computed per record, not per pair)."""
    length = _cached(
        (field, "len"),
        lambda: _column(records, field).str.len().fillna(0).to_numpy(dtype=np.int32),
    )
    return np.take(length, ia), np.take(length, ib)


def _one_typo(a: np.ndarray, b: np.ndarray, len_a: np.ndarray) -> np.ndarray:
    """One edit apart (a transposition counts as one) and at least three letters long.

    Catches short-name typos Jaro–Winkler misses ("ana" / "aan").
    """
    osa = process.cpdist(a.tolist(), b.tolist(), scorer=OSA.distance, workers=-1)
    return (osa <= 1) & (osa > 0) & (len_a >= 3)


def _one_typo_in(records: pd.DataFrame, field: str, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """``_one_typo`` of the field on records ``ia`` and ``ib``, by numpy on byte rows."""
    len_a, _ = _lengths(records, field, ia, ib)
    return (_field_edits_apart(records, field, ia, ib) == 1) & (len_a >= 3)


def _first_word(s: pd.Series) -> pd.Series:
    return s.str.replace(r" .*$", "", regex=True)


def _other_words(s: pd.Series) -> pd.Series:
    return s.str.replace(r"^[^ ]* ?", "", regex=True)


_FIRST_FORMS = (None, _initial, _last_letter, _all_but_last, _first_word, _other_words)


@dataclass(frozen=True)
class _NameForms:
    """Distinct names and forms derived from them, as codes of one vocabulary.

    A name, its initial, last letter, stem (all but the last letter), first
    word and other words share one vocabulary, so "the stem of one is the
    other" is an integer comparison, not a string one. Row ``i`` is the
    names frame's row ``i``; ``text`` gives each code's string.
    """

    names: pd.DataFrame
    field: str
    forms: dict  # derive (None: the name itself) -> int32 codes per row
    text: np.ndarray  # object: the string of each code
    empty: int  # the code of "" (-2 if no value is empty)
    sound: np.ndarray  # int32 codes per row in the sounds' own vocabulary
    no_sound: int
    key: np.ndarray | None  # canonical first name codes (first names only)
    no_key: int

    def code(self, text: str) -> int:
        """The code of a string (-2, matching nothing, if no form has it)."""
        at = np.flatnonzero(self.text == text)
        return int(at[0]) if len(at) else -2


def _name_forms(names: pd.DataFrame, field: str, sound: str, derived=()) -> _NameForms:
    column = _column(names, field)
    forms = (None, *derived)
    codes, values = _encode([column] + [derive(column).fillna("") for derive in derived])
    n = len(column)
    text = values.to_numpy(zero_copy_only=False).astype(object)
    sound_codes, sound_values = _encode([_column(names, sound)])
    key, no_key = None, -2
    key_column = {"first_name": "first_key", "last_name": "last_key"}.get(field)
    if key_column in names.columns:
        key, key_values = _encode([_column(names, key_column)])
        no_key = _empty_code(key_values.to_numpy(zero_copy_only=False).astype(object))
    return _NameForms(
        names,
        field,
        {form: codes[i * n : (i + 1) * n] for i, form in enumerate(forms)},
        text,
        _empty_code(text),
        sound_codes,
        _empty_code(sound_values.to_numpy(zero_copy_only=False).astype(object)),
        key,
        no_key,
    )


def _jw_coded(forms: _NameForms, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """Jaro–Winkler where both are present and differ; 1 where equal, 0 where one is missing."""
    present = (ca != forms.empty) & (cb != forms.empty)
    out = (ca == cb).astype(np.float64)
    idx = np.flatnonzero((ca != cb) & present)
    if len(idx):
        out[idx] = _jw(forms.text[ca[idx]].tolist(), forms.text[cb[idx]].tolist())
    out *= present
    return out


@lru_cache(maxsize=1)
def _nickname_halves() -> tuple[np.ndarray, np.ndarray] | None:
    """The two names of every nickname key; None if a name holds "|" (then keys are matched as text)."""
    keys = sorted(_nickname_keys())
    halves = [key.split("|") for key in keys]
    if any(len(half) != 2 for half in halves):
        return None
    return (
        np.array([h[0] for h in halves], dtype=object),
        np.array([h[1] for h in halves], dtype=object),
    )


def _nickname_codes(forms: _NameForms) -> np.ndarray | None:
    """Sorted ``code * n + code`` of the nickname pairs among the vocabulary (None: match text)."""
    halves = _nickname_halves()
    if halves is None:
        return None
    index = pd.Index(forms.text)
    left, right = index.get_indexer(halves[0]), index.get_indexer(halves[1])
    found = (left >= 0) & (right >= 0)
    return np.unique(left[found].astype(np.int64) * len(forms.text) + right[found])


def _nickname_coded(forms: _NameForms, nicknames, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """``_is_nickname`` on codes: one lookup per pair in the vocabulary's nickname pairs."""
    if nicknames is None:
        return _is_nickname(forms.text[ca], forms.text[cb])
    if len(nicknames) == 0:
        return np.zeros(len(ca), dtype=bool)
    query = ca.astype(np.int64) * len(forms.text) + cb
    at = np.minimum(np.searchsorted(nicknames, query), len(nicknames) - 1)
    return nicknames[at] == query


def _short_form(forms: _NameForms, ia, ib) -> np.ndarray:
    """One name is a short form of the other.

    Either it starts the other, has at least three letters and the other at
    least two more (chris / christopher, not juan / juana), or it shares the other's first four letters or more and
    adds a pet-name ending (terry / terrence, jenny / jennifer).
    """
    name = forms.forms[None]
    a, b = forms.text[np.take(name, ia)], forms.text[np.take(name, ib)]
    common = process.cpdist(a.tolist(), b.tolist(), scorer=Prefix.similarity, workers=-1)
    len_a, len_b = _lengths(forms.names, forms.field, ia, ib)
    end = forms.forms[_last_letter]
    pet_end = np.isin(end, [forms.code("y"), forms.code("i"), forms.code("e")])
    shorter = np.minimum(len_a, len_b)
    short_pet_end = np.where(len_a <= len_b, np.take(pet_end, ia), np.take(pet_end, ib))
    pet = short_pet_end & (common >= 4) & (common == shorter - 1)
    longer = np.maximum(len_a, len_b)
    return ((shorter >= 3) & (common == shorter) & (longer >= shorter + 2)) | pet


def _middle_in_first(forms: _NameForms, nicknames, ia, ib, fa, fb, level: np.ndarray) -> None:
    """A middle name typed into the first-name field ("Maria Martha" / "Maria").

    Where exactly one side has several words, its first word is compared with
    the other side's name (and its other words as a middle name); the better
    level wins. Two multi-word names ("Juan Carlos" / "Juan Pablo") are
    compared whole: they are different names.
    """
    word, other = forms.forms[_first_word], forms.forms[_other_words]
    wa, wb = np.take(word, ia), np.take(word, ib)
    multi_a = wa != fa
    multi_b = wb != fb
    idx = np.flatnonzero((multi_a ^ multi_b) & (fa != forms.empty) & (fb != forms.empty))
    if len(idx) == 0:
        return
    ra, rb = np.take(other, ia[idx]), np.take(other, ib[idx])
    ca = np.where(multi_a[idx], wa[idx], fa[idx])
    cb = np.where(multi_b[idx], wb[idx], fb[idx])
    rest_match = np.where(multi_a[idx], ra == fb[idx], rb == fa[idx])
    a, b = forms.text[ca], forms.text[cb]
    jw = _jw(a.tolist(), b.tolist())
    alt = np.full(len(idx), FIRST_ELSE, dtype=np.int8)
    alt[rest_match] = FIRST_INITIAL
    alt[(jw >= 0.88) | _one_typo(a, b, np.fromiter(map(len, a), np.int64, len(a)))] = FIRST_CLOSE
    alt[jw >= 0.92] = FIRST_VERY_CLOSE
    alt[_nickname_coded(forms, nicknames, ca, cb) & (ca != cb)] = FIRST_NICK
    alt[ca == cb] = FIRST_EXACT
    level[idx] = np.maximum(level[idx], alt)


def _first_name_levels(forms: _NameForms, nicknames, ia, ib, middle) -> np.ndarray:
    """First-name levels of rows ``ia``, ``ib`` of the distinct first names, compared by code.

    ``middle`` marks pairs where one first name is the other's middle name.
    """
    name = forms.forms[None]
    fa, fb = np.take(name, ia), np.take(name, ib)
    present = (fa != forms.empty) & (fb != forms.empty)
    same = fa == fb
    jw = _jw_coded(forms, fa, fb)
    level = np.full(len(ia), FIRST_ELSE, dtype=np.int8)
    initial = forms.forms[_initial]
    ini_a, ini_b = np.take(initial, ia), np.take(initial, ib)
    is_initial = ((fa == ini_a) | (fb == ini_b)) & (ini_a == ini_b)
    sa, sb = np.take(forms.sound, ia), np.take(forms.sound, ib)
    _put(level, (jw >= 0.7) | ((sa == sb) & (sa != forms.no_sound)), FIRST_SIMILAR)
    _put(level, is_initial | middle, FIRST_INITIAL)
    _put(level, (jw >= 0.88) | _one_typo_in(forms.names, "first_name", ia, ib), FIRST_CLOSE)
    _put(level, jw >= 0.92, FIRST_VERY_CLOSE)
    not_exact = present & ~same
    nick = np.zeros(len(ia), dtype=bool)
    idx = np.flatnonzero(not_exact)
    if len(idx):
        nick[idx] = _nickname_coded(forms, nicknames, fa[idx], fb[idx])
    if forms.key is not None:
        ka, kb = np.take(forms.key, ia), np.take(forms.key, ib)
        nick |= (ka == kb) & (ka != forms.no_key) & not_exact
    idx = np.flatnonzero(not_exact & ~nick)
    if len(idx):
        nick[idx] |= _short_form(forms, ia[idx], ib[idx])
    _put(level, nick, FIRST_NICK)
    _put(level, _gendered_forms(forms, ia, ib, fa, fb), FIRST_ELSE)
    _put(level, same, FIRST_EXACT)
    _put(level, ~present, MISSING)
    return level


def _gendered_forms(forms: _NameForms, ia, ib, fa: np.ndarray, fb: np.ndarray) -> np.ndarray:
    """Male and female forms of one name (Juan / Juana, Mario / Maria): two people.

    Siblings and twins get them; a typo rarely makes one.
    """
    len_a, len_b = _lengths(forms.names, forms.field, ia, ib)
    end, stem = forms.forms[_last_letter], forms.forms[_all_but_last]
    end_a, end_b = np.take(end, ia), np.take(end, ib)
    stem_a, stem_b = np.take(stem, ia), np.take(stem, ib)
    letter_a, letter_o = forms.code("a"), forms.code("o")
    long_enough = np.minimum(len_a, len_b) >= 3
    added_a = ((stem_b == fa) & (end_b == letter_a)) | ((stem_a == fb) & (end_a == letter_a))
    o_to_a = (stem_a == stem_b) & (
        ((end_a == letter_o) & (end_b == letter_a)) | ((end_a == letter_a) & (end_b == letter_o))
    )
    return long_enough & (added_a | o_to_a)


def _last_name_levels(forms: _NameForms, ia, ib) -> np.ndarray:
    """Last-name levels of rows ``ia``, ``ib`` of the distinct last names, compared by code."""
    name = forms.forms[None]
    la, lb = np.take(name, ia), np.take(name, ib)
    present = (la != forms.empty) & (lb != forms.empty)
    jw = _jw_coded(forms, la, lb)
    level = np.full(len(la), LAST_ELSE, dtype=np.int8)
    # two different single words share no word: only names of several words can be a part
    records = forms.names
    one_word = _cached(("last_name", "one word"), lambda: _one_word(_column(records, "last_name")))
    several = ~(np.take(one_word, ia) & np.take(one_word, ib))
    idx = np.flatnonzero(present & (la != lb) & (jw < 0.88) & several)
    if len(idx):
        ta, tb = _sides(records, "last_name", ia[idx], ib[idx], _hyphen_as_space)
        part = process.cpdist(ta.tolist(), tb.tolist(), scorer=fuzz.token_set_ratio, workers=-1)
        part = part >= 100
        level[idx[part]] = LAST_PART
    typo = _one_typo_in(records, "last_name", ia, ib)
    sa, sb = np.take(forms.sound, ia), np.take(forms.sound, ib)
    _put(level, (jw >= 0.88) | ((sa == sb) & (sa != forms.no_sound)) | typo, LAST_SIMILAR)
    _put(level, jw >= 0.92, LAST_VERY_CLOSE)
    if forms.key is not None:  # spellings of one surname: Zhang / Chang, de la Cruz / Delacruz
        ka, kb = np.take(forms.key, ia), np.take(forms.key, ib)
        _put(level, (ka == kb) & (ka != forms.no_key) & present, LAST_VARIANT)
    _put(level, la == lb, LAST_EXACT)
    _put(level, ~present, MISSING)
    return level


def _one_word(s: pd.Series) -> np.ndarray:
    """Whether each value is one word: printable ASCII without space or hyphen (a hyphen splits words)."""
    return s.str.fullmatch(r"[!-,.-~]+").fillna(False).to_numpy(dtype=bool)


def _exact_or_part(records, field: str, ia, ib, part, levels: tuple[int, int, int]) -> np.ndarray:
    """Same value, same part (an initial, the last seven digits, the email user name), or else."""
    else_level, part_level, exact_level = levels
    va, vb = _codes(records, field, ia, ib)
    part_a, part_b = _codes(records, field, ia, ib, part)
    level = np.full(len(ia), else_level, dtype=np.int8)
    _put(level, (part_a == part_b) & (part_a >= 0), part_level)
    _put(level, va == vb, exact_level)
    _put(level, (va < 0) | (vb < 0), MISSING)
    return level


def _middle_levels(records, ia, ib) -> np.ndarray:
    return _exact_or_part(
        records, "middle_name", ia, ib, _initial, (MIDDLE_ELSE, MIDDLE_INITIAL, MIDDLE_EXACT)
    )


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (Howard Hinnant's algorithm), vectorised."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _dob_parts(records: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Year, month, day and day number of each record's date (-1 where missing or unknown).

    A date known only to the year (``YYYY``) or month (``YYYY-MM``) has -1
    for the parts it lacks and for its day number. Read from the ISO text,
    so births of any century work (pandas' timestamps start in 1677).
    """
    if "dob" not in records.columns:
        n = len(records)
        minus = np.full(n, -1, dtype=np.int64)
        return minus, minus, minus, minus
    dob = records["dob"].fillna("").astype(str)
    length = dob.str.len().to_numpy()

    def part(start: int, stop: int, need: int) -> np.ndarray:
        digits = pd.to_numeric(dob.str.slice(start, stop).where(length >= need), errors="coerce")
        return np.array(digits.fillna(-1), dtype=np.int64)

    year, month, day = part(0, 4, 4), part(5, 7, 7), part(8, 10, 10)
    month[year < 0] = -1
    day[month < 0] = -1
    whole = (year >= 0) & (month >= 1) & (day >= 1)
    epoch = np.where(whole, _days_from_civil(year, month, day), -1)
    return year, month, day, epoch


def _dob_levels(records, ia, ib) -> np.ndarray:
    """Date-of-birth levels from per-date numbers, indexed by pair: no string work per pair.

    Dates are too diverse for de-duplicating pairs to pay (nearly every
    candidate pair holds a distinct pair of dates), so each distinct date is
    parsed once into year, month, day, day number and its ten characters as
    bytes, and every pair is compared on those arrays, in the narrowest
    integer types (most of the time here is memory traffic).
    """
    codes, uniques = _vocabulary(records, ("dob",))
    year, month, day, epoch, chars, ten, head, tail = _cached(
        ("dob", "features"), lambda: _dob_features(uniques)
    )
    ca, cb = np.take(codes, ia), np.take(codes, ib)
    kind_a, kind_b = np.take(ten, ca), np.take(ten, cb)
    present = (kind_a >= 0) & (kind_b >= 0)
    ya, yb, ma, mb = np.take(year, ca), np.take(year, cb), np.take(month, ca), np.take(month, cb)
    dda, ddb = np.take(day, ca), np.take(day, cb)
    level = np.full(len(ia), DOB_ELSE, dtype=np.int8)
    years = present & (ya >= 0) & (yb >= 0)
    whole = years & (dda >= 1) & (ddb >= 1)  # both whole dates (not just a year or month)
    within_year = whole & (np.abs(np.take(epoch, ca) - np.take(epoch, cb)) <= 365)
    _put(level, within_year, DOB_WITHIN_YEAR)
    same_year, same_month, same_day = ya == yb, ma == mb, dda == ddb
    parts_same = same_year.astype(np.int8) + same_month + same_day
    _put(level, whole & (parts_same == 2), DOB_ONE_PART)
    same = ca == cb
    both_ten = (kind_a == 1) & (kind_b == 1)
    n_differ = _differing_bytes(np.take(head, ca) ^ np.take(head, cb))
    n_differ += _differing_bytes(np.take(tail, ca) ^ np.take(tail, cb))
    one_off = same | (both_ten & (n_differ <= 1))  # optimal string alignment distance <= 1
    two = np.flatnonzero(both_ten & (n_differ == 2))
    if len(two):
        one_off[two] = _same_length_apart(chars[ca[two]], chars[cb[two]]) <= 1
    other = np.flatnonzero(present & ~both_ten & ~same & (whole | ~years))
    if len(other):
        osa = _distinct_scores(records, "dob", ia[other], ib[other], OSA.distance)
        one_off[other] = osa <= 1
    one_off &= whole | ~years  # a year alone is never "one digit off" a date
    same_birthday = whole & same_month & same_day
    far_years = same_birthday & (np.abs(ya - yb) >= 15)
    _put(level, present & one_off & ~far_years, DOB_ONE_OFF)
    swapped = whole & same_year & (ma == ddb) & (dda == mb) & (ma != dda)
    _put(level, swapped, DOB_SWAPPED)
    _put(level, far_years, DOB_FAR_YEARS)
    _put(level, present & same & (whole | ~years), DOB_EXACT)
    # one date (or both) known only to the year or month: only the year can agree
    partial = years & ~whole
    months_fit = (ma < 0) | (mb < 0) | same_month
    _put(level, partial & (np.abs(ya - yb) == 1), DOB_WITHIN_YEAR)
    _put(level, partial & same_year & months_fit, DOB_YEAR_ONLY)
    _put(level, partial & same_year & ~months_fit, DOB_WITHIN_YEAR)
    _put(level, ~present, MISSING)
    return level


_LOW_BITS = np.uint64(0x0101010101010101)
_TOP_BYTE = 7 if np.little_endian else 0  # where a uint64's most significant byte sits


def _flag_nonzero_bytes(x: np.ndarray) -> np.ndarray:
    """In place: each byte of the uint64 words becomes 1 if it was non-zero, else 0.

    Returns the scratch array it used (same shape), for the caller to reuse.
    """
    shifted = x >> np.uint64(4)
    x |= shifted
    np.right_shift(x, np.uint64(2), out=shifted)
    x |= shifted
    np.right_shift(x, np.uint64(1), out=shifted)
    x |= shifted
    x &= _LOW_BITS
    return shifted


def _differing_bytes(x: np.ndarray) -> np.ndarray:
    """How many bytes of each XOR word are non-zero (uint8), by bit arithmetic: no byte matrix."""
    if x.dtype == np.uint16:  # two bytes
        return (x & np.uint16(0xFF) != 0).view(np.uint8) + (x > np.uint16(0xFF))
    x = x.astype(np.uint64)  # a copy: worked on in place
    _flag_nonzero_bytes(x)
    x *= _LOW_BITS  # sums the eight low bits into the top byte
    return x.view(np.uint8)[_TOP_BYTE::8].copy()


def _dob_features(uniques: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per distinct date: year, month, day, day number (-1 unparsed), its ten bytes, kind.

    kind is -1 for "" (missing), 1 for a ten-character ASCII value (an ISO
    date), 0 for anything else (compared with rapidfuzz instead). The ten
    bytes also come as two words (bytes 0-7, bytes 8-9) for counting
    differing bytes with one XOR.
    """
    frame = pd.DataFrame({"dob": uniques})
    year, month, day, epoch = _dob_parts(frame)
    values = np.asarray(uniques, dtype=object)
    kind = np.zeros(len(values), dtype=np.int8)
    chars = np.zeros((len(values), 10), dtype=np.uint8)
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    ascii_ok = np.fromiter((v.isascii() for v in values), bool, len(values))
    ten = np.flatnonzero((lengths == 10) & ascii_ok)
    if len(ten):
        chars[ten] = np.asarray(values[ten], dtype="S10").view(np.uint8).reshape(-1, 10)
    kind[ten] = 1
    kind[lengths == 0] = -1
    head = np.ascontiguousarray(chars[:, :8]).view(np.uint64).ravel()
    tail = np.ascontiguousarray(chars[:, 8:]).view(np.uint16).ravel()
    return (
        year.astype(np.int16),
        month.astype(np.int8),
        day.astype(np.int8),
        epoch.astype(np.int32),
        chars,
        kind,
        head,
        tail,
    )


def _same_length_apart(ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """OSA distance capped at 2 between byte rows of equal-length strings (zero-padded alike).

    One differing byte, or two neighbours swapped, is one edit.
    """
    differ = ca != cb
    n_differ = np.count_nonzero(differ, axis=1)
    out = np.minimum(n_differ, 2).astype(np.int8)
    two = np.flatnonzero(n_differ == 2)
    if len(two):
        d, a, b = differ[two], ca[two], cb[two]
        pair = d[:, :-1] & d[:, 1:]
        swapped = (pair & (a[:, :-1] == b[:, 1:]) & (a[:, 1:] == b[:, :-1])).any(axis=1)
        out[two[swapped]] = 1
    return out


WORD_BYTES = 16  # values up to this long are compared as two 64-bit words; longer ones by rapidfuzz


@dataclass(frozen=True)
class _Words:
    """Short ASCII strings as bytes: forwards and reversed, each in two 64-bit words.

    ``forward[i]`` holds string ``i``'s bytes zero-padded to WORD_BYTES,
    ``backward[i]`` the same string reversed; ``fits[i]`` says the string is
    held (ASCII, no NUL, at most WORD_BYTES long); the others go to rapidfuzz.
    """

    forward: np.ndarray  # (n, WORD_BYTES) uint8
    head: np.ndarray  # forward bytes 0-7, uint64
    tail: np.ndarray  # forward bytes 8-15, uint64
    back_head: np.ndarray  # reversed bytes 0-7
    back_tail: np.ndarray  # reversed bytes 8-15
    lengths: np.ndarray  # int8, 0 where it does not fit
    fits: np.ndarray  # bool


def _byte_words(values) -> _Words:
    """Each value's bytes as words (see ``_Words``), from Arrow's buffers: no Python per value."""
    strings = pa.array(values, type=pa.large_string(), from_pandas=True)
    strings = pc.fill_null(strings, "")
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    n_bytes = pc.binary_length(strings).to_numpy(zero_copy_only=False).astype(np.int64)
    n_chars = pc.utf8_length(strings).to_numpy(zero_copy_only=False).astype(np.int64)
    has_nul = pc.match_substring(strings, "\x00").to_numpy(zero_copy_only=False)
    fits = (n_bytes == n_chars) & ~has_nul & (n_bytes <= WORD_BYTES)
    held = pc.if_else(pa.array(fits), strings, pa.scalar("", pa.large_string()))
    forward = _padded_bytes(held)
    backward = _padded_bytes(pc.ascii_reverse(held))
    ahead, behind = forward.view(np.uint64), backward.view(np.uint64)
    return _Words(
        forward,
        np.ascontiguousarray(ahead[:, 0]),
        np.ascontiguousarray(ahead[:, 1]),
        np.ascontiguousarray(behind[:, 0]),
        np.ascontiguousarray(behind[:, 1]),
        np.where(fits, n_bytes, 0).astype(np.int8),
        fits,
    )


def _padded_bytes(ascii_strings: pa.Array) -> np.ndarray:
    """ASCII strings of at most WORD_BYTES, NUL-padded by Arrow to one row of bytes each."""
    n = len(ascii_strings)
    padded = pc.ascii_rpad(ascii_strings, width=WORD_BYTES, padding="\x00")
    if isinstance(padded, pa.ChunkedArray):
        padded = padded.combine_chunks()
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int64)[padded.offset :][: n + 1]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8) if n else np.zeros(0, np.uint8)
    start = int(offsets[0]) if n else 0
    return data[start : start + n * WORD_BYTES].reshape(n, WORD_BYTES).copy()


def _equal_leading_bytes(x: np.ndarray) -> np.ndarray:
    """How many low-order bytes of each XOR word are zero (0-8, int8): where two strings first differ.

    Works in place on ``x`` (a fresh XOR).
    """
    shifted = _flag_nonzero_bytes(x)  # bit 0 of each byte: the byte differs
    np.negative(x, out=shifted)  # two's complement: x & -x is the lowest set bit
    x &= shifted
    x -= np.uint64(1)  # every bit under the first difference (all of them if none)
    x &= _LOW_BITS
    x *= _LOW_BITS  # sums them into the top byte
    return x.view(np.int8)[_TOP_BYTE::8].copy()


def _common_start(head: np.ndarray, tail: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Length of the common start of strings ``a`` and ``b`` from their two words.

    The second word only where the first is all equal (rare between different values).
    """
    common = _equal_leading_bytes(np.take(head, a) ^ np.take(head, b))
    full = np.flatnonzero(common == 8)
    if len(full):
        fa, fb = a[full], b[full]
        common[full] += _equal_leading_bytes(np.take(tail, fa) ^ np.take(tail, fb))
    return common


def _words_apart(words: _Words, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """OSA distance capped at 2 between held strings ``a`` and ``b`` (indices into ``words``).

    With ``start`` the common start and ``end`` the common end: equal
    lengths n are one typo apart when start + end >= n - 1 (one position
    differs) or, at n - 2, when the two differing neighbours are swapped;
    lengths n + 1 and n when start + end >= n (one deletion fits).
    """
    start = _common_start(words.head, words.tail, a, b)
    end = _common_start(words.back_head, words.back_tail, a, b)
    len_a, len_b = np.take(words.lengths, a), np.take(words.lengths, b)
    shorter = np.minimum(len_a, len_b)
    around = start + end
    same_length = len_a == len_b
    one_longer = np.abs(len_a - len_b) == 1
    out = np.full(len(a), 2, dtype=np.int8)
    _put(out, (same_length & (around >= shorter - 1)) | (one_longer & (around >= shorter)), 1)
    _put(out, same_length & (start >= shorter), 0)
    two = np.flatnonzero(same_length & (around == shorter - 2))
    if len(two):
        at = start[two].astype(np.int64)
        wa, wb = words.forward[a[two]], words.forward[b[two]]
        k = np.arange(len(two))
        swapped = (wa[k, at] == wb[k, at + 1]) & (wa[k, at + 1] == wb[k, at])
        out[two[swapped]] = 1
    return out


def _edits_apart(words: _Words, a: np.ndarray, b: np.ndarray, strings) -> np.ndarray:
    """OSA distance capped at 2 between values ``a`` and ``b`` (indices into ``words``).

    ``strings(i)`` gives values as a list for the few that are not held as words.
    """
    both = np.take(words.fits, a) & np.take(words.fits, b)
    if both.all():
        return _words_apart(words, a, b)
    out = np.full(len(a), 2, dtype=np.int8)
    good = np.flatnonzero(both)
    if len(good):
        out[good] = _words_apart(words, a[good], b[good])
    other = np.flatnonzero(~both)
    osa = process.cpdist(strings(a[other]), strings(b[other]), scorer=OSA.distance, workers=-1)
    out[other] = np.minimum(osa, 2)
    return out


def _one_edit_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """0 where equal, 1 where one character differs, is added or dropped, or two neighbours are swapped, else 2.

    The optimal-string-alignment distance capped at 2, by numpy on 64-bit
    words of bytes (rapidfuzz for values that are not short ASCII).
    """
    values = np.concatenate([np.asarray(a, dtype=object), np.asarray(b, dtype=object)])
    n = len(a)
    return _edits_apart(
        _byte_words(values), np.arange(n), np.arange(n, 2 * n), lambda i: values[i].tolist()
    ).astype(np.int64)


def _field_edits_apart(records: pd.DataFrame, field: str, ia, ib) -> np.ndarray:
    """OSA distance capped at 2 between the field's values on each pair of records."""
    words = _cached((field, "words"), lambda: _byte_words(_column(records, field)))
    return _edits_apart(words, ia, ib, lambda i: _strings(records, field, i))


CROWDED_SURNAMES = 4  # an address where more surnames live than this is not one household


def _postcode_district(s: pd.Series) -> pd.Series:
    """The first part of a postcode: a UK outward code (SW1A of SW1A1AA), 3 digits of a ZIP."""
    digits = s.str.fullmatch(r"[0-9]+")
    long = s.str.len() >= 5
    out = s.str[:2]
    out = out.mask(digits & long, s.str[:3])
    return out.mask(~digits & long, s.str[:-3])


def _crowded_streets(records: pd.DataFrame) -> np.ndarray:
    """Per record: its street address is shared by many surnames (not a household's home)."""
    street, _ = _vocabulary(records, ("street",))
    last, _ = _vocabulary(records, ("last_name",))
    pairs = np.unique(street.astype(np.int64) * (int(last.max(initial=0)) + 2) + last + 1)
    per_street = np.bincount(pairs // (int(last.max(initial=0)) + 2), minlength=street.max() + 1)
    return per_street[street] > CROWDED_SURNAMES


def _address_levels(records, ia, ib) -> np.ndarray:
    """One comparison for the whole address (a person who moved is not penalised twice)."""
    sa, sb = _codes(records, "street", ia, ib)
    ha, hb = _codes(records, "house_number", ia, ib)
    na, nb = _codes(records, "street_name", ia, ib)
    ua, ub = _codes(records, "unit", ia, ib)
    za, zb = _codes(records, "zip", ia, ib)
    da, db = _codes(records, "zip", ia, ib, _postcode_district)
    ca, cb = _codes(records, "city", ia, ib)
    n = len(ia)
    streets = (sa >= 0) & (sb >= 0)
    zips = (za >= 0) & (zb >= 0)
    cities = (ca >= 0) & (cb >= 0)
    level = np.full(n, ADDR_ELSE, dtype=np.int8)
    _put(level, cities & (ca == cb), ADDR_CITY)
    _put(level, zips & (da == db) & (za != zb), ADDR_DISTRICT)
    _put(level, zips & (za == zb), ADDR_AREA)
    area_known = zips | cities
    # a ZIP one keystroke off is a typo, not another place, when the street agrees
    area_compatible = ~zips | (za == zb)
    idx = np.flatnonzero(zips & (za != zb) & streets)
    if len(idx):
        osa = _distinct_scores(records, "zip", ia[idx], ib[idx], OSA.distance)
        area_compatible[idx[osa <= 1]] = True
    houses = streets & (ha >= 0) & (ha == hb) & (na >= 0) & (nb >= 0) & area_compatible
    idx = np.flatnonzero(houses & (sa != sb))
    if len(idx):
        close = (
            _distinct_scores(
                records, "street_name", ia[idx], ib[idx], JaroWinkler.normalized_similarity
            )
            >= 0.88
        )
        level[idx[close]] = ADDR_CLOSE
    same_street = streets & (sa == sb) & area_compatible
    units_differ = (ua >= 0) & (ub >= 0) & (ua != ub)
    numbered = (ha >= 0) & (hb >= 0)
    # without house numbers, a street spelt alike is the same street
    idx = np.flatnonzero(streets & ~numbered & (sa != sb) & area_compatible)
    if len(idx):
        alike = (
            _distinct_scores(records, "street", ia[idx], ib[idx], JaroWinkler.normalized_similarity)
            >= 0.9
        )
        level[idx[alike]] = ADDR_STREET
    _put(level, same_street & ~numbered, ADDR_STREET)
    _put(level, same_street & numbered & units_differ, ADDR_BUILDING)
    _put(level, same_street & numbered & ~units_differ, ADDR_EXACT)
    crowded = _cached(("street", "crowded"), lambda: _crowded_streets(records))
    shared_home = (level == ADDR_EXACT) | (level == ADDR_CLOSE)
    _put(level, shared_home & np.take(crowded, ia) & np.take(crowded, ib), ADDR_CROWDED)
    _put(level, ~streets & ~area_known, MISSING)
    return level


def _phone_levels(records, ia, ib) -> np.ndarray:
    return _exact_or_part(
        records, "phone", ia, ib, _last_seven, (PHONE_ELSE, PHONE_LOCAL, PHONE_EXACT)
    )


def _email_levels(records, ia, ib) -> np.ndarray:
    return _exact_or_part(
        records, "email", ia, ib, _email_user, (EMAIL_ELSE, EMAIL_USER, EMAIL_EXACT)
    )


def _record_id_levels(records, ia, ib) -> np.ndarray:
    """Record IDs, inside one roster only: two systems' IDs coincide by chance (missing across)."""
    va, vb = _codes(records, "record_id", ia, ib)
    programme = _cached(("programme", "codes"), lambda: programme_codes(records))
    present = (va >= 0) & (vb >= 0) & (np.take(programme, ia) == np.take(programme, ib))
    la, lb = _lengths(records, "record_id", ia, ib)
    return _typo_levels(records, "record_id", ia, ib, va, vb, present, (la >= 6) & (lb >= 6))


def _ssn_levels(records, ia, ib) -> np.ndarray:
    """Social security numbers (9 digits): same, one typo (a digit off or two swapped), else."""
    va, vb = _codes(records, "ssn", ia, ib)
    return _typo_levels(records, "ssn", ia, ib, va, vb, (va >= 0) & (vb >= 0))


def _typo_levels(records, field, ia, ib, va, vb, present, may_be_typo=True) -> np.ndarray:
    """0 different, 1 one character apart (a typo; looked for where ``may_be_typo``), 2 the
    same value (codes ``va``, ``vb``), -1 where not ``present``: the levels of record IDs,
    SSNs and shared codes (``ID_*``, ``SSN_*``)."""
    level = np.zeros(len(ia), dtype=np.int8)
    idx = np.flatnonzero(present & (va != vb) & may_be_typo)
    if len(idx):
        level[idx[_field_edits_apart(records, field, ia[idx], ib[idx]) <= 1]] = 1
    _put(level, present & (va == vb), 2)
    _put(level, ~present, MISSING)
    return level


def _agree_levels(records, field, ia, ib) -> np.ndarray:
    va, vb = _codes(records, field, ia, ib)
    level = (va == vb).astype(np.int8)
    _put(level, (va < 0) | (vb < 0), MISSING)
    return level


CHUNK_PAIRS = 1_000_000  # pairs compared at once: bounds the memory of the per-pair arrays

FLAG_COLUMNS = ["name_swap", "cross"]  # after the levels: names compared crosswise; across rosters
JOINT_NAME_COMPARISONS = ("first_name", "last_name")  # filled together by _name_levels


def _sex_levels(records, ia, ib) -> np.ndarray:
    return _agree_levels(records, "sex", ia, ib)


def _generation(suffixes: pd.Series) -> pd.Series:
    """Which generation a suffix names: Jr and II both name the second."""
    return suffixes.replace({"ii": "jr"})


def _suffix_levels(records, ia, ib) -> np.ndarray:
    """Same generation, different (Jr and Sr, II and III), or one side only (Jr against none)."""
    va, vb = _codes(records, "suffix", ia, ib, derive=_generation)
    level = np.full(len(ia), SUFFIX_ELSE, dtype=np.int8)
    _put(level, (va >= 0) & (vb >= 0) & (va == vb), SUFFIX_SAME)
    _put(level, (va >= 0) != (vb >= 0), SUFFIX_ONE_SIDE)
    _put(level, (va < 0) & (vb < 0), MISSING)
    return level


def compare_pairs(
    records: pd.DataFrame, pairs: pd.DataFrame, comparisons: list[Comparison] | None = None
) -> pd.DataFrame:
    """Comparison levels of every candidate pair.

    Args:
        records: the normalised records frame (row ``i`` is rid ``i``).
        pairs: ``rid_a``, ``rid_b`` columns.
        comparisons: which comparisons to make (default: ``fields.COMPARISONS``).

    Returns:
        A frame aligned with ``pairs``: ``rid_a``, ``rid_b``, one int8
        ``{name}_level`` column per comparison (-1 = missing), ``name_swap``
        (1 where first and last names were compared crosswise because they
        look swapped) and ``cross`` (1 for a pair across two rosters, 0
        inside one).
    """
    comparisons = COMPARISONS if comparisons is None else comparisons
    ia = pairs["rid_a"].to_numpy(dtype=np.int64)
    ib = pairs["rid_b"].to_numpy(dtype=np.int64)
    outer = getattr(_per_call, "cache", None) is None
    if outer:
        _per_call.cache = {}
    try:
        return _compare_all(records, ia, ib, comparisons)
    finally:
        if outer:
            _per_call.cache = None


@contextmanager
def reuse_record_arrays(arrays: dict | None = None):
    """Keep ``compare_pairs``' per-record arrays (codes, vocabularies, dates) across its calls.

    A match compares the candidate pairs, then random pairs of the same
    records to learn u: at a million records making those arrays again took
    about 2 s. Only for calls on one and the same records frame. ``arrays``
    (a dict the caller keeps for those records) carries them further, e.g.
    across a Dask worker's tasks.
    """
    if getattr(_per_call, "cache", None) is not None:
        yield
        return
    _per_call.cache = {} if arrays is None else arrays
    try:
        yield
    finally:
        _per_call.cache = None


def _spans(n: int):
    """(start, stop) of each chunk of CHUNK_PAIRS pairs."""
    return [(start, min(start + CHUNK_PAIRS, n)) for start in range(0, n, CHUNK_PAIRS)]


def _pair_by_pair(comparisons: list[Comparison]) -> list[tuple[Comparison, object]]:
    """The comparisons made chunk by chunk, each with its level function."""
    return [(c, level_function(c)) for c in comparisons if c.name not in JOINT_NAME_COMPARISONS]


def _compare_all(
    records: pd.DataFrame, ia: np.ndarray, ib: np.ndarray, comparisons: list[Comparison]
) -> pd.DataFrame:
    """Fill one preallocated int8 array per output column, chunk by chunk (no frames to concatenate)."""
    n = len(ia)
    # the pairs' own arrays, not copies (nothing writes to them): 0.5 GB less at 30M pairs
    out = {"rid_a": np.asarray(ia, dtype=np.int64), "rid_b": np.asarray(ib, dtype=np.int64)}
    columns = [c.level_column for c in comparisons] + FLAG_COLUMNS
    levels = {column: np.empty(n, dtype=np.int8) for column in columns}
    chunked = _pair_by_pair(comparisons)
    # names de-duplicate their pairs over the whole call, so they run first over all
    # chunks; meanwhile another thread makes the other fields' per-record arrays
    # (mostly Arrow and numpy work, which runs outside the GIL)
    preparing = _prepare_in_background(records, chunked) if n >= PREPARE_AHEAD_PAIRS else None
    first = levels.get("first_name_level", np.empty(n, dtype=np.int8))
    last = levels.get("last_name_level", np.empty(n, dtype=np.int8))
    _name_levels(records, ia, ib, first, last, levels["name_swap"])
    if preparing is not None:
        preparing.join()
    programme = _cached(("programme", "codes"), lambda: programme_codes(records))
    for start, stop in _spans(n):
        a, b = ia[start:stop], ib[start:stop]
        for comparison, levels_of in chunked:
            levels[comparison.level_column][start:stop] = levels_of(records, a, b)
        levels["cross"][start:stop] = np.take(programme, a) != np.take(programme, b)
    out.update(levels)
    return pd.DataFrame(out, copy=False)


PREPARE_AHEAD_PAIRS = 100_000  # below this, a second thread costs more than it saves


def _prepare_fields(records: pd.DataFrame, chunked) -> None:
    """Make the per-record arrays (codes, words, dates) of every field compared pair by pair."""
    none = np.zeros(0, dtype=np.int64)
    for _, levels_of in chunked:
        levels_of(records, none, none)
    if "record_id" in records.columns:
        _field_edits_apart(
            records, "record_id", none, none
        )  # SSNs rarely differ: made when they do
    for field in ("zip", "street_name", "street"):
        _vocabulary(records, (field,))
    _cached(("programme", "codes"), lambda: programme_codes(records))


def _prepare_in_background(records: pd.DataFrame, chunked) -> threading.Thread:
    """``_prepare_fields`` in another thread, into this call's cache (the names use other keys)."""
    cache = _per_call.cache

    def work() -> None:
        _per_call.cache = cache
        try:
            _prepare_fields(records, chunked)
        except Exception:  # noqa: BLE001 - whatever failed is made again, and reported, by the caller
            pass
        finally:
            _per_call.cache = None

    thread = threading.Thread(target=work, name="compare-prepare", daemon=True)
    thread.start()
    return thread


@contextmanager
def _cache_scope():
    """A fresh per-record cache (for a frame of distinct values), the caller's restored after."""
    saved = getattr(_per_call, "cache", None)
    _per_call.cache = {}
    try:
        yield
    finally:
        _per_call.cache = saved


SCORE_TABLE_CELLS = 1 << 20  # fields with at most 1,024 distinct values keep a table of scores


def _distinct_scores(records: pd.DataFrame, field: str, ia: np.ndarray, ib: np.ndarray, scorer):
    """rapidfuzz ``scorer`` of the field on each pair, run once per distinct pair of values.

    A field with few distinct values (ZIP codes, street names) keeps its
    scores in a table for the whole call, so each pair of values is scored
    once per call, not once per chunk; others de-duplicate chunk by chunk.
    """
    codes, uniques = _vocabulary(records, (field,))
    if len(ia) == 0:
        return np.zeros(0)
    n_values = len(uniques)
    key = np.take(codes, ia).astype(np.int64) * n_values + np.take(codes, ib)

    def compute(keys):
        return process.cpdist(
            uniques[keys // n_values].tolist(),
            uniques[keys % n_values].tolist(),
            scorer=scorer,
            workers=-1,
        )

    if n_values * n_values <= SCORE_TABLE_CELLS:
        table = _cached((field, scorer, "scores"), lambda: np.full(n_values * n_values, np.nan))
        scores = table[key]
        unknown = np.isnan(scores)
        if unknown.any():
            new = pd.unique(key[unknown])
            table[new] = compute(new)
            scores = table[key]
        return scores
    pair_index, distinct = pd.factorize(key)
    return compute(distinct)[pair_index]


def _vocabulary(records: pd.DataFrame, fields: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """Shared integer codes of several name fields (one vocabulary), plus the distinct values."""

    def make():
        codes, values = _encode([_column(records, f) for f in fields])
        n = len(records)
        parts = tuple(codes[i * n : (i + 1) * n] for i in range(len(fields)))
        return (*parts, values.to_numpy(zero_copy_only=False).astype(object))

    return _cached(("vocabulary", fields), make)


def _empty_code(uniques: np.ndarray) -> int:
    """The code of "" in a vocabulary (-2, matching no code, if absent)."""
    where = np.flatnonzero(uniques == "")
    return int(where[0]) if len(where) else -2


def _distinct_frame(records: pd.DataFrame, field: str, codes: np.ndarray, uniques, extra=()):
    """One row per distinct value of ``field`` (code order) with its derived columns."""
    frame = {field: uniques}
    if extra:
        rows = np.zeros(len(uniques), dtype=np.int64)
        rows[codes[::-1]] = np.arange(len(codes))[::-1]
        for column in extra:
            frame[column] = _column(records, column).iloc[rows].to_numpy(dtype=object)
    return pd.DataFrame(frame)


def _first_levels_distinct(names: pd.DataFrame):
    forms = _name_forms(names, "first_name", "first_sound", _FIRST_FORMS[1:])
    nicknames = _nickname_codes(forms)

    def compute(ua, ub, middle):
        with _cache_scope():
            level = _first_name_levels(forms, nicknames, ua, ub, middle.astype(bool))
            name = forms.forms[None]
            fa, fb = np.take(name, ua), np.take(name, ub)
            _middle_in_first(forms, nicknames, ua, ub, fa, fb, level)
        return level

    return compute


def _last_levels_distinct(names: pd.DataFrame):
    forms = _name_forms(names, "last_name", "last_sound")

    def compute(ua, ub):
        with _cache_scope():
            return _last_name_levels(forms, ua, ub)

    return compute


def _crosswise_distinct(names: pd.DataFrame):
    """Similarity of a first name to a last name: whole, or first words."""

    def compute(ua, ub):
        with _cache_scope():
            xa, xb = _sides(names, "name", ua, ub)
            wa, wb = _sides(names, "name", ua, ub, _first_word)
            similarity = _jw(xa.tolist(), xb.tolist())
            several = np.flatnonzero((wa != xa) | (wb != xb))  # else first words are the names
            if len(several):
                words = _jw(wa[several].tolist(), wb[several].tolist())
                similarity[several] = np.maximum(similarity[several], words)
            return similarity

    return compute


def _pair_keys(ca: np.ndarray, cb: np.ndarray, n_values: int, flag=None) -> np.ndarray:
    """One integer per pair of codes (and flag): uint32 when every key fits (hashed a third faster)."""
    span = n_values * n_values * (1 if flag is None else 2)
    kind = np.uint32 if span < 2**32 else np.int64
    key = ca.astype(kind) * kind(n_values) + cb.astype(kind)
    if flag is not None:
        key = key * kind(2) + flag.astype(kind)
    return key


DENSE_CODES = 4096  # the most frequent codes of each side address a table of levels directly


def _on_code_pairs(pair_chunks, compute, n_values: int, frequency, n_flags: int = 1):
    """Run ``compute`` once per distinct (code_a, code_b, flag) over all chunks; one int8 array per chunk.

    A million candidate pairs hold far fewer distinct name pairs, and the
    same ones come back chunk after chunk. Pairs of the DENSE_CODES most
    frequent codes (nearly all pairs) address a table directly: marking and
    reading it costs a few nanoseconds a pair, hashing 20 to 30. The other
    pairs are hashed, per chunk and then over all chunks. ``pair_chunks``
    yields (codes_a, codes_b, flags or None); ``compute(ua, ub, flag)`` gets
    at most CHUNK_PAIRS distinct pairs at a time, after every chunk is read.
    """
    side = min(n_values, DENSE_CODES)
    cells = side * side * n_flags
    code_of_rank = np.argsort(-np.asarray(frequency), kind="stable")[:side]
    rank = np.full(n_values, -1, dtype=np.int32)  # cells < 2**31: int32 arithmetic
    rank[code_of_rank] = np.arange(side, dtype=np.int32)
    needed = np.zeros(cells + 1, dtype=bool)  # the last cell stands for every hashed pair
    indexes, hashed_parts, total = [], [], 0
    for ca, cb, flag in pair_chunks:
        ra, rb = np.take(rank, ca), np.take(rank, cb)
        dense = (ra >= 0) & (rb >= 0)
        index = ra * np.int32(side) + rb
        if n_flags == 2:
            index = index * np.int32(2) + flag
        index = np.where(dense, index, np.int32(cells))
        needed[index] = True
        hashed = np.flatnonzero(~dense)
        if len(hashed):
            keys = _pair_keys(
                ca[hashed], cb[hashed], n_values, None if flag is None else flag[hashed]
            )
            codes, distinct = pd.factorize(keys)
            if cells + total + len(distinct) >= 2**31:
                index = index.astype(np.int64)
            index[hashed] = cells + total + codes
            hashed_parts.append(distinct)
            total += len(distinct)
        indexes.append(index)
    table = np.zeros(cells + total, dtype=np.int8)
    wanted = np.flatnonzero(needed[:cells])
    del needed
    for start in range(0, len(wanted), CHUNK_PAIRS):
        cell = wanted[start : start + CHUNK_PAIRS]
        pair = cell // n_flags
        table[cell] = compute(code_of_rank[pair // side], code_of_rank[pair % side], cell % n_flags)
    if total:
        to_distinct, distinct = pd.factorize(np.concatenate(hashed_parts))
        distinct = distinct.astype(np.int64)
        values = np.zeros(len(distinct), dtype=np.int8)
        for start in range(0, len(distinct), CHUNK_PAIRS):
            key = distinct[start : start + CHUNK_PAIRS]
            pair = key // n_flags
            values[start : start + CHUNK_PAIRS] = compute(
                pair // n_values, pair % n_values, key % n_flags
            )
        table[cells:] = values[to_distinct]
    return [table[index] for index in indexes]


def _name_levels(records, ia, ib, first: np.ndarray, last: np.ndarray, name_swap: np.ndarray):
    """Fill first- and last-name levels and the swapped-names flag, on distinct name pairs.

    Every pair is keyed by its two name codes and compared once per
    distinct key over the whole call (equal and missing names included:
    they are a few keys).
    """
    first_c, middle_c, uniq_fm = _vocabulary(records, ("first_name", "middle_name"))
    last_c, uniq_l = _vocabulary(records, ("last_name",))
    firsts = _cached(
        ("first_name", "distinct"),
        lambda: _distinct_frame(
            records, "first_name", first_c, uniq_fm, ("first_sound", "first_key")
        ),
    )
    lasts = _cached(
        ("last_name", "distinct"),
        lambda: _distinct_frame(records, "last_name", last_c, uniq_l, ("last_sound", "last_key")),
    )
    empty_fm, n_fm = _empty_code(uniq_fm), len(uniq_fm)
    n_l = len(uniq_l)
    spans = _spans(len(ia))

    def first_keys():
        for start, stop in spans:
            a, b = ia[start:stop], ib[start:stop]
            fa, fb = np.take(first_c, a), np.take(first_c, b)
            ma, mb = np.take(middle_c, a), np.take(middle_c, b)
            middle = ((fa == mb) & (mb != empty_fm)) | ((fb == ma) & (ma != empty_fm))
            yield fa, fb, middle

    first_levels = _on_code_pairs(
        first_keys(),
        _first_levels_distinct(firsts),
        n_fm,
        np.bincount(first_c, minlength=n_fm),
        n_flags=2,
    )
    for (start, stop), values in zip(spans, first_levels, strict=True):
        first[start:stop] = values
    del first_levels

    def last_keys():
        for start, stop in spans:
            yield np.take(last_c, ia[start:stop]), np.take(last_c, ib[start:stop]), None

    last_compute = _last_levels_distinct(lasts)
    last_levels = _on_code_pairs(
        last_keys(),
        lambda ua, ub, _: last_compute(ua, ub),
        n_l,
        np.bincount(last_c, minlength=n_l),
    )
    for (start, stop), values in zip(spans, last_levels, strict=True):
        last[start:stop] = values
    del last_levels

    _swapped_names(records, ia, ib, spans, first, last, name_swap)


def _swapped_names(records, ia, ib, spans, first, last, name_swap) -> None:
    """Set the swapped-names flag, and raise both name levels to very close, where a's first
    name is b's last name and a's last name b's first (each alike, one with a typo at most)."""
    # Swapped first/last names: compared crosswise (whole and first words, so
    # "Lucia Rosa" in the last-name field still meets "Lucia"), capped below exact
    # so a swap is good but not the strongest evidence (no double counting).
    nf, nl, uniq_n = _vocabulary(records, ("first_name", "last_name"))
    empty_n, n_n = _empty_code(uniq_n), len(uniq_n)
    name_swap[:] = 0
    names = _cached(("first_last", "distinct"), lambda: pd.DataFrame({"name": uniq_n}))
    cross_compute = _crosswise_distinct(names)

    def cross_alike(ua, ub, _):
        # 2: very alike (>= 0.92), 1: alike (>= 0.88), 0: not
        similarity = cross_compute(ua, ub)
        return (similarity >= 0.88).astype(np.int8) + (similarity >= 0.92)

    frequency = np.bincount(nf, minlength=n_n) + np.bincount(nl, minlength=n_n)

    # First a's first name against b's last name; b's first name against a's
    # last name only where that was alike (rarely): both must be.
    maybe_rows: list[np.ndarray] = []

    def first_to_last_keys():
        # reads every chunk's straight levels before any swap changes them
        for start, stop in spans:
            a, b = ia[start:stop], ib[start:stop]
            straight_good = (first[start:stop] >= FIRST_VERY_CLOSE) & (
                last[start:stop] >= LAST_VERY_CLOSE
            )
            nfa, nfb, nla, nlb = np.take(nf, a), np.take(nf, b), np.take(nl, a), np.take(nl, b)
            filled = (nfa != empty_n) & (nfb != empty_n) & (nla != empty_n) & (nlb != empty_n)
            maybe = np.flatnonzero(filled & ~straight_good)
            maybe_rows.append(maybe.astype(np.int32))
            yield nfa[maybe], nlb[maybe], None

    cross1_of = _on_code_pairs(first_to_last_keys(), cross_alike, n_n, frequency)
    alike_rows = [maybe[cross1 >= 1] for maybe, cross1 in zip(maybe_rows, cross1_of, strict=True)]
    alike1 = [cross1[cross1 >= 1] for cross1 in cross1_of]
    maybe_rows.clear()  # free them: only the alike rows go on
    del cross1_of

    def last_to_first_keys():
        for (start, _), rows in zip(spans, alike_rows, strict=True):
            a, b = ia[start + rows], ib[start + rows]
            yield np.take(nl, a), np.take(nf, b), None

    cross2_of = _on_code_pairs(last_to_first_keys(), cross_alike, n_n, frequency)
    for (start, _), rows, cross1, cross2 in zip(spans, alike_rows, alike1, cross2_of, strict=True):
        # both sides alike, one may carry a typo
        alike = ((cross1 == 2) & (cross2 >= 1)) | ((cross1 >= 1) & (cross2 == 2))
        rows = start + rows
        swapped = rows[alike & (nf[ia[rows]] != nl[ia[rows]])]
        name_swap[swapped] = 1
        first[swapped] = FIRST_VERY_CLOSE
        last[swapped] = LAST_VERY_CLOSE


PLACE_ALIKE_SCORE = (
    90  # token set ratio: "london" and "london england", "sao paulo" and "sao paolo"
)


def _category_levels(records, field: str, ia, ib, levels: tuple[int, int, int]) -> np.ndarray:
    """Same words, alike (a spelling, or the same words with more or fewer), or else."""
    else_level, alike_level, exact_level = levels
    va, vb = _codes(records, field, ia, ib)
    level = np.full(len(ia), else_level, dtype=np.int8)
    idx = np.flatnonzero((va >= 0) & (vb >= 0) & (va != vb))
    if len(idx):
        alike = _distinct_scores(records, field, ia[idx], ib[idx], fuzz.token_set_ratio)
        level[idx[alike >= PLACE_ALIKE_SCORE]] = alike_level
    _put(level, va == vb, exact_level)
    _put(level, (va < 0) | (vb < 0), MISSING)
    return level


def _birth_place_levels(records, ia, ib) -> np.ndarray:
    return _category_levels(records, "birth_place", ia, ib, (PLACE_ELSE, PLACE_ALIKE, PLACE_EXACT))


#: Each comparison's level function ``(records, ia, ib) -> int8 levels``; first and
#: last names are filled together by ``_name_levels`` (with the swapped-names flag).
LEVEL_FUNCTIONS = {
    "first_name": _name_levels,
    "last_name": _name_levels,
    "middle_name": _middle_levels,
    "dob": _dob_levels,
    "address": _address_levels,
    "phone": _phone_levels,
    "email": _email_levels,
    "record_id": _record_id_levels,
    "ssn": _ssn_levels,
    "birth_place": _birth_place_levels,
    "sex": _sex_levels,
    "suffix": _suffix_levels,
}


def level_function(comparison: Comparison):
    """The function that computes a comparison's levels (evidence columns by their kind)."""
    if comparison.name in LEVEL_FUNCTIONS:
        return LEVEL_FUNCTIONS[comparison.name]
    kind, _ = column_kind(comparison.name)
    return functools.partial(_EVIDENCE_LEVELS[kind], field=comparison.name)


def _code_levels(records, ia, ib, field: str) -> np.ndarray:
    """Same code, one character apart (a typo), or else."""
    va, vb = _codes(records, field, ia, ib)
    return _typo_levels(records, field, ia, ib, va, vb, (va >= 0) & (vb >= 0))


def _number_levels(records, ia, ib, field: str) -> np.ndarray:
    """Same number, one apart (an age a year on, a typo), or else."""
    values = _cached(
        (field, "numbers"),
        lambda: pd.to_numeric(_column(records, field), errors="coerce").to_numpy(),
    )
    a, b = np.take(values, ia), np.take(values, ib)
    level = (np.abs(a - b) <= 1).astype(np.int8)
    _put(level, a == b, 2)
    _put(level, np.isnan(a) | np.isnan(b), MISSING)
    return level


_EVIDENCE_LEVELS = {
    "category": lambda records, ia, ib, field: _category_levels(records, field, ia, ib, (0, 1, 2)),
    "code": _code_levels,
    "number": _number_levels,
}


def level_columns(comparisons: list[Comparison] | None = None) -> list[str]:
    """The ``{name}_level`` column of each comparison, in order."""
    return [c.level_column for c in (COMPARISONS if comparisons is None else comparisons)]
