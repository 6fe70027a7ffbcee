"""Addresses: city, state and ZIP, one-line addresses, and the address columns of a roster.

The street column wins; a one-line address (the address column, else a
street cell that holds a whole address) fills what is missing.

``parse_address`` and the ``normalise_city/state/zip`` functions read one
value: they are the reference. ``_zips_fast`` decides a column's ZIPs in
pyarrow; ``_addresses_fast`` splits the house number off one-line addresses
and parses each distinct remainder once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from overlap.normalise._text import _HYPHENS, _MAX_LEN, _SPACES, _first_valid, _fold, _parts
from overlap.normalise.streets import (
    _house_first_fast,
    _plain_line,
    _stabilise,
    _street_from_tags,
    _street_one,
    _street_rest_cached,
    _street_tokens,
    _streets_fast,
    _tag_address,
    parse_street,
)

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import pyarrow as pa

_ZIP_PLACEHOLDERS = {"00000", "99999", "11111"}


_POSTCODE = re.compile(r"[A-Z0-9]{5,8}")  # letters and digits: UK, Canada, Ireland, the Netherlands


@lru_cache(maxsize=1 << 14)  # cities, states and ZIPs repeat
def _zip_one(value: str) -> str:
    """A US ZIP as five digits; another country's postcode in capitals without spaces.

    Four digits become five (2139 -> 02139: a spreadsheet dropped the zero),
    whatever the country: a four-digit postcode (Australia, much of Europe)
    then gains a zero in every roster alike, and still matches.
    """
    text = value.strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    match = re.fullmatch(r"(\d{4,5})(?:\s*-\s*\d{4}|\s+\d{4})?", text) or re.fullmatch(
        r"(\d{5})\d{4}", text
    )
    if match:
        zip5 = match.group(1).zfill(5)
        return "" if zip5 in _ZIP_PLACEHOLDERS else zip5
    compact = re.sub(r"[\s\-]+", "", text).upper()
    if (
        _POSTCODE.fullmatch(compact)
        and re.search(r"[A-Z]", compact)
        and re.search(r"[0-9]", compact)
    ):
        return compact  # SW1A1AA, K1A0B1, 1234AB, D02X285
    return ""


def normalise_zip(value: str) -> str:
    """A ZIP or postcode: ZIP+4 cut, a lost leading zero restored (2139 -> 02139), other
    countries' codes in capitals without spaces (SW1A 1AA -> SW1A1AA), junk ""."""
    return _first_valid(value, _zip_one)


def _zips_fast(values: pa.Array) -> pa.Array:
    """Vectorised ``normalise_zip`` for printable-ASCII single values; null for the rest.

    ZIP+4 makes ZIPs nearly as diverse as phones (60623-9234), so they are
    not left to a per-value parser. In printable ASCII the only whitespace
    ``strip`` and ``\\s`` see is the space, and ``\\d`` is [0-9].
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _LARGE, _NOTHING, _UNDECIDED, _fullmatch, _group

    plain = pc.and_(_fullmatch(values, "[ -~]*"), pc.invert(pc.match_substring(values, "|")))
    text = pc.utf8_trim(values, " ")
    text = pc.replace_substring_regex(text, r"^([0-9]+)\.0+$", r"\1")  # 60623.0 from a workbook
    short = pc.extract_regex(text, r"^(?P<zip>[0-9]{4,5})(?: *- *[0-9]{4}| +[0-9]{4})?$")
    nine = pc.extract_regex(text, r"^(?P<zip>[0-9]{5})[0-9]{4}$")
    found = pc.coalesce(_group(short, "zip"), _group(nine, "zip"))
    zip5 = pc.utf8_zfill(pc.coalesce(found, _NOTHING), 5)
    placeholder = pc.is_in(zip5, value_set=pa.array(sorted(_ZIP_PLACEHOLDERS), type=_LARGE))
    good = pc.and_(pc.is_valid(found), pc.invert(placeholder))
    # a postcode of letters and digits (SW1A 1AA) is left to _zip_one
    mixed = pc.and_(
        pc.match_substring_regex(text, "[0-9]"), pc.match_substring_regex(text, "[A-Za-z]")
    )
    decided = pc.and_(plain, pc.or_(good, pc.invert(mixed)))
    return pc.if_else(decided, pc.if_else(good, zip5, _NOTHING), _UNDECIDED)


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
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

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


def _address_columns(col: dict) -> dict[str, pa.Array | None]:
    """Street parts, unit, city, state and ZIP from the street and address columns.

    The street column wins; a one-line address (the address column, else a
    street cell that holds a whole address) fills what is missing. Without an
    address column everything is decided per distinct street and spread once.
    """
    from overlap.normalise._arrow import (
        _arrow,
        _blank,
        _fill,
        _filled,
        _per_distinct,
        _spread,
        _where,
    )

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
    from overlap.normalise._arrow import _distinct, _per_distinct, _spread, _to_series

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
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _LARGE

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
