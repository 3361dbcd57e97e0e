"""The code keeps its shape: apps import only downward (import-linter) and ruff finds nothing.

Both read their settings from pyproject.toml and run from the virtualenv that runs the tests, so
`make test` and CI fail on a back-edge between apps or an unused import.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    executable = BIN / command[0]
    if not executable.exists():
        pytest.fail(f"{command[0]} is not installed in {BIN}: run `make setup` (it installs requirements.lock)")
    return subprocess.run([str(executable), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_apps_depend_downward_only():
    result = _run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", "src", "tests")
    assert result.returncode == 0, result.stdout + result.stderr
