"""Gradient descent you can watch: paths of the real ``torch.optim`` optimizers on small test
functions, exponentially weighted averages, and the four live widgets built on them (learning
rate on a parabola, the beta of an average, momentum in a valley, an optimizer race).

Compute functions return plain data (a ``Path`` of NumPy arrays) and know nothing about
drawing; the ``draw_*`` functions draw on a figure and return the readout line; the
``*_widget`` functions tie sliders to them with ``LivePlot``.

    >>> path = optimize(parabola, [2.0], "SGD", lr=0.1, steps=3)
    >>> path.points[:, 0].round(4).tolist()
    [2.0, 0.4, 0.08, 0.016]
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import contourpy
import ipywidgets
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from utils.widgets import LivePlot, float_slider
from utils.widgets.drawing import color_key, draw_lines, label_axes, two_panels

LOSS_LIMIT = 1e12
"""A run stops (and counts as diverged) once its loss exceeds this or stops being finite."""

PARABOLA_START = (2.0,)
"""Where descent on y = 4x² starts."""

VALLEY_START = (-4.0, 1.5)
"""Where descent in the valley f(x, y) = 0.1x² + 2y² starts."""

VALLEY_CURVATURES = (0.2, 4.0)
"""The valley's curvatures (second derivatives) along x and along y."""

RACE_START = (-1.5, 2.0)
"""Where the optimizer race on Rosenbrock's function starts (its minimum is at (1, 1))."""

RACE_OPTIONS = {"LBFGS": {"max_iter": 1}}
"""Extra arguments in the race: one L-BFGS iteration per step, as every other optimizer."""


# --- test functions: each maps points of shape (..., dim) to values of shape (...) ----------


def parabola(point: torch.Tensor) -> torch.Tensor:
    """y = 4x², the articles' example: gradient 8x, minimum 0 at x = 0.

    >>> parabola(torch.tensor([2.0])).item()
    16.0
    """
    return 4 * point[..., 0] ** 2


def valley(point: torch.Tensor) -> torch.Tensor:
    """f(x, y) = 0.1x² + 2y²: a long, narrow valley (curvature 0.2 along x, 4 along y).

    >>> valley(torch.tensor([[1.0, 1.0], [0.0, 0.0]], dtype=torch.float64)).tolist()
    [2.1, 0.0]
    """
    return 0.1 * point[..., 0] ** 2 + 2 * point[..., 1] ** 2


def rosenbrock(point: torch.Tensor) -> torch.Tensor:
    """Rosenbrock's function (1 − x)² + 100 (y − x²)²: a curved valley, minimum 0 at (1, 1).

    >>> rosenbrock(torch.tensor([[1.0, 1.0], [0.0, 0.0]])).tolist()
    [0.0, 1.0]
    """
    x, y = point[..., 0], point[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


# --- argument checks --------------------------------------------------------------------


def check_lr(lr: float) -> float:
    """Return ``lr`` as a float after checking it is a finite positive number.

    >>> check_lr(0.1)
    0.1
    >>> check_lr(-0.1)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a positive number, got -0.1
    """
    if isinstance(lr, bool) or not isinstance(lr, (int, float)):
        raise TypeError(f"lr must be a number, got {type(lr).__name__}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr}")
    return float(lr)


def check_fraction(value: float, name: str) -> float:
    """Return ``value`` as a float after checking 0 <= value < 1 (a momentum or a beta);
    ``name`` is the argument's name, used in the message.

    >>> check_fraction(0.9, "momentum")
    0.9
    >>> check_fraction(1.0, "momentum")
    Traceback (most recent call last):
    ...
    ValueError: momentum must be at least 0 and below 1, got 1.0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not (math.isfinite(value) and 0 <= value < 1):
        raise ValueError(f"{name} must be at least 0 and below 1, got {value}")
    return float(value)


def check_steps(steps: int) -> int:
    """Return ``steps`` after checking it is a positive int.

    >>> check_steps(0)
    Traceback (most recent call last):
    ...
    ValueError: steps must be a positive int, got 0
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    return steps


def optimizer_names() -> list[str]:
    """The optimizer classes ``torch.optim`` exports: every subclass of ``Optimizer`` but the
    base class itself, in alphabetical order.

    >>> {"SGD", "Adam", "LBFGS", "SparseAdam"} <= set(optimizer_names())
    True
    >>> "Optimizer" in optimizer_names()
    False
    """
    return sorted(
        name
        for name, value in vars(torch.optim).items()
        if inspect.isclass(value)
        and issubclass(value, torch.optim.Optimizer)
        and value is not torch.optim.Optimizer
    )


def optimizer_class(optimizer: str) -> type[torch.optim.Optimizer]:
    """Return the ``torch.optim`` class called ``optimizer``.

    >>> optimizer_class("Adam").__name__
    'Adam'
    >>> optimizer_class("Adamm")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: optimizer must be one of ['ASGD', ...], got 'Adamm'
    """
    names = optimizer_names()
    if optimizer not in names:
        raise ValueError(f"optimizer must be one of {names}, got {optimizer!r}")
    return getattr(torch.optim, optimizer)


def as_start(start: object) -> torch.Tensor:
    """Return the starting point as a 1-D float64 tensor of finite numbers.

    >>> as_start([1, 2]).tolist()
    [1.0, 2.0]
    >>> as_start([float("inf")])
    Traceback (most recent call last):
    ...
    ValueError: start must be finite numbers, got [inf]
    """
    try:
        tensor = torch.as_tensor(start, dtype=torch.float64).detach().cpu().flatten()
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"start must be a list of numbers, got {start!r}") from None
    if tensor.numel() == 0 or not torch.isfinite(tensor).all():
        raise ValueError(f"start must be finite numbers, got {tensor.tolist()}")
    return tensor


