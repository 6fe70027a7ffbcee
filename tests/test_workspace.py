"""Workspaces: the file (every table back as it was saved), seasons added incrementally, stable IDs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overlap import crypto
from overlap.errors import OverlapError
from overlap.outreach import TargetConditions, build_target_list, make_batches, make_plan
from overlap.pipeline import match_rosters, recluster
from overlap.workspace import (
    STORED_PAIR_FLOOR,
    Workspace,
    WorkspaceError,
    add_rosters,
    apply_session,
    export_folder,
    match_result,
    read_arrival,
    start_from_match,
    summary,
)
from overlap.workspace.figures import flows_figure
from overlap.workspace.seasons import ARRIVED, add_plan, flows, presence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import synth  # noqa: E402

FAST = crypto.ScryptParams(n=2**10)
PASS = "correct horse battery"
# roster_1 and roster_2 are season one; roster_3 the tax clinic's next season; roster_4 the food bank's
PLAN = [
    ("2024 autumn", [("roster_1", "Food bank"), ("roster_2", "Tax clinic")]),
    ("2025 spring", [("roster_3", "Tax clinic")]),
    ("2025 autumn", [("roster_4", "Food bank")]),
]


@pytest.fixture(scope="module")
def rosters(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("seasons")
    frames, truth = synth.make_rosters(4, 300, seed=13)
    for i, frame in enumerate(frames, start=1):
        frame.to_csv(folder / f"roster_{i}.csv", index=False)
    return folder, truth


def build(folder: Path, seasons=PLAN) -> tuple[Workspace, list[np.ndarray]]:
    """The workspace after each season, and every record's ID after each step."""
    ws = Workspace()
    history = []
    for season, files in seasons:
        arrivals = [read_arrival(folder / f"{stem}.csv", name=name) for stem, name in files]
        add_rosters(ws, arrivals, season=season)
        history.append(ws.person_id.copy())
    return ws, history


@pytest.fixture(scope="module")
def three_seasons(rosters):
    folder, _ = rosters
    return build(folder)


def true_ids(ws: Workspace, truth: pd.DataFrame) -> np.ndarray:
    """The true person of every workspace record (files in the order PLAN adds them)."""
    order = [stem for _, files in PLAN for stem, _ in files]
    ordered = pd.concat([truth[truth["file"] == stem].sort_values("row") for stem in order])
    assert len(ordered) == ws.n_records
    return ordered["person_id"].to_numpy()


def linked_pairs(labels: np.ndarray) -> set[tuple[int, int]]:
    frame = pd.DataFrame({"label": labels, "i": np.arange(len(labels))})
    both = frame.merge(frame, on="label")
    both = both[both["i_x"] < both["i_y"]]
    return set(zip(both["i_x"].tolist(), both["i_y"].tolist(), strict=True))


def f1(truth: set, found: set) -> float:
    hit = len(truth & found)
    return 2 * hit / max(len(truth) + len(found), 1)


