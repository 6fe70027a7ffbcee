"""People's names, addresses and phones as their rosters wrote them, for lists and tables.

Matching runs on cleaned keys (lower case, accents folded, "Adrián" becomes
"adrian"); a letter or a call needs the person's own spelling. This module
turns the values each roster held before cleaning (``MatchResult.as_typed``,
one row per record, indexed by rid) into what a list shows:

* **names** as typed: accents, scripts, hyphens, particles and quoted
  nicknames kept; Chinese, Japanese and Korean first and last names written
  family name first without a space (王 + 小明 -> 王小明);
  "Last, First Middle" turned round to "First Middle Last"
  (the words themselves untouched); a roster written ALL IN CAPITALS is given
  sensible capitals ("DE LA CRUZ, MARÍA" -> "María de la Cruz",
  "O'BRIEN" -> "O'Brien", "MCDONALD" -> "McDonald").
* **addresses** as typed: the street line, unit, city and state of the
  record chosen; a one-line address is split into those parts with
  ``usaddress`` without changing a word.
* **phones** the way people of the country write them: a US number as
  "(401) 629-3175"; another country's as dialled from the US
  ("011 44 20 7946 0958"). No phone starts with "+", so a spreadsheet never
  reads one as a formula and the safe writers need no visible mark.
* **emails** as typed (trimmed).

Which record speaks for a person is decided elsewhere (``overlap.outreach``:
the most complete one); here every function works on rids, vectorised over
columns, with the slow parts (capitals, address parsing, phone formats) run
once per distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

NAME_FIELDS = ["full_name", "first_name", "middle_name", "last_name", "suffix"]
ADDRESS_FIELDS = ["address", "street", "unit", "city", "state", "zip"]
MULTI_VALUE_SEPARATOR = " | "  # how mapping joins several columns of one field
CAPS_SHARE = 0.8  # a roster whose values are at least this share ALL CAPS is written in capitals
HOME_REGION = "US"  # phones are written as people here write them

_SUFFIX_WORDS = {"jr", "sr", "ii", "iii", "iv", "v", "md", "phd", "esq"}
# Lower case inside a name ("María de la Cruz", "Ludwig van Beethoven"), never first.
_PARTICLES = {"de", "del", "della", "der", "den", "da", "das", "dos", "du", "di", "y"}
_AFTER_PARTICLE = {"la", "las", "los", "le", "der", "den"}  # "de la", "van der"
# "van"/"von" only before another particle ("van der Berg"): "Le Van Thanh" is a Vietnamese name
_LINKED_PARTICLES = {"van", "von"}
_DIRECTIONS = {"n", "s", "e", "w", "ne", "nw", "se", "sw"}
_ADDRESS_UPPER = {"po", "us", "fm", "rr", "hc"}  # "PO Box", "US Hwy 12"
# Chinese, Japanese and Korean names are written family name first, with no space
_CJK = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+"
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.IGNORECASE)


def _clean(values: pd.Series) -> pd.Series:
    """Strings with outer spaces gone and inner runs of spaces made one ("" for missing)."""
    text = values.fillna("").astype("str")
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def _per_distinct(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """``func`` applied once per distinct value (the Python part of a vectorised step)."""
    codes, uniques = pd.factorize(values, sort=False)
    mapped = np.array([func(v) for v in uniques.tolist()], dtype=object)
    out = mapped[codes] if len(uniques) else np.array([""] * len(values), dtype=object)
    return pd.Series(out, index=values.index, dtype="str")


# --------------------------------------------------------------------------- capitals


def _cap_segment(word: str) -> str:
    """One lower-case word part with its first letter up, Mc and O' prefixes kept."""
    if not word:
        return word
    if word.startswith("mc") and len(word) > 2:
        return "Mc" + word[2:3].upper() + word[3:]
    return word[0].upper() + word[1:]