# --- running an optimizer ---------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """Where an optimizer went: the start, then the point after each step."""

    optimizer: str  # name of the torch.optim class that made the steps
    lr: float  # its learning rate
    points: np.ndarray  # shape (steps + 1, dim): the start, then one row per step
    losses: np.ndarray  # shape (steps + 1,): the function's value at each point
    diverged: bool  # True when the run stopped early: the loss passed LOSS_LIMIT or overflowed

    @property
    def steps(self) -> int:
        """How many steps the path holds (fewer than asked for when it diverged)."""
        return len(self.losses) - 1


def optimize(
    function: Callable[[torch.Tensor], torch.Tensor],
    start: object,
    optimizer: str = "SGD",
    lr: float = 0.01,
    steps: int = 20,
    **options: object,
) -> Path:
    """Minimise ``function`` from ``start`` with ``steps`` steps of the ``torch.optim`` class
    named ``optimizer`` (``options`` go to its constructor, e.g. ``momentum=0.9``).

    The point is a (1, dim) float64 parameter (Muon wants matrices). For ``SparseAdam`` it is
    the weight of an ``nn.Embedding(1, dim, sparse=True)``, so its gradient is sparse. Every
    optimizer gets the same closure (zero the gradients, evaluate, backward), which ``LBFGS``
    requires. A run whose loss passes ``LOSS_LIMIT`` or overflows stops there: the path holds
    only finite numbers and ``diverged`` is True.

    >>> optimize(parabola, [2.0], "SGD", lr=0.3, steps=200).diverged
    True
    >>> optimize(parabola, [2.0], "SGD", lr=0.1, momentum=1.5)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be at least 0 and below 1, got 1.5
    """
    optimizer_type = optimizer_class(optimizer)
    lr, steps, point = check_lr(lr), check_steps(steps), as_start(start)
    if not callable(function):
        raise TypeError(f"function must map a tensor to a tensor, got {type(function).__name__}")
    if "momentum" in options:
        check_fraction(options["momentum"], "momentum")
    if optimizer == "SparseAdam":
        table = torch.nn.Embedding(1, point.numel(), sparse=True, dtype=torch.float64)
        with torch.no_grad():
            table.weight.copy_(point[None])
        parameter, row = table.weight, torch.zeros(1, dtype=torch.long)

        def current() -> torch.Tensor:
            return table(row)
    else:
        parameter = point[None].clone().requires_grad_(True)

        def current() -> torch.Tensor:
            return parameter

    instance = optimizer_type([parameter], lr=lr, **options)

    def closure() -> torch.Tensor:
        instance.zero_grad()
        loss = function(current()).sum()
        loss.backward()
        return loss.detach()

    def acceptable(loss: float) -> bool:
        return math.isfinite(loss) and abs(loss) <= LOSS_LIMIT

    with torch.no_grad():
        start_loss = float(function(point).sum())
    if not acceptable(start_loss):
        raise ValueError(
            f"start must be a point where the function is finite and at most {LOSS_LIMIT:g}, "
            f"got {start_loss} at {point.tolist()}"
        )
    # step(closure) returns the loss at the point it starts from, so each step reports the
    # loss of the previous point; only the last point needs an evaluation of its own.
    points, losses = [point], []
    for _ in range(steps):
        loss = float(instance.step(closure))
        if not acceptable(loss):
            points.pop()  # the point this step started from is already too far out
            break
        losses.append(loss)
        points.append(parameter.detach()[0].clone())
    else:
        with torch.no_grad():
            last = float(function(points[-1]).sum())
        if acceptable(last):
            losses.append(last)
        else:
            points.pop()
    diverged = len(points) < steps + 1
    return Path(optimizer, lr, torch.stack(points).numpy(), np.array(losses), diverged)


