"""The size and the picture a 2-D convolution produces, and the live widget that shows both
while the student picks a kernel (Sobel x, Sobel y, blur, sharpen, edge) and moves the kernel
size, stride, padding and dilation sliders, and which input pixels feed one output pixel.

The compute functions know nothing about drawing; ``draw_conv`` draws their result next to the
input and returns the readout line; ``conv_widget`` ties the controls to it.

    >>> conv_output_size(480, kernel_size=3), conv_output_size(479, kernel_size=3)
    (478, 477)
    >>> print(formula_text(480, kernel_size=3))
    ⌊(480 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 478
    >>> make_kernel("Sobel x")
    tensor([[-1.,  0.,  1.],
            [-2.,  0.,  2.],
            [-1.,  0.,  1.]])
"""

from __future__ import annotations

import math

import ipywidgets
import numpy as np
import torch
from matplotlib.figure import Figure
from PIL import Image

from utils import plot
from utils.widgets import LivePlot

WIDGET_PHOTO_SCALE = 0.4
"""The widget convolves the greyscale photo at this fraction of its 427 x 640 size (fast, and
small enough that a stride or a large dilation visibly changes the output)."""

WIDGET_DPI = 72
"""Dots per inch of the widget's picture: one picture pixel per image pixel at this dpi."""

KERNELS = ("Sobel x", "Sobel y", "blur", "sharpen", "edge")
"""The kernels the widget offers, by name (see ``make_kernel``)."""

SLIDER_RANGES = {
    "kernel_size": (3, 1, 9),
    "stride": (1, 1, 4),
    "padding": (0, 0, 4),
    "dilation": (1, 1, 4),
    "row": (79, 0, 170),
    "col": (42, 0, 255),
}
"""Each slider's (default, min, max); ``row`` and ``col`` pick the output pixel whose input
pixels the widget outlines (by default a pixel on the left edge of the temple's roof)."""

