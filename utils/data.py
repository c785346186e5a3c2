"""The course's data: real data that needs no network first, torchvision's datasets when they
are on disk or the student is online.

Offline (ships with scikit-learn, always available):

- ``load_digits()`` / ``DigitsDataset``: 1,797 real handwritten digits, 8x8 grey levels.
- ``load_sample_photo("china" | "flower")``: two real 427x640 colour photographs.

Online or already on disk: ``load_torchvision_dataset("MNIST" | "FashionMNIST" | "CIFAR10", root)``.

    >>> from utils import data
    >>> X, y = data.load_digits()
    >>> tuple(X.shape), tuple(y.shape)
    ((1797, 1, 8, 8), (1797,))
"""

from __future__ import annotations

import math
import operator
import os
import pickle
import struct
import urllib.error
from collections.abc import Callable
from pathlib import Path

import torch
from PIL import Image
from torch.utils.data import Dataset

DIGIT_CLASSES = tuple(str(digit) for digit in range(10))
"""Class names of the digits data set, index = label."""

SAMPLE_PHOTOS = ("china", "flower")
"""The photographs scikit-learn ships: a temple in China and a flower, both 427x640 RGB."""

TORCHVISION_DATASETS = ("MNIST", "FashionMNIST", "CIFAR10")
"""The torchvision data sets the course can load; each is about 30 to 170 MB."""

DATA_DIR_ENV_VAR = "COURSE_DATA_DIR"
"""Environment variable that overrides where ``default_data_dir()`` points."""

_DIGIT_SPLITS = ("train", "test", "all")

_IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_CIFAR10_FILES = (
    *(f"data_batch_{i}" for i in range(1, 6)),
    "test_batch",
    "batches.meta",
)


class DatasetUnavailableError(FileNotFoundError):
    """A torchvision data set is neither on disk nor downloadable right now."""


def default_data_dir() -> Path:
    """Return the folder the course keeps data in.

    ``$COURSE_DATA_DIR`` if set; else the ``data/`` folder of the course checkout this package
    was installed from; else ``~/.cache/interactive-pytorch/data`` (for example on Colab).

    >>> isinstance(default_data_dir(), Path)
    True
    """
    override = os.environ.get(DATA_DIR_ENV_VAR)
    if override:
        return Path(override).expanduser()
    checkout_data = Path(__file__).resolve().parent.parent / "data"
    if (checkout_data / "README.md").is_file():
        return checkout_data
    return Path.home() / ".cache" / "interactive-pytorch" / "data"


def load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """Return scikit-learn's handwritten digits as ``X`` (N, 1, 8, 8) float32 in [0, 1] and
    ``y`` (N,) int64 labels 0 to 9.

    >>> X, y = load_digits()
    >>> X.dtype, y.dtype, float(X.min()), float(X.max()), y[:5].tolist()
    (torch.float32, torch.int64, 0.0, 1.0, [0, 1, 2, 3, 4])
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    X = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0  # grey levels 0..16
    y = torch.tensor(bunch.target, dtype=torch.int64)
    return X, y


MAX_SPLIT = 10_000_000
"""The largest ``n`` that ``split_indices`` shuffles (a list of that many ints is ~400 MB)."""


def split_indices(n: int, test_fraction: float = 0.2, seed: int = 0) -> tuple[list, list]:
    """Shuffle ``range(n)`` with ``seed`` and cut it into train and test indices.

    >>> train, test = split_indices(10, test_fraction=0.3)
    >>> len(train), len(test), sorted(train + test) == list(range(10))
    (7, 3, True)
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_SPLIT:
        raise ValueError(f"n must be an integer of at least 2 and at most {MAX_SPLIT:,}, got {n!r}")
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, (int, float))
        or not 0 < test_fraction < 1
    ):
        raise ValueError(
            f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}"
        )
    _check_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(n, generator=generator).tolist()
    n_test = max(1, min(n - 1, round(n * test_fraction)))
    return order[n_test:], order[:n_test]


