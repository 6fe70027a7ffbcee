"""The fields Overlap knows, and the comparisons made of them: one registry.

Mapping takes its canonical fields and their words from here, the dashboard
its labels, ``compare`` and ``model`` their comparisons (levels, plain-word
labels, EM's starting guesses, which level is "the same value", which fields
tell members of one household apart), and ``explain`` its sentences. Nothing
else lists fields.

Adding a comparison is one ``Comparison`` entry in ``COMPARISONS`` (or, for a
column the rosters share that Overlap has no special knowledge of, one
``evidence_comparison`` call) plus its level function in ``overlap.compare``
(``LEVEL_FUNCTIONS``); ``tests/test_fields.py`` checks that every field has a
label and a normaliser and every comparison a level function.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- input fields


@dataclass(frozen=True)
class Field:
    """A canonical field a roster column can be mapped to.

    ``label`` is what the dashboard's mapping table shows, ``words`` the field
    inside a sentence ("date of birth"); ``kind`` names the normaliser that
    cleans it (see ``overlap.normalise``). ``multi_column``: a person may
    genuinely have it in several columns (home and mobile phone), joined
    with ``join`` (" | " for several values; a space for the parts of one,
    such as a street name, its type and its direction). ``review``: its label when shown side by side on the Review
    page (None: not shown). ``written``: it goes into ``records.csv`` (a
    social security number does not: that file gets shared and mailed).
    """

    name: str
    label: str
    words: str
    kind: str
    multi_column: bool = False
    review: str | None = None
    written: bool = True
    join: str = " | "  # how several columns' values are put together


FIELDS: tuple[Field, ...] = (
    Field("record_id", "Record ID", "record ID", "id"),
    Field("ssn", "Social security number", "social security number", "ssn", written=False),
    Field("full_name", "Full name (all in one)", "full name", "full_name"),
    Field("first_name", "First name", "first name", "name", review="First name"),
    Field("middle_name", "Middle name", "middle name", "name", review="Middle name"),
    Field("last_name", "Last name", "last name", "name", multi_column=True, review="Last name"),
    Field("suffix", "Suffix (Jr, Sr, III)", "name suffix", "suffix", review="Suffix"),
    Field("dob", "Date of birth", "date of birth", "date", review="Date of birth"),
    Field("birth_year", "Year of birth", "year of birth", "date_part"),
    Field("birth_month", "Month of birth", "month of birth", "date_part"),
    Field("birth_day", "Day of birth", "day of birth", "date_part"),
    Field("sex", "Sex / gender", "sex", "sex", review="Sex"),
    Field("address", "Address (all in one line)", "one-line address", "address"),
    Field("street", "Street address", "street address", "street", review="Street"),
    Field("house_number", "House number", "house number", "street_part"),
    Field(
        "street_name",
        "Street name (or its type or direction)",
        "street name",
        "street_part",
        multi_column=True,
        join=" ",
    ),
    Field("po_box", "PO box", "PO box", "street_part"),
    Field("unit", "Apartment / unit", "apartment or unit", "unit", review="Unit"),
    Field("city", "City", "city", "city", review="City"),
    Field("state", "State", "state", "state", review="State"),
    Field("zip", "ZIP code", "ZIP code", "zip", review="ZIP"),
    Field("phone", "Phone", "phone", "phone", multi_column=True, review="Phone"),
    Field("email", "Email", "email", "email", multi_column=True, review="Email"),
    Field("birth_place", "Place of birth", "place of birth", "place", review="Place of birth"),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
CANONICAL_FIELDS: list[str] = [f.name for f in FIELDS]
FIELD_WORDS: dict[str, str] = {f.name: f.words for f in FIELDS}
FIELD_LABELS: dict[str, str] = {f.name: f.label for f in FIELDS}
MULTI_COLUMN_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.multi_column)
REVIEW_FIELDS: dict[str, str] = {f.name: f.review for f in FIELDS if f.review}
NOT_WRITTEN: frozenset[str] = frozenset(f.name for f in FIELDS if not f.written)
NAME_FIELDS: tuple[str, ...] = ("first_name", "last_name", "full_name")  # a roster needs one
#: Parts of a date of birth in columns of their own, put together into ``dob``.
DATE_PARTS: tuple[str, ...] = ("birth_year", "birth_month", "birth_day")
#: Parts of a street address in columns of their own, put together into ``street``.
STREET_PARTS: tuple[str, ...] = ("house_number", "street_name", "po_box")

# ---------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class Comparison:
    """One comparison of two records: its levels, in plain words, and how the model treats it.

    ``labels[k]`` describes level ``k`` (level -1 is "missing on one side",
    weight 0); ``initial_m[k]`` is EM's starting guess of P(level k | same
    person). ``reads`` are the normalised record columns it compares.
    ``exact_level`` is the "same value" level: its ``u`` comes from the value
    frequencies of ``reads[0]`` (exact, and cheap; values shorter than
    ``exact_min_length``, such as a birth year alone, never reach it), and with
    ``term_frequency`` a shared rare value counts for more than a shared
    common one. ``tells_apart``: the field tells two members of one household
    apart (first name, date of birth...), unlike what they share (address,
    phone). ``name_part``: part of the name, learned on pairs that share a
    date of birth rather than on pairs that share a name.
    """

    name: str
    title: str
    labels: tuple[str, ...]
    initial_m: tuple[float, ...]
    reads: tuple[str, ...] = ()
    exact_level: int | None = None
    exact_min_length: int = 1
    term_frequency: bool = False
    tells_apart: bool = False
    name_part: bool = False

    @property
    def n_levels(self) -> int:
        return len(self.labels)

    @property
    def level_column(self) -> str:
        return f"{self.name}_level"

    @property
    def weight_column(self) -> str:
        return f"{self.name}_weight"


MISSING = -1

# Level numbers, by name, so the model's household guard and the explanations read clearly.
FIRST_ELSE, FIRST_INITIAL, FIRST_SIMILAR, FIRST_CLOSE, FIRST_VERY_CLOSE, FIRST_NICK, FIRST_EXACT = (
    range(7)
)
LAST_ELSE, LAST_PART, LAST_SIMILAR, LAST_VERY_CLOSE, LAST_VARIANT, LAST_EXACT = range(6)
(
    DOB_ELSE,
    DOB_FAR_YEARS,
    DOB_WITHIN_YEAR,
    DOB_YEAR_ONLY,
    DOB_ONE_PART,
    DOB_ONE_OFF,
    DOB_SWAPPED,
    DOB_EXACT,
) = range(8)
(
    ADDR_ELSE,
    ADDR_CITY,
    ADDR_DISTRICT,
    ADDR_AREA,
    ADDR_STREET,
    ADDR_CROWDED,
    ADDR_BUILDING,
    ADDR_CLOSE,
    ADDR_EXACT,
) = range(9)
PHONE_ELSE, PHONE_LOCAL, PHONE_EXACT = range(3)
EMAIL_ELSE, EMAIL_USER, EMAIL_EXACT = range(3)
MIDDLE_ELSE, MIDDLE_INITIAL, MIDDLE_EXACT = range(3)
ID_ELSE, ID_ONE_OFF, ID_EXACT = range(3)
SSN_ELSE, SSN_ONE_OFF, SSN_EXACT = range(3)
SEX_ELSE, SEX_SAME = range(2)
PLACE_ELSE, PLACE_ALIKE, PLACE_EXACT = range(3)
SUFFIX_ELSE, SUFFIX_ONE_SIDE, SUFFIX_SAME = range(3)

COMPARISONS: list[Comparison] = [
    Comparison(
        "first_name",
        "First name",
        (
            "different first names",
            "one first name is only the other's initial, or the other's middle name",
            "first names sound alike or are somewhat similar",
            "first names are similar",
            "first names differ by a typo",
            "one first name is a nickname or short form of the other",
            "same first name",
        ),
        (0.03, 0.02, 0.03, 0.03, 0.09, 0.05, 0.75),
        reads=("first_name", "middle_name", "first_sound", "first_key"),
        exact_level=FIRST_EXACT,
        term_frequency=True,
        tells_apart=True,
        name_part=True,
    ),
    Comparison(
        "last_name",
        "Last name",
        (
            "different last names",
            "one last name is part of the other",
            "last names sound alike or are similar",
            "last names differ by a typo",
            "spellings of one surname (Zhang and Chang, de la Cruz and Delacruz)",
            "same last name",
        ),
        (0.05, 0.02, 0.04, 0.09, 0.02, 0.78),
        reads=("last_name", "last_sound", "last_key"),
        exact_level=LAST_EXACT,
        term_frequency=True,
        name_part=True,
    ),
    Comparison(
        "middle_name",
        "Middle name",
        ("different middle names", "same middle initial", "same middle name"),
        (0.1, 0.3, 0.6),
        reads=("middle_name",),
        tells_apart=True,
        name_part=True,
    ),
    Comparison(
        "dob",
        "Date of birth",
        (
            "different dates of birth",
            "same birthday but years far apart (for example father and son)",
            "dates of birth within a year of each other",
            "same birth year (one date gives only the year)",
            "only the day, the month or the year differs",
            "dates of birth one digit apart",
            "day and month swapped",
            "same date of birth",
        ),
        (0.03, 0.005, 0.02, 0.02, 0.03, 0.08, 0.015, 0.80),
        reads=("dob",),
        exact_level=DOB_EXACT,
        exact_min_length=10,
        tells_apart=True,
    ),
    Comparison(
        "address",
        "Address",
        (
            "different addresses",
            "same city only",
            "same postcode district only (the first part of the postcode)",
            "same ZIP or postal code only",
            "same or similar street (no house number)",
            "same address, but one many people share (a shelter, dorm, office or large building)",
            "same building, different apartment",
            "same house number and a similar street",
            "same street address",
        ),
        (0.25, 0.05, 0.03, 0.1, 0.05, 0.02, 0.02, 0.08, 0.4),
        reads=("street", "house_number", "street_name", "unit", "city", "zip"),
    ),
    Comparison(
        "phone",
        "Phone",
        ("different phone numbers", "same last seven digits", "same phone number"),
        (0.3, 0.05, 0.65),
        reads=("phone",),
        exact_level=PHONE_EXACT,
    ),
    Comparison(
        "email",
        "Email",
        ("different emails", "same user name at another provider", "same email"),
        (0.3, 0.05, 0.65),
        reads=("email",),
        exact_level=EMAIL_EXACT,
        tells_apart=True,
    ),
    Comparison(
        "record_id",
        "Record ID",
        ("different record IDs", "record IDs one character apart", "same record ID"),
        (0.5, 0.05, 0.45),
        reads=("record_id",),
        exact_level=ID_EXACT,
        tells_apart=True,
    ),
    Comparison(
        "ssn",
        "Social security number",
        (
            "different social security numbers",
            "social security numbers one digit apart or with two digits swapped",
            "same social security number",
        ),
        (0.03, 0.07, 0.9),
        reads=("ssn",),
        exact_level=SSN_EXACT,
        tells_apart=True,
    ),
    Comparison(
        "birth_place",
        "Place of birth",
        (
            "different places of birth",
            "places of birth alike (a spelling, or the same place in more or fewer words)",
            "same place of birth",
        ),
        (0.1, 0.1, 0.8),
        reads=("birth_place",),
        exact_level=PLACE_EXACT,
        term_frequency=True,
    ),
    Comparison(
        "sex", "Sex", ("different sex", "same sex"), (0.05, 0.95), reads=("sex",), tells_apart=True
    ),
    Comparison(
        "suffix",
        "Suffix",
        (
            "different suffixes (Jr and Sr)",
            "only one has a suffix (Jr, Sr, III)",
            "same suffix",
        ),
        (0.03, 0.2, 0.77),
        reads=("suffix",),
        tells_apart=True,
    ),
]

COMPARISON_BY_NAME: dict[str, Comparison] = {c.name: c for c in COMPARISONS}


def level_columns(comparisons: list[Comparison] | None = None) -> list[str]:
    """The ``{name}_level`` column of each comparison, in order."""
    return [c.level_column for c in (COMPARISONS if comparisons is None else comparisons)]


def comparisons_for(records) -> list[Comparison]:
    """The comparisons a match makes of these records: every registered one, then one per
    column the rosters share as evidence (``overlap.evidence``), in column order."""
    from overlap.evidence import comparison_for, is_evidence_column

    extra = [comparison_for(c) for c in records.columns if is_evidence_column(c)]
    return list(COMPARISONS) + extra
