"""Training throughput: the course's loop against a bare loop, and chapter 09's two data
pipelines, measured side by side in one run.

1. Whole training epochs of LeNet-5 on the digits enlarged to 32 x 32 (chapter 09's data and
   model), in samples per second:
   - a bare loop over tensors already in memory: shuffle the indices, slice a batch, forward,
     loss, zero_grad, backward, step; nothing else;
   - the same bare loop fed by the ``DataLoader`` the chapters use (it fetches each sample
     and stacks them into batches), to show where the difference comes from;
   - the course's loop, ``utils.train.train_epoch`` over a ``DataLoader`` of the same tensors,
     with its checks, running sums and progress bar switched off (as in the stored notebooks);
   - the same with the progress bar drawn (as text, into a buffer), as a student sees it.
   The course's loop must stay within 1.2x of the bare loop: ``main`` returns 1 otherwise.
2. One pass over the training digits in batches of 32, reading only: per-sample PIL transforms
   (``ToPILImage``, ``Resize(32)``, ``ToTensor``, ``Normalize``) against the same tensors
   prepared once (chapter 09 shows the ratio; this prints the numbers).

The variants run one epoch each per round, taking turns at going first, after one warm-up
round. Each reports its fastest epoch as samples per second (other processes on a shared
machine can only slow an epoch down), and its cost relative to the bare loop as the median,
over the rounds, of the ratio of their epoch times in the same round: epochs measured
seconds apart see the same load. Everything runs on the course's device
(``COURSE_DEVICE``, the CPU under ``tools/benchmark.py``).

usage:
    python tools/bench_training.py                # 15 epochs of each variant
    python tools/bench_training.py --repeats 9
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils import data, train  # noqa: E402
from utils.device import choose_device  # noqa: E402
from utils.models import LeNet5  # noqa: E402

MAX_SLOWDOWN = 1.2
"""The course's loop may take at most this many times the bare loop's time per sample."""

BATCH_SIZE = 32


def digits_transform():
    """Chapter 09's per-sample pipeline: 8 x 8 digit tensor -> 1 x 32 x 32 in [-1, 1]."""
    from torchvision import transforms

    return transforms.Compose(
        [
            transforms.ToPILImage(),
            transforms.Resize(32),
            transforms.ToTensor(),
            transforms.Normalize(mean=(0.5,), std=(0.5,)),
        ]
    )


