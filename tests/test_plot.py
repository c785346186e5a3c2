"""utils.plot: what each plot draws, checked on the Axes it returns, and its bad inputs."""

import numpy as np
import pytest
import torch

from utils import data, plot


def test_to_display_array_layouts():
    assert plot.to_display_array(torch.rand(3, 5, 7)).shape == (5, 7, 3)
    assert plot.to_display_array(torch.rand(1, 5, 7)).shape == (5, 7)
    assert plot.to_display_array(np.zeros((5, 7, 3))).shape == (5, 7, 3)
    assert plot.to_display_array(data.load_sample_photo("china")).shape == (427, 640, 3)


def test_to_display_array_rescales_only_out_of_range_floats():
    inside = torch.tensor([[0.2, 0.4]])
    np.testing.assert_allclose(plot.to_display_array(inside), [[0.2, 0.4]])
    np.testing.assert_allclose(
        plot.to_display_array(torch.tensor([[-2.0, 0.0, 2.0]])), [[0.0, 0.5, 1.0]]
    )
    np.testing.assert_allclose(plot.to_display_array(torch.full((2, 2), 5.0)), np.zeros((2, 2)))


@pytest.mark.parametrize("bad", [torch.rand(2, 5, 7), torch.rand(2, 2, 2, 2), torch.rand(5)])
def test_to_display_array_rejects_other_shapes(bad):
    with pytest.raises(ValueError, match="image must have shape"):
        plot.to_display_array(bad)


def test_to_display_array_rejects_other_types():
    with pytest.raises(TypeError, match="image must be a PIL image.*got list"):
        plot.to_display_array([[1, 2]])


def test_show_images_draws_each_image_with_its_title():
    images = [torch.zeros(1, 4, 4), torch.ones(3, 4, 4), data.load_sample_photo("flower")]
    axes = plot.show_images(images, titles=["zeros", "ones", "flower"], ncols=2)
    assert len(axes) == 3
    assert [ax.get_title() for ax in axes] == ["zeros", "ones", "flower"]
    assert axes[2].images[0].get_array().shape == (427, 640, 3)
    assert len(axes[0].figure.axes) == 4  # a 2x2 grid, the spare cell hidden
    assert not axes[0].figure.axes[3].axison


def test_show_images_accepts_a_batch_tensor():
    axes = plot.show_images(torch.rand(5, 1, 8, 8))
    assert len(axes) == 5 and axes[0].images[0].get_array().shape == (8, 8)


def test_shared_scale_draws_zero_mid_grey_and_the_largest_magnitude_black_or_white():
    weights = torch.tensor([[[[0.0, 1.0], [-2.0, 0.5]]], [[[0.2, 0.2], [0.2, 0.2]]]])
    axes = plot.show_images(weights, shared_scale=True)
    first, second = (ax.images[0] for ax in axes)
    assert first.get_clim() == (0, 1) and second.get_clim() == (0, 1)
    assert np.allclose(first.get_array(), [[0.5, 0.75], [0.0, 0.625]])
    assert np.allclose(second.get_array(), 0.55)  # not stretched to black and white
    with pytest.raises(TypeError, match="shared_scale must be True or False"):
        plot.show_images(weights, shared_scale="yes")


def test_a_batch_tensor_is_read_channels_first_even_for_3x3_images():
    """(N, 1, 3, 3) convolution kernels are grey 3 x 3 images, not 1 x 3 colour strips;
    (N, 3, 3, 3) are colour 3 x 3 images."""
    assert plot.show_images(torch.rand(4, 1, 3, 3))[0].images[0].get_array().shape == (3, 3)
    colour = torch.rand(2, 3, 3, 3)
    drawn = plot.show_images(colour)[1].images[0].get_array()
    assert drawn.shape == (3, 3, 3) and np.allclose(drawn, colour[1].permute(1, 2, 0).numpy())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"images": []}, "images must be a non-empty list"),
        ({"images": torch.rand(3, 8, 8)}, r"must have shape \(N, C, H, W\)"),
        (
            {"images": [torch.rand(8, 8)], "titles": ["a", "b"]},
            "titles must have one entry per image",
        ),
        ({"images": [torch.rand(8, 8)], "ncols": 0}, "ncols must be a positive integer"),
    ],
)
def test_show_images_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot.show_images(**kwargs)


