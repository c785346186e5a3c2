"""Write the student copies of the chapters into student/: exercise solutions removed, each
exercise pointing at its solution, then executed so that every teaching cell keeps its output
and every exercise check answers "not attempted yet".

usage:
    python tools/make_student.py                          # every chapter -> student/
    python tools/make_student.py chapters/01_tensors.ipynb
    python tools/make_student.py --no-run --out /tmp/class   # sources only, outputs cleared

The student copies are committed: the README, every Colab badge and `make lab` open them.
`make check-student` makes them again and fails if git sees a change.

In each exercise's answer cell, the code between ``# BEGIN SOLUTION`` and ``# END SOLUTION``
becomes a placeholder for each answer: ``name = ...  # your answer`` for a name the solution
assigns, the signature with a body of ``...  # your answer`` for a function it defines. Only the
names that the check cell right after it reads are kept (a solution may compute helpers on the
way); any other statement of the solution is removed. The exercise checks then answer "✏️ not
attempted yet" until the student replaces each ``...``.

    >>> print(strip_solutions("# BEGIN SOLUTION\\nanswer = 6 * 7\\n# END SOLUTION"))
    answer = ...  # your answer
"""

from __future__ import annotations

import ast
import copy
import datetime
import re
import sys
import textwrap
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from tools import nbtools  # noqa: E402
from tools.template import SOLUTION_BEGIN, SOLUTION_END  # noqa: E402

STUDENT_DIR = nbtools.STUDENT_DIR
PLACEHOLDER = "...  # your answer"


def _assigned_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _assigned_names(element)]
    if isinstance(target, ast.Starred):
        return _assigned_names(target.value)
    return []  # attributes and subscripts change an object; they bind no name