def _check_seed(seed: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {seed!r}")


class DigitsDataset(Dataset):
    """scikit-learn's handwritten digits as a PyTorch ``Dataset`` of ``(image, label)`` pairs.

    ``image`` is a float tensor (1, 8, 8) in [0, 1] (or whatever ``transform`` makes of it),
    ``label`` an int. ``split`` is ``"train"`` (80 %), ``"test"`` (20 %) or ``"all"``; the split
    is the same on every machine for the same ``seed``.

    >>> train, test = DigitsDataset("train"), DigitsDataset("test")
    >>> len(train), len(test)
    (1438, 359)
    >>> image, label = train[0]
    >>> tuple(image.shape), type(label).__name__
    ((1, 8, 8), 'int')
    """

    classes = DIGIT_CLASSES

    def __init__(
        self,
        split: str = "train",
        transform: Callable | None = None,
        test_fraction: float = 0.2,
        seed: int = 0,
    ) -> None:
        if not isinstance(split, str) or split not in _DIGIT_SPLITS:
            raise ValueError(
                f"split must be one of {', '.join(map(repr, _DIGIT_SPLITS))}, got {split!r}"
            )
        if transform is not None and not callable(transform):
            raise TypeError(
                "transform must be callable (e.g. a torchvision transform), "
                f"got {type(transform).__name__}"
            )
        _check_seed(seed)
        split_indices(10, test_fraction)  # checks test_fraction before the data loads
        X, y = load_digits()
        if split != "all":
            train_idx, test_idx = split_indices(len(y), test_fraction, seed)
            keep = torch.tensor(train_idx if split == "train" else test_idx)
            X, y = X[keep], y[keep]
        self.images, self.targets = X, y
        self.split = split
        self.transform = transform

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        try:
            index = operator.index(index)
        except TypeError:
            raise TypeError(f"index must be an integer, got {type(index).__name__}") from None
        if not -len(self) <= index < len(self):
            raise IndexError(f"index must be from 0 to {len(self) - 1}, got {index}")
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.targets[index])


