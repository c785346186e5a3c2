"""utils.check: every verdict (correct, wrong with a hint, not attempted) and bad arguments."""

import numpy as np
import pytest
import torch

from utils import check


def test_compare_tensor_verdicts():
    expected = torch.arange(6.0).reshape(2, 3)
    assert check.compare_tensor(expected.clone(), expected, name="E1").status == check.CORRECT
    assert check.compare_tensor(..., expected, name="E1").status == check.UNATTEMPTED
    assert check.compare_tensor(None, expected, name="E1").status == check.UNATTEMPTED
    wrong = check.compare_tensor(expected + 1, expected, name="E1", hint="start at 0")
    assert (
        wrong.status == check.WRONG
        and "some values" in wrong.message
        and "Hint: start at 0" in repr(wrong)
    )
    assert "shape is (3, 2)" in check.compare_tensor(expected.T, expected, name="E1").message
    assert "is a list" in check.compare_tensor([[0.0]], expected, name="E1").message


def test_compare_tensor_tolerance_and_dtype():
    expected = torch.tensor([1.0, 2.0])
    assert check.compare_tensor(torch.tensor([1, 2]), expected, name="E")
    assert not check.compare_tensor(torch.tensor([1, 2]), expected, name="E", check_dtype=True)
    assert check.compare_tensor(expected + 1e-7, expected, name="E")
    assert not check.compare_tensor(expected + 1e-2, expected, name="E")
    assert check.compare_tensor(torch.tensor([True, False]), torch.tensor([True, False]), name="E")
    assert not check.compare_tensor(
        torch.tensor([True, True]), torch.tensor([True, False]), name="E"
    )


def test_compare_tensor_device(monkeypatch):
    assert check.compare_tensor(torch.ones(2), torch.ones(2), name="E", device="cpu")
    result = check.compare_tensor(torch.ones(2), torch.ones(2), name="E", device="cuda")
    assert result.status == check.WRONG and "is on cpu but should be on cuda" in result.message


def test_results_print_one_line_with_an_icon():
    assert repr(check.compare_value(2, 2, name="Exercise 7")) == "✅ Exercise 7: correct."
    assert repr(check.compare_value(3, 2, name="Exercise 7")).startswith(
        "❌ Exercise 7: the answer is 3"
    )
    assert repr(check.compare_value(..., 2, name="Exercise 7")).startswith(
        "✏️ Exercise 7: not attempted"
    )


@pytest.mark.parametrize(
    "answer, expected, ok",
    [
        (0.1 + 0.2, 0.3, True),
        (torch.tensor(4.0), 4, True),
        (torch.Size([4, 2, 3]), (4, 2, 3), True),
        ((4, 2), (4, 2, 3), False),
        ("cpu", "cpu", True),
        ("cuda", "cpu", False),
        (True, True, True),
        (1, True, False),
        ([1, 2.0000001], (1, 2), True),
        ("3", 3, False),
        (np.int64(3), 3, True),
        (np.float32(0.5), 0.5, True),
        (np.True_, True, True),
        (np.array(2.0), 2.0, True),
        ((np.int64(2), 3), (2, 3), True),
        (np.int64(4), 3, False),
    ],
)
def test_compare_value(answer, expected, ok):
    assert bool(check.compare_value(answer, expected, name="E")) is ok


def test_compare_calls_reports_exceptions_and_wrong_results():
    def broken(x):
        return x.nope

    result = check.compare_calls(broken, [((1,), 1)], name="E", hint="read the error")
    assert result.status == check.WRONG and "raised AttributeError" in result.message
    result = check.compare_calls(
        lambda x: x * 3, [((torch.ones(2),), torch.full((2,), 2.0))], name="E"
    )
    assert result.status == check.WRONG and "some values" in result.message


def test_compare_calls_unattempted_function_body():
    def placeholder(x): ...

    assert check.compare_calls(placeholder, [((1,), 1)], name="E").status == check.UNATTEMPTED
    assert check.compare_calls(..., [((1,), 1)], name="E").status == check.UNATTEMPTED
    assert check.compare_calls(5, [((1,), 1)], name="E").status == check.WRONG


