"""Normalise: turn raw roster cells into clean keys the matcher can compare.

One public function per field kind works on a single string (``normalise_phone``,
``normalise_date`` ...): the Hypothesis tests and the dashboard preview call
those. ``normalise_fields`` is the vectorised stage: it runs every per-value
parser on DISTINCT values only (names, streets and ZIPs repeat a lot), first
deciding the common clean forms of names, phones, dates, emails, ZIPs and
IDs with pyarrow kernels and numpy on the strings' bytes (no Python objects
per value), parses each distinct street remainder once (the house number
split off), and joins rows with pyarrow kernels: a million-row roster costs
about 2 s, not a million parser calls. ``normalise_record`` is the plain
row-by-row reference the tests hold the frame function to.

Decisions (see docs/architecture.md, "Normalised records"):

- Phonetic keys use Metaphone (jellyfish): on a list of common spelling
  variants (Smith/Smyth, Catherine/Kathryn, Geoffrey/Jeffrey, Jimenez/Gimenez,
  Phillips/Filips, Carl/Karl, Lee/Li, Brown/Braun) it agreed on 25 of 30,
  NYSIIS on 18 and Soundex on 21, while still giving 95 distinct keys for the
  100 commonest US surnames (NYSIIS 94, Soundex 91), so blocks stay small.
  The key is taken over the letters only ("smith-jones" ~ "smithjones").
- Dates: day/month order is decided per column (``infer_dayfirst``); a
  two-digit year takes the century that keeps the birth date in the past;
  dates before 1900, in the future, 1900-01-01 and 1901-01-01 are "".
- Phones drop extensions (they do not identify a person). Numbers without an
  area code (7 digits) cannot be written in E.164 and give "".
- ``unit`` is ``"apt " + identifier`` whatever the designator (Apartment, Apt,
  #, Unit, Suite, Ste, Room, Floor ...), lower case, identifier without
  spaces, hyphens or ``#``: "Suite 4-B", "#4b" and "Apt 4B" all give
  ``apt 4b``. The street line never contains the unit.
- ``first_key`` is a canonical first name for blocking: a nickname maps to its
  formal name when that is unambiguous (bob -> robert, pepe -> jose,
  kasia -> katarzyna); ambiguous nicknames (beto: alberto or roberto) keep
  themselves. Nickname and formal then share the key. ``nickname_pairs``
  lists every direct relation both ways for the "nickname" comparison level.
- Names: first/middle/last columns win; ``full_name`` fills the parts that
  are missing. A trailing one-letter initial in the first-name column
  ("John M") becomes the middle name when there is none.
- Several raw values joined with " | " (two phone columns, say): the first one
  that normalises to something non-empty wins.
"""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

import jellyfish
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import usaddress
from unidecode import unidecode

from overlap.mapping import CANONICAL_FIELDS

OUTPUT_COLUMNS = [
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "first_sound",
    "last_sound",
    "first_key",
    "dob",
    "sex",
    "street",
    "house_number",
    "street_name",
    "unit",
    "city",
    "state",
    "zip",
    "phone",
    "email",
    "record_id",
    "ssn",
]

INPUT_FIELDS = CANONICAL_FIELDS  # the raw fields a mapped roster may hold

_MAX_LEN = 300  # longer cells are junk (pasted notes); parsers on them are slow


def _parts(value: str) -> list[str]:
    """The raw values of a cell that may hold several joined with " | "."""
    if not isinstance(value, str):
        return []
    return [p.strip() for p in value.split("|")]


def _first_valid(value: str, func: Callable[[str], str]) -> str:
    for part in _parts(value):
        if part:
            out = func(part)
            if out:
                return out
    return ""


def _map_distinct(values: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` once per distinct value and spread the results back."""
    codes, uniques = pd.factorize(values)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [func(u) for u in uniques.tolist()]
    if len(codes) == 0:
        return np.empty(0, dtype=object)
    return results[codes]


# --------------------------------------------------------------------------- names

_SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "sr": "sr",
    "senior": "sr",
    "ii": "ii",
    "2nd": "ii",
    "iii": "iii",
    "3rd": "iii",
    "iv": "iv",
    "4th": "iv",
}
_NAME_PLACEHOLDERS = {
    "unknown",
    "unk",
    "none",
    "null",
    "n a",
    "fnu",
    "lnu",
    "nfn",
    "nln",
    "nmn",
    "xxx",
    "xx",
    "test",
    "noname",
    "no name",
}
_NAME_ASIDE = re.compile(r"\([^()]*\)|\"[^\"]*\"|\u201c[^\u201d]*\u201d")
_NAME_DROP = re.compile(r"['\u2019`.]")
_NAME_SPACE = re.compile(r"[^a-z0-9\- ]+")
_NAME_NOT_LETTER = re.compile(r"[^a-z\- ]+")
_SPACES = re.compile(r"\s+")
_HYPHENS = re.compile(r"\s*-[\s-]*")


_COMBINING_MARKS = re.compile("[\u0300-\u036f]+")


def _fold(value: str) -> str:
    """Accents folded to ASCII, lower case.

    Latin accents are dropped by Unicode decomposition (fast); whatever is
    still not ASCII (ß, Ł, Cyrillic, CJK) goes through unidecode.
    """
    if value.isascii():
        return value.lower()
    text = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", value))
    if not text.isascii():
        text = unidecode(text)
    return text.lower()


@lru_cache(maxsize=1 << 16)  # name parts repeat a lot across distinct full names
def split_suffix(value: str) -> tuple[str, str]:
    """Clean one name part and pull a generational suffix off its end.

    Args:
        value: a raw name part, e.g. "Smith Jr." or "O'Brien".

    Returns:
        ``(name, suffix)``: the name in lower case a-z with spaces and hyphens
        kept and apostrophes and dots removed, and ``jr``/``sr``/``ii``/``iii``/
        ``iv`` or "".
    """
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_LEN:
        return "", ""
    without_nickname = _NAME_ASIDE.sub(" ", value)  # 'Robert "Bob"', 'Robert (Bob)'
    if without_nickname.strip():
        value = without_nickname
    text = _NAME_DROP.sub("", _fold(value))
    text = _NAME_SPACE.sub(" ", text)
    tokens = text.split()
    suffix = ""
    for _ in range(2):  # again once digits are gone: "a0 jr" -> "a jr" -> "a"
        while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
            suffix = suffix or _SUFFIXES[tokens[-1]]
            tokens.pop()
        name = _NAME_NOT_LETTER.sub(" ", " ".join(tokens))
        name = _HYPHENS.sub("-", _SPACES.sub(" ", name)).strip(" -")
        tokens = name.split()
    if name in _NAME_PLACEHOLDERS:
        return "", ""
    return name, suffix


def normalise_name(value: str) -> str:
    """One name part in lower case a-z (space and hyphen kept), suffix removed."""
    return _first_valid(value, lambda v: split_suffix(v)[0])


def normalise_suffix(value: str) -> str:
    """A generational suffix (Jr., Senior, III, 2nd ...) as jr/sr/ii/iii/iv, else ""."""

    def one(v: str) -> str:
        key = _NAME_DROP.sub("", _fold(v)).strip(" ,")
        return _SUFFIXES.get(key, "")

    return _first_valid(value, one)


# Only honorifics count as titles: nameparser's long default list eats real
# first names ("Judge Reinhold", "Dean Smith", "Major Lee").
@lru_cache(maxsize=1)
def _name_constants():
    """nameparser's settings, built on first use (nameparser is slow to import)."""
    from nameparser.config import Constants

    constants = Constants(
        titles=[
            "mr",
            "mrs",
            "ms",
            "miss",
            "mx",
            "dr",
            "doctor",
            "rev",
            "reverend",
            "fr",
            "father",
            "sr",
            "sra",
            "srta",
            "don",
            "dona",
            "prof",
            "professor",
            "sir",
            "madam",
            "mme",
            "mlle",
            "herr",
            "frau",
            "pastor",
            "hon",
        ]
    )
    constants.titles.remove("sr")  # "Sr" after a surname is Senior, not Señor
    return constants


@lru_cache(maxsize=1)
def _special_name_words() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    words = set(_name_constants().titles)
    for group in (
        CONSTANTS.prefixes,
        CONSTANTS.conjunctions,
        CONSTANTS.suffix_acronyms,
        CONSTANTS.suffix_not_acronyms,
    ):
        words |= set(group)
    return frozenset(w.replace(".", "").lower() for w in words)


_PLAIN_NAME_WORD = re.compile(r"^[a-z][a-z'\-]*$")


def _plain_words(text: str) -> list[str] | None:
    words = text.replace(".", " ").split()
    if not words or len(words) > 2:
        return None
    for word in words:
        if not _PLAIN_NAME_WORD.match(word) or word in _special_name_words():
            return None
    return words


def _full_name_fast(text: str) -> tuple[str, str, str] | None:
    """'Last, First [M]' and 'First [M] Last' made of plain words; None otherwise.

    Anything with a title, suffix, particle (de, van, bin) or conjunction goes
    to nameparser instead.
    """
    left, comma, right = text.partition(",")
    if comma:
        last_words, first_words = _plain_words(left), _plain_words(right)
        if last_words is None or first_words is None:
            return None
        return first_words[0], " ".join(first_words[1:]), " ".join(last_words)
    words = text.replace(".", " ").split()
    if not 2 <= len(words) <= 3 or _plain_words(" ".join(words[:2])) is None:
        return None
    if _plain_words(words[-1]) is None:
        return None
    return words[0], " ".join(words[1:-1]), words[-1]


def _parse_full_one(value: str) -> tuple[str, str, str, str]:
    if len(value) > _MAX_LEN:
        return "", "", "", ""
    text = _fold(value)
    fast = _full_name_fast(text)
    if fast is not None:
        first, middle, last = (split_suffix(p)[0] for p in fast)
        if not first and not last and middle:
            first, middle = middle, ""
        return first, middle, last, ""
    from nameparser import HumanName

    name = HumanName(text, constants=_name_constants())
    first, fsuf = split_suffix(name.first)
    middle, msuf = split_suffix(name.middle)
    last, lsuf = split_suffix(name.last)
    suffix, leftover = "", []
    for piece in name.suffix.split(","):  # "smith, jr., john": suffix holds "jr., john"
        found = normalise_suffix(piece)
        if found:
            suffix = suffix or found
        elif piece.strip():
            leftover += piece.split()
    if not first and leftover:
        first = split_suffix(leftover[0])[0]
        middle = middle or split_suffix(" ".join(leftover[1:]))[0]
    suffix = suffix or lsuf or msuf or fsuf
    if not first and not last and middle:
        first, middle = middle, ""
    return first, middle, last, suffix


