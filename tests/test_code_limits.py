"""The library stays readable: no function over 80 lines, no module over 1,000 lines in overlap/.

What is over the limit today is listed by name below, with its length then;
it may only shrink. A new function or module over the limit fails, and so
does a listed one that has come under it (take it off the list: the limit
then holds for it too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

OVERLAP = Path(__file__).resolve().parents[1] / "overlap"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 1_000

#: functions over the limit today, "path:function" -> lines at most (none)
LONG_FUNCTIONS: dict[str, int] = {}
#: modules over the limit today, path -> lines at most (compare.py: to be split by kind of field)
LONG_MODULES: dict[str, int] = {"overlap/compare.py": 1514}


def _modules() -> list[Path]:
    return sorted(p for p in OVERLAP.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    return path.relative_to(OVERLAP.parent).as_posix()


def function_lengths() -> dict[str, int]:
    """Every function and method in overlap/ (nested ones too) -> its lines, decorators aside."""
    lengths = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = f"{_name(path)}:{node.name}"
                lengths[key] = max(lengths.get(key, 0), node.end_lineno - node.lineno + 1)
    return lengths


def module_lengths() -> dict[str, int]:
    return {_name(path): len(path.read_text(encoding="utf-8").splitlines()) for path in _modules()}


@pytest.mark.parametrize(
    ("measure", "limit", "allowed"),
    [
        (function_lengths, MAX_FUNCTION_LINES, LONG_FUNCTIONS),
        (module_lengths, MAX_MODULE_LINES, LONG_MODULES),
    ],
    ids=["functions", "modules"],
)
def test_nothing_new_is_over_the_limit_and_the_old_ones_only_shrink(measure, limit, allowed):
    lengths = measure()
    over = {name: n for name, n in lengths.items() if n > limit}
    new = {name: n for name, n in over.items() if name not in allowed}
    assert not new, f"over {limit} lines: {new}"
    grown = {name: n for name, n in over.items() if n > allowed[name]}
    assert not grown, f"grew past their listed length: {grown}"
    fixed = sorted(name for name in allowed if lengths.get(name, 0) <= limit)
    assert not fixed, f"now within {limit} lines, take them off the list: {fixed}"


def test_the_measures_see_a_long_function_and_a_long_module(tmp_path, monkeypatch):
    package = tmp_path / "overlap"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (package / "big.py").write_text("def f():\n" + body + "\n" + "\n" * MAX_MODULE_LINES)
    monkeypatch.setattr(f"{__name__}.OVERLAP", package)
    assert function_lengths() == {"overlap/big.py:f": MAX_FUNCTION_LINES + 1}
    assert module_lengths()["overlap/big.py"] > MAX_MODULE_LINES