def bare_epoch(model, X, y, optimizer, generator) -> None:
    """The bare loop: batches sliced from tensors already on the model's device."""
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(len(y), generator=generator).to(X.device)
    for start in range(0, len(y), BATCH_SIZE):
        batch = order[start : start + BATCH_SIZE]
        loss = loss_fn(model(X[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def loader_epoch(model, loader, optimizer) -> None:
    """The bare loop, fed by a DataLoader."""
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for X, y in loader:
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def timed(function: Callable[[], object]) -> float:
    """Seconds one call of ``function`` takes (waiting for the GPU, if there is one)."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    start = time.perf_counter()
    function()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start


@contextlib.contextmanager
def progress_bar_drawn():
    """Show utils.train's progress bar, drawn into a buffer instead of the terminal."""
    with mock.patch.dict(os.environ, {train.PROGRESS_ENV_VAR: "on"}):
        with contextlib.redirect_stderr(io.StringIO()):
            yield


def measure_training(
    repeats: int, device: torch.device
) -> tuple[dict[str, float], dict[str, float]]:
    """Samples per second of each training loop (its fastest of ``repeats`` epochs), and its
    time relative to the bare loop (the median of the ratios within each round)."""
    digits = data.DigitsDataset("train", transform=digits_transform())
    X = torch.stack([image for image, _ in digits])
    y = digits.targets
    loader = DataLoader(
        TensorDataset(X, y),
        batch_size=BATCH_SIZE,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    X_device, y_device = X.to(device), y.to(device)
    generator = torch.Generator().manual_seed(0)
    runs = {}
    for name in ("bare", "bare_loader", "course", "course_bar"):
        torch.manual_seed(0)
        model = LeNet5().to(device)
        runs[name] = (model, torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9))
    loss_fn = nn.CrossEntropyLoss()

    def bare() -> None:
        model, optimizer = runs["bare"]
        bare_epoch(model, X_device, y_device, optimizer, generator)

    def bare_loader() -> None:
        model, optimizer = runs["bare_loader"]
        loader_epoch(model, loader, optimizer)

    def course(name: str) -> Callable[[], object]:
        model, optimizer = runs[name]
        return lambda: train.train_epoch(model, loader, loss_fn, optimizer)

    epochs = {
        "bare": bare,
        "bare_loader": bare_loader,
        "course": course("course"),
        "course_bar": course("course_bar"),
    }
    seconds: dict[str, list[float]] = {name: [] for name in epochs}
    names = list(epochs)
    for repeat in range(repeats + 1):  # the first round warms up and is not counted
        turn = repeat % len(names)
        for name in names[turn:] + names[:turn]:  # take turns at going first
            drawn = progress_bar_drawn() if name == "course_bar" else contextlib.nullcontext()
            with drawn:
                spent = timed(epochs[name])
            if repeat:
                seconds[name].append(spent)
    rates = {name: len(y) / min(times) for name, times in seconds.items()}
    relative = {
        name: statistics.median(t / b for t, b in zip(times, seconds["bare"], strict=True))
        for name, times in seconds.items()
    }
    return rates, relative


def measure_loading(repeats: int) -> dict[str, float]:
    """Samples per second of one reading pass (the fastest of ``repeats``): per-sample PIL
    transforms vs prepared tensors."""
    per_sample = data.DigitsDataset("train", transform=digits_transform())
    prepared = TensorDataset(torch.stack([image for image, _ in per_sample]), per_sample.targets)
    loaders = {
        "per_sample": DataLoader(per_sample, batch_size=BATCH_SIZE),
        "prepared": DataLoader(prepared, batch_size=BATCH_SIZE),
    }
    seconds: dict[str, list[float]] = {name: [] for name in loaders}
    for repeat in range(repeats + 1):
        for name, loader in loaders.items():
            spent = timed(lambda loader=loader: [None for _ in loader])
            if repeat:
                seconds[name].append(spent)
    return {name: len(per_sample) / min(times) for name, times in seconds.items()}


def main(argv: list[str] | None = None) -> int:
    """Measure and print the tables; 1 if the course's loop is not within 1.2x of the bare
    loop. ``argv`` holds the options (none: the defaults, as ``tools/benchmark.py`` calls it)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=15, help="epochs counted per variant")
    args = parser.parse_args([] if argv is None else argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    device = choose_device()
    with mock.patch.dict(os.environ, {train.PROGRESS_ENV_VAR: "off"}):
        rates, relative = measure_training(args.repeats, device)
    loading = measure_loading(args.repeats)

    print(
        f"LeNet-5 on 1438 digits (32 x 32), batches of {BATCH_SIZE}, SGD, device {device.type}, "
        f"{torch.get_num_threads()} torch threads; fastest of {args.repeats} epochs each\n"
    )
    print("| training loop | samples/s (fastest epoch) | time vs bare (median of rounds) |")
    print("|---|---:|---:|")
    labels = {
        "bare": "bare loop over pre-loaded tensors",
        "bare_loader": "bare loop fed by the chapters' DataLoader",
        "course": "course loop (`utils.train.train_epoch`, DataLoader), bar off",
        "course_bar": "course loop, progress bar drawn (text)",
    }
    for name, label in labels.items():
        print(f"| {label} | {rates[name]:,.0f} | {relative[name]:.2f}x |")
    print("\n| reading one epoch (no training) | samples/s | speed-up |")
    print("|---|---:|---:|")
    print(f"| per-sample PIL transforms | {loading['per_sample']:,.0f} | 1x |")
    speedup = loading["prepared"] / loading["per_sample"]
    print(f"| tensors prepared once | {loading['prepared']:,.0f} | {speedup:.0f}x |")
    slowdown = max(relative["course"], relative["course_bar"])
    within = slowdown <= MAX_SLOWDOWN
    print(
        f"\ncourse loop within {MAX_SLOWDOWN}x of the bare loop: "
        f"{'yes' if within else 'NO'} ({slowdown:.2f}x at worst)"
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
