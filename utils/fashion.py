"""Fashion-MNIST, offline first, through torchvision's own ``FashionMNIST`` class.

Zalando's Fashion-MNIST: 70,000 grey 28 x 28 photos of clothes in 10 classes (60,000 for
training, 10,000 for testing). The loader looks for the four files, in this order:

1. in the course's data folder (``utils.data.default_data_dir()``, or ``$COURSE_DATA_DIR``),
   under ``FashionMNIST/raw/``, uncompressed, where torchvision reads them;
2. in Debian's package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist/``,
   gzipped): they are unpacked once into the data folder;
3. on the internet, when the caller passes ``download=True``, or on Colab, which has neither
   the system package nor the files (the chapters' setup cell installs the course there).

Otherwise it raises ``DatasetUnavailableError`` saying how to get them.

The 60,000 training images are cut once, with a fixed seed, into 50,000 for training and
10,000 for validation; the test set is kept for the very end.

    >>> from utils import fashion
    >>> fashion.CLASSES[:3]
    ('T-shirt/top', 'Trouser', 'Pullover')
    >>> fashion.SPLITS
    ('train', 'val', 'test', 'train+val')
"""

from __future__ import annotations

import gzip
import os
import shutil
import sys
from pathlib import Path

import torch

from utils.data import DatasetUnavailableError, default_data_dir, load_torchvision_dataset

CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
"""Class names, index = label (torchvision's ``FashionMNIST.classes``)."""

SPLITS = ("train", "val", "test", "train+val")
"""``train`` and ``val`` cut the 60,000 training images 50,000 / 10,000; ``train+val`` is all
60,000; ``test`` is the separate 10,000-image test set."""

SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
"""Where Debian's package ``dataset-fashion-mnist`` installs the four gzipped IDX files."""

VALIDATION_FRACTION = 1 / 6
"""Share of the training images held out for validation (10,000 of 60,000)."""

SPLIT_SEED = 0
"""Seed of the permutation that cuts training from validation: the same split everywhere."""

RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

HOW_TO_GET_IT = (
    "Install it offline with the system package (Debian/Ubuntu: "
    "sudo apt-get install dataset-fashion-mnist), or run again with download=True while online, "
    "or copy the four uncompressed *-ubyte files into {raw}."
)


def raw_folder(root: str | Path) -> Path:
    """The folder under ``root`` where torchvision's ``FashionMNIST`` reads the raw files.

    >>> raw_folder("data").as_posix()
    'data/FashionMNIST/raw'
    """
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a folder path (str or Path), got {type(root).__name__}")
    return Path(root) / "FashionMNIST" / "raw"


def _complete(folder: Path, suffix: str = "") -> bool:
    return all((folder / (name + suffix)).is_file() for name in RAW_FILES)


def prepare(
    root: str | Path | None = None, *, download: bool = False, system_dir: str | Path = SYSTEM_DIR
) -> Path:
    """Make sure the raw files are under ``root`` (default: the course's data folder) and
    return ``root``.

    Files already there are used as they are; else the gzipped files of ``system_dir`` are
    unpacked there (once); else, with ``download=True``, ``root`` is returned for torchvision to
    download into. Otherwise ``DatasetUnavailableError`` says how to get the data.

    >>> prepare("/nowhere", system_dir="/nowhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    utils.data.DatasetUnavailableError: Fashion-MNIST is not on this machine...
    """
    raw = raw_folder(default_data_dir() if root is None else root)
    root = raw.parent.parent
    if _complete(raw):
        return root
    system = Path(system_dir)
    if _complete(system, ".gz"):
        raw.mkdir(parents=True, exist_ok=True)
        for name in RAW_FILES:
            target = raw / name
            if target.is_file():
                continue
            partial = target.with_name(f"{target.name}.{os.getpid()}.partial")  # one per process
            with gzip.open(system / (name + ".gz"), "rb") as source, open(partial, "wb") as out:
                shutil.copyfileobj(source, out, length=1 << 20)
            partial.replace(target)  # atomic: a half-written file is never taken for a whole one
        return root
    if download:
        return root
    raise DatasetUnavailableError(
        f"Fashion-MNIST is not on this machine: neither in {raw} nor in {system}. "
        + HOW_TO_GET_IT.format(raw=raw)
    )


def on_colab() -> bool:
    """Whether this Python runs a Colab notebook (it has imported ``google.colab``).

    >>> on_colab()
    False
    """
    return "google.colab" in sys.modules


def dataset(
    train: bool = True,
    root: str | Path | None = None,
    *,
    download: bool = False,
    transform=None,
    system_dir: str | Path = SYSTEM_DIR,
):
    """torchvision's ``FashionMNIST`` data set (PIL images unless ``transform`` says otherwise),
    read from the folder ``prepare`` fills; on Colab ``download`` is taken as True."""
    if download is False and on_colab():
        download = True  # the only way the data reaches a Colab machine
    root = prepare(root, download=download, system_dir=system_dir)
    return load_torchvision_dataset(
        "FashionMNIST", root, train=train, download=download, transform=transform
    )


def split_train_val(n: int, seed: int = SPLIT_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices of the training and validation images among the first ``n`` training images:
    a seeded permutation, its first ``n * VALIDATION_FRACTION`` for validation.

    >>> train, val = split_train_val(60_000)
    >>> len(train), len(val), len(set(train.tolist()) | set(val.tolist()))
    (50000, 10000, 60000)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an integer of at least 2, got {n!r}")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_val = max(1, round(n * VALIDATION_FRACTION))
    return order[n_val:], order[:n_val]


def load_fashion_mnist(
    split: str = "train",
    root: str | Path | None = None,
    *,
    download: bool = False,
    system_dir: str | Path = SYSTEM_DIR,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return one split of Fashion-MNIST as tensors: images ``X`` (N, 1, 28, 28) float32 in
    [0, 1] and labels ``y`` (N,) int64.

    ``split`` is ``"train"`` (50,000), ``"val"`` (10,000, held out from the training images
    with a fixed seed), ``"test"`` (the separate 10,000) or ``"train+val"`` (all 60,000).

    >>> load_fashion_mnist("dev")
    Traceback (most recent call last):
    ...
    ValueError: split must be one of 'train', 'val', 'test', 'train+val', got 'dev'
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(map(repr, SPLITS))}, got {split!r}")
    data = dataset(split != "test", root, download=download, system_dir=system_dir)
    X = data.data.unsqueeze(1).to(torch.float32).div_(255)
    y = data.targets.to(torch.int64)
    if split in ("train", "val"):
        train_idx, val_idx = split_train_val(len(y))
        keep = train_idx if split == "train" else val_idx
        X, y = X[keep], y[keep]
    return X, y