def parabola_path(lr: float, steps: int = 20, momentum: float = 0.0) -> Path:
    """``torch.optim.SGD`` on y = 4x² from x = 2.

    >>> parabola_path(0.125, steps=2).points[:, 0].tolist()  # 1 - 8 * 0.125 = 0: one step
    [2.0, 0.0, 0.0]
    """
    return optimize(parabola, PARABOLA_START, "SGD", lr, steps, momentum=momentum)


def lr_regime(lr: float, curvature: float = 8.0) -> str:
    """Name what plain gradient descent does on a parabola whose second derivative is
    ``curvature`` (8 for y = 4x²). Each step multiplies x by r = 1 − curvature · lr:

    - ``"slow"`` for r ≥ 0.5, ``"fast"`` for 0 < r < 0.5, ``"one step"`` for r = 0,
    - ``"oscillating"`` for −1 < r < 0 (the sign flips, the size shrinks),
    - ``"oscillating forever"`` for r = −1, ``"diverging"`` for r < −1 (lr > 0.25 on 4x²).

    >>> [lr_regime(lr) for lr in (0.01, 0.1, 0.125, 0.2, 0.25, 0.3)]
    ['slow', 'fast', 'one step', 'oscillating', 'oscillating forever', 'diverging']
    """
    lr = check_lr(lr)
    if isinstance(curvature, bool) or not isinstance(curvature, (int, float)) or curvature <= 0:
        raise ValueError(f"curvature must be a positive number, got {curvature!r}")
    r = 1 - curvature * lr
    tolerance = 1e-9
    if r >= 0.5:
        return "slow"
    if r > tolerance:
        return "fast"
    if r >= -tolerance:
        return "one step"
    if r > -1 + tolerance:
        return "oscillating"
    if r >= -1 - tolerance:
        return "oscillating forever"
    return "diverging"


# --- exponentially weighted averages -----------------------------------------------------------


def ewa_weights(beta: float, n: int) -> np.ndarray:
    """The weight an exponentially weighted average gives the value t steps back, for
    t = 0 .. n−1: (1 − beta) · beta^t. They sum to 1 − beta^n.

    >>> ewa_weights(0.5, 3).tolist()
    [0.5, 0.25, 0.125]
    """
    beta = check_fraction(beta, "beta")
    return (1 - beta) * beta ** np.arange(check_steps(n))


def ewa(
    values: Sequence[float] | np.ndarray, beta: float, bias_correction: bool = False
) -> np.ndarray:
    """Exponentially weighted averages v_t = beta · v_(t−1) + (1 − beta) · value_t, from v_0 = 0,
    one per value. With ``bias_correction`` each is divided by 1 − beta^t, which undoes the
    pull towards the zero start (as Adam does).

    >>> ewa([10.0, 10.0], 0.9).round(4).tolist()
    [1.0, 1.9]
    >>> ewa([10.0, 10.0], 0.9, bias_correction=True).round(4).tolist()
    [10.0, 10.0]
    """
    beta = check_fraction(beta, "beta")
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0 or not np.isfinite(array).all():
        raise ValueError("values must be a non-empty 1-D sequence of finite numbers")
    averages = np.empty_like(array)
    average = 0.0
    for t, value in enumerate(array):
        average = beta * average + (1 - beta) * value
        averages[t] = average / (1 - beta ** (t + 1)) if bias_correction else average
    return averages