def _cap_word(word: str) -> str:
    """Capitals after hyphens and apostrophes too: "mary-ann" -> "Mary-Ann", "o'brien" -> "O'Brien"."""
    parts = re.split(r"([-'’])", word)
    return "".join(p if p in "-'’" else _cap_segment(p) for p in parts)


def _is_particle(word: str, previous: str, following: str) -> bool:
    if word in _LINKED_PARTICLES:
        return following in _AFTER_PARTICLE or following in _PARTICLES
    particles = _PARTICLES | _LINKED_PARTICLES
    return word in _PARTICLES or (word in _AFTER_PARTICLE and previous in particles)


def recapitalise_name(text: str) -> str:
    """A name typed in capitals, given the capitals people use ("DE LA CRUZ" -> "de la Cruz" inside a name).

    Args:
        text: a name written ALL IN CAPITALS.

    Returns:
        The same words with sensible capitals; Roman-numeral suffixes stay upper case.
    """
    words = text.lower().split(" ")
    out = []
    for i, word in enumerate(words):
        previous = words[i - 1] if i else ""
        inside = 0 < i < len(words) - 1
        bare = word.strip(".,")
        if bare in {"ii", "iii", "iv"}:
            out.append(word.upper())
        elif inside and _is_particle(bare, previous, words[i + 1]):
            out.append(word)
        else:
            out.append(_cap_word(word))
    return " ".join(out)


def recapitalise_address(text: str) -> str:
    """A street line or city typed in capitals: "123 N MAIN ST APT 4B" -> "123 N Main St Apt 4B"."""
    out = []
    for word in text.split(" "):
        bare = word.strip(".,").lower()
        if bare in _DIRECTIONS or bare in _ADDRESS_UPPER or any(c.isdigit() for c in word):
            out.append(word.lower() if _ORDINAL.match(word.strip(".,")) else word)
        else:
            out.append(_cap_word(word.lower()))
    return " ".join(out)


def caps_rosters(programmes: pd.Series, values: pd.DataFrame) -> pd.Series:
    """Per record, whether its roster writes these columns ALL IN CAPITALS.

    Args:
        programmes: each record's programme (aligned with ``values``).
        values: the as-typed columns to judge together (e.g. the name fields).

    Returns:
        A boolean Series aligned with ``programmes``: True for every record of a
        roster in which at least ``CAPS_SHARE`` of the values with letters are upper case.
    """
    cased, upper = [], []
    for column in values.columns:
        text = _clean(values[column])
        has_case = text.str.upper() != text.str.lower()
        cased.append(has_case.to_numpy())
        upper.append((has_case & (text == text.str.upper())).to_numpy())
    frame = pd.DataFrame(
        {
            "programme": programmes.astype("str").to_numpy(),
            "cased": np.sum(cased, axis=0),
            "upper": np.sum(upper, axis=0),
        }
    )
    totals = frame.groupby("programme", sort=False)[["cased", "upper"]].sum()
    caps = (totals["upper"] >= CAPS_SHARE * totals["cased"]) & (totals["cased"] > 0)
    return pd.Series(
        frame["programme"].map(caps).fillna(False).astype(bool).to_numpy(), index=programmes.index
    )


