"""Plots the chapters share: a grid of images and a tensor drawn as a heatmap.

Every function takes its data as arguments, draws with matplotlib and returns the Axes it drew
on, so a notebook can add titles or save the figure.

    >>> import torch
    >>> from utils import plot
    >>> ax = plot.show_heatmap(torch.eye(3))
    >>> ax.get_title()
    '3 x 3'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

MAX_IMAGES = 200
"""The most images ``show_images`` draws in one grid (each is an Axes: more take ages)."""

MAX_COLUMNS = 50
"""The most columns ``show_images`` lays out."""


def _check_cmap(cmap: object) -> None:
    import matplotlib
    from matplotlib.colors import Colormap

    if isinstance(cmap, Colormap) or (isinstance(cmap, str) and cmap in matplotlib.colormaps):
        return
    raise ValueError(
        f"cmap must be the name of a matplotlib colormap such as 'gray' or 'viridis', got {cmap!r}"
    )


def _check_axes(ax: object, argument: str) -> Axes:
    if not isinstance(ax, Axes):
        raise TypeError(
            f"{argument} must be a matplotlib Axes (e.g. from fig, ax = plt.subplots()), "
            f"got {type(ax).__name__}"
        )
    return ax


def _check_number(
    value: object, argument: str, *, low: float, high: float, integer: bool = False
) -> None:
    """A finite number (an int when ``integer``) from ``low`` to ``high``, or a clear error."""
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
        what = "an integer" if integer else "a finite number"
        raise TypeError(f"{argument} must be {what}, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{argument} must be at least {low} and at most {high}, got {value!r}")


def _numpy_of(value: object, argument: str, also: str = "") -> np.ndarray:
    """``value`` (a tensor or a NumPy array) as a NumPy array; a clear TypeError otherwise."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return value
    raise TypeError(
        f"{argument} must be {also}a torch.Tensor or a NumPy array, got {type(value).__name__}"
    )


def to_display_array(image: object) -> np.ndarray:
    """Return ``image`` as a NumPy array that ``imshow`` draws as is.

    Accepts a PIL image, a tensor or array of shape (H, W), (1, H, W) or (3, H, W) (channels
    first, as PyTorch stores images) or (H, W, 3). Floats outside [0, 1], such as normalised
    images, are rescaled to [0, 1] so their structure stays visible.

    >>> to_display_array(torch.zeros(3, 4, 5)).shape
    (4, 5, 3)
    >>> to_display_array(torch.tensor([[-1.0, 1.0]])).tolist()
    [[0.0, 1.0]]
    """
    if isinstance(image, Image.Image):
        return np.asarray(image)
    array = _numpy_of(image, "image", also="a PIL image, ")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"image must hold real numbers, got dtype {array.dtype}")
    if array.size == 0:
        raise ValueError(f"image must have at least one pixel, got shape {tuple(array.shape)}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(
            f"image holds {int((~np.isfinite(array)).sum())} NaN or inf pixel(s), which have no "
            "colour: find the step that made them (e.g. a division by zero), or replace them "
            "with torch.nan_to_num"
        )
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (1, 3):
        array = np.moveaxis(array, 0, -1)  # channels first -> channels last
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] != 3):
        raise ValueError(
            "image must have shape (H, W), (1, H, W), (3, H, W) or (H, W, 3), "
            f"got {tuple(array.shape)}"
        )
    if array.dtype.kind == "f":
        low, high = float(array.min()), float(array.max())
        if low < 0 or high > 1:
            array = (array - low) / (high - low) if high > low else np.zeros_like(array)
    return array