def noisy_signal(n: int = 100, seed: int = 0) -> np.ndarray:
    """A noisy daily series to average: a slow seasonal wave plus Gaussian noise (seeded).

    >>> noisy_signal(5).shape
    (5,)
    """
    generator = np.random.default_rng(seed)
    days = np.arange(check_steps(n))
    return 12 + 8 * np.sin(2 * np.pi * days / 100) + generator.normal(0, 3, size=days.size)


# --- drawing ---------------------------------------------------------------------------------


LOG_FLOOR = 1e-12
"""Losses below this are drawn at it on log-scale plots (a loss of exactly 0 has no log)."""


def _plot_losses(ax: Axes, path: Path, color: str) -> None:
    ax.semilogy(np.arange(path.steps + 1), np.maximum(path.losses, LOG_FLOOR), ".-", color=color)


def _mark_divergence(ax: Axes, text: str = "DIVERGING") -> None:
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color="red",
        fontsize=16,
        fontweight="bold",
        alpha=0.8,
    )


def describe_parabola(lr: float, path: Path) -> str:
    """The learning-rate widget's readout: lr, regime, and where x and the loss ended.

    >>> describe_parabola(0.3, parabola_path(0.3))
    'lr = 0.300 · diverging (x × -1.40 per step) · after 20 steps: x = 1673, loss = 1.12e+07'
    """
    ending = f"after {path.steps} steps: x = {path.points[-1, 0]:.4g}, loss = {path.losses[-1]:.3g}"
    if path.diverged:
        ending += f" (stopped: loss above {LOSS_LIMIT:.0e})"
    return f"lr = {lr:.3f} · {lr_regime(lr)} (x × {1 - 8 * lr:+.2f} per step) · {ending}"


def draw_parabola(fig: Figure, lr: float, steps: int = 20) -> str:
    """Draw SGD's path on y = 4x² and its loss per step (log scale); return the readout.
    The parabola's window stays fixed, so a diverging path runs out of it, labelled.

    >>> fig = Figure()
    >>> draw_parabola(fig, 0.01).split(" · ")[1]
    'slow (x × +0.92 per step)'
    """
    path = parabola_path(lr, steps)
    regime = lr_regime(lr)
    left, right = two_panels(fig)
    grid = np.linspace(-3, 3, 121)
    left.plot(grid, 4 * grid**2, color="lightgray")
    left.plot(path.points[:, 0], path.losses, "o-", color="tab:blue", markersize=4)
    left.plot(path.points[:1, 0], path.losses[:1], "s", color="black")
    left.text(2.1, 14, "start", ha="left", va="top", fontsize=8)
    left.set_xlim(-3, 3)
    left.set_ylim(-2, 40)
    label_axes(
        left,
        f"path on y = 4x², lr = {lr:.3f}: {regime}",
        f"x · after {path.steps} steps x = {path.points[-1, 0]:.4g}",
    )
    _plot_losses(right, path, color="tab:blue")
    label_axes(right, "loss per step (log scale)", "step")
    if regime == "diverging":
        _mark_divergence(left)
        _mark_divergence(right)
    return describe_parabola(lr, path)


def describe_ewa(beta: float, n: int = 100) -> str:
    """The EWA widget's readout.

    >>> print(describe_ewa(0.9).replace(" · ", "\\n"))
    beta = 0.90
    memory ≈ 1/(1 − beta) = 10 steps
    weights of the last 100 steps sum to 1.0000
    last average = 7.89 (bias-corrected 7.89)
    """
    signal = noisy_signal(n)
    average, corrected = ewa(signal, beta)[-1], ewa(signal, beta, bias_correction=True)[-1]
    return (
        f"beta = {beta:.2f} · memory ≈ 1/(1 − beta) = {1 / (1 - beta):.0f} steps · "
        f"weights of the last {n} steps sum to {ewa_weights(beta, n).sum():.4f} · "
        f"last average = {average:.2f} (bias-corrected {corrected:.2f})"
    )


