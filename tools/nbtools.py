"""What the scripts in tools/ and the notebook tests share: where the chapters are, the links
derived from the repository address, the sanitize rules, and the normal form of a stored
notebook.

    >>> colab_url(CHAPTERS_DIR / "01_tensors.ipynb").split("/blob/")[1]
    'main/chapters/01_tensors.ipynb'
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import tempfile
from pathlib import Path

import nbformat
import tomllib

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_DIR = ROOT / "chapters"
STUDENT_DIR = ROOT / "student"
"""The student copies: what the README, every Colab badge and `make lab` open. Made from the
chapters by tools/make_student.py (solutions removed, executed, outputs stored)."""
SANITIZE_FILE = ROOT / "tests" / "sanitize.cfg"
CHAPTER_NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
"""The kernelspec every stored notebook carries: nothing of the machine that ran it."""

RUN_RECORD = "course_run"
"""Notebook metadata key of the record of the run that made the stored outputs."""
RUN_RECORD_KEYS = ("torch", "torchvision", "device", "date")
RUN_DATE = re.compile(r"\d{4}-\d\d-\d\d")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_INSTALL = re.compile(r'%pip install -q "[^"]*"')
ONLINE_TAG = "online"
"""Tag of cells that need the internet: never executed by the scripted run or the tests."""
SKIP_TAGS = {"skip-execution", "nbval-skip"}
"""Tags every online cell carries so that nbclient and nbval leave it alone."""
ONLINE_TAGS = {ONLINE_TAG, *SKIP_TAGS, "raises-exception"}
"""All the tags of an online cell: ``raises-exception`` lets JupyterLab's "Run All" go on past
it when the student is offline, instead of stopping the chapter there."""


BUDGET_SECONDS = 60
"""Every chapter's runtime budget on the 2-core CPU the stored outputs are made on, in seconds:
one top-to-bottom run in a fresh kernel, measured by ``tools/benchmark.py`` (not a timed test).
Longer training runs in a reproducible script whose result the chapter loads."""


def budget_seconds(path: Path) -> int | None:
    """Return the runtime budget of chapter ``path``, or None for a notebook that is not one.

    >>> budget_seconds(Path("01_tensors.ipynb")), budget_seconds(Path("live_plot.ipynb"))
    (60, None)
    """
    return BUDGET_SECONDS if CHAPTER_NAME.match(Path(path).name) else None


def use_fresh_data_dir() -> Path:
    """Point ``COURSE_DATA_DIR`` (for this process and the kernels it starts) at a new, empty
    folder, so chapter outputs never depend on what a student has downloaded into ``data/``.
    Its name matches the sanitize rule that hides it in outputs."""
    path = Path(tempfile.mkdtemp(prefix="course-data-"))
    os.environ["COURSE_DATA_DIR"] = str(path)
    os.environ["PYTHONHASHSEED"] = "0"
    return path


def prepare_kernels() -> Path:
    """Make every kernel this process starts from now on run the chapters as their stored
    outputs were made: an empty data folder, the default matplotlib backend, no progress bar
    (``utils.train``'s tqdm widget and timings), no network (loopback stays open), and one
    CPU thread per kernel: two notebooks run side by side on two cores, and two threads each
    would spend their time waiting for one another (a small GRU's epoch measured 28 s of CPU
    on two threads against 1.7 s on one, with the same numbers). The test run and the output
    run both call it; return the data folder."""
    from tools import netguard
    from utils.train import PROGRESS_ENV_VAR

    data_dir = use_fresh_data_dir()
    os.environ.pop("MPLBACKEND", None)  # an Agg backend here would make every figure vanish
    os.environ[PROGRESS_ENV_VAR] = "off"
    os.environ.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    netguard.use_offline_kernels()
    return data_dir


def chapter_paths() -> list[Path]:
    """Return the chapter notebooks in order.

    >>> chapter_paths()[0].name
    '00_getting_started.ipynb'
    """
    return sorted(CHAPTERS_DIR.glob("*.ipynb"))


def notebook_parser(description: str) -> argparse.ArgumentParser:
    """A command-line parser for a script that takes chapter notebooks (by default, all)."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="chapters (default: all)")
    return parser


def notebooks_argument(parser: argparse.ArgumentParser, notebooks: list[Path]) -> list[Path]:
    """The notebooks a script was given on its command line (every chapter when none), each
    checked to be a notebook file; a bad one ends the script with ``parser.error``."""
    paths = [Path(path).resolve() for path in notebooks] or chapter_paths()
    for path in paths:
        if not path.is_file() or path.suffix != ".ipynb":
            parser.error(f"not a notebook: {path}")
    return paths


def in_parallel(function, items: list, jobs: int) -> list:
    """``[function(item) for item in items]``, run in ``jobs`` processes (each notebook gets a
    kernel of its own, so two run side by side on two cores); results in the order of
    ``items``. ``function`` must be a module-level function."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if jobs == 1 or len(items) < 2:
        return [function(item) for item in items]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(function, items))


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    """``--jobs N``: how many notebooks run at once (default 2, this machine's core count)."""
    parser.add_argument(
        "--jobs", "-j", type=int, default=2, help="notebooks run at once (default: 2)"
    )


def repository_url() -> str:
    """Return the repository address written in pyproject.toml (its one source).

    >>> repository_url().startswith("https://github.com/")
    True
    """
    with open(ROOT / "pyproject.toml", "rb") as file:
        url = tomllib.load(file)["project"]["urls"]["Repository"]
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(
            f"[project.urls] Repository must be https://github.com/OWNER/REPO, got {url!r}"
        )
    return url


def distribution_name() -> str:
    """Return the name the course package is installed under (pyproject's ``project.name``)."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["name"]


def colab_url(path: Path) -> str:
    """Return the address that opens notebook ``path`` of this repository in Colab."""
    relative = Path(path).resolve().relative_to(ROOT).as_posix()
    return repository_url().replace(
        "https://github.com/", "https://colab.research.google.com/github/"
    ) + (f"/blob/main/{relative}")


def student_path(path: Path) -> Path:
    """The student copy of chapter ``path`` (the same file name in ``student/``).

    >>> student_path(CHAPTERS_DIR / "01_tensors.ipynb").relative_to(ROOT).as_posix()
    'student/01_tensors.ipynb'
    """
    return STUDENT_DIR / Path(path).name


def solution_url(path: Path) -> str:
    """The address of the complete chapter ``path`` (with the solutions) on GitHub.

    >>> solution_url(STUDENT_DIR / "01_tensors.ipynb").split("/blob/")[1]
    'main/chapters/01_tensors.ipynb'
    """
    return f"{repository_url()}/blob/main/chapters/{Path(path).name}"


def badge_markdown(path: Path) -> str:
    """Return the Colab badge (Markdown) of chapter ``path``: it opens the student copy, with
    the exercises unsolved, wherever the badge is shown."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(student_path(path))})"


def colab_install_command() -> str:
    """Return the line a setup cell runs in Colab: the course package from this repository,
    with loose requirements, so Colab's own torch stays in place."""
    return f'%pip install -q "{distribution_name()} @ git+{repository_url()}"'


def sanitize_rules() -> list[tuple[re.Pattern, str]]:
    """Return the (regex, replacement) pairs of tests/sanitize.cfg, read as nbval reads them."""
    from nbval.plugin import get_sanitize_patterns

    pairs = get_sanitize_patterns(SANITIZE_FILE.read_text(encoding="utf-8"))
    return [(re.compile(regex), replacement) for regex, replacement in pairs]


def sanitize_text(text: str, rules: list[tuple[re.Pattern, str]]) -> str:
    """Apply the sanitize rules to one output string."""
    for regex, replacement in rules:
        text = regex.sub(replacement, text)
    return text


def shown_text(cell: dict, streams: bool = False) -> str:
    """The text a code cell's outputs show as plain text (results and displays; with
    ``streams``, printed text too), joined.

    >>> shown_text({"outputs": [{"output_type": "execute_result", "data": {"text/plain": "4"}}]})
    '4'
    """
    return "".join(
        (output.get("text", "") if streams else "") + output.get("data", {}).get("text/plain", "")
        for output in cell.get("outputs", [])
    )


def tags(cell: dict) -> set[str]:
    """Return a cell's tags."""
    return set(cell.get("metadata", {}).get("tags", []))


def sync_links(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write the Colab badge of ``path`` into the title cell and the Colab install command into
    the setup cell, both derived from pyproject.toml. Only chapters get them: a test fixture
    is not something to open in Colab."""
    if Path(path).resolve().parent not in (CHAPTERS_DIR, STUDENT_DIR):
        return
    title = nb.cells[0]
    badge = badge_markdown(path)
    lines = [line for line in title.source.splitlines() if "colab-badge.svg" not in line]
    title.source = "\n".join(lines).rstrip() + "\n\n" + badge
    for cell in nb.cells:
        if cell.cell_type == "code" and "google.colab" in cell.source:
            cell.source = COLAB_INSTALL.sub(lambda _: colab_install_command(), cell.source)
            break


def _trim_traceback(traceback: list[str]) -> list[str]:
    """Keep the frames of the notebook's own cell and the final error line; library frames
    name paths of the machine that ran the notebook."""
    kept = [frame for frame in traceback if "Cell In[" in frame]
    return kept + traceback[-1:]


def _merge_streams(outputs: list) -> list:
    """Join consecutive stream outputs of the same name (stdout, stderr): the kernel cuts a
    cell's printing into chunks at moments that depend on timing (a training loop printing
    one line per epoch), and nbval joins them before comparing too."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.output_type == previous.output_type == "stream"
            and output.name == previous.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def run_record_problems(record: object) -> list[str]:
    """What is wrong with a ``course_run`` record: it must be exactly the four keys of
    ``RUN_RECORD_KEYS``, each a string, the date as YYYY-MM-DD.

    >>> run_record_problems({"torch": "2.14.1", "torchvision": "0.29.1", "device": "cpu",
    ...                      "date": "2026-12-03"})
    []
    >>> run_record_problems({"torch": "2.14.1", "date": "3 Dec"})[0]
    "course_run must hold exactly ['date', 'device', 'torch', 'torchvision'], got ['date', ..."
    """
    if not isinstance(record, dict) or set(record) != set(RUN_RECORD_KEYS):
        keys = sorted(record) if isinstance(record, dict) else type(record).__name__
        return [f"course_run must hold exactly {sorted(RUN_RECORD_KEYS)}, got {keys}"]
    problems = [
        f"course_run.{key} must be a string"
        for key in RUN_RECORD_KEYS
        if not isinstance(record[key], str) or not record[key]
    ]
    if not problems and not RUN_DATE.fullmatch(record["date"]):
        problems.append(f"course_run.date must be YYYY-MM-DD, got {record['date']!r}")
    return problems


def run_record(device: str, date: str) -> dict[str, str]:
    """The ``course_run`` record of a run made now in this environment (the kernels run this
    interpreter's packages): torch and torchvision versions, the device, the date.

    >>> sorted(run_record("cpu", "2026-12-03")) == sorted(RUN_RECORD_KEYS)
    True
    """
    from importlib.metadata import version

    record = {"torch": version("torch"), "torchvision": version("torchvision")}
    return {**record, "device": device, "date": date}


def stamp_run(nb: nbformat.NotebookNode, path: Path, record: dict[str, str]) -> None:
    """Store ``record`` in ``nb``'s metadata, keeping the date of the record stored in file
    ``path`` when the notebook is otherwise byte for byte the stored one: a re-run that changes
    no output changes no byte, and the date says when the outputs last changed."""
    path = Path(path)
    stored_text = path.read_text(encoding="utf-8") if path.exists() else ""
    stored = nbformat.reads(stored_text, as_version=4).metadata if stored_text else {}
    stored_date = stored.get(RUN_RECORD, {}).get("date")
    if stored_date:
        nb.metadata[RUN_RECORD] = {**record, "date": stored_date}
        if nbformat.writes(nb) + "\n" == stored_text:
            return
    nb.metadata[RUN_RECORD] = dict(record)


def normalize(
    nb: nbformat.NotebookNode, rules: list[tuple[re.Pattern, str]]
) -> nbformat.NotebookNode:
    """Put an executed notebook into the form it is stored in: canonical metadata (the
    kernelspec, and the ``course_run`` record when it has a valid one), stable cell ids,
    sanitized outputs, no widget views (their models are not stored), short tracebacks."""
    run = nb.metadata.get(RUN_RECORD)
    nb.metadata = nbformat.from_dict(
        {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    )
    if run is not None and not run_record_problems(run):
        nb.metadata[RUN_RECORD] = {key: run[key] for key in RUN_RECORD_KEYS}
    nb.nbformat, nb.nbformat_minor = 4, 5
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen or not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", cell_id):
            digest = hashlib.sha1(f"{index}:{cell.source}".encode()).hexdigest()[:8]
            cell_id = f"cell-{index:03d}-{digest}"
        cell.id = cell_id
        seen.add(cell_id)
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in ("tags",)}
        )
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        outputs = []
        for output in _merge_streams(cell.outputs):
            if output.output_type == "stream":
                output.text = sanitize_text(output.text, rules)
            elif output.output_type in ("display_data", "execute_result"):
                if WIDGET_VIEW in output.data:
                    continue
                for mime, value in output.data.items():
                    if mime.startswith("text/") and isinstance(value, str):
                        output.data[mime] = sanitize_text(value, rules)
            elif output.output_type == "error":
                output.evalue = sanitize_text(output.evalue, rules)
                output.traceback = [
                    sanitize_text(line, rules) for line in _trim_traceback(output.traceback)
                ]
            outputs.append(output)
        cell.outputs = outputs
    return nb


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> bool:
    """Write ``nb`` to ``path`` in nbformat's canonical JSON; return True if the bytes changed."""
    nbformat.validate(nb)
    text = nbformat.writes(nb) + "\n"
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