def test_compare_raises():
    assert check.compare_raises(
        lambda: torch.mm(torch.ones(2, 2), torch.ones(2)), RuntimeError, name="E"
    )
    other = check.compare_raises(lambda: 1 / 0, RuntimeError, name="E")
    assert other.status == check.WRONG and "ZeroDivisionError" in other.message


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: check.compare_tensor(torch.ones(1), [1.0], name="E"),
            "expected must be a torch.Tensor",
        ),
        (lambda: check.compare_value(1, 1, name=""), "name must be a non-empty string"),
        (
            lambda: check.compare_value(1, 1, name="E", hint=3),
            "hint must be a string or a list of strings",
        ),
        (lambda: check.compare_calls(abs, [], name="E"), "cases must hold at least one"),
        (
            lambda: check.compare_raises(abs, "ValueError", name="E"),
            "error must be an exception class",
        ),
        (
            lambda: check.compare_raises(..., "ValueError", name="E"),
            "error must be an exception class",
        ),
    ],
)
def test_bad_arguments_from_the_notebook_author_raise_clearly(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_hints_come_in_steps_one_more_per_wrong_attempt():
    check.reset_hints()
    steps = ["a nudge", "the method"]
    first = check.compare_value(1, 2, name="Stepped", hint=steps)
    second = check.compare_value(1, 2, name="Stepped", hint=steps)
    third = check.compare_value(1, 2, name="Stepped", hint=steps)
    assert "Hint 1 of 2: a nudge (run the check again" in first.message
    assert "Hint 2 of 2: the method" in second.message and "again" not in second.message
    assert "Hint 2 of 2: the method" in third.message
    assert "a nudge" not in second.message
    check.reset_hints()
    assert "Hint 1 of 2" in check.compare_value(1, 2, name="Stepped", hint=steps).message


def test_confirm_prints_the_comparison_and_fails_loudly(capsys):
    check.confirm("grad by hand", torch.tensor([2.0, 4.0]), torch.tensor([2.0, 4.0]))
    assert capsys.readouterr().out == "✅ grad by hand | exact: True | close: True | maxdiff: 0\n"
    check.confirm("nan equals nan", torch.tensor([float("nan")]), torch.tensor([float("nan")]))
    with pytest.raises(AssertionError, match="❌ off by one | exact: False | close: False"):
        check.confirm("off by one", 3, 4)
    with pytest.raises(AssertionError, match=r"shape \(2,\) vs expected \(3,\)"):
        check.confirm("shape", torch.ones(2), torch.ones(3))
    with pytest.raises(AssertionError, match="'a' != 'b'"):
        check.confirm("text", "a", "b")
    with pytest.raises(ValueError, match="atol must be a finite number"):
        check.confirm("tol", 1.0, 1.0, atol=float("inf"))


# --- wrong answers that must not pass (issue 12) ------------------------------------------


def test_compare_raises_needs_the_error_from_the_students_code_with_the_checks_input():
    # a TypeError from calling with the wrong number of arguments is not the student's TypeError
    result = check.compare_raises(lambda x: int(x), TypeError, name="E")
    assert result.status == check.WRONG and "cannot be called with no arguments" in result.message
    assert check.compare_raises(lambda x: int(x), ValueError, args=("x",), name="E")
    too_many = check.compare_raises(lambda: int("x"), ValueError, args=(1,), name="E")
    assert too_many.status == check.WRONG and "cannot be called with the input (1,)" in repr(
        too_many
    )
    assert check.compare_raises(lambda *, size: [0][size], IndexError, kwargs={"size": 3}, name="E")


def test_compare_raises_still_takes_built_ins_and_callable_objects():
    def takes_one(x):
        return x

    # a callable whose signature cannot be read is called; the error must come from inside
    class Opaque:
        __signature__ = None

        def __call__(self, *args):
            return takes_one(*args)  # TypeError raised inside __call__: from the student's code

    assert check.compare_raises(Opaque(), TypeError, name="E")
    assert check.compare_raises(int, ValueError, args=("x",), name="E")  # a built-in raising


def test_compare_raises_match_and_too_broad_errors():
    def refuse(x):
        raise ValueError("x must be positive")

    assert check.compare_raises(refuse, ValueError, args=(-1,), match="positive", name="E")
    vague = check.compare_raises(refuse, ValueError, args=(-1,), match="negative", name="E")
    assert vague.status == check.WRONG and "does not say what the exercise asks" in vague.message
    for broad in (Exception, BaseException):
        with pytest.raises(ValueError, match="error must be a specific exception class"):
            check.compare_raises(lambda: 1 / 0, broad, name="E")
    with pytest.raises(TypeError, match="args must be a tuple"):
        check.compare_raises(lambda x: x, ValueError, args=5, name="E")


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), -1.0, "0.1", True, None])
def test_every_tolerance_must_be_finite_and_not_negative(bad):
    one, five = torch.tensor([1.0]), torch.tensor([5.0])
    calls = {
        "tol": lambda: check.compare_value(1, 5, name="E", tol=bad),
        "atol": lambda: check.compare_tensor(one, five, name="E", atol=bad),
        "rtol": lambda: check.compare_tensor(one, five, name="E", rtol=bad),
        "tol ": lambda: check.compare_calls(abs, [((1,), 5)], name="E", tol=bad),
    }
    for argument, call in calls.items():
        with pytest.raises((TypeError, ValueError), match=f"^{argument.strip()} must be"):
            call()


