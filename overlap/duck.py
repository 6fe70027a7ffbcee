"""DuckDB connections that keep roster data in memory.

DuckDB's in-memory databases spill to a ``.tmp`` folder in the current
directory when a join outgrows memory. The tables we join hold roster keys
(names, dates of birth, phones), and rosters are never written to disk unless
the user asks, so every connection Overlap opens has spilling turned off: a
join that does not fit fails with an out-of-memory error instead.
"""

from __future__ import annotations

import duckdb


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that never writes temporary files."""
    return duckdb.connect(config={"temp_directory": ""})
