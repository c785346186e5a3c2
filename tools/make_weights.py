"""Train the weights the course ships, reproducibly, and check the shipped files.

- ``lenet5_digits04.pth``: what ``hubconf.lenet5(pretrained=True)`` loads in chapter 14:
  LeNet-5 with a 5-way head, trained on the digits 0 to 4 of the training split of
  scikit-learn's handwritten digits (8 x 8 images scaled to 32 x 32); digits 5 to 9 stay
  unseen. Seconds to train.
- ``fashion_cnn.pth``: the course's best Fashion-MNIST CNN (``utils.models.FashionCNN``), what
  ``hubconf.fashion_cnn(pretrained=True)`` loads, chapter 09 measures and chapter 13 transfers
  to handwritten digits: trained on the
  50,000 images of the training split (``utils.fashion``), 12 epochs of AdamW with a one-cycle
  schedule and random horizontal flips. Minutes to train (one CPU thread).

Each run is deterministic: one CPU thread, deterministic algorithms, fixed seeds; each file's
SHA-256 is recorded in utils/hub/weights/SHA256SUMS. The tests run the LeNet-5 part again and
compare; the Fashion-MNIST part is compared by ``pytest tests/test_hub.py --weights`` or
``--check --only fashion_cnn`` (minutes).

usage:
    python tools/make_weights.py                 # write both files and SHA256SUMS
    python tools/make_weights.py --only lenet5   # one of them (the other's hash line is kept)
    python tools/make_weights.py --check         # retrain in memory; exit 1 unless it matches
    python tools/make_weights.py --out DIR       # write into DIR instead
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from utils.data import load_digits, split_indices  # noqa: E402
from utils.models import FashionCNN, LeNet5  # noqa: E402

WEIGHTS_DIR = ROOT / "utils" / "hub" / "weights"
FILE_NAME = "lenet5_digits04.pth"
CLASSES = (0, 1, 2, 3, 4)
SEED = 0
NUM_EPOCHS = 10
BATCH_SIZE = 32
LR = 1e-3


def digits_32(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the digits 0–4 of ``split`` ("train" or "test") as (N, 1, 32, 32) images in [0, 1]
    and their labels, the preprocessing the shipped weights expect."""
    X, y = load_digits()
    train_idx, test_idx = split_indices(len(y), test_fraction=0.2, seed=0)
    keep = torch.tensor(
        [i for i in (train_idx if split == "train" else test_idx) if int(y[i]) in CLASSES]
    )
    images = F.interpolate(X[keep], size=(32, 32), mode="bilinear", align_corners=False)
    return images, y[keep]