def parse_full_name(value: str) -> tuple[str, str, str, str]:
    """Split a one-field name ("LAST, FIRST M", "Dr. First Last Jr.", "Cher").

    Args:
        value: the raw full name.

    Returns:
        ``(first, middle, last, suffix)``, each normalised like
        :func:`normalise_name` / :func:`normalise_suffix`; "" where absent.
    """
    for part in _parts(value):
        if part:
            out = _parse_full_one(part)
            if out[0] or out[2]:
                return out
    return "", "", "", ""


_NOT_LOWER_LETTER = re.compile(r"[^a-z]")


def name_sound(value: str) -> str:
    """Metaphone key of a normalised name (letters only), "" for ""."""
    letters = _NOT_LOWER_LETTER.sub("", value.lower()) if isinstance(value, str) else ""
    if not letters:
        return ""
    return jellyfish.metaphone(letters).lower()


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
    table = _first_key_table()
    series = pd.Series(list(names) if not isinstance(names, pd.Series) else names, dtype=object)
    series = series.fillna("").astype(str)
    return _map_distinct(series, lambda n: table.get(n, n))


# --------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1,
    "january": 1,
    "ene": 1,
    "enero": 1,
    "feb": 2,
    "february": 2,
    "febrero": 2,
    "mar": 3,
    "march": 3,
    "marzo": 3,
    "apr": 4,
    "april": 4,
    "abr": 4,
    "abril": 4,
    "may": 5,
    "mayo": 5,
    "jun": 6,
    "june": 6,
    "junio": 6,
    "jul": 7,
    "july": 7,
    "julio": 7,
    "aug": 8,
    "august": 8,
    "ago": 8,
    "agosto": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "set": 9,
    "septiembre": 9,
    "setiembre": 9,
    "oct": 10,
    "october": 10,
    "octubre": 10,
    "nov": 11,
    "november": 11,
    "noviembre": 11,
    "dec": 12,
    "december": 12,
    "dic": 12,
    "diciembre": 12,
}
_DATE_FILLER = {
    "st",
    "nd",
    "rd",
    "th",
    "of",
    "de",
    "del",
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
}
_DATE_PLACEHOLDERS = {date(1900, 1, 1), date(1901, 1, 1)}
_EARLIEST_BIRTH = date(1900, 1, 1)
_EXCEL_EPOCH = date(1899, 12, 30)
_TIME_TAIL = re.compile(
    r"(?:[ t]+|^)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm|a\.m\.|p\.m\.|z|utc|[+-]\d{2}:?\d{2})?\s*$"
)
_DATE_TOKENS = re.compile(r"\d+|[a-z]+")
_NUMERIC_DMY_NAMED = (
    r"^ *(?P<a>[0-9]{1,2}) *[/.\-] *(?P<b>[0-9]{1,2}) *[/.\-] *(?P<c>[0-9]{2,4}) *$"
)


def _valid_birth(y: int, m: int, d: int, today: date) -> str:
    try:
        when = date(y, m, d)
    except (ValueError, OverflowError):  # a day or month too big for C ints
        return ""
    if when < _EARLIEST_BIRTH or when > today or when in _DATE_PLACEHOLDERS:
        return ""
    return when.isoformat()


def _two_digit_year(yy: int, m: int, d: int, today: date) -> int:
    """Birth dates are in the past: 80 -> 1980, 05 -> 2005, 30 -> 1930 (in 2026)."""
    year = 2000 + yy
    try:
        if date(year, m, d) <= today:
            return year
    except (ValueError, OverflowError):
        return year
    return 1900 + yy


def _ymd(y_text: str, m: int, d: int, today: date) -> str:
    y = int(y_text)
    if len(y_text) <= 2:
        y = _two_digit_year(y, m, d, today)
    elif len(y_text) != 4:
        return ""
    return _valid_birth(y, m, d, today)


def _parse_date_one(value: str, dayfirst: bool, today: date) -> str:
    text = value.strip().lower()
    if not text or len(text) > 60:
        return ""
    if re.fullmatch(r"\d+\.0*", text):  # a number from a spreadsheet cell
        text = text.split(".")[0]
    text = _TIME_TAIL.sub("", text).strip()
    tokens = _DATE_TOKENS.findall(text)
    nums = [t for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    months = [_MONTHS[w] for w in words if w in _MONTHS]
    if any(w not in _MONTHS and w not in _DATE_FILLER for w in words) or len(months) > 1:
        return ""
    if months:
        if len(nums) != 2:
            return ""
        month = months[0]
        if len(nums[0]) == 4 or (len(nums[0]) > 2 and len(nums[1]) <= 2):
            year_text, day_text = nums
        else:
            day_text, year_text = nums
        if len(day_text) > 2:
            return ""
        return _ymd(year_text, month, int(day_text), today)
    if len(nums) == 1:
        digits = nums[0]
        if len(digits) == 8:
            y, m, d = int(digits[:4]), int(digits[4:6]), int(digits[6:])
            if 1800 <= y <= 2200:
                return _valid_birth(y, m, d, today)
            a, b, y = int(digits[:2]), int(digits[2:4]), int(digits[4:])
            m, d = (b, a) if (a > 12 or (dayfirst and b <= 12)) else (a, b)
            return _valid_birth(y, m, d, today)
        if len(digits) == 6:
            a, b = int(digits[:2]), int(digits[2:4])
            m, d = (b, a) if (a > 12 or (dayfirst and b <= 12)) else (a, b)
            return _ymd(digits[4:], m, d, today)
        if 3 <= len(digits) <= 5:
            serial = int(digits)
            if len(digits) == 4 and 1800 <= serial <= 2200:
                return ""  # a year alone is not a date of birth
            return _valid_birth_from(_EXCEL_EPOCH + timedelta(days=serial), today)
        return ""
    if len(nums) != 3:
        return ""
    a, b, c = nums
    if len(a) == 4:
        return _ymd(a, int(b), int(c), today)
    if len(a) > 2 or len(b) > 2 or len(c) not in (2, 4):
        return ""
    x, y = int(a), int(b)
    m, d = (y, x) if (x > 12 or (dayfirst and y <= 12)) else (x, y)
    return _ymd(c, m, d, today)


def _valid_birth_from(when: date, today: date) -> str:
    return _valid_birth(when.year, when.month, when.day, today)


def normalise_date(value: str, dayfirst: bool = False, today: date | None = None) -> str:
    """A date of birth in any common format as ISO ``YYYY-MM-DD``, else "".

    Reads MM/DD/YYYY (DD/MM/YYYY when ``dayfirst``, or when the first part is
    over 12), YYYY-MM-DD, YYYYMMDD, "March 5, 1980", "5-Mar-80", "5 de marzo
    de 1980", Excel serial numbers (29221) and workbook datetimes. Two-digit
    years go to the latest century that keeps the date in the past. Dates
    before 1900, in the future, and placeholders (1900-01-01, 1901-01-01) give "".

    Args:
        value: the raw cell.
        dayfirst: how to read an ambiguous 03/05/1980 (see :func:`infer_dayfirst`).
        today: the reference day for "in the future" (default: today).

    Returns:
        ``YYYY-MM-DD`` or "".
    """
    today = today or date.today()
    return _first_valid(value, lambda v: _parse_date_one(v, dayfirst, today))


def infer_dayfirst(values: pd.Series) -> bool:
    """Decide day/month order for a whole column of dates.

    A value like 25/03/1980 proves the column is day-first, 03/25/1980 that it
    is month-first; the side with more proof wins, and a tie (or no proof)
    means month-first, the US order.
    """
    _codes, uniques = _factorize(_as_str(values))
    return _infer_dayfirst_uniques(uniques)


def _infer_dayfirst_uniques(uniques: pd.Series) -> bool:
    if uniques.str.contains("|", regex=False).any():
        uniques = uniques.str.split("|").explode().astype(str).str.strip()
    parts = _extract(uniques, _NUMERIC_DMY_NAMED).dropna()
    if parts.empty:
        return False
    first = parts["a"].astype(int)
    second = parts["b"].astype(int)
    day_first_votes = int(((first > 12) & (second <= 12)).sum())
    month_first_votes = int(((second > 12) & (first <= 12)).sum())
    return day_first_votes > month_first_votes


# [0-9], not \d: run by pyarrow (RE2); anything they miss goes to the slow path
_FAST_ISO = r"^(?P<a>[0-9]{4})-(?P<b>[0-9]{2})-(?P<c>[0-9]{2})(?:[ T]00:00:00)?$"
_FAST_SLASH = r"^(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<c>[0-9]{4})$"
_FAST_EIGHT = r"^(?P<a>[0-9]{8})$"  # on the unstripped cell: Python's strip decides nothing


def _dates_fast(
    uniques: pd.Series, dayfirst: bool, today: date, raw: pd.Series | None = None
) -> pd.Series:
    """Vectorised path for ISO and slash dates with 4-digit years, and (given the
    unstripped ``raw`` values) for cells of exactly eight digits; None elsewhere."""
    out = pd.Series([None] * len(uniques), index=uniques.index, dtype=object)
    iso = _extract(uniques, _FAST_ISO).dropna()
    slash = _extract(uniques, _FAST_SLASH).dropna()
    frames = []
    if raw is not None and not (eight := _extract(raw, _FAST_EIGHT).dropna()).empty:
        # as _parse_date_one reads them: YYYYMMDD when the first four digits are
        # 1800-2200, else MMDDYYYY (DDMMYYYY when day-first or the first pair is over 12)
        digits = eight["a"]
        first_year = digits.str[:4].astype(int)
        a, b = digits.str[:2].astype(int), digits.str[2:4].astype(int)
        swap = (a > 12) | (dayfirst & (b <= 12))
        ymd = (first_year >= 1800) & (first_year <= 2200)
        frames.append(
            pd.DataFrame(
                {
                    "year": np.where(ymd, first_year, digits.str[4:].astype(int)),
                    "month": np.where(ymd, digits.str[4:6].astype(int), np.where(swap, b, a)),
                    "day": np.where(ymd, digits.str[6:].astype(int), np.where(swap, a, b)),
                },
                index=eight.index,
            )
        )
    if not iso.empty:
        frames.append(
            pd.DataFrame(
                {
                    "year": iso["a"].astype(int),
                    "month": iso["b"].astype(int),
                    "day": iso["c"].astype(int),
                }
            )
        )
    if not slash.empty:
        a = slash["a"].astype(int)
        b = slash["b"].astype(int)
        swap = (a > 12) | (dayfirst & (b <= 12))
        frames.append(
            pd.DataFrame(
                {
                    "year": slash["c"].astype(int),
                    "month": np.where(swap, b, a),
                    "day": np.where(swap, a, b),
                },
                index=slash.index,
            )
        )
    if not frames:
        return out
    ymd = pd.concat(frames)
    if ymd.empty:
        return out
    when = pd.to_datetime(ymd[["year", "month", "day"]], errors="coerce")
    low = pd.Timestamp(_EARLIEST_BIRTH)
    high = pd.Timestamp(today)
    bad = when.isna() | (when < low) | (when > high)
    for placeholder in _DATE_PLACEHOLDERS:
        bad |= when == pd.Timestamp(placeholder)
    iso_text = (
        ymd["year"].astype(str).str.zfill(4)
        + "-"
        + ymd["month"].astype(str).str.zfill(2)
        + "-"
        + ymd["day"].astype(str).str.zfill(2)
    )
    result = iso_text.where(~bad, "")
    out.loc[result.index] = result.astype(object)
    return out


def normalise_dates(values: pd.Series, today: date | None = None) -> pd.Series:
    """Normalise a whole column of dates of birth, day/month order decided per column.

    Args:
        values: raw strings ("" where missing).
        today: reference day for "in the future" (default: today).

    Returns:
        Series of ISO dates or "", same index.
    """
    series = _as_str(values)
    return _to_series(
        _or_blank(_dates_column(_distinct(series), today or date.today()), len(series)),
        series.index,
    )


def _dates_column(found: _Distinct, today: date) -> pa.Array | None:
    dayfirst = _infer_dayfirst_uniques(found.values)

    def fast(_values: pa.Array) -> list[pa.Array]:
        decided = _dates_fast(found.values.str.strip(), dayfirst, today, found.values)
        return [pa.array(decided.to_numpy(dtype=object), type=_LARGE)]  # None: undecided

    (dates,) = _per_distinct(found.values, lambda v: (normalise_date(v, dayfirst, today),), 1, fast)
    return _spread(dates, found.codes)


# --------------------------------------------------------------------------- sex

_SEX = {
    "m": "m",
    "male": "m",
    "man": "m",
    "h": "m",
    "hombre": "m",
    "masculino": "m",
    "masc": "m",
    "varon": "m",
    "boy": "m",
    "f": "f",
    "female": "f",
    "woman": "f",
    "mujer": "f",
    "femenino": "f",
    "fem": "f",
    "girl": "f",
}


def normalise_sex(value: str) -> str:
    """``m``, ``f`` or "" from M/F/Male/Female/Hombre/Mujer/Masculino/Femenino/H."""
    return _first_valid(value, lambda v: _SEX.get(_fold(v).strip(" ."), ""))


# --------------------------------------------------------------------------- email

_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"
)
_EMAIL_PLACEHOLDER_USERS = {
    "none",
    "noemail",
    "no.email",
    "no_email",
    "no-email",
    "nomail",
    "no",
    "na",
    "n.a",
    "null",
    "unknown",
    "noreply",
    "no-reply",
    "donotreply",
    "declined",
    "refused",
    "nobody",
}
_EMAIL_PLACEHOLDER_DOMAINS = {
    "none.com",
    "noemail.com",
    "nomail.com",
    "na.com",
    "none.none",
    "unknown.com",
    "test.com",
    "noreply.com",
}