def _recapitalised(values: pd.Series, caps: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """``values`` with the ALL-CAPS rosters' ones given sensible capitals."""
    values = _clean(values)
    if not caps.any():
        return values
    fixed = values.copy()
    fixed[caps.to_numpy()] = _per_distinct(values[caps.to_numpy()], func)
    return fixed


# --------------------------------------------------------------------------- names


def _is_suffix(text: pd.Series) -> pd.Series:
    return text.str.lower().str.replace(".", "", regex=False).isin(_SUFFIX_WORDS)


def _turn_round(full: pd.Series) -> pd.Series:
    """ "Adrián, Uridona Miguel" -> "Uridona Miguel Adrián"; "Maria Garcia, Jr." is left as typed.

    Only the order of the words changes, around the first comma: what follows a
    second comma (a suffix) goes last. ``typed_name_one`` is the plain twin.
    """
    last, comma, after = (full.str.partition(",")[i] for i in range(3))
    rest, _, tail = (after.str.partition(",")[i] for i in range(3))
    last, rest, tail = last.str.strip(), rest.str.strip(), tail.str.strip()
    turn = (comma != "") & (last != "") & (rest != "") & ~_is_suffix(rest)
    turned = _clean(rest + " " + last + " " + tail)
    return full.where(~turn, turned)


def typed_name_one(fields: dict[str, str], caps: bool = False) -> str:
    """One record's name for a list: the plain reference ``typed_names`` is tested against.

    Args:
        fields: the record's as-typed name fields (``full_name``, ``first_name``...).
        caps: whether the record's roster is written ALL IN CAPITALS.
    """
    parts = " ".join(fields.get(c, "") for c in NAME_FIELDS[1:])
    name = " ".join(parts.split())
    first, last = (" ".join(fields.get(c, "").split()) for c in ("first_name", "last_name"))
    if re.fullmatch(_CJK, first) and re.fullmatch(_CJK, last):
        name = last + first
    if not name:
        name = " ".join(fields.get("full_name", "").split())
        last, comma, after = name.partition(",")
        rest, _, tail = after.partition(",")
        last, rest, tail = last.strip(), rest.strip(), tail.strip()
        if comma and last and rest and rest.lower().replace(".", "") not in _SUFFIX_WORDS:
            name = " ".join(f"{rest} {last} {tail}".split())
    return recapitalise_name(name) if caps and name else name


def typed_names(as_typed: pd.DataFrame, programmes: pd.Series) -> pd.Series:
    """Each record's name as its roster wrote it, ready to print on a list.

    Args:
        as_typed: the records' as-typed fields (``MatchResult.as_typed`` rows).
        programmes: the same records' programmes (for the ALL-CAPS rule).

    Returns:
        A Series aligned with ``as_typed``: the first, middle and last name and
        suffix columns joined when the roster has them, else its one-column full
        name turned round from "Last, First"; capitals fixed for ALL-CAPS rosters.
    """
    fields = pd.DataFrame(
        {c: _clean(as_typed[c]) if c in as_typed else "" for c in NAME_FIELDS},
        index=as_typed.index,
    )
    caps = caps_rosters(programmes, fields)
    first, last = fields["first_name"], fields["last_name"]
    joined = _clean(first + " " + fields["middle_name"] + " " + last + " " + fields["suffix"])
    east_asian = first.str.fullmatch(_CJK) & last.str.fullmatch(_CJK)
    joined = joined.where(~east_asian, last + first)
    full = _turn_round(fields["full_name"])
    name = joined.where(joined != "", full)
    return _recapitalised(name, caps, recapitalise_name)


# --------------------------------------------------------------------------- addresses

_STREET_LABELS = {
    "AddressNumber",
    "AddressNumberPrefix",
    "AddressNumberSuffix",
    "StreetNamePreDirectional",
    "StreetNamePreModifier",
    "StreetNamePreType",
    "StreetName",
    "StreetNamePostType",
    "StreetNamePostDirectional",
    "StreetNamePostModifier",
    "USPSBoxType",
    "USPSBoxID",
    "BuildingName",
    "LandmarkName",
    "CornerOf",
    "IntersectionSeparator",
    "SecondStreetName",
    "SecondStreetNamePostType",
}
_UNIT_LABELS = {"OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier"}
_LINE_PARTS = ["street", "unit", "city", "state", "zip"]


def split_address_line(line: str) -> tuple[str, str, str, str, str]:
    """A one-line address cut into street, unit, city, state and ZIP, every word as typed.

    Args:
        line: e.g. "4521 W 26th St #2B, Chicago IL 60623".

    Returns:
        ``(street, unit, city, state, zip)``; a line ``usaddress`` cannot read is
        all street.
    """
    import usaddress

    if not line:
        return ("", "", "", "", "")
    try:
        tokens = usaddress.parse(line)
    except Exception:  # noqa: BLE001 - a line the parser chokes on stays whole
        return (line, "", "", "", "")
    out: dict[str, list[str]] = {part: [] for part in _LINE_PARTS}
    for token, label in tokens:
        word = token.strip(",; ")
        if not word:
            continue
        if label in _UNIT_LABELS:
            out["unit"].append(word)
        elif label == "PlaceName":
            out["city"].append(word)
        elif label == "StateName":
            out["state"].append(word)
        elif label == "ZipCode":
            out["zip"].append(word)
        else:  # street labels and anything unforeseen stay on the street line
            out["street"].append(word)
    if not out["street"]:
        return (line, "", "", "", "")
    return tuple(" ".join(out[part]) for part in _LINE_PARTS)  # type: ignore[return-value]


def typed_addresses(
    as_typed: pd.DataFrame, programmes: pd.Series, cleaned: pd.DataFrame
) -> pd.DataFrame:
    """Each record's address as its roster wrote it: street, unit, city, state, zip.

    Args:
        as_typed: the records' as-typed fields.
        programmes: the same records' programmes (for the ALL-CAPS rule).
        cleaned: the same records' normalised ``state`` and ``zip`` (a state is
            shown as its two-letter code; a ZIP typed without its leading zero,
            as spreadsheets do, is shown whole).

    Returns:
        A frame aligned with ``as_typed`` with ``street``, ``unit``, ``city``,
        ``state`` and ``zip``; a roster with a one-line address has it split.
    """
    typed = pd.DataFrame(
        {c: _clean(as_typed[c]) if c in as_typed else "" for c in ADDRESS_FIELDS},
        index=as_typed.index,
    )
    one_line = (typed["street"] == "") & (typed["address"] != "")
    if one_line.any():
        lines = typed.loc[one_line, "address"]
        codes, uniques = pd.factorize(lines)
        split = np.array([split_address_line(v) for v in uniques.tolist()], dtype=object)
        for i, part in enumerate(_LINE_PARTS):
            keep = typed.loc[one_line, part]
            found = pd.Series(split[codes, i], index=lines.index, dtype="str")
            typed.loc[one_line, part] = keep.where(keep != "", found)
    caps = caps_rosters(programmes, typed[["street", "unit", "city"]])
    out = pd.DataFrame(index=as_typed.index)
    for part in ("street", "unit", "city"):
        out[part] = _recapitalised(typed[part], caps, recapitalise_address)
    out["state"] = (
        cleaned["state"]
        .fillna("")
        .astype("str")
        .where(cleaned["state"].fillna("") != "", typed["state"])
    )
    zip_digits = typed["zip"].str.replace(r"\D", "", regex=True)
    clean_zip = cleaned["zip"].fillna("").astype("str")
    out["zip"] = typed["zip"].where(
        (zip_digits.str.slice(0, 5) == clean_zip) & (clean_zip != ""), clean_zip
    )
    return out


# --------------------------------------------------------------------------- phones, emails


def format_phone(e164: str, region: str = HOME_REGION) -> str:
    """An E.164 number the way people of ``region`` write it.

    Args:
        e164: e.g. "+14016293175".
        region: where the list's readers are.

    Returns:
        "(401) 629-3175" for a number dialled without a country code from there
        (in the US, Canada's too: one plan); another country's number as dialled
        from there ("011 44 20 7946 0958"); the value itself if it is not a
        phone number.
    """
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == phonenumbers.country_code_for_region(region):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_out_of_country_calling_number(number, region)


def split_values(owners: Sequence, values: pd.Series) -> pd.DataFrame:
    """Several values in one cell (joined " | " by mapping) as one row each, blanks dropped.

    Returns:
        ``owner`` and ``value`` columns, in the order of the cells.
    """
    frame = pd.DataFrame({"owner": list(owners), "value": _clean(values).to_numpy()})
    frame["value"] = frame["value"].str.split(MULTI_VALUE_SEPARATOR, regex=False)
    frame = frame.explode("value")
    frame["value"] = frame["value"].fillna("").astype("str").str.strip()
    return frame[frame["value"] != ""].reset_index(drop=True)


def phones_for_display(owners: Sequence, values: pd.Series) -> pd.DataFrame:
    """Every usable phone of each owner, formatted for a list, distinct per owner.

    Args:
        owners: an owner key per value (e.g. the person of each record).
        values: the as-typed phone cells (several joined " | " allowed).

    Returns:
        ``owner``, ``phone`` (formatted), ``key`` (E.164) rows, in the cells'
        order; placeholders and non-numbers (which matching ignores too) dropped.
    """
    from overlap.normalise import normalise_phones

    frame = split_values(owners, values)
    frame["key"] = normalise_phones(frame["value"]).to_numpy() if len(frame) else []
    frame = frame[frame["key"] != ""]
    frame["phone"] = _per_distinct(frame["key"], format_phone).to_numpy() if len(frame) else []
    return frame[["owner", "phone", "key"]].reset_index(drop=True)


def emails_for_display(owners: Sequence, values: pd.Series) -> pd.DataFrame:
    """Every email of each owner as typed (trimmed), with its case-folded key for de-duplication."""
    frame = split_values(owners, values)
    frame["key"] = frame["value"].str.casefold()
    frame = frame[frame["value"].str.contains("@", regex=False)]
    return frame.rename(columns={"value": "email"})[["owner", "email", "key"]].reset_index(
        drop=True
    )


# --------------------------------------------------------------------------- in a match folder

#: records.csv carries each record's as-typed fields under this prefix (``typed_first_name``...).
COLUMN_PREFIX = "typed_"


def to_columns(as_typed: pd.DataFrame) -> pd.DataFrame:
    """The as-typed fields as records.csv columns (``typed_<field>``), rows in rid order.

    A social security number is left out, as records.csv leaves out the cleaned one.
    """
    shown = as_typed.drop(columns=["ssn"], errors="ignore")
    return shown.add_prefix(COLUMN_PREFIX).reset_index(drop=True)


def from_columns(records: pd.DataFrame) -> pd.DataFrame | None:
    """The as-typed fields read back from records.csv's ``typed_*`` columns (None if it has none).

    Returns:
        A frame indexed like ``records``, one column per field, "" where empty.
    """
    columns = [c for c in records.columns if str(c).startswith(COLUMN_PREFIX)]
    if not columns:
        return None
    typed = records[columns].fillna("").astype(pd.StringDtype("pyarrow"))
    return typed.rename(columns=lambda c: str(c)[len(COLUMN_PREFIX) :])


# --------------------------------------------------------------------------- one record


def record_as_typed(fields: dict[str, str]) -> dict[str, str]:
    """One record's details exactly as its roster wrote them, for a reviewer to judge.

    Args:
        fields: the record's as-typed fields (a row of ``MatchResult.as_typed``).

    Returns:
        ``{"Name", "Date of birth", "Sex", "Address", "Phone", "Email"}`` -> the
        value as typed (nothing re-ordered or re-capitalised; "" where empty).
    """

    def get(name: str) -> str:
        return " ".join(str(fields.get(name, "") or "").split())

    parts = " ".join(get(c) for c in NAME_FIELDS[1:]).strip()
    street = " ".join(v for v in (get("street"), get("unit")) if v)
    place = " ".join(v for v in (get("state"), get("zip")) if v)
    line = ", ".join(v for v in (street, get("city"), place) if v)
    return {
        "Name": get("full_name") or " ".join(parts.split()),
        "Date of birth": get("dob"),
        "Sex": get("sex"),
        "Address": get("address") or line,
        "Phone": get("phone"),
        "Email": get("email"),
    }
