"""Column mapping: header synonyms (English and Spanish), value sniffing, applying, overrides."""

from __future__ import annotations

from types import SimpleNamespace

import filegen
import pandas as pd
import pytest

from overlap.errors import MappingError
from overlap.ingest import read_roster
from overlap.mapping import (
    CANONICAL_FIELDS,
    apply_mapping,
    apply_overrides,
    check_linkable,
    guess_mapping,
    normalise_header,
    overrides_for,
    parse_map_overrides,
)

HEADER_CASES = {
    "record_id": ["ID", "Client ID", "Member #", "member_no", "Participant Id", "Número de cliente", "EmployeeID"],
    "ssn": ["SSN", "Social Security Number", "social security", "SS#", "Soc Sec", "soc_sec_id", "Número de Seguro Social", "Client SSN"],
    "full_name": ["Name", "Full Name", "FULL_NAME", "Client Name", "Nombre completo", "Nombre y Apellidos", "Name (Last, First)"],
    "first_name": ["First Name", "first_name", "given_name", "fname", "FirstName", "Primer nombre", "Nombre(s)", "Client First Name", "Forename"],
    "middle_name": ["Middle", "Middle Name", "MI", "M.I.", "Middle Initial", "Segundo nombre"],
    "last_name": ["Last Name", "surname", "LNAME", "Family name", "Apellido", "Apellidos", "Apellido(s)", "Apellido paterno"],
    "suffix": ["Suffix", "Name Suffix", "Sufijo"],
    "dob": ["Birthdate", "DOB", "date_of_birth", "Fecha de nacimiento", "Birth Date", "D.O.B.", "DateOfBirth", "DOB (MM/DD/YYYY)", "Fecha Nac."],
    "sex": ["Gender", "Sex", "Sexo", "Género", "Sex (M/F)"],
    "street": ["Street", "Street Address", "Address 1", "Address Line 1", "addr1", "Calle"],
    "unit": ["Apt/Unit", "Apt", "Unit", "Suite", "Address Line 2", "Apartamento", "Apto."],
    "city": ["City", "Ciudad", "Town", "Mailing City", "Municipio"],
    "state": ["State", "ST", "Estado", "Province"],
    "zip": ["zip5", "postcode", "ZIP Code", "Código postal", "Zip+4", "Postal Code", "ZIP", "CP", "Home ZIP"],
    "phone": ["Mobile", "Cell", "phone_number", "Teléfono", "Celular", "Home Phone", "Phone #", "Tel.", "Cell Phone"],
    "email": ["E-mail", "Email", "Correo", "Correo electrónico", "Email Address", "E_Mail"],
}  # fmt: skip


@pytest.mark.parametrize(
    "header,expected",
    [(h, field) for field, headers in HEADER_CASES.items() for h in headers],
)
def test_header_synonyms_in_english_and_spanish(header, expected):
    frame = pd.DataFrame({header: ["x", "y", "z"]}, dtype="str")
    guess = guess_mapping(frame)
    assert guess.mapping == {header: expected}
    assert guess.evidence[header].startswith(f"the header '{header}'")


@pytest.mark.parametrize(
    "header",
    ["Emergency Contact Phone", "Work Phone", "Parent Name", "Guardian Email", "Spouse DOB",
     "Teléfono de emergencia", "Fax", "Employer Address", "Hire Date", "Visit Date", "Notes",
     "Household ID", "Preferred Language", "Caseworker"],
)  # fmt: skip
def test_other_peoples_details_and_other_columns_stay_attributes(header):
    frame = pd.DataFrame({header: ["312-555-0100", "1990-01-01", "a@b.org"]}, dtype="str")
    assert guess_mapping(frame).mapping == {}


def test_normalise_header_folds_case_accents_punctuation_and_camel_case():
    assert normalise_header("Fecha_de_Nacimiento") == "fecha de nacimiento"
    assert normalise_header("  Código  Postal ") == "codigo postal"
    assert normalise_header("DateOfBirth") == "date of birth"
    assert normalise_header("Member #") == "member number"
    assert normalise_header("E-mail") == "e mail"


