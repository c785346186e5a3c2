"""utils.widgets.conv: the output-size formula against the real nn.Conv2d, the convolution
against a loop written out by hand, and the widget driven by its sliders."""

import itertools

import pytest
import torch
from torch import nn

from utils.widgets import conv

SIZES = (1, 4, 7, 12)
GRID = list(itertools.product(SIZES, (1, 2, 3, 5), (1, 2, 3), (0, 1, 2), (1, 2, 3)))


def real_conv_size(size, kernel_size, stride, padding, dilation):
    """The length nn.Conv2d really produces, or None when it refuses the setting."""
    layer = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation)
    try:
        with torch.no_grad():
            return layer(torch.zeros(1, 1, size, size + 3)).shape[2]
    except RuntimeError:
        return None


def test_formula_matches_nn_conv2d_over_a_grid_of_settings():
    mismatches, refused = [], 0
    for setting in GRID:
        real = real_conv_size(*setting)
        if real is None:  # nn.Conv2d refuses: the formula must refuse too
            refused += 1
            with pytest.raises(ValueError, match="the kernel spans"):
                conv.conv_output_size(*setting)
        elif conv.conv_output_size(*setting) != real:
            mismatches.append((setting, conv.conv_output_size(*setting), real))
    assert mismatches == []
    assert 0 < refused < len(GRID) // 2  # the grid covers both cases


def test_formula_covers_both_dimensions_and_the_spec_numbers():
    layer = nn.Conv2d(1, 1, 3, bias=False)
    out = layer(torch.zeros(1, 1, 480, 479))
    assert out.shape[2:] == (conv.conv_output_size(480, 3), conv.conv_output_size(479, 3))
    assert out.shape[2:] == (478, 477)
    pooled = nn.MaxPool2d(2, stride=2)(out)
    assert pooled.shape[2:] == (conv.conv_output_size(478, 2, 2), conv.conv_output_size(477, 2, 2))
    assert pooled.shape[2:] == (239, 238)


def test_formula_text_shows_the_numbers():
    text = conv.formula_text(480, kernel_size=3, stride=2, padding=1, dilation=2)
    assert text == "⌊(480 + 2·1 − 2·(3 − 1) − 1) / 2⌋ + 1 = 239"
    assert int(text.rsplit("= ", 1)[1]) == (480 + 2 - 4 - 1) // 2 + 1


def convolve_by_loops(image, kernel, stride, padding, dilation):
    """Cross-correlation written out pixel by pixel, as the definition reads."""
    height, width = image.shape
    k = kernel.shape[0]
    padded = torch.zeros(height + 2 * padding, width + 2 * padding, dtype=torch.float64)
    padded[padding : padding + height, padding : padding + width] = image
    span = dilation * (k - 1) + 1
    rows = range(0, padded.shape[0] - span + 1, stride)
    cols = range(0, padded.shape[1] - span + 1, stride)
    out = torch.zeros(len(rows), len(cols), dtype=torch.float64)
    for i, top in enumerate(rows):
        for j, left in enumerate(cols):
            total = 0.0
            for a in range(k):
                for b in range(k):
                    total += kernel[a, b] * padded[top + a * dilation, left + b * dilation]
            out[i, j] = total
    return out


@pytest.mark.parametrize(
    "kernel_size, stride, padding, dilation",
    [(3, 1, 0, 1), (3, 2, 1, 1), (5, 1, 2, 2), (2, 3, 1, 1)],
)
def test_convolve_image_matches_a_hand_written_loop(kernel_size, stride, padding, dilation):
    image = torch.rand(9, 11, generator=torch.Generator().manual_seed(kernel_size))
    kernel = conv.edge_kernel(kernel_size).double()
    expected = convolve_by_loops(image.double(), kernel, stride, padding, dilation)
    result = conv.convolve_image(image, kernel_size, stride, padding, dilation)
    torch.testing.assert_close(result.double(), expected, atol=1e-5, rtol=1e-5)


def test_edge_kernel_is_the_all_directions_kernel():
    kernel = conv.edge_kernel(3)
    expected = torch.full((3, 3), -1 / 9)
    expected[1, 1] = 1.0
    torch.testing.assert_close(kernel, expected)
    assert conv.edge_kernel(1).tolist() == [[1.0]]
    assert conv.edge_kernel(4)[2, 2] == 1.0 and conv.edge_kernel(4).shape == (4, 4)


