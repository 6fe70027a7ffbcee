"""Roster keys never reach disk through DuckDB's spill files."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from overlap import duck

ROOT = Path(__file__).resolve().parents[1]


def test_connections_do_not_spill_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # DuckDB's default spill folder is ./.tmp
    con = duck.connect()
    assert con.execute("select current_setting('temp_directory')").fetchall() == [("",)]
    con.execute("set memory_limit = '64MB'")
    with pytest.raises(duckdb.OutOfMemoryException):
        con.execute(
            "create table t as select md5(i::varchar) s from range(3000000) r(i) order by s"
        )
    assert list(tmp_path.iterdir()) == []


def test_the_library_opens_duckdb_only_through_overlap_duck():
    opened = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "overlap").rglob("*.py")
        if path.name != "duck.py" and re.search(r"duckdb\.connect\(", path.read_text())
    ]
    assert opened == []
