"""Each chapter's setup cell works in Colab: with ``google.colab`` imported it installs the course
package (the line derived from pyproject.toml) and nothing else, never torch; without it,
it installs nothing. The cells run in IPython with a stand-in ``google.colab`` module and a
stand-in ``pip`` that records how it was called (IPython's ``%pip`` runs
``sys.executable -m pip ...``, which finds the stand-in first on PYTHONPATH)."""

import json
import os
import shlex
import subprocess
import sys
import textwrap

import nbformat
import pytest
import tomllib
from packaging.requirements import Requirement

from tools import nbtools

CHAPTERS = nbtools.chapter_paths()

RECORDING_PIP = """
import json, os, sys
with open(os.environ["COURSE_PIP_RECORD"], "a", encoding="utf-8") as record:
    record.write(json.dumps(sys.argv[1:]) + "\\n")
"""

DRIVER = """
import json, os, sys, types
from pathlib import Path
from IPython.core.interactiveshell import InteractiveShell



class Shell(InteractiveShell):
    def enable_gui(self, gui=None):
        pass  # as in a kernel: inline figures need no GUI event loop


shell = Shell.instance()
record = Path(os.environ["COURSE_PIP_RECORD"])
results = {}
for stem, source in json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")).items():
    for on_colab in (False, True):
        if on_colab:
            sys.modules["google"] = types.ModuleType("google")
            sys.modules["google.colab"] = types.ModuleType("google.colab")
        else:
            sys.modules.pop("google", None)
            sys.modules.pop("google.colab", None)
        record.write_text("", encoding="utf-8")
        result = shell.run_cell(source)
        error = result.error_before_exec or result.error_in_exec
        calls = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
        key = "colab" if on_colab else "local"
        results.setdefault(stem, {})[key] = {"error": repr(error) if error else None, "pip": calls}
        shell.reset(new_session=False)
print("RESULTS " + json.dumps(results))
"""


BAD_SETUP = "bad_setup_upgrading_torch"
"""A setup cell as it must never be, run beside the chapters' to show the checks catch it."""
BAD_SETUP_SOURCE = (
    'import sys\n\nif "google.colab" in sys.modules:\n    %pip install -q -U torch torchvision'
)


def setup_cell(path) -> str:
    return nbformat.read(path, as_version=4).cells[2].source


@pytest.fixture(scope="module")
def setup_runs(tmp_path_factory):
    """Run every chapter's setup cell twice (without and with google.colab) in one IPython."""
    folder = tmp_path_factory.mktemp("colab")
    (folder / "pip").mkdir()
    (folder / "pip" / "__init__.py").write_text("")
    (folder / "pip" / "__main__.py").write_text(textwrap.dedent(RECORDING_PIP))
    cells = folder / "cells.json"
    sources = {path.stem: setup_cell(path) for path in CHAPTERS} | {BAD_SETUP: BAD_SETUP_SOURCE}
    cells.write_text(json.dumps(sources))
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]),
        COURSE_PIP_RECORD=str(folder / "pip-calls.jsonl"),
    )
    finished = subprocess.run(
        [sys.executable, "-c", DRIVER, str(cells)],
        cwd=nbtools.CHAPTERS_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in finished.stdout.splitlines() if line.startswith("RESULTS ")]
    assert finished.returncode == 0 and lines, finished.stdout + finished.stderr
    return json.loads(lines[-1].removeprefix("RESULTS "))


def expected_install() -> list[str]:
    """What pip receives from the setup cell: the distribution at the repository address."""
    command = shlex.split(nbtools.colab_install_command().removeprefix("%pip "))
    assert command == [
        "install",
        "-q",
        f"{nbtools.distribution_name()} @ git+{nbtools.repository_url()}",
    ]
    return command


def install_problems(calls: list[list[str]]) -> list[str]:
    """What is wrong with the pip calls a setup cell made on Colab."""
    problems = [] if calls == [expected_install()] else [f"expected one {expected_install()}"]
    for arguments in calls:
        forbidden = {"-U", "--upgrade", "--force-reinstall", "--upgrade-strategy", "-I"}
        problems += [f"pip {arguments}: never {flag}" for flag in forbidden & set(arguments)]
        names = [Requirement(a).name for a in arguments[1:] if not a.startswith("-")]
        problems += [f"pip {arguments}: never installs {n}" for n in names if n.startswith("torch")]
    return problems


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_on_colab_the_setup_cell_installs_the_course_and_nothing_else(path, setup_runs):
    run = setup_runs[path.stem]["colab"]
    assert run["error"] is None
    assert install_problems(run["pip"]) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_elsewhere_the_setup_cell_installs_nothing(path, setup_runs):
    run = setup_runs[path.stem]["local"]
    assert run["error"] is None and run["pip"] == []


def test_a_setup_cell_that_upgrades_torch_is_caught(setup_runs):
    bad = setup_runs[BAD_SETUP]
    assert bad["local"]["pip"] == []
    calls = bad["colab"]["pip"]
    assert calls == [["install", "-q", "-U", "torch", "torchvision"]]
    assert install_problems(calls) == [
        f"expected one {expected_install()}",
        f"pip {calls[0]}: never -U",
        f"pip {calls[0]}: never installs torch",
        f"pip {calls[0]}: never installs torchvision",
    ]


def test_the_package_keeps_the_torch_it_finds(tmp_path):
    """pyproject asks for torch and torchvision with lower bounds only, so pip leaves Colab's
    builds in place; and with them installed, installing the course installs only itself."""
    with open(nbtools.ROOT / "pyproject.toml", "rb") as file:
        dependencies = [Requirement(d) for d in tomllib.load(file)["project"]["dependencies"]]
    for requirement in dependencies:
        operators = {spec.operator for spec in requirement.specifier}
        assert operators <= {">="}, f"{requirement}: only lower bounds, or Colab's torch moves"
    report = tmp_path / "install-report.json"
    subprocess.run(
        [
            sys.executable,
            *("-m", "pip", "install", "--dry-run", "--quiet", "--no-index"),
            *("--no-build-isolation", "--report", str(report), "."),
        ],
        cwd=nbtools.ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    installs = [item["metadata"]["name"] for item in json.loads(report.read_text())["install"]]
    assert installs == [nbtools.distribution_name()]
