"""The training loop that chapter 08 builds in the open, reused by the later chapters.

``fit`` trains for ``num_epochs`` epochs; each is ``train_epoch`` (forward, loss, zero_grad,
backward, step on every batch) followed by ``evaluate`` on held-out data (``model.eval()`` and
``torch.no_grad()``). It prints one summary line per epoch, keeps a ``History`` for plotting
and a copy of the weights of the best epoch, and shows a progress bar (``tqdm.auto``: a widget
in Jupyter, text in a terminal).

Data moves with the model: every batch is sent to the device the model's parameters are on,
so ``model.to(device)`` is the one place a chapter chooses the device.

The progress bar is switched off by ``COURSE_PROGRESS_BAR=off`` (``tools/run_notebooks.py``
and the tests set it, so that stored outputs hold no widget and no timings); the per-epoch
lines print either way.

    >>> import torch
    >>> from torch import nn
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> _ = torch.manual_seed(0)
    >>> X = torch.randn(200, 2)
    >>> y = (X[:, 0] > 0).long()  # the class is the sign of the first feature
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=50)
    >>> model = nn.Linear(2, 2)
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    >>> history = fit(model, loader, loader, nn.CrossEntropyLoss(), optimizer, 3, log=None)
    >>> len(history.train_loss), history.val_accuracy[-1] > 0.9
    (3, True)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

PROGRESS_ENV_VAR = "COURSE_PROGRESS_BAR"
"""Environment variable that hides the progress bar when set to ``off`` (or ``0``)."""

_ON, _OFF = ("on", "1", "true", "yes", ""), ("off", "0", "false", "no")


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch, and the weights of the best epoch."""

    train_loss: list[float] = field(default_factory=list)  # mean loss per training sample
    train_accuracy: list[float] = field(default_factory=list)  # fraction right (nan: no classes)
    val_loss: list[float] = field(default_factory=list)  # mean loss per validation sample
    val_accuracy: list[float] = field(default_factory=list)  # fraction right (nan: no classes)
    best_epoch: int | None = None  # 1-based epoch with the lowest validation loss so far
    best_state: dict[str, torch.Tensor] | None = None  # copy of model.state_dict() then, on CPU

    def curves(self) -> dict[str, list[float]]:
        """Return the four per-epoch lists by name, as ``plot.show_history`` takes them.

        >>> History(train_loss=[0.9, 0.5]).curves()["train_loss"]
        [0.9, 0.5]
        """
        return {
            "train_loss": self.train_loss,
            "train_accuracy": self.train_accuracy,
            "val_loss": self.val_loss,
            "val_accuracy": self.val_accuracy,
        }


def progress_enabled(setting: str | None = None) -> bool:
    """Return whether progress bars are shown: yes unless ``setting`` (by default the
    ``COURSE_PROGRESS_BAR`` environment variable) is ``off`` or ``0``.

    >>> progress_enabled("off"), progress_enabled("on")
    (False, True)
    """
    if setting is None:
        setting = os.environ.get(PROGRESS_ENV_VAR, "on")
    if not isinstance(setting, str):
        raise TypeError(f"setting must be 'on' or 'off', got {type(setting).__name__}")
    value = setting.strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    raise ValueError(f"{PROGRESS_ENV_VAR} must be 'on' or 'off', got {setting!r}")