def same_people_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of records grouped with exactly the same other records under both labellings."""
    frame = pd.DataFrame({"a": a, "b": b})
    one_to_one = (frame.groupby("a")["b"].transform("nunique") == 1) & (
        frame.groupby("b")["a"].transform("nunique") == 1
    )
    return float(one_to_one.mean())


# ------------------------------------------------------------------------------ the file


def tables(ws: Workspace) -> dict:
    index = ws.index
    return {
        "settings": dict(ws.settings),
        "seasons": list(ws.seasons),
        "uploads": [vars(u) for u in ws.uploads],
        "records": ws.records(),
        "as_typed": ws.side_table("as_typed"),
        "attributes": ws.side_table("attributes"),
        "person_id": ws.person_id,
        "pairs": ws.pairs(),
        "decisions": ws.decisions,
        "events": ws.events,
        "plans": ws.plans,
        "model": json.dumps(ws.model.to_dict(), sort_keys=True),
        "caps": index.caps,
        "dead": index.dead,
        "index": {k: (v[0].tolist(), v[1].tolist()) for k, v in index.parts.items()},
    }


def assert_same_tables(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        left, right = a[name], b[name]
        if isinstance(left, pd.DataFrame):
            pd.testing.assert_frame_equal(left, right, check_dtype=True, obj=name)
        elif isinstance(left, np.ndarray):
            np.testing.assert_array_equal(left, right, err_msg=name)
            assert left.dtype == right.dtype, name
        else:
            assert left == right, name


@pytest.fixture
def full_workspace(three_seasons, rosters) -> Workspace:
    """The three seasons plus a review decision and a saved outreach plan (a fresh copy)."""
    ws = Workspace.from_bytes(three_seasons[0].to_bytes())
    result = match_result(ws)
    pair = result.links.iloc[0]
    decided = pd.DataFrame(
        {
            "programme_a": [result.records["programme"][int(pair["rid_a"])]],
            "row_a": [int(result.records["row"][int(pair["rid_a"])])],
            "programme_b": [result.records["programme"][int(pair["rid_b"])]],
            "row_b": [int(result.records["row"][int(pair["rid_b"])])],
            "decision": ["different"],
        }
    )
    apply_session(ws, recluster(result, ws.threshold, decided))
    people = build_target_list(result.records, TargetConditions(not_in=[result.programmes[1]]))
    plan = make_plan(
        result.records, people.head(40), TargetConditions(), make_batches(people.head(40))
    )
    add_plan(ws, plan, result.records)
    return ws


def test_every_table_is_the_same_after_save_and_open(full_workspace, tmp_path):
    before = tables(full_workspace)
    path = tmp_path / "coalition.owl"
    full_workspace.save(path, PASS, params=FAST)
    again = Workspace.open(path, PASS)
    assert_same_tables(before, tables(again))
    assert len(again.decisions) == 1 and len(again.plans) == 1
    # the records of every upload are saved back as the very bytes they were read from
    assert blobs(again.to_bytes()) == blobs(crypto.load_sealed(path, PASS))


def blobs(database: bytes) -> dict:
    import sqlite3

    con = sqlite3.connect(":memory:")
    con.deserialize(database)
    rows = con.execute("SELECT upload_id, part, data FROM upload_data ORDER BY upload_id, part")
    return {(u, p): d for u, p, d in rows}


def test_a_wrong_passphrase_a_cut_or_a_flipped_byte_is_one_sentence(full_workspace, tmp_path):
    path = tmp_path / "w.owl"
    full_workspace.save(path, PASS, params=FAST)
    data = path.read_bytes()
    with pytest.raises(crypto.WrongPassphraseError, match=r"^The passphrase does not open .*\.$"):
        Workspace.open(path, "another passphrase")
    cut = tmp_path / "cut.owl"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(crypto.DamagedFileError, match="is damaged"):
        Workspace.open(cut, PASS)
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x10
    (tmp_path / "flip.owl").write_bytes(bytes(flipped))
    with pytest.raises(crypto.DamagedFileError, match="is damaged"):
        Workspace.open(tmp_path / "flip.owl", PASS)
    assert path.read_bytes() == data  # nothing was overwritten


def test_a_workspace_from_a_newer_overlap_or_not_a_workspace_says_so(full_workspace, tmp_path):
    import sqlite3

    con = sqlite3.connect(":memory:")
    con.deserialize(full_workspace.to_bytes())
    con.execute("UPDATE settings SET value = '99' WHERE key = 'version'")
    con.commit()
    newer = crypto.seal(con.serialize(), PASS, kind="workspace", params=FAST)
    with pytest.raises(WorkspaceError, match="newer version of Overlap .* update Overlap"):
        Workspace.from_sealed(newer, PASS, "w.owl")
    plan = crypto.seal(b"{}", PASS, kind="outreach-plan", params=FAST)
    with pytest.raises(crypto.WrongKindError, match="outreach plan, where an Overlap workspace"):
        Workspace.from_sealed(plan, PASS, "w.owl")
    junk = crypto.seal(b"not a database at all", PASS, kind="workspace", params=FAST)
    with pytest.raises(WorkspaceError, match="is not an Overlap workspace"):
        Workspace.from_sealed(junk, PASS, "w.owl")


# ------------------------------------------------------------------------------ seasons


def test_people_keep_their_ids_across_three_seasons(three_seasons, rosters):
    ws, history = three_seasons
    for before, after in zip(history, history[1:], strict=False):
        kept = float((after[: len(before)] == before).mean())
        assert kept >= 0.99, kept
    truth = true_ids(ws, rosters[1])
    # a person back in a later season carries the ID they had
    upload = ws.upload_of(np.arange(ws.n_records))
    season = np.array([ws.season_position(u.season) for u in ws.uploads])[upload]
    true_pairs = {p for p in linked_pairs(truth) if season[p[0]] != season[p[1]]}
    found = linked_pairs(ws.person_id)
    recall = len(true_pairs & found) / len(true_pairs)
    assert recall >= 0.9, recall


def test_adding_seasons_one_by_one_finds_the_people_one_full_match_finds(three_seasons, rosters):
    ws, _ = three_seasons
    full = match_rosters(ws.records().drop(columns="rid"), ws.threshold)
    full_ids = full.records["person_id"].to_numpy()
    assert same_people_share(ws.person_id, full_ids) >= 0.99
    truth = linked_pairs(true_ids(ws, rosters[1]))
    assert abs(f1(truth, linked_pairs(ws.person_id)) - f1(truth, linked_pairs(full_ids))) <= 0.01


def test_the_very_same_file_again_changes_nothing(three_seasons, rosters):
    ws = Workspace.from_bytes(three_seasons[0].to_bytes())
    before = tables(ws)
    again = read_arrival(rosters[0] / "roster_3.csv", name="Another name")
    report = add_rosters(ws, [again], season="2026 spring")
    assert not report.changed
    assert report.skipped == [
        "roster_3.csv is already in the workspace as Tax clinic (2025 spring, from "
        "roster_3.csv); it was not added again."
    ]
    assert_same_tables(before, tables(ws))


def test_a_programme_twice_in_one_season_is_refused_and_nothing_changes(three_seasons, tmp_path):
    ws = Workspace.from_bytes(three_seasons[0].to_bytes())
    before = tables(ws)
    frames, _ = synth.make_rosters(2, 50, seed=99)
    frames[0].to_csv(tmp_path / "other.csv", index=False)
    with pytest.raises(
        OverlapError, match="Tax clinic already has a roster for season 2025 spring"
    ):
        add_rosters(
            ws, [read_arrival(tmp_path / "other.csv", name="Tax clinic")], season="2025 spring"
        )
    assert_same_tables(before, tables(ws))


def test_review_decisions_hold_when_a_season_is_added(rosters):
    folder, _ = rosters
    ws, _ = build(folder, PLAN[:1])
    result = match_result(ws)
    links = result.links[result.links["cross"] == 1].head(2)
    rec = result.records
    decided = pd.DataFrame(
        {
            "programme_a": rec["programme"].to_numpy()[links["rid_a"]],
            "row_a": rec["row"].to_numpy()[links["rid_a"]],
            "programme_b": rec["programme"].to_numpy()[links["rid_b"]],
            "row_b": rec["row"].to_numpy()[links["rid_b"]],
            "decision": ["different", "different"],
        }
    )
    apply_session(ws, recluster(result, ws.threshold, decided))
    pairs = links[["rid_a", "rid_b"]].to_numpy()
    assert all(ws.person_id[a] != ws.person_id[b] for a, b in pairs)
    for season, files in PLAN[1:]:
        arrivals = [read_arrival(folder / f"{stem}.csv", name=name) for stem, name in files]
        add_rosters(ws, arrivals, season)
        assert all(ws.person_id[a] != ws.person_id[b] for a, b in pairs)
    assert len(ws.decisions) == 2


def test_a_refit_matches_everyone_again_and_people_keep_their_ids(three_seasons):
    ws = Workspace.from_bytes(three_seasons[0].to_bytes())
    before = ws.person_id.copy()
    report = add_rosters(ws, [], season="2025 autumn", refit=True)
    assert report.mode == "full" and report.notes
    assert float((ws.person_id == before).mean()) >= 0.99


def test_export_writes_the_match_files_with_stable_ids_and_seasons(three_seasons, tmp_path):
    ws, _ = three_seasons
    export_folder(ws, tmp_path)
    records = pd.read_csv(tmp_path / "records.csv", dtype=str, keep_default_na=False)
    assert list(records.columns[:4]) == ["programme", "row", "person_id", "season"]
    assert records["person_id"].astype(int).tolist() == ws.person_id.tolist()
    assert set(records["programme"]) == {"Food bank", "Tax clinic"}
    assert records.groupby("programme")["season"].unique().map(sorted).to_dict() == {
        "Food bank": ["2024 autumn", "2025 autumn"],
        "Tax clinic": ["2024 autumn", "2025 spring"],
    }
    links = pd.read_csv(tmp_path / "links.csv", dtype=str, keep_default_na=False)
    assert list(links.columns[:5]) == [
        "programme_a",
        "row_a",
        "programme_b",
        "row_b",
        "probability",
    ]
    assert {"season_a", "season_b"} <= set(links.columns)
    overview = json.loads((tmp_path / "overlap.json").read_text())
    assert overview["union_people"] == len(np.unique(ws.person_id))
    assert set(overview["programmes"]) == {"Food bank", "Tax clinic"}


def test_the_summary_holds_counts_and_no_cell(three_seasons, rosters):
    ws, _ = three_seasons
    info = summary(ws)
    assert info["seasons"] == ["2024 autumn", "2025 spring", "2025 autumn"]
    assert info["records"] == 1200 and len(info["uploads"]) == 4
    assert info["programmes"]["Tax clinic"]["seasons"] == ["2024 autumn", "2025 spring"]
    text = json.dumps(info)
    frame = pd.read_csv(rosters[0] / "roster_1.csv", dtype=str, keep_default_na=False)
    names = [v for v in frame.iloc[:, :4].to_numpy().ravel().tolist() if len(v) > 3]
    assert not [v for v in names if v in text]


def test_flows_count_each_person_once_per_programme_and_name_the_new_by_their_season(
    three_seasons,
):
    ws, _ = three_seasons
    moves = flows(ws, ["2024 autumn", "2025 spring"])
    seen = presence(ws)
    autumn = seen[seen["season"] == "2024 autumn"]
    spring = seen[seen["season"] == "2025 spring"]
    out_of = moves.groupby("source")["people"].sum()
    # spring has one programme, so everyone in an autumn programme has one way out of it
    assert out_of.drop(ARRIVED).to_dict() == autumn.groupby("programme").size().to_dict()
    # spring's only programme: its people new this season come from "new", once each
    arrived = ~spring["person_id"].isin(autumn["person_id"])
    assert moves.loc[moves["source"] == ARRIVED, "people"].sum() == arrived.sum() > 0
    labels = flows_figure(moves).data[0].node.label
    assert "new in 2025 spring" in labels and "not seen in 2025 spring" in labels
    assert not any(label.startswith("new in 2024") for label in labels)


def test_a_match_already_made_becomes_the_first_season_as_it_is(rosters):
    """The dashboard keeps its session's match as a workspace: nothing matched again."""
    folder = rosters[0]
    arrivals = [
        read_arrival(folder / "roster_1.csv", name="Food bank"),
        read_arrival(folder / "roster_2.csv", name="Tax clinic"),
    ]
    made = match_rosters([a.mapped for a in arrivals])
    ws = start_from_match(made, arrivals, season="2024 autumn")
    assert ws.seasons == ["2024 autumn"] and [u.programme for u in ws.uploads] == [
        "Food bank",
        "Tax clinic",
    ]
    assert same_people_share(ws.person_id, made.records["person_id"].to_numpy()) == 1.0
    kept = made.pairs[made.pairs["probability"] >= STORED_PAIR_FLOOR]
    assert len(ws.pairs()) == len(kept) > 0  # the pairs that may matter later, as scored
    before = ws.person_id.copy()
    report = add_rosters(
        ws, [read_arrival(folder / "roster_3.csv", name="Tax clinic")], season="2025 spring"
    )
    assert report.changed and not report.notes  # the stored model and index served: no full match
    assert (ws.person_id[: len(before)] == before).mean() >= 0.99
    with pytest.raises(OverlapError, match="not of these rosters"):
        start_from_match(made, arrivals[:1])