_EMAIL_PLACEHOLDER_PATTERN = (
    "(?:"
    + "|".join(re.escape(u) for u in sorted(_EMAIL_PLACEHOLDER_USERS))
    + ")@.*|.*@(?:"
    + "|".join(re.escape(d) for d in sorted(_EMAIL_PLACEHOLDER_DOMAINS))
    + ")"
)


def _email_one(value: str) -> str:
    text = value.strip().strip("<>").strip().lower()
    if text.startswith("mailto:"):
        text = text[7:]
    if len(text) > 254 or not _EMAIL.match(text):
        return ""
    user, _, domain = text.rpartition("@")
    if user in _EMAIL_PLACEHOLDER_USERS or domain in _EMAIL_PLACEHOLDER_DOMAINS:
        return ""
    return text


def normalise_email(value: str) -> str:
    """Trimmed lower-case email, or "" if it does not look like one or is a placeholder."""
    return _first_valid(value, _email_one)


def normalise_record_id(value: str) -> str:
    """A roster's own record ID as a comparable key: the first of joined values, letters and digits only, lower case."""
    if not isinstance(value, str):
        return ""
    return _NOT_ID_CHAR.sub("", value.split("|")[0].lower())


_NOT_ID_CHAR = re.compile(r"[^0-9a-z]")


def _record_ids_fast(values: pa.Array) -> pa.Array | None:
    """Vectorised ``normalise_record_id``; None if every ID comes out empty.

    Byte by byte after lower-casing: everything from the first "|" goes, and
    every byte that is not 0-9 or a-z (so every byte of a non-ASCII letter).
    """
    lower = pc.utf8_lower(values)
    offsets, data = _buffers(lower)
    drop = _NOT_ID_BYTE[data]
    pipe = data == ord("|")
    if pipe.any():  # bytes at or after the first "|" of their value
        seen = np.cumsum(pipe, dtype=np.int64)
        starts = np.concatenate(([0], seen))[offsets[:-1]]
        drop |= seen > np.repeat(starts, np.diff(offsets))
    ids = _drop_bytes_where(offsets, data, drop)
    return None if _all_blank(ids) else ids


_NOT_ID_BYTE = np.ones(256, dtype=bool)
_NOT_ID_BYTE[[*range(ord("0"), ord("9") + 1), *range(ord("a"), ord("z") + 1)]] = False


# Numbers printed on sample cards, in adverts and typed to get past a form.
_SSN_PLACEHOLDERS = {"123456789", "078051120", "219099999", "987654321"}


def _ssn_one(value: str) -> str:
    digits = _NOT_DIGIT.sub("", value)
    if len(digits) < 7 or len(digits) > 9:
        return ""
    return _valid_ssn(digits.zfill(9))


_NOT_DIGIT = re.compile(r"[^0-9]")


