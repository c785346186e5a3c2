"""Sampling names from a character language model at a temperature: the next character's
probabilities after a prefix, a few sampled names with the model's probability of each, and the
live widget of chapter 11 (a temperature slider and a prefix box).

The compute lives in ``utils.sequence_models`` (``next_char_probs``, ``sample_names``); this
module formats it (``describe_sampling``), draws it (``draw_sampling``) and ties controls to it
(``sampling_widget``).

    >>> import torch
    >>> from utils.sequence_models import CharGRU, names_vocab
    >>> _ = torch.manual_seed(0)
    >>> result = sample(CharGRU(27), names_vocab(), prefix="ma", temperature=1.0, num=3)
    >>> result.prefix, len(result.probs), len(result.samples)
    ('ma', 27, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets
import torch
from matplotlib.figure import Figure
from torch import nn

from utils.sequence_models import (
    check_temperature,
    load_pretrained,
    names_vocab,
    next_char_probs,
    sample_names,
)
from utils.text import CharVocab
from utils.widgets import LivePlot

TEMPERATURE_RANGE = (0.1, 2.0, 0.1)
"""min, max, step of the temperature slider."""

NUM_SAMPLES = 6
"""How many names the widget samples for each setting."""


@dataclass(frozen=True)
class SamplingResult:
    """What the sampling widget shows for one temperature and prefix."""

    prefix: str  # the letters every sample starts with
    temperature: float  # T: the logits are divided by it before the softmax
    chars: str  # the vocabulary, index order
    probs: torch.Tensor  # (vocab,) the next character's probabilities at T
    samples: list[tuple[str, float]]  # sampled names and the model's probability of each (T = 1)


def clean_prefix(prefix: str, vocab: CharVocab) -> str:
    """The prefix typed in the box, stripped and lower-cased; a character the vocabulary lacks
    raises ``ValueError`` naming it.

    >>> clean_prefix(" Ma ", names_vocab())
    'ma'
    """
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string, got {type(prefix).__name__}")
    text = prefix.strip().lower()
    unknown = sorted(set(text) - set(vocab.chars[1:]))
    if unknown:
        raise ValueError(f"prefix may hold only the letters {vocab.chars[1:]!r}, got {unknown}")
    return text


def sample(
    model: nn.Module,
    vocab: CharVocab,
    prefix: str = "",
    temperature: float = 1.0,
    num: int = NUM_SAMPLES,
    seed: int = 0,
) -> SamplingResult:
    """The next character's probabilities after ``prefix`` at ``temperature``, and ``num`` names
    sampled at that temperature (the same ``seed`` each time, so only T and the prefix change
    them)."""
    prefix = clean_prefix(prefix, vocab)
    temperature = check_temperature(temperature)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a model this small runs faster on one thread
    try:
        probs = next_char_probs(model, vocab, prefix, temperature)
        samples = sample_names(model, vocab, prefix, temperature, num=num, seed=seed)
    finally:
        torch.set_num_threads(threads)
    return SamplingResult(prefix, temperature, vocab.chars, probs, samples)


def describe_sampling(result: SamplingResult, top: int = 3) -> str:
    """One readout line: the likeliest next characters and the samples.

    >>> r = SamplingResult("a", 1.0, ".ab", torch.tensor([0.5, 0.2, 0.3]), [("ab", 0.25)])
    >>> describe_sampling(r, top=2)
    "T = 1.0 · after 'a': . 0.50, b 0.30 · samples: ab (p 0.25)"
    """
    best = result.probs.topk(min(top, result.probs.numel()))
    likely = ", ".join(
        f"{result.chars[i]} {p:.2f}"
        for p, i in zip(best.values.tolist(), best.indices.tolist(), strict=True)
    )
    names = ", ".join(f"{name} (p {p:.2g})" for name, p in result.samples)
    return f"T = {result.temperature:.1f} · after {result.prefix!r}: {likely} · samples: {names}"


def draw_sampling(
    fig: Figure,
    model: nn.Module,
    vocab: CharVocab,
    prefix: str,
    temperature: float,
    num: int = NUM_SAMPLES,
) -> str:
    """Draw the next character's probabilities as bars (the boundary "." means "end the name")
    and list the samples beside them; return the readout."""
    result = sample(model, vocab, prefix, temperature, num)
    bars = fig.add_axes((0.05, 0.1, 0.68, 0.8))
    bars.bar(range(len(vocab)), result.probs.tolist(), color="tab:blue")
    bars.set(
        ylim=(0, 1.05), title=f"next character after '{result.prefix}' at T = {temperature:.1f}"
    )
    bars.set_xticks(range(len(vocab)), list(vocab.chars))
    lines = [f"{name:<14} {p:.1e}" for name, p in result.samples]
    fig.text(0.76, 0.9, "samples (p)\n" + "\n".join(lines), va="top", family="monospace")
    return describe_sampling(result)


def sampling_widget(
    model: nn.Module | None = None,
    vocab: CharVocab | None = None,
    prefix: str = "",
    temperature: float = 1.0,
) -> LivePlot:
    """A temperature slider (``T``) and a prefix box (``prefix``) over ``model`` (default: the
    shipped GRU of chapter 11, ``load_pretrained("gru")``).

    >>> live = sampling_widget()
    >>> live.readout_text.startswith("T = 1.0 · after ''")
    True
    >>> live.set(T=0.5, prefix="mar").readout_text.startswith("T = 0.5 · after 'mar'")
    True
    """
    model = load_pretrained("gru") if model is None else model
    vocab = names_vocab() if vocab is None else vocab
    low, high, step = TEMPERATURE_RANGE
    if not low <= check_temperature(temperature) <= high:
        raise ValueError(
            f"temperature must lie between {low} and {high} for the slider, got {temperature}"
        )
    clean_prefix(prefix, vocab)  # rejects a bad prefix before any widget is built
    controls: dict[str, ipywidgets.ValueWidget] = {
        "T": ipywidgets.FloatSlider(
            value=temperature, min=low, max=high, step=step, description="T"
        ),
        "prefix": ipywidgets.Text(value=prefix, description="prefix", continuous_update=False),
    }

    def draw(fig: Figure, T: float, prefix: str) -> str:
        return draw_sampling(fig, model, vocab, prefix, T)

    return LivePlot(controls, draw, figsize=(7.5, 2.8))
