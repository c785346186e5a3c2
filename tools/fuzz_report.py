"""A fixed list of bad calls over the public entry points of ``utils`` and the hub entry point,
each classified by what came back:

- ``clear``: the package's own error (ValueError, TypeError, FileNotFoundError, ...) raised by
  ``utils`` code, whose message names the argument;
- ``unclear``: an exception from inside torch, PIL, pathlib or Python, or one that does not
  name the argument (or that advises ``weights_only=False``);
- ``wrong``: the call returned, but what it returned is wrong (a wrong answer graded ✅, a NaN
  accuracy, the training split for ``train="test"``, ...);
- ``ok``: the call returned and the result is right (a wrong answer graded ❌, ...);
- ``hang``: it ran past the time limit.

Run it with the ``utils`` to test first on the path::

    PYTHONPATH=$PWD .venv/bin/python tools/fuzz_report.py          # counts per module
    PYTHONPATH=$PWD .venv/bin/python tools/fuzz_report.py --list   # one line per call

``tests/test_fuzz.py`` runs the same list and requires no ``unclear``, ``wrong`` or ``hang``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import signal
import struct
import sys
import tempfile
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CLEAR_TYPES = (ValueError, TypeError, OSError, FloatingPointError, IndexError, RuntimeError)
"""Exception classes a helper may raise on purpose (OSError covers FileNotFoundError,
NotADirectoryError, IsADirectoryError)."""

NAN, INF = float("nan"), float("inf")


@dataclass
class Case:
    """One bad call: ``names`` are the words a clear message contains (the argument's name);
    ``ok``, when given, accepts a returned result (else returning at all is wrong)."""

    module: str
    label: str
    call: Callable[[], object]
    names: tuple[str, ...]
    ok: Callable[[object], bool] | None = None


def _raised_in_utils(error: BaseException) -> bool:
    """True when the innermost frame of ``error``'s traceback is code of the utils package."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return False
    path = Path(frames[-1].filename).as_posix()
    return "/utils/" in path and "site-packages" not in path


def classify(case: Case, timeout: float = 30.0) -> tuple[str, str]:
    """Run ``case``; return (verdict, detail)."""
    import matplotlib.pyplot as plt

    def expire(*_):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = case.call()
    except TimeoutError:
        return "hang", f"ran past {timeout} s"
    except Exception as error:  # the point: every exception is classified
        text = f"{type(error).__name__}: {error}"
        named = any(name.lower() in str(error).lower() for name in case.names)
        clear = (
            isinstance(error, CLEAR_TYPES)
            and _raised_in_utils(error)
            and named
            and "weights_only=False" not in str(error)
        )
        return ("clear" if clear else "unclear"), text[:160]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        plt.close("all")
    if case.ok is None:
        return "wrong", f"returned {result!r:.120}"
    try:
        good = bool(case.ok(result))
    except Exception as error:
        good, result = False, error
    return ("ok" if good else "wrong"), f"returned {result!r:.120}"


# --- the cases --------------------------------------------------------------------------------


def _idx(path: Path, header: tuple[int, ...], payload: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ndim = len(header)
    path.write_bytes(struct.pack(">HBB", 0, 8, ndim) + struct.pack(f">{ndim}I", *header) + payload)
    return path


def _mnist(root: Path, n_images: int, n_labels: int, corrupt: str | None = None) -> Path:
    raw = root / "MNIST" / "raw"
    for prefix, n in (("train", n_images), ("t10k", 2)):
        _idx(raw / f"{prefix}-images-idx3-ubyte", (n, 28, 28), bytes(n * 28 * 28))
        labels = n_labels if prefix == "train" else 2
        _idx(raw / f"{prefix}-labels-idx1-ubyte", (labels,), bytes(labels))
    if corrupt:
        (raw / corrupt).write_bytes(b"\x00\x00\x08\x03garbage")
    return root


def _corrupt_weights(folder: Path) -> Callable[[], object]:
    """lenet5(pretrained=True) against a weight file of garbage whose SHA-256 is recorded."""
    import hashlib

    from utils.hub import hubconf

    folder.mkdir(parents=True, exist_ok=True)
    blob = b"PK\x03\x04 this is not a checkpoint"
    (folder / hubconf._LENET5_FILE).write_bytes(blob)
    (folder / "SHA256SUMS").write_text(
        f"{hashlib.sha256(blob).hexdigest()}  {hubconf._LENET5_FILE}\n"
    )

    def call():
        saved = hubconf._WEIGHTS_DIR
        hubconf._WEIGHTS_DIR = folder
        try:
            return hubconf.lenet5(pretrained=True)
        finally:
            hubconf._WEIGHTS_DIR = saved

    return call


def cases(tmp: Path) -> list[Case]:  # noqa: PLR0915  (a list, long on purpose)
    import numpy as np
    import torch
    from matplotlib.figure import Figure
    from torch import nn

    from utils import check, data, device, graph, models, plot, train, version
    from utils.hub import hubconf

    out: list[Case] = []

    def add(module, label, call, *names, ok=None):
        out.append(Case(module, label, call, names, ok))

    def wrong_answer(result):  # a check must not grade these ✅
        return getattr(result, "status", None) in ("wrong",)

    def correct(result):
        return getattr(result, "status", None) == "correct"

    t = torch.tensor
    # --- check ----------------------------------------------------------------------------
    C = "check"
    add(
        C,
        "compare_raises: TypeError from the call signature",
        lambda: check.compare_raises(lambda x: int(x), TypeError, name="E"),
        "x",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_raises: student fn takes no input but args given",
        lambda: check.compare_raises(lambda: int("x"), ValueError, args=(1,), name="E"),
        "args",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_raises: error=Exception passes anything",
        lambda: check.compare_raises(lambda: 1 / 0, Exception, name="E"),
        "error",
    )  # noqa: E501
    add(
        C,
        "compare_raises: error=None",
        lambda: check.compare_raises(lambda: 1, None, name="E"),
        "error",
    )  # noqa: E501
    add(
        C,
        "compare_raises: name=3",
        lambda: check.compare_raises(lambda: 1, ValueError, name=3),
        "name",
    )  # noqa: E501
    add(
        C,
        "compare_raises: right error, wrong input type",
        lambda: check.compare_raises(lambda x: x.foo, AttributeError, args=(1,), name="E"),
        "",
        ok=correct,
    )  # noqa: E501
    for tol in (INF, NAN, -1.0, "0.1", True):
        add(
            C,
            f"compare_value: tol={tol!r}",
            lambda tol=tol: check.compare_value(1, 5, name="E", tol=tol),
            "tol",
        )  # noqa: E501
        add(
            C,
            f"compare_tensor: atol={tol!r}",
            lambda tol=tol: check.compare_tensor(t([1.0]), t([5.0]), name="E", atol=tol),
            "atol",
        )  # noqa: E501
        add(
            C,
            f"compare_tensor: rtol={tol!r}",
            lambda tol=tol: check.compare_tensor(t([1.0]), t([5.0]), name="E", rtol=tol),
            "rtol",
        )  # noqa: E501
        add(
            C,
            f"compare_calls: tol={tol!r}",
            lambda tol=tol: check.compare_calls(abs, [((1,), 5)], name="E", tol=tol),
            "tol",
        )  # noqa: E501
        add(
            C,
            f"confirm: atol={tol!r}",
            lambda tol=tol: check.confirm("x", 1.0, 5.0, atol=tol),
            "atol",
        )  # noqa: E501
    add(
        C,
        "compare_value(nan, nan)",
        lambda: check.compare_value(NAN, NAN, name="E"),
        "",
        ok=correct,
    )  # noqa: E501
    add(
        C,
        "compare_value(nan, 1)",
        lambda: check.compare_value(NAN, 1.0, name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_value(inf, 1e308)",
        lambda: check.compare_value(INF, 1e308, name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_value(tensor(nan), nan)",
        lambda: check.compare_value(t(NAN), NAN, name="E"),
        "",
        ok=correct,
    )  # noqa: E501
    add(
        C,
        "compare_value: 2-element tensor vs 'cpu'",
        lambda: check.compare_value(t([1, 2]), "cpu", name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_value: expected a 3-element tensor",
        lambda: check.compare_value(t([1, 2, 3]), t([1, 2, 3]), name="E"),
        "expected",
    )  # noqa: E501
    add(
        C,
        "compare_value: answer np.array([1,2]) vs 1",
        lambda: check.compare_value(np.array([1, 2]), 1, name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(C, "compare_value: hint=[1]", lambda: check.compare_value(1, 2, name="E", hint=[1]), "hint")  # noqa: E501
    add(
        C,
        "compare_tensor(nan, 1)",
        lambda: check.compare_tensor(t([NAN]), t([1.0]), name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_tensor: expected=None",
        lambda: check.compare_tensor(t([1.0]), None, name="E"),
        "expected",
    )  # noqa: E501
    add(
        C,
        "compare_tensor: device='tpu'",
        lambda: check.compare_tensor(t([1.0]), t([1.0]), name="E", device="tpu"),
        "device",
    )  # noqa: E501
    add(
        C,
        "compare_tensor: check_dtype='yes'",
        lambda: check.compare_tensor(t([1]), t([1.0]), name="E", check_dtype="yes"),
        "check_dtype",
    )  # noqa: E501
    add(
        C,
        "compare_tensor: complex answer",
        lambda: check.compare_tensor(t([1 + 1j]), t([1.0]), name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_calls: case (1, 1) not ((1,), 1)",
        lambda: check.compare_calls(abs, [(1, 1)], name="E"),
        "cases",
    )  # noqa: E501
    add(
        C,
        "compare_calls: case of 3 items",
        lambda: check.compare_calls(abs, [((1,), 1, 2)], name="E"),
        "cases",
    )  # noqa: E501
    add(C, "compare_calls: cases=None", lambda: check.compare_calls(abs, None, name="E"), "cases")  # noqa: E501
    add(C, "compare_calls: cases='ab'", lambda: check.compare_calls(abs, "ab", name="E"), "cases")  # noqa: E501
    add(C, "compare_calls: cases=5", lambda: check.compare_calls(abs, 5, name="E"), "cases")  # noqa: E501
    add(
        C,
        "compare_calls: wrong answer nan vs 1",
        lambda: check.compare_calls(lambda x: NAN, [((1,), 1.0)], name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(
        C,
        "compare_calls: student returns a string for a tensor",
        lambda: check.compare_calls(lambda x: "x", [((1,), t([1.0]))], name="E"),
        "",
        ok=wrong_answer,
    )  # noqa: E501
    add(C, "confirm: label=None", lambda: check.confirm(None, 1, 1), "label")
    add(
        C,
        "confirm: tensor vs an equal list",
        lambda: check.confirm("x", t([1.0, 2.0]), [1.0, 2.0]),
        "x",
        ok=lambda r: r is None,
    )  # noqa: E501
    # --- train ----------------------------------------------------------------------------
    T = "train"
    X, y = torch.randn(8, 2), torch.tensor([0, 1] * 4)

    def setup(lr=0.1):
        torch.manual_seed(0)
        model = nn.Linear(2, 2)
        return model, torch.optim.SGD(model.parameters(), lr=lr)

    def with_model(fn, lr=0.1):
        def call():
            model, opt = setup(lr)
            return fn(model, opt)

        return call

    def finite_pair(result):
        return all(isinstance(v, float) and not math.isnan(v) for v in result)

    ce = nn.CrossEntropyLoss()
    nan_X = X.clone()
    nan_X[3, 1] = NAN
    inf_X = X.clone()
    inf_X[0, 0] = INF
    add(
        T,
        "accuracy of NaN logits",
        lambda: train.accuracy(torch.full((4, 3), NAN), t([0, 1, 2, 0])),
        "logits",
    )  # noqa: E501
    add(
        T,
        "accuracy: label 5 for 3 classes",
        lambda: train.accuracy(torch.randn(4, 3), t([0, 1, 5, 0])),
        "y",
    )  # noqa: E501
    add(T, "accuracy: label -1", lambda: train.accuracy(torch.randn(4, 3), t([0, 1, -1, 0])), "y")  # noqa: E501
    add(
        T, "accuracy: bool labels", lambda: train.accuracy(torch.randn(2, 2), t([True, False])), "y"
    )  # noqa: E501
    add(
        T,
        "accuracy: integer logits",
        lambda: train.accuracy(t([[1, 2], [3, 0]]), t([1, 0])),
        "logits",
        ok=lambda r: r == 1.0,
    )  # noqa: E501
    add(
        T, "accuracy: logits (N, 0)", lambda: train.accuracy(torch.randn(2, 0), t([0, 0])), "logits"
    )  # noqa: E501
    add(T, "accuracy: logits list", lambda: train.accuracy([[1.0]], t([0])), "logits")
    add(
        T,
        "train_epoch on NaN X",
        with_model(lambda m, o: train.train_epoch(m, [(nan_X, y)], ce, o)),
        "X",
    )  # noqa: E501
    add(
        T,
        "train_epoch on inf X",
        with_model(lambda m, o: train.train_epoch(m, [(X, y), (inf_X, y)], ce, o)),
        "X",
    )  # noqa: E501
    add(T, "evaluate on NaN X", with_model(lambda m, o: train.evaluate(m, [(nan_X, y)], ce)), "X")  # noqa: E501
    add(T, "predict on NaN X", with_model(lambda m, o: train.predict(m, [(nan_X, y)])), "X")
    add(
        T,
        "train_epoch: NaN float targets",
        with_model(
            lambda m, o: train.train_epoch(m, [(X, torch.full((8, 2), NAN))], nn.MSELoss(), o)
        ),
        "y",
    )  # noqa: E501
    add(
        T,
        "train_epoch: label 7 in the 2nd batch",
        with_model(lambda m, o: train.train_epoch(m, [(X, y), (X, y + 6)], ce, o)),
        "label",
    )  # noqa: E501
    add(
        T,
        "evaluate: label 7 in the 2nd batch",
        with_model(lambda m, o: train.evaluate(m, [(X, y), (X, y + 6)], ce)),
        "label",
    )  # noqa: E501
    add(
        T,
        "train_epoch: loss_fn returns a float",
        with_model(lambda m, o: train.train_epoch(m, [(X, y)], lambda a, b: 1.0, o)),
        "loss_fn",
    )  # noqa: E501
    add(
        T,
        "train_epoch: MSELoss on class labels",
        with_model(lambda m, o: train.train_epoch(m, [(X, y)], nn.MSELoss(), o)),
        "loss_fn",
    )  # noqa: E501
    add(
        T,
        "train_epoch: desc=3",
        with_model(lambda m, o: train.train_epoch(m, [(X, y)], ce, o, desc=3)),
        "desc",
    )  # noqa: E501
    add(
        T,
        "train_epoch: loader=None",
        with_model(lambda m, o: train.train_epoch(m, None, ce, o)),
        "loader",
    )  # noqa: E501
    add(
        T,
        "train_epoch: optimizer=None",
        with_model(lambda m, o: train.train_epoch(m, [(X, y)], ce, None)),
        "optimizer",
    )  # noqa: E501
    add(
        T,
        "train_epoch: lr=nan",
        with_model(lambda m, o: train.train_epoch(m, [(X, y)], ce, o), lr=NAN),
        "lr",
    )  # noqa: E501
    add(T, "evaluate: empty loader", with_model(lambda m, o: train.evaluate(m, [], ce)), "loader")  # noqa: E501
    add(
        T,
        "fit on NaN data",
        with_model(lambda m, o: train.fit(m, [(nan_X, y)], [(X, y)], ce, o, 1, log=None)),
        "X",
    )  # noqa: E501
    add(
        T,
        "fit: NaN only in val data",
        with_model(lambda m, o: train.fit(m, [(X, y)], [(nan_X, y)], ce, o, 1, log=None)),
        "val_loader",
    )  # noqa: E501

    def exploding(m, o):
        big = X * 1e9
        return train.fit(m, [(X, y)], [(big, y)], ce, o, 1, log=None)

    add(
        T,
        "fit keeps an exploded val loss as best",
        with_model(exploding),
        "val",
        ok=lambda h: h.best_epoch is None,
    )  # noqa: E501
    missing = tmp / "no-such-folder" / "best.pth"
    add(
        T,
        "fit: checkpoint_path in a missing folder",
        with_model(
            lambda m, o: train.fit(
                m, [(X, y)], [(X, y)], ce, o, 1, checkpoint_path=missing, log=None
            )
        ),
        "checkpoint_path",
    )  # noqa: E501
    add(
        T,
        "fit: checkpoint_path is a folder",
        with_model(
            lambda m, o: train.fit(m, [(X, y)], [(X, y)], ce, o, 1, checkpoint_path=tmp, log=None)
        ),
        "checkpoint_path",
    )  # noqa: E501
    add(
        T,
        "fit: checkpoint_path=3",
        with_model(
            lambda m, o: train.fit(m, [(X, y)], [(X, y)], ce, o, 1, checkpoint_path=3, log=None)
        ),
        "checkpoint_path",
    )  # noqa: E501
    add(
        T,
        "fit: num_epochs=True",
        with_model(lambda m, o: train.fit(m, [(X, y)], [(X, y)], ce, o, True, log=None)),
        "num_epochs",
    )  # noqa: E501
    add(
        T,
        "fit: num_epochs=2.0",
        with_model(lambda m, o: train.fit(m, [(X, y)], [(X, y)], ce, o, 2.0, log=None)),
        "num_epochs",
    )  # noqa: E501
    add(
        T,
        "fit: log=True",
        with_model(lambda m, o: train.fit(m, [(X, y)], [(X, y)], ce, o, 1, log=True)),
        "log",
    )  # noqa: E501
    add(
        T,
        "fit: lr=1e30 diverges",
        with_model(lambda m, o: train.fit(m, [(X, y)], [(X, y)], ce, o, 3, log=None), lr=1e30),
        "lr",
        ok=lambda h: h.best_epoch is None or math.isfinite(h.val_loss[h.best_epoch - 1]),
    )  # noqa: E501
    add(T, "progress_enabled(True)", lambda: train.progress_enabled(True), "setting")
    add(
        T,
        "progress_enabled('maybe')",
        lambda: train.progress_enabled("maybe"),
        "COURSE_PROGRESS_BAR",
    )  # noqa: E501
    add(T, "progress_bar(5)", lambda: list(train.progress_bar(5)), "iterable")
    add(T, "progress_bar(desc=3)", lambda: list(train.progress_bar([1], desc=3)), "desc")
    add(T, "model_device(None)", lambda: train.model_device(None), "model")
    add(T, "model_device(ReLU)", lambda: train.model_device(nn.ReLU()), "model")
    add(
        T,
        "train_epoch: y is a 0-d tensor",
        with_model(lambda m, o: train.train_epoch(m, [(X, t(1))], ce, o)),
        "loader",
    )  # noqa: E501
    add(
        T,
        "train_epoch: 8 rows of X, 3 labels",
        with_model(lambda m, o: train.train_epoch(m, [(X, t([0, 1, 0]))], ce, o)),
        "loader",
    )  # noqa: E501
    # --- device ---------------------------------------------------------------------------
    D = "device"
    for bad in ("tpu", "", "cuda:-1", "cpu:x", 3, b"cpu"):
        add(D, f"choose_device({bad!r})", lambda bad=bad: device.choose_device(bad), "preferred")
    for bad in (-1, 2**32, 1.5, "0", True, None):
        add(D, f"seed_everything({bad!r})", lambda bad=bad: device.seed_everything(bad), "seed")
    add(
        D,
        "describe_environment('tpu')",
        lambda: device.describe_environment("tpu"),
        "preferred",
        "device",
    )  # noqa: E501
    # --- version --------------------------------------------------------------------------
    V = "version"
    add(
        V,
        "has_version(None, '2.0', 'x')",
        lambda: version.has_version(None, "2.0", "x"),
        "installed",
    )  # noqa: E501
    add(V, "has_version('2.9', 2.1, 'x')", lambda: version.has_version("2.9", 2.1, "x"), "needed")  # noqa: E501
    add(
        V,
        "has_version('2.9', 'abc', 'x')",
        lambda: version.has_version("2.9", "abc", "x"),
        "needed",
    )  # noqa: E501
    add(V, "has_torch(2.1, 'x')", lambda: version.has_torch(2.1, "x"), "needed")
    add(V, "has_torch('2.0', None)", lambda: version.has_torch("2.0", None), "what")
    add(
        V,
        "has_version(package=3)",
        lambda: version.has_version("1.0", "2.0", "x", package=3),
        "package",
    )  # noqa: E501
    # --- models and hub -------------------------------------------------------------------
    M = "models"
    for bad in (1, 2.5, "10", True, None, 10**9):
        add(
            M,
            f"LeNet5(num_classes={bad!r})",
            lambda bad=bad: models.LeNet5(num_classes=bad),
            "num_classes",
        )  # noqa: E501
    add(
        M,
        "LeNet5()(int images)",
        lambda: models.LeNet5()(torch.zeros(1, 1, 32, 32, dtype=torch.long)),
        "x",
    )  # noqa: E501
    add(M, "LeNet5()(28x28)", lambda: models.LeNet5()(torch.zeros(1, 1, 28, 28)), "x", "shape")
    add(M, "LeNet5()(None)", lambda: models.LeNet5()(None), "x")
    add(
        M,
        "LeNet5()(float64 images)",
        lambda: models.LeNet5()(torch.zeros(1, 1, 32, 32, dtype=torch.float64)),
        "x",
    )  # noqa: E501
    H = "hub"
    add(H, "lenet5(pretrained='no')", lambda: hubconf.lenet5(pretrained="no"), "pretrained")
    add(H, "lenet5(pretrained=1)", lambda: hubconf.lenet5(pretrained=1), "pretrained")
    add(
        H,
        "lenet5(pretrained=True, num_classes=10)",
        lambda: hubconf.lenet5(pretrained=True, num_classes=10),
        "num_classes",
    )  # noqa: E501
    add(H, "lenet5(num_classes='3')", lambda: hubconf.lenet5(num_classes="3"), "num_classes")
    add(
        H,
        "lenet5: corrupt .pth with a matching SHA-256",
        _corrupt_weights(tmp / "weights"),
        "lenet5_digits04.pth",
    )  # noqa: E501
    # --- data -----------------------------------------------------------------------------
    DA = "data"
    add(
        DA,
        "download='no'",
        lambda: data.load_torchvision_dataset("MNIST", tmp / "nowhere", download="no"),
        "download",
    )  # noqa: E501
    add(
        DA,
        "train='test'",
        lambda: data.load_torchvision_dataset("MNIST", _mnist(tmp / "m1", 6, 6), train="test"),
        "train",
    )  # noqa: E501
    add(
        DA,
        "MNIST: 6 images, 4 labels",
        lambda: data.load_torchvision_dataset("MNIST", _mnist(tmp / "m2", 6, 4)),
        "train-labels-idx1-ubyte",
        "train-images-idx3-ubyte",
    )  # noqa: E501
    add(
        DA,
        "MNIST: corrupt images file",
        lambda: data.load_torchvision_dataset(
            "MNIST", _mnist(tmp / "m3", 6, 6, "train-images-idx3-ubyte")
        ),
        "train-images-idx3-ubyte",
    )  # noqa: E501
    add(
        DA,
        "MNIST: corrupt labels file",
        lambda: data.load_torchvision_dataset(
            "MNIST", _mnist(tmp / "m4", 6, 6, "train-labels-idx1-ubyte")
        ),
        "train-labels-idx1-ubyte",
    )  # noqa: E501
    add(
        DA,
        "MNIST: truncated images file",
        lambda: data.load_torchvision_dataset("MNIST", _truncated(tmp / "m5")),
        "train-images-idx3-ubyte",
    )  # noqa: E501
    cifar = tmp / "c1" / "cifar-10-batches-py"
    cifar.mkdir(parents=True)
    for name in (
        "data_batch_1",
        "data_batch_2",
        "data_batch_3",
        "data_batch_4",
        "data_batch_5",
        "test_batch",
        "batches.meta",
    ):  # noqa: E501
        (cifar / name).write_bytes(b"garbage")
    add(
        DA,
        "CIFAR10: corrupt files",
        lambda: data.load_torchvision_dataset("CIFAR10", tmp / "c1"),
        "cifar-10-batches-py",
        "CIFAR10",
    )  # noqa: E501
    add(DA, "root=None", lambda: data.load_torchvision_dataset("MNIST", None), "root")
    add(DA, "name=None", lambda: data.load_torchvision_dataset(None, tmp), "name")
    add(
        DA,
        "target_transform=3",
        lambda: data.load_torchvision_dataset("MNIST", tmp, target_transform=3),
        "target_transform",
    )  # noqa: E501
    add(DA, "expected_files('MNIST', 3)", lambda: data.expected_files("MNIST", 3), "root")
    for bad in (1, 2.5, "10", True, None):
        add(DA, f"split_indices({bad!r})", lambda bad=bad: data.split_indices(bad), "n")
    for bad in (0, 1, NAN, "0.2", True):
        add(
            DA,
            f"split_indices(test_fraction={bad!r})",
            lambda bad=bad: data.split_indices(10, bad),
            "test_fraction",
        )  # noqa: E501
    for bad in ("0", 1.5, None, -1):
        add(
            DA,
            f"split_indices(seed={bad!r})",
            lambda bad=bad: data.split_indices(10, 0.2, bad),
            "seed",
        )  # noqa: E501
    add(DA, "split_indices(10**12)", lambda: data.split_indices(10**12), "n")
    add(
        DA,
        "write_digit_images(size=8 * 10**5)",
        lambda: data.write_digit_images(tmp / "big", per_class=1, size=8 * 10**5),
        "size",
    )  # noqa: E501
    add(DA, "DigitsDataset('val')", lambda: data.DigitsDataset("val"), "split")
    add(DA, "DigitsDataset(['train'])", lambda: data.DigitsDataset(["train"]), "split")
    add(DA, "DigitsDataset(seed='a')", lambda: data.DigitsDataset(seed="a"), "seed")
    add(DA, "DigitsDataset()[5000]", lambda: data.DigitsDataset("test")[5000], "index")
    add(DA, "DigitsDataset()['a']", lambda: data.DigitsDataset("test")["a"], "index")
    add(DA, "load_sample_photo('cat')", lambda: data.load_sample_photo("cat"), "name")
    add(DA, "load_sample_photo(None)", lambda: data.load_sample_photo(None), "name")
    add(
        DA,
        "write_digit_images(root=a file)",
        lambda: data.write_digit_images(_file(tmp / "afile")),
        "root",
    )  # noqa: E501
    add(
        DA,
        "write_digit_images(per_class=True)",
        lambda: data.write_digit_images(tmp, per_class=True),
        "per_class",
    )  # noqa: E501
    add(DA, "write_digit_images(size=0)", lambda: data.write_digit_images(tmp, size=0), "size")
    # --- plot -----------------------------------------------------------------------------
    P = "plot"
    add(P, "to_display_array(None)", lambda: plot.to_display_array(None), "image")
    add(
        P,
        "to_display_array(NaN image)",
        lambda: plot.to_display_array(torch.full((4, 4), NAN)),
        "image",
    )  # noqa: E501
    add(P, "to_display_array(inf pixel)", lambda: plot.to_display_array(t([[0.0, INF]])), "image")  # noqa: E501
    add(P, "to_display_array(empty)", lambda: plot.to_display_array(torch.zeros(0, 3)), "image")  # noqa: E501
    add(
        P,
        "to_display_array(complex)",
        lambda: plot.to_display_array(torch.zeros(2, 2, dtype=torch.complex64)),
        "image",
    )  # noqa: E501
    add(
        P,
        "to_display_array(5-D)",
        lambda: plot.to_display_array(torch.zeros(1, 1, 1, 2, 2)),
        "image",
    )  # noqa: E501
    add(P, "show_images(None)", lambda: plot.show_images(None), "images")
    add(
        P,
        "show_images(titles=5)",
        lambda: plot.show_images([torch.zeros(2, 2)], titles=5),
        "titles",
    )  # noqa: E501
    add(P, "show_images(size=-1)", lambda: plot.show_images([torch.zeros(2, 2)], size=-1), "size")  # noqa: E501
    add(P, "show_images(size=nan)", lambda: plot.show_images([torch.zeros(2, 2)], size=NAN), "size")  # noqa: E501
    add(
        P,
        "show_images(cmap='nope')",
        lambda: plot.show_images([torch.zeros(2, 2)], cmap="nope"),
        "cmap",
    )  # noqa: E501
    add(
        P,
        "show_images(ncols=10**6)",
        lambda: plot.show_images([torch.zeros(2, 2)], ncols=10**6),
        "ncols",
    )  # noqa: E501
    add(
        P,
        "show_images(10**4 images)",
        lambda: plot.show_images(torch.zeros(10**4, 1, 2, 2)),
        "images",
    )  # noqa: E501
    add(P, "show_images(size=1e6)", lambda: plot.show_images([torch.zeros(2, 2)], size=1e6), "size")  # noqa: E501
    add(
        P,
        "draw_pixels(gap=10**9)",
        lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], gap=10**9),
        "gap",
    )  # noqa: E501
    add(P, "show_images([None])", lambda: plot.show_images([None]), "image")
    add(P, "show_heatmap(None)", lambda: plot.show_heatmap(None), "matrix")
    add(P, "show_heatmap(ax='left')", lambda: plot.show_heatmap(torch.eye(2), ax="left"), "ax")
    add(P, "show_heatmap(ax=Figure())", lambda: plot.show_heatmap(torch.eye(2), ax=Figure()), "ax")  # noqa: E501
    add(P, "show_heatmap(fmt='q')", lambda: plot.show_heatmap(torch.eye(2), fmt="q"), "fmt")
    add(P, "show_heatmap(cmap=3)", lambda: plot.show_heatmap(torch.eye(2), cmap=3), "cmap")
    add(
        P,
        "show_heatmap(annotate='yes')",
        lambda: plot.show_heatmap(torch.eye(2), annotate="yes"),
        "annotate",
    )  # noqa: E501
    add(
        P,
        "show_heatmap(complex)",
        lambda: plot.show_heatmap(torch.zeros(2, 2, dtype=torch.complex64)),
        "matrix",
    )  # noqa: E501
    add(P, "show_heatmap(all NaN)", lambda: plot.show_heatmap(torch.full((2, 2), NAN)), "matrix")  # noqa: E501
    add(P, "show_history(None)", lambda: plot.show_history(None), "history")
    add(
        P,
        "show_history(axes=[None, None])",
        lambda: plot.show_history({"a_loss": [1.0]}, axes=[None, None]),
        "axes",
    )  # noqa: E501
    add(
        P,
        "show_history(axes='ab')",
        lambda: plot.show_history({"a_loss": [1.0]}, axes="ab"),
        "axes",
    )  # noqa: E501
    add(P, "show_history(values ['a'])", lambda: plot.show_history({"a_loss": ["a"]}), "history")  # noqa: E501
    add(P, "show_history(values 3)", lambda: plot.show_history({"a_loss": 3}), "history")
    add(P, "show_history(name 3)", lambda: plot.show_history({3: [1.0]}), "history")
    add(
        P, "draw_pixels(fig=None)", lambda: plot.draw_pixels(None, [np.zeros((2, 2))], ["a"]), "fig"
    )  # noqa: E501
    add(
        P,
        "draw_pixels(fig=Axes)",
        lambda: plot.draw_pixels(Figure().add_subplot(), [np.zeros((2, 2))], ["a"]),
        "fig",
    )  # noqa: E501
    add(
        P,
        "draw_pixels(titles=None)",
        lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], None),
        "titles",
    )  # noqa: E501
    add(
        P,
        "draw_pixels(dpi=0)",
        lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], dpi=0),
        "dpi",
    )  # noqa: E501
    add(
        P,
        "draw_pixels(gap=-5)",
        lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], gap=-5),
        "gap",
    )  # noqa: E501
    add(
        P,
        "draw_pixels(title_height='x')",
        lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], title_height="x"),
        "title_height",
    )  # noqa: E501
    add(P, "draw_pixels(images=[None])", lambda: plot.draw_pixels(Figure(), [None], ["a"]), "image")  # noqa: E501
    # --- graph ----------------------------------------------------------------------------
    G = "graph"
    w = torch.tensor([2.0], requires_grad=True)
    add(G, "graph_text(None)", lambda: graph.graph_text(None), "output")
    add(G, "graph_text(leaf)", lambda: graph.graph_text(w), "output")
    add(G, "graph_text(params=[w])", lambda: graph.graph_text(w * 2, params=[w]), "params")
    add(
        G, "graph_text(params={'w': 2})", lambda: graph.graph_text(w * 2, params={"w": 2}), "params"
    )  # noqa: E501
    add(G, "make_graph(None)", lambda: graph.make_graph(None), "output")
    add(
        G,
        "make_graph(show_attrs='yes')",
        lambda: graph.make_graph(w * 2, show_attrs="yes"),
        "show_attrs",
    )  # noqa: E501
    add(G, "make_graph(show_saved=1)", lambda: graph.make_graph(w * 2, show_saved=1), "show_saved")  # noqa: E501
    add(G, "show_graph(no grad)", lambda: graph.show_graph(torch.ones(2) * 2), "output")
    add(
        G,
        "show_graph(show_attrs=None)",
        lambda: graph.show_graph(w * 2, show_attrs=None),
        "show_attrs",
    )  # noqa: E501
    add(G, "show_graph(params='w')", lambda: graph.show_graph(w * 2, params="w"), "params")
    return out


def _file(path: Path) -> Path:
    path.write_text("not a folder")
    return path


def _truncated(root: Path) -> Path:
    _mnist(root, 6, 6)
    images = root / "MNIST" / "raw" / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:500])
    return root