def show_images(
    images: Sequence[object] | torch.Tensor,
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    size: float = 2.0,
    cmap: str = "gray",
    shared_scale: bool = False,
) -> np.ndarray:
    """Draw ``images`` in a grid and return the array of Axes (one per image).

    ``images`` is a sequence of images (see ``to_display_array``) or a batch tensor
    (N, C, H, W). ``titles``, if given, has one string per image. A grey image is drawn from
    its own darkest value (black) to its brightest (white), unless ``shared_scale``: then every
    grey image uses one scale centred on 0, so 0 is mid-grey and the largest magnitude among
    all the images is black or white (for weights and other signed values).

    >>> axes = show_images(torch.rand(4, 1, 8, 8), titles=list("abcd"), ncols=2)
    >>> axes.shape, axes[1].get_title()
    ((4,), 'b')
    >>> show_images(torch.rand(2, 1, 3, 3))[0].get_images()[0].get_array().shape  # 3 x 3 kernels
    (3, 3)
    """
    if isinstance(images, torch.Tensor):
        if images.ndim != 4:
            raise ValueError(
                f"a batch of images must have shape (N, C, H, W), got {tuple(images.shape)}"
            )
        # channels first, whatever H and W: a (1, 3, 3) kernel is not a 1 x 3 colour strip
        images = [image[0] if len(image) == 1 else image.permute(1, 2, 0) for image in images]
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence) or len(images) == 0:
        raise ValueError("images must be a non-empty list of images or a (N, C, H, W) tensor")
    if len(images) > MAX_IMAGES:
        raise ValueError(
            f"images holds {len(images)} images; show at most {MAX_IMAGES} at once, "
            "e.g. images[:64]"
        )
    if titles is not None and (isinstance(titles, str) or not isinstance(titles, Sequence)):
        raise TypeError(f"titles must be a list of strings, one per image, got {titles!r}")
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            f"titles must have one entry per image: {len(images)} images, {len(titles)} titles"
        )
    if ncols is None:
        ncols = min(len(images), 8)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or not 1 <= ncols <= MAX_COLUMNS:
        raise ValueError(
            f"ncols must be a positive integer of at most {MAX_COLUMNS}, got {ncols!r}"
        )
    _check_number(size, "size", low=0.1, high=20)
    _check_cmap(cmap)
    if not isinstance(shared_scale, bool):
        raise TypeError(f"shared_scale must be True or False, got {shared_scale!r}")
    limits = {}
    if shared_scale:
        arrays = [_numpy_of(image, "image", also="a PIL image, ") for image in images]
        largest = max(float(np.abs(array).max()) for array in arrays) or 1.0
        images, limits = [array / (2 * largest) + 0.5 for array in arrays], {"vmin": 0, "vmax": 1}
    nrows = math.ceil(len(images) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < len(images):
            array = to_display_array(images[index])
            ax.imshow(array, cmap=cmap if array.ndim == 2 else None, **limits)
            if titles is not None:
                ax.set_title(str(titles[index]), fontsize=9)
    fig.tight_layout()
    return axes.flat[: len(images)].copy()


def show_heatmap(
    matrix: object,
    ax: Axes | None = None,
    annotate: bool | None = None,
    fmt: str = ".2f",
    cmap: str = "viridis",
    title: str | None = None,
) -> Axes:
    """Draw a 1-D or 2-D tensor (or array) as a heatmap, one cell per entry, and return the Axes.

    ``annotate`` writes each value in its cell; by default only when the matrix has at most
    12 x 12 entries. The default title is the shape.

    >>> ax = show_heatmap(torch.arange(6.0).reshape(2, 3), title="values")
    >>> ax.get_title(), len(ax.texts)
    ('values', 6)
    """
    array = _numpy_of(matrix, "matrix")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"matrix must hold real numbers, got dtype {array.dtype}")
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.size == 0:
        raise ValueError(
            f"matrix must be a non-empty 1-D or 2-D tensor, got shape {tuple(array.shape)}"
        )
    array = array.astype(float)
    finite = array[np.isfinite(array)]
    if finite.size == 0:
        raise ValueError(
            "matrix holds no finite value (all NaN or inf): there is nothing to colour"
        )
    if ax is not None:
        _check_axes(ax, "ax")
    if annotate is not None and not isinstance(annotate, bool):
        raise TypeError(f"annotate must be True, False or None (automatic), got {annotate!r}")
    try:
        format(0.5, fmt)
    except (TypeError, ValueError):
        raise ValueError(
            f"fmt must be a number format such as '.2f' or '.0f', got {fmt!r}"
        ) from None
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {title!r}")
    _check_cmap(cmap)
    if ax is None:
        _, ax = plt.subplots(
            figsize=(min(0.6 * array.shape[1] + 1.5, 9), min(0.6 * array.shape[0] + 1, 7))
        )
    image = ax.imshow(array, cmap=cmap, vmin=finite.min(), vmax=finite.max())
    ax.figure.colorbar(image, ax=ax)
    if annotate is None:
        annotate = array.shape[0] <= 12 and array.shape[1] <= 12
    if annotate:
        middle = (finite.max() + finite.min()) / 2
        for (row, col), value in np.ndenumerate(array):
            ax.text(
                col,
                row,
                format(value, fmt),
                ha="center",
                va="center",
                fontsize=8,
                color="black" if value > middle else "white",
            )
    ax.set_xticks(range(array.shape[1]))
    ax.set_yticks(range(array.shape[0]))
    ax.set_title(title if title is not None else " x ".join(map(str, array.shape)))
    return ax


# --- training curves (the training loop, CNN and RNN chapters) --------------------------------

from collections.abc import Mapping  # noqa: E402  (kept with the block that uses it)

from matplotlib.ticker import MaxNLocator  # noqa: E402