def progress_bar(iterable: Iterable, *, desc: str | None = None, total: int | None = None):
    """Yield the items of ``iterable`` under a ``tqdm.auto`` progress bar that disappears when
    the iteration ends.

    In Jupyter the bar is a widget, in a terminal a line of text; with
    ``COURSE_PROGRESS_BAR=off`` it draws nothing. The bar is only told how far the iteration
    got: ``tqdm(loader)`` itself would call ``iter(loader)`` once more in its constructor
    (``tqdm.auto`` does), which draws from a seeded loader's generator and starts its workers.

    >>> list(progress_bar(range(3), desc="demo"))
    [0, 1, 2]
    """
    from tqdm.auto import tqdm

    if not isinstance(iterable, Iterable):
        raise TypeError(
            f"iterable must be something to loop over (a list, a DataLoader), "
            f"got {type(iterable).__name__}"
        )
    if desc is not None and not isinstance(desc, str):
        raise TypeError(f"desc must be a short text such as 'train', or None, got {desc!r}")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
        raise ValueError(
            f"total must be the number of items (an integer >= 0) or None, got {total!r}"
        )
    if total is None:
        try:
            total = len(iterable)
        except TypeError:
            total = None
    bar = tqdm(total=total, desc=desc, leave=False, disable=not progress_enabled())
    try:
        for item in iterable:
            yield item
            bar.update(1)
    finally:
        bar.close()


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Return the fraction of rows of ``logits`` (N, classes) whose largest entry sits at the
    true class ``y`` (N,).

    >>> accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]]), torch.tensor([0, 1, 1]))
    0.6666666666666666
    >>> accuracy(torch.tensor([[float("nan"), 0.0]]), torch.tensor([0]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: logits holds 1 NaN or inf value(s): ...
    """
    if not isinstance(logits, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError(
            f"logits and y must be tensors, got {type(logits).__name__} and {type(y).__name__}"
        )
    if logits.ndim != 2 or y.ndim != 1 or len(logits) != len(y) or len(y) == 0:
        raise ValueError(
            "logits must have shape (N, classes) and y shape (N,) with N > 0, "
            f"got {tuple(logits.shape)} and {tuple(y.shape)}"
        )
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise ValueError(f"y must hold class indices (an integer dtype), got {y.dtype}")
    if logits.shape[1] == 0 or logits.is_complex() or logits.dtype == torch.bool:
        raise ValueError(
            f"logits must hold one real score per class, got shape {tuple(logits.shape)} "
            f"and dtype {logits.dtype}"
        )
    if logits.is_floating_point():
        bad = int((~torch.isfinite(logits)).sum())
        if bad:
            raise ValueError(
                f"logits holds {bad} NaN or inf value(s): their argmax means nothing, so there "
                "is no accuracy to report; check the model's output (a diverged training or "
                "NaN in the data makes them)"
            )
    low, high = int(y.min()), int(y.max())
    if low < 0 or high >= logits.shape[1]:
        raise ValueError(
            f"y must hold class indices from 0 to {logits.shape[1] - 1} (logits has "
            f"{logits.shape[1]} columns), got {high if high >= logits.shape[1] else low}"
        )
    return int((logits.argmax(dim=1) == y).sum()) / len(y)


def model_device(model: nn.Module) -> torch.device:
    """Return the device of ``model``'s parameters: where the loop sends every batch.

    >>> model_device(nn.Linear(2, 1))
    device(type='cpu')
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    parameter = next(model.parameters(), None)
    if parameter is None:
        raise ValueError("model has no parameters to train: give it at least one layer")
    return parameter.device


def train_epoch(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[..., torch.Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    desc: str = "train",
) -> tuple[float, float]:
    """Train ``model`` for one pass over ``loader`` and return (mean loss per sample,
    accuracy); accuracy is ``nan`` when the targets are not class indices.

    Every batch: forward, loss, ``optimizer.zero_grad()``, ``backward()`` on the batch's mean
    loss, ``optimizer.step()``. ``loss_fn`` may average (``reduction='mean'``, the default)
    or return one loss per sample (``reduction='none'``).

    >>> model = nn.Linear(3, 2)
    >>> batches = [(torch.randn(4, 3), torch.tensor([0, 1, 1, 0]))]
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> loss, acc = train_epoch(model, batches, nn.CrossEntropyLoss(), optimizer)
    >>> loss > 0, 0 <= acc <= 1
    (True, True)
    """
    loss, acc, _ = _train(model, loader, loss_fn, optimizer, desc, "loader")
    return loss, acc


def _train(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[..., torch.Tensor],
    optimizer: torch.optim.Optimizer,
    desc: str,
    name: str,
) -> tuple[float, float, float]:
    """train_epoch, also returning the loss of the first batch (before its step)."""
    device = model_device(model)
    _check_loss_fn(loss_fn)
    _check_optimizer(optimizer, model)
    _check_desc(desc)
    model.train()
    totals = _Totals(device)
    for index, (X, y) in enumerate(_batches(loader, name, desc), start=1):
        totals.check_inputs(X, y, index, name)
        logits = _forward(model, X.to(device), first=index == 1)
        _check_output(logits, y, index, name)
        y = y.to(device)
        losses = _loss(loss_fn, logits, y, first=index == 1)
        optimizer.zero_grad()
        _backward(_batch_mean(losses, y), first=index == 1)
        optimizer.step()
        totals.add(logits, y, losses)
    loss, acc = totals.result(name)
    if not math.isfinite(loss):
        raise FloatingPointError(
            f"the training loss became {loss} ({desc}) although every batch of {name} is "
            f"finite: the training diverged. Try a smaller lr "
            f"(now {optimizer.param_groups[0]['lr']})."
        )
    return loss, acc, totals.first_loss


def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[..., torch.Tensor],
    *,
    desc: str = "evaluate",
) -> tuple[float, float]:
    """Return (mean loss per sample, accuracy) of ``model`` over ``loader``, computed in eval
    mode and without gradients; the weights do not change. The model is left in eval mode.

    >>> model = nn.Linear(3, 2)
    >>> loss, acc = evaluate(model, [(torch.randn(4, 3), torch.tensor([0, 1, 1, 0]))],
    ...                      nn.CrossEntropyLoss())
    >>> loss > 0, acc in (0.0, 0.25, 0.5, 0.75, 1.0)
    (True, True)
    """
    return _evaluate(model, loader, loss_fn, desc, "loader")


def _evaluate(
    model: nn.Module, loader: Iterable, loss_fn: Callable[..., torch.Tensor], desc: str, name: str
) -> tuple[float, float]:
    device = model_device(model)
    _check_loss_fn(loss_fn)
    _check_desc(desc)
    model.eval()
    totals = _Totals(device)
    with torch.no_grad():
        for index, (X, y) in enumerate(_batches(loader, name, desc), start=1):
            totals.check_inputs(X, y, index, name)
            logits = _forward(model, X.to(device), first=index == 1)
            _check_output(logits, y, index, name)
            y = y.to(device)
            totals.add(logits, y, _loss(loss_fn, logits, y, first=index == 1))
    loss, acc = totals.result(name)
    if not math.isfinite(loss):
        raise FloatingPointError(
            f"model's loss on {name} is {loss} although every batch is finite: its weights "
            "hold NaN or inf, or its outputs overflow (a diverged training?). Retrain with a "
            "smaller lr, or load weights saved before it diverged."
        )
    return loss, acc


def predict(model: nn.Module, loader: Iterable) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (predicted class, true label) for every sample of ``loader``, on the CPU.

    >>> model = nn.Linear(2, 3)
    >>> predicted, labels = predict(model, [(torch.randn(5, 2), torch.arange(5) % 3)])
    >>> predicted.shape, labels.tolist()
    (torch.Size([5]), [0, 1, 2, 0, 1])
    """
    device = model_device(model)
    model.eval()
    predicted, labels = [], []
    totals = _Totals(device)
    with torch.no_grad():
        for index, (X, y) in enumerate(_batches(loader, "loader", "predict"), start=1):
            totals.check_inputs(X, y, index, "loader")
            logits = _forward(model, X.to(device), first=index == 1)
            _check_output(logits, y, index, "loader")
            predicted.append(logits.argmax(dim=1).cpu())
            labels.append(y.cpu())
    if not predicted:
        raise ValueError(_EMPTY.format(name="loader"))
    totals.check_deferred("loader")
    return torch.cat(predicted), torch.cat(labels)


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable,
    loss_fn: Callable[..., torch.Tensor],
    optimizer: torch.optim.Optimizer,
    num_epochs: int,
    *,
    checkpoint_path: str | Path | None = None,
    log: Callable[[str], object] | None = print,
) -> History:
    """Train ``model`` for ``num_epochs`` epochs and return its ``History``.

    After each epoch ``model`` is evaluated on ``val_loader``; when its validation loss is the
    lowest so far, a copy of its ``state_dict`` is kept in ``history.best_state`` (and saved to
    ``checkpoint_path`` if given). An epoch whose validation loss exploded (above
    ``EXPLODED_FACTOR`` times the untrained model's first-batch loss, or 1) is never the best;
    when every epoch exploded, ``fit`` raises ``FloatingPointError``. A batch holding NaN or
    inf raises ``ValueError`` naming it. ``log`` receives one line per epoch (``None``: silent).
    The model ends with the weights of the last epoch: ``model.load_state_dict(
    history.best_state)`` restores the best ones.

    >>> model = nn.Linear(2, 2)
    >>> batches = [(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 1]))]
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    >>> history = fit(model, batches, batches, nn.CrossEntropyLoss(), optimizer, num_epochs=2)
    ... # doctest: +ELLIPSIS
    epoch 1/2 | train loss ..., accuracy ...% | val loss ..., accuracy ...%
    epoch 2/2 | train loss ..., accuracy ...% | val loss ..., accuracy ...%
    >>> history.best_epoch in (1, 2), sorted(history.best_state) == sorted(model.state_dict())
    (True, True)
    """
    model_device(model)
    _check_loss_fn(loss_fn)
    _check_optimizer(optimizer, model)
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, int) or num_epochs < 1:
        raise ValueError(f"num_epochs must be a positive integer, got {num_epochs!r}")
    if log is not None and not callable(log):
        raise TypeError(f"log must be a function such as print, or None, got {log!r}")
    _check_checkpoint_path(checkpoint_path)
    history = History()
    width = len(str(num_epochs))
    limit = math.inf
    for epoch in range(1, num_epochs + 1):
        desc = f"epoch {epoch}/{num_epochs}"
        train_loss, train_acc, first = _train(
            model, train_loader, loss_fn, optimizer, desc, "train_loader"
        )
        if epoch == 1:
            limit = EXPLODED_FACTOR * max(first, 1.0)
        val_loss, val_acc = _evaluate(model, val_loader, loss_fn, "validate", "val_loader")
        for name, value in zip(
            ("train_loss", "train_accuracy", "val_loss", "val_accuracy"),
            (train_loss, train_acc, val_loss, val_acc),
            strict=True,
        ):
            getattr(history, name).append(value)
        exploded = val_loss > limit
        if not exploded and (
            history.best_epoch is None or val_loss < history.val_loss[history.best_epoch - 1]
        ):
            history.best_epoch = epoch
            history.best_state = {  # a copy: the model's own tensors keep changing
                key: value.detach().to("cpu", copy=True)
                for key, value in model.state_dict().items()
            }
            if checkpoint_path is not None:
                torch.save(history.best_state, checkpoint_path)
        if log is not None:
            log(
                f"epoch {epoch:{width}d}/{num_epochs} | "
                f"train {_summary(train_loss, train_acc)} | val {_summary(val_loss, val_acc)}"
                + (" | exploded: not kept as the best" if exploded else "")
            )
    if history.best_epoch is None:
        raise FloatingPointError(
            f"the validation loss exploded in every epoch (last {history.val_loss[-1]:.3g}, "
            f"against {limit / EXPLODED_FACTOR:.3g} for the untrained model's first batch): the "
            f"training diverged, or val_loader's data is on another scale than train_loader's. "
            f"Try a smaller lr (now {optimizer.param_groups[0]['lr']}) and check the data."
        )
    return history


EXPLODED_FACTOR = 1000.0
"""``fit`` never keeps an epoch as the best when its validation loss is above this factor times
the untrained model's loss on the first batch (or above the factor itself, if that is larger)."""


# --- internals --------------------------------------------------------------------------------


def _check_checkpoint_path(checkpoint_path: object) -> None:
    """A file path whose folder exists, checked before the first epoch trains."""
    if checkpoint_path is None:
        return
    if not isinstance(checkpoint_path, (str, os.PathLike)):
        raise TypeError(
            "checkpoint_path must be a file path (str or Path), "
            f"got {type(checkpoint_path).__name__}"
        )
    path = Path(checkpoint_path)
    if path.is_dir():
        raise IsADirectoryError(
            f"checkpoint_path must name a file, got the folder {path}: add a file name, "
            f"e.g. {path / 'best.pth'}"
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"checkpoint_path {path} is in a folder that does not exist ({path.parent}): "
            "create it first, e.g. Path(folder).mkdir(parents=True, exist_ok=True)"
        )


def _check_desc(desc: object) -> None:
    if not isinstance(desc, str):
        raise TypeError(f"desc must be a short text such as 'train', got {desc!r}")


_EMPTY = (
    "{name} yields no batches: its dataset is empty, or drop_last=True dropped the only "
    "(incomplete) batch"
)


def _summary(loss: float, acc: float) -> str:
    """Rounded, so that the line reads the same on every device."""
    text = f"loss {loss:.3f}"
    return text if math.isnan(acc) else f"{text}, accuracy {100 * acc:.1f}%"


def _batches(loader: Iterable, name: str, desc: str) -> Iterator[tuple[torch.Tensor, ...]]:
    """Yield the (X, y) pairs of ``loader`` under a progress bar, checking their form."""
    if not isinstance(loader, Iterable):
        raise TypeError(
            f"{name} must be a DataLoader (or any iterable of (X, y) batches), "
            f"got {type(loader).__name__}"
        )
    try:
        total = len(loader)
    except TypeError:
        total = None
    for batch in progress_bar(loader, desc=desc, total=total):
        if (
            not isinstance(batch, (tuple, list))
            or len(batch) != 2
            or not all(isinstance(part, torch.Tensor) for part in batch)
        ):
            raise TypeError(
                f"{name} must yield (X, y) pairs of tensors, got a {type(batch).__name__}"
                + (f" of {len(batch)} items" if isinstance(batch, (tuple, list)) else "")
            )
        X, y = batch
        if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
            raise ValueError(
                f"{name} must yield (X, y) batches with one row of X per entry of y, got X of "
                f"shape {tuple(X.shape)} and y of shape {tuple(y.shape)}"
            )
        yield X, y


def _forward(model: nn.Module, X: torch.Tensor, first: bool) -> torch.Tensor:
    """Run the model; on an epoch's first batch, turn a shape error into a clear message."""
    if not first:
        return model(X)
    try:
        return model(X)
    except RuntimeError as error:
        reason = str(error).strip().splitlines()[0]
        raise ValueError(
            f"model cannot take a batch X of shape {tuple(X.shape)} from the loader ({reason}). "
            "Check that the model's first layer fits the data, e.g. Linear(in_features=C*H*W) "
            "after a Flatten, or Conv2d(in_channels=C)."
        ) from error


def _check_output(logits: torch.Tensor, y: torch.Tensor, index: int, name: str) -> None:
    """One output row per sample, and class indices the model can output (checked on every
    batch whose labels are on the CPU, and on the first batch wherever they are)."""
    if not isinstance(logits, torch.Tensor) or logits.ndim == 0 or len(logits) != len(y):
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise ValueError(
            f"model returned {shape} for a batch of {len(y)} samples: it must return one row "
            "per sample"
        )
    if _is_classification(logits, y) and len(y) and (index == 1 or y.device.type == "cpu"):
        low, high = int(y.min()), int(y.max())
        if low < 0 or high >= logits.shape[1]:
            raise ValueError(
                f"batch {index} of {name} has label {high if high >= logits.shape[1] else low} "
                "but the model "
                f"outputs {logits.shape[1]} classes (logits of shape {tuple(logits.shape)}): "
                f"labels must run from 0 to {logits.shape[1] - 1}; give the last layer "
                f"{max(high + 1, logits.shape[1])} outputs"
            )


def _is_classification(logits: torch.Tensor, y: torch.Tensor) -> bool:
    return logits.ndim == 2 and y.ndim == 1 and not y.is_floating_point()


def _loss(
    loss_fn: Callable[..., torch.Tensor], logits: torch.Tensor, y: torch.Tensor, first: bool
) -> torch.Tensor:
    """loss_fn(logits, y); on the first batch a clear error when it cannot compare them."""
    if not first:
        return loss_fn(logits, y)
    try:
        losses = loss_fn(logits, y)
    except (RuntimeError, ValueError, IndexError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(
            f"loss_fn cannot compare the model's output of shape {tuple(logits.shape)} with "
            f"y of shape {tuple(y.shape)} and dtype {y.dtype} ({reason}). Class labels go with "
            "nn.CrossEntropyLoss; float targets of the output's shape with nn.MSELoss."
        ) from error
    if not isinstance(losses, torch.Tensor):
        raise TypeError(
            f"loss_fn must return a tensor (such as nn.CrossEntropyLoss() does), "
            f"got {type(losses).__name__}"
        )
    return losses


def _backward(loss: torch.Tensor, first: bool) -> None:
    if not first:
        loss.backward()
        return
    try:
        loss.backward()
    except RuntimeError as error:
        reason = str(error).strip().splitlines()[0]
        raise ValueError(
            f"loss_fn returned a loss that backward() cannot differentiate ({reason}): it must "
            "be computed from the model's output with torch operations"
        ) from error


def _batch_mean(losses: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The loss to call backward() on: the batch mean, whatever the loss's reduction."""
    if losses.ndim == 0:
        return losses
    if losses.shape[0] != len(y):
        raise ValueError(
            f"loss_fn returned shape {tuple(losses.shape)} for a batch of {len(y)} samples: "
            "use reduction='mean' or one loss per sample (reduction='none')"
        )
    return losses.mean()


def _checked_at_once(tensor: torch.Tensor) -> bool:
    """Whether a batch is checked for NaN/inf as it arrives: on the CPU it costs no sync."""
    return tensor.device.type == "cpu"


class _Totals:
    """Running sums over an epoch, kept as tensors on the model's device (no sync per batch)."""

    def __init__(self, device: torch.device) -> None:
        self.loss = torch.zeros((), dtype=torch.float64, device=device)
        self.correct = torch.zeros((), dtype=torch.int64, device=device)
        self.seen = 0
        self.classification = True
        self.first_loss = math.nan  # the first batch's mean loss, before any step
        self.inputs_finite = torch.ones((), dtype=torch.bool, device=device)
        self.deferred = False  # whether some batch was checked on its device, without a sync

    def check_inputs(self, X: torch.Tensor, y: torch.Tensor, index: int, name: str) -> None:
        """NaN or inf in a batch: a clear error naming it (CPU batches at once; batches already
        on an accelerator are checked without a sync, and reported at the end)."""
        for part, tensor in (("X", X), ("y", y)):
            if not (tensor.is_floating_point() or tensor.is_complex()):
                continue
            if not _checked_at_once(tensor):
                self.inputs_finite &= torch.isfinite(tensor).all().to(self.inputs_finite.device)
                self.deferred = True
                continue
            bad = int((~torch.isfinite(tensor)).sum())
            if bad:
                raise ValueError(
                    f"batch {index} of {name} holds {bad} NaN or inf value(s) in its "
                    f"{'inputs X' if part == 'X' else 'targets y'}: the data is broken, not the "
                    "training. Clean it, or find the step that makes them (e.g. a division by a "
                    "zero standard deviation, or log of 0)."
                )

    def check_deferred(self, name: str) -> None:
        if self.deferred and not bool(self.inputs_finite):
            raise ValueError(
                f"a batch of {name} holds NaN or inf values in X or y (checked on the device at "
                "the end): the data is broken, not the training. Clean it before training."
            )

    def add(self, logits: torch.Tensor, y: torch.Tensor, losses: torch.Tensor) -> None:
        n = len(y)
        mean = _batch_mean(losses, y).detach()
        if self.seen == 0:
            self.first_loss = float(mean)
        self.loss += mean * n  # summed in float64
        if _is_classification(logits, y):
            self.correct += (logits.detach().argmax(dim=1) == y).sum()
        else:
            self.classification = False
        self.seen += n

    def result(self, name: str) -> tuple[float, float]:
        if self.seen == 0:
            raise ValueError(_EMPTY.format(name=name))
        self.check_deferred(name)
        acc = self.correct.item() / self.seen if self.classification else math.nan
        return self.loss.item() / self.seen, acc


def _check_loss_fn(loss_fn: object) -> None:
    if not callable(loss_fn):
        raise TypeError(
            f"loss_fn must be callable, e.g. nn.CrossEntropyLoss(), got {type(loss_fn).__name__}"
        )
    if getattr(loss_fn, "reduction", None) == "sum":
        raise ValueError(
            "loss_fn must average over the batch (reduction='mean') or return one loss per "
            "sample (reduction='none'), got reduction='sum'"
        )


def _check_optimizer(optimizer: object, model: nn.Module) -> None:
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            "optimizer must be a torch.optim optimizer, e.g. "
            f"torch.optim.SGD(model.parameters(), lr=0.1), got {type(optimizer).__name__}"
        )
    for index, group in enumerate(optimizer.param_groups):
        lr = float(group.get("lr", 1.0))
        if not math.isfinite(lr) or lr <= 0:
            raise ValueError(
                f"lr must be positive, got {lr} (optimizer.param_groups[{index}]['lr'])"
            )
    owned = {id(parameter) for parameter in model.parameters()}
    if not any(id(p) in owned for group in optimizer.param_groups for p in group["params"]):
        raise ValueError(
            "optimizer holds none of model's parameters: create it after the model, from "
            "model.parameters(), e.g. torch.optim.SGD(model.parameters(), lr=0.1)"
        )