def test_show_heatmap_writes_values_and_shape():
    matrix = torch.tensor([[1.0, 2.0], [3.0, 4.5]])
    ax = plot.show_heatmap(matrix, fmt=".1f")
    assert [t.get_text() for t in ax.texts] == ["1.0", "2.0", "3.0", "4.5"]
    assert ax.get_title() == "2 x 2"
    np.testing.assert_allclose(ax.images[0].get_array(), matrix.numpy())


def test_show_heatmap_large_matrices_are_not_annotated_and_1d_is_a_row():
    assert len(plot.show_heatmap(torch.rand(20, 20)).texts) == 0
    assert plot.show_heatmap(torch.arange(4)).images[0].get_array().shape == (1, 4)


def test_show_heatmap_draws_on_a_given_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert plot.show_heatmap(torch.eye(2), ax=ax) is ax


@pytest.mark.parametrize(
    "bad, error, message",
    [
        ([[1, 2]], TypeError, "matrix must be a torch.Tensor or a NumPy array, got list"),
        (torch.rand(2, 2, 2), ValueError, r"non-empty 1-D or 2-D tensor, got shape \(2, 2, 2\)"),
        (torch.rand(0, 3), ValueError, "non-empty"),
    ],
)
def test_show_heatmap_rejects_bad_input(bad, error, message):
    with pytest.raises(error, match=message):
        plot.show_heatmap(bad)


# --- training curves (the training loop, CNN and RNN chapters) --------------------------------


def test_show_history_draws_losses_left_and_accuracies_in_percent_right():
    history = {
        "train_loss": [1.0, 0.5, 0.25],
        "val_loss": [1.2, 0.7, 0.5],
        "train_accuracy": [0.5, 0.75, 0.9],
        "val_accuracy": [0.4, 0.7, 0.8],
    }
    loss_ax, acc_ax = plot.show_history(history)
    assert [line.get_label() for line in loss_ax.lines] == ["train", "val"]
    np.testing.assert_allclose(loss_ax.lines[1].get_xydata(), [[1, 1.2], [2, 0.7], [3, 0.5]])
    np.testing.assert_allclose(acc_ax.lines[0].get_ydata(), [50, 75, 90])
    assert (loss_ax.get_xlabel(), acc_ax.get_ylabel()) == ("epoch", "accuracy (%)")


def test_show_history_takes_a_train_history_and_leaves_out_missing_accuracy():
    from utils import train

    history = train.History(train_loss=[0.3, 0.2], train_accuracy=[float("nan")] * 2)
    history.val_loss, history.val_accuracy = [0.4, 0.3], [float("nan")] * 2
    loss_ax, acc_ax = plot.show_history(history.curves())
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 0


def test_show_history_draws_on_given_axes():
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(1, 2)
    drawn = plot.show_history({"train_loss": [1.0]}, axes=axes)
    assert drawn[0] is axes[0] and drawn[1] is axes[1]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({}, "history must be a non-empty dict"),
        ([0.1, 0.2], "history must be a non-empty dict"),
        ({"lr": [0.1]}, "history names must end in '_loss' or '_accuracy', got 'lr'"),
        ({"train_loss": 0.5}, r"history\['train_loss'\] must be a non-empty list of numbers"),
        ({"train_loss": []}, r"history\['train_loss'\] must be a non-empty list"),
    ],
)
def test_show_history_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        plot.show_history(bad)


# --- draw_pixels: the vision widgets' pictures ---------------------------------------------


def test_draw_pixels_places_each_image_pixel_for_pixel():
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    red = np.zeros((10, 20, 3))
    red[..., 0] = 1.0
    grey = torch.full((6, 8), 0.5)
    fig = plot.draw_pixels(Figure(), [red, grey], ["red", "grey"], dpi=50, gap=4, title_height=10)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    picture = np.asarray(Image.open(buffer).convert("RGB")).astype(int)
    assert picture.shape == (10 + 10 + 4, 4 + 20 + 4 + 8 + 4, 3)
    assert (picture[10:20, 4:24] == [255, 0, 0]).all()  # below the title band, after the gap
    assert (np.abs(picture[10:16, 28:36] - 128) <= 1).all()  # the grey tensor, top-aligned
    assert [text.get_text() for text in fig.texts] == ["red", "grey"]