def show_history(
    history: Mapping[str, Sequence[float]], axes: Sequence[Axes] | None = None
) -> np.ndarray:
    """Draw per-epoch training curves and return the two Axes (loss, accuracy).

    ``history`` maps names to one value per epoch: names ending in ``_loss`` are drawn on the
    left, names ending in ``_accuracy`` (fractions, drawn as %) on the right, each labelled
    with the rest of its name (``train``, ``val``, ...). ``train.History.curves()`` returns
    such a mapping. An accuracy that is all ``nan`` (a regression) is left out.

    >>> axes = show_history({"train_loss": [0.9, 0.4], "val_loss": [1.0, 0.6],
    ...                      "val_accuracy": [0.7, 0.85]})
    >>> [ax.get_ylabel() for ax in axes], axes[0].get_legend_handles_labels()[1]
    (['loss', 'accuracy (%)'], ['train', 'val'])
    """
    if not isinstance(history, Mapping) or not history:
        raise ValueError(
            "history must be a non-empty dict of name -> per-epoch values, "
            "e.g. {'train_loss': [...]} or train.History.curves()"
        )
    for name, values in history.items():
        if not isinstance(name, str) or not name.endswith(("_loss", "_accuracy")):
            raise ValueError(f"history names must end in '_loss' or '_accuracy', got {name!r}")
        if (
            isinstance(values, (str, bytes))
            or not isinstance(values, Sequence)
            or not values
            or not all(
                isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
                for value in values
            )
        ):
            raise ValueError(
                f"history[{name!r}] must be a non-empty list of numbers, one per epoch, "
                f"got {values!r:.60}"
            )
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    if isinstance(axes, (str, bytes)):
        raise TypeError(f"axes must hold two matplotlib Axes (loss, accuracy), got {axes!r}")
    axes = np.asarray(axes, dtype=object).reshape(-1)
    if len(axes) != 2:
        raise ValueError(f"axes must hold two Axes (loss, accuracy), got {len(axes)}")
    for index, ax in enumerate(axes):
        _check_axes(ax, f"axes[{index}]")
    for name, values in history.items():
        label, kind = str(name).rsplit("_", 1)
        array = np.asarray(values, dtype=float)
        if kind == "accuracy" and np.isnan(array).all():
            continue
        ax, scale = (axes[0], 1) if kind == "loss" else (axes[1], 100)
        ax.plot(np.arange(1, len(array) + 1), array * scale, marker="o", markersize=3, label=label)
    for ax, ylabel in zip(axes, ("loss", "accuracy (%)"), strict=True):
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    axes[0].figure.tight_layout()
    return axes


# --- Pictures drawn pixel for pixel, for the vision widgets (chapters 04 and 05) ------------


def draw_pixels(
    fig: Figure,
    images: Sequence[object],
    titles: Sequence[str],
    dpi: int = 72,
    gap: int = 12,
    title_height: int = 20,
) -> Figure:
    """Draw ``images`` side by side on ``fig``, one screen pixel per image pixel, each under
    its title, and resize ``fig`` to fit them; return ``fig``.

    No axes and no resampling: fast enough for a widget that redraws on every slider move,
    and images of different sizes keep their true relative size. ``fig`` is set to ``dpi``;
    save it at the same dpi. Images are anything ``to_display_array`` accepts.

    >>> from matplotlib.figure import Figure
    >>> fig = draw_pixels(Figure(), [np.zeros((10, 20)), np.ones((5, 5, 3))], ["a", "b"])
    >>> [round(size * fig.dpi) for size in fig.get_size_inches()]  # 12 + 20 + 12 + 5 + 12
    [61, 42]
    """
    if not isinstance(fig, Figure):
        raise TypeError(
            "fig must be a matplotlib Figure (e.g. matplotlib.figure.Figure() or plt.figure()), "
            f"got {type(fig).__name__}"
        )
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence) or not images:
        raise ValueError("images must be a non-empty list of images")
    _check_number(dpi, "dpi", low=1, high=1000, integer=True)
    _check_number(gap, "gap", low=0, high=1000, integer=True)
    _check_number(title_height, "title_height", low=0, high=1000, integer=True)
    if isinstance(titles, str) or not isinstance(titles, Sequence) or len(titles) != len(images):
        raise ValueError(
            f"titles must be a list with one title per image: {len(images)} images, got {titles!r}"
        )
    arrays = []
    for image in images:
        array = to_display_array(image)
        array = array / 255.0 if array.dtype == np.uint8 else array.astype(float)
        arrays.append(np.repeat(array[..., None], 3, axis=2) if array.ndim == 2 else array)
    width = sum(array.shape[1] for array in arrays) + gap * (len(arrays) + 1)
    height = max(array.shape[0] for array in arrays) + title_height + gap
    fig.set_dpi(dpi)
    fig.set_size_inches(width / dpi, height / dpi)
    left = gap
    for array, title in zip(arrays, titles, strict=True):
        rows, cols = array.shape[:2]
        bottom = height - title_height - rows  # figimage counts pixels from the bottom
        fig.figimage(array, xo=left, yo=bottom, origin="upper")
        fig.text(
            (left + cols / 2) / width,
            1 - title_height / 2 / height,
            str(title),
            ha="center",
            va="center",
            fontsize=9,
        )
        left += cols + gap
    return fig
