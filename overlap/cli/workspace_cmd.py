"""``overlap workspace``: keep a coalition's rosters, people and decisions from season to season.

    overlap workspace new W.owl
    overlap workspace add W.owl FILE... [--season LABEL] [--name PROGRAMME ...] [--refit]
    overlap workspace show W.owl [--json]
    overlap workspace export W.owl --out DIR

The workspace is one encrypted file (see docs/workspace.md). The passphrase
comes from ``--passphrase-file FILE`` or the ``OVERLAP_PASSPHRASE``
environment variable, never from the command line (it would show in the
process list and the shell's history). Anything wrong with the input (a
missing file, a wrong passphrase, a roster that cannot be read) is one
sentence on stderr, exit status 2, and the workspace file is not touched.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from overlap.cli import check_roster_files, command
from overlap.cli.output import say, tell
from overlap.errors import OverlapError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap workspace`` and its four commands; return its parser."""
    parser = command(subparsers, "workspace")
    commands = parser.add_subparsers(dest="workspace_command", required=True, metavar="COMMAND")
    new = commands.add_parser("new", help="make an empty workspace file")
    _common(new)
    new.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="P",
        help="link records whose match probability is at least P (default 0.5)",
    )
    add = commands.add_parser(
        "add",
        help="add a season's rosters and link their people to the people already known",
    )
    _common(add)
    add.add_argument("files", nargs="+", metavar="FILE", help="roster files (CSV, Excel, ODS)")
    add.add_argument(
        "--season",
        default=None,
        metavar="LABEL",
        help="the season these rosters belong to, e.g. '2025 spring' (default: this month)",
    )
    add.add_argument(
        "--name",
        action="append",
        default=None,
        metavar="PROGRAMME",
        help="programme name for each file, in order (default: the file name)",
    )
    add.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FILE:RAW=FIELD",
        help="correct the column mapping, e.g. --map clients.csv:DOB=dob",
    )
    add.add_argument(
        "--refit",
        action="store_true",
        help="fit the matching model again on every record (slower; people keep their IDs)",
    )
    show = commands.add_parser("show", help="programmes, seasons, people and changes (no names)")
    _common(show)
    show.add_argument("--json", action="store_true", help="print the summary as JSON")
    export = commands.add_parser(
        "export", help="write records.csv, links.csv and overlap.json as `overlap match` does"
    )
    _common(export)
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the three files")
    export.add_argument(
        "--force", action="store_true", help="replace the files a previous export left there"
    )
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", metavar="W.owl", help="the workspace file")
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=None,
        help="a file whose first line is the passphrase (else OVERLAP_PASSPHRASE)",
    )


def run(args: argparse.Namespace) -> int:
    """Run one workspace command."""
    return {"new": _new, "add": _add, "show": _show, "export": _export}[args.workspace_command](
        args
    )


def _passphrase(args: argparse.Namespace) -> str:
    from overlap.crypto import read_passphrase

    return read_passphrase(args.passphrase_file)


def _open(args: argparse.Namespace):
    from overlap.workspace import Workspace

    path = Path(args.workspace)
    if not path.is_file():
        raise OverlapError(f"{path} does not exist; make one with `overlap workspace new {path}`.")
    return Workspace.open(path, _passphrase(args))


def _new(args: argparse.Namespace) -> int:
    from overlap.crypto import check_new_passphrase
    from overlap.workspace import Workspace
    from overlap.workspace.store import DEFAULT_THRESHOLD

    path = Path(args.workspace)
    if path.exists():
        raise OverlapError(f"{path} already exists; give a new file name (nothing was changed).")
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0.0 <= threshold <= 1.0:
        raise OverlapError("--threshold must be a probability between 0 and 1, such as 0.5.")
    passphrase = _passphrase(args)
    check_new_passphrase(passphrase)
    Workspace(threshold=threshold).save(path, passphrase)
    say(f"Made an empty workspace {path}. Add rosters with `overlap workspace add {path} FILE...`.")
    return 0


def _progress(stage: str, info: dict) -> None:
    counts = ", ".join(
        f"{k.replace('_', ' ')} {v:,}"
        for k, v in info.items()
        if k not in ("stage", "seconds") and isinstance(v, int)
    )
    tell(f"overlap: {stage}{': ' + counts if counts else ''} ({info.get('seconds', 0):.2f} s)")


def _add(args: argparse.Namespace) -> int:
    from overlap.workspace import add_rosters, read_arrival

    check_roster_files(args.files, args.name, unchanged=" (nothing was changed)")
    arrivals = [  # every roster read and checked before the workspace is even opened
        read_arrival(path, name=args.name[i] if args.name else None, overrides=args.map)
        for i, path in enumerate(args.files)
    ]
    started = time.perf_counter()
    ws = _open(args)
    passphrase = _passphrase(args)
    opened = [f"overlap: opened the workspace: records {ws.n_records:,} "
              f"({time.perf_counter() - started:.2f} s)"]  # fmt: skip

    def progress(stage: str, info: dict) -> None:
        while opened:  # said once the work starts: a refused roster is the only line
            tell(opened.pop())
        _progress(stage, info)

    report = add_rosters(ws, arrivals, season=args.season, refit=args.refit, progress=progress)
    for sentence in report.skipped:
        say(sentence)
    if not report.changed:
        say("Nothing new to add; the workspace is unchanged.")
        return 0
    started = time.perf_counter()
    ws.save(args.workspace, passphrase)
    tell(f"overlap: saved the workspace ({time.perf_counter() - started:.2f} s)")
    for upload in report.added:
        say(
            f"Added {upload.programme} ({upload.season}): {upload.rows:,} records from {upload.file_name}."
        )
    say(
        f"{report.new_people:,} new people, {report.returning_people:,} already known; "
        f"{report.merges:,} merged and {report.splits:,} split (see `overlap workspace show`)."
    )
    for note in report.notes:
        say(note)
    return 0


def _show(args: argparse.Namespace) -> int:
    from overlap.workspace import summary

    info = summary(_open(args))
    if args.json:
        say(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    say(
        f"{info['records']:,} records, {info['people']:,} people, "
        f"{len(info['seasons'])} season(s): {', '.join(info['seasons']) or 'none yet'}."
    )
    for name, programme in info["programmes"].items():
        say(
            f"  {name}: {programme['people']:,} people in {programme['records']:,} records "
            f"({', '.join(programme['seasons'])})"
        )
    for upload in info["uploads"]:
        say(
            f"  - {upload['programme']} ({upload['season']}): {upload['records']:,} records, "
            f"{upload['people']:,} people, from {upload['file']}, added {upload['added']}"
        )
    changes = info["changes"]
    say(f"Changes to people: {changes['merged']:,} merged, {changes['split']:,} split.")
    for change in info["recent_changes"]:
        others = ", ".join(str(i) for i in change["other_ids"])
        say(
            f"  {change['at']} {change['kind']} {change['person_id']} ({others}): {change['reason']}"
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    from overlap.results import MATCH_FILES, check_outputs
    from overlap.workspace import export_folder

    out = Path(args.out)
    check_outputs([out / name for name in MATCH_FILES], overwrite=args.force)
    ws = _open(args)
    paths = export_folder(ws, out, overwrite=args.force)
    say(f"Wrote {', '.join(p.name for p in paths)} to {out} ({ws.n_records:,} records).")
    return 0
