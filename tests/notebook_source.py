"""Read a chapter's code and prose, for tests that check what a chapter covers."""

import re

import nbformat

from tools import nbtools


def code_and_text(stem: str) -> tuple[str, str]:
    """Return the joined code cells and the joined Markdown cells of chapter ``stem``."""
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return code, text


def missing_calls(code: str, names: list[str]) -> list[str]:
    """The ``names`` never called (as ``name(``) in ``code``."""
    return [name for name in names if not re.search(rf"(?<![\w]){re.escape(name)}\(", code)]


def missing_phrases(text: str, phrases: list[str]) -> list[str]:
    """The ``phrases`` absent from ``text`` (case-insensitive)."""
    return [phrase for phrase in phrases if phrase.lower() not in text.lower()]


def spec_gaps(
    stem: str, calls: list[str], phrases: list[str], phrases_in_code: bool = False
) -> list[str]:
    """What chapter ``stem`` leaves out of its spec: functions never called, phrases absent
    from its prose (or from prose and code, with ``phrases_in_code``)."""
    code, text = code_and_text(stem)
    return missing_calls(code, calls) + missing_phrases(
        text + code if phrases_in_code else text, phrases
    )
