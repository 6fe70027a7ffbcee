"""The row-by-row reference of the normalise stage: one mapped record in, matching keys out.

``stage.normalise_fields`` is held to it (Hypothesis). It needs the standard
library and the scalar reference of each kind only, so the encoder that runs
in a partner's browser (``overlap.privacy.plain_roster``) normalises with it.
Names: first/middle/last columns win; ``full_name`` fills the parts that are
missing. A trailing one-letter initial in the first-name column ("John M")
becomes the middle name when there is none.
"""

from __future__ import annotations

from collections.abc import Mapping

from overlap.normalise.addresses import (
    _address_source,
    normalise_city,
    normalise_state,
    normalise_zip,
    parse_address,
)
from overlap.normalise.categories import normalise_category
from overlap.normalise.dates import normalise_date
from overlap.normalise.emails import normalise_email
from overlap.normalise.ids import normalise_record_id, normalise_ssn
from overlap.normalise.names import (
    _first_split,
    _split_initial,
    name_sound,
    normalise_suffix,
    parse_full_name,
)
from overlap.normalise.nicknames import _first_key_table
from overlap.normalise.phones import normalise_phone
from overlap.normalise.sex import normalise_sex
from overlap.normalise.streets import normalise_unit, parse_street
from overlap.normalise.surnames import surname_key

OUTPUT_COLUMNS = [
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "first_sound",
    "last_sound",
    "first_key",
    "last_key",
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
    "birth_place",
]


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
        "first_key": _first_key_table().get(first, first),
        "last_key": surname_key(last),
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
        "birth_place": normalise_category(get("birth_place")),
    }
