"""Bad input for every public entry point of utils (check, train, device, plot, graph, models,
data, version) and the hub's lenet5: each call either works correctly or raises the package's
own clear error, one that names the argument. No NaN results, no library-internal errors, no
hangs.

Two parts: the fixed list of tools/fuzz_report.py (wrong answers, NaN data, corrupt files...),
and Hypothesis, which throws generated junk (None, bools, huge or negative numbers, NaN and inf,
strings, bytes, tensors of odd shapes and dtypes holding NaN, arrays, lists, dicts, objects) at
one argument of one entry point at a time while the others stay valid.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import nn

from tools import fuzz_report
from utils import check, data, device, graph, models, plot, train, version
from utils.hub import hubconf

FUZZ = settings(
    max_examples=10,
    deadline=30_000,  # ms per call: a hang or a huge allocation fails (generous: CI is busy)
    derandomize=True,  # the same examples on every run (and in CI)
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

NAN, INF = float("nan"), float("inf")


# --- junk --------------------------------------------------------------------------------------


def _tensor(shape: list[int], dtype: torch.dtype, fill: str) -> torch.Tensor:
    generator = torch.Generator().manual_seed(len(shape))
    values = torch.randn(shape, generator=generator) * 3
    if fill == "nan" and values.numel():
        values.view(-1)[0] = NAN
    elif fill == "inf" and values.numel():
        values.view(-1)[-1] = INF
    elif fill == "zeros":
        values.zero_()
    if dtype.is_floating_point or dtype.is_complex:
        return values.to(dtype)
    return torch.nan_to_num(values, posinf=7, neginf=-7).to(dtype)


TENSORS = st.builds(
    _tensor,
    st.lists(st.integers(0, 4), max_size=4),
    st.sampled_from([torch.float32, torch.float64, torch.int64, torch.uint8, torch.bool]),
    st.sampled_from(["randn", "nan", "inf", "zeros"]),
)
NOT_PATHS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=4),
    st.just(...),
    TENSORS,
    TENSORS.map(lambda tensor: tensor.numpy()),
    st.lists(st.integers(-3, 3), max_size=3),
    st.tuples(st.integers(-3, 3), st.floats(allow_nan=True)),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([object(), Figure(), nn.ReLU(), print, ValueError, torch.float32]),
)
JUNK = st.one_of(NOT_PATHS, st.text(max_size=8))
"""Values of every kind; NOT_PATHS leaves out strings, for arguments that name files (a junk
string there would write into the working directory)."""


# --- the entry points --------------------------------------------------------------------------


@dataclass
class Entry:
    """``call(**kwargs)`` with ``valid`` arguments works; ``ok`` accepts what it returns;
    ``names[arg]`` are the words a clear error about ``arg`` may use (default: arg itself)."""

    call: Callable[..., object]
    valid: dict[str, object]
    ok: Callable[[object], bool] = lambda result: True
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    paths: tuple[str, ...] = ()  # arguments that take file paths


def _finite_pair(result) -> bool:
    return (
        isinstance(result, tuple)
        and math.isfinite(result[0])
        and (math.isnan(result[1]) or 0 <= result[1] <= 1)
    )


def _model_and_optimizer():
    torch.manual_seed(0)
    model = nn.Linear(2, 3)
    return model, torch.optim.SGD(model.parameters(), lr=0.1)


X8, Y8 = torch.randn(8, 2), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
CE = nn.CrossEntropyLoss()


def _train_epoch(model=None, loader=None, loss_fn=CE, optimizer=None, desc="train"):
    default_model, default_optimizer = _model_and_optimizer()
    return train.train_epoch(
        default_model if model is None else model,
        [(X8, Y8)] if loader is None else loader,
        loss_fn,
        default_optimizer if optimizer is None else optimizer,
        desc=desc,
    )


def _batch(X=X8, y=Y8, kind="train"):
    model, optimizer = _model_and_optimizer()
    if kind == "train":
        return train.train_epoch(model, [(X, y)], CE, optimizer)
    if kind == "evaluate":
        return train.evaluate(model, [(X, y)], CE)
    return train.predict(model, [(X, y)])


def _fit(num_epochs=2, checkpoint_path=None, log=None, val_loader=None):
    model, optimizer = _model_and_optimizer()
    val = [(X8, Y8)] if val_loader is None else val_loader
    return train.fit(
        model, [(X8, Y8)], val, CE, optimizer, num_epochs, checkpoint_path=checkpoint_path, log=log
    )


def _fit_ok(history) -> bool:
    best = history.best_epoch
    return best is not None and math.isfinite(history.val_loss[best - 1])


def _check_result(correct_allowed: bool) -> Callable[[object], bool]:
    def ok(result):
        return isinstance(result, check.CheckResult) and (
            correct_allowed or result.status != check.CORRECT
        )

    return ok


def _display_ok(array) -> bool:
    return (
        isinstance(array, np.ndarray)
        and array.dtype.kind in "biuf"
        and (array.dtype.kind != "f" or (np.isfinite(array).all() and 0 <= array.min()))
    )


EXPECTED = torch.tensor([0.5, -1.25])
PIXELS = [np.zeros((4, 4)), np.ones((2, 3, 3))]

ENTRIES: dict[str, Entry] = {
    # check: a junk answer is never graded correct; junk settings are the author's error
    "compare_tensor": Entry(
        check.compare_tensor,
        dict(
            answer=EXPECTED.clone(),
            expected=EXPECTED,
            name="E",
            hint="h",
            atol=1e-5,
            rtol=1e-4,
            check_dtype=False,
            device=None,
        ),
        _check_result(True),
    ),
    "compare_tensor answer": Entry(
        lambda answer: check.compare_tensor(answer, EXPECTED, name="E"),
        dict(answer=...),
        _check_result(False),
    ),
    "compare_value": Entry(
        check.compare_value,
        dict(answer=0.123456, expected=0.123456, name="E", hint=["a", "b"], tol=1e-6),
        _check_result(True),
    ),
    "compare_value answer": Entry(
        lambda answer: check.compare_value(answer, 0.123456, name="E"),
        dict(answer=...),
        _check_result(False),
    ),
    "compare_calls": Entry(
        check.compare_calls,
        dict(function=abs, cases=[((-2,), 2)], name="E", hint="", tol=1e-5),
        _check_result(True),
    ),
    "compare_calls function": Entry(
        lambda function: check.compare_calls(function, [((0.5,), 0.123456)], name="E"),
        dict(function=...),
        _check_result(False),
    ),
    "compare_raises": Entry(
        check.compare_raises,
        dict(
            function=lambda x: int(x),
            error=ValueError,
            name="E",
            hint="",
            args=("x",),
            kwargs=None,
            match=None,
        ),
        _check_result(True),
    ),
    "compare_raises function": Entry(
        lambda function: check.compare_raises(function, LookupError, args=(0.5,), name="E"),
        dict(function=...),
        _check_result(False),
    ),
    "confirm": Entry(
        check.confirm,
        dict(label="x", actual=1.0, expected=1.0, atol=1e-6, rtol=1e-5),
        names={"actual": ("|",), "expected": ("|",)},  # a mismatch is the AssertionError line
    ),
    # train
    "accuracy": Entry(
        train.accuracy,
        dict(logits=torch.randn(8, 3), y=Y8),
        lambda acc: isinstance(acc, float) and 0 <= acc <= 1,
    ),
    "train_epoch": Entry(
        _train_epoch,
        dict(model=None, loader=None, loss_fn=CE, optimizer=None, desc="t"),
        _finite_pair,
        names={"loss_fn": ("loss_fn", "callable"), "model": ("model",)},
    ),
    "train batch": Entry(
        lambda X=X8, y=Y8: _batch(X, y, "train"),
        dict(X=X8, y=Y8),
        _finite_pair,
        names={"y": ("y", "label", "samples", "loss_fn"), "X": ("X", "loader")},
    ),
    "evaluate batch": Entry(
        lambda X=X8, y=Y8: _batch(X, y, "evaluate"),
        dict(X=X8, y=Y8),
        _finite_pair,
        names={"y": ("y", "label", "samples", "loss_fn"), "X": ("X", "loader")},
    ),
    "predict batch": Entry(
        lambda X=X8, y=Y8: _batch(X, y, "predict"),
        dict(X=X8, y=Y8),
        lambda result: isinstance(result, tuple) and len(result) == 2,
        names={"y": ("y", "label", "samples", "loader"), "X": ("X", "loader")},
    ),
    "fit": Entry(
        _fit,
        dict(num_epochs=2, checkpoint_path=None, log=None, val_loader=None),
        _fit_ok,
        paths=("checkpoint_path",),
    ),
    "progress_enabled": Entry(
        train.progress_enabled,
        dict(setting="off"),
        lambda r: isinstance(r, bool),
        names={"setting": ("setting", "COURSE_PROGRESS_BAR")},
    ),
    "progress_bar": Entry(
        lambda iterable=(1, 2), desc=None, total=None: list(
            train.progress_bar(iterable, desc=desc, total=total)
        ),
        dict(iterable=(1, 2), desc=None, total=None),
        lambda r: isinstance(r, list),
    ),
    "model_device": Entry(train.model_device, dict(model=nn.Linear(1, 1))),
    # device and version
    "choose_device": Entry(
        device.choose_device, dict(preferred="cpu"), lambda d: isinstance(d, torch.device)
    ),
    "seed_everything": Entry(device.seed_everything, dict(seed=0), lambda r: r is None),
    "describe_environment": Entry(
        device.describe_environment, dict(device="cpu"), lambda r: isinstance(r, dict)
    ),
    "has_version": Entry(
        version.has_version,
        dict(installed="2.9.1", needed="2.10", what="nn.X", package="torch"),
        lambda r: isinstance(r, bool),
    ),
    "has_torch": Entry(version.has_torch, dict(needed="2.0", what="x"), lambda r: r in (1, 0)),
    # models and hub
    "LeNet5": Entry(
        lambda num_classes=10: models.LeNet5(num_classes),
        dict(num_classes=10),
        lambda m: isinstance(m, nn.Module),
    ),
    "LeNet5.forward": Entry(
        lambda x: models.LeNet5()(x),
        dict(x=torch.zeros(1, 1, 32, 32)),
        lambda out: isinstance(out, torch.Tensor),
        names={"x": ("x", "LeNet5 takes")},
    ),
    "lenet5": Entry(
        hubconf.lenet5,
        dict(pretrained=False, num_classes=None),
        lambda m: isinstance(m, nn.Module),
    ),
    # data
    "split_indices": Entry(
        data.split_indices,
        dict(n=10, test_fraction=0.2, seed=0),
        lambda r: sorted(r[0] + r[1]) == list(range(len(r[0]) + len(r[1]))),
    ),
    "DigitsDataset": Entry(
        lambda split="test", transform=None, test_fraction=0.2, seed=0: data.DigitsDataset(
            split, transform, test_fraction, seed
        ),
        dict(split="test", transform=None, test_fraction=0.2, seed=0),
    ),
    "DigitsDataset[index]": Entry(
        lambda index=0: data.DigitsDataset("test")[index],
        dict(index=0),
        lambda item: isinstance(item[1], int),
    ),
    "load_sample_photo": Entry(data.load_sample_photo, dict(name="china")),
    "expected_files": Entry(data.expected_files, dict(name="MNIST", root="data"), paths=("root",)),
    "load_torchvision_dataset": Entry(
        data.load_torchvision_dataset,
        dict(
            name="MNIST",
            root=None,
            train=True,
            download=False,
            transform=None,
            target_transform=None,
        ),
        names={"root": ("root",), "name": ("name",)},
        paths=("root",),
    ),
    "write_digit_images": Entry(
        data.write_digit_images, dict(root=None, per_class=1, size=8), paths=("root",)
    ),
    # plot and graph
    "to_display_array": Entry(plot.to_display_array, dict(image=torch.rand(3, 4, 4)), _display_ok),
    "show_images": Entry(
        plot.show_images,
        dict(images=[torch.rand(4, 4)], titles=None, ncols=None, size=1.0, cmap="gray"),
        names={"images": ("image",)},
    ),
    "show_heatmap": Entry(
        plot.show_heatmap,
        dict(matrix=torch.eye(2), ax=None, annotate=None, fmt=".2f", cmap="viridis", title=None),
        lambda ax: isinstance(ax, Axes),
    ),
    "show_history": Entry(plot.show_history, dict(history={"train_loss": [1.0, 0.5]}, axes=None)),
    "draw_pixels": Entry(
        lambda fig=None, images=PIXELS, titles=("a", "b"), dpi=72, gap=12, title_height=20: (
            plot.draw_pixels(
                Figure() if fig is None else fig, images, titles, dpi, gap, title_height
            )
        ),
        dict(fig=None, images=PIXELS, titles=("a", "b"), dpi=72, gap=12, title_height=20),
        lambda fig: isinstance(fig, Figure),
        names={"images": ("image",)},
    ),
    "graph_text": Entry(
        lambda output=None, params=None: graph.graph_text(
            (W * 3).sum() if output is None else output, params
        ),
        dict(output=None, params=None),
        lambda text: isinstance(text, str),
    ),
    "make_graph": Entry(
        lambda output=None, params=None, show_attrs=False, show_saved=False: graph.make_graph(
            (W * 3).sum() if output is None else output, params, show_attrs, show_saved
        ),
        dict(output=None, params=None, show_attrs=False, show_saved=False),
    ),
}
W = torch.tensor([2.0], requires_grad=True)

PAIRS = [
    pytest.param(entry, argument, id=f"{name}-{argument}")
    for name, entry in ENTRIES.items()
    for argument in entry.valid
]


@pytest.fixture(scope="module")
def mnist_root(tmp_path_factory) -> Path:
    from fake_datasets import write_mnist_like

    root = tmp_path_factory.mktemp("mnist")
    write_mnist_like(root / "MNIST" / "raw")
    return root


def _assert_clear(error: Exception, names: tuple[str, ...]) -> None:
    assert isinstance(error, fuzz_report.CLEAR_TYPES) and fuzz_report._raised_in_utils(error), (
        f"an error from outside utils: {type(error).__name__}: {error}"
    )
    text = str(error)
    assert any(name.lower() in text.lower() for name in names), (
        f"the message does not name {names}: {text}"
    )
    assert "weights_only=False" not in text


@pytest.mark.parametrize("entry, argument", PAIRS)
@FUZZ
@given(junk=JUNK)
def test_junk_in_one_argument_gets_a_clear_error_or_a_right_result(
    entry, argument, junk, mnist_root, tmp_path_factory
):
    if argument in entry.paths and isinstance(junk, (str, os.PathLike)):
        return  # a junk file name would write into the working directory
    kwargs = dict(entry.valid)
    if "root" in kwargs and kwargs["root"] is None and entry.call is not data.expected_files:
        kwargs["root"] = (
            mnist_root
            if entry.call is data.load_torchvision_dataset
            else tmp_path_factory.mktemp("images")
        )
    kwargs[argument] = junk
    names = entry.names.get(argument, (argument,))
    try:
        result = entry.call(**kwargs)
    except AssertionError as error:  # confirm's ❌ line is its designed failure
        assert entry.call is check.confirm and str(error).startswith("❌"), error
        return
    except Exception as error:
        _assert_clear(error, names)
        return
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
    assert entry.ok(result), f"{argument}={junk!r:.80} returned {result!r:.200}"
    if isinstance(result, float):
        assert not math.isnan(result)


def test_every_public_entry_point_is_fuzzed():
    covered = {getattr(entry.call, "__name__", "") for entry in ENTRIES.values()} | {
        name.split()[0].split(".")[0] for name in ENTRIES
    }
    public = {
        name
        for module in (check, train, device, plot, graph, models, data, version)
        for name in getattr(module, "__all__", dir(module))
        if callable(getattr(module, name))
        and not name.startswith("_")
        and getattr(getattr(module, name), "__module__", "") == module.__name__
        and not isinstance(getattr(module, name), type)  # classes: their calls are listed
    }
    assert (
        public
        - covered
        - {
            "has_dot",
            "show_graph",
            "has_torchvision",
            "default_data_dir",
            "load_digits",
            "reset_hints",
            "is_unattempted",
        }
        == set()
    )


def test_the_fixed_list_of_bad_calls_finds_nothing_unclear_wrong_or_hanging(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    fuzz_report.warm_up()
    failures = []
    for case in fuzz_report.cases(tmp_path):
        verdict, detail = fuzz_report.classify(case)
        if verdict not in ("clear", "ok"):
            failures.append(f"{verdict}: {case.module} {case.label}: {detail}")
    assert failures == []
