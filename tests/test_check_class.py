"""The instructors' check (tools/check_class.py, `make check-class`): one line per chapter, a
non-zero exit when one fails, and a lax GPU mode that still fails on a wrong exercise check."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from tools import check_class, nbtools


def notebook(source: str, shown: str) -> nbformat.NotebookNode:
    """A one-cell notebook whose stored output is ``shown`` (as text/plain)."""
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": shown}, execution_count=1)
    ]
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": nbtools.KERNELSPEC})
    return nb


@pytest.fixture(scope="module")
def notebooks():
    """Small notebooks inside the repository (the check runs the repository's own pytest set-up
    on them): one whose output matches, one whose printed number differs, one whose exercise
    check now answers ❌ where ✅ was stored."""
    (nbtools.ROOT / "build").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="check-class-", dir=nbtools.ROOT / "build"))
    cases = {
        "00_same.ipynb": notebook("1 + 1", "2"),
        "01_other_number.ipynb": notebook("0.1 + 0.2", "0.3"),
        "02_wrong_check.ipynb": notebook(
            "'❌ Exercise 1: the shape is right but some values are not.'",
            "✅ Exercise 1: correct.",
        ),
    }
    for name, nb in cases.items():
        nbformat.write(nb, folder / name)
    yield {name.split("_")[0]: folder / name for name in cases}
    shutil.rmtree(folder)


def run_check(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "tools/check_class.py", "--workers", "0", *map(str, args)],
        cwd=nbtools.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def table_rows(stdout: str) -> dict[str, list[str]]:
    rows = [line.strip("|").split("|") for line in stdout.splitlines() if line.startswith("| 0")]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in rows}


def test_strict_check_prints_a_row_per_chapter_and_fails_on_a_different_output(notebooks):
    result = run_check(notebooks["00"], notebooks["01"])
    rows = table_rows(result.stdout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert rows["00_same"][0] == "pass" and rows["00_same"][2:] == ["60", "yes"]
    assert rows["01_other_number"][0] == "FAIL: Cell 0"
    assert float(rows["00_same"][1]) > 0
    assert "2 chapter(s): 1 passed, 1 failed." in result.stdout


def test_lax_check_ignores_printed_numbers_but_not_exercise_checks(notebooks):
    result = run_check("--lax", notebooks["01"], notebooks["02"])
    rows = table_rows(result.stdout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert rows["01_other_number"][0] == "pass"
    assert rows["02_wrong_check"][0] == "FAIL: Cell 0"
    assert "lax" in result.stdout


def test_a_chapter_that_never_ran_is_a_failure():
    path = nbtools.chapter_paths()[0]
    lines, failed = check_class.table([path], check_class.ChapterRecorder())
    assert failed == 1 and "FAIL: not run" in lines[-1]


def test_notebooks_outside_the_repository_are_refused(tmp_path, capsys):
    nbformat.write(notebook("1", "1"), tmp_path / "00_x.ipynb")
    with pytest.raises(SystemExit) as exit_status:
        check_class.main([str(tmp_path / "00_x.ipynb")])
    assert exit_status.value.code == 2
    assert "must sit inside the repository" in capsys.readouterr().err
