"""torch.hub entry points of the interactive PyTorch course.

This file and the weights beside it ship inside the course package, so the installed package
is a torch.hub repository of its own, offline:

    from utils.hub import repo_dir
    model = torch.hub.load(repo_dir(), "lenet5", source="local", pretrained=True)

The repository's top-level ``hubconf.py`` re-exports these entry points, so a clone works too
(``torch.hub.load("path/to/the/clone", "lenet5", source="local")``), and so does GitHub when
online: the same call with "OWNER/REPO" (see pyproject.toml) and without ``source``. Every
public function below is an entry point; helpers start with ``_``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path as _Path  # imported names count as entry points unless private

dependencies = ["torch"]  # packages torch.hub checks before loading anything from this file

_WEIGHTS_DIR = _Path(__file__).resolve().parent / "weights"
_LENET5_FILE = "lenet5_digits04.pth"
_LENET5_CLASSES = 5
_FASHION_FILE = "fashion_cnn.pth"


def _verified_weights(name: str) -> _Path:
    """The shipped weight file ``name``, after checking it against utils/hub/weights/SHA256SUMS."""
    path = _WEIGHTS_DIR / name
    sums = _WEIGHTS_DIR / "SHA256SUMS"
    advice = "reinstall the course package, or in a clone run: python tools/make_weights.py"
    for needed in (path, sums):
        if not needed.is_file():
            raise FileNotFoundError(f"the course's weight file {needed} is missing: {advice}")
    recorded = {}
    for line in sums.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 2:
            recorded[parts[1].lstrip("*")] = parts[0]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if recorded.get(name) != actual:
        raise RuntimeError(
            f"{path} does not match its SHA-256 in utils/hub/weights/SHA256SUMS (corrupted or "
            "edited); reinstall the course package, or in a clone restore it with git or rebuild "
            "it with: python tools/make_weights.py"
        )
    return path


def lenet5(pretrained: bool = False, num_classes: int | None = None):
    """LeNet-5 for grey images of shape (N, 1, 32, 32) with values in [0, 1].

    pretrained (bool): load the course's weights, trained on the digits 0 to 4 of
        scikit-learn's handwritten digits (8 x 8 images scaled bilinearly to 32 x 32). The
        model then returns 5 logits, one per digit 0 to 4; it has never seen 5 to 9.
    num_classes (int): outputs of a fresh model (default 10). With ``pretrained=True`` leave it
        out, then replace ``model.classifier[-1]`` to train a new head.
    """
    import pickle

    import torch

    from utils.models import LeNet5

    if not isinstance(pretrained, bool):
        raise TypeError(f"pretrained must be True or False, got {pretrained!r}")
    if not pretrained:
        return LeNet5(num_classes=10 if num_classes is None else num_classes)
    if num_classes not in (None, _LENET5_CLASSES):
        raise ValueError(
            f"the pretrained LeNet-5 has a {_LENET5_CLASSES}-way head, "
            f"got num_classes={num_classes}; "
            "load it without num_classes and replace model.classifier[-1] for other classes"
        )
    model = LeNet5(num_classes=_LENET5_CLASSES)
    path = _verified_weights(_LENET5_FILE)
    try:
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError, ValueError, TypeError):
        # not the library's message: it advises loading unsafely, wrong for a file that is not
        # what it should be
        raise RuntimeError(
            f"the course's weight file {path} matches its recorded SHA-256 but is not a LeNet-5 "
            "checkpoint (SHA256SUMS was changed with it): restore both with git, or rebuild "
            "them with: python tools/make_weights.py"
        ) from None
    return model.eval()


def fashion_cnn(pretrained: bool = False):
    """The course's small CNN with batch normalisation for Fashion-MNIST (chapter 09).

    Input: grey images of shape (N, 1, 28, 28), float32, scaled to [0, 1] (the raw bytes
    divided by 255, as ``utils.fashion.load_fashion_mnist`` returns them; no normalisation, no
    resizing). Output: 10 logits per image, in the order of ``utils.fashion.CLASSES``
    (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot).

    pretrained (bool): load the course's weights, made by ``tools/make_weights.py``: trained
        on the 50,000 images of the course's training split of Fashion-MNIST (12 epochs of
        AdamW with a one-cycle schedule and random horizontal flips, one CPU thread,
        deterministic); chapter 09 measures them on the 10,000 test images. The model is
        returned in eval mode.
    """
    import torch

    from utils.models import FashionCNN

    if not isinstance(pretrained, bool):
        raise TypeError(f"pretrained must be True or False, got {pretrained!r}")
    model = FashionCNN()
    if not pretrained:
        return model
    model.load_state_dict(
        torch.load(_verified_weights(_FASHION_FILE), map_location="cpu", weights_only=True)
    )
    return model.eval()
