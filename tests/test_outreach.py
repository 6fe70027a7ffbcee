"""Target lists, batches, plans: pure list logic on hand-built matched records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.errors import OverlapError
from overlap.follow_up import check_conversions, conversion_report, progress_chart
from overlap.outreach import (
    MATCH_FIELDS,
    NO_AREA,
    REVIEWER_JOINED,
    SINGLE_RECORD,
    OutreachPlan,
    TargetConditions,
    build_target_list,
    display_targets,
    list_by_batch,
    make_batches,
    make_plan,
    merge_people,
    person_confidence,
    select_people,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import synth  # noqa: E402

FIELDS = MATCH_FIELDS  # the normalised fields a record of a match holds


def _record(programme, row, person_id, **fields):
    base = dict.fromkeys(FIELDS, "")
    base.update(fields)
    return {"programme": programme, "row": row, "person_id": person_id, **base}


@pytest.fixture()
def matched():
    """Three programmes; Maria has three records (one per programme) with differing contacts."""
    rows = [
        # Maria: 3 records, 3 programmes, 2 phones, 2 emails, one fuller address
        _record(
            "church",
            1,
            0,
            first_name="maria",
            last_name="garcia",
            dob="1980-02-03",
            street="12 n main st",
            city="chicago",
            state="IL",
            zip="60623",
            phone="+13125550100",
            email="maria@example.org",
        ),
        _record(
            "clinic",
            1,
            0,
            first_name="maria",
            middle_name="luisa",
            last_name="garcia",
            dob="1980-02-03",
            street="12 n main st",
            unit="apt 2",
            city="chicago",
            state="IL",
            zip="60623",
            phone="+13125550199",
            email="MLG@example.org".lower(),
        ),
        _record(
            "jobs",
            4,
            0,
            first_name="maria",
            last_name="garcia",
            zip="60623",
            phone="+13125550100 | +13125550199",
            email="maria@example.org",
        ),
        # Bob: church only, single record
        _record(
            "church",
            2,
            1,
            first_name="robert",
            last_name="smith",
            street="5 w elm st",
            city="cicero",
            state="IL",
            zip="60804",
            phone="+17085550123",
        ),
        # Ann: church + clinic
        _record("church", 3, 2, first_name="ann", last_name="lee", zip="60623", city="chicago"),
        _record("clinic", 2, 2, first_name="ann", last_name="lee", zip="60623", city="chicago"),
        # Zed: church + jobs, joined by a reviewer (no link)
        _record("church", 4, 3, first_name="zed", last_name="ng", zip="60608", city="chicago"),
        _record("jobs", 1, 3, first_name="zed", last_name="ng", zip="60608", city="chicago"),
        # Eve: jobs only, no ZIP
        _record("jobs", 2, 4, first_name="eve", last_name="adams", email="eve@example.org"),
    ]
    records = pd.DataFrame(rows)
    records.index.name = "rid"
    for column in ["programme", *FIELDS]:
        records[column] = records[column].astype("str")
    attributes = pd.DataFrame(
        {
            "Language": [
                "Spanish",
                "Spanish",
                "",
                "English",
                "English",
                "",
                "Spanish",
                "",
                "English",
            ]
        },
        index=records.index,
    )
    links = pd.DataFrame(
        {
            "rid_a": [0, 0, 1, 4],
            "rid_b": [1, 2, 2, 5],
            "probability": [0.99, 0.91, 0.97, 0.995],
        }
    )
    return records, attributes, links


def test_person_with_three_records_appears_once_with_every_phone_and_email(matched):
    records, attributes, links = matched
    people = build_target_list(records, TargetConditions(in_any=["church"]), attributes, links)
    table = display_targets(people)
    maria = table[table["name"].str.contains("Maria")]
    assert len(maria) == 1
    row = maria.iloc[0]
    assert row["name"] == "Maria Luisa Garcia"  # the most complete name
    assert sorted(row["phones"].split("; ")) == ["(312) 555-0100", "(312) 555-0199"]
    assert sorted(row["emails"].split("; ")) == ["maria@example.org", "mlg@example.org"]
    assert (row["street"], row["unit"], row["city"], row["state"], row["zip"]) == (
        "12 N Main St",
        "Apt 2",
        "Chicago",
        "IL",
        "60623",
    )
    assert row["programmes"] == "church; clinic; jobs"
    assert row["records"] == 3
    assert row["match_confidence"] == "91%"  # the weakest link holding her together
    assert row["found_in"] == "church row 1; clinic row 1; jobs row 4"
    assert len(table) == records[records["programme"] == "church"]["person_id"].nunique()


def test_confidence_single_record_and_reviewer_joined(matched):
    records, _, links = matched
    weakest = person_confidence(records, links)
    assert weakest[0] == pytest.approx(0.91)
    assert weakest[2] == pytest.approx(0.995)
    assert weakest[[1, 3, 4]].isna().all()
    table = display_targets(build_target_list(records, TargetConditions(), links=links))
    by_name = table.set_index("name")["match_confidence"]
    assert by_name["Robert Smith"] == SINGLE_RECORD
    assert by_name["Zed Ng"] == REVIEWER_JOINED


def test_confidence_from_links_keyed_by_programme_and_row(matched):
    records, _, _ = matched
    links_csv = pd.DataFrame(
        {
            "programme_a": ["church", "church"],
            "row_a": [1, 1],
            "programme_b": ["clinic", "jobs"],
            "row_b": [1, 4],
            "probability": [0.99, 0.8],
        }
    )
    assert person_confidence(records, links_csv)[0] == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        (TargetConditions(in_any=["church"], not_in=["clinic"]), {1, 3}),
        (TargetConditions(in_all=["church", "clinic"]), {0, 2}),
        (TargetConditions(in_any=["clinic", "jobs"]), {0, 2, 3, 4}),
        (TargetConditions(in_any=["church"], zips=["60623"]), {0, 2}),
        (TargetConditions(cities=["CHICAGO "]), {0, 2, 3}),
        (TargetConditions(where={"language": ["spanish"]}), {0, 3}),
        (TargetConditions(where={"zip": ["60804", "60608"]}), {1, 3}),
        (TargetConditions(in_any=["jobs"], not_in=["church"]), {4}),
        (TargetConditions(), {0, 1, 2, 3, 4}),
    ],
)
def test_select_people(matched, conditions, expected):
    records, attributes, _ = matched
    assert set(select_people(records, conditions, attributes)) == expected


def test_unknown_programme_or_column_is_a_clear_error(matched):
    records, attributes, _ = matched
    with pytest.raises(OverlapError, match="No programme named pantry"):
        select_people(records, TargetConditions(not_in=["pantry"]), attributes)
    with pytest.raises(OverlapError, match="No column named shoe size"):
        select_people(records, TargetConditions(where={"shoe size": ["9"]}), attributes)


def test_empty_list_still_has_the_columns(matched):
    records, _, _ = matched
    people = build_target_list(records, TargetConditions(zips=["99999"]))
    table = display_targets(people)
    assert table.empty and "phones" in table.columns
    assert make_batches(people) == []


def test_batches_by_zip_cover_every_target_once_with_goals(matched):
    records, _, links = matched
    people = build_target_list(records, TargetConditions(), links=links)
    batches = make_batches(people, by="zip", goal_share=0.5)
    assert [b.area for b in batches] == ["60623", "60608", "60804", NO_AREA]
    assert [len(b.targets) for b in batches] == [2, 1, 1, 1]
    assert [b.goal for b in batches] == [1, 1, 1, 1]
    keys = [k for b in batches for k in b.targets]
    assert sorted(keys) == sorted(people["target"]) and len(set(keys)) == len(keys)
    assert batches[0].name == "ZIP 60623"
    by_city = make_batches(people, by="city", goal_share=1.0)
    assert by_city[0].name == "City Chicago" and by_city[0].goal == 3


def test_list_by_batch_puts_every_person_under_their_batch(matched):
    records, _, _ = matched
    people = build_target_list(records, TargetConditions())
    table = display_targets(people)
    batches = make_batches(people, by="volunteer", per_volunteer=2, goal_share=0.5)
    out = list_by_batch(table, batches)
    assert len(out) == len(table)
    assert out["batch"].tolist() == [b.name for b in batches for _ in b.targets]
    assert out["target"].tolist() == [k for b in batches for k in b.targets]
    assert out["batch_goal"].tolist() == [b.goal for b in batches for _ in b.targets]
    assert list(out.columns[:3]) == ["batch", "batch_goal", "target"]


def test_batches_per_volunteer(matched):
    records, _, _ = matched
    people = build_target_list(records, TargetConditions())
    batches = make_batches(people, by="volunteer", per_volunteer=2, goal_share=0.25)
    assert [b.name for b in batches] == ["Volunteer 1", "Volunteer 2", "Volunteer 3"]
    assert [len(b.targets) for b in batches] == [2, 2, 1]
    assert [b.goal for b in batches] == [1, 1, 1]
    assert sorted(k for b in batches for k in b.targets) == sorted(people["target"])
    with pytest.raises(OverlapError):
        make_batches(people, by="volunteer", per_volunteer=0)
    with pytest.raises(OverlapError):
        make_batches(people, by="street")


def test_plan_round_trip_keeps_conditions_batches_goals_and_match_fields(matched):
    records, attributes, links = matched
    conditions = TargetConditions(in_any=["church"], not_in=["jobs"], where={"Language": ["x"]})
    conditions.where = {}
    people = build_target_list(records, conditions, attributes, links)
    batches = make_batches(people, by="zip", goal_share=0.5)
    batches[0].goal = 2  # the user raises a goal
    plan = make_plan(records, people, conditions, batches, title="Tax season invites")
    loaded = OutreachPlan.from_json(plan.to_json())
    assert loaded.to_dict() == plan.to_dict()
    assert loaded.batches[0].goal == 2
    assert loaded.conditions == conditions
    assert loaded.programmes == ["church", "clinic", "jobs"]
    doc = json.loads(plan.to_json())
    assert "personal data" in doc["personal_data_notice"]
    ann = next(t for t in doc["targets"] if t["records"][0]["first_name"] == "ann")
    assert set(ann["records"][0]) == set(MATCH_FIELDS)
    assert len(ann["records"]) == 1  # identical records are stored once


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n", "not JSON"),
        (b'{"hello": 1}', "not an outreach plan"),
        (b'{"format": "overlap-outreach-plan", "version": 1, "batches": []}', "damaged"),
        (
            b'{"format": "overlap-outreach-plan", "version": 1, "targets": [],'
            b' "batches": [{"name": "x", "targets": ["T1"], "goal": 1}]}',
            "names a target",
        ),
        (b'{"format": "overlap-outreach-plan", "version": 99}', "newer version"),
    ],
)
def test_bad_plan_files_get_a_clear_message(data, message):
    with pytest.raises(OverlapError, match=message):
        OutreachPlan.from_json(data, source="plan.json")


def test_merge_people_never_mixes_addresses(matched):
    records, _, _ = matched
    extra = records.copy()
    # a second, equally complete address for Robert in another ZIP
    extra.loc[len(extra)] = {
        **dict.fromkeys(extra.columns, ""),
        "programme": "jobs",
        "row": 9,
        "person_id": 1,
        "street": "9 s oak ave",
        "city": "berwyn",
        "state": "IL",
        "zip": "60402",
    }
    bob = merge_people(extra).loc[1]
    assert (bob["street"], bob["city"], bob["zip"]) == ("5 w elm st", "cicero", "60804")


def test_conversion_report_counts_per_batch_and_area(matched):
    records, _, links = matched
    people = build_target_list(records, TargetConditions(), links=links)
    batches = make_batches(people, by="volunteer", per_volunteer=3, goal_share=0.5)
    plan = OutreachPlan.from_json(make_plan(records, people, TargetConditions(), batches).to_json())
    key_of = dict(zip(display_targets(people)["name"], people["target"], strict=True))
    found = {key_of["Maria Luisa Garcia"]: [7, 3], key_of["Zed Ng"]: [12]}
    report = conversion_report(plan, found, roster_name="clinic 2027", roster_rows=40)
    assert report.reached == 2
    assert report.goal == sum(b.goal for b in batches)
    expected_by_batch = [sum(k in found for k in b.targets) for b in batches]
    assert report.by_batch["reached"].tolist() == expected_by_batch
    assert report.by_batch["people"].tolist() == [len(b.targets) for b in batches]
    by_area = report.by_area.set_index("area")
    assert by_area.loc["60623", "reached"] == 1 and by_area.loc["60623", "people"] == 2
    assert by_area.loc["60608", "reached"] == 1
    assert by_area["people"].sum() == len(people)
    maria = report.targets.set_index("target").loc[key_of["Maria Luisa Garcia"]]
    assert maria["reached"] and maria["found_at"] == "row 3; row 7"
    figure = progress_chart(report.by_batch)
    assert [trace.name for trace in figure.data] == ["Goal", "Reached"]
    assert list(figure.data[1].x) == expected_by_batch


def test_area_batches_give_area_goals_equal_to_batch_goals(matched):
    records, _, _ = matched
    people = build_target_list(records, TargetConditions())
    batches = make_batches(people, by="zip", goal_share=0.5)
    plan = make_plan(records, people, TargetConditions(), batches)
    report = conversion_report(plan, {})
    goals = report.by_area.set_index("area")["goal"].to_dict()
    assert goals == {b.area: b.goal for b in batches}
    assert report.reached == 0 and report.by_batch["reached_pct"].eq(0).all()


def _roster(name: str, header: str, lines: list[str]):
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping

    roster = read_roster((header + "\n" + "\n".join(lines) + "\n").encode(), name=name)
    return apply_mapping(roster, guess_mapping(roster.frame).mapping)


def test_check_conversions_with_the_real_matcher():
    """Targets re-entered in a new roster (differently written) are found; strangers are not."""
    from overlap.pipeline import match_rosters

    people = [
        ("Maria", "Garcia", "1961-01-10", "10 N Main St", "60608", "3125551000"),
        ("John", "Smith", "1962-02-11", "11 N Main St", "60623", "3125551001"),
        ("Ann", "Lee", "1963-03-12", "12 N Main St", "60608", "3125551002"),
        ("Omar", "Haddad", "1964-04-13", "13 N Main St", "60623", "3125551003"),
        ("Li", "Wei", "1965-05-14", "14 N Main St", "60608", "3125551004"),
        ("Peter", "Novak", "1966-06-15", "15 N Main St", "60623", "3125551005"),
    ]
    header = "First Name,Last Name,Date of Birth,Address,City,State,Zip,Phone"
    church = _roster(
        "church",
        header,
        [f"{f},{ln},{d},{s},Chicago,IL,{z},{p}" for f, ln, d, s, z, p in people],
    )
    original = match_rosters([church], 0.8)
    targets = build_target_list(original.records, TargetConditions(), links=original.links)
    assert len(targets) == len(people)
    batches = make_batches(targets, by="zip", goal_share=0.5)
    plan = OutreachPlan.from_json(
        make_plan(original.records, targets, TargetConditions(), batches).to_json()
    )
    # next season: John (as "Jon"), Li and Peter come back, written another way
    returning = {
        "John": "Jon,SMITH,02/11/1962,11 North Main Street,Chicago,IL,60623,(312) 555-1001",
        "Li": "Li,Wei,05/14/1965,14 N. Main St.,Chicago,IL,60608,312.555.1004",
        "Peter": "Pete,Novak,06/15/1966,15 N Main,Chicago,IL,60623,312-555-1005",
    }
    strangers = [
        f"Q{chr(65 + i)}xander,Stranger{chr(65 + i)}ton,03/{1 + i:02d}/1990,{200 + i} W Elm St,"
        f"Cicero,IL,60804,708-555-{2000 + i}"
        for i in range(20)
    ]
    clinic = _roster(
        "clinic 2027", header.replace("Date of Birth", "DOB"), [*returning.values(), *strangers]
    )
    report = check_conversions(plan, clinic, threshold=0.8)
    key_of = dict(zip(targets["first_name"], targets["target"], strict=True))
    expected = {key_of[name.lower()] for name in returning}
    reached = set(report.targets.loc[report.targets["reached"], "target"])
    assert reached == expected
    assert report.roster_rows == len(returning) + len(strangers)
    expected_by_batch = [len(expected & set(b.targets)) for b in plan.batches]
    assert report.by_batch["reached"].tolist() == expected_by_batch
    found_rows = report.targets.set_index("target")["found_at"]
    assert found_rows[key_of["john"]] == "row 1"


# --------------------------------------------------------------------------- samples + truth

SAMPLES = ROOT / "data" / "samples"
SAMPLES_TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"
PARISH = "st_agnes_parish_members"
CLINIC = "vita_tax_clinic_clients"


def load_sample(path: Path):
    """A sample roster read, mapped and named exactly as the dashboard does."""
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping

    roster = read_roster(path.read_bytes(), name=path.name)
    return apply_mapping(roster, guess_mapping(roster.frame).mapping)


@pytest.fixture(scope="module")
def sample_match():
    from overlap.pipeline import match_rosters

    paths = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".csv", ".xlsx"))
    mapped = [load_sample(p) for p in paths]
    result = match_rosters(mapped, 0.8)
    file_of = {m.name: p.name for m, p in zip(mapped, paths, strict=True)}
    return result, file_of


@pytest.fixture(scope="module")
def next_season(tmp_path_factory):
    """Next season's clinic roster and its truth, written by the real sample script."""
    out = tmp_path_factory.mktemp("next_season")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_samples.py"), "--next-season", str(out)],
        check=True,
        capture_output=True,
    )
    roster = next(out.glob("*.xlsx"))
    truth = pd.read_csv(next(out.glob("*truth*.csv")), dtype=str, keep_default_na=False)
    return roster, truth


