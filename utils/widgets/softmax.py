"""Softmax with a temperature, the cross-entropy of one target class and its gradient, and the
live widget that shows all three while the student moves the logits.

The compute functions work on tensors and know nothing about drawing; ``draw_softmax`` turns
their result into two bar charts and a readout line; ``softmax_widget`` ties sliders to it.

    >>> result = softmax_cross_entropy([0.0, 0.0], target=1)
    >>> result.probs.tolist(), round(result.loss, 4), result.grad.tolist()
    ([0.5, 0.5], 0.6931, [0.5, -0.5])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets
import matplotlib.ticker
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from utils.widgets import LivePlot, float_slider
from utils.widgets.drawing import label_axes, two_panels

DEFAULT_LOGITS = (-0.5, -0.3, 0.0, 0.3, 0.5)
"""The widget's starting logits: the example whose softmax chapter 06 checks."""

LOGIT_RANGE = (-5.0, 5.0, 0.1)
"""min, max, step of each logit slider."""

TEMPERATURE_RANGE = (0.1, 5.0, 0.1)
"""min, max, step of the temperature slider."""


@dataclass(frozen=True)
class SoftmaxResult:
    """What the softmax widget shows for one setting of its sliders."""

    logits: torch.Tensor  # the raw scores z, 1-D
    temperature: float  # T: the probabilities are softmax(z / T)
    target: int  # the class whose cross-entropy is measured
    probs: torch.Tensor  # softmax(z / T), positive, sums to 1
    loss: float  # cross-entropy of the target class: -log(probs[target])
    grad: torch.Tensor  # d loss / d z = (probs - one_hot(target)) / T


def as_logits(logits: object) -> torch.Tensor:
    """Return ``logits`` (a sequence of numbers or a 1-D tensor) as a 1-D float64 tensor,
    after checking it has at least two finite entries.

    >>> as_logits([1, 2]).tolist()
    [1.0, 2.0]
    >>> as_logits([1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: logits must all be finite numbers, got [1.0, nan]
    """
    if isinstance(logits, torch.Tensor):
        tensor = logits.detach().to("cpu", torch.float64)
    elif isinstance(logits, Sequence) and not isinstance(logits, (str, bytes)):
        try:
            tensor = torch.tensor([float(value) for value in logits], dtype=torch.float64)
        except (TypeError, ValueError):
            raise TypeError(f"logits must be numbers, got {list(logits)!r}") from None
    else:
        raise TypeError(
            f"logits must be a list of numbers or a 1-D tensor, got {type(logits).__name__}"
        )
    if tensor.ndim != 1 or tensor.numel() < 2:
        raise ValueError(
            f"logits must be 1-D with at least two classes, got shape {tuple(tensor.shape)}"
        )
    if not torch.isfinite(tensor).all():
        raise ValueError(f"logits must all be finite numbers, got {tensor.tolist()}")
    return tensor


def check_temperature(temperature: float) -> float:
    """Return ``temperature`` as a float after checking it is finite and positive.

    >>> check_temperature(2)
    2.0
    >>> check_temperature(0)
    Traceback (most recent call last):
    ...
    ValueError: temperature must be a positive number, got 0
    """
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a positive number, got {temperature}")
    return float(temperature)


def softmax_with_temperature(logits: object, temperature: float = 1.0) -> torch.Tensor:
    """Return softmax(logits / temperature): positive numbers that sum to 1, in the order of
    the logits. A temperature below 1 sharpens the distribution, above 1 flattens it.

    >>> softmax_with_temperature([0.0, 1.0], temperature=1e-3).tolist()
    [0.0, 1.0]
    >>> softmax_with_temperature([0.0, 1.0], temperature=1e3).round(decimals=3).tolist()
    [0.5, 0.5]
    """
    z = as_logits(logits)
    return torch.softmax(z / check_temperature(temperature), dim=0)


def softmax_cross_entropy(logits: object, target: int, temperature: float = 1.0) -> SoftmaxResult:
    """Softmax, cross-entropy of class ``target`` and its gradient with respect to the logits,
    all computed by PyTorch (``F.cross_entropy`` and autograd).

    The gradient is (softmax - one_hot(target)) / temperature: the target's logit is pushed up,
    every other logit down in proportion to its probability.

    >>> result = softmax_cross_entropy([1.0, 2.0, 3.0], target=2)
    >>> round(result.loss, 4), result.grad.sum().abs().item() < 1e-12
    (0.4076, True)
    >>> softmax_cross_entropy([1.0, 2.0], target=2)
    Traceback (most recent call last):
    ...
    ValueError: target must be a class index from 0 to 1, got 2
    """
    z = as_logits(logits).requires_grad_(True)
    temperature = check_temperature(temperature)
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"target must be an int class index, got {type(target).__name__}")
    if not 0 <= target < z.numel():
        raise ValueError(f"target must be a class index from 0 to {z.numel() - 1}, got {target}")
    scaled = z / temperature
    loss = F.cross_entropy(scaled[None], torch.tensor([target]))
    (grad,) = torch.autograd.grad(loss, z)
    return SoftmaxResult(
        logits=z.detach(),
        temperature=temperature,
        target=target,
        probs=torch.softmax(scaled.detach(), dim=0),
        loss=loss.item(),
        grad=grad,
    )


