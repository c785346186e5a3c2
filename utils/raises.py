"""``compare_raises``: the exercise check for "make it raise" (re-exported by ``utils.check``).

>>> from utils.check import compare_raises
>>> compare_raises(lambda: int("x"), ValueError, name="Exercise 5")
✅ Exercise 5: correct.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence

from utils.verdict import (
    CORRECT,
    CheckResult,
    Hint,
    _check_common,
    _short,
    _unattempted,
    _wrong,
    is_unattempted,
)


def compare_raises(
    function: Callable[..., object],
    error: type[BaseException],
    *,
    name: str,
    hint: Hint = "",
    args: Sequence[object] = (),
    kwargs: dict[str, object] | None = None,
    match: str | None = None,
) -> CheckResult:
    """Check that calling ``function(*args, **kwargs)`` (no arguments by default) raises
    ``error`` (whose message contains the regular expression ``match``, when given).

    The exception must come from the student's code with the check's inputs: a function that
    cannot even take ``args`` is wrong (Python's own ``TypeError`` for a missing argument does
    not count), and so is one that raises another kind of exception.

    >>> compare_raises(lambda: int("x"), ValueError, name="Exercise 5")
    ✅ Exercise 5: correct.
    >>> compare_raises(lambda: 1, ValueError, name="Exercise 5")
    ❌ Exercise 5: it ran without raising ValueError.
    >>> compare_raises(lambda x: int(x), TypeError, name="Exercise 5")  # doctest: +ELLIPSIS
    ❌ Exercise 5: it cannot be called with no arguments (missing a required argument: 'x'), ...
    >>> compare_raises(lambda x: int(x), ValueError, args=("x",), name="Exercise 5")
    ✅ Exercise 5: correct.
    """
    _check_common(name, hint)
    if not (isinstance(error, type) and issubclass(error, BaseException)):
        raise TypeError(f"error must be an exception class such as RuntimeError, got {error!r}")
    if error in (BaseException, Exception):
        raise ValueError(
            f"error must be a specific exception class such as ValueError, got {error.__name__}, "
            "which any mistake would raise"
        )
    if isinstance(args, (str, bytes)) or not isinstance(args, (tuple, list)):
        raise TypeError(f"args must be a tuple of inputs such as (1, 2), got {args!r}")
    if kwargs is None:
        kwargs = {}
    if not isinstance(kwargs, dict) or not all(isinstance(key, str) for key in kwargs):
        raise TypeError(f"kwargs must be a dict of argument name -> value, got {kwargs!r}")
    if match is not None:
        if not isinstance(match, str):
            raise TypeError(f"match must be a regular expression (a string), got {match!r}")
        re.compile(match)
    if is_unattempted(function):
        return _unattempted(name)
    if not callable(function):
        return _wrong(
            name, f"the answer should be a function, got a {type(function).__name__}.", hint
        )
    inputs = "no arguments" if not args and not kwargs else f"the input {_short(tuple(args))}"
    try:
        inspect.signature(function).bind(*args, **kwargs)
    except TypeError as mismatch:
        return _wrong(
            name,
            f"it cannot be called with {inputs} ({mismatch}), so it never got to raise "
            f"{error.__name__}.",
            hint,
        )
    except ValueError:  # no signature to read (some built-ins): the traceback decides below
        pass
    try:
        function(*args, **kwargs)
    except error as raised:
        if not _raised_inside(raised, function):
            return _wrong(
                name,
                f"the {error.__name__} came from the call itself, not from inside the function: "
                f"check that it takes {inputs}.",
                hint,
            )
        if match is not None and not re.search(match, str(raised)):
            return _wrong(
                name,
                f"it raised {error.__name__}, but its message {str(raised)[:80]!r} does not say "
                "what the exercise asks.",
                hint,
            )
        return CheckResult(name, CORRECT, "correct.")
    except Exception as other:
        return _wrong(name, f"it raised {type(other).__name__}, not {error.__name__}.", hint)
    return _wrong(name, f"it ran without raising {error.__name__}.", hint)


def _raised_inside(raised: BaseException, function: Callable[..., object]) -> bool:
    """True when ``raised`` came from inside ``function``: its traceback goes past the frame of
    the check into the function's own code (for a Python function) or any deeper frame."""
    traceback = raised.__traceback__
    frames = []
    while traceback is not None:
        frames.append(traceback.tb_frame.f_code)
        traceback = traceback.tb_next
    code = getattr(inspect.unwrap(function), "__code__", None)
    if code is not None:
        return code in frames[1:]
    return True  # a built-in or a callable object: the signature was bound above