def truly_reached(records, file_of, people, next_truth) -> set[str]:
    """Target keys whose real person (by the generator's truth) is in next season's roster."""
    truth = pd.read_csv(SAMPLES_TRUTH, dtype=str, keep_default_na=False)
    true_id = pd.Series(
        truth["person_id"].to_numpy(),
        index=pd.MultiIndex.from_arrays([truth["file"], truth["row"].astype(int)]),
    )
    index = pd.MultiIndex.from_arrays([records["programme"].map(file_of), records["row"]])
    real = pd.Series(true_id.reindex(index).to_numpy(), index=records["person_id"].to_numpy())
    returning = set(next_truth["person_id"])
    keys = people["target"]
    return {keys[pid] for pid, person in real.items() if pid in keys.index and person in returning}


def test_conversions_on_next_season_agree_with_the_truth(sample_match, next_season):
    result, file_of = sample_match
    roster_path, next_truth = next_season
    conditions = TargetConditions(in_any=[PARISH], not_in=[CLINIC])
    people = build_target_list(result.records, conditions, result.attributes, result.links)
    batches = make_batches(people, by="zip", goal_share=0.2)
    plan = OutreachPlan.from_json(make_plan(result.records, people, conditions, batches).to_json())

    report = check_conversions(plan, load_sample(roster_path), threshold=0.8)

    expected = truly_reached(result.records, file_of, people, next_truth)
    reached = set(report.targets.loc[report.targets["reached"], "target"])
    assert len(expected) > 50  # the generator sends parishioners to the clinic
    true_positive = len(reached & expected)
    assert true_positive / len(reached) >= 0.95  # precision: reached people really came
    assert true_positive / len(expected) >= 0.8  # recall: and few who came were missed
    assert report.reached == len(reached)
    assert report.roster_rows == len(next_truth)
    # per batch, the count is the batch's share of found targets and close to the truth
    for batch, row in zip(plan.batches, report.by_batch.itertuples(), strict=True):
        assert row.reached == len(reached & set(batch.targets))
        truth_count = len(expected & set(batch.targets))
        assert abs(row.reached - truth_count) <= max(3, 0.25 * truth_count)
    # the generator converts more people in the ZIPs the parish worked; the report shows it
    by_area = report.by_area.set_index("area")
    worked = by_area.loc[list(synth.OUTREACH_ZIPS)]
    others = by_area.drop(index=list(synth.OUTREACH_ZIPS), errors="ignore")
    assert worked["reached"].sum() / worked["people"].sum() > 2 * (
        others["reached"].sum() / others["people"].sum()
    )


