"""The one place the ``overlap`` command writes to the terminal.

Everything it says holds counts, file names, column names, row numbers and
reasons, never a cell of a roster; keeping the writes here makes that one
place to check.
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
