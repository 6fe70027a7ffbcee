"""Names: name parts, generational suffixes, one-field full names, phonetic keys.

- Phonetic keys use Metaphone (jellyfish): on a list of common spelling
  variants (Smith/Smyth, Catherine/Kathryn, Geoffrey/Jeffrey, Jimenez/Gimenez,
  Phillips/Filips, Carl/Karl, Lee/Li, Brown/Braun) it agreed on 25 of 30,
  NYSIIS on 18 and Soundex on 21, while still giving 95 distinct keys for the
  100 commonest US surnames (NYSIIS 94, Soundex 91), so blocks stay small.
  The key is taken over the letters only ("smith-jones" ~ "smithjones").
- A trailing one-letter initial in the first-name column ("John M") becomes
  the middle name when there is none (``_split_initial``).

``split_suffix`` and ``parse_full_name`` read one value: they are the
reference. ``_names_fast`` decides the names made of plain ASCII words for a
whole column in pyarrow (most of a roster) and leaves the rest (accents,
punctuation, digits) to the reference.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import jellyfish

from overlap.normalise._text import _HYPHENS, _MAX_LEN, _SPACES, _first_valid, _fold, _parts

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import pyarrow as pa

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
    # what people write on a form instead of a name (a role, a relation, a title alone)
    "anonymous", "anon", "refused", "declined", "not given", "not provided", "missing",
    "tbd", "pending", "no first name", "no last name", "first name", "last name", "name",
    "baby", "baby boy", "baby girl", "newborn", "infant", "boy", "girl", "child", "child f",
    "child m", "kid", "adult", "adult male", "adult female", "male", "female", "person",
    "mother", "mom", "father", "dad", "daughter", "dau", "husband", "wife", "spouse",
    "brother", "sister", "nephew", "niece", "grandchild", "grandson", "granddaughter",
    "grandmother", "grandfather", "grandma", "grandpa", "hijo", "hija", "nino", "nina",
    "twin", "twin a", "twin b", "oldest", "youngest", "self", "house", "household",
    "head of household", "occupant", "current resident", "resident", "roommate", "tenant",
    "inmate", "member", "client", "participant", "patient", "mr", "mrs", "ms", "miss",
    "son of", "daughter of", "child of", "wife of", "husband of", "mother of", "father of",
    "stepson", "stepdaughter", "step son", "step daughter", "foster child", "boarder", "lodger",
}  # fmt: skip
_NAME_ASIDE = re.compile(r"\([^()]*\)|\"[^\"]*\"|\u201c[^\u201d]*\u201d")
_NAME_DROP = re.compile(r"['\u2019`.]")
_NAME_SPACE = re.compile(r"[^a-z0-9\- ]+")
_NAME_NOT_LETTER = re.compile(r"[^a-z\- ]+")


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


def _names_fast(values: pa.Array, width: int) -> list[pa.Array]:
    """Names made of plain ASCII words joined by single spaces or hyphens.

    "Smith", "MARIA JOSE", "Al-Sabbagh", "Ashby Sr": what :func:`_first_split`
    (width 2: name, suffix) or :func:`_first_parts` (width 4: name, suffix,
    head, initial) gives for them, computed on the whole array; null for
    anything else (accents, punctuation, digits ...), which the parser takes.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _LARGE, _NOTHING, _UNDECIDED, _fullmatch

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