def warm_up() -> None:
    """Import what the first calls would import lazily (the optimizer step's torch._dynamo,
    tqdm, scikit-learn, torchvision, torchviz), so that no time limit cuts an import short."""
    import sklearn.datasets  # noqa: F401
    import torch
    import torchvision.datasets  # noqa: F401
    import torchviz  # noqa: F401
    import tqdm.auto  # noqa: F401

    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model(torch.ones(1, 1)).sum().backward()
    optimizer.step()


def run(verbose: bool = False) -> dict[str, Counter]:
    """Classify every case; return {module: Counter(verdict -> count)} (and print the lines)."""
    import matplotlib

    matplotlib.use("Agg")
    os.environ.setdefault("COURSE_PROGRESS_BAR", "off")
    warm_up()
    counts: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory() as folder:
        for case in cases(Path(folder)):
            verdict, detail = classify(case)
            counts.setdefault(case.module, Counter())[verdict] += 1
            if verbose:
                print(f"{verdict:8s} {case.module:8s} {case.label}: {detail}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print one line per call")
    args = parser.parse_args(argv)
    counts = run(verbose=args.list)
    verdicts = ("clear", "unclear", "wrong", "ok", "hang")
    print("| module | " + " | ".join(verdicts) + " |")
    print("|---" * (len(verdicts) + 1) + "|")
    total = Counter()
    for module, counter in counts.items():
        total += counter
        print(f"| {module} | " + " | ".join(str(counter[v]) for v in verdicts) + " |")
    print("| **all** | " + " | ".join(str(total[v]) for v in verdicts) + " |")
    return 0 if total["unclear"] + total["wrong"] + total["hang"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
