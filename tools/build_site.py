"""Build the course's website into build/site/ from the notebooks' STORED outputs.

No notebook is executed: every page shows the outputs the last `make outputs` stored. The
one thing drawn at build time is a few states of each widget (``name = module.factory()`` from
``utils.widgets``): its first slider at a handful of values, by the widget's own code, which
the reader steps through without a kernel. The pages are generated at build time, so none can
drift from the repository:

- one page per chapter (every ``chapters/NN_slug.ipynb``, found by globbing), with launch
  buttons for Colab and Binder that open the student copy (``student/NN_slug.ipynb``), download
  links, and a stamp of the run that made its outputs (the notebook's ``course_run`` metadata,
  written by ``tools/run_notebooks.py``);
- the front page: the README's introduction and chapter table, one row per chapter file (the
  title from the notebook, "what you do" from the README's row for that file, or the
  notebook's subtitle where the README has none);
- the set-up and instructor pages: sections of the README, copied at build time.

Sphinx (with myst-nb and the Furo theme, ``website/conf.py``) renders the staged sources from
``build/site-src/`` into ``build/site/``; everything the pages load (search index, MathJax,
fonts) is local, so the site works without a network.

usage:
    python tools/build_site.py            # build/site/index.html
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from tools import nbtools  # noqa: E402

ROOT = nbtools.ROOT
WEBSITE_DIR = ROOT / "website"
STUDENT_DIR = ROOT / "student"
BUILD_DIR = ROOT / "build"
SOURCE_DIR = BUILD_DIR / "site-src"
SITE_DIR = BUILD_DIR / "site"
DOCTREE_DIR = BUILD_DIR / "site-doctrees"
BRANCH = "main"

PAGES = {
    # page name: (title, README sections copied into it, in this order)
    "setup": ("Set up the course", ["Start", "Other ways to run it"]),
    "instructors": (
        "For instructors",
        ["For instructors", "Cells that need the internet", "Performance"],
    ),
}
"""The pages made of README sections. A section missing from the README stops the build."""

WIDGET_NOTE = (
    "**Live widget.** This cell builds sliders, which need a running Python kernel: the picture "
    "above is the widget's start state. Run this notebook ({launch}, or locally with "
    "`make lab`) to move the sliders."
)
ONLINE_NOTE = (
    "This cell needs the internet, so the run that made this page's outputs skipped it: "
    "run it yourself online to see what it shows."
)
UNKNOWN_RUN = "Outputs made with: unknown (this notebook's stored run has no record)."


def colab_student_url(name: str) -> str:
    """The address that opens the student copy ``name`` in Colab.

    >>> colab_student_url("01_tensors.ipynb").startswith("https://colab.research.google.com/github/")
    True
    >>> colab_student_url("01_tensors.ipynb").endswith("/blob/main/student/01_tensors.ipynb")
    True
    """
    owner_repo = nbtools.repository_url().removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{BRANCH}/student/{name}"


def binder_student_url(name: str) -> str:
    """The address that opens the student copy ``name`` in JupyterLab on Binder.

    >>> binder_student_url("01_tensors.ipynb").endswith("/main?labpath=student/01_tensors.ipynb")
    True
    """
    owner_repo = nbtools.repository_url().removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_repo}/{BRANCH}?labpath=student/{name}"


def github_url(path: str) -> str:
    """The address of a file of the repository on GitHub (its main branch)."""
    return f"{nbtools.repository_url()}/blob/{BRANCH}/{path}"


def run_stamp(nb: nbformat.NotebookNode) -> str:
    """One line saying with what, where and when the stored outputs were made, read from the
    notebook's ``course_run`` record.

    >>> run_stamp(nbformat.from_dict({"metadata": {}})) == UNKNOWN_RUN
    True
    >>> record = {"torch": "2.14.1", "torchvision": "0.29.1", "device": "cpu", "date": "2026-12-03"}
    >>> run_stamp(nbformat.from_dict({"metadata": {"course_run": record}}))
    'Outputs made with torch 2.14.1 and torchvision 0.29.1 on the cpu, on 2026-12-03.'
    """
    run = nb.get("metadata", {}).get("course_run")
    if not run:
        return UNKNOWN_RUN
    return (
        f"Outputs made with torch {run['torch']} and torchvision {run['torchvision']} "
        f"on the {run['device']}, on {run['date']}."
    )


def title_and_subtitle(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """The chapter's title (without its number) and subtitle, from its title cell.

    >>> source = "# 01 · Tensors\\n\\nThe data type.\\n\\n[badge]"
    >>> cell = {"cell_type": "markdown", "source": source}
    >>> title_and_subtitle(nbformat.from_dict({"cells": [cell]}))
    ('Tensors', 'The data type.')
    """
    lines = [line.strip() for line in nb.cells[0].source.splitlines() if line.strip()]
    title = re.sub(r"^#\s+\d\d\s*·\s*", "", lines[0])
    subtitle = next((line for line in lines[1:] if "colab-badge.svg" not in line), "")
    return title, subtitle


def readme_sections(readme: str) -> dict[str, str]:
    """The README's ``##`` sections by heading, each with its body (subsections included)."""
    sections: dict[str, str] = {}
    heading, body = None, []
    in_code = False
    for line in readme.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        match = None if in_code else re.match(r"^## (.+)$", line)
        if match:
            if heading is not None:
                sections[heading] = "\n".join(body).strip() + "\n"
            heading, body = match.group(1).strip(), []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        sections[heading] = "\n".join(body).strip() + "\n"
    return sections


