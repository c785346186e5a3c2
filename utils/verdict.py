"""What an exercise check found, and the hints it shows: the results every check in
``utils.check`` returns (re-exported there).

    >>> from utils.verdict import CheckResult, CORRECT
    >>> CheckResult("Exercise 1", CORRECT, "correct.")
    ✅ Exercise 1: correct.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

CORRECT, WRONG, UNATTEMPTED = "correct", "wrong", "unattempted"
_ICONS = {CORRECT: "✅", WRONG: "❌", UNATTEMPTED: "✏️"}


@dataclass(frozen=True)
class CheckResult:
    """What a check found: ``status`` is ``"correct"``, ``"wrong"`` or ``"unattempted"``."""

    name: str  # the exercise, as the notebook calls it ("Exercise 2")
    status: str  # one of CORRECT, WRONG, UNATTEMPTED
    message: str  # the sentence shown to the student

    def __bool__(self) -> bool:
        return self.status == CORRECT

    def __repr__(self) -> str:
        return f"{_ICONS[self.status]} {self.name}: {self.message}"


def is_unattempted(answer: object) -> bool:
    """True when ``answer`` is still the placeholder (``...``) or nothing at all (``None``).

    >>> is_unattempted(...), is_unattempted(None), is_unattempted(0)
    (True, True, False)
    """
    return answer is Ellipsis or answer is None


Hint = str | Sequence[str]
"""One hint, or hints in steps: a nudge first, the method next, never the code. Each wrong
attempt at the same exercise shows one more step."""

_wrong_attempts: dict[str, int] = {}  # exercise name -> wrong attempts so far (this session)


def reset_hints() -> None:
    """Forget how many wrong attempts each exercise has had: the next one shows hint 1 again."""
    _wrong_attempts.clear()


def _check_common(name: str, hint: Hint) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string such as 'Exercise 1', got {name!r}")
    steps = [hint] if isinstance(hint, str) else hint
    if not isinstance(steps, Sequence) or not all(isinstance(step, str) for step in steps):
        raise TypeError(f"hint must be a string or a list of strings (one per step), got {hint!r}")


def _unattempted(name: str) -> CheckResult:
    return CheckResult(
        name,
        UNATTEMPTED,
        "not attempted yet. Replace the ... with your answer and run the cell again.",
    )


def _wrong(name: str, problem: str, hint: Hint) -> CheckResult:
    """A wrong answer, with the next step of ``hint``: the first wrong attempt at exercise
    ``name`` shows step 1, the next step 2, and so on; the last step stays."""
    steps = [hint] if isinstance(hint, str) else list(hint)
    steps = [step for step in steps if step]
    if not steps:
        return CheckResult(name, WRONG, problem)
    attempt = _wrong_attempts.get(name, 0)
    _wrong_attempts[name] = attempt + 1
    if len(steps) == 1:
        return CheckResult(name, WRONG, f"{problem} Hint: {steps[0]}")
    step = min(attempt, len(steps) - 1)
    more = " (run the check again for the next hint)" if step < len(steps) - 1 else ""
    return CheckResult(
        name, WRONG, f"{problem} Hint {step + 1} of {len(steps)}: {steps[step]}{more}"
    )


def _short(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
