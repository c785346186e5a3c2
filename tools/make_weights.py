"""Train the LeNet-5 weights the course ships, reproducibly, and check the shipped file.

The weights are the "pretrained backbone" of chapter 11 and what ``hubconf.lenet5(pretrained=True)``
loads in chapter 12: LeNet-5 with a 5-way head, trained on the digits 0 to 4 of the training
split of scikit-learn's handwritten digits (8 x 8 images scaled to 32 x 32). Digits 5 to 9 stay
unseen, so chapter 11 can teach them to the pretrained network as a new task.

The run is deterministic: one CPU thread, deterministic algorithms, fixed seeds; the file's
SHA-256 is recorded in utils/hub/weights/SHA256SUMS, and the tests run this script again and
compare.

usage:
    python tools/make_weights.py            # write the .pth and SHA256SUMS into utils/hub/weights/
    python tools/make_weights.py --check    # retrain in memory; exit 1 unless it matches the file
    python tools/make_weights.py --out DIR  # write the file into DIR instead
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from utils.data import load_digits, split_indices  # noqa: E402
from utils.models import LeNet5  # noqa: E402

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


def train_weights() -> dict[str, torch.Tensor]:
    """Train LeNet-5 on the digits 0–4 deterministically and return its state_dict."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # summation order, hence every bit, independent of the machine's cores
    torch.use_deterministic_algorithms(True)
    try:
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
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)


def serialize(state_dict: dict[str, torch.Tensor]) -> bytes:
    """The bytes ``torch.save`` writes for ``state_dict``."""
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    return buffer.getvalue()


def recorded_sha256(weights_dir: Path = WEIGHTS_DIR) -> str:
    """The SHA-256 recorded for the shipped file in ``weights/SHA256SUMS``."""
    for line in (weights_dir / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        if name == FILE_NAME:
            return digest
    raise ValueError(f"{FILE_NAME} is not listed in {weights_dir / 'SHA256SUMS'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="retrain and compare with the shipped file"
    )
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="folder to write into")
    args = parser.parse_args(argv)

    blob = serialize(train_weights())
    digest = hashlib.sha256(blob).hexdigest()
    if args.check:
        shipped = hashlib.sha256((WEIGHTS_DIR / FILE_NAME).read_bytes()).hexdigest()
        ok = digest == shipped == recorded_sha256()
        print(f"retrained {digest}\nshipped   {shipped}\nrecorded  {recorded_sha256()}")
        print("match" if ok else "MISMATCH")
        return 0 if ok else 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / FILE_NAME).write_bytes(blob)
    (args.out / "SHA256SUMS").write_text(f"{digest}  {FILE_NAME}\n")
    print(f"wrote {args.out / FILE_NAME} ({len(blob):,} bytes), sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