def format_numbers(values: torch.Tensor) -> str:
    """Format a 1-D tensor as ``[a, b, ...]`` with 4 decimals (as the chapters print).

    >>> format_numbers(torch.tensor([0.5, -0.25]))
    '[0.5000, -0.2500]'
    """
    return "[" + ", ".join(f"{value:.4f}" for value in values.tolist()) + "]"


def describe_result(result: SoftmaxResult) -> str:
    """The widget's readout line: temperature, probabilities, loss and gradient.

    >>> describe_result(softmax_cross_entropy([0.0, 0.0], target=0))
    'T = 1.00 · p = [0.5000, 0.5000] · CE(target 0) = 0.6931 · grad = [-0.5000, 0.5000]'
    """
    return (
        f"T = {result.temperature:.2f} · p = {format_numbers(result.probs)} · "
        f"CE(target {result.target}) = {result.loss:.4f} · grad = {format_numbers(result.grad)}"
    )


def draw_softmax(fig: Figure, logits: object, temperature: float, target: int) -> str:
    """Draw the probabilities and the gradient as two bar charts on ``fig``; return the readout.

    >>> fig = Figure()
    >>> draw_softmax(fig, [0.0, 0.0], 1.0, 1).split(" · ")[2]
    'CE(target 1) = 0.6931'
    >>> [ax.get_title() for ax in fig.axes]
    ['probabilities softmax(z / T)', 'gradient ∂CE/∂z = (p − one-hot) / T']
    """
    result = softmax_cross_entropy(logits, target, temperature)
    classes = list(range(result.probs.numel()))
    colors = ["tab:orange" if c == result.target else "tab:blue" for c in classes]
    left, right = two_panels(fig)
    left.bar(classes, result.probs.tolist(), color=colors)
    left.set_ylim(0, 1.05)
    label_axes(left, "probabilities softmax(z / T)", f"class (orange: target {result.target})")
    right.bar(classes, result.grad.tolist(), color=colors)
    right.axhline(0, color="black", linewidth=0.8)
    limit = 1.1 * max(1.0, result.grad.abs().max().item())
    right.set_ylim(-limit, limit)
    label_axes(right, "gradient ∂CE/∂z = (p − one-hot) / T", f"class · CE = {result.loss:.4f}")
    for ax in (left, right):
        ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(classes))
    return describe_result(result)


def softmax_widget(
    logits: Sequence[float] = DEFAULT_LOGITS, temperature: float = 1.0, target: int | None = None
) -> LivePlot:
    """A live softmax: one slider per logit (``z0``, ``z1``, ...), one for the temperature
    (``T``) and a drop-down for the target class (``target``, default: the last class).

    >>> live = softmax_widget()
    >>> live.readout_text.split(" · ")[2]
    'CE(target 4) = 1.1763'
    >>> live.set(z4=3.0).readout_text.split(" · ")[2]
    'CE(target 4) = 0.1690'
    """
    z = as_logits(logits)
    low, high, step = LOGIT_RANGE
    if not ((z >= low) & (z <= high)).all():
        raise ValueError(
            f"logits must lie between {low} and {high} for the sliders, got {z.tolist()}"
        )
    t_low, t_high, t_step = TEMPERATURE_RANGE
    if not t_low <= check_temperature(temperature) <= t_high:
        raise ValueError(
            f"temperature must lie between {t_low} and {t_high} for the slider, got {temperature}"
        )
    if target is None:
        target = z.numel() - 1
    softmax_cross_entropy(z, target)  # rejects a bad target before any widget is built
    narrow = ipywidgets.Layout(width="210px")
    controls: dict[str, ipywidgets.ValueWidget] = {
        f"z{i}": float_slider(f"z{i}", value, low, high, step, layout=narrow)
        for i, value in enumerate(z.tolist())
    }
    controls["T"] = float_slider("T", float(temperature), t_low, t_high, t_step, layout=narrow)
    controls["target"] = ipywidgets.Dropdown(
        options=list(range(z.numel())),
        value=target,
        description="target",
        layout=narrow,
        style={"description_width": "initial"},
    )
    count = z.numel()

    def draw(fig: Figure, T: float, target: int, **sliders: float) -> str:
        values = [sliders[f"z{i}"] for i in range(count)]
        return draw_softmax(fig, values, T, target)

    live = LivePlot(controls, draw, figsize=(8.0, 3.2))
    live.box.children[0].layout.flex_flow = "row wrap"  # the sliders wrap onto a second line
    return live