def _valid_ssn(digits: str) -> str:
    """The 9 digits if they can be a social security number; "" for placeholders and impossible ones."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if (
        area in ("000", "666")
        or area[0] == "9"
        or group == "00"
        or serial == "0000"
        or len(set(digits)) == 1
        or digits in _SSN_PLACEHOLDERS
    ):
        return ""
    return digits


def normalise_ssn(value: str) -> str:
    """A social security number as 9 digits, or "" if missing, a placeholder or impossible.

    Punctuation and spaces are dropped; 7 or 8 digits are a number whose
    leading zeros a spreadsheet dropped. Numbers no one is issued (area 000,
    666 or 900-999, group 00, serial 0000), one digit repeated, and well-known
    sample numbers (123-45-6789) are placeholders.
    """
    return _first_valid(value, _ssn_one)


def _ssns_fast(values: pa.Array) -> pa.Array:
    """Vectorised ``normalise_ssn`` for single values; null where a value holds several."""
    digits = pc.replace_substring_regex(values, "[^0-9]", "")
    size = pc.utf8_length(digits)
    padded = pc.utf8_zfill(digits, 9)
    area = pc.utf8_slice_codeunits(padded, 0, 3)
    group = pc.utf8_slice_codeunits(padded, 3, 5)
    serial = pc.utf8_slice_codeunits(padded, 5)
    # one digit nine times (the sizes checked make padded exactly nine digits)
    repeated = pc.equal(padded, pc.binary_repeat(pc.utf8_slice_codeunits(padded, 0, 1), 9))
    checks = [
        pc.greater_equal(size, 7),
        pc.less_equal(size, 9),
        pc.invert(pc.is_in(area, value_set=pa.array(["000", "666"], type=_LARGE))),
        pc.invert(pc.starts_with(area, "9")),
        pc.not_equal(group, "00"),
        pc.not_equal(serial, "0000"),
        pc.invert(repeated),
        pc.invert(pc.is_in(padded, value_set=pa.array(sorted(_SSN_PLACEHOLDERS), type=_LARGE))),
    ]
    valid = checks[0]
    for check in checks[1:]:
        valid = pc.and_(valid, check)
    several = pc.match_substring(values, "|")
    return pc.if_else(several, _UNDECIDED, pc.if_else(valid, padded, _NOTHING))


def _emails_fast(values: pa.Array) -> pa.Array:
    """Vectorised path for printable-ASCII single emails; null where it cannot decide."""
    plain = pc.and_(
        _fullmatch(values, "[ -~]*"), pc.invert(pc.match_substring_regex(values, "[|<>]"))
    )
    text = pc.utf8_lower(pc.utf8_trim(values, " "))
    plain = pc.and_(plain, pc.invert(pc.starts_with(text, "mailto:")))
    looks = pc.and_(
        _fullmatch(text, _EMAIL.pattern[1:-1]), pc.less_equal(pc.utf8_length(text), 254)
    )
    good = pc.and_(looks, pc.invert(_fullmatch(text, _EMAIL_PLACEHOLDER_PATTERN)))
    return pc.if_else(plain, pc.if_else(good, text, _NOTHING), _UNDECIDED)


# --------------------------------------------------------------------------- phone

_PHONE_PLACEHOLDERS = {str(d) * 10 for d in range(10)} | {"1234567890", "0123456789", "9876543210"}


def _phone_e164(number) -> str:
    import phonenumbers

    if not phonenumbers.is_possible_number(number):
        return ""
    national = str(number.national_number)
    if number.italian_leading_zero:
        national = "0" * (number.number_of_leading_zeros or 1) + national
    if number.country_code == 1 and (len(national) != 10 or national[0] in "01"):
        return ""
    if len(set(national)) == 1 or national in _PHONE_PLACEHOLDERS:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_PHONE_NOISE = re.compile(r"[^\d\s().+\-]")


def _phone_one(value: str, region: str) -> str:
    text = value.strip()
    if not text or len(text) > 60 or not any(c.isdigit() for c in text):
        return ""
    if re.fullmatch(r"\d+\.0+", text):  # a number stored as float in a workbook
        text = text.split(".")[0]
    import phonenumbers

    try:
        found = _phone_e164(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        found = ""
    if found or not _PHONE_NOISE.search(text):
        return found
    # words or separators around the number: "Cell: 312-555-0100", "312-555-0100 / 773-..."
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        found = _phone_e164(match.number)
        if found:
            return found
    return ""


def normalise_phone(value: str, region: str = "US") -> str:
    """A phone number in E.164 (``+13125550100``), or "".

    Extensions are dropped (they do not identify a person). Placeholders such
    as 000-000-0000, 123-456-7890 and 555-555-5555 (any number of one repeated
    digit) give "". US numbers need a 10-digit number whose area code does
    not start with 0 or 1.
    """
    return _first_valid(value, lambda v: _phone_one(v, region))


_PHONE_EXTENSION = r" *(?:x|ext|ext\.|extension) *[0-9]{1,7}$"


def _phones_fast(values: pa.Array) -> pa.Array:
    """Vectorised path for plain 10-digit US numbers (an extension allowed).

    Only printable ASCII is taken (anything else goes to phonenumbers), so
    the regexes run in pyarrow (RE2) and read it as Python would. Null where
    it cannot decide.
    """
    plain = _printable(values)
    # only printable ASCII is decided here, so ASCII lower case is lower case
    text = pc.utf8_trim(pc.ascii_lower(values), " ")
    has_x = pc.match_substring(text, "x")  # every extension word has an x
    if has_x.true_count:
        cut = pc.replace_substring_regex(text.filter(has_x), _PHONE_EXTENSION, "")
        text = pc.replace_with_mask(text, has_x, cut)
    stripped = _drop_bytes(text, b" ().-")
    ok = pc.and_(plain, _fullmatch(stripped, r"(?:\+?1)?[2-9][0-9]{9}"))
    ten = pc.utf8_slice_codeunits(stripped, -10)
    placeholder = pc.is_in(ten, value_set=pa.array(sorted(_PHONE_PLACEHOLDERS), type=_LARGE))
    e164 = pc.binary_join_element_wise(pa.scalar("+1", _LARGE), ten, _NOTHING)
    return pc.if_else(ok, pc.if_else(placeholder, _NOTHING, e164), _UNDECIDED)


def normalise_phones(values: pd.Series, region: str = "US") -> pd.Series:
    """Normalise a column of phones (distinct values, vectorised fast path first)."""
    series = _as_str(values)
    return _to_series(_or_blank(_phones_column(series, region), len(series)), series.index)


def _phones_column(series: pd.Series, region: str = "US") -> pa.Array | None:
    """Phones are nearly all distinct: the fast path reads every row, phonenumbers the
    distinct values it leaves."""
    if region == "US":
        return _rows_then_distinct(series, lambda v: normalise_phone(v, region), _phones_fast)
    found = _distinct(series)
    (phones,) = _per_distinct(found.values, lambda v: (normalise_phone(v, region),), 1)
    return _spread(phones, found.codes)


# --------------------------------------------------------------------------- ZIP, state, city

_ZIP_PLACEHOLDERS = {"00000", "99999", "11111"}


@lru_cache(maxsize=1 << 14)  # cities, states and ZIPs repeat
def _zip_one(value: str) -> str:
    text = value.strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    match = re.fullmatch(r"(\d{4,5})(?:\s*-\s*\d{4}|\s+\d{4})?", text) or re.fullmatch(
        r"(\d{5})\d{4}", text
    )
    if not match:
        return ""
    zip5 = match.group(1).zfill(5)
    return "" if zip5 in _ZIP_PLACEHOLDERS else zip5


def normalise_zip(value: str) -> str:
    """Five-digit ZIP: ZIP+4 cut, a lost leading zero restored (2139 -> 02139), junk ""."""
    return _first_valid(value, _zip_one)


def _zips_fast(values: pa.Array) -> pa.Array:
    """Vectorised ``normalise_zip`` for printable-ASCII single values; null for the rest.

    ZIP+4 makes ZIPs nearly as diverse as phones (60623-9234), so they are
    not left to a per-value parser. In printable ASCII the only whitespace
    ``strip`` and ``\\s`` see is the space, and ``\\d`` is [0-9].
    """
    plain = pc.and_(_fullmatch(values, "[ -~]*"), pc.invert(pc.match_substring(values, "|")))
    text = pc.utf8_trim(values, " ")
    text = pc.replace_substring_regex(text, r"^([0-9]+)\.0+$", r"\1")  # 60623.0 from a workbook
    short = pc.extract_regex(text, r"^(?P<zip>[0-9]{4,5})(?: *- *[0-9]{4}| +[0-9]{4})?$")
    nine = pc.extract_regex(text, r"^(?P<zip>[0-9]{5})[0-9]{4}$")
    found = pc.coalesce(_group(short, "zip"), _group(nine, "zip"))
    zip5 = pc.utf8_zfill(pc.coalesce(found, _NOTHING), 5)
    placeholder = pc.is_in(zip5, value_set=pa.array(sorted(_ZIP_PLACEHOLDERS), type=_LARGE))
    good = pc.and_(pc.is_valid(found), pc.invert(placeholder))
    return pc.if_else(plain, pc.if_else(good, zip5, _NOTHING), _UNDECIDED)


_STATES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "district of columbia": "DC",
    "washington dc": "DC",
    "washington d c": "DC",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "puerto rico": "PR",
    "guam": "GU",
    "us virgin islands": "VI",
    "virgin islands": "VI",
    "american samoa": "AS",
    "northern mariana islands": "MP",
    # traditional abbreviations
    "ala": "AL",
    "ariz": "AZ",
    "ark": "AR",
    "calif": "CA",
    "cal": "CA",
    "colo": "CO",
    "conn": "CT",
    "del": "DE",
    "fla": "FL",
    "ill": "IL",
    "ind": "IN",
    "kan": "KS",
    "kans": "KS",
    "mass": "MA",
    "mich": "MI",
    "minn": "MN",
    "miss": "MS",
    "mont": "MT",
    "neb": "NE",
    "nev": "NV",
    "okla": "OK",
    "ore": "OR",
    "penn": "PA",
    "tenn": "TN",
    "tex": "TX",
    "wash": "WA",
    "wis": "WI",
    "wisc": "WI",
    "wyo": "WY",
}
_STATE_CODES = set(_STATES.values()) | {"AA", "AE", "AP", "FM", "MH", "PW"}


@lru_cache(maxsize=1 << 14)  # cities, states and ZIPs repeat
def _state_one(value: str) -> str:
    text = _SPACES.sub(" ", re.sub(r"[^a-z ]", " ", _fold(value).replace(".", ""))).strip()
    if len(text) == 2 and text.upper() in _STATE_CODES:
        return text.upper()
    return _STATES.get(text, "")


def normalise_state(value: str) -> str:
    """Two-letter upper-case state code from a code or a name ("Illinois" -> IL), else ""."""
    return _first_valid(value, _state_one)


@lru_cache(maxsize=1 << 14)  # cities, states and ZIPs repeat
def _city_one(value: str) -> str:
    if len(value) > _MAX_LEN:
        return ""
    text = re.sub(r"['\u2019.]", "", _fold(value))
    text = re.sub(r"[^a-z0-9\- ]+", " ", text)
    return _HYPHENS.sub("-", _SPACES.sub(" ", text)).strip(" -")


def normalise_city(value: str) -> str:
    """City in lower case, accents folded, punctuation dropped ("St. Louis" -> st louis)."""
    return _first_valid(value, _city_one)


# --------------------------------------------------------------------------- streets

_STREET_TYPES = {
    "alley": "aly",
    "aly": "aly",
    "avenue": "ave",
    "av": "ave",
    "ave": "ave",
    "aven": "ave",
    "avn": "ave",
    "boulevard": "blvd",
    "blvd": "blvd",
    "boul": "blvd",
    "circle": "cir",
    "cir": "cir",
    "circ": "cir",
    "court": "ct",
    "ct": "ct",
    "cove": "cv",
    "cv": "cv",
    "crossing": "xing",
    "xing": "xing",
    "drive": "dr",
    "dr": "dr",
    "drv": "dr",
    "expressway": "expy",
    "expy": "expy",
    "freeway": "fwy",
    "fwy": "fwy",
    "highway": "hwy",
    "hwy": "hwy",
    "lane": "ln",
    "ln": "ln",
    "loop": "loop",
    "parkway": "pkwy",
    "pkwy": "pkwy",
    "pky": "pkwy",
    "place": "pl",
    "pl": "pl",
    "plaza": "plz",
    "plz": "plz",
    "point": "pt",
    "pt": "pt",
    "road": "rd",
    "rd": "rd",
    "route": "rte",
    "rte": "rte",
    "square": "sq",
    "sq": "sq",
    "street": "st",
    "st": "st",
    "str": "st",
    "terrace": "ter",
    "ter": "ter",
    "terr": "ter",
    "trail": "trl",
    "trl": "trl",
    "turnpike": "tpke",
    "tpke": "tpke",
    "way": "way",
    "wy": "way",
    "run": "run",
    "path": "path",
    "pike": "pike",
    "row": "row",
    "walk": "walk",
    "heights": "hts",
    "hts": "hts",
    "center": "ctr",
    "ctr": "ctr",
}
_DIRECTIONS = {
    "n": "n",
    "north": "n",
    "s": "s",
    "south": "s",
    "e": "e",
    "east": "e",
    "w": "w",
    "west": "w",
    "ne": "ne",
    "northeast": "ne",
    "nw": "nw",
    "northwest": "nw",
    "se": "se",
    "southeast": "se",
    "sw": "sw",
    "southwest": "sw",
}
_ORDINALS = {
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}
_UNIT_WORDS = {
    "apt",
    "apartment",
    "apto",
    "unit",
    "suite",
    "ste",
    "#",
    "no",
    "num",
    "number",
    "rm",
    "room",
    "fl",
    "flr",
    "floor",
    "bldg",
    "building",
    "lot",
    "spc",
    "space",
    "trlr",
    "dept",
    "box",
}
_UNIT_STARTERS = _UNIT_WORDS - {"no", "num", "number", "box"}
_HOUSE = re.compile(r"^\d+[a-z]?$|^\d+-\d+$")
_WORD = re.compile(r"^[a-z0-9][a-z0-9'\-]*$")


def _street_tokens(value: str) -> list[str]:
    text = _fold(value).replace(".", " ").replace(",", " ").replace("#", " # ")
    return text.split()


def _unit_id(tokens: list[str]) -> str:
    """The unit identifier, lower case, without spaces, hyphens or '#'.

    After the last designator it is the first token, plus a lone letter that
    follows ("Apt 4 B" -> 4b), so a city or ZIP after the unit is not taken
    in ("Apt 2 Chicago IL" -> 2). With no designator at all (a unit column
    holding "4-B") it is every token.
    """
    tokens = [t for t in (re.sub(r"[^a-z0-9#]", "", tok) for tok in tokens) if t]
    last = -1
    for i, tok in enumerate(tokens):
        if tok in _UNIT_WORDS:
            last = i
    rest = [t for t in (re.sub(r"[^a-z0-9]", "", tok) for tok in tokens[last + 1 :]) if t]
    if last >= 0 and rest:
        lone_letter = len(rest) > 1 and len(rest[1]) == 1 and rest[1].isalpha()
        rest = rest[:2] if lone_letter else rest[:1]
    return "".join(rest)[:20]


def _unit_one(value: str) -> str:
    if len(value) > _MAX_LEN:
        return ""
    ident = _unit_id(_street_tokens(value))
    return f"apt {ident}" if ident else ""


def normalise_unit(value: str) -> str:
    """Unit as ``apt <id>`` whatever the designator ("Suite 4-B" -> apt 4b), else ""."""
    return _first_valid(value, _unit_one)


def _assemble(house: str, pre: str, name: list[str], typ: str, post: str) -> tuple[str, str, str]:
    name_text = " ".join(_ORDINALS.get(t, t) for t in name)
    street = " ".join(p for p in (house, pre, name_text, typ, post) if p)
    return street, house, name_text


def _street_rest(rest: list[str]) -> tuple[str, str, str] | None:
    """The part of a simple street line after its house number.

    Returns ``(street after the house number, street_name, unit)`` for
    ``[dir] name... [type] [dir] [unit words]``, or None when the form is not
    simple (usaddress then decides). It never looks at the house number, so
    the frame function parses each distinct remainder once ("maple st apt 4"
    is shared by thousands of house numbers).
    """
    unit = ""
    for i, tok in enumerate(rest):
        if tok in _UNIT_STARTERS:
            ident = _unit_id(rest[i:])
            unit = f"apt {ident}" if ident else ""
            rest = rest[:i]
            break
    if not rest or not all(_WORD.match(t) for t in rest):
        return None
    post = ""
    if len(rest) >= 3 and rest[-1] in _DIRECTIONS and rest[-2] in _STREET_TYPES:
        post = _DIRECTIONS[rest[-1]]
        rest = rest[:-1]
    typ = ""
    if len(rest) >= 2 and rest[-1] in _STREET_TYPES:
        typ = _STREET_TYPES[rest[-1]]
        rest = rest[:-1]
    pre = ""
    if len(rest) >= 2 and rest[0] in _DIRECTIONS:
        pre = _DIRECTIONS[rest[0]]
        rest = rest[1:]
    if any(t in _UNIT_WORDS or t.isdigit() for t in rest[1:]):
        return None
    name = " ".join(_ORDINALS.get(t, t) for t in rest)
    return " ".join(p for p in (pre, name, typ, post) if p), name, unit


@lru_cache(maxsize=1 << 17)
def _street_rest_cached(text: str) -> tuple[str, str, str] | None:
    return _street_rest(text.split())


def _street_fast(tokens: list[str]) -> tuple[str, str, str, str] | None:
    """Simple forms: ``123 [dir] name... [type] [dir] [unit words]``; None otherwise."""
    if not tokens or not _HOUSE.match(tokens[0]):
        return None
    rest = _street_rest_cached(" ".join(tokens[1:]))
    if rest is None:
        return None
    return f"{tokens[0]} {rest[0]}", tokens[0], rest[1], rest[2]


_HOUSE_NUMBER = r"[0-9]+[a-z]?|[0-9]+-[0-9]+"


def _streets_fast(values: pa.Array) -> list[pa.Array]:
    """Vectorised :func:`parse_street` for simple printable-ASCII street lines.

    Splits the house number off with one pyarrow regex, parses each distinct
    remainder once with :func:`_street_rest`, and joins them back. Returns
    the four parts, null where the slow path must decide.
    """
    # lower case, "." and "," to spaces, "#" spaced out, runs of spaces as one, trimmed
    # (byte by byte: only printable-ASCII lines are decided here)
    text = _map_bytes(values, _STREET_BYTES)
    if pc.any(pc.match_substring(text, "#")).as_py():
        text = pc.replace_substring(text, "#", " # ")
    text = pc.utf8_trim(_squeeze_spaces(text), " ")
    # _HOUSE_AND_REST without a regex: the house is the first word (a house
    # number holds no space), the rest what follows the first space
    words = pc.split_pattern(text, " ", max_splits=1)
    ok = pc.and_(_plain_line(values), pc.equal(pc.list_value_length(words), 2))
    rows = np.flatnonzero(ok.to_numpy(zero_copy_only=False))
    words = words.take(pa.array(rows))
    house, rest = pc.list_element(words, 0), pc.list_element(words, 1)
    is_house = _fullmatch(house, _HOUSE_NUMBER).to_numpy(zero_copy_only=False)
    rows = rows[is_house]
    keep = pa.array(is_house)
    return _house_first_fast(
        len(values), rows, house.filter(keep), rest.filter(keep), _street_rest_cached, 4
    )


def _plain_line(values: pa.Array) -> pa.Array:
    """Printable ASCII, one value (no "|"), not over ``_MAX_LEN`` once trimmed."""
    offsets, data = _buffers(values)
    one = _count_bytes(offsets, data == ord("|")) == 0
    short = pc.less_equal(pc.binary_length(pc.utf8_trim(values, " ")), _MAX_LEN)
    return pc.and_(pa.array(_printable(values) & one), short)


def _house_first_fast(
    n: int,
    rows: np.ndarray,
    house: pa.Array,
    rest: pa.Array,
    parse_rest: Callable[[str], tuple | None],
    width: int,
) -> list[pa.Array]:
    """Lines that start with a house number, parsed once per distinct remainder.

    ``rows`` (of ``n``) are the lines split into ``house`` and ``rest``;
    ``parse_rest`` gives the parts after the house number (the street after
    it first) or None. Returns ``[house + " " + street, house, other
    parts...]`` (``width`` arrays), null on the other rows and where
    ``parse_rest`` says None.
    """
    if len(rows) == 0:
        return [pa.nulls(n, type=_LARGE) for _ in range(width)]
    codes, rests = pd.factorize(rest.to_pandas())
    parsed = [parse_rest(r) for r in rests.tolist()]
    good = np.array([p is not None for p in parsed], dtype=bool)[codes]
    picked = pa.array(codes[good])
    parts = [
        pa.array([p[i] if p else "" for p in parsed], type=_LARGE).take(picked)
        for i in range(width - 1)
    ]
    everywhere = good.all() and len(rows) == n  # every line decided: rows are 0..n-1
    if not good.all():
        house = house.filter(pa.array(good))
    street = pc.binary_join_element_wise(house, parts[0], pa.scalar(" ", _LARGE))
    decided = (street, house, *parts[1:])
    if everywhere:
        return list(decided)
    position = np.full(n, -1, dtype=np.int64)
    position[rows[good]] = np.arange(int(good.sum()))
    spread = pa.array(position, mask=position < 0)
    return [a.take(spread) for a in decided]


def _extract(series: pd.Series, pattern: str) -> pd.DataFrame:
    """``Series.str.extract`` with named groups, run by pyarrow (RE2) not Python."""
    array = pa.array(series.astype(str).array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    struct = pc.extract_regex(array, pattern)
    if isinstance(struct, pa.ChunkedArray):
        struct = struct.combine_chunks()
    names = [struct.type.field(i).name for i in range(struct.type.num_fields)]
    valid = struct.is_valid().to_numpy(zero_copy_only=False)
    columns = {}
    for name in names:
        values = struct.field(name).to_numpy(zero_copy_only=False).astype(object)
        values[~valid] = np.nan
        columns[name] = values
    return pd.DataFrame(columns, index=series.index)


def _clean_words(text: str) -> list[str]:
    return [t for t in re.sub(r"[^a-z0-9\- ]", " ", _fold(text)).split() if t.strip("-")]


def _street_from_tags(tags: Mapping[str, str]) -> tuple[str, str, str, str]:
    def words(*labels: str) -> list[str]:
        out: list[str] = []
        for label in labels:
            out += _clean_words(tags.get(label, ""))
        return out

    unit_tokens = words("OccupancyType", "OccupancyIdentifier") or words(
        "SubaddressType", "SubaddressIdentifier"
    )
    ident = _unit_id(unit_tokens) if unit_tokens else ""
    unit = f"apt {ident}" if ident else ""
    box = words("USPSBoxID")
    group = words("USPSBoxGroupType")
    if tags.get("USPSBoxType") or box or group:
        # "Rural Route 2 Box 15" -> "rr 2 box 15"; "P.O. Box 12" -> "po box 12"
        lead = []
        if group:
            kind = "hc" if group[0] in ("hc", "highway", "star") else "rr"
            lead = [kind, *words("USPSBoxGroupID")]
        street = " ".join([*lead, "box" if lead else "po box", *box])
        return street, "", "", unit
    house = "".join(words("AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix"))
    pre = " ".join(_DIRECTIONS.get(t, t) for t in words("StreetNamePreDirectional"))
    pre_words = words("StreetNamePreModifier", "StreetNamePreType")
    name = words("StreetName")
    typ = " ".join(_STREET_TYPES.get(t, t) for t in words("StreetNamePostType"))
    post = " ".join(_DIRECTIONS.get(t, t) for t in words("StreetNamePostDirectional"))
    if not name and not house:
        name = words("BuildingName", "LandmarkName")
    full_name = pre_words + name
    street, house, name_text = _assemble(house, pre, full_name, typ, post)
    return street, house, " ".join(_ORDINALS.get(t, t) for t in name), unit


def _tag_address(text: str) -> dict[str, str] | None:
    try:
        tags, _kind = usaddress.tag(text)
        return dict(tags)
    except usaddress.RepeatedLabelError as err:
        merged: dict[str, str] = {}
        for token, label in err.parsed_string:
            if label not in merged:
                merged[label] = token
            elif label not in ("PlaceName", "StateName", "ZipCode"):
                merged[label] = merged[label] + " " + token
        return merged
    except Exception:  # usaddress raises odd errors on odd input; treat as unparsed
        return None


def _street_one(value: str) -> tuple[str, str, str, str]:
    if len(value) > _MAX_LEN:
        return "", "", "", ""
    tokens = _street_tokens(value)
    if not tokens:
        return "", "", "", ""
    fast = _street_fast(tokens)
    if fast is not None:
        return fast
    return _stabilise(_street_slow(value, tokens))


def _street_slow(value: str, tokens: list[str]) -> tuple[str, str, str, str]:
    tags = _tag_address(" ".join(tokens))
    if tags:
        parsed = _street_from_tags(tags)
        if parsed[0]:
            return parsed
    words = _clean_words(value)
    house = words[0] if words and _HOUSE.match(words[0]) else ""
    name = " ".join(words[1:] if house else words)
    return " ".join(words), house, name, ""


def _stabilise(parsed: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    """Re-read a slow-path street until it reads back as itself.

    usaddress is a statistical tagger: on odd input its cleaned output can
    tag differently the second time ("N/0" -> "n 0" -> "n"). Keys must be
    idempotent, so the street is the fixed point, or "" if there is none.
    """
    street, unit = parsed[0], parsed[3]
    for _ in range(4):
        if not street:
            return "", "", "", unit
        tokens = _street_tokens(street)
        again = _street_fast(tokens) or _street_slow(street, tokens)
        if again[0] == street:
            return street, again[1], again[2], unit
        street = again[0]
    return "", "", "", unit


def parse_street(value: str) -> tuple[str, str, str, str]:
    """Standardise a street line (USPS abbreviations, unit split off).

    Args:
        value: raw street line, e.g. "123 North Main Street, Apt. 4B".

    Returns:
        ``(street, house_number, street_name, unit)``:
        ("123 n main st", "123", "main", "apt 4b"); "" for missing parts.
    """
    for part in _parts(value):
        if part:
            out = _street_one(part)
            if out[0]:
                return out
    return "", "", "", ""


def normalise_street(value: str) -> str:
    """The standardised street line only (see :func:`parse_street`)."""
    return parse_street(value)[0]


_STATE_ZIP = re.compile(r"^(?P<state>[a-z][a-z .]*?)\.?(?:\s+(?P<zip>\d{4,5}(?:-\d{4})?))?$")
_CITY_STATE_ZIP = re.compile(
    r"^(?P<city>[a-z][a-z .'\-]*?)\s+(?P<state>[a-z]{2})\.?(?:\s+(?P<zip>\d{4,5}(?:-\d{4})?))?$"
)
_CITY = re.compile(r"^[a-z][a-z .'\-]*$")


_HOUSE_FIRST = r"^(?P<house>[0-9]+[a-z]?|[0-9]+-[0-9]+) +(?P<rest>[a-z0-9].*)$"
_HOUSE_FIRST_RE = re.compile(_HOUSE_FIRST)
_ADDRESS_KEYS = ("street", "house_number", "street_name", "unit", "city", "state", "zip")


def _address_fast(text: str) -> dict[str, str] | None:
    """'123 street[, unit], city, State[ ZIP]' or '123 street, city ST ZIP'; None otherwise."""
    match = _HOUSE_FIRST_RE.match(_fold(text))
    if not match:
        return None
    rest = _address_rest(match.group("rest"))
    if rest is None:
        return None
    house = match.group("house")
    return dict(zip(_ADDRESS_KEYS, (f"{house} {rest[0]}", house, *rest[1:]), strict=True))


@lru_cache(maxsize=1 << 17)
def _address_rest(text: str) -> tuple[str, str, str, str, str, str] | None:
    """The parts of a simple one-line address after its house number.

    Returns ``(street after the house number, street_name, unit, city, state,
    zip)`` or None. It never sees the house number, so each distinct
    remainder is parsed once.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        return None
    if len(parts) >= 3:
        match = _STATE_ZIP.match(parts[-1])
        city = parts[-2]
        head = parts[:-2]
        if not match or not _CITY.match(city):
            return None
    else:
        match = _CITY_STATE_ZIP.match(parts[-1])
        if not match:
            return None
        city = match.group("city")
        head = parts[:-1]
    state = _state_one(match.group("state"))
    if not state:
        return None
    street = _street_rest_cached(" ".join(_street_tokens(" ".join(head))))
    if street is None:
        return None
    return (
        street[0],
        street[1],
        street[2],
        _city_one(city),
        state,
        _zip_one(match.group("zip") or ""),
    )