@settings(max_examples=100, deadline=None)
@given(
    zips=st.lists(st.sampled_from(["60623", "60608", "", "60804"]), min_size=0, max_size=40),
    per_volunteer=st.integers(min_value=1, max_value=12),
    goal_share=st.floats(min_value=0, max_value=1),
    by=st.sampled_from(["zip", "city", "volunteer"]),
)
def test_batches_always_hold_every_target_once_with_goals_in_range(
    zips, per_volunteer, goal_share, by
):
    people = pd.DataFrame(
        {
            "target": [f"T{i:04d}" for i in range(len(zips))],
            "zip": zips,
            "city": ["chicago" if z else "" for z in zips],
            "street": "",
        }
    )
    batches = make_batches(people, by=by, per_volunteer=per_volunteer, goal_share=goal_share)
    keys = [k for b in batches for k in b.targets]
    assert sorted(keys) == sorted(people["target"])
    for batch in batches:
        assert 0 <= batch.goal <= len(batch.targets)
        assert batch.goal >= goal_share * len(batch.targets) - 1e-6
        if by == "volunteer":
            assert 1 <= len(batch.targets) <= per_volunteer


# --------------------------------------------------------------------------- pages (AppTest)


def _csv_bytes(rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


PAGE_PEOPLE = [
    (
        first,
        last,
        f"19{50 + i}-{1 + i % 12:02d}-{1 + i % 27:02d}",
        f"{100 + i} W Lake St",
        "60623" if i % 2 else "60608",
        f"312555{1000 + i}",
    )
    for i, (first, last) in enumerate(
        [
            ("Maria", "Garcia"),
            ("Robert", "Okafor"),
            ("Wei", "Chen"),
            ("Olga", "Kowalski"),
            ("Kwame", "Mensah"),
            ("Ana", "Lopez"),
            ("Fatima", "Haddad"),
            ("James", "Brown"),
            ("Linda", "Nguyen"),
            ("Carlos", "Reyes"),
            ("Priya", "Shah"),
            ("Tomasz", "Nowak"),
        ]
    )
]
HEADER = ["First Name", "Last Name", "DOB", "Address", "ZIP", "Phone"]


def test_pages_build_a_plan_and_follow_it_up_in_one_session():
    from streamlit.testing.v1 import AppTest

    food_bank = _csv_bytes([HEADER, *[list(p) for p in PAGE_PEOPLE]])
    clinic = _csv_bytes([HEADER, *[list(p) for p in PAGE_PEOPLE[:4]]])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.file_uploader[0].set_value(
        [("food_bank.csv", food_bank, "text/csv"), ("clinic.csv", clinic, "text/csv")]
    ).run()
    at.switch_page("pages/match.py").run()
    at.button(key="run_match").click().run()
    assert not at.exception

    at.switch_page("pages/outreach.py").run()
    at.multiselect(key="outreach_in_any").set_value(["food_bank"]).run()
    at.multiselect(key="outreach_not_in").set_value(["clinic"]).run()
    assert not at.exception
    listed = {m.label: m.value for m in at.metric}["People on the list"]
    assert listed == str(len(PAGE_PEOPLE) - 4)
    at.segmented_control(key="outreach_split").set_value("volunteer").run()
    at.number_input(key="outreach_per_volunteer").set_value(3).run()
    assert not at.exception

    # next season: three of the eight people on the list come to the clinic, one stranger too
    returning = [list(p) for p in PAGE_PEOPLE[4:7]]
    stranger = ["Zed", "Quinn", "1999-09-09", "9 Elm St", "60804", "7085550000"]
    at.switch_page("pages/follow_up.py").run()
    assert not at.exception
    assert f"{len(PAGE_PEOPLE) - 4} people" in "".join(m.value for m in at.markdown)
    at.file_uploader(key="follow_roster_file").set_value(
        ("clinic_2027.csv", _csv_bytes([HEADER, *returning, stranger]), "text/csv")
    ).run()
    at.button(key="follow_check").click().run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["People reached"] == "3"
    assert shown["Goal"] == str(3 * 1)  # 8 people, 3 per volunteer -> 3 batches, 25% each -> 1
    assert not at.error

    at.file_uploader(key="follow_plan_file").set_value(
        ("outreach-plan.json", b"not a plan", "application/json")
    ).run()
    assert [e.value for e in at.error] == [
        "outreach-plan.json is not an outreach plan saved by Overlap (it is not JSON)."
    ]


def test_display_casing_capitalises_words_not_ordinal_suffixes():
    from overlap.outreach import _title

    shown = _title(pd.Series(["6814 w 31st", "2256 s leavitt st", "apt 2b", None]))
    assert shown.tolist() == ["6814 W 31st", "2256 S Leavitt St", "Apt 2b", ""]