def test_widget_shows_the_formula_and_output_for_its_sliders():
    image = torch.rand(40, 50)
    live = conv.conv_widget(image)
    assert live.last_values == {
        "kernel": "Sobel x",
        "kernel_size": 3,
        "stride": 1,
        "padding": 0,
        "dilation": 1,
        "row": 39,
        "col": 42,
    }
    assert "= 38   W_out" in live.readout_text and "= 48   output (37, 42)" in live.readout_text
    assert "past the 38 × 48 output: showing (37, 42)" in live.readout_text  # said, not silent
    before = bytes(live.image.value)
    for kernel_size, stride, padding, dilation in [(5, 2, 1, 1), (3, 3, 4, 2), (9, 1, 0, 4)]:
        live.set(
            kernel="blur", kernel_size=kernel_size, stride=stride, padding=padding,
            dilation=dilation, row=0, col=0,
        )  # fmt: skip
        layer = nn.Conv2d(1, 1, kernel_size, stride, padding, dilation)
        height, width = layer(image[None, None]).shape[2:]
        assert f"= {height}   W_out" in live.readout_text
        assert f"= {width}   output (0, 0)" in live.readout_text
        assert f"/ {stride}⌋" in live.readout_text
    assert bytes(live.image.value) != before and bytes(live.image.value).startswith(b"\x89PNG")


def test_widget_readout_names_the_pixels_one_output_reads_and_its_value():
    image = torch.rand(30, 30, generator=torch.Generator().manual_seed(1))
    live = conv.conv_widget(image).set(kernel="Sobel y", stride=2, padding=1, row=3, col=5)
    assert "output (3, 5) reads input rows 5…7, cols 9…11 (9 taps)" in live.readout_text
    value = float(live.readout_text.rsplit("= ", 1)[1])
    expected = (image[5:8, 9:12] * conv.make_kernel("Sobel y")).sum().item()
    assert abs(value - expected) < 5e-4


def test_receptive_field_matches_the_gradient_of_one_output_pixel():
    """The input pixels whose gradient is non-zero are exactly the taps inside the image."""
    for kernel_size, stride, padding, dilation in [(3, 1, 0, 1), (3, 2, 1, 2), (2, 3, 2, 1)]:
        image = torch.rand(1, 1, 17, 19, requires_grad=True)
        weight = torch.ones(1, 1, kernel_size, kernel_size)
        out = torch.nn.functional.conv2d(image, weight, None, stride, padding, dilation)
        for row, col in [(0, 0), (1, 2), (out.shape[2] - 1, out.shape[3] - 1)]:
            (grad,) = torch.autograd.grad(out[0, 0, row, col], image, retain_graph=True)
            rows, cols = conv.receptive_field(row, col, kernel_size, stride, padding, dilation)
            taps = {(r, c) for r in rows for c in cols if 0 <= r < 17 and 0 <= c < 19}
            assert {tuple(p) for p in grad[0, 0].nonzero().tolist()} == taps


def test_kernels_match_their_definitions():
    torch.testing.assert_close(
        conv.make_kernel("Sobel x"), torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    )
    torch.testing.assert_close(conv.make_kernel("Sobel y"), conv.make_kernel("Sobel x").T)
    five = torch.tensor([1.0, 4, 6, 4, 1])[:, None] * torch.tensor([-1.0, -2, 0, 2, 1])
    torch.testing.assert_close(conv.make_kernel("Sobel x", 5), five)  # OpenCV's 5 x 5 Sobel
    torch.testing.assert_close(conv.make_kernel("blur", 4), torch.full((4, 4), 1 / 16))
    identity = torch.zeros(3, 3)
    identity[1, 1] = 1.0
    torch.testing.assert_close(conv.make_kernel("sharpen"), 2 * identity - conv.make_kernel("blur"))
    torch.testing.assert_close(conv.make_kernel("edge"), conv.edge_kernel(3))


def test_sobel_x_sees_vertical_edges_and_sobel_y_horizontal_ones():
    step = torch.zeros(8, 8)
    step[:, 4:] = 1.0  # dark left, bright right: a vertical edge
    assert conv.convolve_image(step, kernel="Sobel x").max() == 4.0  # 1 + 2 + 1
    assert conv.convolve_image(step, kernel="Sobel y").abs().max() == 0.0
    assert conv.convolve_image(step.T, kernel="Sobel y").max() == 4.0
    flat = torch.full((6, 6), 0.3)
    for name in ("blur", "sharpen"):  # weights summing to 1 keep a flat patch as it is
        torch.testing.assert_close(conv.convolve_image(flat, kernel=name), torch.full((4, 4), 0.3))


@pytest.mark.parametrize("name", conv.KERNELS)
def test_convolve_image_matches_nn_conv2d_for_every_kernel(name):
    image = torch.rand(13, 16, generator=torch.Generator().manual_seed(3))
    for kernel_size, stride, padding, dilation in [(3, 1, 0, 1), (5, 2, 2, 1), (2, 1, 1, 3)]:
        layer = nn.Conv2d(1, 1, kernel_size, stride, padding, dilation, bias=False)
        with torch.no_grad():
            layer.weight.copy_(conv.make_kernel(name, kernel_size)[None, None])
            expected = layer(image[None, None])[0, 0]
        result = conv.convolve_image(image, kernel_size, stride, padding, dilation, kernel=name)
        torch.testing.assert_close(result, expected, atol=1e-5, rtol=1e-5)


