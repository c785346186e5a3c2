"""utils.widgets.softmax: PyTorch's softmax, cross-entropy and gradient against NumPy formulas;
the widget's sliders, readout and image; clear errors for bad input."""

import re

import ipywidgets
import numpy as np
import pytest
import torch

from utils.widgets import softmax


def numpy_softmax(logits, temperature):
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    shifted = np.exp(scaled - scaled.max())
    return shifted / shifted.sum()


CASES = [
    ([-0.5, -0.3, 0.0, 0.3, 0.5], 1.0, 4),
    ([-3.0, -1.0, 0.0, 1.0, 3.0], 1.0, 0),
    ([0.1, 0.2, 0.3], 1.0, 1),
    ([2.0, 1.0, 0.1], 0.5, 0),
    ([2.0, 1.0, 0.1], 3.0, 2),
    ([5.0, -5.0, 0.0, 4.9, -1.2], 0.1, 3),
    ([800.0, 0.0], 1.0, 1),  # large logits: the result must stay finite
]


@pytest.mark.parametrize("logits, temperature, target", CASES)
def test_probabilities_loss_and_gradient_match_numpy(logits, temperature, target):
    result = softmax.softmax_cross_entropy(logits, target, temperature)
    p = numpy_softmax(logits, temperature)
    scaled = np.asarray(logits) / temperature
    log_sum_exp = scaled.max() + np.log(np.exp(scaled - scaled.max()).sum())
    one_hot = np.eye(len(logits))[target]
    np.testing.assert_allclose(result.probs.numpy(), p, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.loss, log_sum_exp - scaled[target], rtol=1e-10)
    np.testing.assert_allclose(result.grad.numpy(), (p - one_hot) / temperature, atol=1e-10)
    assert np.isfinite(result.loss) and result.probs.sum().item() == pytest.approx(1.0)


@pytest.mark.parametrize("logits, temperature, target", CASES)
def test_softmax_with_temperature_matches_numpy(logits, temperature, target):
    np.testing.assert_allclose(
        softmax.softmax_with_temperature(logits, temperature).numpy(),
        numpy_softmax(logits, temperature),
        rtol=1e-10,
        atol=1e-12,
    )


def test_spec_numbers_at_the_default_logits():
    probs = softmax.softmax_with_temperature(softmax.DEFAULT_LOGITS)
    torch.testing.assert_close(
        probs.float(), torch.tensor([0.1135, 0.1386, 0.1871, 0.2525, 0.3084]), atol=5e-5, rtol=0
    )


def test_temperature_sharpens_and_flattens_but_keeps_the_order():
    logits = [1.0, 3.0, 2.0]
    cold, warm, hot = (softmax.softmax_with_temperature(logits, t) for t in (0.2, 1.0, 5.0))
    for probs in (cold, warm, hot):
        assert probs.argsort().tolist() == [0, 2, 1]
    assert cold.max() > warm.max() > hot.max()


def test_accepts_a_tensor_and_leaves_it_alone():
    logits = torch.tensor([1.0, 2.0], requires_grad=True)
    result = softmax.softmax_cross_entropy(logits, 0)
    assert logits.grad is None and result.logits.dtype == torch.float64


