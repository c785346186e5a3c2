"""Seconds per training epoch of chapter 09's Fashion-MNIST models, on one CPU thread.

Chapter 09's table states, for each model, how long one epoch of the 50,000 training images
takes; the stored notebook does not time itself (times change from run to run), so the figures
come from here. Each model trains on 10,240 real training images (40 batches of 256, AdamW, as
in the chapter) after one warm-up batch; the fastest of ``--repeats`` rounds is scaled to
50,000 images (other processes can only slow a round down). The convolutional networks are
timed in both memory formats: the default (N, C, H, W) layout and ``torch.channels_last``,
which the chapter uses.

``--seeds N`` also repeats the chapter's own training run (the small CNN on all 50,000 training
images, three epochs, AdamW with a one-cycle schedule up to lr 0.01, batches of 256, one thread,
``channels_last``) with the seeds 0 to N - 1, and prints each seed's validation and test
accuracy: the spread the chapter quotes. About 25 s per seed.

usage:
    python tools/bench_fashion.py
    python tools/bench_fashion.py --repeats 5
    python tools/bench_fashion.py --seeds 5

Like tools/benchmark.py this is a measurement, not a test: it exits 0, after saying so when
Fashion-MNIST is not installed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root

from utils import fashion  # noqa: E402
from utils.models import FashionCNN, LeNet5  # noqa: E402

IMAGES, BATCH, EPOCH = 10_240, 256, 50_000
WIDTHS, EPOCHS, MAX_LR = (8, 16, 32), 3, 1e-2
"""Chapter 09's own run (tests/test_bench_fashion.py checks that the chapter still uses them)."""


def models() -> dict[str, Callable[[], nn.Module]]:
    """The models of chapter 09's table, by the names its rows use."""
    return {
        "MLP 784-256-10": lambda: nn.Sequential(
            nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)
        ),
        "LeNet-5": lambda: nn.Sequential(nn.ZeroPad2d(2), LeNet5()),
        f"small CNN + BN {WIDTHS}": lambda: FashionCNN(widths=WIDTHS),
        "shipped CNN (16, 32, 64)": FashionCNN,
    }


def seconds_per_epoch(model: nn.Module, X: torch.Tensor, y: torch.Tensor, repeats: int) -> float:
    """The fastest of ``repeats`` passes over ``X`` in batches, scaled to 50,000 images."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step(batch: slice) -> None:
        loss = loss_fn(model(X[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    model.train()
    step(slice(0, BATCH))  # warm-up: the first pass allocates and picks kernels
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for first in range(0, len(X), BATCH):
            step(slice(first, first + BATCH))
        best = min(best, time.perf_counter() - start)
    return best * EPOCH / len(X)


def chapter_run(seed: int, splits: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> list[float]:
    """Chapter 09's run with ``seed``: return its validation and test accuracy."""
    from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

    from utils import train

    generator = torch.Generator().manual_seed(seed)

    def loader(X: torch.Tensor, y: torch.Tensor, shuffle: bool = False) -> DataLoader:
        order = RandomSampler(X, generator=generator) if shuffle else range(len(X))
        batches = BatchSampler(order, 256 if shuffle else 1000, drop_last=False)
        return DataLoader(TensorDataset(X, y), sampler=batches, batch_size=None)

    torch.manual_seed(seed)
    model = FashionCNN(widths=WIDTHS).to(memory_format=torch.channels_last)
    training, val, test = (
        loader(*splits["train"], True),
        loader(*splits["val"]),
        loader(*splits["test"]),
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=MAX_LR, weight_decay=0.05)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=MAX_LR, total_steps=EPOCHS * len(training)
    )
    optimizer.register_step_post_hook(lambda *_: schedule.step())
    with contextlib.redirect_stdout(io.StringIO()):  # fit's line per epoch
        history = train.fit(model, training, val, nn.CrossEntropyLoss(), optimizer, EPOCHS)
    return [history.val_accuracy[-1], train.evaluate(model, test, nn.CrossEntropyLoss())[1]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="rounds per model (default 2)")
    parser.add_argument("--seeds", type=int, default=0, help="repeat chapter 09's run (default 0)")
    args = parser.parse_args([] if argv is None else argv)  # tools/benchmark.py calls main()
    try:
        splits = {split: fashion.load_fashion_mnist(split) for split in ("train", "val", "test")}
    except FileNotFoundError as error:  # DatasetUnavailableError says how to install it
        print(f"skipped: {error}")
        return 0
    X, y = (tensor[:IMAGES] for tensor in splits["train"])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        print("| model | memory format | seconds per epoch of 50,000 images (1 thread) |")
        print("|---|---|---:|")
        for name, build in models().items():
            formats = [torch.contiguous_format]
            formats += [torch.channels_last] if "CNN" in name else []
            for memory_format in formats:
                torch.manual_seed(0)
                model = build().to(memory_format=memory_format)
                seconds = seconds_per_epoch(model, X, y, args.repeats)
                shown = str(memory_format).removeprefix("torch.")
                print(f"| {name} | {shown} | {seconds:.1f} |", flush=True)
        if args.seeds:
            print("\n| chapter 09's run, seed | validation | test |\n|---:|---:|---:|")
        for seed in range(args.seeds):
            val_accuracy, test_accuracy = chapter_run(seed, splits)
            print(f"| {seed} | {val_accuracy:.2%} | {test_accuracy:.2%} |", flush=True)
    finally:
        torch.set_num_threads(threads)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
