"""utils.widgets.LivePlot: redraws on every control change, shows errors, rejects bad set-ups."""

import ipywidgets
import pytest

from utils.widgets import LivePlot


def make_plot(calls):
    def draw(fig, a, b):
        calls.append((a, b))
        ax = fig.add_subplot()
        ax.plot([0, 1], [a, b])
        return f"a + b = {a + b}"

    controls = {
        "a": ipywidgets.IntSlider(value=1, max=10),
        "b": ipywidgets.IntSlider(value=2, max=10),
    }
    return LivePlot(controls, draw)


def test_draws_once_at_start_with_the_default_values():
    calls = []
    live = make_plot(calls)
    assert calls == [(1, 2)]
    assert live.readout_text == "a + b = 3" and "a + b = 3" in live.readout.value
    assert bytes(live.image.value).startswith(b"\x89PNG")


def test_moving_a_slider_redraws_and_changes_the_image():
    calls = []
    live = make_plot(calls)
    before = live.image.value
    live.controls["a"].value = 7
    assert calls[-1] == (7, 2) and live.readout_text == "a + b = 9"
    assert bytes(live.image.value) != bytes(before)
    assert live.last_values == {"a": 7, "b": 2} and live.last_seconds > 0


def test_set_moves_several_controls_with_one_redraw():
    calls = []
    live = make_plot(calls)
    live.set(a=4, b=5)
    assert calls == [(1, 2), (4, 5)] and live.readout_text == "a + b = 9"


def test_an_error_in_draw_is_shown_not_raised():
    def draw(fig, x):
        raise ValueError(f"x must be small, got {x}")

    live = LivePlot({"x": ipywidgets.IntSlider(value=3)}, draw)
    assert live.readout_text == "⚠ could not draw: ValueError: x must be small, got 3"
    assert "&" not in live.readout_text and "could not draw" in live.readout.value


def test_readout_is_html_escaped():
    live = LivePlot({"x": ipywidgets.IntSlider(value=3)}, lambda fig, x: f"<b>{x}</b>")
    assert live.readout.value == "<code>&lt;b&gt;3&lt;/b&gt;</code>"


@pytest.mark.parametrize(
    "controls, draw, message",
    [
        ({}, lambda fig: "", "controls must be a non-empty dict"),
        ({"x": 3}, lambda fig, x: "", r"controls\['x'\] must be an ipywidgets control, got int"),
        ({"x": ipywidgets.IntSlider()}, "draw", "draw must be a function"),
    ],
)
def test_bad_set_ups_are_rejected(controls, draw, message):
    with pytest.raises(TypeError, match=message):
        LivePlot(controls, draw)


def test_set_rejects_unknown_controls():
    live = make_plot([])
    with pytest.raises(
        ValueError, match=r"unknown control\(s\) \['c'\]; this plot has \['a', 'b'\]"
    ):
        live.set(c=1)