def readme_intro(readme: str) -> str:
    """The README's text between its title and its first ``##`` section."""
    lines = readme.split("\n## ", 1)[0].splitlines()
    return "\n".join(line for line in lines if not line.startswith("# ")).strip() + "\n"


def readme_rows(table: str) -> dict[str, str]:
    """The "what you do" cell of each row of the README's chapter table, by the file name
    its link points at.

    >>> readme_rows("| 01 | [Tensors](student/01_tensors.ipynb) | create tensors | [x](y) |")
    {'01_tensors.ipynb': 'create tensors'}
    """
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        link = re.search(
            r"\]\((?:chapters|student)/([^)]+\.ipynb)\)", cells[1] if len(cells) > 1 else ""
        )
        if link and len(cells) >= 3:
            rows[link.group(1)] = cells[2]
    return rows


def slug(heading: str) -> str:
    """The anchor GitHub and MyST give a heading.

    >>> slug("Other ways to run it"), slug("`torch.hub` and more!")
    ('other-ways-to-run-it', 'torchhub-and-more')
    """
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def rewrite_links(text: str, page: str, anchors: dict[str, str]) -> str:
    """Make the README's links work from a page of the site: a chapter link stays (Sphinx
    resolves it), an anchor points at the page holding that heading, any other file of the
    repository points at GitHub."""

    def fix(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"^[a-z]+:", target):
            return match.group(0)
        if target.startswith("#"):
            where = anchors.get(target[1:])
            if where is None:
                target = f"{nbtools.repository_url()}#{target[1:]}"
            elif where != page:
                target = f"{where}.md{target}"
        elif not re.fullmatch(r"chapters/[^/]+\.ipynb", target):
            target = github_url(target.removeprefix("./"))
        return f"[{label}]({target})"

    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", fix, text)


def chapter_links(text: str, staged_dir: Path) -> str:
    """Make a chapter's Markdown links work from its page: a link to another chapter or an
    anchor stays (Sphinx resolves it), a picture of the repository is copied beside the staged
    chapter at the same relative place, a link to any other file of the repository points at
    GitHub.

    >>> chapter_links("see [the tool](../tools/make_weights.py)", SOURCE_DIR / "chapters")
    'see [the tool](https://github.com/.../blob/main/tools/make_weights.py)'
    """

    def fix(match: re.Match) -> str:
        bang, label, target = match.group(1), match.group(2), match.group(3)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        path_part = target.split("#", 1)[0]
        source = (nbtools.CHAPTERS_DIR / path_part).resolve()
        if not source.is_relative_to(ROOT) or not source.exists():
            return match.group(0)  # Sphinx reports it: a broken link fails the build
        if source.parent == nbtools.CHAPTERS_DIR and source.suffix == ".ipynb":
            return match.group(0)
        if bang:
            copy = (staged_dir / path_part).resolve()
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, copy)
            return match.group(0)
        return f"[{label}]({github_url(source.relative_to(ROOT).as_posix())})"

    return re.sub(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)", fix, text)


