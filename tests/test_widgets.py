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


@pytest.mark.parametrize(
    "value, message",
    [
        (12, r"a must be between 0 and 10 \(the slider's range\), got 12"),
        (-1, r"a must be between 0 and 10 \(the slider's range\), got -1"),
        (float("nan"), "a must be a finite number, got nan"),
        (float("inf"), "a must be a finite number, got inf"),
    ],
)
def test_set_refuses_a_value_the_slider_would_clamp_and_moves_nothing(value, message):
    calls = []
    live = make_plot(calls)
    with pytest.raises(ValueError, match=message):
        live.set(b=4, a=value)
    assert live.controls["b"].value == 2 and calls == [(1, 2)]  # nothing moved, no redraw


def test_set_refuses_a_menu_choice_that_is_not_offered():
    live = LivePlot({"k": ipywidgets.Dropdown(options=[1, 3, 5], value=3)}, lambda fig, k: str(k))
    with pytest.raises(ValueError, match=r"k must be one of \[1, 3, 5\], got 4"):
        live.set(k=4)
    assert live.set(k=5).readout_text == "5"


def test_a_log_slider_accepts_its_own_ends_and_refuses_beyond():
    from utils.widgets import float_slider

    live = LivePlot({"lr": float_slider("lr", 0.01, 1e-4, 1.0, 0.1, log=True)}, lambda f, lr: "")
    live.set(lr=1.0).set(lr=1e-4)
    with pytest.raises(ValueError, match=r"lr must be between 0.0001 and 1 \(the slider's range\)"):
        live.set(lr=3.0)


def test_last_error_holds_what_draw_raised_and_clears_when_it_works_again():
    live = LivePlot({"x": ipywidgets.IntSlider(value=0)}, lambda fig, x: str(1 / x))
    assert isinstance(live.last_error, ZeroDivisionError)
    assert live.readout_text.startswith("⚠ could not draw: ZeroDivisionError")
    live.set(x=2)
    assert live.last_error is None and live.readout_text == "0.5"


@pytest.mark.parametrize(
    "value, message",
    [
        (-0.5, "lr must be between 0.0 and 1.0 for its slider, got -0.5"),
        (float("nan"), "lr must be a finite number, got nan"),
        (True, "lr must be a finite number, got True"),
    ],
)
def test_float_slider_refuses_a_start_it_would_move(value, message):
    from utils.widgets import float_slider

    with pytest.raises(ValueError, match=message):
        float_slider("lr", value, 0.0, 1.0, 0.1)


def test_float_slider_builds_log_ranges_in_decades():
    from utils.widgets import float_slider

    log = float_slider("lr", 0.01, 1e-4, 1.0, 0.1, log=True)
    assert (log.min, log.max, log.value, log.step) == (-4.0, 0.0, 0.01, 0.1)
