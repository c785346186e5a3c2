"""Every chapter follows the template and stores the outputs of one clean CPU run.

The second half breaks a copy of a real chapter in one way at a time and asserts that the
structure checks catch each break, so these checks are known to be able to fail."""

import re
from pathlib import Path

import nbformat
import pytest

from tools import nbtools, template

CHAPTERS = nbtools.chapter_paths()


def test_there_are_chapters_and_their_names_run_without_gaps():
    assert len(CHAPTERS) >= 2
    assert template.name_problems(CHAPTERS) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_template(path):
    assert template.notebook_problems(path) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_badge_and_colab_install_derive_from_pyproject(path):
    text = path.read_text(encoding="utf-8")
    url = nbtools.repository_url()
    owner_repo = url.removeprefix("https://github.com/")
    student = f"https://colab.research.google.com/github/{owner_repo}/blob/main/student/{path.name}"
    assert nbtools.colab_url(nbtools.student_path(path)) == student
    assert student in text, "the badge opens the student copy (exercises unsolved)"
    badge_and_install = 2
    assert text.count(owner_repo) == badge_and_install, (
        "the repository address belongs in the badge and setup cell only"
    )


# --- the checks can fail: break a real chapter, one way at a time ---------------------------

GOOD = CHAPTERS[0]


def load_good():
    return nbformat.read(GOOD, as_version=4)


def problems_of(nb, path=GOOD):
    """The problems of ``nb`` read as if it were stored at ``path``; the real file is untouched."""
    return template.notebook_problems(path, text=nbformat.writes(nb))


def first_code_index(nb, predicate):
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and predicate(c))


def break_summary(nb):
    nb.cells.pop()


def break_objectives(nb):
    nb.cells[1].source = nb.cells[1].source.replace("- **", "- ", 1)


def break_setup(nb):
    nb.cells[2].source = nb.cells[2].source.replace("%matplotlib inline\n", "")


def break_long_cell(nb):
    index = first_code_index(nb, lambda c: c.source.startswith("def "))
    nb.cells[index].source += "\n" + "\n".join(f"_ = {i}" for i in range(20))


def break_section_checks(nb):
    for cell in nb.cells[3:]:
        if (
            cell.cell_type == "code"
            and "SOLUTION" not in cell.source
            and "check.compare" not in cell.source
        ):
            cell.source = re.sub(r"^(\s*)assert\b", r"\1print", cell.source, flags=re.M)
            cell.source = cell.source.replace("torch.testing.assert_close(", "print(")
            cell.source = cell.source.replace("check.confirm(", "print(")


def break_exercise_marker(nb):
    index = first_code_index(nb, lambda c: "# BEGIN SOLUTION" in c.source)
    nb.cells[index].source = nb.cells[index].source.replace("# BEGIN SOLUTION\n", "")


def break_exercise_output(nb):
    index = first_code_index(nb, lambda c: 'name="Exercise 1"' in c.source)
    result = next(o for o in nb.cells[index].outputs if o.output_type == "execute_result")
    result["data"]["text/plain"] = "❌ Exercise 1: the shape is right but some values are not."


def break_counts(nb):
    index = first_code_index(nb, lambda c: c.execution_count == 3)
    nb.cells[index].execution_count = 7


def break_with_error(nb):
    index = first_code_index(nb, lambda c: c.execution_count == 3)
    nb.cells[index].outputs.append(
        nbformat.v4.new_output(
            "error", ename="RuntimeError", evalue="boom", traceback=["RuntimeError: boom"]
        )
    )


def break_metadata(nb):
    nb.metadata["kernelspec"]["display_name"] = "Python (my-env)"


def break_with_path(nb):
    index = first_code_index(nb, lambda c: c.outputs)
    nb.cells[index].outputs.append(
        nbformat.v4.new_output("stream", name="stderr", text="/home/alice/x.py:1: Warning\n")
    )


def break_size(nb):
    nb.cells[0].source += "\n\n" + "x" * template.MAX_NOTEBOOK_BYTES


