"""Privacy-preserving overlap: encodings carry no plain text, keys matter, ids go home."""

from __future__ import annotations

import base64
import random

import jellyfish
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import privacy
from overlap.errors import OverlapError

SECRET = b"correct horse battery staple 2026"
OTHER_SECRET = b"a completely different shared key"

FIRST = [
    "maria",
    "james",
    "robert",
    "linda",
    "olga",
    "chen",
    "fatima",
    "david",
    "zbigniew",
    "aisha",
    "thomas",
    "grace",
    "pedro",
    "nkechi",
    "susan",
    "li",
    "omar",
    "emily",
]
LAST = [
    "garcia",
    "okonkwo",
    "smith",
    "nguyen",
    "kowalski",
    "johnson",
    "haddad",
    "brown",
    "martinez",
    "lee",
    "oconnor",
    "patel",
    "washington",
    "schmidt",
    "rossi",
    "kim",
]
STREETS = ["main", "oak", "lincoln", "elm", "washington", "maple", "cedar", "park"]
NICK = {"robert": "bob", "james": "jim", "thomas": "tom", "susan": "sue", "david": "dave"}


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def _person(rng: random.Random) -> dict:
    first = rng.choice(FIRST)
    number = rng.randint(10, 99)
    return {
        "first_name": first,
        "first_key": first,
        "last_name": rng.choice(LAST),
        "dob": f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "house_number": str(rng.randint(1, 9999)),
        "street_name": rng.choice(STREETS),
        "zip": f"6{rng.randint(0, 9999):04d}",
        "city": "springfield",
        "phone": f"+1312555{rng.randint(0, 9999):04d}",
        "email": f"{first}{number}@example.org" if rng.random() < 0.5 else "",
    }


def _corrupt(rng: random.Random, p: dict) -> dict:
    q = dict(p)
    roll = rng.random()
    if roll < 0.3:
        q["last_name"] = _typo(rng, q["last_name"])
    elif roll < 0.5 and q["first_key"] in NICK:
        q["first_name"] = NICK[q["first_key"]]  # nickname: first_key stays canonical
    elif roll < 0.6:
        q["phone"] = ""
    elif roll < 0.7:
        q["house_number"], q["street_name"], q["zip"] = "12", "oak", "60001"  # moved
    return q


