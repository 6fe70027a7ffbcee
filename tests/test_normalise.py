"""Tests for overlap.normalise: real-world examples, Hypothesis properties, and
the vectorised frame function against the plain row-by-row reference."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import normalise as nz

FAST = settings(max_examples=200, deadline=None)
TODAY = date(2026, 6, 15)

# ----------------------------------------------------------------------------- names

NAME_PARTS = [
    ("John", "john", ""),
    ("  MARY  ", "mary", ""),
    ("José", "jose", ""),
    ("Nguyễn", "nguyen", ""),
    ("O'Brien", "obrien", ""),
    ("O’Connor", "oconnor", ""),
    ("Smith-Jones", "smith-jones", ""),
    ("Smith - Jones", "smith-jones", ""),
    ("de la Cruz", "de la cruz", ""),
    ("St. John", "st john", ""),
    ("Smith Jr.", "smith", "jr"),
    ("Smith, Jr", "smith", "jr"),
    ("Smith III", "smith", "iii"),
    ("Smith Sr", "smith", "sr"),
    ("Smith 2nd", "smith", "ii"),
    ("Junior", "junior", ""),  # a real first name, not a suffix
    ("Müller", "muller", ""),
    ("Zoë", "zoe", ""),
    ("Ana María", "ana maria", ""),
    ("J.", "j", ""),
    ('Robert "Bob"', "robert", ""),
    ("Robert (Bob)", "robert", ""),
    ("(Bob)", "bob", ""),
    ("Unknown", "", ""),
    ("N/A", "", ""),
    ("FNU", "", ""),
    ("123", "", ""),
    ("", "", ""),
]


@pytest.mark.parametrize(("raw", "name", "suffix"), NAME_PARTS)
def test_split_suffix_examples(raw, name, suffix):
    assert nz.split_suffix(raw) == (name, suffix)
    assert nz.normalise_name(raw) == name


FULL_NAMES = [
    ("SMITH, JOHN M", ("john", "m", "smith", "")),
    ("Smith, John", ("john", "", "smith", "")),
    ("John M Smith Jr.", ("john", "m", "smith", "jr")),
    ("John Smith, Jr.", ("john", "", "smith", "jr")),
    ("Smith Jr., John Q", ("john", "q", "smith", "jr")),
    ("Smith, Jr., John", ("john", "", "smith", "jr")),
    ("Dr. Jane Doe", ("jane", "", "doe", "")),
    ("Mrs. María García", ("maria", "", "garcia", "")),
    ("Madonna", ("madonna", "", "", "")),
    ("Garcia Lopez, Maria", ("maria", "", "garcia lopez", "")),
    ("Juan de la Cruz", ("juan", "", "de la cruz", "")),
    ("Mary Ann Smith-Jones III", ("mary", "ann", "smith-jones", "iii")),
    ("O'Brien, Seán", ("sean", "", "obrien", "")),
    ("Dean Smith", ("dean", "", "smith", "")),  # "Dean" is a first name here
    ("Judge Reinhold", ("judge", "", "reinhold", "")),
    ("John  Smith", ("john", "", "smith", "")),
    ("", ("", "", "", "")),
]


@pytest.mark.parametrize(("raw", "expected"), FULL_NAMES)
def test_parse_full_name_examples(raw, expected):
    assert nz.parse_full_name(raw) == expected


SUFFIXES = [
    ("Jr.", "jr"),
    ("JR", "jr"),
    ("Junior", "jr"),
    ("Sr", "sr"),
    ("Senior", "sr"),
    ("II", "ii"),
    ("2nd", "ii"),
    ("III", "iii"),
    ("3rd", "iii"),
    ("IV", "iv"),
    ("MD", ""),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), SUFFIXES)
def test_normalise_suffix_examples(raw, expected):
    assert nz.normalise_suffix(raw) == expected


def test_name_sound_groups_spelling_variants():
    for a, b in [("smith", "smyth"), ("catherine", "kathryn"), ("geoffrey", "jeffrey")]:
        assert nz.name_sound(a) == nz.name_sound(b)
    assert nz.name_sound("smith") != nz.name_sound("jones")
    assert nz.name_sound("") == ""
    assert nz.name_sound("smith-jones") == nz.name_sound("smithjones")


def test_nickname_pairs_both_directions_and_extra_table():
    pairs = nz.nickname_pairs()
    assert list(pairs.columns) == ["name_a", "name_b"]
    assert not pairs.duplicated().any()
    keys = set(zip(pairs["name_a"], pairs["name_b"], strict=True))
    for nick, formal in [
        ("bob", "robert"),
        ("liz", "elizabeth"),
        ("pepe", "jose"),
        ("paco", "francisco"),
        ("pancho", "francisco"),
        ("lupe", "guadalupe"),
        ("chuy", "jesus"),
        ("memo", "guillermo"),
        ("nacho", "ignacio"),
        ("beto", "alberto"),
        ("beto", "roberto"),
        ("beto", "humberto"),
        ("lalo", "eduardo"),
        ("chelo", "consuelo"),
        ("concha", "concepcion"),
        ("tono", "antonio"),
        ("quique", "enrique"),
        ("rafa", "rafael"),
        ("chema", "jose maria"),
        ("maru", "maria"),
        ("lencho", "lorenzo"),
        ("chava", "salvador"),
        ("kasia", "katarzyna"),
        ("gosia", "malgorzata"),
        ("basia", "barbara"),
        ("jurek", "jerzy"),
        ("staszek", "stanislaw"),
        ("tomek", "tomasz"),
    ]:
        assert (nick, formal) in keys
        assert (formal, nick) in keys
    # every pair is present in both directions, all folded to lower-case a-z
    assert keys == {(b, a) for a, b in keys}
    allowed = pairs["name_a"].str.fullmatch(r"[a-z][a-z \-]*")
    assert allowed.all()


def test_first_name_key_shares_unambiguous_nicknames():
    keys = dict(
        zip(
            ["bob", "robert", "liz", "elizabeth", "pepe", "jose", "kasia", "katarzyna"],
            nz.first_name_key(
                ["bob", "robert", "liz", "elizabeth", "pepe", "jose", "kasia", "katarzyna"]
            ),
            strict=True,
        )
    )
    assert keys["bob"] == keys["robert"]
    assert keys["liz"] == keys["elizabeth"]
    assert keys["pepe"] == keys["jose"]
    assert keys["kasia"] == keys["katarzyna"]
    assert keys["robert"] != keys["elizabeth"]
    # ambiguous nicknames keep themselves; unknown names and "" too
    assert list(nz.first_name_key(["beto", "zbigniewa", ""])) == ["beto", "zbigniewa", ""]


# ----------------------------------------------------------------------------- dates

DATES = [
    ("03/05/1980", False, "1980-03-05"),
    ("03/05/1980", True, "1980-05-03"),
    ("3/5/1980", False, "1980-03-05"),
    ("25/12/1975", False, "1975-12-25"),  # first part over 12: day first whatever
    ("12/25/1975", True, "1975-12-25"),
    ("1980-03-05", True, "1980-03-05"),
    ("1980-03-05 00:00:00", False, "1980-03-05"),
    ("1980-03-05T00:00:00", False, "1980-03-05"),
    ("19800305", False, "1980-03-05"),
    ("March 5, 1980", False, "1980-03-05"),
    ("Mar 5 1980", False, "1980-03-05"),
    ("5 March 1980", False, "1980-03-05"),
    ("5-Mar-80", False, "1980-03-05"),
    ("05-MAR-1980", False, "1980-03-05"),
    ("Wednesday, March 5th, 1980", False, "1980-03-05"),
    ("5 de marzo de 1980", False, "1980-03-05"),
    ("03.05.1980", True, "1980-05-03"),
    ("03-05-80", False, "1980-03-05"),
    ("03/05/05", False, "2005-03-05"),
    ("03/05/30", False, "1930-03-05"),
    ("29221", False, "1980-01-01"),
    ("29221.0", False, "1980-01-01"),
    ("1900-01-01", False, ""),
    ("01/01/1900", False, ""),
    ("1901-01-01", False, ""),
    ("01/01/1800", False, ""),
    ("0000-00-00", False, ""),
    ("9999-12-31", False, ""),
    ("2030-01-01", False, ""),
    ("02/30/1980", False, ""),
    ("13/13/1980", False, ""),
    ("1980", False, ""),
    ("unknown", False, ""),
    ("N/A", False, ""),
    ("", False, ""),
    ("1980-03-05 | 1981-01-01", False, "1980-03-05"),
    ("unknown | 1981-01-02", False, "1981-01-02"),
]


@pytest.mark.parametrize(("raw", "dayfirst", "expected"), DATES)
def test_normalise_date_examples(raw, dayfirst, expected):
    assert nz.normalise_date(raw, dayfirst, today=TODAY) == expected


def test_two_digit_year_never_in_the_future():
    assert nz.normalise_date("01/01/26", today=TODAY) == "2026-01-01"
    assert nz.normalise_date("12/31/26", today=TODAY) == "1926-12-31"


@pytest.mark.parametrize(
    ("values", "dayfirst"),
    [
        (["03/05/1980", "25/12/1975", "01/02/1990"], True),
        (["03/05/1980", "12/25/1975", "01/02/1990"], False),
        (["03/05/1980", "01/02/1990"], False),  # no proof: US order
        (["1980-03-05", "March 5, 1980"], False),
        (["25.12.1975", "13-01-1980", "12/31/1980"], True),  # two votes to one
        (["", "", "31/01/1980 | 01/02/1980"], True),
    ],
)
def test_infer_dayfirst(values, dayfirst):
    assert nz.infer_dayfirst(pd.Series(values)) is dayfirst


def test_normalise_dates_decides_per_column():
    day_first = pd.Series(["03/05/1980", "25/12/1975", "", "1980-03-05"], index=[10, 11, 12, 13])
    out = nz.normalise_dates(day_first, today=TODAY)
    assert list(out) == ["1980-05-03", "1975-12-25", "", "1980-03-05"]
    assert list(out.index) == [10, 11, 12, 13]
    month_first = pd.Series(["03/05/1980", "12/25/1975"])
    assert list(nz.normalise_dates(month_first, today=TODAY)) == ["1980-03-05", "1975-12-25"]


# ----------------------------------------------------------------------------- phones

PHONES = [
    ("(312) 555-0100", "+13125550100"),
    ("312-555-0100", "+13125550100"),
    ("312.555.0100", "+13125550100"),
    ("3125550100", "+13125550100"),
    ("1-312-555-0100", "+13125550100"),
    ("+1 312 555 0100", "+13125550100"),
    ("+1 (312) 555-0100", "+13125550100"),
    ("312-555-0100 x23", "+13125550100"),
    ("312-555-0100 ext. 23", "+13125550100"),
    ("3125550100.0", "+13125550100"),
    ("+44 20 7946 0958", "+442079460958"),
    ("555-0100", ""),  # no area code
    ("000-000-0000", ""),
    ("999-999-9999", ""),
    ("123-456-7890", ""),
    ("555-555-5555", ""),
    ("(111) 111-1111", ""),
    ("012-555-0100", ""),
    ("none", ""),
    ("", ""),
    ("555-555-5555 | (773) 555-0102", "+17735550102"),
    ("Cell: 312-555-0100", "+13125550100"),
    ("312-555-0100 cell", "+13125550100"),
    ("(312) 555-0100 / (773) 555-0102", "+13125550100"),
    ("555-555-5555 / 773-555-0102", "+17735550102"),
    ("tel:+13125550100", "+13125550100"),
    ("1 (800) FLOWERS", "+18003569377"),
    ("011 52 55 1234 5678", "+525512345678"),
]


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_normalise_phone_examples(raw, expected):
    assert nz.normalise_phone(raw) == expected


def test_phone_column_fast_path_agrees_with_phonenumbers():
    raws = [raw for raw, _ in PHONES] + ["+13125550100", "13125550100", " 312 555 0100 "]
    column = nz.normalise_phones(pd.Series(raws))
    assert list(column) == [nz.normalise_phone(r) for r in raws]


# ----------------------------------------------------------------------------- emails

EMAILS = [
    (" John.Smith@Example.COM ", "john.smith@example.com"),
    ("maria+clinic@gmail.com", "maria+clinic@gmail.com"),
    ("o'brien@mail.org", "o'brien@mail.org"),
    ("mailto:ann@x.org", "ann@x.org"),
    ("<ann@x.org>", "ann@x.org"),
    ("none@none.com", ""),
    ("noemail@gmail.com", ""),
    ("na@na.com", ""),
    ("no.email@clinic.org", ""),
    ("john.smith@", ""),
    ("john smith@gmail.com", ""),
    ("john@@gmail.com", ""),
    ("john..smith@gmail.com", ""),
    ("john@gmail", ""),
    ("n/a", ""),
    ("", ""),
    ("bad | ann@x.org", "ann@x.org"),
]


@pytest.mark.parametrize(("raw", "expected"), EMAILS)
def test_normalise_email_examples(raw, expected):
    assert nz.normalise_email(raw) == expected


# ----------------------------------------------------------------------------- sex

SEXES = [
    ("M", "m"),
    ("m", "m"),
    ("Male", "m"),
    ("MALE", "m"),
    ("Hombre", "m"),
    ("Masculino", "m"),
    ("H", "m"),
    ("F", "f"),
    ("Female", "f"),
    ("Mujer", "f"),
    ("Femenino", "f"),
    ("f.", "f"),
    ("U", ""),
    ("Unknown", ""),
    ("X", ""),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), SEXES)
def test_normalise_sex_examples(raw, expected):
    assert nz.normalise_sex(raw) == expected


# ----------------------------------------------------------------------------- ZIP, state, city

ZIPS = [
    ("02139", "02139"),
    ("2139", "02139"),
    ("02139-4307", "02139"),
    ("2139-4307", "02139"),
    ("021394307", "02139"),
    ("60601", "60601"),
    (" 60601 ", "60601"),
    ("60601.0", "60601"),
    ("213", ""),
    ("00000", ""),
    ("ABCDE", ""),
    ("606011", ""),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), ZIPS)
def test_normalise_zip_examples(raw, expected):
    assert nz.normalise_zip(raw) == expected


STATES = [
    ("IL", "IL"),
    ("il", "IL"),
    ("Illinois", "IL"),
    ("ILLINOIS", "IL"),
    ("New York", "NY"),
    ("N.Y.", "NY"),
    ("District of Columbia", "DC"),
    ("Calif.", "CA"),
    ("Puerto Rico", "PR"),
    ("Nuevo León", ""),
    ("XX", ""),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), STATES)
def test_normalise_state_examples(raw, expected):
    assert nz.normalise_state(raw) == expected


CITIES = [
    ("Chicago", "chicago"),
    ("  SAN JOSÉ ", "san jose"),
    ("St. Louis", "st louis"),
    ("Coeur d'Alene", "coeur dalene"),
    ("Winston-Salem", "winston-salem"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CITIES)
def test_normalise_city_examples(raw, expected):
    assert nz.normalise_city(raw) == expected


# ----------------------------------------------------------------------------- streets

STREETS = [
    ("123 Main St", ("123 main st", "123", "main", "")),
    ("123 Main Street", ("123 main st", "123", "main", "")),
    ("123 MAIN ST.", ("123 main st", "123", "main", "")),
    ("123 North Main Street", ("123 n main st", "123", "main", "")),
    ("123 N. Main St., Apt. 4B", ("123 n main st", "123", "main", "apt 4b")),
    ("456 Elm Avenue #12", ("456 elm ave", "456", "elm", "apt 12")),
    ("456 Elm Ave Unit 4-B", ("456 elm ave", "456", "elm", "apt 4b")),
    ("456 Elm Ave Suite 300", ("456 elm ave", "456", "elm", "apt 300")),
    ("456 Elm Ave Apartment 7", ("456 elm ave", "456", "elm", "apt 7")),
    ("789 Sunset Boulevard", ("789 sunset blvd", "789", "sunset", "")),
    ("10 Oak Road", ("10 oak rd", "10", "oak", "")),
    ("1600 Pennsylvania Avenue NW", ("1600 pennsylvania ave nw", "1600", "pennsylvania", "")),
    ("12 North St", ("12 north st", "12", "north", "")),
    ("12 N Broadway", ("12 n broadway", "12", "broadway", "")),
    ("5 First Avenue", ("5 1st ave", "5", "1st", "")),
    ("5 1st Ave", ("5 1st ave", "5", "1st", "")),
    ("77 St Marks Pl", ("77 st marks pl", "77", "st marks", "")),
    (
        "789 W. Martin Luther King Jr Blvd Ste 300",
        ("789 w martin luther king jr blvd", "789", "martin luther king jr", "apt 300"),
    ),
    ("PO Box 12", ("po box 12", "", "", "")),
    ("P.O. Box 12", ("po box 12", "", "", "")),
    ("Rural Route 2 Box 15", ("rr 2 box 15", "", "", "")),
    ("HC 1 Box 20", ("hc 1 box 20", "", "", "")),
    ("", ("", "", "", "")),
]


@pytest.mark.parametrize(("raw", "expected"), STREETS)
def test_parse_street_examples(raw, expected):
    assert nz.parse_street(raw) == expected
    assert nz.normalise_street(raw) == expected[0]


UNITS = [
    ("Apt 4B", "apt 4b"),
    ("APT. 4B", "apt 4b"),
    ("#4b", "apt 4b"),
    ("# 4B", "apt 4b"),
    ("Unit 4-B", "apt 4b"),
    ("Suite 300", "apt 300"),
    ("Ste. 300", "apt 300"),
    ("Apartment 12", "apt 12"),
    ("4B", "apt 4b"),
    ("Bldg 3 Apt 4", "apt 4"),
    ("Apt 4 B", "apt 4b"),
    ("Apt 2 Chicago IL", "apt 2"),
    ("Apt", ""),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), UNITS)
def test_normalise_unit_examples(raw, expected):
    assert nz.normalise_unit(raw) == expected


ADDRESSES = [
    (
        "123 N Main St Apt 4B, Springfield, IL 62704",
        ("123 n main st", "123", "main", "apt 4b", "springfield", "IL", "62704"),
    ),
    (
        "123 N Main St, Apt 4B, Springfield, IL 62704-1234",
        ("123 n main st", "123", "main", "apt 4b", "springfield", "IL", "62704"),
    ),
    (
        "456 Elm Avenue, Chicago, Illinois 60601",
        ("456 elm ave", "456", "elm", "", "chicago", "IL", "60601"),
    ),
    (
        "10 Oak Rd, Boston MA 2139",
        ("10 oak rd", "10", "oak", "", "boston", "MA", "02139"),
    ),
    (
        "1600 Pennsylvania Avenue NW, Washington, DC 20500",
        ("1600 pennsylvania ave nw", "1600", "pennsylvania", "", "washington", "DC", "20500"),
    ),
    (
        "456 Elm Avenue #12 Chicago Illinois 60601",
        ("456 elm ave", "456", "elm", "apt 12", "chicago", "IL", "60601"),
    ),
    ("12 Main St, San José, California", ("12 main st", "12", "main", "", "san jose", "CA", "")),
    ("PO Box 12, Austin, TX 78701", ("po box 12", "", "", "", "austin", "TX", "78701")),
    ("", ("", "", "", "", "", "", "")),
]

ADDRESS_KEYS = ("street", "house_number", "street_name", "unit", "city", "state", "zip")


@pytest.mark.parametrize(("raw", "expected"), ADDRESSES)
def test_parse_address_examples(raw, expected):
    parsed = nz.parse_address(raw)
    assert tuple(parsed[k] for k in ADDRESS_KEYS) == expected


# ----------------------------------------------------------------------------- Hypothesis

messy_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789/-.: ,|()+#xXaApPtT", max_size=30),
    st.sampled_from(
        [r for r, *_ in NAME_PARTS]
        + [r for r, _ in FULL_NAMES]
        + [r for r, *_ in DATES]
        + [r for r, _ in PHONES]
        + [r for r, _ in EMAILS]
        + [r for r, _ in STREETS]
        + [r for r, _ in ADDRESSES]
    ),
)

SINGLE_VALUE_FUNCTIONS = [
    nz.normalise_name,
    nz.normalise_suffix,
    nz.normalise_date,
    nz.normalise_phone,
    nz.normalise_email,
    nz.normalise_sex,
    nz.normalise_zip,
    nz.normalise_state,
    nz.normalise_city,
    nz.normalise_street,
    nz.normalise_unit,
    nz.normalise_ssn,
    nz.normalise_record_id,
]


@pytest.mark.parametrize("func", SINGLE_VALUE_FUNCTIONS, ids=lambda f: f.__name__)
@FAST
@given(value=messy_text)
def test_single_value_normalisers_never_raise_are_idempotent_and_deterministic(func, value):
    once = func(value)
    assert isinstance(once, str)
    assert func(value) == once
    assert func(once) == once


@FAST
@given(value=messy_text)
def test_name_parsers_never_raise_and_are_stable(value):
    first, middle, last, suffix = nz.parse_full_name(value)
    for part in (first, middle, last):
        assert nz.normalise_name(part) == part
        assert set(part) <= set("abcdefghijklmnopqrstuvwxyz -")
    assert suffix in {"", "jr", "sr", "ii", "iii", "iv"}
    street = nz.parse_street(value)
    assert nz.normalise_unit(street[3]) == street[3]
    assert nz.parse_street(value) == street
    parsed = nz.parse_address(value)
    assert set(parsed) == set(ADDRESS_KEYS)
    assert parsed["state"] == "" or len(parsed["state"]) == 2
    assert parsed["zip"] == "" or (len(parsed["zip"]) == 5 and parsed["zip"].isdigit())


@FAST
@given(value=messy_text, dayfirst=st.booleans())
def test_dates_are_iso_past_and_stable(value, dayfirst):
    out = nz.normalise_date(value, dayfirst, today=TODAY)
    if out:
        when = date.fromisoformat(out)
        assert date(1900, 1, 1) < when <= TODAY
        assert nz.normalise_date(out, not dayfirst, today=TODAY) == out


@FAST
@given(value=messy_text)
def test_phones_are_e164(value):
    out = nz.normalise_phone(value)
    assert out == "" or (out.startswith("+") and out[1:].isdigit())


@settings(max_examples=40, deadline=None)
@given(
    numbers=st.lists(
        st.tuples(
            st.text(alphabet="0123456789", min_size=10, max_size=10),
            st.sampled_from(
                [
                    "{a}{b}{c}",
                    "({a}) {b}-{c}",
                    "{a}-{b}-{c}",
                    "+1 {a} {b} {c}",
                    "1.{a}.{b}.{c}",
                    "{a}-{b}-{c} x{c}",
                    "({a}) {b}-{c} Ext. 7",
                    "{a}{b}{c}ext{a}",
                    " {a} {b} {c} extension 12 ",
                    "{a}\t{b}{c}",
                ]
            ),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_phone_fast_path_matches_phonenumbers(numbers):
    raws = [layout.format(a=d[:3], b=d[3:6], c=d[6:]) for d, layout in numbers]
    assert nz.normalise_phones(pd.Series(raws)).tolist() == [nz.normalise_phone(r) for r in raws]


@settings(max_examples=40, deadline=None)
@given(
    dates=st.lists(
        st.tuples(
            st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)),
            st.sampled_from(
                [
                    "%m/%d/%Y",
                    "%d/%m/%Y",
                    "%Y-%m-%d",
                    "%Y-%m-%d 00:00:00",
                    "%Y%m%d",
                    "%m%d%Y",
                    "%d%m%Y",
                    " %Y%m%d",
                    "%B %d, %Y",
                ]
            ),
        ),
        min_size=1,
        max_size=40,
    ),
    dayfirst=st.booleans(),
)
def test_date_fast_path_matches_single_value(dates, dayfirst):
    raws = [when.strftime(layout) for when, layout in dates]
    raws.append("13/01/1980" if dayfirst else "01/13/1980")  # a vote for one order
    column_order = nz.infer_dayfirst(pd.Series(raws))
    column = nz.normalise_dates(pd.Series(raws), today=TODAY)
    assert column.tolist() == [nz.normalise_date(r, column_order, today=TODAY) for r in raws]


# ----------------------------------------------------------------------------- the frame


def _sample_fields() -> pd.DataFrame:
    """A small messy roster: every field kind, several layouts, repeats, blanks."""
    rng = np.random.default_rng(7)
    n = 400

    def pick(values):
        return [values[i] for i in rng.integers(0, len(values), n)]

    frame = pd.DataFrame(
        {
            "record_id": pick(["A-1001", "a1001", "1001 | 77", "", "#42"]),
            "ssn": pick(
                [
                    "234-56-7891",
                    "234567891",
                    "5304218",
                    "123-45-6789",
                    "000-00-0000",
                    "",
                    "x | 345-67-8912",
                ]
            ),
            "full_name": pick([r for r, _ in FULL_NAMES] + [""] * 10),
            "first_name": pick([r for r, *_ in NAME_PARTS] + ["John M", "Bob", "Pepe", ""]),
            "middle_name": pick(["", "", "Q", "Ann"]),
            "last_name": pick([r for r, *_ in NAME_PARTS] + [""] * 5),
            "suffix": pick([r for r, _ in SUFFIXES] + [""] * 10),
            "dob": pick([r for r, *_ in DATES] + ["14/02/1990", "02/14/1990"]),
            "sex": pick([r for r, _ in SEXES]),
            "address": pick([r for r, _ in ADDRESSES] + [""] * 5),
            "street": pick([r for r, _ in STREETS] + [""] * 5),
            "unit": pick([r for r, _ in UNITS] + [""] * 8),
            "city": pick([r for r, _ in CITIES] + [""] * 3),
            "state": pick([r for r, _ in STATES] + [""] * 3),
            "zip": pick([r for r, _ in ZIPS] + [""] * 3),
            "phone": pick([r for r, _ in PHONES] + ["(773) 555-0199", "773 555 0199"]),
            "email": pick([r for r, _ in EMAILS]),
        },
        dtype=str,
    )
    frame.index = pd.RangeIndex(100, 100 + n)
    return frame


def test_normalise_fields_equals_row_by_row_reference():
    fields = _sample_fields()
    out = nz.normalise_fields(fields)
    assert list(out.columns) == nz.OUTPUT_COLUMNS
    assert out.index.equals(fields.index)
    assert all(out[c].dtype == "str" for c in out.columns)
    dayfirst = nz.infer_dayfirst(fields["dob"])
    reference = pd.DataFrame(
        [nz.normalise_record(row, dayfirst) for row in fields.to_dict("records")],
        index=fields.index,
    )
    for column in nz.OUTPUT_COLUMNS:
        assert out[column].tolist() == reference[column].tolist(), column


def test_normalise_fields_examples_and_fallbacks():
    fields = pd.DataFrame(
        {
            "full_name": ["SMITH, JOHN M", "", "Dr. Jane Doe"],
            "first_name": ["", "Bob", ""],
            "last_name": ["", "O'Brien Jr.", ""],
            "dob": ["03/05/1980", "1975-12-25", "29221"],
            "address": ["123 N Main St Apt 4B, Springfield, IL 62704", "", ""],
            "street": ["", "456 Elm Avenue #12", ""],
            "city": ["", "Chicago", ""],
            "state": ["", "Illinois", ""],
            "zip": ["", "2139", ""],
            "phone": ["(312) 555-0100", "555-555-5555 | 773.555.0102", ""],
            "email": [" John@Example.com ", "none@none.com", ""],
            "sex": ["Male", "H", "Mujer"],
        }
    )
    out = nz.normalise_fields(fields)
    assert out.loc[0, ["first_name", "middle_name", "last_name"]].tolist() == [
        "john",
        "m",
        "smith",
    ]
    assert out.loc[1, ["first_name", "last_name", "suffix", "first_key"]].tolist() == [
        "bob",
        "obrien",
        "jr",
        "robert",
    ]
    assert out.loc[2, ["first_name", "last_name", "dob"]].tolist() == ["jane", "doe", "1980-01-01"]
    assert out.loc[0, ["street", "house_number", "street_name", "unit"]].tolist() == [
        "123 n main st",
        "123",
        "main",
        "apt 4b",
    ]
    assert out.loc[0, ["city", "state", "zip"]].tolist() == ["springfield", "IL", "62704"]
    assert out.loc[1, ["street", "unit", "city", "state", "zip"]].tolist() == [
        "456 elm ave",
        "apt 12",
        "chicago",
        "IL",
        "02139",
    ]
    assert out["phone"].tolist() == ["+13125550100", "+17735550102", ""]
    assert out["email"].tolist() == ["john@example.com", "", ""]
    assert out["sex"].tolist() == ["m", "m", "f"]
    assert out.loc[0, "first_sound"] == nz.name_sound("john")
    assert out.loc[1, "last_sound"] == nz.name_sound("obrien")


def test_street_cell_holding_a_whole_address_fills_city_state_zip():
    fields = pd.DataFrame(
        {
            "street": ["123 Main St, Springfield, IL 62704", "456 Elm Ave Apt 2 Chicago IL 60601"],
            "city": ["", "Evanston"],
        }
    )
    out = nz.normalise_fields(fields)
    assert out[["street", "unit", "city", "state", "zip"]].values.tolist() == [
        ["123 main st", "", "springfield", "IL", "62704"],
        ["456 elm ave", "apt 2", "evanston", "IL", "60601"],
    ]


def test_normalise_fields_missing_columns_and_empty_frame():
    out = nz.normalise_fields(pd.DataFrame({"phone": ["3125550100"]}))
    assert list(out.columns) == nz.OUTPUT_COLUMNS
    assert out.loc[0, "phone"] == "+13125550100"
    assert (out.drop(columns="phone").iloc[0] == "").all()
    empty = nz.normalise_fields(
        pd.DataFrame({f: pd.Series([], dtype=str) for f in nz.INPUT_FIELDS})
    )
    assert list(empty.columns) == nz.OUTPUT_COLUMNS
    assert len(empty) == 0


def test_normalise_fields_accepts_object_columns_with_missing_values():
    fields = pd.DataFrame(
        {"first_name": np.array(["Ann", None], dtype=object), "zip": [None, "2139"]}
    )
    out = nz.normalise_fields(fields)
    assert out["first_name"].tolist() == ["ann", ""]
    assert out["zip"].tolist() == ["", "02139"]


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "full_name": messy_text,
                "first_name": messy_text,
                "last_name": messy_text,
                "dob": messy_text,
                "street": messy_text,
                "address": messy_text,
                "zip": messy_text,
                "phone": messy_text,
                "email": messy_text,
                "ssn": messy_text,
                "record_id": messy_text,
            }
        ),
        min_size=1,
        max_size=8,
    )
)
def test_frame_matches_reference_on_any_text(rows):
    fields = pd.DataFrame(rows, dtype=str)
    out = nz.normalise_fields(fields)
    dayfirst = nz.infer_dayfirst(fields["dob"])
    for i, row in enumerate(rows):
        assert out.iloc[i].to_dict() == nz.normalise_record(row, dayfirst)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("234-56-7891", "234567891"),
        (" 234 56 7891 ", "234567891"),
        ("SSN: 234.56.7891", "234567891"),
        ("12-34-5678", "012345678"),  # a leading zero lost in a spreadsheet
        ("5304218", "005304218"),
        ("000-00-0000", ""),
        ("123-45-6789", ""),
        ("999-99-9999", ""),
        ("111-11-1111", ""),
        ("000-12-3456", ""),
        ("666-12-3456", ""),
        ("912-34-5678", ""),
        ("234-00-5678", ""),
        ("234-56-0000", ""),
        ("12345", ""),
        ("1234567890", ""),
        ("000-00-0000 | 234-56-7891", "234567891"),
        ("", ""),
    ],
)
def test_ssn_is_nine_digits_and_placeholders_are_missing(raw, expected):
    assert nz.normalise_ssn(raw) == expected
    assert nz.normalise_fields(pd.DataFrame({"ssn": [raw]}, dtype=str))["ssn"].tolist() == [
        expected
    ]


def test_record_id_keeps_letters_and_digits_of_the_first_value():
    assert nz.normalise_record_id("A-1001 | B-7") == "a1001"
    out = nz.normalise_fields(pd.DataFrame({"record_id": ["Client #42", ""]}, dtype=str))
    assert out["record_id"].tolist() == ["client42", ""]


def test_pete_is_peter_not_patrick():
    assert list(nz.first_name_key(["pete", "peter"])) == ["peter", "peter"]


@pytest.mark.parametrize(
    "raw",
    ["2/312555010202/1984", "312555010202/2/1984", "2/312555010202/84", "1984-02-312555010202"],
)
def test_a_day_or_month_too_big_for_a_date_is_missing_not_a_crash(raw):
    assert nz.normalise_date(raw) == ""
    assert nz.normalise_fields(pd.DataFrame({"dob": [raw]}, dtype=str))["dob"].tolist() == [""]


# ----------------------------------------------------------------------------- vectorised kernels

kernel_text = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.text(alphabet=" ().-|#.,xAZaz09\u00e9\u0130", max_size=12),
        st.just(""),
    ),
    max_size=30,
)


def _large(values: list[str], skip: int = 0) -> pa.Array:
    """A large_string array, sliced when ``skip`` so its offsets do not start at 0."""
    array = pa.array(["pad"] * skip + values, type=pa.large_string())
    return array.slice(skip)


@FAST
@given(values=kernel_text, skip=st.integers(0, 2))
def test_byte_kernels_match_python_string_methods(values, skip):
    array = _large(values, skip)
    assert nz._drop_bytes(array, b" ().-").to_pylist() == [
        v.translate(str.maketrans("", "", " ().-")) for v in values
    ]
    assert nz._squeeze_spaces(array).to_pylist() == [re.sub(" +", " ", v) for v in values]
    assert list(nz._printable(array)) == [all(" " <= c <= "~" for c in v) for v in values]
    offsets, data = nz._buffers(array)
    assert list(nz._count_bytes(offsets, data == ord("|"))) == [
        v.encode().count(b"|") for v in values
    ]
    streets = nz._map_bytes(array, nz._STREET_BYTES).to_pylist()
    assert streets == [
        "".join(c.lower() if c.isascii() else c for c in v).replace(".", " ").replace(",", " ")
        for v in values
    ]


def test_count_bytes_with_dense_flags_and_empty_values():
    values = ["", "(1) 2-3", "", "", "ab.", ""]  # a flag on the last byte before empties
    offsets, data = nz._buffers(_large(values, 1))
    flags = np.isin(data, np.frombuffer(b" ().-", dtype=np.uint8))
    assert list(nz._count_bytes(offsets, flags)) == [0, 4, 0, 0, 1, 0]


@FAST
@given(values=st.lists(messy_text, max_size=20))
def test_record_ids_row_wise_match_single_value(values):
    out = nz._record_ids_fast(_large(values))
    expected = [nz.normalise_record_id(v) for v in values]
    assert (out.to_pylist() if out is not None else [""] * len(values)) == expected


ZIP_LIKE = st.one_of(
    messy_text,
    st.text(alphabet="0123456789 -.|", max_size=12),
    st.sampled_from(
        ["60623", " 60623-9234 ", "606239234", "2139", "60623.0", "60623 9234", "00000"]
    ),
)


@FAST
@given(values=st.lists(ZIP_LIKE, max_size=20))
def test_zip_fast_path_agrees_with_single_value(values):
    decided = nz._zips_fast(_large(values)).to_pylist()
    for value, zip5 in zip(values, decided, strict=True):
        if zip5 is not None:
            assert zip5 == nz.normalise_zip(value), value
    plain = [v for v in values if all(" " <= c <= "~" for c in v) and "|" not in v]
    assert sum(z is not None for z in decided) == len(plain)


@FAST
@given(values=st.lists(messy_text, max_size=20))
def test_fast_paths_agree_with_single_value_functions(values):
    array = _large(values)
    checks = [
        (nz._phones_fast(array).to_pylist(), nz.normalise_phone),
        (nz._emails_fast(array).to_pylist(), nz.normalise_email),
        (nz._ssns_fast(array).to_pylist(), nz.normalise_ssn),
    ]
    for decided, func in checks:
        for value, out in zip(values, decided, strict=True):
            if out is not None:
                assert out == func(value), (func.__name__, value)
    streets = nz._streets_fast(array)
    for i, value in enumerate(values):
        if streets[0][i].is_valid:
            assert tuple(p[i].as_py() for p in streets) == nz.parse_street(value), value


NAME_WORD = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ", min_size=1, max_size=8),
    st.sampled_from(
        ["Jr", "SR", "junior", "Senior", "II", "iii", "IV", "n", "a", "NO", "name", "J"]
    ),
    st.sampled_from(sorted(nz._NAME_PLACEHOLDERS)),
)


@FAST
@given(
    names=st.lists(
        st.one_of(
            st.lists(st.tuples(NAME_WORD, st.sampled_from([" ", "-", "  ", "."])), max_size=4).map(
                lambda ws: "".join(w + sep for w, sep in ws).rstrip(" -.")
            ),
            messy_text,
        ),
        max_size=20,
    )
)
def test_name_fast_path_agrees_with_the_parser(names):
    """Plain words (suffixes, placeholders, initials among them) decided in pyarrow
    come out as the per-value parser has them; the rest is left to it."""
    array = _large(names)
    two, four = nz._names_fast(array, 2), nz._names_fast(array, 4)
    for i, name in enumerate(names):
        if two[0][i].is_valid:
            assert tuple(p[i].as_py() for p in two) == nz._first_split(name), name
            assert tuple(p[i].as_py() for p in four) == nz._first_parts(name), name
        else:
            assert not four[0][i].is_valid
    plain = [n for n in names if re.fullmatch("[A-Za-z]+(?:[ -][A-Za-z]+)*", n)]
    assert sum(v is not None for v in two[0].to_pylist()) == len(plain)


@pytest.mark.parametrize(
    "streets",
    [
        ["123 N Main St", "45 Elm Ave Apt 2", "7 Oak", "123 N Main St"],  # every line decided
        ["123 N Main St", "PO Box 12", "", "9 W 1st Street #4", "12-14 Elm Rd"],  # some not
    ],
)
def test_street_fast_path_spreads_its_lines_back_in_order(streets):
    decided = nz._streets_fast(_large(streets))
    for i, street in enumerate(streets):
        if decided[0][i].is_valid:
            assert tuple(p[i].as_py() for p in decided) == nz.parse_street(street), street
    assert decided[0][0].is_valid and decided[0][-1].is_valid
