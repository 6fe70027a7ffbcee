"""The ``overlap`` command: a thin layer over the library.

Each sub-command lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``. Errors the user can fix print one line on stderr and
exit 2; anything unexpected prints one line without data and exits 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from overlap.cli.output import tell
from overlap.errors import OverlapError

#: the sub-commands in the order ``overlap --help`` lists them: each one's line in that
#: list and the description its own ``--help`` starts with (its options are in its module)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "inspect": (
        "show how a roster file is read and which columns are used for matching",
        (
            "Read one roster and show its format, encoding, header row, row count, "
            "rows with problems and the guessed column mapping. No cell is printed."
        ),
    ),
    "match": (
        "find the people your rosters share",
        (
            "Match the people of two or more rosters (and duplicates inside each) and write "
            "records.csv, links.csv and overlap.json into DIR."
        ),
    ),
    "export": (
        "write an outreach list (one row per person) from a match",
        (
            "Write an outreach list from the folder `overlap match --out DIR` made: one row "
            "per person, contact details merged from all their records. The file holds "
            "personal data; share it with care."
        ),
    ),
    "encode": (
        "encode a roster so partners can measure overlap without seeing names",
        (
            "Encode a roster with a secret shared by the partners. Send the .clk file; "
            "keep the .key.csv file (and the secret) on your own computer."
        ),
    ),
    "report": (
        "write a report for a board or funder (PDF or HTML, counts only)",
        (
            "Write a printable report of a match: headline numbers, overlap charts, map, "
            "where a joint initiative reaches most, and how the match was made. Counts "
            "only: no person's details are in it."
        ),
    ),
    "workspace": (
        "keep rosters, people and decisions from season to season in one encrypted file",
        (
            "A workspace keeps each season's rosters, the people found in them (with IDs "
            "that stay the same from one season to the next), review decisions and outreach "
            "plans, in one file encrypted with a passphrase."
        ),
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="overlap",
        description="Find the people your programmes serve in common.",
    )
    parser.add_argument("--version", action="version", version=f"overlap {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"overlap.cli.{name}_cmd")
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


def command(subparsers, name: str) -> argparse.ArgumentParser:
    """Register the sub-command ``name`` with its help line and description (``SUBCOMMANDS``)."""
    help_line, description = SUBCOMMANDS[name]
    return subparsers.add_parser(name, help=help_line, description=description)


def add_from_option(parser: argparse.ArgumentParser) -> None:
    """``--from DIR``: the match folder a command reads (``export``, ``report``)."""
    parser.add_argument(
        "--from",
        dest="from_dir",
        required=True,
        metavar="DIR",
        help="the folder written by `overlap match --out DIR`",
    )


def check_roster_files(files: list[str], names: list[str] | None, unchanged: str = "") -> None:
    """Refuse, before anything is read, a --name count that differs from the files' or a
    file that is not there. ``unchanged`` ends that sentence (e.g. " (nothing was changed)")."""
    from pathlib import Path

    if names is not None and len(names) != len(files):
        raise OverlapError(
            f"Got {len(names)} --name value(s) for {len(files)} file(s); "
            "give one per file, in the same order."
        )
    for path in files:
        if not Path(path).is_file():
            raise OverlapError(f"{path} does not exist or is not a file{unchanged}.")


def _version() -> str:
    """The installed package's version (the source's when run from a checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("overlap")
    except PackageNotFoundError:
        from overlap import __version__

        return __version__


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except OverlapError as exc:
        tell(f"overlap: {exc}")
        return 2
    except KeyboardInterrupt:
        tell("overlap: interrupted")
        return 130
    except MemoryError:
        tell("overlap: ran out of memory; try smaller files or --engine dask")
        return 1
    except Exception as exc:  # noqa: BLE001 - never show a traceback (it may hold data)
        tell(
            f"overlap: unexpected {type(exc).__name__}; please report it "
            "(no roster data was printed)"
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
