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