@pytest.mark.parametrize(
    "images, titles, message",
    [
        ([], [], "images must be a non-empty list"),
        ([np.zeros((2, 2))], ["a", "b"], "titles must be a list with one title per image"),
        ([np.zeros((2, 2))], "a", "titles must be a list with one title per image"),
    ],
)
def test_draw_pixels_rejects_bad_input(images, titles, message):
    from matplotlib.figure import Figure

    with pytest.raises(ValueError, match=message):
        plot.draw_pixels(Figure(), images, titles)


# --- the wrong objects are refused at the door (issue 12) -----------------------------------

from matplotlib.figure import Figure  # noqa: E402

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: plot.show_heatmap(torch.eye(2), ax="left"), TypeError, "ax must be a matplotlib"),
        (lambda: plot.show_heatmap(torch.eye(2), ax=Figure()), TypeError, "got Figure"),
        (lambda: plot.show_heatmap(torch.eye(2), fmt="q"), ValueError, "fmt must be a number"),
        (lambda: plot.show_heatmap(torch.eye(2), cmap=3), ValueError, "cmap must be the name"),
        (lambda: plot.show_heatmap(torch.eye(2), annotate="yes"), TypeError, "annotate must be"),
        (lambda: plot.show_heatmap(torch.full((2, 2), NAN)), ValueError, "no finite value"),
        (
            lambda: plot.show_history({"a_loss": [1.0]}, axes=[None, None]),
            TypeError,
            r"axes\[0\] must be a matplotlib Axes",
        ),
        (lambda: plot.show_history({"a_loss": ["a"]}), ValueError, "list of numbers"),
        (lambda: plot.draw_pixels(None, [np.zeros((2, 2))], ["a"]), TypeError, "fig must be a"),
        (
            lambda: plot.draw_pixels(Figure().add_subplot(), [np.zeros((2, 2))], ["a"]),
            TypeError,
            "fig must be a matplotlib Figure",
        ),
        (lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], None), ValueError, "titles must"),
        (lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], dpi=0), ValueError, "dpi"),
        (lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], gap=-5), ValueError, "gap"),
        (lambda: plot.show_images([torch.zeros(2, 2)], titles=5), TypeError, "titles must be"),
        (lambda: plot.show_images([torch.zeros(2, 2)], size=-1), ValueError, "size must be"),
        (lambda: plot.show_images([torch.zeros(2, 2)], size=NAN), TypeError, "size must be"),
        (lambda: plot.show_images([torch.zeros(2, 2)], cmap="nope"), ValueError, "cmap must"),
        (lambda: plot.show_images([torch.zeros(2, 2)], ncols=10**6), ValueError, "at most 50"),
        (lambda: plot.show_images(torch.zeros(10**4, 1, 2, 2)), ValueError, "at most 200"),
        (lambda: plot.to_display_array(torch.full((2, 2), NAN)), ValueError, "4 NaN or inf"),
        (lambda: plot.to_display_array(torch.tensor([[0.0, INF]])), ValueError, "1 NaN or inf"),
        (lambda: plot.to_display_array(torch.zeros(0, 3)), ValueError, "at least one pixel"),
        (
            lambda: plot.to_display_array(torch.zeros(2, 2, dtype=torch.complex64)),
            TypeError,
            "image must hold real numbers",
        ),
    ],
)
def test_bad_arguments_are_named_before_drawing(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_heatmap_with_some_nan_or_inf_still_colours_the_finite_cells():
    ax = plot.show_heatmap(torch.tensor([[0.0, NAN], [INF, 2.0]]))
    assert ax.images[0].get_clim() == (0.0, 2.0)
    assert [text.get_text() for text in ax.texts] == ["0.00", "nan", "inf", "2.00"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plot.show_images([torch.zeros(2, 2)], size=1e6), "size must be .* at most 20"),
        (
            lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], gap=10**9),
            "gap must be .* at most 1000",
        ),
        (
            lambda: plot.draw_pixels(Figure(), [np.zeros((2, 2))], ["a"], dpi=10**6),
            "dpi must be .* at most 1000",
        ),
    ],
)
def test_sizes_that_could_never_be_drawn_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
