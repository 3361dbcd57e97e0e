"""The index of rules in docs/architecture.md ("Where each rule lives") names only what exists.

Each row names the function that decides a rule and the test that proves it; a function that no
longer imports, or a test that was renamed or removed, fails here so the index cannot drift.
"""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "docs" / "architecture.md"
HEADING = "## Where each rule lives"
NOT_BUILT = "not yet built"
ENTRY = re.compile(r"`([^`]+)`")


def _rows() -> list[tuple[str, str, str]]:
    text = INDEX.read_text(encoding="utf-8")
    assert HEADING in text, f"{INDEX.name} has no section {HEADING!r}"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or set(line) <= {"|", "-", " "}:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 3, f"a row has three cells: {line}"
        rows.append(tuple(cells))
    assert rows[0] == ("rule", "decided by", "proved by")
    return rows[1:]


def _entries(cell: str) -> list[str]:
    """The cell's entries; a cell is `not yet built` or `a`, `b` ... and nothing else."""
    if cell == NOT_BUILT:
        return []
    entries = ENTRY.findall(cell)
    assert entries and ENTRY.sub("", cell).replace(",", "").strip() == "", f"not in the index's format: {cell}"
    return entries


ROWS = _rows()
FUNCTIONS = sorted({name for _rule, decided, _proved in ROWS for name in _entries(decided)})
TESTS = sorted({name for _rule, _decided, proved in ROWS for name in _entries(proved)})


def _resolve(dotted: str):
    """The object a dotted path names: the longest importable module, then attributes (a class, a method)."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


def test_every_rule_of_design_section_4_is_listed():
    listed = {rule.split()[0] for rule, _decided, _proved in ROWS}
    assert {f"§4.{n}" for n in range(1, 14)} <= listed
    assert "§5" in listed


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0][:60])
def test_a_rule_is_built_or_honestly_not(row):
    _rule, decided, proved = row
    assert (decided == NOT_BUILT) == (proved == NOT_BUILT), "a rule is either decided and proved, or not yet built"
    _entries(decided), _entries(proved)


@pytest.mark.parametrize("dotted", FUNCTIONS)
def test_the_deciding_function_exists(dotted):
    assert dotted.startswith("innokop."), "a dotted path from the package: innokop.<app>.<module>.<name>"
    assert callable(_resolve(dotted))


@pytest.mark.parametrize("name", TESTS)
def test_the_proving_test_exists(name):
    path, _sep, function = name.partition("::")
    assert path.startswith("tests/") and function.startswith("test_"), "a test as tests/<path>.py::test_<name>"
    file = ROOT / path
    assert file.is_file(), f"{path} does not exist"
    assert re.search(rf"^\s*(async\s+)?def {re.escape(function)}\(", file.read_text(encoding="utf-8"), re.M), (
        f"{path} has no test named {function}")
