"""``overlap workspace new|add|show|export``: the commands, and bad input that changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from overlap.cli import main

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import synth  # noqa: E402

PASS = "correct horse battery"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rosters")
    frames, _ = synth.make_rosters(3, 120, seed=21)
    for i, frame in enumerate(frames, start=1):
        frame.to_csv(folder / f"roster_{i}.csv", index=False)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    (folder / "pass.txt").write_text(PASS + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def first_season(files, tmp_path_factory) -> Path:
    """A workspace with one season (two rosters), made once by the commands."""
    path = tmp_path_factory.mktemp("first") / "coalition.owl"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OVERLAP_PASSPHRASE", PASS)
        assert main(["workspace", "new", str(path)]) == 0
        code = main(
            ["workspace", "add", str(path), str(files / "roster_1.csv"),
             str(files / "roster_2.csv"), "--name", "Food bank", "--name", "Tax clinic",
             "--season", "2024 autumn"]
        )  # fmt: skip
    assert code == 0
    return path


@pytest.fixture
def workspace(first_season, tmp_path, monkeypatch) -> Path:
    """A copy of the one-season workspace for one test; passphrase in the environment."""
    monkeypatch.setenv("OVERLAP_PASSPHRASE", PASS)
    path = tmp_path / "coalition.owl"
    path.write_bytes(first_season.read_bytes())
    return path


def test_a_season_added_shown_and_exported(workspace, files, tmp_path, capsys):
    capsys.readouterr()
    code = main(
        ["workspace", "add", str(workspace), str(files / "roster_3.csv"), "--name", "Tax clinic",
         "--season", "2025 spring", "--passphrase-file", str(files / "pass.txt")]
    )  # fmt: skip
    out = capsys.readouterr()
    assert code == 0
    assert "Added Tax clinic (2025 spring): 120 records from roster_3.csv." in out.out
    assert "already known" in out.out
    assert "overlap: block: candidate pairs" in out.err  # the new roster met the known people only
    assert main(["workspace", "show", str(workspace)]) == 0
    shown = capsys.readouterr().out
    assert "season(s): 2024 autumn, 2025 spring." in shown
    assert "Tax clinic: " in shown and "Food bank: " in shown
    frame = pd.read_csv(files / "roster_3.csv", dtype=str, keep_default_na=False)
    cells = [v for v in frame.to_numpy().ravel().tolist() if len(v) > 4]
    assert not [v for v in cells if v in shown]  # never a cell
    assert main(["workspace", "show", str(workspace), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["records"] == 360 and info["seasons"] == ["2024 autumn", "2025 spring"]
    out_dir = tmp_path / "export"
    assert main(["workspace", "export", str(workspace), "--out", str(out_dir)]) == 0
    records = pd.read_csv(out_dir / "records.csv", dtype=str, keep_default_na=False)
    assert len(records) == 360 and "season" in records.columns
    assert records["person_id"].astype(int).nunique() == info["people"]
    assert main(["workspace", "export", str(workspace), "--out", str(out_dir)]) == 2
    assert "already exists; add --force to replace it" in capsys.readouterr().err
    overview = json.loads((out_dir / "overlap.json").read_text())
    assert overview["union_people"] == info["people"] and "union_people_low" in overview
    # an outreach list from the export: rows repeat across seasons, the season tells them apart
    listed = tmp_path / "list.csv"
    code = main(["export", "--from", str(out_dir), "--in", "Tax clinic", "--where",
                 "season=2025 spring", "--out", str(listed)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    people = pd.read_csv(listed, dtype=str, keep_default_na=False)
    spring = records[(records["programme"] == "Tax clinic") & (records["season"] == "2025 spring")]
    assert len(people) == spring["person_id"].nunique()
    assert main(["workspace", "export", str(workspace), "--out", str(out_dir), "--force"]) == 0


def bad_cases(files: Path, workspace: Path) -> dict[str, tuple[list[str], dict, str]]:
    add = ["workspace", "add", str(workspace)]
    return {
        "missing roster": (add + [str(files / "nope.csv")], {}, "nope.csv does not exist"),
        "wrong passphrase": (
            add + [str(files / "roster_3.csv")],
            {"OVERLAP_PASSPHRASE": "not the passphrase"},
            "The passphrase does not open",
        ),
        "no passphrase": (
            add + [str(files / "roster_3.csv")],
            {"OVERLAP_PASSPHRASE": None},
            "give it with --passphrase-file FILE",
        ),  # fmt: skip
        "unreadable roster": (add + [str(files / "broken.xlsx")], {}, "broken.xlsx"),
        "programme twice in a season": (
            add + [str(files / "roster_3.csv"), "--name", "Tax clinic", "--season", "2024 autumn"],
            {},
            "Tax clinic already has a roster for season 2024 autumn",
        ),
        "missing workspace": (
            ["workspace", "show", str(workspace.with_name("other.owl"))],
            {},
            "other.owl does not exist",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing roster",
        "wrong passphrase",
        "no passphrase",
        "unreadable roster",
        "programme twice in a season",
        "missing workspace",
    ],
)
def test_bad_input_is_one_sentence_and_changes_nothing(case, files, workspace, capsys, monkeypatch):
    args, env, words = bad_cases(files, workspace)[case]
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    before = workspace.read_bytes()
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert workspace.read_bytes() == before


def test_new_refuses_an_existing_file_and_a_short_passphrase(
    workspace, tmp_path, capsys, monkeypatch
):
    before = workspace.read_bytes()
    assert main(["workspace", "new", str(workspace)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert workspace.read_bytes() == before
    monkeypatch.setenv("OVERLAP_PASSPHRASE", "short")
    assert main(["workspace", "new", str(tmp_path / "fresh.owl")]) == 2
    assert "use at least 8" in capsys.readouterr().err
    assert not (tmp_path / "fresh.owl").exists()


def test_the_same_file_again_is_said_and_changes_nothing(workspace, files, capsys):
    before = workspace.read_bytes()
    assert main(["workspace", "add", str(workspace), str(files / "roster_1.csv")]) == 0
    out = capsys.readouterr().out
    assert "is already in the workspace as Food bank (2024 autumn" in out
    assert "the workspace is unchanged" in out
    assert workspace.read_bytes() == before


FAILING_SAVE = textwrap.dedent(
    """
    import resource, signal, sys
    from overlap.cli import main
    workspace, roster, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # the file-size limit makes the kernel fail the write (EFBIG), as a full disk would
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    sys.exit(main(["workspace", "add", workspace, roster, "--season", "2025 spring"]))
    """
)


def test_a_failed_save_leaves_the_previous_workspace_intact(workspace, files):
    before = workspace.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", FAILING_SAVE, str(workspace), str(files / "roster_3.csv"),
         str(len(before) + 1000)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "OVERLAP_PASSPHRASE": PASS},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"overlap: Could not save {workspace}: the disk is full or the file would be too big; "
        "the previous file is unchanged."
    )
    assert workspace.read_bytes() == before
    assert sorted(p.name for p in workspace.parent.iterdir()) == ["coalition.owl"]
