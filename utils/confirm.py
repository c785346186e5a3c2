"""Lesson checks: a visible comparison of a result with the hand computation (re-exported as
``check.confirm``), and the tolerance rules every check shares.

NaN counts as equal to NaN (at the same place) and ``inf`` to ``inf`` of the same sign, here
and in every exercise check of ``utils.check``; a tolerance must be a finite number of at
least 0.

    >>> from utils.check import confirm
    >>> confirm("0.1 + 0.2", 0.1 + 0.2, 0.3)
    ✅ 0.1 + 0.2 | exact: False | close: True | maxdiff: 5.55e-17
"""

from __future__ import annotations

import math

import numpy as np
import torch


def check_tolerance(value: object, argument: str) -> float:
    """Return ``value`` as a float when it is a finite number of at least 0; else raise a
    ``TypeError`` (not a number) or ``ValueError`` (negative, NaN or inf) naming ``argument``.

    >>> check_tolerance(1e-5, "atol")
    1e-05
    >>> check_tolerance(float("inf"), "atol")
    Traceback (most recent call last):
    ...
    ValueError: atol must be a finite number of at least 0 (such as 1e-5), got inf: ...
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(
            f"{argument} must be a number such as 1e-5, got {type(value).__name__} {value!r}"
        )
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"{argument} must be a finite number of at least 0 (such as 1e-5), got {value!r}: "
            "an infinite or NaN tolerance would pass any answer, or none"
        )
    return value


def confirm(
    label: str, actual: object, expected: object, *, atol: float = 1e-6, rtol: float = 1e-5
) -> None:
    """Print one line comparing ``actual`` with ``expected`` (the hand computation) and raise
    ``AssertionError`` with the same line when they differ. Tensors, arrays and numbers (and a
    list of numbers against one of them) count as equal when every element is within
    ``atol + rtol * |expected|`` (NaN equals NaN); anything else must be ``==``.
    This is how a chapter proves a claim in the open.

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
    atol, rtol = check_tolerance(atol, "atol"), check_tolerance(rtol, "rtol")
    numeric = _as_numeric(actual), _as_numeric(expected)
    if (numeric[0] is None) != (numeric[1] is None):  # a tensor against a list of numbers
        numeric = _as_numeric(actual, lists=True), _as_numeric(expected, lists=True)
    if numeric[0] is not None and numeric[1] is not None:
        got, want = numeric
        if got.shape != want.shape:
            ok, text = False, f"shape {tuple(got.shape)} vs expected {tuple(want.shape)}"
        else:
            both_nan = got.isnan() & want.isnan()
            same_inf = got.isinf() & (got == want)
            diff = (got - want).abs().masked_fill(both_nan | same_inf, 0)
            exact = bool(torch.equal(got.masked_fill(both_nan, 0), want.masked_fill(both_nan, 0)))
            bound = atol + rtol * want.abs().masked_fill(both_nan | same_inf, 0)
            ok = bool((diff <= bound).all())
            maxdiff = diff.max().item() if diff.numel() else 0.0
            text = f"exact: {exact} | close: {ok} | maxdiff: {maxdiff:.3g}"
    else:
        try:
            ok = bool(actual == expected)
        except RuntimeError:  # e.g. a tensor against something of another kind
            ok = False
        text = f"{actual!r} {'==' if ok else '!='} {expected!r}"
    line = f"{'✅' if ok else '❌'} {label} | {text}"
    if not ok:
        raise AssertionError(line)
    print(line)


def _as_numeric(value: object, lists: bool = False) -> torch.Tensor | None:
    """``value`` as a float64 tensor on the CPU if it is a real tensor, array or number (or,
    with ``lists``, a nested list or tuple of numbers); else None."""
    if isinstance(value, torch.Tensor):
        return None if value.is_complex() else value.detach().cpu().double()
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind not in "biuf":
            return None
        return torch.as_tensor(np.asarray(value, dtype=np.float64))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=torch.float64)
    if lists and isinstance(value, (list, tuple)) and value:
        try:
            array = np.asarray(value)
        except ValueError:  # ragged
            return None
        if array.dtype.kind in "iuf":
            return torch.as_tensor(array.astype(np.float64))
    return None
