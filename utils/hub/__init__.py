"""The course as a torch.hub repository inside the installed package: ``hubconf.py`` and the
course's weights live in this folder, so ``torch.hub.load(repo_dir(), ..., source="local")``
works offline wherever the package is installed (a clone, Colab, Binder).

    >>> (repo_dir() / "hubconf.py").is_file()
    True
"""

from __future__ import annotations

from pathlib import Path


def repo_dir() -> Path:
    """The folder to pass to ``torch.hub.load(..., source="local")``: it holds ``hubconf.py``."""
    return Path(__file__).resolve().parent
