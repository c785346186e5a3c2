"""The size and the picture a 2-D convolution produces, and the live widget that shows both
while the student moves the kernel size, stride, padding and dilation sliders.

The compute functions know nothing about drawing; ``draw_conv`` draws their result next to the
input and returns the readout line; ``conv_widget`` ties sliders to it.

    >>> conv_output_size(480, kernel_size=3), conv_output_size(479, kernel_size=3)
    (478, 477)
    >>> print(formula_text(480, kernel_size=3))
    ⌊(480 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 478
"""

from __future__ import annotations

import ipywidgets
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from PIL import Image

from utils import plot
from utils.widgets import LivePlot

WIDGET_PHOTO_SCALE = 0.4
"""The widget convolves the greyscale photo at this fraction of its 427 x 640 size (fast, and
small enough that a stride or a large dilation visibly changes the output)."""

WIDGET_DPI = 72
"""Dots per inch of the widget's picture: one picture pixel per image pixel at this dpi."""

SLIDER_RANGES = {
    "kernel_size": (3, 1, 9),
    "stride": (1, 1, 4),
    "padding": (0, 0, 4),
    "dilation": (1, 1, 4),
}
"""Each slider's (default, min, max)."""


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Return the output length of a convolution (or pooling) along one dimension:
    ``⌊(size + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1``.

    >>> conv_output_size(478, kernel_size=2, stride=2), conv_output_size(477, 2, stride=2)
    (239, 238)
    >>> conv_output_size(5, kernel_size=3, dilation=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the kernel spans 7 pixels (...) but the padded input has only 5: ...
    """
    size = _check_int("size", size, 1)
    kernel_size = _check_int("kernel_size", kernel_size, 1)
    stride = _check_int("stride", stride, 1)
    padding = _check_int("padding", padding, 0)
    dilation = _check_int("dilation", dilation, 1)
    span = dilation * (kernel_size - 1) + 1
    if span > size + 2 * padding:
        raise ValueError(
            f"the kernel spans {span} pixels (dilation·(kernel_size − 1) + 1) but the padded "
            f"input has only {size + 2 * padding}: lower kernel_size or dilation, or raise padding"
        )
    return (size + 2 * padding - span) // stride + 1


def formula_text(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> str:
    """Return the output-size formula with the numbers filled in and its result.

    >>> formula_text(427, kernel_size=5, stride=2, padding=1, dilation=2)
    '⌊(427 + 2·1 − 2·(5 − 1) − 1) / 2⌋ + 1 = 211'
    """
    result = conv_output_size(size, kernel_size, stride, padding, dilation)
    return (
        f"⌊({size} + 2·{padding} − {dilation}·({kernel_size} − 1) − 1) / {stride}⌋ + 1 = {result}"
    )


def edge_kernel(kernel_size: int = 3) -> torch.Tensor:
    """Return a ``kernel_size`` x ``kernel_size`` edge-detection kernel: 1 in the centre and
    −1/kernel_size² everywhere else (for 3 x 3: the centre 1, the neighbours −1/9).

    >>> edge_kernel(3)
    tensor([[-0.1111, -0.1111, -0.1111],
            [-0.1111,  1.0000, -0.1111],
            [-0.1111, -0.1111, -0.1111]])
    """
    kernel_size = _check_int("kernel_size", kernel_size, 1)
    kernel = torch.full((kernel_size, kernel_size), -1.0 / kernel_size**2)
    kernel[kernel_size // 2, kernel_size // 2] = 1.0
    return kernel


def convolve_image(
    image: torch.Tensor, kernel_size: int = 3, stride: int = 1, padding: int = 0, dilation: int = 1
) -> torch.Tensor:
    """Convolve a greyscale ``image`` (H, W) with ``edge_kernel(kernel_size)`` and return the
    (H_out, W_out) result, zero-padded by ``padding``, as ``nn.Conv2d`` would.

    >>> convolve_image(torch.ones(6, 5), kernel_size=3, stride=2).shape
    torch.Size([2, 2])
    """
    if not isinstance(image, torch.Tensor) or image.ndim != 2:
        shape = tuple(image.shape) if isinstance(image, torch.Tensor) else type(image).__name__
        raise ValueError(f"image must be a 2-D greyscale tensor (H, W), got {shape}")
    for size in image.shape:  # raises a clear error when the kernel does not fit
        conv_output_size(size, kernel_size, stride, padding, dilation)
    weight = edge_kernel(kernel_size).to(image.dtype)[None, None]
    out = F.conv2d(image[None, None], weight, stride=stride, padding=padding, dilation=dilation)
    return out[0, 0]


def load_widget_photo(scale: float = WIDGET_PHOTO_SCALE) -> torch.Tensor:
    """Return the "china" sample photo in greyscale as an (H, W) float tensor in [0, 1],
    resized by ``scale``.

    >>> load_widget_photo(0.25).shape
    torch.Size([107, 160])
    """
    from utils.data import load_sample_photo

    if not isinstance(scale, (int, float)) or not 0 < scale <= 1:
        raise ValueError(f"scale must be a number in (0, 1], got {scale!r}")
    photo = load_sample_photo("china").convert("L")
    size = (round(photo.width * scale), round(photo.height * scale))
    photo = photo.resize(size, Image.Resampling.BILINEAR)
    return torch.from_numpy(np.asarray(photo, dtype=np.float32) / 255.0)


def draw_conv(
    fig: Figure,
    image: torch.Tensor,
    kernel_size: int,
    stride: int,
    padding: int,
    dilation: int,
) -> str:
    """Draw the zero-padded input and the convolution's output side by side, pixel for pixel,
    so the output's size compares directly with the input's (the output sits in the top-left
    corner of a grey area as large as the padded input); return the readout: both output
    sizes by the formula."""
    height, width = image.shape
    out = convolve_image(image, kernel_size, stride, padding, dilation).detach().numpy()
    padded = np.pad(
        image.detach().numpy(), padding
    )  # what the kernel slides over: zeros around the photo
    canvas = np.full_like(padded, 0.85)  # light grey where the output does not reach
    low, high = out.min(), out.max()
    canvas[: out.shape[0], : out.shape[1]] = (out - low) / (high - low) if high > low else 0.5
    titles = [
        f"input {height} × {width}, padding {padding}",
        f"output {out.shape[0]} × {out.shape[1]} (same scale)",
    ]
    plot.draw_pixels(fig, [padded, canvas], titles, dpi=WIDGET_DPI)
    rows = formula_text(height, kernel_size, stride, padding, dilation)
    cols = formula_text(width, kernel_size, stride, padding, dilation)
    return f"H_out = {rows}   W_out = {cols}   output {out.shape[0]} × {out.shape[1]}"


def conv_widget(image: torch.Tensor | None = None) -> LivePlot:
    """Return the convolution widget: sliders for kernel size, stride, padding and dilation,
    the output-size formula with the current numbers, and the input next to the output.

    ``image`` is a greyscale (H, W) tensor; by default the "china" photo at 0.4 of its size.

    >>> live = conv_widget(torch.rand(20, 30))
    >>> live.set(kernel_size=5, stride=2).readout_text.split("   ")[-1]
    'output 8 × 13'
    """
    if image is None:
        image = load_widget_photo()
    if not isinstance(image, torch.Tensor) or image.ndim != 2:
        raise ValueError("image must be a 2-D greyscale tensor (H, W), such as load_widget_photo()")
    controls = {
        name: ipywidgets.IntSlider(
            value=default,
            min=low,
            max=high,
            description=name.replace("_", " "),
            continuous_update=False,
        )
        for name, (default, low, high) in SLIDER_RANGES.items()
    }

    def draw(fig: Figure, **values: int) -> str:
        return draw_conv(fig, image, **values)

    return LivePlot(controls, draw, dpi=WIDGET_DPI)
