"""What a student gets outside the clone, on the oldest torch the course declares.

1. Build the course's wheel with pip and check that it holds every subpackage of ``utils`` and
   the weight files (the wheel is what Colab's setup cell and repo2docker install).
2. Create a fresh virtual environment outside the repository with the FLOOR versions of torch
   and torchvision (the lower bounds in pyproject.toml), as a hosted notebook service has its
   own torch, then install the wheel into it with real pip and check that torch did not move.
3. Run a chapter's setup cell there as Colab runs it (``google.colab`` imported): its
   ``%pip install "interactive-pytorch @ git+https://github.com/..."`` goes through real pip
   and git, with git told to fetch that address from this clone (no network), and must
   install the course and leave torch alone. (Every chapter's setup cell makes the same pip
   call: tests/test_colab.py checks that in `make test`.)
4. Execute every chapter from a folder that holds only that notebook (no ``utils/`` beside it),
   offline, under ``nbval --nbval-lax``: every cell must run; the exercise checks must still
   answer ✅; cells tagged ``online`` are skipped.

usage:
    python tools/test_wheel.py                 # all of it, in a new temporary folder
    python tools/test_wheel.py --keep DIR      # reuse/keep DIR (venv and notebooks) for a rerun
    python tools/test_wheel.py chapters/01_tensors.ipynb
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from tools import nbtools  # noqa: E402

RUNNER_PACKAGES = ["pytest", "pytest-xdist", "nbval", "ipykernel", "nbclient", "ipython"]
"""Installed beside the course so the chapters can be executed and compared, at the versions
requirements.txt pins."""

CONFTEST = '''
"""Written by tools/test_wheel.py: run the chapters as the stored outputs were made (CPU, an
empty data folder, no progress bar, offline kernels), and under --nbval-lax still compare the
exercise checks that answered correctly when the outputs were stored (those that print
nothing else: a training log's last digits may differ on another torch)."""
import os, tempfile
from pathlib import Path

import netguard

os.environ.update(COURSE_DEVICE="cpu", CUDA_VISIBLE_DEVICES="", COURSE_PROGRESS_BAR="off")
os.environ.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")  # as tools/nbtools.prepare_kernels
os.environ["COURSE_DATA_DIR"] = tempfile.mkdtemp(prefix="course-data-")
os.environ.pop("MPLBACKEND", None)
netguard.use_offline_kernels()
netguard.install()


def pytest_collection_modifyitems(config, items):
    for item in items:
        outputs = getattr(item, "cell", {}).get("outputs", [])
        text = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
        # A check cell that also prints (training logs) would be compared digit for digit
        # across torch versions: compare the cells whose only output is the verdict.
        if text.startswith("\\u2705 ") and len(outputs) == 1:
            item.options["check"] = True
'''

COLAB_DRIVER = r"""
import json, subprocess, sys, types
from IPython.core.interactiveshell import InteractiveShell

class Shell(InteractiveShell):
    def enable_gui(self, gui=None):
        pass

def ask(code):
    return subprocess.run([sys.executable, "-c", code],
                          capture_output=True, text=True, check=True).stdout.strip()

def torch_version():
    return ask("import torch; print(torch.__version__)")

sys.modules["google"] = types.ModuleType("google")
sys.modules["google.colab"] = types.ModuleType("google.colab")
shell = Shell.instance()
before = torch_version()
result = shell.run_cell(sys.argv[1])
error = result.error_before_exec or result.error_in_exec
try:
    installed_from = ask("import importlib.metadata as m; "
                         "print(m.distribution('interactive-pytorch').read_text('direct_url.json'))")
except subprocess.CalledProcessError:
    installed_from = None
print("RESULT " + json.dumps({"error": repr(error) if error else None,
                              "torch_before": before, "torch_after": torch_version(),
                              "installed_from": installed_from}))
"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``command``, echoing it; raise with its output when it fails."""
    print("$", " ".join(str(part)[:60] for part in command), flush=True)
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(
            f"failed ({done.returncode}): {' '.join(map(str, command))}\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return done


def floor_versions() -> dict[str, str]:
    """The lower bounds pyproject.toml declares for torch and torchvision: the oldest versions
    the course promises, and the ones this test installs.

    >>> sorted(floor_versions())
    ['torch', 'torchvision']
    """
    import tomllib
    from packaging.requirements import Requirement

    with open(nbtools.ROOT / "pyproject.toml", "rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    floors = {}
    for line in dependencies:
        requirement = Requirement(line)
        if requirement.name in ("torch", "torchvision"):
            (spec,) = requirement.specifier
            assert spec.operator == ">=", f"{line}: the floor must be a lower bound"
            floors[requirement.name] = spec.version
    return floors


def pinned(names: list[str]) -> list[str]:
    """``names`` at the versions requirements.txt pins (a name it does not pin stays bare)."""
    pins = {}
    for line in (nbtools.ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("#")[0].strip().split("==")
            pins[name.lower()] = f"{name}=={version}"
    return [pins.get(name.lower(), name) for name in names]


def build_requirement() -> str:
    """The build backend pyproject.toml asks for (setuptools, with its lower bound): installed
    in the venv so that the Colab step can build the package there without an index."""
    import tomllib

    with open(nbtools.ROOT / "pyproject.toml", "rb") as file:
        (requirement,) = tomllib.load(file)["build-system"]["requires"]
    return requirement


def build_wheel(out_dir: Path) -> Path:
    """Build the course's wheel with pip (as repo2docker and Colab's pip do) into ``out_dir``."""
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out_dir, nbtools.ROOT])
    (wheel,) = out_dir.glob("*.whl")
    return wheel


def wheel_problems(wheel: Path) -> list[str]:
    """What the wheel lacks: a module or package-data file of ``utils/`` in the repository."""
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [
        path.relative_to(nbtools.ROOT).as_posix()
        for path in (nbtools.ROOT / "utils").rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and (path.suffix in (".py", ".pth") or path.name == "SHA256SUMS")
    ]
    return [f"the wheel lacks {name}" for name in sorted(wanted) if name not in names]


def make_venv(folder: Path, wheel: Path) -> Path:
    """A fresh venv in ``folder`` with the floor torch, the test runner and the wheel; return
    its python. Installing the wheel must leave the floor torch in place."""
    python = folder / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", folder])
    floors = floor_versions()
    pip = [python, "-m", "pip", "install", "-q"]
    run([*pip, f"torch=={floors['torch']}", f"torchvision=={floors['torchvision']}"])
    run([*pip, *pinned(RUNNER_PACKAGES), build_requirement()])
    run([*pip, wheel])
    version = run([python, "-c", "import torch; print(torch.__version__)"]).stdout.strip()
    if not version.startswith(floors["torch"]):
        raise SystemExit(f"installing the course moved torch from {floors['torch']} to {version}")
    return python


def colab_problems(python: Path, work: Path, path: Path) -> list[str]:
    """Run the setup cell of chapter ``path`` as Colab does, with real pip and git (the
    repository's address answered by this clone); return what went wrong."""
    gitconfig = work / "gitconfig"
    gitconfig.write_text(
        f'[url "file://{nbtools.ROOT}"]\n\tinsteadOf = {nbtools.repository_url()}\n'
        "[safe]\n\tdirectory = *\n"
    )
    env = dict(
        os.environ,
        GIT_CONFIG_GLOBAL=str(gitconfig),
        PIP_NO_INDEX="1",  # everything it needs is installed: reaching an index is a failure
        PIP_NO_BUILD_ISOLATION="0",  # pip's spelling of "build with the installed setuptools"
    )
    problems = []
    source = nbformat.read(path, as_version=4).cells[2].source
    done = run([python, "-c", COLAB_DRIVER, source], env=env, cwd=work)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    if result["error"]:
        problems.append(f"{path.name}: the setup cell failed on Colab: {result['error']}")
    if nbtools.repository_url() not in (result["installed_from"] or ""):
        problems.append(
            f"{path.name}: on Colab the setup cell did not install the course from "
            f"{nbtools.repository_url()} (pip's record: {result['installed_from']})"
        )
    if result["torch_before"] != result["torch_after"]:
        problems.append(
            f"{path.name}: the setup cell moved torch from {result['torch_before']} "
            f"to {result['torch_after']}"
        )
    return problems


def lay_out_chapters(paths: list[Path], work: Path) -> Path:
    """Copy each chapter into a folder of its own under ``work/notebooks`` (nothing beside it),
    with the harness (conftest.py and the network guard) one level up; return that folder."""
    notebooks = work / "notebooks"
    shutil.rmtree(notebooks, ignore_errors=True)
    for path in paths:
        (notebooks / path.stem).mkdir(parents=True)
        shutil.copy(path, notebooks / path.stem / path.name)
    (notebooks / "conftest.py").write_text(CONFTEST)
    shutil.copy(nbtools.SANITIZE_FILE, notebooks / "sanitize.cfg")
    shutil.copy(nbtools.ROOT / "tools" / "netguard.py", notebooks / "netguard.py")
    return notebooks


def main(argv: list[str] | None = None) -> int:
    parser = nbtools.notebook_parser(__doc__)
    parser.add_argument("--keep", type=Path, help="work in (and keep) this folder")
    args = parser.parse_args(argv)
    paths = nbtools.notebooks_argument(parser, args.notebooks)
    work = (args.keep or Path(tempfile.mkdtemp(prefix="course-wheel-"))).resolve()
    if nbtools.ROOT in work.parents or work == nbtools.ROOT:
        parser.error("the work folder must lie outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        wheels = work / "wheel"
        shutil.rmtree(wheels, ignore_errors=True)
        wheel = build_wheel(wheels)
        problems = wheel_problems(wheel)
        python = make_venv(work / "venv", wheel)
        print(f"floor venv ready: {time.perf_counter() - start:.0f} s", flush=True)
        # As on Colab: the course's dependencies are there, the course itself is not yet.
        run([python, "-m", "pip", "uninstall", "-y", "-q", nbtools.distribution_name()])
        problems += colab_problems(python, work, paths[0])
        # The chapters run against the wheel of this working tree.
        run([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel])
        for problem in problems:
            print("PROBLEM:", problem)
        notebooks = lay_out_chapters(paths, work)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["PYTHONPATH"] = str(notebooks)  # the harness only; utils comes from the wheel
        tests = subprocess.run(
            [python, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-n", "2"]
            + ["--nbval-sanitize-with", notebooks / "sanitize.cfg"]
            + ["--dist", "loadfile", "-q", "--rootdir", notebooks, notebooks],
            cwd=notebooks,
            env=env,
        )
        print(f"test_wheel: {time.perf_counter() - start:.0f} s in all", flush=True)
        return 1 if problems or tests.returncode else 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
