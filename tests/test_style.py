"""ruff lints and formats the Python code and the notebooks' code cells (settings in pyproject)."""

import subprocess
import sys

import pytest

from tools import nbtools

TARGETS = ["utils", "tests", "tools", "conftest.py", "hubconf.py", "chapters"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *TARGETS],
        cwd=nbtools.ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
