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

The rules every check follows, so that a wrong answer cannot pass:

- NaN counts as equal to NaN (at the same place) and ``inf`` to ``inf`` of the same sign, in
  ``compare_tensor``, ``compare_value``, ``compare_calls`` and ``confirm`` alike; NaN is never
  close to a number.
- Tolerances (``atol``, ``rtol``, ``tol``) must be finite numbers of at least 0.
- A mistake in the check itself (a malformed case list, an expected value that cannot be
  compared, a bad tolerance) raises ``TypeError`` or ``ValueError`` for the notebook's author;
  it is never reported as the student's mistake.
- ``compare_raises`` counts an exception only when the student's function ran with the
  inputs the check gives it (``args``) and raised it itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from utils.confirm import check_tolerance, confirm
from utils.raises import compare_raises
from utils.verdict import (
    CORRECT,
    UNATTEMPTED,
    WRONG,
    CheckResult,
    Hint,
    _check_common,
    _short,
    _unattempted,
    _wrong,
    is_unattempted,
    reset_hints,
)

__all__ = [
    "CORRECT",
    "UNATTEMPTED",
    "WRONG",
    "CheckResult",
    "compare_calls",
    "compare_raises",
    "compare_tensor",
    "compare_value",
    "confirm",
    "is_unattempted",
    "reset_hints",
]


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
    atol, rtol = check_tolerance(atol, "atol"), check_tolerance(rtol, "rtol")
    if not isinstance(check_dtype, bool):
        raise TypeError(f"check_dtype must be True or False, got {check_dtype!r}")
    wanted_device = None if device is None else _device_type(device)
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
    if wanted_device is not None and answer.device.type != wanted_device:
        return _wrong(
            name, f"the tensor is on {answer.device.type} but should be on {wanted_device}.", hint
        )
    if answer.is_complex() != expected.is_complex():
        return _wrong(
            name,
            f"the dtype is {answer.dtype} but should be {expected.dtype} (real vs complex).",
            hint,
        )
    actual = answer.detach().cpu()
    reference = expected.detach().cpu()
    if actual.dtype == torch.bool and reference.dtype == torch.bool:
        equal = torch.equal(actual, reference)
    elif actual.is_complex():
        equal = torch.allclose(
            actual.to(torch.complex128),
            reference.to(torch.complex128),
            atol=atol,
            rtol=rtol,
            equal_nan=True,
        )
    elif not (actual.is_floating_point() or reference.is_floating_point()):
        equal = torch.allclose(actual.long(), reference.long(), atol=atol, rtol=rtol)
    else:
        actual, reference = actual.double(), reference.double()
        equal = torch.allclose(actual, reference, atol=atol, rtol=rtol, equal_nan=True)
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
    A one-element tensor counts as its number; NaN is right only where ``expected`` is NaN.

    >>> compare_value(0.1 + 0.2, 0.3, name="Exercise 3")
    ✅ Exercise 3: correct.
    >>> compare_value((4, 2), (4, 2, 3), name="Exercise 3", hint="permute keeps every dimension")
    ❌ Exercise 3: the answer is (4, 2) but that is not right. Hint: permute keeps every dimension
    >>> compare_value(float("nan"), float("nan"), name="Exercise 3")
    ✅ Exercise 3: correct.
    """
    _check_common(name, hint)
    tol = check_tolerance(tol, "tol")
    _check_expected(expected, "expected")
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


def _check_expected(expected: object, argument: str) -> None:
    """The reference of compare_value: a value that compare_value can compare (author error)."""
    if is_unattempted(expected):
        raise ValueError(f"{argument} must be the right answer, got {expected!r}")
    if isinstance(expected, torch.Size):
        return
    if isinstance(expected, (list, tuple)):
        for index, item in enumerate(expected):
            _check_expected(item, f"{argument}[{index}]")
    elif isinstance(expected, (torch.Tensor, np.ndarray)) and _size(expected) != 1:
        raise TypeError(
            f"{argument} is a tensor or array of {_size(expected)} elements: compare it with "
            "check.compare_tensor, or give the value as a number, tuple or list"
        )


def _size(value: torch.Tensor | np.ndarray) -> int:
    return value.numel() if isinstance(value, torch.Tensor) else value.size


def _values_match(answer: object, expected: object, tol: float) -> bool:
    answer, expected = _as_python(answer), _as_python(expected)
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
        if not isinstance(answer, (int, float)):
            return False
        if math.isnan(answer) or math.isnan(expected):
            return math.isnan(answer) and math.isnan(expected)
        return math.isclose(answer, expected, rel_tol=tol, abs_tol=tol)
    if not isinstance(answer, type(expected)):  # no answer whose == says yes to everything
        return False
    try:
        same = expected == answer
    except Exception:  # an answer that cannot even be compared is not the right one
        return False
    return isinstance(same, (bool, np.bool_)) and bool(same)


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

    A malformed case list is the check's own mistake, raised for the notebook's author:

    >>> compare_calls(abs, [(1, 1)], name="Ex. 4")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: cases[0] must be an (args, expected) pair whose args is a tuple, ...
    """
    _check_common(name, hint)
    tol = check_tolerance(tol, "tol")
    _check_cases(cases)
    if is_unattempted(function):
        return _unattempted(name)
    if not callable(function):
        return _wrong(
            name, f"the answer should be a function, got a {type(function).__name__}.", hint
        )
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


def _check_cases(cases: object) -> None:
    if isinstance(cases, (str, bytes)) or not isinstance(cases, Sequence):
        raise TypeError(
            "cases must be a list of (args, expected) pairs such as [((1,), 2)], "
            f"got {type(cases).__name__}"
        )
    if not cases:
        raise ValueError("cases must hold at least one (args, expected) pair")
    for index, case in enumerate(cases):
        if (
            not isinstance(case, (tuple, list))
            or len(case) != 2
            or not isinstance(case[0], (tuple, list))
        ):
            raise TypeError(
                f"cases[{index}] must be an (args, expected) pair whose args is a tuple, "
                f"such as ((1,), 2), got {_short(case)}"
            )
        if not isinstance(case[1], torch.Tensor):
            _check_expected(case[1], f"cases[{index}]'s expected")


def _device_type(device: object) -> str:
    """The device type ``device`` names ('cpu', 'cuda', ...): an author error otherwise."""
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a string such as 'cuda' or a torch.device, got {device!r}")
    try:
        return torch.device(device).type
    except RuntimeError:
        raise ValueError(
            f"device must name a device type such as 'cpu', 'cuda' or 'mps', got {device!r}"
        ) from None