def _addresses_fast(values: pa.Array) -> list[pa.Array]:
    """Vectorised :func:`parse_address` for simple printable-ASCII one-line addresses.

    The house number is split off by a pyarrow regex and each distinct
    remainder parsed once. Returns the seven parts (``_ADDRESS_KEYS`` order),
    null where the slow path must decide.
    """
    text = pc.utf8_lower(pc.utf8_trim(values, " "))
    matches = pc.extract_regex(text, _HOUSE_FIRST)
    ok = pc.and_(_plain_line(values), matches.is_valid())
    rows = np.flatnonzero(ok.to_numpy(zero_copy_only=False))
    take = pa.array(rows)
    return _house_first_fast(
        len(values),
        rows,
        matches.field("house").take(take),
        matches.field("rest").take(take),
        _address_rest,
        7,
    )


_EMPTY_ADDRESS = {
    "street": "",
    "house_number": "",
    "street_name": "",
    "unit": "",
    "city": "",
    "state": "",
    "zip": "",
}


def _address_one(value: str) -> dict[str, str]:
    if len(value) > _MAX_LEN:
        return dict(_EMPTY_ADDRESS)
    fast = _address_fast(value)
    if fast is not None:
        return fast
    folded = " ".join(_street_tokens(value.replace(",", " , ")))
    tags = _tag_address(folded)
    if not tags:
        street = _street_one(value)
        return dict(_EMPTY_ADDRESS, street=street[0], house_number=street[1], street_name=street[2])
    street = _stabilise(_street_from_tags(tags))
    return {
        "street": street[0],
        "house_number": street[1],
        "street_name": street[2],
        "unit": street[3],
        "city": _city_one(tags.get("PlaceName", "")),
        "state": _state_one(tags.get("StateName", "")),
        "zip": _zip_one(tags.get("ZipCode", "")),
    }


