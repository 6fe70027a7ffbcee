"""``import overlap`` gives the public face: the few functions a Python user needs.

Each public function says what it takes and gives (Args/Returns) and shows
an example; the examples follow on from one another and run here, in order,
from a folder holding the repository's sample rosters, so they cannot rot.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import overlap

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = re.compile(r"^( *)```py\n(.*?)^\1```", re.S | re.M)

FACE = {
    "read_roster",
    "map_rosters",
    "match_rosters",
    "recluster",
    "match_files",
    "save_result",
    "load_result",
    "overlap_document",
    "build_target_list",
    "display_targets",
    "write_table",
    "Roster",
    "MappedRoster",
    "MatchResult",
    "FittedModel",
    "LoadedResult",
    "TargetConditions",
    "OverlapError",
}


def public_functions() -> list[str]:
    return [n for n in overlap.__all__ if inspect.isfunction(getattr(overlap, n))]


def examples(name: str) -> list[str]:
    doc = inspect.getdoc(getattr(overlap, name)) or ""
    return [inspect.cleandoc("\n" + code) for _, code in EXAMPLE.findall(doc)]


def test_import_overlap_gives_the_public_face_and_loads_it_only_when_used():
    code = (
        "import sys, overlap\n"
        "assert 'pandas' not in sys.modules, 'import overlap loaded pandas'\n"
        "from overlap import *\n"
        "print(sorted(overlap.__all__))\n"
        "print(callable(match_files), 'pandas' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert run.returncode == 0, run.stderr
    names, loaded = run.stdout.strip().splitlines()
    assert set(eval(names)) == FACE
    assert loaded == "True True"
    assert set(overlap._HOME) == set(overlap.__all__) == FACE
    assert FACE <= set(dir(overlap))
    with pytest.raises(AttributeError):
        overlap.no_such_name  # noqa: B018


def test_the_package_is_marked_as_typed():
    assert (ROOT / "overlap" / "py.typed").is_file()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("name", sorted(FACE - {"OverlapError"}))
def test_every_public_name_is_documented(name):
    doc = inspect.getdoc(getattr(overlap, name)) or ""
    assert len(doc.splitlines()[0]) > 10, name
    if inspect.isfunction(getattr(overlap, name)):
        assert "Args:" in doc and "Returns:" in doc, name
        assert examples(name), f"{name} has no ```py example"


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    """Every example, in the order of ``overlap.__all__``, in one namespace (as a reader would)."""
    folder = tmp_path_factory.mktemp("examples")
    (folder / "data").mkdir()
    os.symlink(ROOT / "data" / "samples", folder / "data" / "samples")
    namespace: dict = {}
    before = Path.cwd()
    os.chdir(folder)
    try:
        for name in public_functions():
            for code in examples(name):
                exec(compile(code, f"<example of {name}>", "exec"), namespace)
    finally:
        os.chdir(before)
    return folder, namespace


def test_the_examples_run_and_do_what_they_say(example_run):
    folder, ns = example_run
    assert ns["roster"].name == "Employer" and len(ns["roster"].frame) > 1000
    assert [m.name for m in ns["mapped"]] == ["Employer", "Job programme"]
    assert "work_email" not in ns["mapped"][0].mapping  # the correction held
    result = ns["result"]
    assert result.programmes == ["Employer", "Job programme"]
    assert ns["strict"].threshold == 0.95
    assert sorted(p.name for p in (folder / "match-out").iterdir()) == [
        "links.csv",
        "overlap.json",
        "records.csv",
    ]
    assert ns["loaded"].overlap == json.loads((folder / "match-out" / "overlap.json").read_text())
    shared = ns["document"]["pairwise"][0]["shared_people"]
    assert 0 < shared < len(result.records)
    people = ns["people"]
    assert set(people["programmes"].map(tuple)) == {("Job programme",)}
    assert len(ns["table"]) == len(people) > 0
    assert (folder / "to-contact.xlsx").stat().st_size > 0


def test_a_saved_model_loads_to_the_same_scores(example_run, tmp_path):
    from overlap.model import score

    result = example_run[1]["result"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(result.model.to_dict()))
    loaded = overlap.FittedModel.from_dict(json.loads(path.read_text()))
    levels = result.pairs[
        ["rid_a", "rid_b", "cross", "name_swap", *[c.level_column for c in result.comparisons]]
    ]
    again = score(loaded, result.records, levels)
    np.testing.assert_array_equal(again["probability"].to_numpy(), result.pairs["probability"])
    np.testing.assert_array_equal(again["match_weight"].to_numpy(), result.pairs["match_weight"])


def test_map_rosters_maps_as_the_command_does_and_refuses_a_roster_without_names():
    from overlap.errors import MappingError
    from overlap.inputs import read_inputs

    files = sorted((ROOT / "data" / "samples").glob("*.*"))
    command = read_inputs(files).mapped
    mapped = overlap.map_rosters([overlap.read_roster(f) for f in files])
    assert [m.mapping for m in mapped] == [m.mapping for m in command]
    assert any(f.startswith("evidence") for m in mapped for f in m.mapping.values())
    for ours, theirs in zip(mapped, command, strict=True):
        assert ours.fields.equals(theirs.fields)
    employer = overlap.read_roster(files[0])
    names = {c for c, f in mapped[0].mapping.items() if f in ("first_name", "last_name")}
    with pytest.raises(MappingError, match="no name column"):
        overlap.map_rosters([employer], [dict.fromkeys(names, "ignore")])