def test_nan_is_equal_to_nan_in_every_check_and_never_close_to_a_number():
    nan, inf = float("nan"), float("inf")
    assert check.compare_value(nan, nan, name="E")
    assert check.compare_value(torch.tensor(nan), nan, name="E")
    assert check.compare_value((1, nan), [1, nan], name="E")
    assert not check.compare_value(nan, 1.0, name="E")
    assert not check.compare_value(1.0, nan, name="E")
    assert check.compare_value(inf, inf, name="E") and not check.compare_value(inf, -inf, name="E")
    assert check.compare_tensor(torch.tensor([nan, 1.0]), torch.tensor([nan, 1.0]), name="E")
    assert not check.compare_tensor(torch.tensor([nan]), torch.tensor([1.0]), name="E")
    assert check.compare_calls(lambda x: x * nan, [((1.0,), nan)], name="E")
    assert not check.compare_calls(lambda x: nan, [((1.0,), 1.0)], name="E")
    check.confirm("nan", nan, nan)


def test_answers_that_only_look_right_are_wrong():
    class EqualsEverything:
        def __eq__(self, other):
            return True

    assert not check.compare_value(EqualsEverything(), "cpu", name="E")
    assert not check.compare_value(EqualsEverything(), (1, 2), name="E")
    assert not check.compare_value(torch.tensor([1, 2]), "cpu", name="E")
    mask = torch.tensor([True, False])
    assert not check.compare_tensor(mask, torch.tensor([0.7, 0.0]), name="E")
    assert check.compare_tensor(mask, torch.tensor([1.0, 0.0]), name="E")
    complex_answer = check.compare_tensor(torch.tensor([1 + 1j]), torch.tensor([1.0]), name="E")
    assert complex_answer.status == check.WRONG and "complex" in complex_answer.message


@pytest.mark.parametrize(
    "cases, message",
    [
        ([(1, 1)], r"cases\[0\] must be an \(args, expected\) pair whose args is a tuple"),
        ([((1,), 1), ((1,), 1, 2)], r"cases\[1\] must be an \(args, expected\) pair"),
        (None, "cases must be a list of"),
        ("ab", "cases must be a list of"),
        ([((1,), torch.ones(3).numpy())], r"cases\[0\]'s expected is a tensor or array of 3"),
        ([((1,), None)], r"cases\[0\]'s expected must be the right answer"),
    ],
)
def test_a_malformed_case_list_is_the_authors_error_not_the_students(cases, message):
    with pytest.raises((TypeError, ValueError), match=message):
        check.compare_calls(abs, cases, name="E")
    with pytest.raises((TypeError, ValueError), match=message):
        check.compare_calls(..., cases, name="E")  # even before the student has answered


def test_check_arguments_of_the_author_are_validated():
    with pytest.raises(TypeError, match="expected is a tensor or array of 3 elements"):
        check.compare_value(torch.ones(3), torch.ones(3), name="E")
    with pytest.raises(TypeError, match="check_dtype must be True or False"):
        check.compare_tensor(torch.ones(1), torch.ones(1), name="E", check_dtype="yes")
    with pytest.raises(ValueError, match="device must name a device type"):
        check.compare_tensor(torch.ones(1), torch.ones(1), name="E", device="tpu")


def test_confirm_compares_a_tensor_with_a_list_of_numbers(capsys):
    check.confirm("list", torch.tensor([1.0, 2.0]), [1.0, 2.0])
    assert capsys.readouterr().out.startswith("✅ list | exact: True")
    with pytest.raises(AssertionError, match="close: False"):
        check.confirm("list", torch.tensor([1.0, 2.0]), [1.0, 3.0])
    check.confirm("inf", float("inf"), float("inf"))


def test_large_integers_are_compared_without_rounding_through_floats():
    big = torch.tensor([2**60])
    assert not check.compare_tensor(big + 1, big, name="E", atol=0, rtol=0)
    assert check.compare_tensor(big.clone(), big, name="E", atol=0, rtol=0)
    assert check.compare_tensor(torch.tensor([True, False]), torch.tensor([1, 0]), name="E")