def draw_ewa(fig: Figure, beta: float, n: int = 100) -> str:
    """Draw the weights (1 − beta) · beta^t and a noisy series with its average; return the
    readout.

    >>> draw_ewa(Figure(), 0.5).split(" · ")[1]
    'memory ≈ 1/(1 − beta) = 2 steps'
    """
    weights = ewa_weights(beta, n)
    signal = noisy_signal(n)
    left, right = two_panels(fig)
    left.stairs(weights, np.arange(n + 1) - 0.5, fill=True, color="tab:blue")
    memory = 1 / (1 - beta)
    left.axvline(memory, color="tab:red", linestyle="--")
    label_axes(left, f"weight of the value t steps back, beta = {beta:.2f}", "t (steps back)")
    color_key(left, [(f"1/(1 − beta) = {memory:.0f}", "tab:red")])
    days = np.arange(1, n + 1)
    right.plot(days, signal, ".", color="gray", markersize=3)
    right.plot(days, ewa(signal, beta), color="tab:blue")
    right.plot(days, ewa(signal, beta, bias_correction=True), color="tab:orange")
    right.set_ylim(-5, 30)
    label_axes(right, "a noisy series and its average", "day")
    key = [("daily values", "gray"), ("average", "tab:blue"), ("bias-corrected", "tab:orange")]
    color_key(right, key)
    return describe_ewa(beta, n)


CONTOUR_WINDOWS = {
    "valley": ((-5.0, 5.0), (-2.5, 2.5), (0.05, 0.2, 0.5, 1, 2, 4, 8)),
    "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0), (0.3, 1, 3, 10, 30, 100, 300, 1000)),
}
"""For each test function drawn with contours: x range, y range, contour levels."""


@functools.lru_cache(maxsize=len(CONTOUR_WINDOWS))
def contour_lines(name: str) -> tuple[np.ndarray, ...]:
    """The contour lines of test function ``name`` ("valley" or "rosenbrock") over its window,
    as (n, 2) arrays; computed once, then drawn cheaply on every redraw.

    >>> all(line.shape[1] == 2 for line in contour_lines("valley"))
    True
    """
    if name not in CONTOUR_WINDOWS:
        raise ValueError(f"name must be one of {sorted(CONTOUR_WINDOWS)}, got {name!r}")
    (x_low, x_high), (y_low, y_high), levels = CONTOUR_WINDOWS[name]
    X, Y = np.meshgrid(np.linspace(x_low, x_high, 121), np.linspace(y_low, y_high, 121))
    function = valley if name == "valley" else rosenbrock
    Z = function(torch.from_numpy(np.stack([X, Y], axis=-1))).numpy()
    generator = contourpy.contour_generator(X, Y, Z)
    return tuple(line for level in levels for line in generator.lines(level))


def _draw_contours(ax: Axes, name: str) -> None:
    draw_lines(ax, contour_lines(name))
    (x_low, x_high), (y_low, y_high), _ = CONTOUR_WINDOWS[name]
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)


def _path_summary(path: Path, growth_is_divergence: bool = True) -> str:
    """``f = ... after n steps``, with " (diverging)" when the run blew up, or (on a convex
    quadratic, where that can only mean instability) when it ended above its start."""
    grew = path.losses[-1] > path.losses[0]
    if path.diverged or (grew and growth_is_divergence):
        state = " (diverging)"
    elif grew:
        state = " (worse than the start)"
    else:
        state = ""
    return f"f = {path.losses[-1]:.4g} after {path.steps} steps{state}"


def valley_paths(lr: float, momentum: float, steps: int = 30) -> tuple[Path, Path]:
    """``torch.optim.SGD`` in the valley from ``VALLEY_START``, without and with momentum.

    >>> plain, heavy = valley_paths(0.3, 0.5)
    >>> bool(plain.losses[-1] > heavy.losses[-1])
    True
    """
    plain = optimize(valley, VALLEY_START, "SGD", lr, steps)
    with_momentum = optimize(valley, VALLEY_START, "SGD", lr, steps, momentum=momentum)
    return plain, with_momentum


def describe_valley(lr: float, momentum: float, plain: Path, heavy: Path) -> str:
    """The momentum widget's readout.

    >>> print(describe_valley(0.3, 0.5, *valley_paths(0.3, 0.5)).replace(" · ", "\\n"))
    lr = 0.30
    SGD: f = 0.03907 after 30 steps
    SGD + momentum 0.50: f = 0.0002382 after 30 steps
    """
    return (
        f"lr = {lr:.2f} · SGD: {_path_summary(plain)} · "
        f"SGD + momentum {momentum:.2f}: {_path_summary(heavy)}"
    )