def load_sample_photo(name: str) -> Image.Image:
    """Return one of scikit-learn's sample photographs as an RGB PIL image.

    >>> photo = load_sample_photo("flower")
    >>> photo.size, photo.mode
    ((640, 427), 'RGB')
    >>> load_sample_photo("cat")
    Traceback (most recent call last):
    ...
    ValueError: name must be one of 'china', 'flower', got 'cat'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'china', got {type(name).__name__}")
    stem = name.removesuffix(".jpg")
    if stem not in SAMPLE_PHOTOS:
        raise ValueError(f"name must be one of {', '.join(map(repr, SAMPLE_PHOTOS))}, got {name!r}")
    from sklearn.datasets import load_sample_image

    return Image.fromarray(load_sample_image(f"{stem}.jpg")).convert("RGB")


def _canonical_name(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'MNIST', got {type(name).__name__}")
    for known in TORCHVISION_DATASETS:
        if name.lower() == known.lower():
            return known
    raise ValueError(
        f"name must be one of {', '.join(map(repr, TORCHVISION_DATASETS))}, got {name!r}"
    )


def expected_files(name: str, root: str | Path) -> list[Path]:
    """Return the files torchvision reads for data set ``name`` under ``root``.

    >>> expected_files("fashionmnist", "data")[0].as_posix()
    'data/FashionMNIST/raw/train-images-idx3-ubyte'
    >>> len(expected_files("CIFAR10", "data"))
    7
    """
    name = _canonical_name(name)
    root = _check_root(root)
    if name == "CIFAR10":
        return [root / "cifar-10-batches-py" / file for file in _CIFAR10_FILES]
    return [root / name / "raw" / file for file in _IDX_FILES]


def _check_root(root: str | Path) -> Path:
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a folder path (str or Path), got {type(root).__name__}")
    return Path(root)


def load_torchvision_dataset(
    name: str,
    root: str | Path,
    *,
    train: bool = True,
    download: bool = False,
    transform: Callable | None = None,
    target_transform: Callable | None = None,
) -> Dataset:
    """Return torchvision's ``MNIST``, ``FashionMNIST`` or ``CIFAR10`` data set from ``root``.

    Files already under ``root`` are used as they are. When they are missing, ``download=True``
    fetches them (this needs the internet); otherwise, or when the download fails, a
    ``DatasetUnavailableError`` says where the files should be and which offline data set to
    use instead.

    >>> load_torchvision_dataset("MNIST", "/nowhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    utils.data.DatasetUnavailableError: MNIST is not on disk: expected /nowhere/MNIST/raw/...
    """
    import torchvision

    name = _canonical_name(name)
    root = _check_root(root)
    for argument, flag, example in (
        ("train", train, "False for the test split"),
        ("download", download, "True to fetch the files"),
    ):
        if not isinstance(flag, bool):
            raise TypeError(f"{argument} must be True or False ({example}), got {flag!r}")
    for argument, value in (("transform", transform), ("target_transform", target_transform)):
        if value is not None and not callable(value):
            raise TypeError(
                f"{argument} must be callable (e.g. a torchvision transform), "
                f"got {type(value).__name__}"
            )
    dataset_class = getattr(torchvision.datasets, name)
    kwargs = dict(root=root, train=train, transform=transform, target_transform=target_transform)

    missing = [path for path in expected_files(name, root) if not path.is_file()]
    if missing and not download:
        raise DatasetUnavailableError(
            f"{name} is not on disk: expected {missing[0]}"
            + (f" and {len(missing) - 1} more file(s)" if len(missing) > 1 else "")
            + ". Run again with download=True while online, or copy the files there. "
            "Offline, use utils.data.DigitsDataset instead: real handwritten digits that ship "
            "with scikit-learn."
        )
    if not missing and name != "CIFAR10":
        _check_idx_pair(name, root, train)
    try:
        dataset = dataset_class(download=download and bool(missing), **kwargs)
    except (
        urllib.error.URLError,
        OSError,
        RuntimeError,
        ValueError,
        EOFError,
        AssertionError,
        KeyError,
        IndexError,
        pickle.UnpicklingError,
    ) as error:
        reason = str(error).strip().splitlines()
        folder = expected_files(name, root)[0].parent
        raise DatasetUnavailableError(
            f"Could not {'download' if missing else 'read'} {name} into {folder} "
            f"({'no internet connection?' if missing else 'corrupted files?'}): "
            f"{reason[-1] if reason else type(error).__name__}. "
            + (
                "Copy the files there by hand"
                if missing
                else "Delete the files there and run again with download=True while online, "
                "or copy intact files there"
            )
            + ", or use utils.data.DigitsDataset, which needs no network."
        ) from error
    if len(dataset.data) != len(dataset.targets):
        raise DatasetUnavailableError(
            f"Could not read {name} from {expected_files(name, root)[0].parent} (corrupted "
            f"files?): {len(dataset.data)} images but {len(dataset.targets)} labels. Delete the "
            "files and run again with download=True while online, or copy intact files there."
        )
    return dataset


def _idx_count(path: Path, shape: tuple[int, ...]) -> int:
    """The number of items in the IDX (MNIST) file ``path`` of uint8 items of ``shape``; a
    ``ValueError`` saying what is wrong with it otherwise."""
    ndim = 1 + len(shape)
    with open(path, "rb") as file:
        header = file.read(4 + 4 * ndim)
    if len(header) < 4 + 4 * ndim or header[:4] != bytes((0, 0, 0x08, ndim)):
        raise ValueError(f"{path} is not an IDX file of {ndim}-D unsigned bytes (wrong header)")
    sizes = struct.unpack(f">{ndim}I", header[4:])
    if tuple(sizes[1:]) != shape:
        raise ValueError(f"{path} holds items of shape {sizes[1:]}, not {shape}")
    expected = len(header) + sizes[0] * max(1, math.prod(shape))
    actual = path.stat().st_size
    if actual != expected:
        raise ValueError(
            f"{path} is {actual} bytes but its header promises {expected} "
            f"({sizes[0]} items): it is truncated or has extra bytes"
        )
    return sizes[0]


def _check_idx_pair(name: str, root: Path, train: bool) -> None:
    """The images and labels files of the split are whole IDX files with as many items."""
    raw = root / name / "raw"
    prefix = "train" if train else "t10k"
    images, labels = raw / f"{prefix}-images-idx3-ubyte", raw / f"{prefix}-labels-idx1-ubyte"
    advice = (
        "Delete it and run again with download=True while online, or copy an intact file "
        "there; offline, use utils.data.DigitsDataset instead."
    )
    try:
        counts = _idx_count(images, (28, 28)), _idx_count(labels, ())
    except ValueError as error:
        raise DatasetUnavailableError(
            f"Could not read {name} from {raw} (corrupted files?): {error}. {advice}"
        ) from None
    if counts[0] != counts[1]:
        raise DatasetUnavailableError(
            f"Could not read {name} from {raw} (corrupted files?): {images.name} holds "
            f"{counts[0]} images but {labels.name} holds {counts[1]} labels, so one of them is "
            f"truncated or from another download. {advice.replace('it', 'both', 1)}"
        )


# --- Image folders written from the offline digits (chapter 04's ImageFolder) ---------------

DIGIT_IMAGES_FOLDER = "digit_images"
"""Folder under ``default_data_dir()`` that ``write_digit_images`` fills by default."""


def write_digit_images(root: str | Path | None = None, per_class: int = 10, size: int = 32) -> Path:
    """Write handwritten digits as greyscale PNG files, one folder per class, the layout
    ``torchvision.datasets.ImageFolder`` reads: ``<root>/digit_images/0/000.png`` ... up to
    ``9/<per_class - 1>.png``. Return the ``digit_images`` folder.

    The images are the first ``per_class`` digits of each class in ``load_digits()``, scaled
    from 8 x 8 to ``size`` x ``size`` pixels (each original pixel becomes a square block).
    ``root`` defaults to ``default_data_dir()`` (git-ignored). Files already there are kept;
    missing ones are written again, so the folder regenerates itself on demand.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_digit_images(tmp, per_class=2)
    ...     classes = sorted(path.name for path in folder.iterdir())
    ...     sevens = sorted(path.name for path in (folder / "7").iterdir())
    >>> folder.name, classes, sevens
    ('digit_images', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ['000.png', '001.png'])
    """
    if isinstance(per_class, bool) or not isinstance(per_class, int) or not 1 <= per_class <= 100:
        raise ValueError(f"per_class must be an integer from 1 to 100, got {per_class!r}")
    if isinstance(size, bool) or not isinstance(size, int) or not 8 <= size <= 1024 or size % 8:
        raise ValueError(
            f"size must be a multiple of 8 (8, 16, 32, ...) of at most 1024, got {size!r}"
        )
    base = default_data_dir() if root is None else _check_root(root)
    folder = base / DIGIT_IMAGES_FOLDER
    for path in (base, folder):
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(
                f"root must be a folder, but {path} is a file: choose another root, or move "
                "the file away"
            )
    X, y = load_digits()
    for label in range(len(DIGIT_CLASSES)):
        class_dir = folder / DIGIT_CLASSES[label]
        class_dir.mkdir(parents=True, exist_ok=True)
        for number, index in enumerate((y == label).nonzero().flatten()[:per_class].tolist()):
            path = class_dir / f"{number:03d}.png"
            if path.is_file():
                continue
            grey = (X[index, 0] * 255).round().to(torch.uint8)
            blocks = grey.repeat_interleave(size // 8, 0).repeat_interleave(size // 8, 1)
            Image.fromarray(blocks.numpy()).save(path)  # uint8 (H, W): greyscale "L"
    return folder