ce, sm, widget = (
    softmax.softmax_cross_entropy,
    softmax.softmax_with_temperature,
    softmax.softmax_widget,
)
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "function, args, kwargs, error, message",
    [
        (ce, ([1.0, NAN], 0), {}, ValueError, "logits must all be finite"),
        (ce, ([1.0, INF], 0), {}, ValueError, "logits must all be finite"),
        (ce, ([1.0], 0), {}, ValueError, "at least two classes"),
        (ce, (torch.ones(2, 2), 0), {}, ValueError, r"1-D .* shape \(2, 2\)"),
        (ce, ("abc", 0), {}, TypeError, "logits must be a list"),
        (ce, (["a", 1], 0), {}, TypeError, "logits must be numbers"),
        (ce, ([1.0, 2.0], 2), {}, ValueError, "target must be a class index from 0 to 1, got 2"),
        (ce, ([1.0, 2.0], -1), {}, ValueError, "target must be a class index"),
        (ce, ([1.0, 2.0], 1.0), {}, TypeError, "target must be an int"),
        (
            ce,
            ([1.0, 2.0], 0, 0.0),
            {},
            ValueError,
            "temperature must be a positive number, got 0.0",
        ),
        (ce, ([1.0, 2.0], 0, -1), {}, ValueError, "temperature must be a positive"),
        (ce, ([1.0, 2.0], 0, NAN), {}, ValueError, "temperature must be a positive"),
        (sm, ([1.0, 2.0], "hot"), {}, TypeError, "temperature must be a number"),
        (widget, (), {"logits": [0.0, 9.0]}, ValueError, "logits must lie between -5.0 and 5.0"),
        (widget, (), {"temperature": 9.0}, ValueError, "temperature must lie between 0.1 and 5.0"),
        (widget, (), {"target": 5}, ValueError, "target must be a class index from 0 to 4"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(
    function, args, kwargs, error, message
):
    with pytest.raises(error, match=message):
        function(*args, **kwargs)


# --- the widget -----------------------------------------------------------------------------

NUMBER = r"-?\d+\.\d{4}"


def parse_readout(text):
    """Read T, p, the target, the loss and the gradient back from the readout line."""
    match = re.fullmatch(
        rf"T = (\d+\.\d\d) · p = \[(.*)\] · CE\(target (\d)\) = ({NUMBER}) · grad = \[(.*)\]", text
    )
    assert match, text
    t, p, target, loss, grad = match.groups()
    return (
        float(t),
        [float(v) for v in p.split(", ")],
        int(target),
        float(loss),
        [float(v) for v in grad.split(", ")],
    )


def test_controls_have_short_stable_descriptions_and_ranges():
    live = softmax.softmax_widget()
    assert list(live.controls) == ["z0", "z1", "z2", "z3", "z4", "T", "target"]
    for name, control in live.controls.items():
        assert control.description == name
    for i, value in enumerate(softmax.DEFAULT_LOGITS):
        slider = live.controls[f"z{i}"]
        assert isinstance(slider, ipywidgets.FloatSlider)
        assert (slider.min, slider.max, slider.step, slider.value) == (-5.0, 5.0, 0.1, value)
    t = live.controls["T"]
    assert (t.min, t.max, t.step, t.value) == (0.1, 5.0, 0.1, 1.0)
    assert list(live.controls["target"].options) == [0, 1, 2, 3, 4]
    assert live.controls["target"].value == 4


SETTINGS = [
    {},
    {"z4": 3.0},
    {"T": 0.3, "target": 0},
    {"z0": 5.0, "z1": -5.0, "T": 5.0, "target": 1},
    {"z2": 2.5, "z3": -1.2, "target": 2},
]


@pytest.mark.parametrize("values", SETTINGS)
def test_readout_shows_the_numbers_numpy_computes(values):
    live = softmax.softmax_widget()
    live.set(**values)
    state = live.values()
    logits = [state[f"z{i}"] for i in range(5)]
    t, p, target, loss, grad = parse_readout(live.readout_text)
    expected_p = numpy_softmax(logits, state["T"])
    one_hot = np.eye(5)[state["target"]]
    assert t == pytest.approx(state["T"]) and target == state["target"]
    np.testing.assert_allclose(p, expected_p, atol=5e-5)
    np.testing.assert_allclose(loss, -np.log(expected_p[target]), atol=5e-5)
    np.testing.assert_allclose(grad, (expected_p - one_hot) / state["T"], atol=5e-5)


def test_moving_any_control_changes_the_readout_and_the_image():
    live = softmax.softmax_widget()
    for name, value in [("z0", 1.0), ("z3", -2.0), ("T", 2.0), ("target", 1)]:
        text, image = live.readout_text, bytes(live.image.value)
        live.controls[name].value = value
        assert live.readout_text != text and bytes(live.image.value) != image, name
        assert image.startswith(b"\x89PNG")


def test_draw_labels_the_target_and_keeps_the_axes_fixed():
    from matplotlib.figure import Figure

    fig = Figure()
    softmax.draw_softmax(fig, [0.0, 1.0, 2.0], 1.0, 1)
    left, right = fig.axes
    assert left.get_ylim() == (0, 1.05)
    assert "target 1" in left.get_xlabel()
    assert right.get_ylim()[0] < 0 < right.get_ylim()[1]


@pytest.mark.parametrize(
    "values, message",
    [
        ({"z0": 5.5}, r"z0 must be between -5 and 5 \(the slider's range\), got 5.5"),
        ({"z3": float("nan")}, "z3 must be a finite number, got nan"),
        ({"T": 0.0}, r"T must be between 0.1 and 5 \(the slider's range\), got 0.0"),
        ({"T": float("inf")}, "T must be a finite number, got inf"),
        ({"target": 7}, r"target must be one of \[0, 1, 2, 3, 4\], got 7"),
    ],
)
def test_a_value_the_sliders_would_clamp_is_refused_and_nothing_moves(values, message):
    live = softmax.softmax_widget()
    text, image = live.readout_text, bytes(live.image.value)
    with pytest.raises(ValueError, match=message):
        live.set(**values)
    assert live.readout_text == text and bytes(live.image.value) == image


@pytest.mark.parametrize("fig", [None, "fig", 1])
def test_draw_softmax_names_a_wrong_figure(fig):
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        softmax.draw_softmax(fig, [0.0, 1.0], 1.0, 0)