def draw_valley(fig: Figure, lr: float, momentum: float, steps: int = 30) -> str:
    """Draw the paths of SGD without and with momentum over the valley's contours (left) and
    their losses per step on a log scale (right); return the readout.

    >>> draw_valley(Figure(), 0.6, 0.0).split(" · ")[1]
    'SGD: f = 2.636e+09 after 30 steps (diverging)'
    """
    plain, heavy = valley_paths(lr, momentum, steps)
    left, right = two_panels(fig)
    _draw_contours(left, "valley")
    left.plot([0], [0], "*", color="black", markersize=10)
    colors = ("tab:blue", "tab:orange")
    for path, color in zip((plain, heavy), colors, strict=True):
        left.plot(path.points[:, 0], path.points[:, 1], ".-", color=color, markersize=4)
        _plot_losses(right, path, color=color)
    label_axes(left, f"paths in the valley, lr = {lr:.2f}", "x")
    label_axes(right, "loss per step (log scale)", "step")
    names = ["SGD", f"SGD + momentum {momentum:.2f}"]
    color_key(right, list(zip(names, colors, strict=True)))
    if any("diverging" in _path_summary(path) for path in (plain, heavy)):
        _mark_divergence(left)
    return describe_valley(lr, momentum, plain, heavy)


def heavy_ball_rate(
    lr: float, momentum: float, curvatures: Sequence[float] = VALLEY_CURVATURES
) -> float:
    """How much SGD with momentum shrinks the distance to the minimum per step, in the long run,
    on a quadratic bowl with the given ``curvatures``: the largest spectral radius, over the
    curvatures h, of the update matrix [[1 + momentum − lr·h, −momentum], [1, 0]]. Below 1 it
    converges, above 1 it diverges; momentum 0 gives plain gradient descent's max |1 − lr·h|.

    >>> round(heavy_ball_rate(0.1, 0.0, [8.0]), 6)  # y = 4x²: x × (1 − 8 · 0.1) per step
    0.2
    >>> round(heavy_ball_rate(0.5, 0.0), 3)  # the valley at lr 0.5: |1 − 0.5 · 4| = 1
    1.0
    """
    lr, momentum = check_lr(lr), check_fraction(momentum, "momentum")
    radius = 0.0
    for h in curvatures:
        matrix = np.array([[1 + momentum - lr * h, -momentum], [1.0, 0.0]])
        radius = max(radius, float(np.abs(np.linalg.eigvals(matrix)).max()))
    return radius


@functools.lru_cache(maxsize=64)
def race_path(optimizer: str, lr: float, steps: int = 100) -> Path:
    """One runner of the race: ``optimizer`` with ``lr`` on Rosenbrock's function from
    ``RACE_START`` (L-BFGS makes one iteration per step, like the others). Runs are cached,
    so moving a slider back to a setting already seen costs only the redraw.

    >>> bool(race_path("LBFGS", 1.0).losses[-1] < 1e-6)
    True
    """
    return optimize(rosenbrock, RACE_START, optimizer, lr, steps, **RACE_OPTIONS.get(optimizer, {}))


def describe_race(first: Path, second: Path) -> str:
    """The race widget's readout.

    >>> describe_race(race_path("SGD", 0.001), race_path("Adam", 0.1))
    'SGD (lr 0.001): f = 5.593 after 100 steps · Adam (lr 0.1): f = 4.518 after 100 steps'
    """
    return " · ".join(
        f"{path.optimizer} (lr {path.lr:.3g}): {_path_summary(path, growth_is_divergence=False)}"
        for path in (first, second)
    )


def draw_race(fig: Figure, opt1: str, lr1: float, opt2: str, lr2: float, steps: int = 100) -> str:
    """Race two optimizers on Rosenbrock's function: their paths over its contours and their
    losses per step (log scale); return the readout.

    >>> draw_race(Figure(), "SGD", 0.002, "Adam", 0.3).split(" · ")[0]
    'SGD (lr 0.002): f = 0.001031 after 100 steps'
    """
    paths = (race_path(opt1, lr1, steps), race_path(opt2, lr2, steps))
    left, right = two_panels(fig)
    _draw_contours(left, "rosenbrock")
    left.plot([1], [1], "*", color="black", markersize=10)
    colors = ("tab:blue", "tab:orange")
    for path, color in zip(paths, colors, strict=True):
        left.plot(path.points[:, 0], path.points[:, 1], ".-", color=color, markersize=3)
        _plot_losses(right, path, color=color)
    label_axes(left, "paths on Rosenbrock's function", "x")
    label_axes(right, "loss per step (log scale)", "step")
    names = [f"{path.optimizer} (lr {path.lr:.3g})" for path in paths]
    color_key(right, list(zip(names, colors, strict=True)))
    return describe_race(*paths)


