"""Example cells of every kind of field, and the Hypothesis strategies built on them.

Shared by the tests of each ``overlap.normalise`` module and by the tests of
the whole stage (``test_normalise.py``), whose sample roster mixes them all.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
from hypothesis import settings
from hypothesis import strategies as st

FAST = settings(max_examples=200, deadline=None)
COLUMNS = settings(max_examples=40, deadline=None)  # each example runs a whole column or frame
TODAY = date(2026, 6, 15)


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
    ("1900-01-01", False, "1900-01-01"),  # a placeholder only in a column (partial_dates)
    ("01/01/1900", False, "1900-01-01"),
    ("1901-01-01", False, "1901-01-01"),
    ("01/01/1800", False, "1800-01-01"),  # historical rosters hold old births
    ("0999-05-01", False, ""),
    ("0000-00-00", False, ""),
    ("9999-12-31", False, ""),
    ("2030-01-01", False, ""),
    ("02/30/1980", False, "1980"),  # a day that is a typo leaves the year
    ("13/13/1980", False, "1980"),
    ("1980", False, "1980"),  # the year alone
    ("1980-03", False, "1980-03"),  # a year and a month
    ("03/1980", False, "1980-03"),
    ("unknown", False, ""),
    ("N/A", False, ""),
    ("", False, ""),
    ("1980-03-05 | 1981-01-01", False, "1980-03-05"),
    ("unknown | 1981-01-02", False, "1981-01-02"),
]


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


CITIES = [
    ("Chicago", "chicago"),
    ("  SAN JOSÉ ", "san jose"),
    ("St. Louis", "st louis"),
    ("Coeur d'Alene", "coeur dalene"),
    ("Winston-Salem", "winston-salem"),
    ("", ""),
]


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


def large(values: list[str], skip: int = 0) -> pa.Array:
    """A large_string array, sliced when ``skip`` so its offsets do not start at 0."""
    array = pa.array(["pad"] * skip + values, type=pa.large_string())
    return array.slice(skip)


def decided_agree(fast, func, values: list[str]) -> list[str | None]:
    """Hold a fast path to its reference: every value ``fast`` decides (not null)
    must be what ``func`` gives it. Returns what ``fast`` decided."""
    decided = fast(large(values)).to_pylist()
    for value, out in zip(values, decided, strict=True):
        if out is not None:
            assert out == func(value), value
    return decided
