"""Before class: execute every chapter under nbval and print one line per chapter.

usage:
    python tools/check_class.py                        # every chapter, strict nbval
    python tools/check_class.py chapters/01_tensors.ipynb
    python tools/check_class.py --lax                  # GPU mode (see below)

Strict (the default) runs each chapter top to bottom in a fresh kernel and compares every text
output with the stored one, exactly as the test command does. ``--lax`` runs every cell and
fails on any error or failed assert, but compares only the exercise checks' outputs: for a GPU,
where printed numbers may differ in the last digits from the stored CPU run.

Prints a table (chapter, result, seconds including the kernel's start, budget) and exits 1 if a
chapter fails. A chapter slower than its budget is flagged, not failed: machines differ.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from tools import nbtools  # noqa: E402


class ChapterRecorder:
    """A pytest plugin that adds up, per notebook, the time of its cells (setup, call and
    teardown: the kernel starts in the first cell's setup) and notes the cells that fail."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.cells: dict[str, int] = defaultdict(int)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        path, _, cell = report.nodeid.partition("::")
        self.seconds[path] += report.duration
        if report.when == "call":
            self.cells[path] += 1
        if report.failed:
            self.failures[path].append(cell if report.when == "call" else f"{cell} ({report.when})")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.failures[report.nodeid.partition("::")[0]].append("could not be read")


def table(paths: list[Path], recorder: ChapterRecorder) -> tuple[list[str], int]:
    """The per-chapter table's lines, and the number of chapters that failed."""
    lines = [
        "| chapter | result | seconds | budget | within budget |",
        "|---|---|---:|---:|---|",
    ]
    failed = 0
    for path in paths:
        key = path.relative_to(nbtools.ROOT).as_posix()
        failures = recorder.failures.get(key, [])
        if failures:
            result = "FAIL: " + ", ".join(failures[:3]) + (" ..." if len(failures) > 3 else "")
        elif not recorder.cells.get(key):
            result = "FAIL: not run"
        else:
            result = "pass"
        failed += result != "pass"
        seconds = recorder.seconds.get(key, 0.0)
        budget = nbtools.budget_seconds(path)
        within = "-" if budget is None else ("yes" if seconds <= budget else "NO (slower)")
        lines.append(f"| {path.stem} | {result} | {seconds:.1f} | {budget or '-'} | {within} |")
    return lines, failed


def main(argv: list[str] | None = None) -> int:
    parser = nbtools.notebook_parser(__doc__)
    parser.add_argument(
        "--lax", action="store_true", help="GPU mode: compare only the exercise checks' outputs"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="notebooks run side by side (default 2)"
    )
    args = parser.parse_args(argv)

    paths = nbtools.notebooks_argument(parser, args.notebooks)
    for path in paths:
        if not path.is_relative_to(nbtools.ROOT):
            parser.error(f"the notebook must sit inside the repository: {path}")
    os.chdir(nbtools.ROOT)
    recorder = ChapterRecorder()
    pytest_args = [*map(str, paths), "-q", "-n", str(args.workers)]
    if args.lax:
        pytest_args.append("--nbval-lax")
    status = pytest.main(pytest_args, plugins=[recorder])

    mode = "lax: errors, asserts and exercise checks" if args.lax else "strict: every output"
    device = os.environ.get("COURSE_DEVICE") or "automatic"
    print(f"\nChapter check ({mode}; device: {device})\n")
    lines, failed = table(paths, recorder)
    print("\n".join(lines))
    print(f"\n{len(paths)} chapter(s): {len(paths) - failed} passed, {failed} failed.")
    return 1 if failed or status != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