STATES = 5
"""How many values of a widget's first slider the page precomputes for the reader to step
through (the widget's start value among them)."""
WIDGET_CALL = re.compile(r"^\s*\w+\s*=\s*(\w+)\.(\w+)\(\)", re.M)


def widget_modules(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The names under which a chapter imports modules of ``utils.widgets``.

    >>> cell = {"cell_type": "code", "source": "from utils.widgets import conv, softmax as sm"}
    >>> widget_modules(nbformat.from_dict({"cells": [cell]}))
    {'conv': 'utils.widgets.conv', 'sm': 'utils.widgets.softmax'}
    """
    names = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for match in re.finditer(r"^from utils\.widgets import (.+)$", cell.source, flags=re.M):
            for part in match.group(1).split(","):
                module, _, alias = part.strip().partition(" as ")
                names[alias.strip() or module.strip()] = f"utils.widgets.{module.strip()}"
    return names


def slider_values(control) -> list:
    """A few values of a slider, evenly spread from its minimum to its maximum, its current
    value among them, in order.

    >>> import ipywidgets
    >>> slider_values(ipywidgets.FloatSlider(value=0.05, min=0.005, max=0.3, step=0.005))
    [0.005, 0.05, 0.08, 0.15, 0.225, 0.3]
    >>> slider_values(ipywidgets.IntSlider(value=3, min=1, max=5))
    [1, 2, 3, 4, 5]
    """
    import numpy as np

    kind = type(control).__name__
    if kind in ("SelectionSlider",):
        options = list(control.options)
        picks = [options[round(i)] for i in np.linspace(0, len(options) - 1, STATES)]
        values = [value[1] if isinstance(value, tuple) else value for value in picks]
    elif kind == "FloatLogSlider":
        exponents = np.linspace(control.min, control.max, STATES)
        values = [float(f"{control.base**e:.3g}") for e in exponents]
    else:
        low, high, step = control.min, control.max, control.step or 1
        values = [low + round((v - low) / step) * step for v in np.linspace(low, high, STATES)]
        values = [int(v) if kind == "IntSlider" else round(float(v), 10) for v in values]
    return sorted(set(values) | {control.value})


def widget_states(nb: nbformat.NotebookNode, cell) -> tuple[str, object, list]:
    """Draw a widget cell's plot (``name = module.factory()``) at a few values of its first
    slider, as a reader would see it after moving that slider: return the slider's name, its
    start value and (value, PNG, readout) triples. A cell of another form gets no states."""
    import importlib

    match = WIDGET_CALL.match(cell.source)
    modules = widget_modules(nb)
    if not match or match.group(1) not in modules:
        return "", None, []
    from utils.widgets import LivePlot

    module = importlib.import_module(modules[match.group(1)])
    live = getattr(module, match.group(2))()
    if not isinstance(live, LivePlot):
        return "", None, []
    sliders = [(n, c) for n, c in live.controls.items() if "Slider" in type(c).__name__]
    if not sliders:
        return "", None, []
    name, control = sliders[0]
    description, start = control.description or name, control.value
    states = []
    for value in slider_values(control):
        live.set(**{name: value})
        if live.readout_text.startswith("⚠"):
            continue  # a setting the widget explains it cannot draw (a Sobel kernel of size 1)
        states.append((value, live.image.value, live.readout_text))
    live.set(**{name: start})
    if live.readout_text.startswith("⚠"):  # the start picture the page shows must draw
        raise RuntimeError(f"the widget {match.group(0).strip()} cannot draw its start")
    return description, start, states


def states_cell(description: str, states: list, start, stem: str, extra: Path) -> str:
    """A raw HTML block that steps through precomputed pictures of a widget (a range input and
    a few lines of inline JavaScript; without JavaScript the start picture stays shown)."""
    (extra / "widgets").mkdir(parents=True, exist_ok=True)
    first = next(i for i, (value, _, _) in enumerate(states) if value == start)
    shown = []
    for index, (value, png, readout) in enumerate(states):
        (extra / "widgets" / f"{stem}-{index}.png").write_bytes(png)  # stem: chapter-widget
        hidden = "" if index == first else " hidden"
        shown.append(
            f'<div class="course-state"{hidden}>'
            f'<img src="../widgets/{stem}-{index}.png" alt="{html.escape(description)} = {value}">'
            f"<code>{html.escape(readout)}</code></div>"
        )
    step = (
        "const states = this.parentNode.parentNode.querySelectorAll('.course-state');"
        "states.forEach((s, i) => { s.hidden = i !== +this.value; });"
        "this.nextElementSibling.textContent = this.dataset.values.split('|')[this.value];"
    )
    values = "|".join(str(value) for value, _, _ in states)
    return (
        '<div class="course-states">\n<p class="course-states-head">Precomputed, no kernel '
        f"needed: step <b>{html.escape(description)}</b> through {len(states)} values "
        f'<input type="range" min="0" max="{len(states) - 1}" value="{first}" '
        f'aria-label="{html.escape(description)}" data-values="{html.escape(values)}" '
        f'oninput="{html.escape(step)}"> <output>{start}</output></p>\n'
        + "\n".join(shown)
        + "\n</div>\n"
    )


def launch_cell(name: str, nb: nbformat.NotebookNode, downloads: list[tuple[str, str]]) -> str:
    """The Markdown (raw HTML) cell under a chapter's title: launch buttons, downloads, stamp."""
    links = [
        ("course-colab", colab_student_url(name), "Open in Colab"),
        ("course-binder", binder_student_url(name), "Launch on Binder"),
    ] + [("course-download", href, label) for href, label in downloads]
    buttons = "\n".join(
        f'<a class="course-button {cls}" href="{html.escape(href)}"'
        + (" download" if cls == "course-download" else "")
        + f">{html.escape(label)}</a>"
        for cls, href, label in links
    )
    stamp = html.escape(run_stamp(nb))
    return f'<div class="course-launch">\n{buttons}\n</div>\n<p class="course-stamp">{stamp}</p>\n'


def stage_chapter(path: Path, extra: Path) -> nbformat.NotebookNode:
    """Return chapter ``path`` as its page shows it, and put its downloads under ``extra``."""
    nb = nbformat.read(path, as_version=4)
    name = path.name
    downloads = []
    student = STUDENT_DIR / name
    if student.is_file():
        (extra / "student").mkdir(parents=True, exist_ok=True)
        shutil.copy(student, extra / "student" / name)
        downloads.append((f"../student/{name}", "Download (exercises)"))
    (extra / "notebooks").mkdir(parents=True, exist_ok=True)
    shutil.copy(path, extra / "notebooks" / name)
    downloads.append((f"../notebooks/{name}", "Download (with solutions and outputs)"))

    page = copy.deepcopy(nb)
    title = page.cells[0]
    title.source = "\n".join(
        line for line in title.source.splitlines() if "colab-badge.svg" not in line
    ).rstrip()
    cells = [title, nbformat.v4.new_markdown_cell(launch_cell(name, nb, downloads))]
    launch = f"[Colab]({colab_student_url(name)}), [Binder]({binder_student_url(name)})"
    for cell in page.cells[1:]:
        if cell.cell_type == "markdown":
            cell.source = chapter_links(cell.source, SOURCE_DIR / "chapters")
        cell_tags = nbtools.tags(cell)
        if cell.cell_type == "code" and "# BEGIN SOLUTION" in cell.source:
            # an exercise's answer: folded away until the reader asks for it
            cell.metadata["tags"] = sorted(cell_tags | {"hide-input"})
        cells.append(cell)
        if cell.cell_type == "code" and "nbval-ignore-output" in cell_tags:
            note = ":::{note}\n" + WIDGET_NOTE.format(launch=launch) + "\n:::"
            cells.append(nbformat.v4.new_markdown_cell(note))
            description, start, states = widget_states(nb, cell)
            if states:
                stem = f"{path.stem}-{cell.id}"
                block = states_cell(description, states, start, stem, extra)
                cells.append(nbformat.v4.new_markdown_cell(block))
        if cell.cell_type == "code" and nbtools.ONLINE_TAG in cell_tags:
            cells.append(nbformat.v4.new_markdown_cell(":::{note}\n" + ONLINE_NOTE + "\n:::"))
    page.cells = cells
    for index, cell in enumerate(page.cells):
        cell.id = f"site-{index:03d}"
    return page


def front_page(readme: str, chapters: list[Path]) -> str:
    """The front page: the README's introduction, then one table row per chapter file."""
    sections = readme_sections(readme)
    if "Chapters" not in sections:
        raise SystemExit("README.md has no '## Chapters' section: the front page needs its table")
    table_text = sections["Chapters"]
    rows = readme_rows(table_text)
    after_table = "\n".join(
        line for line in table_text.split("\n\n") if not line.lstrip().startswith("|")
    ).strip()
    lines = [
        "# Interactive PyTorch",
        "",
        readme_intro(readme),
        "Read every chapter here, with the outputs of its last run; open it in Colab or on "
        "Binder from its page to run the code. New here? [Set up the course](setup.md). "
        "Teaching it? [For instructors](instructors.md).",
        "",
        "## Chapters",
        "",
        "| | chapter | what you do |",
        "|---|---|---|",
    ]
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        title, subtitle = title_and_subtitle(nb)
        what = rows.get(path.name, subtitle)
        lines.append(f"| {path.name[:2]} | [{title}](chapters/{path.name}) | {what} |")
    lines += ["", after_table, ""]
    lines += [
        "```{toctree}",
        ":hidden:",
        ":caption: Chapters",
        ":glob:",
        "",
        "chapters/*",
        "```",
        "",
        "```{toctree}",
        ":hidden:",
        ":caption: The course",
        "",
        *PAGES,
        "```",
        "",
    ]
    return "\n".join(lines)


def section_pages(readme: str) -> dict[str, str]:
    """The set-up and instructor pages, made of README sections (links made to work)."""
    sections = readme_sections(readme)
    missing = [name for _, names in PAGES.values() for name in names if name not in sections]
    if missing:
        raise SystemExit(f"README.md lacks the section(s) the site copies: {missing}")
    anchors = {}
    for page, (_, names) in PAGES.items():
        for name in names:
            anchors[slug(name)] = page
            for sub in re.findall(r"^#{3,} (.+)$", sections[name], flags=re.M):
                anchors[slug(sub)] = page
    pages = {}
    for page, (title, names) in PAGES.items():
        body = [f"# {title}", ""]
        for name in names:
            body += [f"## {name}", "", rewrite_links(sections[name], page, anchors)]
        pages[page] = "\n".join(body)
    return pages


def stage() -> list[Path]:
    """Write the site's sources into build/site-src/; return the chapters staged."""
    shutil.rmtree(SOURCE_DIR, ignore_errors=True)
    shutil.copytree(WEBSITE_DIR, SOURCE_DIR)
    extra = SOURCE_DIR / "_extra"
    extra.mkdir(exist_ok=True)
    (SOURCE_DIR / "chapters").mkdir()
    chapters = nbtools.chapter_paths()
    for path in chapters:
        nbtools.write_notebook(stage_chapter(path, extra), SOURCE_DIR / "chapters" / path.name)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (SOURCE_DIR / "index.md").write_text(front_page(readme, chapters), encoding="utf-8")
    for page, text in section_pages(readme).items():
        (SOURCE_DIR / f"{page}.md").write_text(text, encoding="utf-8")
    return chapters


def build(jobs: str = "auto") -> None:
    """Stage the sources and run Sphinx; a warning (a broken reference) fails the build."""
    chapters = stage()
    shutil.rmtree(SITE_DIR, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-E",  # read every source again: the staged files are all new
        "-W",
        "--keep-going",
        "-q",
        "-j",
        jobs,
        "-d",
        str(DOCTREE_DIR),
        str(SOURCE_DIR),
        str(SITE_DIR),
    ]
    subprocess.run(command, check=True, cwd=ROOT)
    print(f"{len(chapters)} chapter pages in {SITE_DIR.relative_to(ROOT)}/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-j", "--jobs", default="auto", help="Sphinx's parallel jobs")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        build(args.jobs)
    except subprocess.CalledProcessError as error:
        print(f"the site did not build (sphinx exit {error.returncode})", file=sys.stderr)
        return 1
    print(f"built in {time.perf_counter() - start:.1f} s: open {SITE_DIR / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
