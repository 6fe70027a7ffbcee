"""Street lines and units: USPS abbreviations, house number, street name, unit.

``unit`` is ``"apt " + identifier`` whatever the designator (Apartment, Apt,
#, Unit, Suite, Ste, Room, Floor ...), lower case, identifier without spaces,
hyphens or ``#``: "Suite 4-B", "#4b" and "Apt 4B" all give ``apt 4b``. The
street line never contains the unit.

``parse_street`` reads one value: it is the reference (simple lines by
``_street_rest``, the rest by usaddress). ``_streets_fast`` splits the house
number off a whole column in pyarrow and parses each distinct remainder once
("maple st apt 4" is shared by thousands of house numbers).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

import usaddress

from overlap.normalise._text import _MAX_LEN, _first_valid, _fold, _parts

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import numpy as np
    import pyarrow as pa

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


@lru_cache(maxsize=1)
def _street_bytes() -> np.ndarray:
    """Lower case, "." and "," to spaces (ASCII bytes; every other byte as it is)."""
    import numpy as np

    table = np.arange(256, dtype=np.uint8)
    table[ord("A") : ord("Z") + 1] += 32
    table[[ord("."), ord(",")]] = ord(" ")
    return table


def _streets_fast(values: pa.Array) -> list[pa.Array]:
    """Vectorised :func:`parse_street` for simple printable-ASCII street lines.

    Splits the house number off with one pyarrow regex, parses each distinct
    remainder once with :func:`_street_rest`, and joins them back. Returns
    the four parts, null where the slow path must decide.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _fullmatch, _map_bytes, _squeeze_spaces

    # lower case, "." and "," to spaces, "#" spaced out, runs of spaces as one, trimmed
    # (byte by byte: only printable-ASCII lines are decided here)
    text = _map_bytes(values, _street_bytes())
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
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _buffers, _count_bytes, _printable

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
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _LARGE

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