ZOOM_PIXELS = 96
"""The zoomed patch of the widget is about this many screen pixels wide."""


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
    """Return a ``kernel_size`` x ``kernel_size`` edge kernel that responds to every direction
    alike: 1 in the centre and −1/kernel_size² everywhere else (for 3 x 3: −1/9 around).

    >>> edge_kernel(3)
    tensor([[-0.1111, -0.1111, -0.1111],
            [-0.1111,  1.0000, -0.1111],
            [-0.1111, -0.1111, -0.1111]])
    """
    kernel_size = _check_int("kernel_size", kernel_size, 1)
    kernel = torch.full((kernel_size, kernel_size), -1.0 / kernel_size**2)
    kernel[kernel_size // 2, kernel_size // 2] = 1.0
    return kernel


def make_kernel(name: str, kernel_size: int = 3) -> torch.Tensor:
    """Return the ``kernel_size`` x ``kernel_size`` kernel called ``name``:

    - ``"Sobel x"``: a smoothing column (binomial weights, 1 2 1 for size 3) times a difference
      row (−1 0 1): large where brightness changes from left to right, i.e. on vertical edges;
      sizes above 3 use the longer binomial rows (−1 −2 0 2 1 for 5), as OpenCV does;
    - ``"Sobel y"``: its transpose, for horizontal edges;
    - ``"blur"``: the mean of the window (every weight 1/kernel_size²);
    - ``"sharpen"``: twice the centre pixel minus the blur;
    - ``"edge"``: ``edge_kernel``, 1 in the centre and −1/kernel_size² around.

    >>> make_kernel("Sobel y", 3)[:, 0]
    tensor([-1.,  0.,  1.])
    >>> round(make_kernel("sharpen", 3).sum().item(), 6)  # a flat patch keeps its value
    1.0
    """
    if name not in KERNELS:
        raise ValueError(f"name must be one of {', '.join(map(repr, KERNELS))}, got {name!r}")
    kernel_size = _check_int("kernel_size", kernel_size, 1)
    if name.startswith("Sobel"):
        if kernel_size < 2:
            raise ValueError(f"{name} needs a kernel_size of at least 2, got {kernel_size}")
        smooth = torch.tensor([math.comb(kernel_size - 1, i) for i in range(kernel_size)])
        base = torch.tensor([math.comb(kernel_size - 2, i) for i in range(kernel_size - 1)])
        diff = torch.cat([base, torch.zeros(1)]) * -1 + torch.cat([torch.zeros(1), base])
        kernel = smooth.float()[:, None] * diff.float()[None, :]
        return kernel if name == "Sobel x" else kernel.T.contiguous()
    blur = torch.full((kernel_size, kernel_size), 1.0 / kernel_size**2)
    if name == "blur":
        return blur
    if name == "sharpen":
        kernel = -blur
        kernel[kernel_size // 2, kernel_size // 2] += 2.0
        return kernel
    return edge_kernel(kernel_size)


def _check_image(image: object) -> np.ndarray:
    """``image`` as a 2-D floating-point NumPy array (float32 unless it is float64), or a
    clear error. NumPy, not torch: a widget update must stay fast on a busy machine, where
    torch's multi-threaded kernels can wait a long time for their threads."""
    if not isinstance(image, torch.Tensor) or image.ndim != 2:
        shape = tuple(image.shape) if isinstance(image, torch.Tensor) else type(image).__name__
        raise ValueError(f"image must be a 2-D greyscale tensor (H, W), got {shape}")
    if image.is_complex():
        raise TypeError(f"image must hold real numbers, got {image.dtype}")
    array = image.detach().cpu().numpy()
    if array.dtype != np.float64:  # uint8 photos, bool masks: convolve their float values
        array = array.astype(np.float32)
    finite = np.isfinite(array)
    if not finite.all():
        raise ValueError(
            f"image holds {int((~finite).sum())} NaN or infinite value(s); give it finite numbers"
        )
    return array


def convolve_image(
    image: torch.Tensor,
    kernel_size: int = 3,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    kernel: str = "edge",
) -> torch.Tensor:
    """Convolve a greyscale ``image`` (H, W) with ``make_kernel(kernel, kernel_size)`` and
    return the (H_out, W_out) result, zero-padded by ``padding``, as ``nn.Conv2d`` would (a
    cross-correlation: the kernel is not flipped). An integer image (a uint8 photo) is
    convolved as float32, never cast to the kernel's loss; NaN or inf are refused.

    >>> convolve_image(torch.ones(6, 5), kernel_size=3, stride=2).shape
    torch.Size([2, 2])
    >>> convolve_image(torch.full((3, 3), 9, dtype=torch.uint8), kernel="blur")
    tensor([[9.]])
    """
    array = _check_image(image)
    weight = make_kernel(kernel, kernel_size).numpy().astype(array.dtype)
    for size in array.shape:  # raises a clear error when the kernel does not fit
        conv_output_size(size, kernel_size, stride, padding, dilation)
    span = dilation * (kernel_size - 1) + 1
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(array, padding), (span, span))
    taps = windows[::stride, ::stride, ::dilation, ::dilation]
    return torch.from_numpy(np.einsum("hwij,ij->hw", taps, weight, optimize=True))


def receptive_field(
    row: int, col: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> tuple[list[int], list[int]]:
    """Return the input rows and the input columns that output pixel (``row``, ``col``)
    reads: ``row·stride − padding + i·dilation`` for i = 0 … kernel_size − 1 (the same for
    columns). Indices below 0 or past the image fall in the zero padding.

    >>> receptive_field(0, 2, kernel_size=3, stride=2, padding=1)
    ([-1, 0, 1], [3, 4, 5])
    >>> receptive_field(1, 1, kernel_size=2, dilation=3)
    ([1, 4], [1, 4])
    """
    for name, value in (("row", row), ("col", col)):
        _check_int(name, value, 0)
    kernel_size = _check_int("kernel_size", kernel_size, 1)
    stride = _check_int("stride", stride, 1)
    padding = _check_int("padding", padding, 0)
    dilation = _check_int("dilation", dilation, 1)
    rows = [row * stride - padding + i * dilation for i in range(kernel_size)]
    cols = [col * stride - padding + i * dilation for i in range(kernel_size)]
    return rows, cols


def load_widget_photo(scale: float = WIDGET_PHOTO_SCALE) -> torch.Tensor:
    """Return the "china" sample photo in greyscale as an (H, W) float tensor in [0, 1],
    resized by ``scale``.

    >>> load_widget_photo(0.25).shape
    torch.Size([107, 160])
    """
    from utils.data import load_sample_photo

    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 1:
        raise ValueError(f"scale must be a number in (0, 1], got {scale!r}")
    photo = load_sample_photo("china").convert("L")
    size = (round(photo.width * scale), round(photo.height * scale))
    photo = photo.resize(size, Image.Resampling.BILINEAR)
    return torch.from_numpy(np.asarray(photo, dtype=np.float32) / 255.0)


RED = np.array([0.9, 0.1, 0.1])


def _outline(rgb: np.ndarray, top: int, left: int, height: int, width: int) -> None:
    """Draw a one-pixel red frame just outside the box (clipped at the borders)."""
    rows, cols = rgb.shape[:2]
    r0, r1 = max(top - 1, 0), min(top + height, rows - 1)
    c0, c1 = max(left - 1, 0), min(left + width, cols - 1)
    for r in {r0, r1}:
        rgb[r, c0 : c1 + 1] = RED
    for c in {c0, c1}:
        rgb[r0 : r1 + 1, c] = RED


def draw_conv(
    fig: Figure,
    image: torch.Tensor,
    kernel: str,
    kernel_size: int,
    stride: int,
    padding: int,
    dilation: int,
    row: int,
    col: int,
) -> str:
    """Draw the zero-padded input, the convolution's output at the same scale (in the top-left
    corner of a grey area as large as the padded input), and a zoom on the input pixels that
    feed output pixel (``row``, ``col``), framed in red in both pictures; return the readout:
    the kernel, both output sizes by the formula, and the pixels that one output reads. For an
    output pixel past the output's edge the readout says so and the nearest pixel is shown."""
    array = _check_image(image)
    height, width = array.shape
    out = convolve_image(image, kernel_size, stride, padding, dilation, kernel).numpy()
    note = ""
    if row >= out.shape[0] or col >= out.shape[1]:  # say so, then show the nearest pixel
        note = f"   (({row}, {col}) is past the {out.shape[0]} × {out.shape[1]} output: showing"
        row, col = min(row, out.shape[0] - 1), min(col, out.shape[1] - 1)
        note += f" ({row}, {col}))"
    padded = np.pad(array, padding)  # what the kernel slides over: zeros around the photo
    rows, cols = receptive_field(row, col, kernel_size, stride, padding, dilation)
    span = rows[-1] - rows[0] + 1
    patch = padded[rows[0] + padding : rows[0] + padding + span, cols[0] + padding :][:, :span]
    taps = np.zeros((span, span), dtype=bool)
    taps[::dilation, ::dilation] = True
    zoom = np.repeat(patch[..., None], 3, axis=2)
    zoom[~taps] = 0.55 + 0.45 * zoom[~taps]  # pixels the kernel skips (dilation) are washed out
    scale = max(1, ZOOM_PIXELS // span)
    zoom = zoom.repeat(scale, 0).repeat(scale, 1)

    left_rgb = np.repeat(padded[..., None], 3, axis=2)
    _outline(left_rgb, rows[0] + padding, cols[0] + padding, span, span)
    canvas = np.full(padded.shape + (3,), 0.85)  # light grey where the output does not reach
    low, high = out.min(), out.max()
    shown = (out - low) / (high - low) if high > low else np.full_like(out, 0.5)
    canvas[: out.shape[0], : out.shape[1]] = shown[..., None]
    _outline(canvas, row, col, 1, 1)
    titles = [
        f"input {height} × {width}, padding {padding}",
        f"output {out.shape[0]} × {out.shape[1]} (same scale)",
        f"output ({row}, {col}) reads",
    ]
    plot.draw_pixels(fig, [left_rgb, canvas, zoom], titles, dpi=WIDGET_DPI)
    h_text = formula_text(height, kernel_size, stride, padding, dilation)
    w_text = formula_text(width, kernel_size, stride, padding, dilation)
    return (
        f"{kernel} {kernel_size} × {kernel_size}   H_out = {h_text}   W_out = {w_text}   "
        f"output ({row}, {col}) reads input rows {rows[0]}…{rows[-1]}, "
        f"cols {cols[0]}…{cols[-1]} ({kernel_size * kernel_size} taps) = {out[row, col]:.3f}"
        f"{note}"
    )


def conv_widget(image: torch.Tensor | None = None) -> LivePlot:
    """Return the convolution widget: a kernel menu, sliders for kernel size, stride, padding,
    dilation and the output pixel (row, col) to trace back, the output-size formula with the
    current numbers, and the input next to the output and the zoomed patch.

    ``image`` is a greyscale (H, W) tensor; by default the "china" photo at 0.4 of its size.

    >>> live = conv_widget(torch.rand(20, 30))
    >>> live.set(kernel_size=5, stride=2, row=1, col=0).readout_text.split("   ")[3][:46]
    'output (1, 0) reads input rows 2…6, cols 0…4 ('
    """
    if image is None:
        image = load_widget_photo()
    _check_image(image)
    controls: dict[str, ipywidgets.ValueWidget] = {
        "kernel": ipywidgets.Dropdown(options=list(KERNELS), value="Sobel x", description="kernel")
    }
    for name, (default, low, high) in SLIDER_RANGES.items():
        if name in ("row", "col"):
            high = min(high, image.shape[0 if name == "row" else 1] - 1)
            default = min(default, high)
        controls[name] = ipywidgets.IntSlider(
            value=default,
            min=low,
            max=high,
            description=name.replace("_", " "),
            continuous_update=False,
        )

    def draw(fig: Figure, **values: object) -> str:
        return draw_conv(fig, image, **values)

    live = LivePlot(controls, draw, dpi=WIDGET_DPI)
    live.box.children[0].layout.flex_flow = "row wrap"  # seven controls: wrap them into rows
    return live
