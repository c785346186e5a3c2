"""utils.widgets.drawing: fixed labels and few ticks for fast redraws; cached lines as one
collection."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from utils.widgets import drawing


def test_label_axes_fixes_title_label_and_ticks():
    ax = Figure().add_subplot()
    ax.plot(np.arange(100), np.arange(100))
    drawing.label_axes(ax, "a title", "an x label", max_ticks=3)
    assert ax.get_title() == "a title" and ax.get_xlabel() == "an x label"
    assert ax.title.get_position()[1] == 1.0 and not ax.xaxis._autolabelpos
    assert len(ax.xaxis.get_major_locator()()) <= 5  # MaxNLocator(3) gives at most 3 bins
    assert len(ax.xaxis.get_minor_locator()()) == 0


def test_log_axes_get_plain_labels():
    ax = Figure().add_subplot()
    ax.semilogy([1e-8, 1.0, 1e3])
    drawing.label_axes(ax, "t", "x")
    formatter = ax.yaxis.get_major_formatter()
    assert [formatter(v, 0) for v in (1e-8, 1.0, 1e3, 1e5)] == ["1e-08", "1", "1000", "1e+05"]
    assert len(ax.yaxis.get_minor_locator()()) == 0


def test_a_log_axis_spanning_less_than_two_decades_still_gets_several_labels():
    ax = Figure().add_subplot()
    ax.semilogy([4.0, 30.0, 90.0])
    drawing.label_axes(ax, "t", "x")
    low, high = ax.get_ylim()
    shown = [v for v in ax.yaxis.get_major_locator()() if low <= v <= high]
    assert len(shown) >= 3, shown


@pytest.mark.parametrize("max_ticks", [1, 0, 2.5, True])
def test_label_axes_rejects_bad_max_ticks(max_ticks):
    with pytest.raises(ValueError, match="max_ticks must be an int of at least 2"):
        drawing.label_axes(Figure().add_subplot(), "t", "x", max_ticks=max_ticks)


def test_draw_lines_adds_one_collection_with_every_line():
    lines = [np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])]
    ax = drawing.draw_lines(Figure().add_subplot(), lines)
    (collection,) = ax.collections
    assert [len(path.vertices) for path in collection.get_paths()] == [2, 3]


def test_color_key_writes_one_coloured_line_per_entry_without_a_legend():
    ax = Figure().add_subplot()
    drawing.color_key(ax, [("a", "red"), ("b", "blue"), ("c", "gray")], corner=(0.9, 0.9))
    assert [(t.get_text(), t.get_color()) for t in ax.texts] == [
        ("a", "red"),
        ("b", "blue"),
        ("c", "gray"),
    ]
    heights = [t.get_position()[1] for t in ax.texts]
    assert heights == sorted(heights, reverse=True) and ax.get_legend() is None


@pytest.mark.parametrize(
    "call",
    [
        lambda ax: drawing.label_axes(ax, "t", "x"),
        lambda ax: drawing.draw_lines(ax, []),
        lambda ax: drawing.color_key(ax, [("a", "red")]),
    ],
)
@pytest.mark.parametrize("ax", [None, Figure(), "left"])
def test_helpers_name_a_wrong_ax(call, ax):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        call(ax)


@pytest.mark.parametrize("fig", [None, Figure().add_subplot(), 3])
def test_two_panels_names_a_wrong_fig(fig):
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        drawing.two_panels(fig)


def test_two_panels_share_y_when_asked():
    left, right = drawing.two_panels(Figure(), sharey=True)
    assert left.get_shared_y_axes().joined(left, right)
