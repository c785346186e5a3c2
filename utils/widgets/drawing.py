"""Small drawing helpers that keep a widget's redraw fast: a ``LivePlot`` builds its axes anew
on every slider move, and most of matplotlib's time then goes into ticks, tick labels and the
automatic placement of titles and axis labels. These helpers fix those in advance.

    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> ax = label_axes(ax, "loss", "step")
    >>> ax.get_title(), ax.get_xlabel()
    ('loss', 'step')
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure


def check_figure(fig: object) -> Figure:
    """Return ``fig`` after checking it is a matplotlib Figure (what every ``draw_*`` function
    of the widgets draws on).

    >>> check_figure(None)
    Traceback (most recent call last):
    ...
    TypeError: fig must be a matplotlib Figure (e.g. plt.figure()), got NoneType
    """
    if not isinstance(fig, Figure):
        raise TypeError(
            f"fig must be a matplotlib Figure (e.g. plt.figure()), got {type(fig).__name__}"
        )
    return fig


def check_axes(ax: object) -> Axes:
    """Return ``ax`` after checking it is a matplotlib Axes.

    >>> check_axes("left")
    Traceback (most recent call last):
    ...
    TypeError: ax must be a matplotlib Axes (e.g. fig.add_subplot()), got str
    """
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. fig.add_subplot()), got {type(ax).__name__}"
        )
    return ax


def two_panels(fig: Figure, wspace: float = 0.25, sharey: bool = False) -> tuple[Axes, Axes]:
    """Two Axes side by side on ``fig``, with the margins every two-panel widget uses.

    >>> left, right = two_panels(Figure())
    >>> bool(left.get_position().x0 < right.get_position().x0)
    True
    """
    left, right = check_figure(fig).subplots(1, 2, sharey=sharey)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.9, wspace=wspace)
    return left, right


def plain_power(value: float, _position: object = None) -> str:
    """Label a log-scale tick as plain text (``1e-08``, ``20``) rather than typeset maths,
    which is slow to lay out.

    >>> plain_power(1e-8), plain_power(100.0), plain_power(1.0), plain_power(0.02)
    ('1e-08', '100', '1', '0.02')
    """
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:g}"
    return f"{value:.0e}"


def label_axes(ax: Axes, title: str, xlabel: str, max_ticks: int = 3) -> Axes:
    """Give ``ax`` a title and an x label at fixed positions, at most ``max_ticks`` labelled
    ticks per axis and no minor ticks; return ``ax``. Call it after plotting (it reads the
    y scale). Fixed positions spare matplotlib measuring every tick label to place them.

    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> ax.semilogy([1, 10, 100])  # doctest: +ELLIPSIS
    [...]
    >>> label_axes(ax, "t", "x").yaxis.get_major_formatter()(1e-6, 0)
    '1e-06'
    >>> label_axes(ax, "t", "x", max_ticks=1)
    Traceback (most recent call last):
    ...
    ValueError: max_ticks must be an int of at least 2, got 1
    """
    check_axes(ax)
    if isinstance(max_ticks, bool) or not isinstance(max_ticks, int) or max_ticks < 2:
        raise ValueError(f"max_ticks must be an int of at least 2, got {max_ticks!r}")
    ax.set_title(title, y=1.0, pad=4)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_label_coords(0.5, -0.12)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(max_ticks))
    if ax.get_yscale() == "log":
        low, high = ax.get_ylim()
        few_decades = high / low < 100  # then label 1, 2 and 5 of each decade
        subs = (1.0, 2.0, 5.0) if few_decades else (1.0,)
        ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=subs, numticks=max_ticks))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(plain_power))
    else:
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(max_ticks))
    ax.minorticks_off()
    return ax


def draw_lines(
    ax: Axes, lines: Sequence[np.ndarray], color: str = "lightgray", linewidth: float = 0.8
) -> Axes:
    """Draw precomputed polylines (arrays of shape (n, 2)), such as cached contour lines, as one
    collection: much cheaper than ``ax.contour`` on every redraw. Returns ``ax``.

    >>> from matplotlib.figure import Figure
    >>> ax = draw_lines(Figure().add_subplot(), [np.array([[0, 0], [1, 1]])])
    >>> len(ax.collections)
    1
    """
    check_axes(ax)
    ax.add_collection(LineCollection(list(lines), colors=color, linewidths=linewidth))
    return ax


def color_key(
    ax: Axes, entries: Sequence[tuple[str, str]], corner: tuple[float, float] = (0.97, 0.95)
) -> Axes:
    """Write each (text, color) of ``entries`` as a line of coloured text, right-aligned below
    ``corner`` (axes coordinates): a legend without the cost of ``ax.legend``. Returns ``ax``.

    >>> from matplotlib.figure import Figure
    >>> ax = color_key(Figure().add_subplot(), [("SGD", "tab:blue"), ("Adam", "tab:orange")])
    >>> [(t.get_text(), t.get_color()) for t in ax.texts]
    [('SGD', 'tab:blue'), ('Adam', 'tab:orange')]
    """
    check_axes(ax)
    x, y = corner
    for line, (text, color) in enumerate(entries):
        ax.text(
            x, y - 0.08 * line, text, color=color, transform=ax.transAxes, ha="right", va="top",
            fontsize=8,
        )  # fmt: skip
    return ax
