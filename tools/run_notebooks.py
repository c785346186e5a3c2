"""Execute chapter notebooks top to bottom on the CPU and store their outputs.

This is the only way stored outputs are made: never edit them by hand, never save a notebook
from a live session and commit its outputs. Running it twice changes no byte. Each notebook's
metadata keeps a ``course_run`` record (torch and torchvision versions, device, date) of the
run that made its outputs; its date changes only when the stored notebook does.

usage:
    python tools/run_notebooks.py                      # every chapter
    python tools/run_notebooks.py chapters/01_tensors.ipynb

`make check-outputs` runs it over every chapter and the browser test's fixture, then fails if
git sees any change.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from tools import nbtools  # noqa: E402

CELL_TIMEOUT_S = 600

DEVICE = "cpu"
"""The device the stored outputs are made on, recorded in each notebook's ``course_run``."""

RUN_ENVIRONMENT = {
    "COURSE_DEVICE": DEVICE,  # the stored outputs are the CPU's
    "CUDA_VISIBLE_DEVICES": "",
}


def prepare_environment() -> None:
    """Make the kernels this process starts run as the stored outputs require: on the CPU,
    and otherwise exactly as under the tests (nbtools.prepare_kernels)."""
    os.environ.update(RUN_ENVIRONMENT)
    nbtools.prepare_kernels()


def execute(path: Path) -> nbformat.NotebookNode:
    """Return notebook ``path`` executed top to bottom, in its stored form."""
    nb = nbformat.read(path, as_version=4)
    nbtools.sync_links(nb, path)
    return execute_notebook(nb, path.parent)


def execute_notebook(nb: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """Return ``nb`` executed top to bottom in a fresh kernel working in ``folder``, in its
    stored form (canonical metadata, sanitized outputs)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        store_widget_state=False,
        record_timing=False,
    )
    client.execute()
    return nbtools.normalize(nb, nbtools.sanitize_rules())


def execute_and_store(path: Path) -> str:
    """Execute chapter ``path`` and store its outputs; return the line that reports it."""
    start = time.perf_counter()
    nb = execute(path)
    nbtools.stamp_run(nb, path, nbtools.run_record(DEVICE, datetime.date.today().isoformat()))
    changed = nbtools.write_notebook(nb, path)
    seconds = time.perf_counter() - start
    state = "changed" if changed else "unchanged"
    line = f"{path.relative_to(nbtools.ROOT)}: {seconds:5.1f} s, {state}"
    print(line, flush=True)
    return line


def main(argv: list[str] | None = None) -> int:
    parser = nbtools.notebook_parser(__doc__)
    nbtools.add_jobs_option(parser)
    args = parser.parse_args(argv)

    paths = nbtools.notebooks_argument(parser, args.notebooks)
    prepare_environment()
    nbtools.in_parallel(execute_and_store, paths, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
