"""Binder and JupyterHub (repo2docker): the files it reads are there and agree with the rest."""

import re

from tools import nbtools


def lines(name: str) -> list[str]:
    text = (nbtools.ROOT / name).read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0]]


def test_apt_txt_installs_graphviz_and_fashion_mnist():
    assert {"graphviz", "dataset-fashion-mnist"} <= set(lines("apt.txt"))


def test_apt_txt_installs_fashion_mnist():
    assert "dataset-fashion-mnist" in lines("apt.txt")


def test_runtime_is_the_python_the_outputs_are_made_with():
    (runtime,) = lines("runtime.txt")
    version = runtime.removeprefix("python-")
    assert re.fullmatch(r"3\.\d+", version), runtime
    assert f"(Python {version}, CPU run)" in (nbtools.ROOT / "requirements.txt").read_text()


def test_readme_links_binder_to_this_repository():
    owner_repo = nbtools.repository_url().removeprefix("https://github.com/")
    link = f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/student"
    assert f"]({link})" in (nbtools.ROOT / "README.md").read_text(encoding="utf-8")