def _stub(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str:
    """The definition with its body replaced by ``...`` (a docstring stays)."""
    node = copy.deepcopy(node)
    body = node.body
    docstring = (
        body[:1]
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
        else []
    )
    node.body = docstring + [ast.Expr(ast.Constant(...))]
    return ast.unparse(node) + "  # your answer"


def _placeholders(solution: str, wanted: set[str] | None) -> list[str]:
    """The placeholder lines for the names a solution binds (only ``wanted`` ones, if any)."""
    try:
        tree = ast.parse(solution)
    except SyntaxError as error:
        raise ValueError(f"the solution is not valid Python on its own: {error}") from None
    bound: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.pop(node.name, None)
            bound[node.name] = _stub(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            bound.pop(name, None)
            bound[name] = f"{name}: {ast.unparse(node.annotation)} = {PLACEHOLDER}"
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for name in (n for target in targets for n in _assigned_names(target)):
                bound.pop(name, None)
                bound[name] = f"{name} = {PLACEHOLDER}"
    if not bound:
        raise ValueError(
            "the solution binds no name: assign the answer to a name or define a function, "
            "so that the student copy can leave a placeholder"
        )
    kept = [stub for name, stub in bound.items() if wanted and name in wanted]
    return kept or list(bound.values())


def _binds_names(solution: str) -> bool:
    try:
        _placeholders(solution, None)
    except ValueError:
        return False
    return True


def _names_read(check_source: str) -> set[str] | None:
    try:
        tree = ast.parse(check_source)
    except SyntaxError:
        return None
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def strip_solutions(source: str, check_source: str = "") -> str:
    """Return ``source`` with each solution block replaced by placeholders for its answers.

    ``check_source`` is the check cell that follows; when given, only the names it reads get a
    placeholder.

    >>> solved = "# BEGIN SOLUTION\\ndef twice(x):\\n    return 2 * x\\n# END SOLUTION"
    >>> print(strip_solutions(solved))
    def twice(x):
        ...  # your answer

    A solution that is a function's body leaves that function with an empty body:

    >>> inside = "def twice(x):\\n    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION"
    >>> print(strip_solutions(inside))
    def twice(x):
        ...  # your answer
    """
    lines = source.split("\n")
    markers = [
        (index, line.strip())
        for index, line in enumerate(lines)
        if line.strip() in (SOLUTION_BEGIN, SOLUTION_END)
    ]
    kinds = [kind for _, kind in markers]
    if kinds != [SOLUTION_BEGIN, SOLUTION_END] * (len(kinds) // 2) or len(kinds) % 2:
        raise ValueError(
            f"solution markers must come in pairs, {SOLUTION_BEGIN} then {SOLUTION_END}; "
            f"found {kinds}"
        )
    wanted = _names_read(check_source) if check_source else None
    for (begin, _), (end, _) in reversed(list(zip(markers[::2], markers[1::2], strict=True))):
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        solution = textwrap.dedent("\n".join(lines[begin + 1 : end]))
        if indent and not _binds_names(solution):
            stubs = [indent + PLACEHOLDER]  # a function's body: the function then returns None
        else:
            stubs = [
                textwrap.indent(stub, indent, lambda _: True)
                for stub in _placeholders(solution, wanted)
            ]
        lines[begin : end + 1] = "\n".join(stubs).split("\n")
    return "\n".join(lines).rstrip("\n")


EXERCISE_HEADING = re.compile(r"^### (Exercise (\d+)):", re.M)


def solution_note(path: Path, exercise: str) -> str:
    """The line each exercise of a student copy ends with: where its solution is."""
    return (
        f"*Tried it and used the hints? {exercise}'s solution is in the complete chapter, "
        f"[chapters/{Path(path).name}]({nbtools.solution_url(path)}).*"
    )


def student_notebook(nb: nbformat.NotebookNode, path: Path | None = None) -> nbformat.NotebookNode:
    """Return a copy of chapter ``nb`` with every solution replaced and every output cleared;
    with the chapter's ``path``, each exercise prompt also says where its solution is."""
    nb = copy.deepcopy(nb)
    if path is not None:
        for cell in nb.cells:
            match = EXERCISE_HEADING.search(cell.source) if cell.cell_type == "markdown" else None
            if match:
                cell.source = cell.source.rstrip() + "\n\n" + solution_note(path, match[1])
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for index, cell in enumerate(code):
        cell.outputs, cell.execution_count = [], None
        if SOLUTION_BEGIN in cell.source:
            following = code[index + 1].source if index + 1 < len(code) else ""
            try:
                cell.source = strip_solutions(cell.source, following)
            except ValueError as error:
                raise ValueError(f"code cell {index}: {error}\n{cell.source}") from None
    return nb


def write_student_copy(job: tuple[Path, Path, bool]) -> Path:
    """Write the student copy of chapter ``path`` into ``out_dir`` (executed and stored as
    run_notebooks stores a chapter, unless ``run`` is False); return the file."""
    from tools import run_notebooks

    path, out_dir, run = job
    try:
        nb = student_notebook(nbformat.read(path, as_version=4), path)
    except ValueError as error:
        raise ValueError(f"{path.name}, {error}") from None
    target = out_dir / path.name
    nbtools.sync_links(nb, target)
    if not run:
        nbformat.write(nb, target)
        return target
    start = time.perf_counter()
    nb = run_notebooks.execute_notebook(nb, out_dir)
    record = nbtools.run_record(run_notebooks.DEVICE, datetime.date.today().isoformat())
    nbtools.stamp_run(nb, target, record)
    state = "changed" if nbtools.write_notebook(nb, target) else "unchanged"
    print(f"{target.name}: {time.perf_counter() - start:5.1f} s, {state}", flush=True)
    return target


def write_student_copies(
    paths: list[Path], out_dir: Path, run: bool = True, jobs: int = 1
) -> list[Path]:
    """Write the student copy of each chapter in ``paths`` into ``out_dir``, ``jobs`` at a
    time; return the files."""
    from tools import run_notebooks

    out_dir.mkdir(parents=True, exist_ok=True)
    if run:
        run_notebooks.prepare_environment()
    return nbtools.in_parallel(write_student_copy, [(p, out_dir, run) for p in paths], jobs)


def main(argv: list[str] | None = None) -> int:
    parser = nbtools.notebook_parser(__doc__)
    parser.add_argument("--out", type=Path, default=STUDENT_DIR, help="default: student/")
    parser.add_argument(
        "--no-run", action="store_true", help="write the sources only, with outputs cleared"
    )
    nbtools.add_jobs_option(parser)
    args = parser.parse_args(argv)
    paths = nbtools.notebooks_argument(parser, args.notebooks)
    try:
        written = write_student_copies(paths, args.out, run=not args.no_run, jobs=args.jobs)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(written)} student notebook(s) written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
