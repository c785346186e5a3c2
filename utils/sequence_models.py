"""Character-level language models of chapters 11 and 12, and what both chapters do with them:
batches, a loss per character, sampling at a temperature, the shipped weights.

A model takes a batch of character indices (N, T) and returns logits (N, T, vocab): at every
position, a score for each character that could come next. ``CharGRU`` reads left to right with
a hidden state (and returns it as well); ``CharTransformer`` looks back over at most ``context``
characters through causal self-attention.

    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> gru, transformer = CharGRU(27), CharTransformer(27)
    >>> ids = torch.zeros(2, 5, dtype=torch.long)
    >>> tuple(logits_of(gru, ids).shape), tuple(logits_of(transformer, ids).shape)
    ((2, 5, 27), (2, 5, 27))
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from utils.text import BOUNDARY, CharVocab

WEIGHTS_DIR = Path(__file__).resolve().parent / "hub" / "weights"
WEIGHT_FILES = {"gru": "char_gru_names.pth", "transformer": "char_transformer_names.pth"}
"""The shipped weights (``tools/make_text_weights.py`` makes them) of each model kind."""

IGNORE_INDEX = -100
"""The target of a padded position: ``F.cross_entropy`` skips it."""


class CharGRU(nn.Module):
    """Embedding, one GRU layer, a linear layer to the next character's scores."""

    def __init__(self, vocab_size: int, embed_dim: int = 16, hidden_size: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.gru = nn.GRU(embed_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(
        self, ids: torch.Tensor, h: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (N, T, vocab) and the last hidden state (1, N, hidden_size)."""
        output, h = self.gru(self.embed(ids), h)
        return self.head(output), h


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which position t sees positions 0..t only. The attention
    weights of the last call are kept in ``last_weights`` (N, heads, T, T) for pictures."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be a multiple of n_heads ({n_heads})")
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.last_weights: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, t, d = x.shape
        q, k, v = (
            part.view(n, t, self.n_heads, d // self.n_heads).transpose(1, 2)
            for part in self.qkv(x).split(d, dim=2)
        )
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.n_heads)
        future = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
        self.last_weights = weights.detach()
        return self.proj((weights @ v).transpose(1, 2).reshape(n, t, d))


class Block(nn.Module):
    """A pre-norm transformer block: x + attention(norm(x)), then x + MLP(norm(x))."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attention = CausalSelfAttention(d_model, n_heads)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class CharTransformer(nn.Module):
    """Token and position embeddings, ``n_layers`` causal blocks, a linear layer to the next
    character's scores. Reads at most ``context`` characters."""

    def __init__(
        self,
        vocab_size: int,
        context: int = 16,
        d_model: int = 64,
        n_heads: int = 4,
        n_layers: int = 2,
    ) -> None:
        super().__init__()
        self.context = context
        self.embed = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(context, d_model)
        self.blocks = nn.Sequential(*(Block(d_model, n_heads) for _ in range(n_layers)))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits (N, T, vocab) for T <= context."""
        t = ids.shape[1]
        if t > self.context:
            raise ValueError(f"ids has {t} positions, more than the context of {self.context}")
        x = self.embed(ids) + self.position(torch.arange(t, device=ids.device))
        return self.head(self.norm(self.blocks(x)))


def logits_of(model: nn.Module, ids: torch.Tensor) -> torch.Tensor:
    """The logits (N, T, vocab) of either model for ``ids`` (N, T); a transformer reads the last
    ``context`` positions only, so the result then has at most ``context`` positions."""
    context = getattr(model, "context", None)
    if context is not None and ids.shape[1] > context:
        ids = ids[:, -context:]
    out = model(ids)
    return out[0] if isinstance(out, tuple) else out


def count_parameters(model: nn.Module) -> int:
    """The number of trainable numbers in ``model``.

    >>> count_parameters(nn.Linear(3, 2))
    8
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def name_batch(vocab: CharVocab, names: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs ``.name`` and targets ``name.`` for every name, padded to the longest: inputs with
    the boundary index 0, targets with ``IGNORE_INDEX`` so the loss skips them.

    >>> v = CharVocab.from_texts(["ab"])
    >>> x, y = name_batch(v, ["ab", "b"])
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2], [0, 2, 0]], [[1, 2, 0], [2, 0, -100]])
    """
    if not names:
        raise ValueError("names must hold at least one name")
    length = 1 + max(len(n) for n in names)
    x = torch.zeros(len(names), length, dtype=torch.long)
    y = torch.full((len(names), length), IGNORE_INDEX, dtype=torch.long)
    for row, name in enumerate(names):
        ids = vocab.encode(name)
        x[row, 1 : len(ids) + 1] = torch.tensor(ids, dtype=torch.long)
        y[row, : len(ids) + 1] = torch.tensor(ids + [0], dtype=torch.long)
    return x, y


@torch.no_grad()
def name_loss(model: nn.Module, vocab: CharVocab, names: Sequence[str]) -> float:
    """The mean cross-entropy per character (each name's letters and its end) of ``names``, each
    read from its start with a fresh state. ``exp`` of it is the perplexity."""
    was_training = model.training
    model.eval()
    try:
        x, y = name_batch(vocab, names)
        logits = logits_of(model, x)
        return F.cross_entropy(logits.transpose(1, 2), y, ignore_index=IGNORE_INDEX).item()
    finally:
        model.train(was_training)


def stream_rows(stream: torch.Tensor, batch_size: int) -> torch.Tensor:
    """Cut a 1-D ``stream`` into ``batch_size`` rows of equal length (the tail that does not fit
    is dropped): row b continues where it left off from one chunk to the next.

    >>> stream_rows(torch.arange(7), 2).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    if stream.dim() != 1 or not 1 <= batch_size <= len(stream):
        raise ValueError(
            f"stream must be 1-D and batch_size between 1 and its length, got shape "
            f"{tuple(stream.shape)} and batch_size {batch_size}"
        )
    length = len(stream) // batch_size
    return stream[: length * batch_size].view(batch_size, length)


def stream_chunks(
    vocab: CharVocab,
    names: Sequence[str],
    chunk: int = 32,
    batch_size: int = 32,
    seed: int = 0,
) -> Iterator[tuple[torch.Tensor, torch.Tensor, bool]]:
    """Endless training chunks ``(x, y, new_epoch)`` for truncated backpropagation through time.

    Each epoch puts ``names`` in a new random order, joins them into one stream
    (``vocab.stream``), cuts it into ``batch_size`` rows (``stream_rows``) and reads the rows
    ``chunk`` characters at a time: ``x`` (batch_size, chunk) and ``y``, the characters that
    follow. ``new_epoch`` is True for the first chunk of each epoch, where a carried hidden
    state must start afresh.

    >>> v = CharVocab.from_texts(["ab"])
    >>> x, y, new = next(stream_chunks(v, ["ab", "ba", "a", "b"], chunk=3, batch_size=2))
    >>> tuple(x.shape), bool((x[:, 1:] == y[:, :-1]).all()), new
    ((2, 3), True, True)
    """
    generator = torch.Generator().manual_seed(seed)
    while True:
        order = torch.randperm(len(names), generator=generator).tolist()
        rows = stream_rows(vocab.stream([names[i] for i in order]), batch_size)
        for start in range(0, rows.shape[1] - chunk - 1, chunk):
            yield rows[:, start : start + chunk], rows[:, start + 1 : start + chunk + 1], start == 0


def random_windows(
    stream: torch.Tensor, batch_size: int, length: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch_size`` random windows of ``length`` characters of ``stream`` and, as targets,
    the same windows shifted by one."""
    starts = torch.randint(len(stream) - length, (batch_size,), generator=generator)
    x = torch.stack([stream[s : s + length] for s in starts.tolist()])
    y = torch.stack([stream[s + 1 : s + length + 1] for s in starts.tolist()])
    return x, y


def check_temperature(temperature: float) -> float:
    """``temperature`` as a float, if it is a finite number above 0."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number above 0, got {temperature!r}")
    return float(temperature)


@torch.no_grad()
def next_char_probs(
    model: nn.Module, vocab: CharVocab, prefix: str = "", temperature: float = 1.0
) -> torch.Tensor:
    """The probabilities (vocab,) of the character after ``.prefix``: softmax(logits / T)."""
    temperature = check_temperature(temperature)
    was_training = model.training
    model.eval()
    try:
        ids = torch.tensor([[0] + vocab.encode(prefix)])
        return (logits_of(model, ids)[0, -1] / temperature).softmax(dim=-1)
    finally:
        model.train(was_training)


@torch.no_grad()
def sample_names(
    model: nn.Module,
    vocab: CharVocab,
    prefix: str = "",
    temperature: float = 1.0,
    num: int = 8,
    max_len: int = 20,
    seed: int = 0,
) -> list[tuple[str, float]]:
    """Sample ``num`` names that start with ``prefix``: one character at a time from
    softmax(logits / ``temperature``), until the boundary or ``max_len`` characters. Each name
    comes with the model's own probability (at temperature 1) of the characters it added,
    the end included.

    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> v = CharVocab.from_texts(["ab"])
    >>> [name.startswith("b") for name, _ in sample_names(CharGRU(len(v)), v, "b", num=3)]
    [True, True, True]
    """
    temperature = check_temperature(temperature)
    if not isinstance(num, int) or num < 1:
        raise ValueError(f"num must be a whole number of at least 1, got {num!r}")
    generator = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    try:
        ids = torch.tensor([[0] + vocab.encode(prefix)] * num)
        log_prob = torch.zeros(num)
        done = torch.zeros(num, dtype=torch.bool)
        for _ in range(max_len - len(prefix) + 1):
            logits = logits_of(model, ids)[:, -1]
            choice = torch.multinomial((logits / temperature).softmax(-1), 1, generator=generator)
            step = logits.log_softmax(-1).gather(1, choice).squeeze(1)
            log_prob += step.masked_fill(done, 0.0)
            choice = choice.masked_fill(done.unsqueeze(1), 0)
            ids = torch.cat([ids, choice], dim=1)
            done |= choice.squeeze(1) == 0
            if done.all():
                break
    finally:
        model.train(was_training)
    names = [vocab.decode(row[1:]).split(BOUNDARY)[0] for row in ids]
    return [
        (prefix + name[len(prefix) :], p)
        for name, p in zip(names, log_prob.exp().tolist(), strict=True)
    ]


def names_vocab() -> CharVocab:
    """The vocabulary of the names corpus: the boundary and a to z, 27 characters."""
    return CharVocab(BOUNDARY + "abcdefghijklmnopqrstuvwxyz")


def new_model(kind: str, vocab_size: int = 27) -> nn.Module:
    """A fresh ``CharGRU`` (``kind="gru"``) or ``CharTransformer`` (``"transformer"``) with the
    sizes of the shipped weights."""
    if kind == "gru":
        return CharGRU(vocab_size)
    if kind == "transformer":
        return CharTransformer(vocab_size)
    raise ValueError(f"kind must be one of {sorted(WEIGHT_FILES)}, got {kind!r}")


def recorded_sha256(file_name: str, weights_dir: Path = WEIGHTS_DIR) -> str:
    """The SHA-256 that ``weights_dir/SHA256SUMS`` records for ``file_name``."""
    for line in (weights_dir / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = line.split()
            if name == file_name:
                return digest
    raise ValueError(f"{file_name} is not listed in {weights_dir / 'SHA256SUMS'}")


def load_pretrained(kind: str, weights_dir: Path = WEIGHTS_DIR) -> nn.Module:
    """The shipped ``kind`` model ("gru" or "transformer"), trained on the names by
    ``tools/make_text_weights.py``, in eval mode. The file's SHA-256 must match SHA256SUMS."""
    model = new_model(kind)
    path = weights_dir / WEIGHT_FILES[kind]
    blob = path.read_bytes()
    if hashlib.sha256(blob).hexdigest() != recorded_sha256(path.name, weights_dir):
        raise RuntimeError(f"{path.name} does not match its SHA-256 in {weights_dir}/SHA256SUMS")
    model.load_state_dict(torch.load(path, weights_only=True))
    return model.eval()