def parse_address(value: str) -> dict[str, str]:
    """Split a one-line US address into standardised parts.

    Args:
        value: e.g. "123 N Main St Apt 4B, Springfield, IL 62704".

    Returns:
        dict with ``street``, ``house_number``, ``street_name``, ``unit``,
        ``city``, ``state``, ``zip`` ("" where absent).
    """
    for part in _parts(value):
        if part:
            out = _address_one(part)
            if any(out.values()):
                return out
    return dict(_EMPTY_ADDRESS)


# --------------------------------------------------------------------------- records


def normalise_record(record: Mapping[str, str], dayfirst: bool = False) -> dict[str, str]:
    """Normalise one record: the plain row-by-row reference of :func:`normalise_fields`.

    Args:
        record: canonical field -> raw string (missing keys count as "").
        dayfirst: the day/month order of the record's date column.

    Returns:
        dict with exactly the keys of ``OUTPUT_COLUMNS``.
    """

    def get(key: str) -> str:
        value = record.get(key, "")
        return value if isinstance(value, str) else ""

    first, fsuf = _first_split(get("first_name"))
    middle, msuf = _first_split(get("middle_name"))
    last, lsuf = _first_split(get("last_name"))
    middle_from_first = ""
    if " " in first and not middle:
        first, middle_from_first = _split_initial(first)
    full = parse_full_name(get("full_name")) if get("full_name") else ("", "", "", "")
    if not first and not last:
        first, middle, last = full[0], middle or full[1], full[2]
    else:
        first, last = first or full[0], last or full[2]
        middle = middle or middle_from_first or full[1]
    suffix = normalise_suffix(get("suffix")) or lsuf or fsuf or msuf or full[3]
    street_parts = parse_street(get("street"))
    address = parse_address(_address_source(get("address"), get("street")))
    use_street = bool(street_parts[0])
    return {
        "first_name": first,
        "middle_name": middle,
        "last_name": last,
        "suffix": suffix,
        "first_sound": name_sound(first),
        "last_sound": name_sound(last),
        "first_key": str(first_name_key([first])[0]),
        "dob": normalise_date(get("dob"), dayfirst),
        "sex": normalise_sex(get("sex")),
        "street": street_parts[0] if use_street else address["street"],
        "house_number": street_parts[1] if use_street else address["house_number"],
        "street_name": street_parts[2] if use_street else address["street_name"],
        "unit": normalise_unit(get("unit"))
        or (street_parts[3] if use_street else "")
        or address["unit"],
        "city": normalise_city(get("city")) or address["city"],
        "state": normalise_state(get("state")) or address["state"],
        "zip": normalise_zip(get("zip")) or address["zip"],
        "phone": normalise_phone(get("phone")),
        "email": normalise_email(get("email")),
        "record_id": normalise_record_id(get("record_id")),
        "ssn": normalise_ssn(get("ssn")),
    }


def _first_split(value: str) -> tuple[str, str]:
    for part in _parts(value):
        if part:
            out = split_suffix(part)
            if out[0]:
                return out
    return "", ""