def _frame(people: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(people)
    frame["first_sound"] = [jellyfish.metaphone(v) for v in frame["first_key"]]
    frame["last_sound"] = [jellyfish.metaphone(v) for v in frame["last_name"]]
    frame["street"] = frame["house_number"] + " " + frame["street_name"] + " st"
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


@pytest.fixture(scope="module")
def rosters():
    """Two rosters (150 and 150 people) sharing 60, B's copies with typos, nicknames, moves.

    ``pid`` is the true person (a test-only column the encoder ignores).
    """
    rng = random.Random(8)
    population = [{**_person(rng), "pid": i} for i in range(240)]
    a = population[:150]
    b = [_corrupt(rng, p) for p in population[90:150]] + population[150:240]
    rng.shuffle(b)
    return _frame(a), _frame(b)


# ---------------------------------------------------------------- encoding


def test_clk_is_deterministic_for_a_key_and_differs_across_keys(rosters):
    a, _ = rosters
    one = privacy.clk_words(a, SECRET)
    again = privacy.clk_words(a.iloc[::-1].reset_index(drop=True), SECRET)[::-1]
    other = privacy.clk_words(a, OTHER_SECRET)
    assert one.shape == (len(a), privacy.N_BITS // 64)
    assert np.array_equal(one, again)
    self_dice = privacy.dice(one, other)
    assert self_dice.max() < 0.6  # the same person under another key looks like a stranger


def test_encode_roster_same_secret_same_clk_per_row_but_fresh_ids_and_order(rosters):
    a, _ = rosters
    enc1, key1 = privacy.encode_roster(a, SECRET, name="A")
    enc2, key2 = privacy.encode_roster(a, SECRET, name="A")
    by_row1 = enc1.frame.merge(key1.frame, on="id").set_index("row").sort_index()
    by_row2 = enc2.frame.merge(key2.frame, on="id").set_index("row").sort_index()
    assert list(by_row1.index) == list(range(1, len(a) + 1))
    assert (by_row1["clk"] == by_row2["clk"]).all()
    block_cols = [c for c in by_row1.columns if c.startswith("b_")]
    assert (by_row1[block_cols] == by_row2[block_cols]).all().all()
    assert set(enc1.frame["id"]).isdisjoint(enc2.frame["id"])
    assert enc1.frame["id"].is_unique
    # the file order is not the roster order
    assert list(key1.frame.set_index("id").loc[enc1.frame["id"], "row"]) != list(
        range(1, len(a) + 1)
    )


def test_nickname_and_typo_keep_dice_high_and_strangers_low(rosters):
    a, _ = rosters
    base = a.iloc[[0]].copy()
    bob = base.copy()
    bob["first_key"] = "robert"
    base["first_key"] = "robert"
    base["first_name"] = "robert"
    bob["first_name"] = "bob"
    stranger_row = base.copy()
    stranger_row[["first_name", "first_key", "last_name", "dob"]] = [
        "zbigniew",
        "zbigniew",
        "okonkwo",
        "1944-02-29",
    ]
    words = privacy.clk_words(pd.concat([base, bob, stranger_row], ignore_index=True), SECRET)
    same = privacy.segment_dice(words[[0]], words[[1]])
    stranger = privacy.segment_dice(words[[0]], words[[2]])
    assert same["names"][0] >= 0.7  # Bob/Robert share the first_key and surname bits
    assert same["dob"][0] == 1.0 and same["contact"][0] == 1.0
    assert stranger["names"][0] < 0.5 and stranger["dob"][0] < 0.7  # chance overlap only


def test_encoded_file_carries_no_plain_text(rosters, tmp_path):
    a, _ = rosters
    enc, key = privacy.encode_roster(a, SECRET, name="A")
    path = tmp_path / "a.clk"
    privacy.write_encoded(enc, path)
    text = path.read_text(encoding="utf-8")
    raw = path.read_bytes()
    cells = set(pd.read_csv(path, skiprows=1, dtype=str, keep_default_na=False).to_numpy().ravel())
    decoded = b"".join(base64.b64decode(c) for c in enc.frame["clk"])
    checked = 0
    for col in [
        "first_name",
        "first_key",
        "last_name",
        "dob",
        "phone",
        "email",
        "street_name",
        "zip",
    ]:
        for value in a[col].unique():
            for form in {value, value.replace("-", ""), value.lstrip("+")} - {""}:
                checked += 1
                assert form not in cells, f"a {col} value is a cell of the .clk"
                # random ids and base64 hold digits and letters, so only strings of
                # 6+ characters are checked as substrings (shorter ones occur by chance)
                if len(form) >= 6:
                    assert form not in text, f"a {col} value is inside the .clk"
                    assert form.encode() not in decoded
    assert checked > 500
    # the secret itself never appears either
    assert SECRET not in raw and SECRET.hex().encode() not in raw
    # key file holds only ids and row numbers
    assert list(key.frame.columns) == ["id", "row"]


def test_shared_columns_are_the_only_plain_text(rosters):
    a, _ = rosters
    enc, _ = privacy.encode_roster(a, SECRET, share_columns=["zip"], name="A")
    assert "zip" in enc.frame.columns
    assert enc.params["shared_columns"] == ["zip"]
    assert sorted(enc.frame["zip"]) == sorted(a["zip"])
    with pytest.raises(OverlapError, match="cannot share column"):
        privacy.encode_roster(a, SECRET, share_columns=["shoe_size"], name="A")


def test_file_round_trip_and_metadata_hold_no_secret(rosters, tmp_path):
    a, _ = rosters
    enc, _ = privacy.encode_roster(a, SECRET, share_columns=["zip"], name="Food bank")
    path = tmp_path / "fb.clk"
    privacy.write_encoded(enc, path)
    back = privacy.read_encoded(path)
    assert back.name == "Food bank"
    assert back.params["schema"] == privacy.SCHEMA_VERSION
    assert back.params["n_bits"] == 1024
    pd.testing.assert_frame_equal(back.frame, enc.frame.astype(str))
    words = privacy.base64_to_words(back.frame["clk"].tolist())
    assert np.array_equal(words, privacy.base64_to_words(enc.frame["clk"].tolist()))
    bad = tmp_path / "plain.clk"
    bad.write_text("first_name,last_name\nx,y\n")
    with pytest.raises(privacy.EncodedFileError, match="not an Overlap encoded roster"):
        privacy.read_encoded(bad)


def test_ids_go_back_to_the_owners_rows(rosters, tmp_path):
    a, _ = rosters
    enc, key = privacy.encode_roster(a, SECRET, name="A")
    key_path = tmp_path / "a.key.csv"
    privacy.write_key_map(key, key_path)
    picked = enc.frame["id"].iloc[[5, 0, 42]].tolist()
    rows = privacy.ids_to_rows(key_path, picked + ["rdeadbeefdeadbeef"])
    expected = key.frame.set_index("id").loc[picked, "row"].tolist()
    assert rows.tolist() == expected
    # and those rows hold the records whose encodings were picked
    words = privacy.clk_words(a.iloc[[r - 1 for r in expected]], SECRET)
    assert privacy.words_to_base64(words) == picked_clks(enc, picked)


def picked_clks(enc, ids):
    return enc.frame.set_index("id").loc[ids, "clk"].tolist()


# ---------------------------------------------------------------- secrets


def test_refuses_missing_and_short_secret_files(tmp_path):
    with pytest.raises(privacy.SecretError, match="does not exist"):
        privacy.read_secret(tmp_path / "nope.key")
    short = tmp_path / "short.key"
    short.write_text("hunter2\n")
    with pytest.raises(privacy.SecretError, match="holds 7 bytes; it needs at least 16"):
        privacy.read_secret(short)
    good = tmp_path / "good.key"
    good.write_text(SECRET.decode() + "\r\n")
    assert privacy.read_secret(good) == SECRET


def test_hkdf_matches_rfc5869_test_case_1():
    ikm = bytes.fromhex("0b" * 22)
    salt = bytes.fromhex("000102030405060708090a0b0c")
    info = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9")
    okm = privacy.hkdf_sha256(ikm, info, 42, salt=salt)
    assert okm.hex() == (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )


def test_summary_suppression_hides_small_counts_only():
    summary = {
        "programmes": {"A": {"records": 120, "people": 118}, "B": {"records": 9, "people": 9}},
        "union_people": 127,
        "pairwise": [{"a": "A", "b": "B", "shared_people": 3}],
        "intersections": [
            {"programmes": ["A"], "people": 118},
            {"programmes": ["B"], "people": 0},
        ],
    }
    out = privacy.suppress_summary_counts(summary)
    assert out["programmes"]["A"] == {"records": 120, "people": 118}
    assert out["programmes"]["B"] == {"records": None, "people": None}
    assert out["pairwise"][0]["shared_people"] is None
    assert out["intersections"][1]["people"] == 0
    assert out["suppressed_below"] == 11
    assert summary["pairwise"][0]["shared_people"] == 3  # the original is untouched


# ---------------------------------------------------------------- linkage


def _encode_to(tmp_path, frame, secret, name):
    enc, key = privacy.encode_roster(frame, secret, share_columns=["zip"], name=name)
    path = tmp_path / f"{name}.clk"
    privacy.write_encoded(enc, path)
    privacy.write_key_map(key, tmp_path / f"{name}.key.csv")
    return path


def _true_shared(a, b):
    return len(set(a["pid"]) & set(b["pid"]))


def test_encoded_linkage_recovers_the_shared_people(rosters, tmp_path):
    a, b = rosters
    paths = [_encode_to(tmp_path, a, SECRET, "A"), _encode_to(tmp_path, b, SECRET, "B")]
    result = privacy.match_encoded(paths)
    shared = result.summary["pairwise"][0]["shared_people"]
    assert abs(shared - _true_shared(a, b)) <= 3
    # map every record back home and check the links are the true pairs
    rows = {}
    for name, frame in (("A", a), ("B", b)):
        mine = result.records[result.records["programme"] == name]
        back = privacy.ids_to_rows(tmp_path / f"{name}.key.csv", mine["row"])
        rows[name] = pd.Series(frame["pid"].to_numpy()[back.to_numpy() - 1], index=mine.index)
    pid = pd.concat(rows.values())
    records = result.records.assign(pid=pid)
    cross = records.groupby("person_id").filter(lambda g: g["programme"].nunique() == 2)
    correct = cross.groupby("person_id")["pid"].nunique().eq(1).sum()
    assert correct >= _true_shared(a, b) - 3
    assert correct >= cross["person_id"].nunique() - 1  # (almost) no false merges
    assert len(result.links) >= correct
    assert set(result.records.columns) >= {"programme", "row", "person_id", "zip"}


def test_rosters_encoded_with_different_secrets_do_not_match(rosters, tmp_path):
    a, b = rosters
    pa = _encode_to(tmp_path, a, SECRET, "A")
    pb = _encode_to(tmp_path, b, OTHER_SECRET, "B")
    with pytest.raises(privacy.EncodedFileError, match="different secrets"):
        privacy.match_encoded([pa, pb])
    forced = privacy.match_encoded([pa, pb], allow_different_secrets=True)
    assert forced.summary["pairwise"][0]["shared_people"] == 0
    links = forced.links
    assert not (links["programme_a"] != links["programme_b"]).any()
    cross = forced.pairs.merge(
        forced.records[["rid", "programme"]], left_on="rid_a", right_on="rid"
    )
    cross = cross.merge(forced.records[["rid", "programme"]], left_on="rid_b", right_on="rid")
    assert (cross["programme_x"] == cross["programme_y"]).all()  # no blocking key in common


def test_run_encoded_match_writes_the_plain_paths_files(rosters, tmp_path):
    import json

    a, b = rosters
    paths = [_encode_to(tmp_path, a, SECRET, "A"), _encode_to(tmp_path, b, SECRET, "B")]
    out = tmp_path / "result"
    privacy.run_encoded_match(paths, out, names=["Clinic", "Church"])
    records = pd.read_csv(out / "records.csv", dtype=str)
    links = pd.read_csv(out / "links.csv", dtype=str)
    summary = json.loads((out / "overlap.json").read_text())
    assert list(records.columns[:3]) == ["programme", "row", "person_id"]
    assert set(records["programme"]) == {"Clinic", "Church"}
    assert len(records) == len(a) + len(b)
    assert list(links.columns[:5]) == [
        "programme_a",
        "row_a",
        "programme_b",
        "row_b",
        "probability",
    ]
    assert set(summary) >= {"programmes", "union_people", "pairwise", "intersections"}
    assert summary["programmes"]["Clinic"]["records"] == len(a)


# ---------------------------------------------------------------- command line

ROSTER_CSV = (
    "First Name,Last Name,DOB,Address,ZIP,Phone,Language\n"
    "Robert,Smith,03/12/1985,123 N Main St,60614,312-555-0101,English\n"
    "Maria,Garcia,1990-07-01,9 Oak Ave,60615,,Spanish\n"
    "Chen,Li,1971-11-30,77 Elm St Apt 2,60616,(312) 555-0199,Mandarin\n"
)


def test_encode_command_writes_clk_and_key_file(tmp_path, capsys):
    from overlap.cli import main

    roster = tmp_path / "clinic.csv"
    roster.write_text(ROSTER_CSV)
    secret = tmp_path / "partners.secret"
    secret.write_text(SECRET.decode() + "\n")
    out = tmp_path / "send" / "clinic.clk"
    code = main(
        [
            "encode",
            str(roster),
            "--secret-file",
            str(secret),
            "--out",
            str(out),
            "--share",
            "zip,Language",
        ]
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "KEEP IT ON THIS COMPUTER" in printed.out
    for word in ["Robert", "Smith", "Garcia", "312"]:
        assert word not in printed.out + printed.err
    enc = privacy.read_encoded(out)
    key = privacy.read_key_map(tmp_path / "send" / "clinic.key.csv")
    assert enc.name == "clinic" and len(enc.frame) == 3
    assert sorted(enc.frame["zip"]) == ["60614", "60615", "60616"]
    assert sorted(enc.frame["Language"]) == ["English", "Mandarin", "Spanish"]
    text = out.read_text()
    for word in ["robert", "smith", "garcia", "19850312", "1985-03-12", "13125550101", "main"]:
        assert word not in text.lower()
    assert sorted(privacy.ids_to_rows(key, enc.frame["id"]).tolist()) == [1, 2, 3]


@pytest.mark.parametrize(
    ("secret_text", "message"),
    [
        (None, "does not exist"),
        ("hunter2\n", "holds 7 bytes; it needs at least 16"),
        ("", "holds 0 bytes"),
    ],
)
def test_encode_command_refuses_missing_or_short_secret(tmp_path, capsys, secret_text, message):
    from overlap.cli import main

    roster = tmp_path / "clinic.csv"
    roster.write_text(ROSTER_CSV)
    secret = tmp_path / "partners.secret"
    if secret_text is not None:
        secret.write_text(secret_text)
    out = tmp_path / "clinic.clk"
    code = main(["encode", str(roster), "--secret-file", str(secret), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1  # one sentence, no traceback
    assert not out.exists()


# ---------------------------------------------------------------- dashboard page


def _private_page():
    import runpy
    from pathlib import Path

    import overlap

    root = Path(overlap.__file__).resolve().parents[1]
    runpy.run_path(str(root / "pages" / "private_overlap.py"), run_name="__main__")


def test_private_overlap_page_encodes_and_matches_in_the_browser():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_private_page, default_timeout=90)
    at.run()
    assert not at.exception
    at.radio(key="ov_private_encode_secret_how").set_value(
        "Make a new secret (first partner only)"
    ).run()
    clks = []
    other = ROSTER_CSV.replace(
        "Chen,Li,1971-11-30,77 Elm St Apt 2", "Ana,Okafor,1988-05-02,5 Park Ave"
    )
    for name, rows in (("clinic.csv", ROSTER_CSV), ("church.csv", other)):
        at.file_uploader(key="ov_private_roster_upload").set_value(
            [(name, rows.encode(), "text/csv")]
        ).run()
        at.button(key="ov_private_encode").click().run()
        assert not at.exception
        encoded_name, n, clk, key = at.session_state["ov_private_encoded"]
        assert (encoded_name, n) == (name[:-4], 3)
        assert b"Robert" not in clk and b"Smith" not in clk and b"row" in key
        clks.append((f"{encoded_name}.clk", clk, "text/csv"))
    at.file_uploader(key="ov_private_clk_upload").set_value(clks).run()
    at.button(key="ov_private_match").click().run()
    assert not at.exception
    result = at.session_state["ov_private_result"]
    assert result.summary["pairwise"][0]["shared_people"] == 2  # Robert Smith, Maria Garcia
    shown = [m.value for m in at.metric]
    assert shown == ["fewer than 11"]  # 4 people: too few to show


def test_pair_model_lookups_equal_the_fitted_logistic_model(rosters):
    a, b = rosters
    records = pd.concat([a, b], ignore_index=True)
    truth = [a["pid"].to_numpy(), b["pid"].to_numpy()]
    x, y, names = privacy.training_pairs([a, b], truth, secret=SECRET)
    assert names == privacy.feature_names() and x.shape[1] == len(names)
    assert 0 < y.sum() < len(y)
    model = privacy.fit_pair_model(x, y, names)
    # what match time computes by table look-ups == the logistic model on the one-hot design
    words = privacy.clk_words(records, SECRET)
    keys = privacy.keyed_blocks(records, SECRET)
    rng = np.random.default_rng(0)
    ra, rb = rng.integers(0, len(records), 500), rng.integers(0, len(records), 500)
    levels = privacy.pair_levels(words, privacy.key_codes(keys), ra, rb)
    w = np.array([model[n] for n in names])
    expected = 1 / (1 + np.exp(-(model["intercept"] + privacy.levels_design(levels) @ w)))
    np.testing.assert_allclose(privacy.pair_probability(levels, model), expected, rtol=1e-9)
    # and the shipped model ranks true pairs of this (unseen) data far above the rest
    p_true = privacy.pair_probability(
        privacy.pair_levels(words, privacy.key_codes(keys), *_true_pairs(records))
    )
    assert np.median(p_true) > 0.9


def _true_pairs(records):
    pid = records["pid"].to_numpy()
    order = np.argsort(pid, kind="stable")
    same = pid[order][1:] == pid[order][:-1]
    return order[:-1][same], order[1:][same]


def test_owner_takes_matched_ids_home_as_own_rows(rosters, tmp_path):
    a, b = rosters
    paths = [_encode_to(tmp_path, a, SECRET, "A"), _encode_to(tmp_path, b, SECRET, "B")]
    result = privacy.match_encoded(paths)
    rows = privacy.my_shared_rows(result.records, tmp_path / "B.key.csv", "B")
    assert list(rows.columns) == ["row", "also_in"]
    assert set(rows["also_in"]) <= {"A"}
    truly_shared = set(b.loc[b["pid"].isin(a["pid"]), "row"])
    found = set(rows["row"])
    assert len(found & truly_shared) >= len(truly_shared) - 3
    assert len(found - truly_shared) <= 2
    with pytest.raises(privacy.EncodedFileError, match="not in this key file"):
        privacy.my_shared_rows(result.records, tmp_path / "A.key.csv", "B")


@pytest.mark.xfail(
    strict=True,
    reason="known limit (docs/privacy-preserving.md): the names segment mixes first and last "
    "name, and the training rosters hold more initial-only first names than twins",
)
def test_shipped_model_tells_twins_from_one_person():
    """Twins share surname, birthday, home and phone; only their first names differ.

    One person written twice (surname typo, no phone, date of birth missing on
    one record) must still link; the twins must not.
    """
    person = {
        "first_name": "jennifer",
        "first_key": "jennifer",
        "last_name": "kowalski",
        "dob": "1990-04-17",
        "house_number": "418",
        "street_name": "maple",
        "zip": "60614",
        "city": "chicago",
        "phone": "+13125550147",
        "email": "",
    }
    twin = {**person, "first_name": "jessica", "first_key": "jessica"}
    again = {**person, "last_name": "kowlaski", "phone": "", "dob": ""}
    records = _frame([person, twin, again])
    words = privacy.clk_words(records, SECRET)
    keys = privacy.keyed_blocks(records, SECRET)
    levels = privacy.pair_levels(words, privacy.key_codes(keys), np.array([0, 0]), np.array([1, 2]))
    p_twin, p_again = privacy.pair_probability(levels)
    assert p_twin < privacy.DEFAULT_THRESHOLD <= p_again


def test_ssn_parts_survive_one_typo_and_record_ids_count_inside_one_roster():
    base = {
        "first_name": "ann",
        "first_key": "ann",
        "last_name": "lee",
        "dob": "1980-01-02",
        "house_number": "1",
        "street_name": "elm",
        "zip": "60601",
        "city": "",
        "phone": "",
        "email": "",
    }
    records = _frame(
        [
            {**base, "ssn": "123456789", "record_id": "m100"},
            {**base, "ssn": "123456788", "record_id": "m100"},  # typo in the last digit
            {**base, "ssn": "", "record_id": "m100"},  # other roster, same ID by chance
        ]
    )
    parts = privacy.block_key_parts(records)
    assert parts["ssn_head"].tolist() == ["12345", "12345", ""]
    assert parts["ssn_tail"].tolist() == ["6789", "6788", ""]
    keys = privacy.keyed_blocks(records, SECRET)
    levels = privacy.pair_levels(
        privacy.clk_words(records, SECRET),
        privacy.key_codes(keys),
        np.array([0, 0]),
        np.array([1, 2]),
        programme=np.array([0, 0, 1]),
    )
    state = dict(zip(privacy.MODEL_KEYS, levels["keys"].T, strict=True))
    assert state["ssn"].tolist() == [0, -1] and state["ssn_head"].tolist() == [1, -1]
    assert state["record_id"].tolist() == [1, -1]  # across rosters: says nothing


def test_private_page_sends_no_ssn_when_unticked():
    from streamlit.testing.v1 import AppTest

    roster = (
        b"First,Last,DOB,SSN,Zip\n"
        b"Robert,Smith,03/12/1985,512-44-3821,60614\n"
        b"Maria,Garcia,1990-07-04,430-17-6652,60615\n"
    )
    at = AppTest.from_function(_private_page, default_timeout=90)
    at.run()
    at.radio(key="ov_private_encode_secret_how").set_value(
        "Make a new secret (first partner only)"
    ).run()
    at.file_uploader(key="ov_private_roster_upload").set_value(
        [("clinic.csv", roster, "text/csv")]
    ).run()
    sent = {}
    for use in (True, False):
        at.checkbox(key="ov_private_ssn").set_value(use).run()
        at.button(key="ov_private_encode").click().run()
        assert not at.exception
        clk = at.session_state["ov_private_encoded"][2]
        assert b"512443821" not in clk and b"512-44-3821" not in clk
        sent[use] = privacy.read_encoded(clk).frame["b_ssn"].ne("").sum()
    assert sent == {True: 2, False: 0}


# ---------------------------------------------------------------- the plain twin

FIELD_TEXT = st.text(alphabet="abcdeñé -+|0123456789_", max_size=12)
RECORD_FIELDS = [
    "first_name", "first_key", "last_name", "suffix", "dob", "house_number", "street_name",
    "street", "zip", "city", "phone", "email", "ssn", "record_id", "first_sound", "last_sound",
]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.fixed_dictionaries({f: FIELD_TEXT for f in RECORD_FIELDS}), min_size=1, max_size=6)
)
def test_the_numpy_encoder_equals_its_plain_twin(records):
    """Bits and blocking keys of whole rosters (numpy, pandas) == one record at a time (stdlib)."""
    from overlap.privacy import plain_encoding

    frame = pd.DataFrame(records)
    fast_clk = privacy.words_to_base64(privacy.clk_words(frame, SECRET))
    fast_keys = privacy.keyed_blocks(frame, SECRET).to_dict("records")
    for record, clk, keys in zip(records, fast_clk, fast_keys, strict=True):
        assert plain_encoding.clk_base64_one(record, SECRET) == clk
        assert plain_encoding.keyed_blocks_one(record, SECRET) == keys