def test_address_is_street_when_city_and_zip_have_their_own_columns():
    frame = pd.DataFrame(
        {"Address": ["12 Main St"] * 3, "City": ["Chicago"] * 3, "Zip": ["60623"] * 3}
    )
    assert guess_mapping(frame).mapping == {"Address": "street", "City": "city", "Zip": "zip"}


def test_address_is_one_line_when_it_holds_city_and_zip():
    frame = pd.DataFrame({"Dirección": ["123 Main St, Chicago, IL 60623", "9 Elm Ave, Cicero, IL 60804", "1 Oak Rd Apt 2, Chicago, IL 60608"]})  # fmt: skip
    guess = guess_mapping(frame)
    assert guess.mapping == {"Dirección": "address"}
    assert guess.evidence["Dirección"] == (
        "the header 'Dirección' is an address and 100% of values include city and ZIP"
    )


def test_nombre_is_first_name_next_to_apellido_and_full_name_alone():
    both = pd.DataFrame({"Nombre": ["Ana"], "Apellido": ["Ruiz"]})
    assert guess_mapping(both).mapping == {"Nombre": "first_name", "Apellido": "last_name"}
    alone = pd.DataFrame({"Nombre": ["Ana Ruiz"], "Teléfono": ["312-555-0100"]})
    assert guess_mapping(alone).mapping == {"Nombre": "full_name", "Teléfono": "phone"}


def test_several_phone_columns_all_map_to_phone_but_one_field_never_gets_two_names():
    frame = pd.DataFrame(
        {"Home Phone": ["1"], "Mobile": ["2"], "First Name": ["Ann"], "Given Name": ["Ann"]}
    )
    guess = guess_mapping(frame)
    assert guess.mapping == {"Home Phone": "phone", "Mobile": "phone", "First Name": "first_name"}
    assert guess.evidence["Given Name"] == (
        "also looks like first name, but an earlier column is used"
    )


# ---------------------------------------------------------------------------
# Sniffing values where headers say nothing