def _split_initial(first: str) -> tuple[str, str]:
    """'john m' -> ('john', 'm'): a trailing one-letter initial is a middle name."""
    head, _, tail = first.rpartition(" ")
    if len(tail) == 1 and head:
        return head, tail
    return first, ""


def normalise_fields(fields: pd.DataFrame, timings: dict[str, float] | None = None) -> pd.DataFrame:
    """Normalise a mapped roster's canonical fields into matching keys.

    Every per-value parser runs once per distinct value; phones, dates,
    emails, ZIPs, streets and one-line addresses take a vectorised pyarrow
    fast path for their common clean forms first, and rows are put together
    with pyarrow kernels, not Python loops.

    Args:
        fields: one column per canonical field (missing columns count as
            empty), raw strings, "" where missing; several values may be
            joined with " | ".
        timings: if given, gets the seconds spent per field group ("names",
            "dob", "sex", "address", "phone", "email", ...) added to it, for
            progress reports (counts and timings only, never values).

    Returns:
        DataFrame with ``OUTPUT_COLUMNS`` (all str), same index as ``fields``.
    """
    return _normalise_fields_timed(fields, timings)


def _normalise_fields_timed(fields: pd.DataFrame, timings: dict[str, float] | None) -> pd.DataFrame:
    """``normalise_fields``, optionally recording seconds per field group in ``timings``.

    Arrays here are pyarrow ``large_string``; ``None`` stands for a column
    that is "" on every row (a field the roster lacks, or one that never
    parses), so filling from it or choosing it costs nothing.
    """
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + now - clock[0]
        clock[0] = now

    n = len(fields)
    index = fields.index
    raw = {f: _as_str(fields[f]) for f in INPUT_FIELDS if f in fields.columns}
    # every parser gives "" for "", so a column of "" is no column at all
    present = {f for f in raw if _any_text(raw[f])}
    col = {
        f: _distinct(raw[f]) if f in present and f not in _ROW_WISE else None for f in INPUT_FIELDS
    }

    def columns(field: str, func: Callable[[str], tuple], width: int, fast=None) -> list:
        if col[field] is None:
            return [None] * width
        parts = _per_distinct(col[field].values, func, width, fast)
        return [_spread(p, col[field].codes) for p in parts]

    def column(field: str, func: Callable[[str], str], fast=None) -> pa.Array | None:
        return columns(field, lambda v: (func(v),), 1, fast and (lambda u: [fast(u)]))[0]

    out: dict[str, pa.Array | None] = {}
    lap("setup")

    # names
    first, fsuf, first_head, first_initial = columns(
        "first_name", _first_parts, 4, lambda v: _names_fast(v, 4)
    )
    middle, msuf = columns("middle_name", _first_split, 2, lambda v: _names_fast(v, 2))
    last, lsuf = columns("last_name", _first_split, 2, lambda v: _names_fast(v, 2))
    takes_initial = _and_not(_filled(first_initial), _filled(middle))
    first = _where(takes_initial, first_head, first)
    middle_from_first = _where(takes_initial, first_initial, None)
    full_first, full_middle, full_last, full_suffix = columns("full_name", parse_full_name, 4)
    no_parts = _and_not(_not_filled(first), _filled(last))
    out["first_name"] = _fill(first, full_first)
    out["last_name"] = _fill(last, full_last)
    out["middle_name"] = _where(
        no_parts, _fill(middle, full_middle), _fill(_fill(middle, middle_from_first), full_middle)
    )
    suffix = column("suffix", normalise_suffix)
    for fallback in (lsuf, fsuf, msuf, full_suffix):
        suffix = _fill(suffix, fallback)
    out["suffix"] = suffix
    table = _first_key_table()
    out["first_sound"], out["first_key"] = _derived(
        out["first_name"], lambda v: (name_sound(v), table.get(v, v)), 2
    )
    (out["last_sound"],) = _derived(out["last_name"], lambda v: (name_sound(v),), 1)
    lap("names")

    out["dob"] = _dates_column(col["dob"], date.today()) if col["dob"] is not None else None
    lap("dob")
    out["sex"] = column("sex", normalise_sex)
    lap("sex")

    out.update(_address_columns(col))
    out["unit"] = _fill(column("unit", normalise_unit), out["unit"])
    for key, func, fast in (
        ("city", normalise_city, None),
        ("state", normalise_state, None),
        ("zip", normalise_zip, _zips_fast),
    ):
        out[key] = _fill(column(key, func, fast), out[key])
    lap("address")

    out["phone"] = _phones_column(raw["phone"]) if "phone" in present else None
    lap("phone")
    out["email"] = column("email", normalise_email, _emails_fast)
    lap("email")
    # IDs are nearly all distinct and the vectorised form decides every one: no factorizing
    out["record_id"] = (
        _record_ids_fast(_arrow(raw["record_id"])) if "record_id" in present else None
    )
    out["ssn"] = column("ssn", normalise_ssn, _ssns_fast)
    lap("ids")

    blank = _blank(n)
    frame = pd.DataFrame(
        {c: _to_series(blank if out[c] is None else out[c], index) for c in OUTPUT_COLUMNS},
        index=index,
    )
    lap("assemble")
    return frame


# nearly all distinct, and decided row by row by vectorised code: never factorized whole
_ROW_WISE = {"record_id", "phone"}


def _address_columns(col: dict) -> dict[str, pa.Array | None]:
    """Street parts, unit, city, state and ZIP from the street and address columns.

    The street column wins; a one-line address (the address column, else a
    street cell that holds a whole address) fills what is missing. Without an
    address column everything is decided per distinct street and spread once.
    """
    street, address = col["street"], col["address"]
    if street is None and address is None:
        return dict.fromkeys(("street", "house_number", "street_name", "unit", *_ADDRESS_KEYS))
    own = (
        _per_distinct(street.values, parse_street, 4, _streets_fast)
        if street is not None
        else [None] * 4
    )
    if address is None:  # one code space: combine per distinct street, spread at the end
        codes = street.codes
        addr = _parse_addresses(_streets_as_address(_arrow(street.values)))
    else:
        codes = None
        address_given = _spread(
            _per_distinct(address.values, lambda v: (v if v.strip() else "",), 1)[0],
            address.codes,
        )
        if street is not None:
            own = [_spread(p, street.codes) for p in own]
            street_source = _spread(_streets_as_address(_arrow(street.values)), street.codes)
            source = _where(_filled(address_given), address_given, street_source)
        else:
            source = address_given
        addr = _parse_addresses(source if source is not None else _blank(len(address.codes)))
    addr = dict(zip(_ADDRESS_KEYS, addr, strict=True))
    use_street = _filled(own[0])
    out = {key: _where(use_street, own[i], addr[key]) for i, key in enumerate(_ADDRESS_KEYS[:3])}
    out["unit"] = _fill(_where(use_street, own[3], None), addr["unit"])
    for key in ("city", "state", "zip"):
        out[key] = addr[key]
    if codes is not None:
        out = {key: _spread(value, codes) for key, value in out.items()}
    return out


def _parse_addresses(source: pa.Array) -> list[pa.Array | None]:
    """:func:`parse_address` of each value (once per distinct value), in ``_ADDRESS_KEYS`` order."""
    found = _distinct(_to_series(source, None))
    if len(found.values) == 1 and found.values[0] == "":
        return [None] * len(_ADDRESS_KEYS)
    parts = _per_distinct(
        found.values,
        lambda v: _address_tuple(v, _ADDRESS_KEYS),
        len(_ADDRESS_KEYS),
        _addresses_fast,
    )
    return [_spread(p, found.codes) for p in parts]


_WHOLE_ADDRESS_IN_STREET = re.compile(r",|[0-9]{5}(?:-[0-9]{4})? *\Z")


def _streets_as_address(streets: pa.Array) -> pa.Array:
    """Vectorised ``_address_source("", street)``: the street cell if it holds a whole address."""
    # the same pattern in RE2 spelling (\z): ASCII-only classes, so it reads any text alike
    whole = pc.match_substring_regex(streets, r",|[0-9]{5}(?:-[0-9]{4})? *\z")
    return pc.if_else(whole, streets, pa.scalar("", _LARGE))


def _address_source(address: str, street: str) -> str:
    """The one-line address that fills city, state, ZIP and unit when those are missing.

    The address column; else a street cell that holds a whole address
    ("123 Main St, Springfield, IL 62704"): one with a comma or ending in a ZIP.
    """
    if address.strip():
        return address
    if _WHOLE_ADDRESS_IN_STREET.search(street):
        return street
    return ""


