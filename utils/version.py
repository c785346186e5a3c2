"""Which PyTorch a cell needs: a cell that uses an API newer than the course's declared floor
asks first, and on an older install says so in one line instead of raising.

    >>> from utils.version import has_torch
    >>> has_torch("2.0", "torch.compile")
    True
"""

from __future__ import annotations

import re

import torch


def _release(version: str, argument: str = "version") -> tuple[int, ...]:
    """The numeric release of a version string: "2.9.1+cu128" -> (2, 9, 1)."""
    if not isinstance(version, str):
        raise TypeError(
            f"{argument} must be a version string such as '2.10', got {type(version).__name__} "
            f"{version!r} (write the version in quotes: 2.10 as a number is 2.1)"
        )
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    if match is None:
        raise ValueError(f"{argument} must look like '2.10' or '2.9.1', got {version!r}")
    return tuple(int(part) for part in match.group().split("."))


def has_version(installed: str, needed: str, what: str, package: str = "torch") -> bool:
    """True when ``installed`` is at least ``needed``; otherwise print one line saying that
    ``what`` needs ``package`` ``needed`` or newer and which version is here, and return False.

    >>> has_version("2.9.1", "2.10", "nn.XLoss")
    ⏭ nn.XLoss needs torch 2.10 or newer; this is torch 2.9.1, so this cell skips it.
    False
    >>> has_version("2.14.1", "2.10", "nn.XLoss")
    True
    """
    if not isinstance(what, str) or not what:
        raise TypeError(f"what must name the API the cell needs, got {what!r}")
    if not isinstance(package, str) or not package:
        raise TypeError(f"package must name the package, such as 'torch', got {package!r}")
    if _release(installed, "installed") >= _release(needed, "needed"):
        return True
    print(
        f"⏭ {what} needs {package} {needed} or newer; this is {package} {installed}, "
        "so this cell skips it."
    )
    return False


def has_torch(needed: str, what: str) -> bool:
    """``has_version`` for the installed torch: ``if has_torch("2.10", "nn.X"): ...``."""
    return has_version(torch.__version__, needed, what)


def has_torchvision(needed: str, what: str) -> bool:
    """``has_version`` for the installed torchvision."""
    import torchvision  # imported here: only this function needs it

    return has_version(torchvision.__version__, needed, what, "torchvision")
