"""Names, addresses and phones as the rosters wrote them, from the match to the list."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import as_typed
from overlap.as_typed import (
    NAME_FIELDS,
    caps_rosters,
    format_phone,
    recapitalise_address,
    recapitalise_name,
    split_address_line,
    typed_name_one,
    typed_names,
)


def _names(rows: list[dict], programme: str = "p") -> pd.Series:
    frame = pd.DataFrame([{c: r.get(c, "") for c in NAME_FIELDS} for r in rows])
    return typed_names(frame, pd.Series([programme] * len(frame)))


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Adrián, Uridona Miguel", "Uridona Miguel Adrián"),
        ("Alcántar, José", "José Alcántar"),
        ("王小明", "王小明"),
        ("محمد عبد الله", "محمد عبد الله"),
        ('Robert "Buddy" Smith', 'Robert "Buddy" Smith'),
        ("Maria Garcia, Jr.", "Maria Garcia, Jr."),
        ("Smith, John, Jr.", "John Smith Jr."),
        ("  Anne-Marie   O'Neil ", "Anne-Marie O'Neil"),
        ("de la Cruz, María", "María de la Cruz"),
        ("Nguyễn, Thị Lệ", "Thị Lệ Nguyễn"),
    ],
)
def test_a_full_name_is_shown_as_typed_in_first_last_order(typed, shown):
    assert _names([{"full_name": typed}]).tolist() == [shown]


def test_name_parts_are_joined_as_typed():
    shown = _names(
        [
            {"first_name": "José Luis", "last_name": "Pérez-Ortega", "suffix": "III"},
            {"first_name": "小明", "last_name": "王"},
            {"first_name": "민준", "last_name": "김"},
        ]
    )
    assert shown.tolist() == ["José Luis Pérez-Ortega III", "王小明", "김민준"]


def test_an_all_caps_roster_gets_sensible_capitals_and_a_mixed_one_is_left_alone():
    caps = [
        {"first_name": "MARÍA", "last_name": "DE LA CRUZ"},
        {"first_name": "SEAN", "last_name": "O'BRIEN"},
        {"first_name": "DONALD", "last_name": "MCDONALD"},
        {"first_name": "JEAN-LUC", "last_name": "VAN DER BERG"},
        {"first_name": "HENRY", "last_name": "FORD", "suffix": "III"},
    ]
    assert _names(caps).tolist() == [
        "María de la Cruz",
        "Sean O'Brien",
        "Donald McDonald",
        "Jean-Luc van der Berg",
        "Henry Ford III",
    ]
    mixed = [{"first_name": "ANA", "last_name": "Lee"}, {"first_name": "Bo", "last_name": "Li"}]
    assert _names(mixed).tolist() == ["ANA Lee", "Bo Li"]  # not a capitals roster: as typed


def test_capitals_are_judged_per_roster():
    programmes = pd.Series(["shout", "shout", "calm", "calm"])
    values = pd.DataFrame({"last_name": ["GARCIA", "LEE", "McNeil", "SMITH"]})
    assert caps_rosters(programmes, values).tolist() == [True, True, False, False]


def test_address_capitals_keep_directions_units_and_ordinals():
    assert recapitalise_address("6814 W 31ST ST APT 2B") == "6814 W 31st St Apt 2B"
    assert recapitalise_address("PO BOX 12") == "PO Box 12"
    assert recapitalise_name("JUAN DE LA CRUZ") == "Juan de la Cruz"
    assert recapitalise_name("LE VAN THANH") == "Le Van Thanh"  # a surname, not a particle


def test_a_one_line_address_is_split_without_changing_a_word():
    assert split_address_line("4521 W 26th St #2B, Chicago IL 60623-1234") == (
        "4521 W 26th St",
        "# 2B",
        "Chicago",
        "IL",
        "60623-1234",
    )
    assert split_address_line("Calle Ñandú 12") == ("Calle Ñandú 12", "", "", "", "")
    assert split_address_line("") == ("", "", "", "", "")


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+14016293175", "(401) 629-3175"),
        ("+14165550199", "(416) 555-0199"),  # Canada: dialled the same way from the US
        ("+525512345678", "011 52 55 1234 5678"),
        ("+442079460958", "011 44 20 7946 0958"),
        ("not a phone", "not a phone"),
    ],
)
def test_phones_are_written_as_people_here_write_them(e164, shown):
    assert format_phone(e164) == shown


def test_phones_of_a_cell_with_several_are_all_kept_and_placeholders_dropped():
    found = as_typed.phones_for_display(
        [1, 1, 2], pd.Series(["312.555.0100 | (773) 555-0142", "555-555-5555", "+44 20 7946 0958"])
    )
    assert found.values.tolist() == [
        [1, "(312) 555-0100", "+13125550100"],
        [1, "(773) 555-0142", "+17735550142"],
        [2, "011 44 20 7946 0958", "+442079460958"],
    ]


_WORD = st.text(alphabet="aZé王 ,.-'\"jrJR", max_size=14)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_WORD, _WORD, _WORD, _WORD, st.booleans()), min_size=1, max_size=12),
)
def test_typed_names_agrees_with_its_plain_twin(rows):
    """The vectorised names equal the one-record reference, record by record."""
    frame = pd.DataFrame(
        [
            {"full_name": full, "first_name": first, "last_name": last, "suffix": suffix}
            for full, first, last, suffix, _ in rows
        ]
    )
    programmes = pd.Series(["loud" if loud else "quiet" for *_, loud in rows])
    caps = caps_rosters(programmes, frame.reindex(columns=NAME_FIELDS, fill_value=""))
    expected = [
        typed_name_one(record, caps=bool(c))
        for record, c in zip(frame.to_dict("records"), caps.tolist(), strict=True)
    ]
    assert typed_names(frame, programmes).tolist() == expected


# --------------------------------------------------------------------------- the whole way


ROSTER_A = """First Name,Last Name,DOB,Address,City,ZIP,Phone,Email,Preferred language
José,Alcántar,1980-02-03,4521 W 26th St Apt 2,Chicago,60623,773-555-0142,Jose.A@Example.org,Spanish
小明,王,1975-07-01,12 N Main St,Chicago,60601,312.555.0100,,Mandarin
娜,李,1988-09-09,3 E Lake St,Chicago,60601,,,Mandarin
Robert,"""
ROSTER_A += '''"""Buddy"" Smith",1960-01-01,5 W Elm St,Cicero,60804,(708) 555-0123,,English
'''
ROSTER_B = """CLIENT NAME,BIRTH DATE,STREET,ZIP,CELL
"ALCANTAR, JOSE",02/03/1980,4521 W 26TH ST,60623,+1 773 555 0142
"WANG, XIAO MING",07/01/1975,12 N MAIN ST,60601,3125550100
"O'BRIEN, SEAN",03/04/1990,77 S HALSTED ST APT 3,60607,3125550111
"""


@pytest.fixture(scope="module")
def result():
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping
    from overlap.pipeline import match_rosters

    mapped = []
    for name, text in [("parish", ROSTER_A), ("clinic", ROSTER_B)]:
        roster = read_roster(text.encode(), name=f"{name}.csv")
        mapped.append(apply_mapping(roster, guess_mapping(roster.frame).mapping))
    return match_rosters(mapped, threshold=0.5)


def test_the_match_keeps_every_record_as_typed(result):
    typed = result.as_typed
    assert list(typed.index) == list(result.records.index)
    assert typed.loc[0, "first_name"] == "José" and result.records.loc[0, "first_name"] == "jose"
    assert typed.loc[4, "full_name"] == "ALCANTAR, JOSE"


def test_the_outreach_list_shows_names_addresses_and_phones_as_typed(result):
    from overlap.outreach import TargetConditions, build_target_list, display_targets

    people = build_target_list(
        result.records,
        TargetConditions(),
        result.attributes,
        result.links,
        as_typed=result.as_typed,
        columns=["Preferred language"],
    )
    table = display_targets(people).set_index("name")
    # Wang's most complete record is the clinic's (three name parts): its spelling is shown
    assert set(table.index) == {
        "José Alcántar",
        "Xiao Ming Wang",
        'Robert "Buddy" Smith',
        "Sean O'Brien",
        "李娜",
    }
    jose = table.loc["José Alcántar"]
    assert (jose["street"], jose["unit"], jose["city"]) == ("4521 W 26th St Apt 2", "", "Chicago")
    assert jose["phones"] == "(773) 555-0142"  # typed two ways, one person, one phone
    assert jose["emails"] == "Jose.A@Example.org"
    assert jose["Preferred language"] == "Spanish"
    sean = table.loc["Sean O'Brien"]  # only in the ALL-CAPS roster
    assert (sean["street"], sean["unit"]) == ("77 S Halsted St Apt 3", "")
    # no cleaned matching key anywhere in the list
    shown = " ".join(display_targets(people).astype(str).to_numpy().ravel())
    for key in ["jose", "Jose ", "alcantar", "Alcantar", "+1", "o'brien", "halsted"]:
        assert key not in shown, key


def test_a_saved_plan_keeps_names_as_typed_for_follow_up(result):
    from overlap.follow_up import conversion_report, follow_up_people
    from overlap.outreach import (
        OutreachPlan,
        TargetConditions,
        build_target_list,
        make_batches,
        make_plan,
    )

    conditions = TargetConditions(in_any=["parish"])
    people = build_target_list(
        result.records, conditions, result.attributes, result.links, as_typed=result.as_typed
    )
    plan = make_plan(result.records, people, conditions, make_batches(people))
    again = OutreachPlan.from_json(plan.to_json())
    names = follow_up_people(again, conversion_report(again, {}))["name"]
    assert set(names) == {"José Alcántar", "Xiao Ming Wang", 'Robert "Buddy" Smith', "李娜"}


def test_the_as_typed_fields_survive_a_match_folder(result, tmp_path):
    """records.csv's typed_* columns (written through the safe CSV writer) read back intact."""
    from overlap.export import read_safe_csv, safe_csv_bytes

    path = tmp_path / "records.csv"
    path.write_bytes(safe_csv_bytes(as_typed.to_columns(result.as_typed)))
    back = as_typed.from_columns(read_safe_csv(path))
    written = result.as_typed.drop(columns=["ssn"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, written, check_dtype=False)  # never an SSN in the file
    assert as_typed.from_columns(pd.DataFrame({"programme": ["a"]})) is None


def test_a_record_for_review_is_shown_exactly_as_typed():
    shown = as_typed.record_as_typed(
        {
            "full_name": "ALCANTAR, JOSE",
            "dob": "02/03/1980",
            "street": "4521 W 26TH ST",
            "zip": "60623",
            "phone": "+1 773 555 0142",
        }
    )
    assert shown == {
        "Name": "ALCANTAR, JOSE",
        "Date of birth": "02/03/1980",
        "Sex": "",
        "Address": "4521 W 26TH ST, 60623",
        "Phone": "+1 773 555 0142",
        "Email": "",
    }


def test_overlap_export_lists_people_as_typed_from_a_match_folder(tmp_path):
    """`overlap match` keeps typed_* columns in records.csv; `overlap export` lists from them."""
    from overlap.cli import main

    for name, text in [("parish", ROSTER_A), ("clinic", ROSTER_B)]:
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "match"
    files = [str(tmp_path / "parish.csv"), str(tmp_path / "clinic.csv")]
    assert main(["match", *files, "--out", str(out)]) == 0
    assert main(["export", "--from", str(out), "--out", str(tmp_path / "list.csv")]) == 0
    listed = (tmp_path / "list.csv").read_text(encoding="utf-8-sig")
    assert "José Alcántar" in listed and "Sean O'Brien" in listed and "(773) 555-0142" in listed
    assert "Jose Alcantar" not in listed and "typed_" not in listed
