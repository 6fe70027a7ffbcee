"""The one place the ``overlap`` command writes to the terminal.

Everything it says holds counts, file names, column names, row numbers and
reasons, never a cell of a roster; keeping the writes here makes that one
place to check. Progress lines are plain sentences with counts, one per
stage: ``overlap: STAGE: what happened (N s)``, the stage a plain word too.
"""

from __future__ import annotations

import sys


def say(text: str) -> None:
    """A result for the person at the terminal (standard output)."""
    sys.stdout.write(f"{text}\n")


def tell(text: str) -> None:
    """Progress or an error (standard error), so standard output stays the result."""
    sys.stderr.write(f"{text}\n")
    sys.stderr.flush()  # progress lines must show while a long match runs


def _n(value) -> str:
    return f"{int(value):,}"


class ProgressLines:
    """``progress(stage, info)`` for the matching engines, told as plain sentences.

    Args:
        threshold: the match probability in use (the scoring line says it).
    """

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.records: int | None = None

    def __call__(self, stage: str, info: dict) -> None:
        sentence = getattr(self, f"_{stage}", None)
        text = sentence(info) if sentence else f"{stage.replace('_', ' ')}: done"
        tell(f"overlap: {text} ({float(info.get('seconds', 0)):.2f} s)")

    def _read(self, info: dict) -> str:
        if "files" not in info:  # encoded rosters
            return f"reading: {_n(info.get('records', 0))} encoded records"
        files = _n(info["files"])
        text = f"reading: {files} file{'s' if info['files'] != 1 else ''}, {_n(info['rows'])} rows"
        problems = int(info.get("problem_rows", 0))
        if problems:
            text += f", {_n(problems)} of them with problems (kept; `overlap inspect` lists them)"
        return text

    def _normalise(self, info: dict) -> str:
        self.records = info.get("records")
        return (
            f"cleaning: names, dates, addresses, phones and emails of "
            f"{_n(info.get('records', 0))} records from {_n(info.get('programmes', 0))} programmes"
        )

    def _block(self, info: dict) -> str:
        pairs = info.get("candidate_pairs", info.get("pairs", 0))
        text = f"pairing: {_n(pairs)} candidate pairs of records to compare"
        skipped = int(info.get("skipped_blocks", 0) or 0)
        if skipped:
            text += (
                f"; {_n(skipped)} very common group{'s' if skipped != 1 else ''} (a common "
                "surname in one ZIP, say) were paired only where other details agree"
            )
        return text

    def _compare(self, info: dict) -> str:
        pairs = info.get("pairs", info.get("pairs_scored", 0))
        details = info.get("comparisons")
        return f"comparing: {_n(pairs)} pairs" + (
            f", detail by detail ({_n(details)} details)" if details else ", encoding by encoding"
        )

    def _model(self, info: dict) -> str:
        return "learning: how much each detail counts, from these rosters themselves"

    def _score(self, info: dict) -> str:
        text = (
            f"scoring: {_n(info.get('links', 0))} of {_n(info.get('pairs', 0))} pairs are likely "
            f"the same person (probability at least {self.threshold:g})"
        )
        family = int(info.get("household_guarded", 0) or 0)
        if family:
            text += (
                f"; {_n(family)} pairs sharing a home or phone but clearly two people "
                "(such as twins, or a parent and child) were kept apart"
            )
        return text

    def _cluster(self, info: dict) -> str:
        people = _n(info.get("people", 0))
        if self.records is None:
            return f"grouping: {people} people"
        return f"grouping: {_n(self.records)} records are {people} people"