def break_link(nb):
    nb.cells[1].source += "\nSee [the missing chapter](99_missing.ipynb)."


def break_ignored_output(nb):
    index = first_code_index(nb, lambda c: c.execution_count == 2)
    nb.cells[index].metadata["tags"] = ["nbval-ignore-output"]


def break_online_tags(nb):
    index = first_code_index(nb, lambda c: c.execution_count == 2)
    nb.cells[index].metadata["tags"] = ["online", "skip-execution", "nbval-skip"]
    nb.cells[index].outputs, nb.cells[index].execution_count = [], None


BREAKS = {
    break_summary: "'Exercises' and 'Summary'",
    break_objectives: "bold verb",
    break_setup: "%matplotlib inline",
    break_long_cell: "at most 15",
    break_section_checks: "has no check cell",
    break_exercise_marker: "BEGIN SOLUTION",
    break_exercise_output: "must confirm the solution",
    break_counts: "execution count 7, expected 3",
    break_with_error: "stores an error: RuntimeError",
    break_metadata: "canonical kernelspec",
    break_with_path: "machine-specific text",
    break_size: "bytes, at most",
    break_link: "broken link to 99_missing.ipynb",
    break_ignored_output: "only widget cells may ignore their output",
    break_online_tags: "an 'online' cell must be tagged",
}


def test_the_unbroken_copy_passes():
    assert problems_of(load_good()) == []


@pytest.mark.parametrize("breaker", BREAKS, ids=lambda f: f.__name__)
def test_each_break_is_caught(breaker):
    nb = load_good()
    breaker(nb)
    found = problems_of(nb)
    assert any(BREAKS[breaker] in problem for problem in found), found


def test_a_badge_for_another_file_is_caught():
    other = nbtools.CHAPTERS_DIR / "05_elsewhere.ipynb"
    found = problems_of(load_good(), path=other)
    assert any("badge of its student copy" in p and "05_elsewhere" in p for p in found), found
    assert any("'# 05 · Title'" in p for p in found), found


def test_bad_file_names_are_caught():
    assert template.name_problems([Path("00_a.ipynb"), Path("02_b.ipynb")]) != []
    assert template.name_problems([Path("00_a.ipynb"), Path("1_b.ipynb")]) != []
    assert template.name_problems([Path("00_a.ipynb"), Path("01_Bad-Name.ipynb")]) != []
    assert template.name_problems([Path("00_a.ipynb"), Path("01_b_c.ipynb")]) == []


def teaching_notebook(code_cells):
    """A notebook of Markdown and the given code cells, each stored as executed in order."""
    nb = nbformat.v4.new_notebook()
    for count, (source, printed) in enumerate(code_cells, start=1):
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        if printed:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        nb.cells.append(cell)
    return nb


def test_the_teaching_rules_catch_silent_checks_articles_and_giveaways():
    shown = [("print(1)", "1\n")] * 9
    assert template.teaching_problems(teaching_notebook(shown + [("assert 1 == 1", "")])) == []
    silent = teaching_notebook(shown + [("assert 1 == 1", ""), ("assert 2 == 2", "")])
    assert any("2 of 11 code cells are silent" in p for p in template.teaching_problems(silent))
    visible = teaching_notebook(shown + [("check.confirm('one', 1, 1)", "✅ one\n")] * 2)
    assert template.teaching_problems(visible) == []
    article = teaching_notebook(shown)
    article.cells.append(nbformat.v4.new_markdown_cell("As the Article says, ..."))
    assert any("mentions an 'article'" in p for p in template.teaching_problems(article))
    solved = "# BEGIN SOLUTION\nanswer = torch.arange(12).reshape(3, 4)\n# END SOLUTION"
    giveaway = teaching_notebook(
        shown + [(solved, ""), ("hint: answer = torch.arange(12).reshape(3, 4)", "x\n")]
    )
    assert any("shows a line of an exercise" in p for p in template.teaching_problems(giveaway))
