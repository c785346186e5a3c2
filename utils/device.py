"""Choose the device the course runs on, seed every random generator, describe the set-up.

>>> from utils import device
>>> device.choose_device("cpu")
device(type='cpu')
"""

from __future__ import annotations

import os
import platform
import random

import numpy as np
import torch

DEVICE_ENV_VAR = "COURSE_DEVICE"
"""Environment variable that overrides the automatic choice, e.g. ``COURSE_DEVICE=cpu``."""

_DEVICE_TYPES = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def choose_device(preferred: str | torch.device | None = None) -> torch.device:
    """Return the device to compute on.

    Order: ``preferred`` if given, else the ``COURSE_DEVICE`` environment variable, else CUDA
    when a GPU is visible, then Apple's MPS, else the CPU.

    >>> choose_device("cpu")
    device(type='cpu')
    >>> choose_device("tpu")
    Traceback (most recent call last):
    ...
    ValueError: preferred must name a device such as 'cpu', 'cuda', 'cuda:1' or 'mps', got 'tpu'
    """
    return _choose(preferred, "preferred")


def _choose(preferred: object, source: str) -> torch.device:
    """choose_device, naming the argument ``source`` in its errors."""
    if preferred is None:
        preferred = os.environ.get(DEVICE_ENV_VAR) or None
        source = DEVICE_ENV_VAR
    if preferred is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")

    if not isinstance(preferred, (str, torch.device)):
        raise TypeError(
            f"{source} must be a string such as 'cpu' or a torch.device, "
            f"got {type(preferred).__name__}"
        )
    try:
        device = torch.device(preferred)
    except RuntimeError:
        device = None
    if device is None or device.type not in _DEVICE_TYPES:
        raise ValueError(
            f"{source} must name a device such as 'cpu', 'cuda', 'cuda:1' or 'mps', "
            f"got {str(preferred)!r}"
        )
    if device.type == "cuda":
        count = torch.cuda.device_count()
        index = device.index or 0
        if index >= count:
            raise ValueError(
                f"{source} asks for {device} but this machine has {count} CUDA device(s); "
                f"use 'cpu', or unset {DEVICE_ENV_VAR} to let the course choose"
            )
    if device.type == "mps" and not _mps_available():
        raise ValueError(
            f"{source} asks for mps but Apple's MPS backend is not available here; "
            f"use 'cpu', or unset {DEVICE_ENV_VAR} to let the course choose"
        )
    return device


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (every device) with ``seed``.

    Two runs seeded alike draw the same numbers:

    >>> seed_everything(0)
    >>> a = torch.rand(2)
    >>> seed_everything(0)
    >>> torch.equal(a, torch.rand(2))
    True
    >>> seed_everything(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an integer in [0, 2**32), got -1
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32), got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def describe_environment(device: torch.device | str | None = None) -> dict[str, object]:
    """Return the versions and hardware the course sees, as a plain dictionary.

    ``device`` is the course's device (``choose_device()`` when not given).

    >>> info = describe_environment("cpu")
    >>> info["device"], info["torch"] == torch.__version__
    ('cpu', True)
    """
    import torchvision  # imported here: only this function needs it

    device = _choose(device, "device")
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "cuda_available": torch.cuda.is_available(),
        "cuda_device_count": torch.cuda.device_count(),
        "mps_available": _mps_available(),
        "device": str(device),
    }
