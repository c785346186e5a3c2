"""Execute chapter notebooks top to bottom on the CPU and store their outputs.

This is the only way stored outputs are made: never edit them by hand, never save a notebook
from a live session and commit its outputs. Running it twice changes no byte.

usage:
    python tools/run_notebooks.py                      # every chapter
    python tools/run_notebooks.py chapters/01_tensors.ipynb
    python tools/run_notebooks.py --check              # exit 1 if a stored notebook would change
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbtools  # noqa: E402
import netguard  # noqa: E402

CELL_TIMEOUT_S = 600

RUN_ENVIRONMENT = {
    "COURSE_DEVICE": "cpu",  # the stored outputs are the CPU's
    "CUDA_VISIBLE_DEVICES": "",
    "COURSE_PROGRESS_BAR": "off",  # utils.train: no tqdm widget or timings in stored outputs
}


def prepare_environment() -> None:
    """Make the kernels this process starts run as the stored outputs require: on the CPU,
    with an empty data folder, offline (as under the tests)."""
    os.environ.update(RUN_ENVIRONMENT)
    os.environ.pop("MPLBACKEND", None)  # an Agg backend here would make every figure vanish
    nbtools.use_fresh_data_dir()
    netguard.use_offline_kernels()


def execute(path: Path) -> nbformat.NotebookNode:
    """Return notebook ``path`` executed top to bottom, in its stored form."""
    nb = nbformat.read(path, as_version=4)
    nbtools.sync_links(nb, path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    )
    client.execute()
    return nbtools.normalize(nb, nbtools.sanitize_rules())


def main(argv: list[str] | None = None) -> int:
    parser = nbtools.notebook_parser(__doc__)
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if any notebook would change"
    )
    args = parser.parse_args(argv)

    paths = nbtools.notebooks_argument(parser, args.notebooks)
    prepare_environment()
    changed = []
    for path in paths:
        start = time.perf_counter()
        nb = execute(path)
        seconds = time.perf_counter() - start
        if args.check:
            stored = path.read_text(encoding="utf-8")
            differs = stored != nbformat.writes(nb) + "\n"
        else:
            differs = nbtools.write_notebook(nb, path)
        if differs:
            changed.append(path)
        state = "changed" if differs else "unchanged"
        print(f"{path.relative_to(nbtools.ROOT)}: {seconds:5.1f} s, {state}", flush=True)
    if args.check and changed:
        print(f"{len(changed)} notebook(s) differ from a fresh run: run `make outputs` and commit.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
