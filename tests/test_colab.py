"""Each chapter's setup cell works in Colab: with ``google.colab`` imported it installs the course
package (the line derived from pyproject.toml) and nothing else, never torch; without it, it
installs nothing. Read here from the cell as IPython transforms it; `make test-wheel`
(tools/test_wheel.py) runs every setup cell as Colab does, with real pip and git, in a fresh
venv beside the floor torch, and checks that torch stays where it was."""

import ast
import json
import shlex
import subprocess
import sys

import nbformat
import pytest
import tomllib
from packaging.requirements import Requirement

from tools import nbtools

CHAPTERS = nbtools.chapter_paths()

BAD_SETUP_SOURCE = (
    'import sys\n\nif "google.colab" in sys.modules:\n    %pip install -q -U torch torchvision'
)
"""A setup cell as it must never be, checked beside the chapters' to show the checks catch it."""


def setup_cell(path) -> str:
    return nbformat.read(path, as_version=4).cells[2].source


def pip_calls(source: str) -> tuple[list[list[str]], list[list[str]]]:
    """The ``%pip`` calls of a setup cell as IPython runs them: (those that run only on Colab,
    under ``if "google.colab" in sys.modules:``, those that run everywhere)."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    on_colab, everywhere = [], []
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "'google.colab' in sys.modules":
            guarded |= {id(inner) for inner in ast.walk(node)}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).endswith("run_line_magic")
            and ast.literal_eval(node.args[0]) == "pip"
        ):
            arguments = shlex.split(ast.literal_eval(node.args[1]))
            (on_colab if id(node) in guarded else everywhere).append(arguments)
    return on_colab, everywhere


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
def test_on_colab_the_setup_cell_installs_the_course_and_nothing_else(path):
    """What the cell asks of pip; `make test-wheel` runs it with real pip and git."""
    on_colab, everywhere = pip_calls(setup_cell(path))
    assert install_problems(on_colab) == []
    assert everywhere == [], "elsewhere the setup cell installs nothing"


def test_a_setup_cell_that_upgrades_torch_is_caught():
    on_colab, everywhere = pip_calls(BAD_SETUP_SOURCE)
    assert everywhere == [] and on_colab == [["install", "-q", "-U", "torch", "torchvision"]]
    assert install_problems(on_colab) == [
        f"expected one {expected_install()}",
        f"pip {on_colab[0]}: never -U",
        f"pip {on_colab[0]}: never installs torch",
        f"pip {on_colab[0]}: never installs torchvision",
    ]
    unguarded = BAD_SETUP_SOURCE.replace('if "google.colab" in sys.modules:\n    ', "")
    assert pip_calls(unguarded)[1] != []


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
