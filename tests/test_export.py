"""Safe exports: hostile cells never become formulas, and every value stays readable."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from overlap import export
from overlap.errors import OverlapError
from overlap.export import (
    neutralise_formulas,
    safe_csv_bytes,
    safe_xlsx_bytes,
    write_table,
)

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1 (555) 010-2000",
    "-5",
    "\tleading tab",
    "\rleading carriage return",
    "=1+1",
    "-2+3+cmd|' /C calc'!A0",
    "+13125550100",
    "+1 312-555-0100; +1 312-555-0199",
    "  =1+1",
    "＝1+1",
    "-",
    "-3.25",
    "plain text",
    "Main St, Apt 4",
    "_x0041_ stays as typed",
]
# never written as-is in CSV: a spreadsheet would read them as formulas
SAFE_AS_IS = {"-5", "-3.25", "plain text", "Main St, Apt 4", "_x0041_ stays as typed"}
NOT_NUMBERS = {v for v in HOSTILE if v not in SAFE_AS_IS}
PHONES = {"+1 (555) 010-2000", "+13125550100", "+1 312-555-0100; +1 312-555-0199"}
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _looks_like_formula(value: str) -> bool:
    return value.lstrip(" ").startswith(FORMULA_LEADS)


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "value": pd.Series(HOSTILE, dtype="str"),
            "mixed": pd.Series(HOSTILE, dtype=object),
            "count": np.arange(len(HOSTILE)),
            "=SUM(A1)": ["x"] * len(HOSTILE),
        }
    )


def _control_unescape(value: str) -> str:
    """Undo the OOXML escape of control characters (CR is stored as _x000D_) that openpyxl keeps."""
    return re.sub(r"_x00([01][0-9A-Fa-f])_", lambda m: chr(int(m.group(1), 16)), value)


def _calamine_column(data: bytes, rows: int) -> list:
    """Column A below the header, read by a second, independent XLSX reader (calamine)."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    body = [row[0] if row else "" for row in sheet[1:]]
    return body + [""] * (rows - len(body))


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_hostile_values_are_quoted_and_survive():
    rows = _read_csv(safe_csv_bytes(_hostile_frame()))
    header, body = rows[0], rows[1:]
    assert header == ["value", "mixed", "count", "'=SUM(A1)"]
    assert len(body) == len(HOSTILE)
    for original, row in zip(HOSTILE, body, strict=True):
        for cell in row[:2]:
            if original in NOT_NUMBERS:
                assert cell == "'" + original  # neutralised, the value readable after the quote
            else:
                assert cell == original  # -5, plain text: untouched
            if _looks_like_formula(cell):
                assert cell in {"-5", "-3.25"}  # plain negative numbers are not formulas
        assert int(row[2]) == HOSTILE.index(original)


def test_csv_is_utf8_with_bom_and_every_field_quoted():
    data = safe_csv_bytes(pd.DataFrame({"name": ["José"], "n": [1]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ['"name","n"', '"José","1"']


def test_xlsx_hostile_values_are_text_not_formulas():
    data = safe_xlsx_bytes(_hostile_frame(), sheet_name="Targets: [1]")
    workbook = openpyxl.load_workbook(io.BytesIO(data))  # data_only=False: formulas would show
    sheet = workbook.active
    assert sheet.title == "Targets   1"
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["value", "mixed", "count", "'=SUM(A1)"]
    for original, row in zip(HOSTILE, rows[1:], strict=True):
        for cell in row:
            assert cell.data_type != "f"
        for cell in row[:2]:
            assert cell.data_type == "s"
            value = _control_unescape(cell.value)  # CR is stored as the OOXML escape _x000D_
            if original in PHONES or original not in NOT_NUMBERS:
                assert value == original  # phones and -5 stay exactly readable, as text
            else:
                assert value == "'" + original
                assert not _looks_like_formula(value)
        assert row[2].data_type == "n" and row[2].value == HOSTILE.index(original)
    # a second reader sees exactly the same text
    expected = [o if o in PHONES or o not in NOT_NUMBERS else "'" + o for o in HOSTILE]
    assert _calamine_column(data, len(HOSTILE)) == expected


def test_xlsx_read_by_pandas_has_no_formulas_and_keeps_blanks():
    frame = pd.DataFrame({"a": ["=1+1", "", None], "b": [1.5, np.nan, 3.0]})
    back = pd.read_excel(io.BytesIO(safe_xlsx_bytes(frame)), dtype=str, engine="openpyxl")
    assert back["a"].fillna("").tolist() == ["'=1+1", "", ""]
    assert back["b"].fillna("").tolist() == ["1.5", "", "3"]


def test_category_columns_are_neutralised_too():
    frame = pd.DataFrame({"c": pd.Categorical(["=1+1", "a", "=1+1"])})
    assert neutralise_formulas(frame)["c"].tolist() == ["'=1+1", "a", "'=1+1"]
    rows = _read_csv(safe_csv_bytes(frame))
    assert [r[0] for r in rows[1:]] == ["'=1+1", "a", "'=1+1"]


def test_neutralise_leaves_non_text_columns_and_the_input_alone():
    frame = pd.DataFrame({"n": [-5, 3], "flag": [True, False], "t": ["=x", "y"]})
    out = neutralise_formulas(frame)
    assert out["n"].tolist() == [-5, 3]
    assert out["flag"].tolist() == [True, False]
    assert out["t"].tolist() == ["'=x", "y"]
    assert frame["t"].tolist() == ["=x", "y"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_any_text_is_safe_and_recoverable_in_csv(values):
    frame = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    body = [row[0] for row in _read_csv(safe_csv_bytes(frame))[1:]]
    # csv turns a lone CR/CRLF inside quotes back exactly; compare the text
    assert len(body) == len(values)
    for original, cell in zip(values, body, strict=True):
        if _looks_like_formula(cell):
            assert export._NEGATIVE_NUMBER_RE.match(cell)
        assert cell in {original, "'" + original}


def test_write_table_chooses_by_extension(tmp_path):
    frame = pd.DataFrame({"v": ["=1+1"]})
    csv_path = write_table(frame, tmp_path / "out.CSV")
    assert _read_csv(csv_path.read_bytes())[1] == ["'=1+1"]
    xlsx_path = write_table(frame, tmp_path / "out.xlsx", sheet_name="Targets")
    sheet = openpyxl.load_workbook(xlsx_path)["Targets"]
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    with pytest.raises(OverlapError, match=r"out\.txt.*\.csv or \.xlsx"):
        write_table(frame, tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 3)
    with pytest.raises(OverlapError, match="as CSV instead"):
        safe_xlsx_bytes(pd.DataFrame({"v": ["a", "b", "c"]}))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=10), min_size=1, max_size=4))
def test_any_text_is_a_text_cell_in_xlsx(values):
    frame = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    data = safe_xlsx_bytes(frame)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    for i in range(len(values)):
        assert sheet.cell(row=i + 2, column=1).data_type != "f"
    for original, value in zip(values, _calamine_column(data, len(values)), strict=True):
        assert value in {original, "'" + original}
        if value == original and _looks_like_formula(value):
            assert export._NEGATIVE_NUMBER_RE.match(value) or export._PHONE_SHAPE_RE.match(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=6))
def test_read_safe_csv_returns_every_value_as_it_was(values):
    """Our own CSVs (match table, decisions) read back exactly, quote marks undone."""
    frame = pd.DataFrame({"=name": values, "plain": ["x"] * len(values)})
    back = export.read_safe_csv(io.BytesIO(export.safe_csv_bytes(frame)))
    assert list(back.columns) == ["=name", "plain"]
    assert back["=name"].tolist() == values