def _address_tuple(value: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    parsed = parse_address(value)
    return tuple(parsed[k] for k in keys)


def _names_fast(values: pa.Array, width: int) -> list[pa.Array]:
    """Names made of plain ASCII words joined by single spaces or hyphens.

    "Smith", "MARIA JOSE", "Al-Sabbagh", "Ashby Sr": what :func:`_first_split`
    (width 2: name, suffix) or :func:`_first_parts` (width 4: name, suffix,
    head, initial) gives for them, computed on the whole array; null for
    anything else (accents, punctuation, digits ...), which the parser takes.
    """
    words = pc.and_(
        _fullmatch(values, "[A-Za-z]+(?:[ -][A-Za-z]+)*"),
        pc.less_equal(pc.binary_length(values), _MAX_LEN),
    )
    text = pc.ascii_lower(values)
    # split_suffix pops trailing suffix words (keeping one word) and keeps the last one's
    split = pc.extract_regex(text, _TRAILING_SUFFIXES)
    popped = split.is_valid()
    name = pc.if_else(popped, split.field("name"), text)
    last = pc.extract_regex(split.field("suffixes"), r"(?P<word>[a-z]+)$").field("word")
    keys = sorted(k for k in _SUFFIXES if k.isalpha())
    suffix = pa.array([_SUFFIXES[k] for k in keys], type=_LARGE).take(
        pc.index_in(last, value_set=pa.array(keys, type=_LARGE))
    )
    suffix = pc.if_else(popped, pc.coalesce(suffix, _NOTHING), _NOTHING)
    placeholder = pc.is_in(name, value_set=pa.array(sorted(_NAME_PLACEHOLDERS), type=_LARGE))
    name = pc.if_else(placeholder, _NOTHING, name)
    suffix = pc.if_else(placeholder, _NOTHING, suffix)
    parts = [name, suffix]
    if width == 4:  # _split_initial: a trailing one-letter word is a middle initial
        initial = pc.extract_regex(name, r"^(?P<head>.+) (?P<initial>[a-z])$")
        has = initial.is_valid()
        parts += [
            pc.if_else(has, initial.field("head"), name),
            pc.if_else(has, initial.field("initial"), _NOTHING),
        ]
    return [pc.if_else(words, p, _UNDECIDED) for p in parts]


_TRAILING_SUFFIXES = (
    "^(?P<name>.*?)(?P<suffixes>(?: (?:"
    + "|".join(sorted(k for k in _SUFFIXES if k.isalpha()))
    + "))+)$"
)


def _first_parts(value: str) -> tuple[str, str, str, str]:
    name, suffix = _first_split(value)
    head, initial = _split_initial(name) if " " in name else (name, "")
    return name, suffix, head, initial


# --------------------------------------------------------------------------- plumbing

_LARGE = pa.large_string()
_EMPTY_ARROW = pa.array([], type=_LARGE)
_UNDECIDED = pa.scalar(None, type=_LARGE)
_NOTHING = pa.scalar("", type=_LARGE)


class _Distinct:
    """A column factorized once: its distinct values and, per row, the code of its value."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: np.ndarray, values: pd.Series) -> None:
        self.codes = codes
        self.values = values


def _as_str(values) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype != "str":
        series = series.fillna("").astype(str)
    elif series.hasnans:
        series = series.fillna("")
    return series


def _any_text(series: pd.Series) -> bool:
    lengths = pc.binary_length(pa.array(series.array))
    return bool(len(series)) and bool(pc.max(lengths).as_py())


def _distinct(series: pd.Series) -> _Distinct:
    """Factorized by pyarrow (a little faster than pd.factorize on arrow strings)."""
    encoded = pc.dictionary_encode(_arrow(series))
    values = pd.Series(encoded.dictionary.to_pandas(), dtype=str)
    return _Distinct(encoded.indices.to_numpy(zero_copy_only=False), values)


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    found = _distinct(series)
    return found.codes, found.values


def _arrow(values) -> pa.Array:
    """Strings (a pandas Series or Index of str) as one pyarrow large_string array."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    array = pa.array(values, type=_LARGE)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def _blank(n: int) -> pa.Array:
    """``n`` empty strings, built from buffers rather than Python objects."""
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(np.zeros(n + 1, dtype=np.int64)), pa.py_buffer(b"")
    )


def _per_distinct(
    values: pd.Series,
    func: Callable[[str], tuple],
    width: int,
    fast: Callable[[pa.Array], list[pa.Array]] | None = None,
) -> list[pa.Array | None]:
    """``func`` (returning a ``width``-tuple) of each distinct value, as ``width`` arrays.

    ``fast`` may decide many values at once (arrays with null where it cannot
    decide, the same rows null in each); ``func`` runs on the rest only. An
    array that is "" throughout comes back as None.
    """
    if fast is None:
        rows = [func(v) for v in values.tolist()]
        parts = [pa.array([r[i] for r in rows], type=_LARGE) for i in range(width)]
    else:
        parts = fast(_arrow(values))
        todo = parts[0].is_null()
        if todo.true_count:
            undecided = values[todo.to_numpy(zero_copy_only=False)].tolist()
            rows = [func(v) for v in undecided]
            parts = [
                pc.replace_with_mask(p, todo, pa.array([r[i] for r in rows], type=_LARGE))
                for i, p in enumerate(parts)
            ]
    return [None if _all_blank(p) else p for p in parts]


def _rows_then_distinct(
    series: pd.Series, func: Callable[[str], str], fast: Callable[[pa.Array], pa.Array]
) -> pa.Array | None:
    """``fast`` on every row, ``func`` once per distinct value it leaves undecided (null).

    For columns of nearly all-distinct values, where factorizing them first
    costs more than it saves.
    """
    result = fast(_arrow(series))
    todo = result.is_null()
    if todo.true_count:
        found = _distinct(series[todo.to_numpy(zero_copy_only=False)])
        decided = pa.array([func(v) for v in found.values.tolist()], type=_LARGE)
        result = pc.replace_with_mask(result, todo, decided.take(pa.array(found.codes)))
    return None if _all_blank(result) else result


def _all_blank(array: pa.Array) -> bool:
    return not pc.any(pc.not_equal(array, "")).as_py()


def _spread(values: pa.Array | None, codes: np.ndarray) -> pa.Array | None:
    """Per-distinct results -> one value per row (None stays None: blank everywhere)."""
    if values is None:
        return None
    if len(codes) == 0:
        return _EMPTY_ARROW
    return values.take(pa.array(codes))


def _derived(array: pa.Array | None, func: Callable[[str], tuple], width: int) -> list:
    """``func`` of each distinct value of an assembled column (names -> sounds and keys)."""
    if array is None:
        return [None] * width
    found = _distinct(_to_series(array, None))
    return [_spread(p, found.codes) for p in _per_distinct(found.values, func, width)]


def _group(matches: pa.Array, name: str) -> pa.Array:
    """One named group of ``pc.extract_regex``'s result, null where the value did not match."""
    return pc.if_else(matches.is_valid(), matches.field(name), _UNDECIDED)


# Byte-level kernels for large_string arrays without nulls. They only look
# at ASCII bytes, which never occur inside a multi-byte UTF-8 character, so
# the text stays valid UTF-8 whatever else it holds.


def _buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets from 0, bytes) of a large_string array with no nulls, as numpy arrays."""
    if array.null_count:
        raise ValueError("byte kernels need an array without nulls")
    _validity, offsets, data = array.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets - offsets[0], data[offsets[0] : offsets[-1]]


def _from_buffers(offsets: np.ndarray, data: np.ndarray) -> pa.Array:
    return pa.LargeStringArray.from_buffers(
        len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))
    )


def _count_bytes(offsets: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """How many flagged bytes each value holds."""
    n = len(offsets) - 1
    hits = np.count_nonzero(flags)
    if hits * 16 < len(flags):  # rare: find each one's value
        owner = np.searchsorted(offsets, np.flatnonzero(flags), side="right") - 1
        return np.bincount(owner, minlength=n)
    padded = np.zeros(len(flags) + 1, dtype=np.uint8)  # so every start is an index
    padded[:-1] = flags
    counts = np.add.reduceat(padded, offsets[:-1], dtype=np.int64)
    counts[offsets[1:] == offsets[:-1]] = 0  # reduceat gives an empty value its next byte
    return counts


def _printable(values: pa.Array) -> np.ndarray:
    """Per value: every character is printable ASCII (space to ~), like ``fullmatch("[ -~]*")``."""
    offsets, data = _buffers(values)
    return _count_bytes(offsets, (data < 0x20) | (data > 0x7E)) == 0


def _drop_bytes_where(offsets: np.ndarray, data: np.ndarray, drop: np.ndarray) -> pa.Array:
    if not drop.any():
        return _from_buffers(offsets, data)
    dropped = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(_count_bytes(offsets, drop), out=dropped[1:])
    return _from_buffers(offsets - dropped, data[~drop])


def _drop_bytes(values: pa.Array, chars: bytes) -> pa.Array:
    """The values without any of the ASCII ``chars``."""
    offsets, data = _buffers(values)
    drop = np.zeros(256, dtype=bool)
    drop[list(chars)] = True
    return _drop_bytes_where(offsets, data, drop[data])


def _map_bytes(values: pa.Array, table: np.ndarray) -> pa.Array:
    """Each byte through ``table`` (which must map ASCII to ASCII and leave the rest alone)."""
    offsets, data = _buffers(values)
    return _from_buffers(offsets.copy(), table[data])


def _squeeze_spaces(values: pa.Array) -> pa.Array:
    """Runs of spaces as one space (``replace(" +", " ")``)."""
    offsets, data = _buffers(values)
    space = data == ord(" ")
    repeat = np.zeros(len(data), dtype=bool)
    repeat[1:] = space[1:] & space[:-1]
    repeat[offsets[:-1][offsets[:-1] < len(data)]] = (
        False  # a value's first byte follows another value
    )
    return _drop_bytes_where(offsets, data, repeat)


_STREET_BYTES = np.arange(256, dtype=np.uint8)
_STREET_BYTES[ord("A") : ord("Z") + 1] += 32
_STREET_BYTES[[ord("."), ord(",")]] = ord(" ")


def _or_blank(array: pa.Array | None, n: int) -> pa.Array:
    return _blank(n) if array is None else array


def _fullmatch(values: pa.Array, pattern: str) -> pa.Array:
    """``str.fullmatch`` in pyarrow (RE2): the whole value matches ``pattern``."""
    return pc.match_substring_regex(values, f"^(?:{pattern})$")


def _to_series(array: pa.Array, index: pd.Index | None) -> pd.Series:
    series = array.to_pandas()
    if series.dtype != "str":
        series = series.astype(str)
    if index is not None:
        series.index = index
    return series


# Masks are boolean arrays, or None for "false on every row".


def _filled(array: pa.Array | None) -> pa.Array | None:
    return None if array is None else pc.not_equal(array, "")


def _not_filled(array: pa.Array | None) -> pa.Array | bool:
    return True if array is None else pc.equal(array, "")


def _and_not(mask: pa.Array | bool | None, other: pa.Array | None) -> pa.Array | None:
    """``mask & ~other`` (``mask`` may be True: everywhere)."""
    if mask is None:
        return None
    if other is None:
        return None if mask is True else mask
    return pc.invert(other) if mask is True else pc.and_(mask, pc.invert(other))


def _where(mask: pa.Array | None, yes: pa.Array | None, no: pa.Array | None) -> pa.Array | None:
    """``yes`` where ``mask`` holds, else ``no``."""
    if mask is None or yes is no:
        return no
    return pc.if_else(mask, _NOTHING if yes is None else yes, _NOTHING if no is None else no)


def _fill(primary: pa.Array | None, fallback: pa.Array | None) -> pa.Array | None:
    """``primary`` where it is non-empty, else ``fallback``."""
    if fallback is None:
        return primary
    if primary is None:
        return fallback
    return pc.if_else(_filled(primary), primary, fallback)
