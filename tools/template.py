"""The chapter template, as checks: each function returns the problems it finds in one
notebook (an empty list when the notebook follows the template).

The template (see the README's contributor section and STYLE.md): a title cell with a
subtitle and this file's Colab badge; "What you will learn" with 3 to 5 objectives; a short
setup cell; `##` sections, each with a check cell; "Exercises" with auto-checked exercises;
"Summary" with one bullet per objective.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat

from tools import nbtools

MAX_SETUP_LINES = 10
MAX_CODE_LINES = 15
MIN_EXERCISES, MAX_EXERCISES = 3, 5
MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 5
MAX_NOTEBOOK_BYTES = 1_000_000
CHECK_PATTERN = re.compile(
    r"^\s*assert\b|torch\.testing\.assert_close\(|\bcheck\.(?:compare_\w+|confirm)\(", re.M
)
MAX_SILENT_SHARE = 0.10
"""At most this share of a chapter's code cells may be silent check-only cells (asserts and no
output): a check is part of the lesson and shows its comparison (``check.confirm``); a pin of
a number that an output already shows belongs in tests/."""
ARTICLE = re.compile(r"\barticles?\b", re.I)
MIN_GIVEAWAY_CHARS = 16
SOLUTION_BEGIN, SOLUTION_END = "# BEGIN SOLUTION", "# END SOLUTION"
MACHINE_TEXT = re.compile(r"/root/|/home/\w|/Users/\w|/work/|site-packages|[A-Z]:\\\\Users|/tmp/")
LINK = re.compile(r"\]\(([^)\s]+\.ipynb)(?:#[^)]*)?\)")


def non_blank_lines(source: str) -> int:
    """Count the lines of a cell that are not blank."""
    return sum(1 for line in source.splitlines() if line.strip())


def headings(nb: nbformat.NotebookNode, level: int) -> list[tuple[int, str]]:
    """Return (cell index, text) of every Markdown heading of ``level`` (2 for ``##``)."""
    marker = "#" * level + " "
    return [
        (index, line[len(marker) :].strip())
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith(marker)
    ]


def bullets(source: str) -> list[str]:
    """Return the top-level ``- `` bullets of a Markdown cell."""
    return [line[2:] for line in source.splitlines() if line.startswith("- ")]


def name_problems(paths: list[Path]) -> list[str]:
    """File names are ``NN_slug.ipynb`` and the numbers run 00, 01, 02, ... without a gap."""
    problems = [
        f"{p.name}: name must look like 00_getting_started.ipynb"
        for p in paths
        if not nbtools.CHAPTER_NAME.match(p.name)
    ]
    numbers = [int(p.name[:2]) for p in paths if nbtools.CHAPTER_NAME.match(p.name)]
    if numbers != list(range(len(numbers))):
        problems.append(
            f"chapter numbers must run 00, 01, ... without gaps or repeats, got {numbers}"
        )
    return problems


def title_problems(nb: nbformat.NotebookNode, path: Path) -> list[str]:
    """The first cell: ``# NN · Title``, a subtitle line, and this very file's Colab badge."""
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown":
        return ["the first cell must be the Markdown title cell"]
    lines = [line for line in first.source.splitlines() if line.strip()]
    problems = []
    if not lines or not re.match(rf"# {path.name[:2]} · \S", lines[0]):
        problems.append(f"the title must read '# {path.name[:2]} · Title'")
    if len(lines) < 3 or lines[1].startswith(("#", "[![")):
        problems.append("the title must be followed by a one-line subtitle, then the Colab badge")
    if nbtools.badge_markdown(path) not in first.source:
        problems.append(
            "the title cell must carry the Colab badge of its student copy: "
            f"{nbtools.badge_markdown(path)}"
        )
    return problems


def objectives_problems(nb: nbformat.NotebookNode) -> list[str]:
    """The second cell: "What you will learn", 3 to 5 objectives starting with a bold verb,
    and which chapters it builds on."""
    if len(nb.cells) < 2 or not nb.cells[1].source.startswith("## What you will learn"):
        return ["the second cell must start with '## What you will learn'"]
    source = nb.cells[1].source
    objectives = bullets(source)
    problems = []
    if not MIN_OBJECTIVES <= len(objectives) <= MAX_OBJECTIVES:
        problems.append(
            f"'What you will learn' needs {MIN_OBJECTIVES} to {MAX_OBJECTIVES} objectives, "
            f"has {len(objectives)}"
        )
    problems += [
        f"objective must start with a bold verb (**Verb**): {o[:40]!r}"
        for o in objectives
        if not re.match(r"\*\*[A-Z][a-z]+\*\* ", o)
    ]
    if "Builds on:" not in source:
        problems.append(
            "'What you will learn' must say what the chapter builds on ('Builds on: ...')"
        )
    return problems


def setup_problems(nb: nbformat.NotebookNode) -> list[str]:
    """The third cell: the setup cell, short, Colab-aware, inline plots, seeded."""
    if len(nb.cells) < 3 or nb.cells[2].cell_type != "code":
        return ["the third cell must be the setup code cell"]
    source = nb.cells[2].source
    problems = []
    if (
        nbtools.colab_install_command() not in source
        or '"google.colab" in sys.modules' not in source
    ):
        problems.append(
            f"the setup cell must install the course on Colab: {nbtools.colab_install_command()}"
        )
    if "%matplotlib inline" not in source:
        problems.append("the setup cell must select inline plots (%matplotlib inline)")
    if "seed_everything(" not in source:
        problems.append("the setup cell must seed the random generators (seed_everything)")
    if non_blank_lines(source) > MAX_SETUP_LINES:
        problems.append(
            f"the setup cell has {non_blank_lines(source)} lines, at most {MAX_SETUP_LINES}"
        )
    return problems


def section_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Body ``##`` sections each hold a check cell; "Exercises" and then "Summary" close the
    chapter, and the summary answers the objectives one for one."""
    sections = headings(nb, 2)
    titles = [title for _, title in sections]
    if titles[-2:] != ["Exercises", "Summary"]:
        return [f"the last two sections must be 'Exercises' and 'Summary', got {titles[-2:]}"]
    problems = []
    if len(sections) < 4:
        problems.append(
            "the chapter needs at least one body section between the objectives and the exercises"
        )
    bounds = [index for index, _ in sections] + [len(nb.cells)]
    for (start, title), end in zip(sections[1:-2], bounds[2:-2], strict=True):
        code = [c.source for c in nb.cells[start:end] if c.cell_type == "code"]
        if not any(CHECK_PATTERN.search(source) for source in code):
            problems.append(
                f"section '{title}' has no check cell (assert, assert_close or check.compare_*)"
            )
    summary_index = sections[-1][0]
    if summary_index != len(nb.cells) - 1:
        problems.append("'Summary' must be the last cell")
    objectives = bullets(nb.cells[1].source) if len(nb.cells) > 1 else []
    summary = bullets(nb.cells[summary_index].source)
    if len(summary) != len(objectives):
        problems.append(
            "the summary needs one bullet per objective: "
            f"{len(objectives)} objectives, {len(summary)} bullets"
        )
    return problems


def exercise_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Each exercise: a ``### Exercise N`` prompt, an answer cell whose solution sits between
    the solution markers, then a check cell whose stored output confirms the solution."""
    exercises = [(index, title) for index, title in headings(nb, 3) if title.startswith("Exercise")]
    problems = []
    if not MIN_EXERCISES <= len(exercises) <= MAX_EXERCISES:
        problems.append(
            f"the chapter needs {MIN_EXERCISES} to {MAX_EXERCISES} exercises, has {len(exercises)}"
        )
    for number, (index, title) in enumerate(exercises, start=1):
        if not title.startswith(f"Exercise {number}:"):
            problems.append(
                f"exercise headings must read '### Exercise {number}: ...', got {title!r}"
            )
        following = [c for c in nb.cells[index + 1 : index + 4] if c.cell_type == "code"][:2]
        if (
            len(following) < 2
            or SOLUTION_BEGIN not in following[0].source
            or SOLUTION_END not in following[0].source
        ):
            problems.append(
                f"Exercise {number} needs an answer cell with {SOLUTION_BEGIN} ... {SOLUTION_END}, "
                "then a check cell"
            )
            continue
        check_cell = following[1]
        if (
            f'name="Exercise {number}"' not in check_cell.source
            or "check.compare_" not in check_cell.source
        ):
            problems.append(
                f"Exercise {number}: its check cell must call "
                f'check.compare_...(..., name="Exercise {number}")'
            )
        shown = nbtools.shown_text(check_cell)
        if not shown.startswith(f"✅ Exercise {number}"):
            problems.append(
                f"Exercise {number}: the stored check output must confirm the solution, "
                f"got {shown[:60]!r}"
            )
    return problems


def cell_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Short code cells; tags used as the harness expects."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = nbtools.tags(cell)
        if index != 2 and non_blank_lines(cell.source) > MAX_CODE_LINES:
            problems.append(
                f"cell {index} has {non_blank_lines(cell.source)} lines, at most {MAX_CODE_LINES}"
            )
        if re.search(r"^\s*#\s*(NBVAL|PYTEST_VALIDATE)_", cell.source, re.M):
            problems.append(f"cell {index}: use cell tags, not NBVAL_ comments")
        if nbtools.ONLINE_TAG in tags and not nbtools.ONLINE_TAGS <= tags:
            problems.append(
                f"cell {index}: an 'online' cell must be tagged {sorted(nbtools.ONLINE_TAGS)}"
            )
        if "nbval-ignore-output" in tags and "widget" not in cell.source.lower():
            problems.append(f"cell {index}: only widget cells may ignore their output")
    return problems


def execution_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Stored outputs come from one clean run: counts 1..n in order, errors only where a cell is
    tagged to raise (and there, an error), skipped cells empty."""
    problems = []
    expected_count = 1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = nbtools.tags(cell)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if nbtools.SKIP_TAGS & tags:
            if cell.execution_count is not None or cell.outputs:
                problems.append(
                    f"cell {index} is skipped by the harness but holds outputs or a count"
                )
            continue
        if cell.execution_count != expected_count:
            problems.append(
                f"cell {index}: execution count {cell.execution_count}, expected {expected_count}"
            )
        expected_count += 1
        if "raises-exception" in tags and not errors:
            problems.append(f"cell {index} is tagged raises-exception but stores no error")
        if errors and "raises-exception" not in tags:
            problems.append(f"cell {index} stores an error: {errors[0].ename}")
    return problems


def metadata_problems(nb: nbformat.NotebookNode, text: str) -> list[str]:
    """Nothing of the machine that ran the notebook: canonical metadata, no paths."""
    problems = []
    metadata = {key: value for key, value in nb.metadata.items() if key != nbtools.RUN_RECORD}
    if metadata != {"kernelspec": nbtools.KERNELSPEC, "language_info": {"name": "python"}}:
        problems.append(
            "notebook metadata must be exactly the canonical kernelspec "
            f"(and a course_run record), got {json.dumps(nb.metadata)[:120]}"
        )
    if nbtools.RUN_RECORD in nb.metadata:
        problems += nbtools.run_record_problems(nb.metadata[nbtools.RUN_RECORD])
    extra = {key for cell in nb.cells for key in cell.metadata if key != "tags"}
    if extra:
        problems.append(f"cell metadata may hold only tags, found {sorted(extra)}")
    leaked = sorted(set(MACHINE_TEXT.findall(text)))
    if leaked:
        problems.append(f"machine-specific text in the notebook: {leaked}")
    if len(text.encode()) > MAX_NOTEBOOK_BYTES:
        problems.append(
            f"the notebook is {len(text.encode()):,} bytes, at most {MAX_NOTEBOOK_BYTES:,}"
        )
    return problems


def link_problems(nb: nbformat.NotebookNode, path: Path) -> list[str]:
    """Links to other chapters point at files that exist."""
    return [
        f"broken link to {target}"
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for target in LINK.findall(cell.source)
        if not target.startswith("http") and not (path.parent / target).is_file()
    ]


def is_silent_check(cell: nbformat.NotebookNode) -> bool:
    """A code cell with no output whose statements only assert (``assert``, ``assert_close``,
    ...): the reader sees nothing happen.

    >>> is_silent_check(nbformat.v4.new_code_cell("assert 1 + 1 == 2"))
    True
    >>> is_silent_check(nbformat.v4.new_code_cell("check.confirm('sum', 1 + 1, 2)"))
    False
    """
    if cell.cell_type != "code" or cell.get("outputs"):
        return False
    source = "\n".join(
        line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    checks = sum(
        isinstance(node, ast.Assert)
        or (isinstance(node, ast.Call) and "assert" in ast.unparse(node.func))
        for node in ast.walk(tree)
    )
    shown = sum(
        isinstance(node, ast.Expr) and "assert" not in ast.unparse(node) for node in tree.body
    )
    return checks > 0 and shown == 0


def teaching_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Template v2: few silent check-only cells, no mention of source "articles" the student
    never sees, and no visible cell that repeats a line of an exercise's solution."""
    problems = []
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    silent = [index for index, cell in enumerate(nb.cells) if is_silent_check(cell)]
    if code and len(silent) > MAX_SILENT_SHARE * len(code):
        problems.append(
            f"{len(silent)} of {len(code)} code cells are silent check-only cells (at most "
            f"{MAX_SILENT_SHARE:.0%}): show the comparison with check.confirm, or move pins of "
            f"printed numbers to tests/ (cells {silent})"
        )
    for index, cell in enumerate(nb.cells):
        if ARTICLE.search(cell.source):
            problems.append(f"cell {index} mentions an 'article': the chapters simply teach")
    solution_lines = {
        line.strip()
        for cell in code
        if SOLUTION_BEGIN in cell.source
        for line in cell.source.split(SOLUTION_BEGIN, 1)[1].split(SOLUTION_END, 1)[0].splitlines()
        if len(line.strip()) >= MIN_GIVEAWAY_CHARS and not line.strip().startswith("#")
    }
    for index, cell in enumerate(nb.cells):
        if SOLUTION_BEGIN in cell.source:
            continue
        given = sorted(line for line in solution_lines if line in cell.source)
        if given:
            problems.append(f"cell {index} shows a line of an exercise's solution: {given[0]!r}")
    return problems


def notebook_problems(path: Path, text: str | None = None) -> list[str]:
    """Every problem of the chapter at ``path`` (its stored JSON, or ``text`` read as if it
    were stored there)."""
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    return (
        title_problems(nb, path)
        + objectives_problems(nb)
        + setup_problems(nb)
        + section_problems(nb)
        + exercise_problems(nb)
        + cell_problems(nb)
        + execution_problems(nb)
        + metadata_problems(nb, text)
        + link_problems(nb, path)
        + teaching_problems(nb)
    )