N = 30
SNIFF_CASES = {
    "email": [f"person{i}@example.org" for i in range(N)],
    "phone": [f"(312) 555-{i:04d}" for i in range(N)],
    "dob": [f"{1 + i % 12}/{1 + i % 28}/{1940 + i}" for i in range(N)],
    "zip": ["60623", "60608", "02139"] * (N // 3),
    "address": [f"{100 + i} Main St, Chicago, IL 60623" for i in range(N)],
    "street": [f"{100 + i} W {i}th Street" for i in range(N)],
    "full_name": [
        f"{last}, {first}"
        for last in ("GARCIA", "LEE", "NUNEZ", "SMITH", "OKAFOR")
        for first in ("ANA", "BO", "CY", "DI", "ED", "FAY")
    ],  # fmt: skip
    "state": ["IL", "MA", "IN"] * (N // 3),
    "sex": ["M", "F"] * (N // 2),
    "ssn": [f"{200 + i:03d}-{10 + i:02d}-{3000 + i:04d}" for i in range(N)],
}


@pytest.mark.parametrize("header", ["Column 3", "Field7", "Contact", "Unnamed: 4", "col_2"])
@pytest.mark.parametrize("expected", list(SNIFF_CASES))
def test_values_decide_where_headers_say_nothing(header, expected):
    frame = pd.DataFrame({header: SNIFF_CASES[expected]}, dtype="str")
    guess = guess_mapping(frame)
    assert guess.mapping == {header: expected}
    assert guess.evidence[header].startswith("100% of filled values look like")


def test_sniffing_never_quotes_a_value():
    frame = pd.DataFrame({"Column 1": SNIFF_CASES["email"]})
    evidence = guess_mapping(frame).evidence["Column 1"]
    assert "@" not in evidence and "person" not in evidence


def test_recent_dates_are_not_birth_dates():
    visits = [f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(N)]
    assert guess_mapping(pd.DataFrame({"Column 5": visits})).mapping == {}


def test_dates_under_a_header_naming_another_event_are_not_birth_dates():
    births = [f"{1 + i % 12}/{1 + i % 28}/{1940 + i}" for i in range(N)]
    for header in ("Registered", "Baptism", "Intake", "Last seen", "Fecha de registro"):
        assert guess_mapping(pd.DataFrame({header: births})).mapping == {}, header


def test_unique_five_digit_ids_are_not_zip_codes():
    ids = [str(10000 + i) for i in range(N)]
    assert guess_mapping(pd.DataFrame({"Column 1": ids})).mapping == {}


def test_mixed_values_below_the_share_stay_attributes():
    mixed = SNIFF_CASES["email"][:15] + SNIFF_CASES["phone"][:15]
    assert guess_mapping(pd.DataFrame({"Contact": mixed})).mapping == {}


def test_a_sniffed_field_does_not_take_one_the_header_already_gave():
    frame = pd.DataFrame({"Email": SNIFF_CASES["email"], "Column 2": SNIFF_CASES["email"]})
    guess = guess_mapping(frame)
    assert guess.mapping == {"Email": "email"}
    assert "another column already gives email" in guess.evidence["Column 2"]


def test_guess_is_the_same_twice():
    frame = pd.DataFrame({k: v for k, v in SNIFF_CASES.items()} | {"Name": ["x"] * N})
    assert guess_mapping(frame) == guess_mapping(frame)


# ---------------------------------------------------------------------------
# Applying a mapping


def _roster(tmp_path, rows, name="members.csv"):
    return read_roster(filegen.write_text(tmp_path / name, rows))


def test_apply_mapping_gives_every_field_and_keeps_the_rest_as_attributes(tmp_path):
    rows = [
        ["Name", "Home Phone", "Mobile", "Language", "SSN"],
        ["Ann Lee", "312-555-0100", "312-555-0199", "es", "x"],
        ["Bo Ruiz", "", "773-555-0101", "en", "y"],
        ["Cy Do", "", "", "en", "z"],
    ]
    roster = _roster(tmp_path, rows)
    mapping = {"Name": "full_name", "Home Phone": "phone", "Mobile": "phone", "SSN": "ignore"}
    mapped = apply_mapping(roster, mapping)
    assert list(mapped.fields.columns) == CANONICAL_FIELDS
    assert mapped.fields["phone"].tolist() == ["312-555-0100 | 312-555-0199", "773-555-0101", ""]
    assert mapped.fields["full_name"].tolist() == ["Ann Lee", "Bo Ruiz", "Cy Do"]
    assert (mapped.fields["dob"] == "").all()
    assert list(mapped.attributes.columns) == ["Language"]
    assert mapped.mapping == {"Name": "full_name", "Home Phone": "phone", "Mobile": "phone"}
    assert mapped.name == "members" and mapped.roster is roster


def test_apply_mapping_names_an_unknown_field(tmp_path):
    roster = _roster(tmp_path, [["Name"], ["Ann"]])
    with pytest.raises(MappingError) as caught:
        apply_mapping(roster, {"Name": "nickname"})
    assert str(caught.value).startswith(
        "'nickname' is not a field Overlap knows (mapping column 'Name' of members.csv); use one of:"
    )


def test_apply_mapping_names_a_missing_column(tmp_path):
    roster = _roster(tmp_path, [["Name", "Zip"], ["Ann", "02139"]])
    with pytest.raises(MappingError) as caught:
        apply_mapping(roster, {"Surname": "last_name"})
    assert (
        str(caught.value)
        == "members.csv has no column named 'Surname'; its columns are: Name, Zip."
    )


def test_check_linkable_accepts_a_full_name_or_first_and_last():
    check_linkable({"N": "full_name"}, "a.csv")
    check_linkable({"F": "first_name", "L": "last_name"}, "a.csv")
    with pytest.raises(MappingError):
        check_linkable({"F": "first_name", "D": "dob"}, "a.csv")


# ---------------------------------------------------------------------------
# Overrides: --map FILE:RAW=FIELD


def test_parse_map_overrides_by_file_name_or_stem():
    overrides = parse_map_overrides(
        ["members.csv:Nombre=full_name", "clinic:Tel=phone", "clinic:Notes=ignore", "Zip=zip"]
    )
    assert overrides == {
        "members.csv": {"Nombre": "full_name"},
        "clinic": {"Tel": "phone", "Notes": "ignore"},
        "*": {"Zip": "zip"},
    }
    assert overrides_for(overrides, "data/members.csv") == {"Nombre": "full_name", "Zip": "zip"}
    assert overrides_for(overrides, "clinic.xlsx") == {"Tel": "phone", "Notes": "ignore", "Zip": "zip"}  # fmt: skip
    assert overrides_for(overrides, "other.csv") == {"Zip": "zip"}


@pytest.mark.parametrize(
    "spec,message",
    [
        ("members.csv:Name", "--map 'members.csv:Name' is not of the form FILE:COLUMN=FIELD."),
        ("=full_name", "--map '=full_name' is not of the form FILE:COLUMN=FIELD."),
        ("a:Name=nick", "--map 'a:Name=nick' names 'nick', which is not a field; use one of: "),
    ],
)
def test_parse_map_overrides_refuses_bad_specs(spec, message):
    with pytest.raises(MappingError) as caught:
        parse_map_overrides([spec])
    assert str(caught.value).startswith(message)


def test_overrides_replace_unmap_and_ignore(tmp_path):
    frame = pd.DataFrame({"First Name": ["A"], "Given": ["B"], "DOB": ["1990-01-01"], "X": ["1"]})
    guess = guess_mapping(frame)
    assert guess.mapping == {"First Name": "first_name", "DOB": "dob"}
    changed = apply_overrides(guess, {"Given": "first_name", "DOB": "attribute", "X": "ignore"})
    # an explicit "attribute" is kept, so the column is never chosen as evidence either
    assert changed.mapping == {"Given": "first_name", "DOB": "attribute", "X": "ignore"}
    assert changed.evidence["First Name"] == "you chose another column for first name"
    assert changed.evidence["DOB"] == "you chose to keep this column as an attribute"
    with pytest.raises(MappingError) as caught:
        apply_overrides(guess, {"Nope": "zip"}, "m.csv")
    assert str(caught.value) == (
        "m.csv has no column named 'Nope'; its columns are: First Name, Given, DOB, X."
    )


def test_address_parts_under_any_prefix_are_put_together_and_employers_are_not():
    frame = pd.DataFrame(
        {
            "first_name": ["Ann"],
            "employer_street_number": ["1"],
            "employer_street_name": ["industrial way"],
            "mailing_address_street_number": ["5112"],
            "mailing_address_street_name": ["145th st"],
            "mailing_address_po_box": [""],
            "mailing_address_city": ["Anytown"],
            "mailing_address_zipcode": ["98101"],
        }
    )
    guess = guess_mapping(frame)
    assert guess.mapping == {
        "first_name": "first_name",
        "mailing_address_street_number": "house_number",
        "mailing_address_street_name": "street_name",
        "mailing_address_po_box": "po_box",
        "mailing_address_city": "city",
        "mailing_address_zipcode": "zip",
    }
    assert "put together" in guess.evidence["mailing_address_street_number"]
    roster = SimpleNamespace(frame=frame, name="w2")
    fields = apply_mapping(roster, guess.mapping).fields
    assert fields.loc[0, "street"] == "5112 145th st"


def test_a_street_column_beside_house_numbers_is_the_street_name():
    frame = pd.DataFrame(
        {
            "given_name": ["ann", "bo"],
            "street_number": ["42", "7"],
            "address_1": ["miller street", "rose crescent"],
            "address_2": ["rose villas", ""],
        }
    )
    guess = guess_mapping(frame)
    assert guess.mapping["address_1"] == "street_name"
    fields = apply_mapping(SimpleNamespace(frame=frame, name="a"), guess.mapping).fields
    assert fields["street"].tolist() == ["42 miller street", "7 rose crescent"]


def test_a_second_address_stays_an_attribute_and_says_why():
    frame = pd.DataFrame(
        {
            "street_number": ["1"],
            "street_name": ["oak st"],
            "city": ["Anytown"],
            "zipcode": ["98101"],
            "mailing_address_street_number": ["9"],
            "mailing_address_street_name": ["elm st"],
        }
    )
    guess = guess_mapping(frame)
    assert "mailing_address_street_number" not in guess.mapping
    assert "second address" in guess.evidence["mailing_address_street_name"]
    assert guess.mapping["street_number"] == "house_number"


def test_a_po_box_alone_is_the_street():
    frame = pd.DataFrame({"po_box": ["14011", ""], "street": ["", "9 Elm St"]})
    fields = apply_mapping(SimpleNamespace(frame=frame, name="a"), guess_mapping(frame).mapping)
    assert fields.fields["street"].tolist() == ["PO Box 14011", "9 Elm St"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("postcode_fake", "zip"),
        ("dob_masked", "dob"),
        ("birth_place", "birth_place"),
        ("Place of Birth", "birth_place"),
        ("Lugar de nacimiento", "birth_place"),
        ("mailing_address_zipcode", "zip"),
        ("home_address_city", "city"),
    ],
)
def test_headers_with_a_prefix_or_a_word_about_how_the_column_was_made(header, field):
    assert guess_mapping(pd.DataFrame({header: ["x"]})).mapping.get(header) == field


def test_birth_date_in_three_columns_and_names_in_numbered_parts():
    frame = pd.DataFrame(
        {
            "fname_c1": ["UTE", "KLAUS"],
            "fname_c2": ["", "PETER"],
            "lname_c1": ["GROSS", "POHL"],
            "by": ["1994", "1949"],
            "bm": ["8", "12"],
            "bd": ["15", "25"],
        }
    )
    guess = guess_mapping(frame)
    assert guess.mapping == {
        "fname_c1": "first_name",
        "fname_c2": "middle_name",
        "lname_c1": "last_name",
        "by": "birth_year",
        "bm": "birth_month",
        "bd": "birth_day",
    }
    fields = apply_mapping(SimpleNamespace(frame=frame, name="a"), guess.mapping).fields
    assert fields["dob"].tolist() == [
        "1994-08-15",
        "1949-12-25",
    ]  # the 13th month: normalise keeps 1949


def test_columns_named_like_date_parts_that_hold_other_numbers_stay_attributes():
    frame = pd.DataFrame({"name": ["a b"], "by": ["Jane (staff)"], "bm": ["4"]})
    guess = guess_mapping(frame)
    assert "by" not in guess.mapping and "bm" not in guess.mapping


def test_columns_several_rosters_share_become_evidence_with_a_reason():
    from overlap.evidence import choose

    people = [f"p{i}" for i in range(60)]
    a = pd.DataFrame(
        {
            "name": people,
            "occupation": ["nurse", "clerk", "cook"] * 20,
            "intake_date": ["2024-01-01"] * 60,
            "race": ["a", "b"] * 30,
            "member_no": [str(i) for i in range(60)],
            "notes": ["x"] * 60,
        }
    )
    b = pd.DataFrame(
        {
            "name": people,
            "Occupation": ["cook", "nurse", "clerk"] * 20,
            "intake_date": ["2024-02-01"] * 60,
            "race": ["b", "a"] * 30,
            "member_no": [str(i) for i in range(60)],
            "notes": ["y"] * 60,
        }
    )
    choices = choose([("a", a, {"name": "full_name"}), ("b", b, {"name": "full_name"})])
    by_raw = {c.raw: c for c in choices["a"]}
    assert by_raw["occupation"].target == "evidence:category:occupation"
    assert "describes the programme" in by_raw["intake_date"].reason
    assert by_raw["race"].target is None and "sensitive" in by_raw["race"].reason
    assert by_raw["member_no"].target is None and "numbering" in by_raw["member_no"].reason
    assert by_raw["notes"].target is None
    # the user's choice wins: switched off, a column is never evidence
    off = choose([("a", a, {"name": "full_name", "occupation": "attribute"}), ("b", b, {})])
    assert "occupation" not in {c.raw for c in off.get("a", [])}


def test_an_evidence_column_is_compared_and_kept_to_group_by(tmp_path):
    from overlap.pipeline import match_files

    rows = "first,last,dob,occupation\n" + "\n".join(
        f"{first},{last},1980-01-{d:02d},{o}"
        for d, (first, last, o) in enumerate(
            [("ann", "lee", "nurse"), ("bo", "diaz", "cook"), ("cy", "kim", "clerk")] * 4, 1
        )
    )
    (tmp_path / "a.csv").write_text(rows)
    (tmp_path / "b.csv").write_text(
        rows.replace("occupation", "Occupation") + "\ndee,fox,1970-05-05,cook"
    )
    result = match_files([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert "ev_category_occupation_level" in result.pairs.columns
    assert "occupation" in result.attributes.columns
    assert result.records["ev_category_occupation"].iloc[0] == "nurse"
