"""Measure what the course promises about speed, and print it as a table for the README.

usage:
    python tools/benchmark.py               # chapters, the other measurements, the test command
    python tools/benchmark.py --no-tests    # without the full test command
    python tools/benchmark.py chapters/01_tensors.ipynb --no-tests --no-extras

Other measurements (widget updates, training throughput, ...) live in ``tools/bench_*.py``,
one script per topic, each with a ``main() -> int`` that prints its own table; this script
runs every one of them in turn.

Each chapter is executed top to bottom in a fresh kernel, exactly as tools/run_notebooks.py
does (nothing is written); its time includes the kernel's start. The test command is the
README's (`python -m pytest`), timed from start to exit. This is a measurement, not a test:
it exits 1 only when a chapter fails to run.
"""

from __future__ import annotations

import importlib
import platform
import subprocess
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from tools import nbtools, run_notebooks  # noqa: E402


def time_chapter(path: Path) -> float:
    """Seconds to execute chapter ``path`` top to bottom in a fresh kernel."""
    start = time.perf_counter()
    run_notebooks.execute(path)
    return time.perf_counter() - start


def extra_benchmarks() -> list[str]:
    """Names of the topic benchmark scripts, ``tools/bench_*.py``, in order."""
    return sorted(path.stem for path in Path(__file__).resolve().parent.glob("bench_*.py"))


def time_test_command() -> tuple[float, int]:
    """Seconds the README's test command takes, and its exit status."""
    start = time.perf_counter()
    status = subprocess.call(
        [sys.executable, "-m", "pytest", "-q"], cwd=nbtools.ROOT, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start, status


def main(argv: list[str] | None = None) -> int:
    parser = nbtools.notebook_parser(__doc__)
    parser.add_argument("--no-tests", action="store_true", help="skip timing the full test command")
    parser.add_argument(
        "--no-extras", action="store_true", help="skip the tools/bench_*.py scripts"
    )
    args = parser.parse_args(argv)

    paths = nbtools.notebooks_argument(parser, args.notebooks)
    run_notebooks.prepare_environment()
    print(
        f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, "
        f"torch {torch.__version__}"
    )
    print("| chapter | seconds | budget | within |")
    print("|---|---:|---:|---|")
    failed = False
    for path in paths:
        budget = nbtools.budget_seconds(path)
        try:
            seconds = time_chapter(path)
        except Exception as error:  # report every chapter, then fail
            print(f"| {path.stem} | failed: {type(error).__name__} | {budget} | no |")
            failed = True
            continue
        within = "-" if budget is None else ("yes" if seconds <= budget else "NO")
        print(f"| {path.stem} | {seconds:.1f} | {budget or '-'} | {within} |", flush=True)
    if not args.no_extras:
        for name in extra_benchmarks():
            print(f"\n## {name}")
            failed |= importlib.import_module(f"tools.{name}").main() != 0
    if not args.no_tests:
        seconds, status = time_test_command()
        print(f"\nfull test command (python -m pytest): {seconds:.0f} s, exit status {status}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