def test_an_integer_image_is_convolved_as_floats_not_truncated():
    photo = (conv.load_widget_photo(0.1) * 255).round().to(torch.uint8)
    for name in conv.KERNELS:
        result = conv.convolve_image(photo, kernel=name)
        assert result.dtype == torch.float32
        torch.testing.assert_close(result, conv.convolve_image(photo.float(), kernel=name))
    assert conv.convolve_image(photo, kernel="blur").frac().abs().max() > 0  # not rounded


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_or_inf_images_get_a_clear_error(bad):
    image = torch.rand(8, 8)
    image[2, 3] = bad
    with pytest.raises(ValueError, match="image holds 1 NaN or infinite value"):
        conv.convolve_image(image)
    with pytest.raises(ValueError, match="image holds 1 NaN or infinite value"):
        conv.conv_widget(image)


def test_slider_values_out_of_range_are_refused_not_clamped():
    live = conv.conv_widget(torch.rand(20, 20))
    with pytest.raises(ValueError, match=r"kernel_size must be between 1 and 9 \(the slider's"):
        live.set(kernel_size=20)
    with pytest.raises(ValueError, match="stride must be between 1 and 4 .* got 0"):
        live.set(stride=0)
    with pytest.raises(ValueError, match="row must be between 0 and 19"):
        live.set(row=25)
    assert live.last_values["kernel_size"] == 3  # nothing moved
    with pytest.raises(ValueError, match="kernel must be one of .*, got 'emboss'"):
        live.set(kernel="emboss")


def test_widget_reports_a_kernel_that_does_not_fit():
    live = conv.conv_widget(torch.rand(10, 12))
    live.set(kernel_size=9, dilation=2)
    assert live.readout_text.startswith("⚠ could not draw: ValueError: the kernel spans 17 pixels")
    live.set(kernel_size=1, dilation=1)
    assert live.readout_text.startswith("⚠ could not draw: ValueError: Sobel x needs a kernel_size")


def test_default_widget_uses_the_real_photo():
    photo = conv.load_widget_photo()
    assert photo.shape == (171, 256) and 0 <= photo.min() and photo.max() <= 1
    assert photo.std() > 0.1  # a photograph, not a blank
    live = conv.conv_widget()
    assert "= 169   W_out" in live.readout_text and "= 254   output (79, 42)" in live.readout_text
    value = float(live.readout_text.rsplit("= ", 1)[1])
    assert abs(value) > 1  # the default pixel sits on a strong vertical edge


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"size": 0, "kernel_size": 3}, ValueError, "size must be at least 1, got 0"),
        ({"size": 8, "kernel_size": 0}, ValueError, "kernel_size must be at least 1, got 0"),
        ({"size": 8, "kernel_size": 3, "stride": 0}, ValueError, "stride must be at least 1"),
        ({"size": 8, "kernel_size": 3, "padding": -1}, ValueError, "padding must be at least 0"),
        ({"size": 8, "kernel_size": 3, "dilation": 0}, ValueError, "dilation must be at least 1"),
        ({"size": 8.0, "kernel_size": 3}, TypeError, "size must be an integer, got float"),
        ({"size": 8, "kernel_size": True}, TypeError, "kernel_size must be an integer, got bool"),
        ({"size": 4, "kernel_size": 7}, ValueError, "padded input has only 4: lower kernel_size"),
    ],
)
def test_conv_output_size_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        conv.conv_output_size(**kwargs)


def test_bad_images_are_rejected():
    with pytest.raises(
        ValueError, match=r"image must be a 2-D greyscale tensor \(H, W\), got \(1, 5, 5\)"
    ):
        conv.convolve_image(torch.rand(1, 5, 5))
    with pytest.raises(ValueError, match="image must be a 2-D greyscale tensor .* got list"):
        conv.convolve_image([[1.0]])
    with pytest.raises(ValueError, match="image must be a 2-D greyscale tensor"):
        conv.conv_widget(torch.rand(3, 8, 8))
    with pytest.raises(ValueError, match=r"scale must be a number in \(0, 1\], got 2"):
        conv.load_widget_photo(2)
    with pytest.raises(ValueError, match="kernel_size must be at least 1, got 0"):
        conv.edge_kernel(0)
    with pytest.raises(ValueError, match="name must be one of 'Sobel x', .* got 'emboss'"):
        conv.make_kernel("emboss")
    with pytest.raises(TypeError, match="image must hold real numbers"):
        conv.convolve_image(torch.ones(4, 4, dtype=torch.complex64))
    with pytest.raises(ValueError, match="row must be at least 0, got -1"):
        conv.receptive_field(-1, 0, kernel_size=3)
