"""Student copies (tools/make_student.py, `make student`): solutions out, each exercise pointing
at its solution, and the committed copies in student/ made from today's chapters, with every
exercise check answering "✏️ not attempted yet" (`make check-student` re-executes them)."""

import ast
import re

import nbformat
import pytest

from tools import make_student, nbtools, template

CHAPTERS = nbtools.chapter_paths()
NOT_ATTEMPTED = "not attempted yet. Replace the ... with your answer and run the cell again."


@pytest.mark.parametrize(
    "source, check, expected",
    [
        (
            "# BEGIN SOLUTION\nones = torch.ones(2, 3, device=device)\n# END SOLUTION",
            "",
            "ones = ...  # your answer",
        ),
        (  # the lines around the solution stay; so does a type annotation
            "x = torch.rand(3)\n# BEGIN SOLUTION\ny: torch.Tensor = x * 2\n# END SOLUTION\n",
            "",
            "x = torch.rand(3)\ny: torch.Tensor = ...  # your answer",
        ),
        (  # a function keeps its signature and docstring
            '# BEGIN SOLUTION\ndef f(x, *, k=2):\n    """Scale."""\n    return k * x\n\n\n'
            "# END SOLUTION",
            "",
            'def f(x, *, k=2):\n    """Scale."""\n    ...  # your answer',
        ),
        (  # only what the check reads is kept; the steps on the way are removed
            "# BEGIN SOLUTION\nt = torch.tensor(5.0)\nfor _ in range(3):\n    t = t - 1\n"
            "t_final = t.item()\n# END SOLUTION",
            "check.compare_value(t_final, 2.0, name='Exercise 4')",
            "t_final = ...  # your answer",
        ),
        (  # without a check to go by, every name bound gets a placeholder
            "# BEGIN SOLUTION\nloss.backward()\nslopes, count = x.grad, 3\n# END SOLUTION",
            "",
            "slopes = ...  # your answer\ncount = ...  # your answer",
        ),
        (  # an indented solution stays indented
            "if True:\n    # BEGIN SOLUTION\n    z = 1\n    # END SOLUTION\n    print(z)",
            "",
            "if True:\n    z = ...  # your answer\n    print(z)",
        ),
        (  # two solution blocks in one cell
            "# BEGIN SOLUTION\na = 1\n# END SOLUTION\nb = 2\n# BEGIN SOLUTION\nclass C:\n"
            "    x = 1\n# END SOLUTION",
            "",
            "a = ...  # your answer\nb = 2\nclass C:\n    ...  # your answer",
        ),
    ],
    ids=["assign", "annotated", "function", "check-reads", "no-check", "indented", "two-blocks"],
)
def test_solutions_become_placeholders(source, check, expected):
    assert make_student.strip_solutions(source, check) == expected


@pytest.mark.parametrize(
    "source, message",
    [
        ("# BEGIN SOLUTION\nx = 1\n", "must come in pairs"),
        ("# END SOLUTION\nx = 1\n# BEGIN SOLUTION", "must come in pairs"),
        ("# BEGIN SOLUTION\nx.grad.zero_()\n# END SOLUTION", "binds no name"),
        ("# BEGIN SOLUTION\nx = (1\n# END SOLUTION", "not valid Python"),
    ],
)
def test_solutions_that_cannot_be_stripped_are_refused(source, message):
    with pytest.raises(ValueError, match=message):
        make_student.strip_solutions(source)


def answer_cells(nb):
    """(index, source) of the code cells holding a solution."""
    return [
        (index, cell.source)
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and make_student.SOLUTION_BEGIN in cell.source
    ]


def solution_lines(source: str) -> list[str]:
    """The lines between the solution markers that carry code (not a def/class header)."""
    inside, lines = False, []
    for line in source.splitlines():
        if line.strip() in (make_student.SOLUTION_BEGIN, make_student.SOLUTION_END):
            inside = line.strip() == make_student.SOLUTION_BEGIN
        elif inside and line.strip() and not re.match(r"\s*(async\s+)?(def|class)\s", line):
            lines.append(line.strip())
    return lines


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_copy_has_no_solutions_and_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    student = make_student.student_notebook(nb)
    answers = answer_cells(nb)
    assert answers, "every chapter has exercises"
    assert len(student.cells) == len(nb.cells)
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert make_student.SOLUTION_BEGIN not in cell.source
            assert make_student.SOLUTION_END not in cell.source
    for index, source in answers:
        copy = student.cells[index].source
        ast.parse(copy)
        assert "# your answer" in copy
        leaked = [line for line in solution_lines(source) if line in copy.splitlines()]
        assert leaked == [], f"cell {index} still shows its solution"
    nbformat.validate(student)


def test_make_student_writes_one_copy_per_chapter(tmp_path, capsys):
    assert make_student.main([*map(str, CHAPTERS[:2]), "--no-run", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in CHAPTERS[:2]]
    assert "2 student notebook(s) written" in capsys.readouterr().out


def test_make_student_names_the_chapter_it_cannot_strip(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("# BEGIN SOLUTION\nprint(1)\n# END SOLUTION")]
    nbformat.write(nb, tmp_path / "05_broken.ipynb")
    assert make_student.main([str(tmp_path / "05_broken.ipynb"), "--out", str(tmp_path)]) == 1
    assert "05_broken.ipynb, code cell 0: the solution binds no name" in capsys.readouterr().err


# --- the committed student copies (student/): what students open -----------------------------


STUDENT_COPIES = [nbtools.student_path(path) for path in CHAPTERS]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_committed_student_copy_is_made_from_its_chapter(path):
    """Same cells as `make student` makes from the chapter now (the outputs are compared by
    `make check-student`, which executes every copy again)."""
    stored = nbtools.student_path(path)
    assert stored.is_file(), f"no student copy of {path.name}: run `make student`"
    expected = make_student.student_notebook(nbformat.read(path, as_version=4), path)
    nbtools.sync_links(expected, stored)
    copy = nbformat.read(stored, as_version=4)
    assert [c.source for c in copy.cells] == [c.source for c in expected.cells], (
        f"{stored.name} is out of date: run `make student NB=chapters/{path.name}`"
    )


@pytest.mark.parametrize("path", STUDENT_COPIES, ids=lambda p: p.stem)
def test_student_copy_keeps_its_lessons_and_leaves_every_exercise_unsolved(path):
    """Every teaching cell shows its output; every exercise check answers not attempted and
    its prompt says where the solution is."""
    nb = nbformat.read(path, as_version=4)
    assert template.execution_problems(nb) == []
    checks = [
        cell
        for cell in nb.cells
        if cell.cell_type == "code" and re.search(r'name="Exercise \d+"', cell.source)
    ]
    assert len(checks) == len(
        answer_cells(nbformat.read(path.parent.parent / "chapters" / path.name, as_version=4))
    )
    for number, cell in enumerate(checks, start=1):
        assert nbtools.shown_text(cell) == f"✏️ Exercise {number}: {NOT_ATTEMPTED}", cell.source
    prompts = [
        c.source for c in nb.cells if c.cell_type == "markdown" and "### Exercise" in c.source
    ]
    assert len(prompts) == len(checks)
    assert all(nbtools.solution_url(path) in prompt for prompt in prompts)
    shown = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    assert len(shown) > len(checks), "the teaching cells keep their outputs"
