"""The sample rosters: reproducible, fully labelled, overlapping and corrupted as intended."""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import make_samples  # noqa: E402
import synth  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"
FILES = list(synth.SAMPLE_FILES.values())


def read_sample(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a sample, read with the standard library only."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        rows = [
            ["" if v is None else v for v in r]
            for r in wb.worksheets[0].iter_rows(values_only=True)
        ]
        wb.close()
        return [str(h) for h in rows[0]], rows[1:]
    raw = path.read_bytes()
    if path.name.startswith("st_agnes"):
        text = raw.decode("cp1252")
        lines = text.split("\r\n")
        assert lines[0].startswith("St. Agnes Parish") and lines[2] == ""
        text = "\r\n".join(lines[3:])
        delimiter = ","
    else:
        text = raw.decode("utf-8")
        delimiter = ";" if path.name.startswith("job_") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    rows = [r for r in rows if r]
    return rows[0], rows[1:]


@pytest.fixture(scope="session")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("regenerated")
    make_samples.write_samples(out)
    return out


@pytest.fixture(scope="session")
def truth() -> pd.DataFrame:
    return pd.read_csv(TRUTH, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def samples() -> dict[str, tuple[list[str], list[list[str]]]]:
    return {name: read_sample(SAMPLES / name) for name in FILES}


@pytest.fixture(scope="session")
def people(truth) -> dict[str, set[str]]:
    return {f: set(truth.loc[truth["file"] == f, "person_id"]) for f in FILES}


def test_regenerating_gives_byte_identical_files(regenerated):
    for name in FILES:
        assert (regenerated / "samples" / name).read_bytes() == (SAMPLES / name).read_bytes(), name
    for name in (TRUTH.name, "label_rates.csv"):
        assert (regenerated / "truth" / name).read_bytes() == (TRUTH.parent / name).read_bytes()


def test_only_the_four_samples_are_in_data_samples():
    assert sorted(p.name for p in SAMPLES.iterdir()) == sorted(FILES)
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 2_000_000


def test_every_sample_is_a_valid_file_with_1000_to_4000_rows(samples):
    for name, (header, rows) in samples.items():
        assert 1000 <= len(rows) <= 4000, name
        assert len(set(header)) == len(header), name
        assert all(len(r) == len(header) for r in rows), name


def test_truth_covers_every_row_of_every_sample_once(samples, truth):
    assert list(truth.columns) == [
        "file",
        "row",
        "person_id",
        "household_id",
        "relation",
        "corruptions",
    ]
    assert set(truth["file"]) == set(FILES)
    for name, (_, rows) in samples.items():
        part = truth[truth["file"] == name]
        assert part["row"].astype(int).tolist() == list(range(1, len(rows) + 1)), name
        assert part["person_id"].str.fullmatch(r"P\d{7}").all()
        assert part["household_id"].str.fullmatch(r"H\d{7}").all()
    assert set(truth["relation"]) <= set(synth.RELATIONS)
    labels = {lab for cell in truth["corruptions"] if cell for lab in cell.split(";")}
    assert labels == set(synth.LABELS)


def test_no_truth_leaks_into_the_samples(samples, truth):
    ids = set(truth["person_id"]) | set(truth["household_id"])
    id_like = re.compile(r"[PH]\d{7}")
    for name, (header, rows) in samples.items():
        assert not {"person_id", "household_id", "relation", "corruptions"} & {
            h.lower() for h in header
        }
        assert not any(
            isinstance(v, str) and (v in ids or id_like.fullmatch(v)) for r in rows for v in r
        ), name


def test_samples_look_like_their_systems_exports(samples):
    parish_header, parish = samples["st_agnes_parish_members.csv"]
    assert {"Name", "Fecha de nacimiento", "Sexo", "Teléfono", "Ministry", "Language"} <= set(
        parish_header
    )
    names = [r[parish_header.index("Name")] for r in parish]
    assert sum("," in n for n in names) / len(names) > 0.99
    assert any(c in "".join(names) for c in "áéíóúñ")  # cp1252 keeps Spanish accents
    vita_header, vita = samples["vita_tax_clinic_clients.xlsx"]
    dob = [r[vita_header.index("Date of Birth")] for r in vita]
    assert sum(hasattr(v, "year") for v in dob) / len(dob) > 0.9  # real Excel dates
    assert any(isinstance(v, str) and v for v in dob)  # a few typed as text
    zips = [r[vita_header.index("ZIP")] for r in vita]
    assert all(isinstance(z, str) and re.fullmatch(r"\d{5}", z) for z in zips)
    phones = [r[vita_header.index("Phone")] for r in vita if r[vita_header.index("Phone")]]
    assert all(re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", p) for p in phones)
    job_header, job = samples["job_placement_participants.csv"]
    addresses = [r[job_header.index("Address")] for r in job]
    assert all(re.search(r"\b(Chicago|Cicero|Berwyn),? IL 60\d{3}$", a) for a in addresses)
    dobs = [
        r[job_header.index("Date of Birth")] for r in job if r[job_header.index("Date of Birth")]
    ]
    assert any(int(d[:2]) > 12 for d in dobs)  # day first
    emp_header, emp = samples["employer_new_hires.csv"]
    assert emp_header[:6] == ["emp_id", "fname", "mname", "lname", "sfx", "birth_dt"]
    assert any(len(r[emp_header.index("home_zip")]) in (9, 10) for r in emp)  # ZIP+4
    births = [r[emp_header.index("birth_dt")] for r in emp]
    assert all(re.fullmatch(r"(19|20)\d{6}", b) for b in births if b)


def test_zip_codes_and_cities_are_real(samples):
    import zipcodes

    header, rows = samples["st_agnes_parish_members.csv"]
    pairs = {(r[header.index("ZIP")], r[header.index("City")].title()) for r in rows}
    for zip_code, city in pairs:
        assert zipcodes.matching(zip_code)[0]["city"].title() == city


def test_phone_numbers_avoid_real_service_ranges(samples):
    header, rows = samples["employer_new_hires.csv"]
    digits = [re.sub(r"\D", "", r[header.index("mobile")])[-10:] for r in rows]
    real = [d for d in digits if d and d != "0" * 10]
    assert real and all(d[:3] in {"312", "773", "872", "708"} for d in real)
    assert not any(d[4:6] == "11" or d[3:6] == "555" for d in real)


def test_each_roster_shares_20_to_40_percent_of_its_people(people):
    for name, mine in people.items():
        others = set().union(*(p for n, p in people.items() if n != name))
        share = len(mine & others) / len(mine)
        assert 0.20 <= share <= 0.40, (name, share)
    in_how_many = pd.Series([p for s in people.values() for p in s]).value_counts()
    assert (in_how_many == 3).sum() >= 50
    assert (in_how_many == 4).sum() >= 10


def test_within_roster_duplicates_exist(truth):
    for name in FILES:
        part = truth[truth["file"] == name]
        dups = part["person_id"].duplicated().sum()
        assert dups == part["corruptions"].str.contains("duplicate").sum() > 0


def test_household_hard_cases_are_present(truth):
    def same_file_pairs(relations: set[str]) -> int:
        part = truth[truth["relation"].isin(relations)]
        per = part.groupby(["file", "household_id"])["person_id"].nunique()
        return int((per >= 2).sum())

    assert same_file_pairs({"twin"}) >= 15
    assert same_file_pairs({"father_sr", "son_jr"}) >= 15
    assert same_file_pairs({"spouse"}) >= 200


def test_the_same_common_name_belongs_to_many_people():
    ss = synth.sample_people()
    table = synth.name_table()
    maria, garcia = table.index["María"], table.index["Garcia"]
    enrolled = np.unique(np.concatenate(list(ss.people.values())))
    same = (ss.pop.first[enrolled] == maria) & (ss.pop.last[enrolled] == garcia)
    assert same.sum() >= 10


def test_married_women_appear_under_two_surnames(truth):
    maiden = truth[truth["corruptions"].str.contains("maiden_name")]
    married = truth[truth["person_id"].isin(maiden["person_id"]) & ~truth.index.isin(maiden.index)]
    assert married["person_id"].nunique() >= 20


def test_corruptions_happen_at_the_intended_rates():
    rates = synth.label_rates()
    checked = 0
    for r in rates.itertuples():
        if r.intended is None or math.isnan(r.intended) or r.applicable < 30:
            continue
        p = r.intended
        tolerance = 4 * math.sqrt(p * (1 - p) / r.applicable) + 0.01
        assert abs(r.rate - p) <= tolerance, (r.file, r.label, r.rate, p)
        checked += 1
    assert checked >= 60
    # the hard cases the matcher is judged on are all present in every sample
    for label in (
        "nickname",
        "typo_first",
        "typo_last",
        "swap_names",
        "dob_placeholder",
        "dob_day_month_swapped",
        "phone_placeholder",
        "old_address",
    ):
        assert (rates.loc[rates["label"] == label, "labelled"] > 0).all(), label


def test_next_season_roster_holds_the_intended_people(tmp_path, people):
    roster, truth_path = make_samples.write_next_season(tmp_path)
    header, rows = read_sample(roster)
    nxt = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    assert nxt["row"].astype(int).tolist() == list(range(1, len(rows) + 1))
    assert set(nxt["file"]) == {roster.name}
    parish, vita = people[FILES[0]], people[FILES[1]]
    everyone = set().union(*people.values())
    source = nxt.drop_duplicates("person_id").set_index("person_id")["source"]
    converted = set(source[source == "converted"].index)
    assert converted and converted <= parish - vita
    assert set(source[source == "returning"].index) <= vita
    assert not set(source[source == "new"].index) & everyone
    # outreach ZIPs convert better than elsewhere
    ss = synth.sample_people()
    zips = np.array(synth.street_table().zips)[ss.pop.zip_new]
    targets = np.array(sorted(int(p[1:]) for p in parish - vita))
    targets = targets[ss.pop.age[targets] >= 17]
    conv = np.isin(targets, [int(p[1:]) for p in converted])
    in_zone = np.isin(zips[targets], synth.OUTREACH_ZIPS)
    assert conv[in_zone].mean() > 2 * conv[~in_zone].mean()
    # and it is reproducible
    again, _ = make_samples.write_next_season(tmp_path / "again")
    assert again.read_bytes() == roster.read_bytes()


def test_linked_pair_has_the_requested_size_and_share():
    a, b, truth = synth.make_linked_pair(3000, seed=5, shared=0.3)
    assert len(a) == len(b) == 3000
    assert a.map(lambda v: isinstance(v, str)).all().all()
    ta, tb = truth[truth["file"] == "a"], truth[truth["file"] == "b"]
    assert ta["row"].tolist() == list(range(1, 3001)) == tb["row"].tolist()
    pa, pb = set(ta["person_id"]), set(tb["person_id"])
    assert abs(len(pa & pb) / len(pa) - 0.3) < 0.02
    a2, b2, truth2 = synth.make_linked_pair(3000, seed=5, shared=0.3)
    assert a.equals(a2) and b.equals(b2) and truth.equals(truth2)


def test_make_rosters_overlap_like_the_samples(tmp_path):
    frames, truth = synth.make_rosters(3, 2000, seed=11)
    assert [len(f) for f in frames] == [2000, 2000, 2000]
    sets = {f: set(g["person_id"]) for f, g in truth.groupby("file")}
    for name, mine in sets.items():
        others = set().union(*(s for n, s in sets.items() if n != name))
        assert 0.2 <= len(mine & others) / len(mine) <= 0.4
    make_samples.main(["--pair", "500", str(tmp_path / "pair")])
    assert len(pd.read_csv(tmp_path / "pair" / "a.csv", dtype=str)) == 500
    assert len(pd.read_csv(tmp_path / "pair" / "truth.csv")) == 1000


def test_corruption_factor_makes_rosters_messier():
    _, _, calm = synth.make_linked_pair(4000, seed=3)
    _, _, messy = synth.make_linked_pair(4000, seed=3, corruption=3.0)
    for label in ("nickname", "typo_first", "typo_last", "swap_names", "phone_missing"):
        calm_share = calm["corruptions"].str.contains(label).mean()
        messy_share = messy["corruptions"].str.contains(label).mean()
        assert messy_share > 2 * calm_share > 0, label


def test_a_big_population_spreads_over_more_real_zip_codes():
    """Nine ZIPs hold up to ADULTS_PER_ZIP adults each; past that, real neighbouring ZIPs."""
    import zipcodes

    small = synth._population_for(20_000, np.random.default_rng(1))
    assert set(np.unique(small.zip_old)) <= set(range(9))
    adults = 30 * synth.ADULTS_PER_ZIP
    big = synth._population_for(adults, np.random.default_rng(1))
    used = np.unique(np.concatenate([big.zip_old, big.zip_new]))
    assert len(used) == 30 and used.max() == 29
    per_zip = np.bincount(big.zip_old[big.age >= 18])
    assert per_zip.max() < 2.5 * synth.ADULTS_PER_ZIP
    streets = synth.street_table()
    for z in np.array(streets.zips)[used]:
        assert zipcodes.matching(z)[0]["state"] == "IL"
    # the nine profiled ZIPs come first, unchanged, so the samples are unchanged
    assert streets.zips[:9] == list(synth.ZIP_PROFILE)
