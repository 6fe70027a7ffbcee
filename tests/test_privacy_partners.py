"""Many partners: four encode, one matches and learns counts, each gets back only its own people.

Also the bad inputs of encoded matching: altered, older and newer .clk files,
key files and rosters that belong to another encoding, results without a key
file; and the Private overlap page on a shared server (encoded files only).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from overlap import privacy
from overlap.cli import main
from overlap.ingest import read_roster

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "samples").iterdir())
TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"
SECRET = b"four partners share this secret!"


@pytest.fixture(scope="module")
def partners(tmp_path_factory) -> Path:
    """The four sample rosters, each encoded by its owner with `overlap encode`, then matched."""
    folder = tmp_path_factory.mktemp("partners")
    (folder / "partners.secret").write_bytes(SECRET)
    for roster in SAMPLES:
        code = main(["encode", str(roster), "--secret-file", str(folder / "partners.secret"),
                     "--out", str(folder / f"{roster.stem}.clk")])  # fmt: skip
        assert code == 0
    clks = [str(folder / f"{r.stem}.clk") for r in SAMPLES]
    assert main(["match", *clks, "--out", str(folder / "result")]) == 0
    return folder


def _truth() -> pd.DataFrame:
    truth = pd.read_csv(TRUTH, dtype=str)
    truth["row"] = truth["row"].astype(int)
    return truth


def test_whoever_matches_learns_counts_close_to_the_truth(partners):
    summary = json.loads((partners / "result" / "overlap.json").read_text())
    assert len(summary["programmes"]) == 4 and len(summary["pairwise"]) == 6
    people = _truth().groupby("file")["person_id"].agg(set)
    for pair in summary["pairwise"]:
        a, b = (next(p for p in people.index if Path(p).stem == n) for n in (pair["a"], pair["b"]))
        true = len(people[a] & people[b])
        assert abs(pair["shared_people"] - true) <= max(3, 0.05 * true), (pair, true)
    records = pd.read_csv(partners / "result" / "records.csv", dtype=str)
    assert records["row"].str.fullmatch(r"r[0-9a-f]{16}").all()  # random ids, never rows


def test_each_partner_gets_back_only_its_own_ids_and_they_go_home_as_its_rows(partners):
    records = pd.read_csv(partners / "result" / "records.csv", dtype=str)
    truth = _truth()
    for roster in SAMPLES:
        mine = privacy.shared_ids(records, roster.stem)
        own_ids = set(records.loc[records["programme"] == roster.stem, "row"])
        assert set(mine["id"]) <= own_ids and len(mine) > 20
        assert not mine["also_in"].str.contains(roster.stem, regex=False).any()
        rows = privacy.my_shared_rows(mine, partners / f"{roster.stem}.key.csv")
        mine_truth = truth[truth["file"] == roster.name].set_index("row")["person_id"]
        others = set(truth.loc[truth["file"] != roster.name, "person_id"])
        truly_shared = set(mine_truth[mine_truth.isin(others)].index)
        found = set(rows["row"])
        assert len(found & truly_shared) >= 0.95 * len(truly_shared)
        assert len(found - truly_shared) <= 0.05 * len(found)
        others_key = next(r for r in SAMPLES if r != roster)
        with pytest.raises(privacy.EncodedFileError, match="not in this key file; it belongs"):
            privacy.my_shared_rows(mine, partners / f"{others_key.stem}.key.csv")


def _export(partners, capsys, *extra) -> tuple[int, str]:
    code = main(["export", *extra])
    return code, capsys.readouterr().err


def test_export_lists_a_partners_own_people_with_its_key_file(partners, capsys, tmp_path):
    parish = next(r for r in SAMPLES if r.stem == "st_agnes_parish_members")
    records = pd.read_csv(partners / "result" / "records.csv", dtype=str)
    shared = tmp_path / "parish-shared-ids.csv"
    privacy.shared_ids(records, parish.stem).to_csv(shared, index=False)
    key = partners / f"{parish.stem}.key.csv"
    for source in (shared, partners / "result"):
        out = tmp_path / f"list-{source.name}.csv"
        code, err = _export(partners, capsys, "--from", str(source), "--key-file", str(key),
                            "--roster", str(parish), "--out", str(out))  # fmt: skip
        assert code == 0, err
        people = pd.read_csv(out, dtype=str, keep_default_na=False)
        expected = privacy.my_shared_rows(privacy.shared_ids(records, parish.stem), key)
        assert 0.9 * len(expected) <= len(people) <= len(expected)  # one line per person
        surnames = set(_parish_records(parish).loc[expected["row"] - 1, "last_name"])
        named = people["name"].str.lower()
        in_roster = named.map(lambda n, known=surnames: any(p in known for p in n.split()))
        assert in_roster.mean() > 0.95  # the parish's own shared people, from its own roster
    code, err = _export(partners, capsys, "--from", str(shared), "--key-file", str(key),
                        "--roster", str(parish), "--not-in", "employer_new_hires",
                        "--out", str(tmp_path / "not-employer.csv"))  # fmt: skip
    assert code == 0, err
    fewer = pd.read_csv(tmp_path / "not-employer.csv", dtype=str, keep_default_na=False)
    assert 0 < len(fewer) < len(people)
    assert not fewer["programmes"].str.contains("employer_new_hires").any()


def _parish_records(path: Path) -> pd.DataFrame:
    from overlap.mapping import apply_mapping, guess_mapping
    from overlap.pipeline import prepare_records

    roster = read_roster(path)
    records, _ = prepare_records([apply_mapping(roster, guess_mapping(roster.frame).mapping)])
    return records


def test_export_refuses_encoded_results_without_the_right_key_file(partners, capsys, tmp_path):
    parish, jobs = (next(r for r in SAMPLES if r.stem == s) for s in
                    ("st_agnes_parish_members", "job_placement_participants"))  # fmt: skip
    out = str(tmp_path / "x.csv")
    cases = [
        ([], "comes from encoded rosters: it holds random ids, not people"),
        (["--key-file", str(partners / f"{jobs.stem}.key.csv"), "--roster", str(parish)],
         "was made from another roster than"),
    ]  # fmt: skip
    for extra, message in cases:
        code, err = _export(partners, capsys, "--from", str(partners / "result"), *extra,
                            "--out", out)  # fmt: skip
        assert code == 2 and message in err and err.count("\n") == 1, err
    assert not Path(out).exists()


# ------------------------------------------------------------------------ bad .clk files


@pytest.fixture
def clk(partners) -> bytes:
    return (partners / f"{SAMPLES[0].stem}.clk").read_bytes()


def test_an_altered_clk_is_refused_as_altered(clk):
    head, _, body = clk.partition(b"\n")
    lines = body.split(b"\n")
    record = lines[5].decode()
    flipped = record[:30] + ("A" if record[30] != "A" else "B") + record[31:]
    lines[5] = flipped.encode()
    with pytest.raises(privacy.EncodedFileError) as caught:
        privacy.read_encoded(head + b"\n" + b"\n".join(lines), file_name="clinic.clk")
    assert str(caught.value) == (
        "clinic.clk was altered after it was encoded (its records no longer match its "
        "checksum); ask its owner for the file as it was made"
    )
    dropped = head + b"\n" + b"\n".join(lines[:5] + lines[6:])
    with pytest.raises(privacy.EncodedFileError, match="was altered"):
        privacy.read_encoded(dropped)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (1, "was encoded by an older version of Overlap (encoding version 1); ask its owner"),
        (9, "was encoded by a newer version of Overlap (encoding version 9; this one reads"),
    ],
)
def test_clk_files_of_other_versions_say_which(clk, schema, message):
    head, _, body = clk.partition(b"\n")
    params = json.loads(head[len(privacy.MAGIC) + 1 :])
    params["schema"] = schema
    other = f"{privacy.MAGIC} {json.dumps(params)}\n".encode() + body
    with pytest.raises(privacy.EncodedFileError, match=re.escape(message)):
        privacy.read_encoded(other, file_name="old.clk")


def test_the_match_command_says_a_clk_was_altered(partners, capsys, tmp_path):
    data = (partners / f"{SAMPLES[1].stem}.clk").read_bytes()
    tampered = tmp_path / "tampered.clk"
    tampered.write_bytes(data.replace(b",", b";", 1) if data.count(b"\n") else data)
    head, _, body = data.partition(b"\n")
    tampered.write_bytes(head + b"\n" + body[:-40] + b"X" * 40)
    code = main(["match", str(partners / f"{SAMPLES[0].stem}.clk"), str(tampered),
                 "--out", str(tmp_path / "out")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "tampered.clk was altered after it was encoded" in err
    assert err.count("\n") == 1


# ------------------------------------------------------------------ the dashboard page


def _private_page():
    import runpy
    from pathlib import Path

    import overlap

    root = Path(overlap.__file__).resolve().parents[1]
    runpy.run_path(str(root / "pages" / "private_overlap.py"), run_name="__main__")


def test_on_a_shared_server_the_page_takes_encoded_files_only(monkeypatch, partners):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OVERLAP_HOSTED", "1")
    at = AppTest.from_function(_private_page, default_timeout=90)
    at.run()
    assert not at.exception
    assert "Shared server" in at.info[0].value and "encoded files (.clk) only" in at.info[0].value
    keys = [u.key for u in at.get("file_uploader")]
    assert "ov_private_roster_upload" not in keys and "ov_private_keyfile" not in keys
    assert keys == ["ov_private_clk_upload"]
    assert any("overlap encode" in c.value for c in at.code)
    clks = [(f"{r.stem}.clk", (partners / f"{r.stem}.clk").read_bytes(), "text/csv")
            for r in SAMPLES]  # fmt: skip
    at.file_uploader(key="ov_private_clk_upload").set_value(clks).run()
    at.button(key="ov_private_match").click().run()
    assert not at.exception
    assert at.metric[0].value != "" and len(at.session_state["ov_private_result"].programmes) == 4


def test_on_its_owners_computer_the_page_says_so_and_encodes(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("OVERLAP_HOSTED", raising=False)
    at = AppTest.from_function(_private_page, default_timeout=90)
    at.run()
    assert "Running on this computer" in at.info[0].value
    assert "ov_private_roster_upload" in [u.key for u in at.get("file_uploader")]


def test_the_page_and_the_command_make_the_same_clk(tmp_path):
    """Same roster, secret and options: the same encoding of every row (ids are fresh each time)."""
    from streamlit.testing.v1 import AppTest

    roster = SAMPLES[-1]  # the workbook
    secret = tmp_path / "partners.secret"
    secret.write_bytes(SECRET + b"\n")
    out = tmp_path / "cli.clk"
    assert main(["encode", str(roster), "--secret-file", str(secret), "--out", str(out),
                 "--share", "zip"]) == 0  # fmt: skip
    at = AppTest.from_function(_private_page, default_timeout=120)
    at.run()
    at.file_uploader(key="ov_private_encode_secret_file").set_value(
        ("partners.secret", secret.read_bytes(), "text/plain")
    ).run()
    at.file_uploader(key="ov_private_roster_upload").set_value(
        (roster.name, roster.read_bytes(), "application/octet-stream")
    ).run()
    at.multiselect(key="ov_private_share").set_value(["zip"]).run()
    at.button(key="ov_private_encode").click().run()
    assert not at.exception
    _, _, page_clk, page_key = at.session_state["ov_private_encoded"]

    def by_row(clk_bytes: bytes, key) -> tuple[pd.DataFrame, dict]:
        encoded = privacy.read_encoded(clk_bytes)
        rows = privacy.read_key_map(key).frame.set_index("id")["row"]
        frame = encoded.frame.assign(row=rows.loc[encoded.frame["id"]].to_numpy())
        params = {k: v for k, v in encoded.params.items() if k != "digest"}
        return frame.drop(columns="id").sort_values("row").reset_index(drop=True), params

    cli_frame, cli_params = by_row(out.read_bytes(), tmp_path / "cli.key.csv")
    page_frame, page_params = by_row(page_clk, page_key)
    pd.testing.assert_frame_equal(cli_frame, page_frame)
    assert cli_params == page_params