# --- the widgets -------------------------------------------------------------------------------


def lr_widget(lr: float = 0.2) -> LivePlot:
    """Learning rate on y = 4x²: one slider, ``lr`` (0.005 to 0.3, step 0.005). It starts at
    0.2, where the path oscillates across the minimum.

    >>> live = lr_widget()
    >>> live.readout_text.split(" · ")[1]
    'oscillating (x × -0.60 per step)'
    >>> live.set(lr=0.3).readout_text.split(" · ")[1]
    'diverging (x × -1.40 per step)'
    """
    slider = float_slider("lr", check_lr(lr), 0.005, 0.3, 0.005, readout_format=".3f")
    return LivePlot({"lr": slider}, draw_parabola)


def ewa_widget(beta: float = 0.9) -> LivePlot:
    """Exponentially weighted averages: one slider, ``beta`` (0 to 0.99, step 0.01).

    >>> ewa_widget().set(beta=0.98).readout_text.split(" · ")[1]
    'memory ≈ 1/(1 − beta) = 50 steps'
    """
    slider = float_slider("beta", check_fraction(beta, "beta"), 0.0, 0.99, 0.01)
    return LivePlot({"beta": slider}, draw_ewa)


def momentum_widget(lr: float = 0.3, momentum: float = 0.5) -> LivePlot:
    """SGD with and without momentum in the valley: sliders ``lr`` (0.01 to 1, step 0.01) and
    ``momentum`` (0 to 0.95, step 0.05). Both ranges hold the best setting for this valley
    (lr ≈ 0.67, momentum ≈ 0.40).

    >>> momentum_widget().set(momentum=0.0).readout_text.count("f = 0.03907")
    2
    """
    controls = {
        "lr": float_slider("lr", check_lr(lr), 0.01, 1.0, 0.01),
        "momentum": float_slider(
            "momentum",
            check_fraction(momentum, "momentum"),
            0.0,
            0.95,
            0.05,
            style={"description_width": "initial"},  # show the whole word
        ),
    }
    return LivePlot(controls, draw_valley)


def race_widget(
    opt1: str = "SGD", lr1: float = 0.001, opt2: str = "Adam", lr2: float = 0.1
) -> LivePlot:
    """An optimizer race on Rosenbrock's function: drop-downs ``opt1`` and ``opt2`` (every
    optimizer of ``torch.optim``) and log-scale sliders ``lr1`` and ``lr2`` (1e-4 to 10, a tenth
    of a decade per step). A starting ``lr`` between two steps is moved to the nearest step, as
    the browser's slider would do anyway; one outside the range is refused.

    >>> live = race_widget()
    >>> live.set(opt2="LBFGS", lr2=1.0).readout_text.split(" · ")[1]
    'LBFGS (lr 1): f = 4.318e-11 after 100 steps'
    """
    names = optimizer_names()
    for name, value in (("opt1", opt1), ("opt2", opt2)):
        if value not in names:
            raise ValueError(f"{name} must be one of {names}, got {value!r}")
    controls: dict[str, ipywidgets.ValueWidget] = {}
    for index, (name, lr) in enumerate(((opt1, lr1), (opt2, lr2)), start=1):
        controls[f"opt{index}"] = ipywidgets.Dropdown(
            options=names,
            value=name,
            description=f"opt{index}",
            layout=ipywidgets.Layout(width="200px"),
        )
        lr = check_lr(lr)
        if not 1e-4 <= lr <= 10:
            raise ValueError(f"lr{index} must be between 0.0001 and 10 for its slider, got {lr}")
        on_grid = 10 ** round(math.log10(lr), 1)
        controls[f"lr{index}"] = float_slider(f"lr{index}", on_grid, 1e-4, 10.0, 0.1, log=True)
    live = LivePlot(controls, draw_race)
    live.box.children[0].layout.flex_flow = "row wrap"  # narrow screens: controls wrap
    return live