def deterministic(train: Callable[[], dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Run ``train`` on one CPU thread with deterministic algorithms, then restore both."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # summation order, hence every bit, independent of the machine's cores
    torch.use_deterministic_algorithms(True)
    try:
        return train()
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)


def train_weights() -> dict[str, torch.Tensor]:
    """Train LeNet-5 on the digits 0–4 deterministically and return its state_dict."""
    return deterministic(_train_lenet5)


def _train_lenet5() -> dict[str, torch.Tensor]:
    X, y = digits_32("train")
    torch.manual_seed(SEED)
    model = LeNet5(num_classes=len(CLASSES))
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    order = torch.Generator().manual_seed(SEED)
    for _ in range(NUM_EPOCHS):
        permutation = torch.randperm(len(y), generator=order)
        for start in range(0, len(y), BATCH_SIZE):
            batch = permutation[start : start + BATCH_SIZE]
            loss = F.cross_entropy(model(X[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.state_dict()


# --- the Fashion-MNIST CNN ---------------------------------------------------------------------

FASHION_FILE = "fashion_cnn.pth"
FASHION_EPOCHS = 12
FASHION_BATCH_SIZE = 128
FASHION_MAX_LR = 3e-3
FASHION_WEIGHT_DECAY = 0.05


def train_fashion_cnn(log: Callable[[str], object] | None = print) -> dict[str, torch.Tensor]:
    """Train ``FashionCNN`` on the 50,000 training images deterministically; return its
    state_dict. ``log`` gets one line per epoch with the validation accuracy."""
    return deterministic(lambda: _train_fashion_cnn(log))


def _train_fashion_cnn(log: Callable[[str], object] | None) -> dict[str, torch.Tensor]:
    from utils.fashion import load_fashion_mnist

    X, y = load_fashion_mnist("train")
    X_val, y_val = load_fashion_mnist("val")
    torch.manual_seed(SEED)
    model = FashionCNN()
    steps_per_epoch = -(-len(y) // FASHION_BATCH_SIZE)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=FASHION_MAX_LR, weight_decay=FASHION_WEIGHT_DECAY
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=FASHION_MAX_LR, total_steps=FASHION_EPOCHS * steps_per_epoch
    )
    order = torch.Generator().manual_seed(SEED)
    for epoch in range(1, FASHION_EPOCHS + 1):
        model.train()
        for batch in torch.randperm(len(y), generator=order).split(FASHION_BATCH_SIZE):
            images = X[batch]
            flip = torch.rand(len(batch), 1, 1, 1, generator=order) < 0.5
            images = torch.where(flip, images.flip(-1), images)  # a random mirror image
            loss = F.cross_entropy(model(images), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        if log is not None:
            val_accuracy = accuracy(model, X_val, y_val)
            log(f"epoch {epoch:2d}/{FASHION_EPOCHS}: validation accuracy {val_accuracy:.4f}")
    return model.eval().state_dict()


def accuracy(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """The fraction of ``X`` that ``model`` (in eval mode) classifies as ``y``."""
    model.eval()
    with torch.no_grad():
        right = sum(
            int((model(part).argmax(1) == labels).sum())
            for part, labels in zip(X.split(1000), y.split(1000), strict=True)
        )
    return right / len(y)


TRAINERS: dict[str, tuple[str, Callable[[], dict[str, torch.Tensor]]]] = {
    "lenet5": (FILE_NAME, train_weights),
    "fashion_cnn": (FASHION_FILE, train_fashion_cnn),
}
"""Each shipped file: the name ``--only`` takes, the file name and the function that trains it."""


def serialize(state_dict: dict[str, torch.Tensor]) -> bytes:
    """The bytes ``torch.save`` writes for ``state_dict``."""
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    return buffer.getvalue()


def recorded_sums(weights_dir: Path = WEIGHTS_DIR) -> dict[str, str]:
    """File name -> SHA-256 as recorded in ``weights/SHA256SUMS`` (empty if there is none)."""
    path = weights_dir / "SHA256SUMS"
    if not path.is_file():
        return {}
    return {
        name: digest for digest, name in (line.split() for line in path.read_text().splitlines())
    }


def recorded_sha256(weights_dir: Path = WEIGHTS_DIR, file_name: str = FILE_NAME) -> str:
    """The SHA-256 recorded for the shipped file ``file_name`` in ``weights/SHA256SUMS``."""
    sums = recorded_sums(weights_dir)
    if file_name not in sums:
        raise ValueError(f"{file_name} is not listed in {weights_dir / 'SHA256SUMS'}")
    return sums[file_name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="retrain and compare with the shipped files"
    )
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="folder to write into")
    parser.add_argument(
        "--only", choices=sorted(TRAINERS), action="append", help="train only this file"
    )
    args = parser.parse_args(argv)

    ok = True
    for key in args.only or list(TRAINERS):
        file_name, trainer = TRAINERS[key]
        blob = serialize(trainer())
        digest = hashlib.sha256(blob).hexdigest()
        if args.check:
            shipped = hashlib.sha256((WEIGHTS_DIR / file_name).read_bytes()).hexdigest()
            recorded = recorded_sha256(WEIGHTS_DIR, file_name)
            match = digest == shipped == recorded
            ok = ok and match
            print(f"{file_name}\nretrained {digest}\nshipped   {shipped}\nrecorded  {recorded}")
            print("match" if match else "MISMATCH")
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / file_name).write_bytes(blob)
        sums = recorded_sums(args.out) or {
            name: digest for name, digest in recorded_sums().items() if name != file_name
        }
        sums[file_name] = digest
        order = [name for _, (name, _) in TRAINERS.items() if name in sums]
        (args.out / "SHA256SUMS").write_text("".join(f"{sums[n]}  {n}\n" for n in order))
        print(f"wrote {args.out / file_name} ({len(blob):,} bytes), sha256 {digest}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
