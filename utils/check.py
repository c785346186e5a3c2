"""Exercise checks: compare a student's answer with a reference and say what to do next.

A check never raises on a wrong answer: it returns a ``CheckResult`` that prints one line,
``✅`` with a confirmation, ``❌`` with a hint, or ``✏️`` when the exercise still holds its
``...`` placeholder. A check cell ends on the call, so the notebook shows that line.

    >>> import torch
    >>> from utils import check
    >>> check.compare_tensor(torch.ones(2), torch.ones(2), name="Exercise 1")
    ✅ Exercise 1: correct.
    >>> check.compare_tensor(..., torch.ones(2), name="Exercise 1")
    ✏️ Exercise 1: not attempted yet. Replace the ... with your answer and run the cell again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
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


def compare_tensor(
    answer: object,
    expected: torch.Tensor,
    *,
    name: str,
    hint: Hint = "",
    atol: float = 1e-5,
    rtol: float = 1e-4,
    check_dtype: bool = False,
    device: torch.device | str | None = None,
) -> CheckResult:
    """Check that ``answer`` is a tensor with ``expected``'s shape and values (and dtype, when
    ``check_dtype``; and device type, when ``device`` is given).

    >>> compare_tensor(torch.zeros(2, 3), torch.zeros(3, 2), name="Exercise 2")
    ❌ Exercise 2: the shape is (2, 3) but should be (3, 2).
    >>> compare_tensor([1, 2], torch.tensor([1, 2]), name="Exercise 2", hint="use torch.tensor")
    ❌ Exercise 2: the answer is a list, not a torch.Tensor. Hint: use torch.tensor
    """
    _check_common(name, hint)
    if not isinstance(expected, torch.Tensor):
        raise TypeError(f"expected must be a torch.Tensor, got {type(expected).__name__}")
    if is_unattempted(answer):
        return _unattempted(name)
    if not isinstance(answer, torch.Tensor):
        return _wrong(name, f"the answer is a {type(answer).__name__}, not a torch.Tensor.", hint)
    if answer.shape != expected.shape:
        return _wrong(
            name, f"the shape is {tuple(answer.shape)} but should be {tuple(expected.shape)}.", hint
        )
    if check_dtype and answer.dtype != expected.dtype:
        return _wrong(name, f"the dtype is {answer.dtype} but should be {expected.dtype}.", hint)
    if device is not None and answer.device.type != torch.device(device).type:
        return _wrong(
            name,
            f"the tensor is on {answer.device.type} but should be on {torch.device(device).type}.",
            hint,
        )
    actual = answer.detach().cpu()
    reference = expected.detach().cpu()
    if actual.is_floating_point() or reference.is_floating_point():
        actual, reference = actual.double(), reference.double()
    if actual.dtype == torch.bool or reference.dtype == torch.bool:
        equal = torch.equal(actual.bool(), reference.bool())
    else:
        equal = torch.allclose(
            actual, reference.to(actual.dtype), atol=atol, rtol=rtol, equal_nan=True
        )
    if not equal:
        return _wrong(name, "the shape is right but some values are not.", hint)
    return CheckResult(name, CORRECT, "correct.")


def compare_value(
    answer: object,
    expected: object,
    *,
    name: str,
    hint: Hint = "",
    tol: float = 1e-6,
) -> CheckResult:
    """Check a plain answer: a number (within ``tol``), a string, a bool, or a tuple/list of them.
    A one-element tensor counts as its number.

    >>> compare_value(0.1 + 0.2, 0.3, name="Exercise 3")
    ✅ Exercise 3: correct.
    >>> compare_value((4, 2), (4, 2, 3), name="Exercise 3", hint="permute keeps every dimension")
    ❌ Exercise 3: the answer is (4, 2) but that is not right. Hint: permute keeps every dimension
    """
    _check_common(name, hint)
    if is_unattempted(answer):
        return _unattempted(name)
    if _values_match(answer, expected, tol):
        return CheckResult(name, CORRECT, "correct.")
    shown = repr(_as_python(answer))
    return _wrong(name, f"the answer is {shown[:80]} but that is not right.", hint)


def _as_python(answer: object) -> object:
    """A one-element tensor or NumPy value as the Python number (or bool) it holds."""
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        return answer.item()
    if isinstance(answer, (np.ndarray, np.generic)) and answer.size == 1:
        return answer.item()
    return answer


def _values_match(answer: object, expected: object, tol: float) -> bool:
    answer = _as_python(answer)
    if isinstance(answer, torch.Size):
        answer = tuple(answer)
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(answer, (list, tuple))
            and len(answer) == len(expected)
            and all(_values_match(a, e, tol) for a, e in zip(answer, expected, strict=True))
        )
    if isinstance(expected, bool) or isinstance(answer, bool):
        return type(answer) is type(expected) and answer == expected
    if isinstance(expected, (int, float)):
        return isinstance(answer, (int, float)) and math.isclose(
            answer, expected, rel_tol=tol, abs_tol=tol
        )
    return answer == expected


def compare_calls(
    function: object,
    cases: Sequence[tuple[tuple, object]],
    *,
    name: str,
    hint: Hint = "",
    tol: float = 1e-5,
) -> CheckResult:
    """Call the student's ``function`` on each ``(args, expected)`` case and compare.

    Tensors are compared like ``compare_tensor``, other results like ``compare_value``. An
    exception inside the student's function is reported, not raised. A function that returns
    ``None`` (a body still holding ``...``) counts as not attempted.

    >>> def double(x):
    ...     return 2 * x
    >>> compare_calls(double, [((1,), 2), ((torch.ones(2),), torch.full((2,), 2.0))], name="Ex. 4")
    ✅ Ex. 4: correct.
    >>> compare_calls(lambda x: x + 1, [((1,), 2), ((2,), 4)], name="Ex. 4")
    ❌ Ex. 4: wrong result for the input (2,): got 3, expected 4.
    """
    _check_common(name, hint)
    if is_unattempted(function):
        return _unattempted(name)
    if not callable(function):
        return _wrong(
            name, f"the answer should be a function, got a {type(function).__name__}.", hint
        )
    if not cases:
        raise ValueError("cases must hold at least one (args, expected) pair")
    for args, expected in cases:
        try:
            result = function(*args)
        except Exception as error:  # the student's code: report it, do not crash the check
            return _wrong(
                name,
                f"calling it with {_short(args)} raised {type(error).__name__}: {error}.",
                hint,
            )
        if result is None:
            return _unattempted(name)
        if isinstance(expected, torch.Tensor):
            outcome = compare_tensor(result, expected, name=name, atol=tol, rtol=tol)
            if not outcome:
                return _wrong(name, f"for the input {_short(args)}, {outcome.message}", hint)
        elif not _values_match(result, expected, tol):
            return _wrong(
                name,
                f"wrong result for the input {_short(args)}: got {_short(result)}, "
                f"expected {_short(expected)}.",
                hint,
            )
    return CheckResult(name, CORRECT, "correct.")


def _short(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def compare_raises(
    function: Callable[[], object],
    error: type[BaseException],
    *,
    name: str,
    hint: Hint = "",
) -> CheckResult:
    """Check that calling ``function()`` (no arguments) raises ``error``.

    >>> compare_raises(lambda: int("x"), ValueError, name="Exercise 5")
    ✅ Exercise 5: correct.
    >>> compare_raises(lambda: 1, ValueError, name="Exercise 5")
    ❌ Exercise 5: it ran without raising ValueError.
    """
    _check_common(name, hint)
    if not (isinstance(error, type) and issubclass(error, BaseException)):
        raise TypeError(f"error must be an exception class such as RuntimeError, got {error!r}")
    if is_unattempted(function):
        return _unattempted(name)
    if not callable(function):
        return _wrong(
            name, f"the answer should be a function, got a {type(function).__name__}.", hint
        )
    try:
        function()
    except error:
        return CheckResult(name, CORRECT, "correct.")
    except Exception as other:
        return _wrong(name, f"it raised {type(other).__name__}, not {error.__name__}.", hint)
    return _wrong(name, f"it ran without raising {error.__name__}.", hint)


# --- lesson checks: a visible comparison with the hand computation ---------------------------


def confirm(
    label: str, actual: object, expected: object, *, atol: float = 1e-6, rtol: float = 1e-5
) -> None:
    """Print one line comparing ``actual`` with ``expected`` (the hand computation) and raise
    ``AssertionError`` with the same line when they differ. Tensors and numbers count as equal
    when every element is within ``atol + rtol * |expected|`` (NaN equals NaN); anything else
    must be ``==``. This is how a chapter proves a claim in the open.

    >>> confirm("2 + 2", torch.tensor(2.0) + 2, 4.0)
    ✅ 2 + 2 | exact: True | close: True | maxdiff: 0
    >>> confirm("1/3 * 3", torch.tensor(1 / 3, dtype=torch.float32) * 3, 1.0)
    ✅ 1/3 * 3 | exact: True | close: True | maxdiff: 0
    >>> confirm("dtype", torch.ones(1).dtype, torch.float32)
    ✅ dtype | torch.float32 == torch.float32
    >>> confirm("sum", torch.tensor([1.0, 2.0]).sum(), 4.0)
    Traceback (most recent call last):
    ...
    AssertionError: ❌ sum | exact: False | close: False | maxdiff: 1
    """
    if not isinstance(label, str) or not label:
        raise TypeError(f"label must be a non-empty string, got {label!r}")
    for name, value in (("atol", atol), ("rtol", rtol)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not (math.isfinite(value) and value >= 0)
        ):
            raise ValueError(f"{name} must be a finite number of at least 0, got {value!r}")
    numeric = _as_numeric(actual), _as_numeric(expected)
    if numeric[0] is not None and numeric[1] is not None:
        got, want = numeric
        if got.shape != want.shape:
            ok, text = False, f"shape {tuple(got.shape)} vs expected {tuple(want.shape)}"
        else:
            both_nan = got.isnan() & want.isnan()
            diff = (got - want).abs().masked_fill(both_nan, 0)
            exact = bool(torch.equal(got.masked_fill(both_nan, 0), want.masked_fill(both_nan, 0)))
            ok = bool((diff <= atol + rtol * want.abs().masked_fill(both_nan, 0)).all())
            maxdiff = diff.max().item() if diff.numel() else 0.0
            text = f"exact: {exact} | close: {ok} | maxdiff: {maxdiff:.3g}"
    else:
        ok = bool(actual == expected)
        text = f"{actual!r} {'==' if ok else '!='} {expected!r}"
    line = f"{'✅' if ok else '❌'} {label} | {text}"
    if not ok:
        raise AssertionError(line)
    print(line)


def _as_numeric(value: object) -> torch.Tensor | None:
    """``value`` as a float64 tensor on the CPU if it is a tensor or a (non-bool) number, or a
    list of numbers; else None."""
    if isinstance(value, torch.Tensor):
        if value.dtype == torch.bool:
            return value.detach().cpu().double()
        return value.detach().cpu().double() if not value.is_complex() else None
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biuf":
        return torch.as_tensor(np.asarray(value, dtype=np.float64))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=torch.float64)
    return None
