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

SUBCOMMANDS = ["inspect", "match", "export", "encode", "report", "workspace"]


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
