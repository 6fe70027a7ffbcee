"""The docs describe what the code does, and stay inside the repository.

docs/command-line.md names every option of every command, docs/output-files.md
every column and key a match writes; a link in README.md or docs/ points at a
file the repository holds (a clone has nothing beside it).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from overlap.cli import build_parser
from overlap.fields import FIELDS
from overlap.pipeline import match_files
from overlap.results import links_table, overlap_document, records_table

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SAMPLES = ROOT / "data" / "samples"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _named(text: str) -> set[str]:
    """Everything the page writes as inline code: `a`, `a_b`, `--opt`."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # examples are not the contract
    return {m for span in re.findall(r"`([^`]+)`", text) for m in re.split(r"[\s,|\[\]]+", span)}


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict:
    """Every sub-command, nested ones too ("workspace add"), and its parser."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[f"{prefix}{name}"] = sub
                found.update(_commands(sub, f"{prefix}{name} "))
    return found


def _options() -> dict[str, list[str]]:
    return {
        name: [o for a in cmd._actions for o in a.option_strings if o.startswith("--")]
        for name, cmd in _commands(build_parser()).items()
    }


def test_every_option_of_every_command_is_in_command_line_md():
    text = (DOCS / "command-line.md").read_text()
    named = _named(text)
    missing = [
        f"overlap {name} {opt}"
        for name, opts in _options().items()
        for opt in opts
        if opt != "--help" and opt not in named
    ]
    assert not missing, f"docs/command-line.md lacks {missing}"
    for name in _options():
        if " " not in name:
            assert f"## `overlap {name}" in text, f"docs/command-line.md has no section for {name}"


@pytest.fixture(scope="module")
def sample_match():
    files = [SAMPLES / "employer_new_hires.csv", SAMPLES / "job_placement_participants.csv"]
    return match_files([str(f) for f in files], names=["Employer", "Job programme"])


def test_every_column_and_key_a_match_writes_is_in_output_files_md(sample_match):
    named = _named((DOCS / "output-files.md").read_text())
    records = records_table(sample_match)
    own = set(sample_match.attributes.columns)  # the rosters' own columns, under their headers
    ours = [c for c in records.columns if c not in own and not c.startswith(("typed_", "ev_"))]
    assert not [c for c in ours if c not in named], "records.csv columns missing from the doc"
    links = [c for c in links_table(sample_match).columns if not c.startswith("ev_")]
    assert not [c for c in links if c not in named], "links.csv columns missing from the doc"
    document = overlap_document(sample_match)
    keys = set(document) | {k for v in document["programmes"].values() for k in v}
    keys |= {k for entry in document["pairwise"] + document["intersections"] for k in entry}
    assert not sorted(k for k in keys if k not in named), "overlap.json keys missing from the doc"


def test_every_field_of_the_registry_is_in_output_files_md():
    named = _named((DOCS / "output-files.md").read_text())
    assert not [f.name for f in FIELDS if f.name not in named]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_stay_inside_the_repository(page):
    text = page.read_text()
    assert "../shared" not in text, f"{page.name} sends readers to ../shared"
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or a heading on the same page
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
        assert path.exists(), f"{page.name} links to a missing file: {target}"
