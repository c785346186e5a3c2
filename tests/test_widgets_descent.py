"""utils.widgets.descent: paths of the real torch.optim classes against hand-written NumPy
updates; regimes, averages, the four widgets' controls and readouts; clear errors."""

import re

import ipywidgets
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from utils.widgets import descent


def numpy_sgd(gradient, start, lr, steps, momentum=0.0):
    """PyTorch's SGD written out: v = momentum * v + g, then p = p - lr * v."""
    p, v, points = np.array(start, dtype=np.float64), None, []
    points.append(p.copy())
    for _ in range(steps):
        g = gradient(p)
        v = g if v is None else momentum * v + g
        p = p - lr * v
        points.append(p.copy())
    return np.array(points)


def numpy_adam(gradient, start, lr, steps, betas=(0.9, 0.999), eps=1e-8):
    p = np.array(start, dtype=np.float64)
    m, v, points = np.zeros_like(p), np.zeros_like(p), [p.copy()]
    for t in range(1, steps + 1):
        g = gradient(p)
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g**2
        m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        points.append(p.copy())
    return np.array(points)


def parabola_gradient(p):
    return 8 * p


def valley_gradient(p):
    return np.array([0.2 * p[0], 4 * p[1]])


def rosenbrock_gradient(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


# --- paths against hand-written updates -------------------------------------------------------


@pytest.mark.parametrize("lr", [0.01, 0.05, 0.1, 0.125, 0.2, 0.25, 0.3])
def test_parabola_path_is_x_times_one_minus_8_lr_per_step(lr):
    path = descent.parabola_path(lr, steps=20)
    expected = 2.0 * (1 - 8 * lr) ** np.arange(21)
    np.testing.assert_allclose(path.points[:, 0], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(path.losses, 4 * expected**2, rtol=1e-12, atol=1e-12)
    assert not path.diverged and path.steps == 20


@pytest.mark.parametrize("lr, momentum", [(0.01, 0.9), (0.05, 0.5), (0.02, 0.0), (0.1, 0.95)])
def test_sgd_with_momentum_matches_pytorch_formula_by_hand(lr, momentum):
    path = descent.parabola_path(lr, steps=15, momentum=momentum)
    expected = numpy_sgd(parabola_gradient, [2.0], lr, 15, momentum)
    np.testing.assert_allclose(path.points, expected, rtol=1e-10, atol=1e-12)


def test_three_momentum_steps_reach_the_spec_value():
    path = descent.parabola_path(0.01, steps=3, momentum=0.9)
    assert round(path.points[-1, 0], 4) == 1.1628


@pytest.mark.parametrize("lr, momentum", [(0.3, 0.5), (0.1, 0.0), (0.45, 0.9), (0.6, 0.0)])
def test_valley_paths_match_the_hand_written_update(lr, momentum):
    plain, heavy = descent.valley_paths(lr, momentum, steps=30)
    np.testing.assert_allclose(
        plain.points,
        numpy_sgd(valley_gradient, descent.VALLEY_START, lr, plain.steps),
        rtol=1e-10,
        atol=1e-10,
    )
    np.testing.assert_allclose(
        heavy.points,
        numpy_sgd(valley_gradient, descent.VALLEY_START, lr, heavy.steps, momentum),
        rtol=1e-10,
        atol=1e-10,
    )


@pytest.mark.parametrize("lr", [0.001, 0.1, 0.5])
def test_adam_path_matches_a_hand_written_adam(lr):
    path = descent.race_path("Adam", lr, steps=25)
    expected = numpy_adam(rosenbrock_gradient, descent.RACE_START, lr, 25)
    np.testing.assert_allclose(path.points, expected, rtol=1e-8, atol=1e-10)


def test_sparse_adam_on_a_sparse_gradient_moves_like_adam():
    sparse = descent.race_path("SparseAdam", 0.1, steps=20)
    dense = descent.race_path("Adam", 0.1, steps=20)
    np.testing.assert_allclose(sparse.points, dense.points, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", descent.optimizer_names())
def test_every_optimizer_runs_and_leaves_only_finite_numbers(name):
    path = descent.race_path(name, 0.01, steps=10)
    assert path.optimizer == name and path.points.shape[1] == 2
    assert np.isfinite(path.points).all() and np.isfinite(path.losses).all()
    assert not np.array_equal(path.points[0], path.points[-1])  # it moved


def test_optimizer_names_are_exactly_the_optimizer_subclasses_torch_optim_exports():
    exported = {
        name
        for name in dir(torch.optim)
        if isinstance(getattr(torch.optim, name), type)
        and issubclass(getattr(torch.optim, name), torch.optim.Optimizer)
    } - {"Optimizer"}
    assert descent.optimizer_names() == sorted(exported)
    assert {"SGD", "Adam", "AdamW", "LBFGS", "SparseAdam", "Rprop"} <= exported


def test_a_diverging_run_stops_with_finite_numbers_and_says_so():
    path = descent.parabola_path(0.3, steps=500)
    assert path.diverged and path.steps < 500
    assert np.isfinite(path.points).all() and path.losses.max() <= descent.LOSS_LIMIT


# --- regimes and averages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "lr, regime",
    [
        (0.005, "slow"),
        (0.0625, "slow"),
        (0.07, "fast"),
        (0.125, "one step"),
        (0.15, "oscillating"),
        (0.25, "oscillating forever"),
        (0.255, "diverging"),
        (0.3, "diverging"),
    ],
)
def test_lr_regime_on_the_parabola(lr, regime):
    assert descent.lr_regime(lr) == regime


@pytest.mark.parametrize("lr", [0.005 * k for k in range(1, 61)])
def test_regime_agrees_with_what_the_path_does(lr):
    path = descent.parabola_path(lr, steps=20)
    regime = descent.lr_regime(lr)
    ratio = path.points[-1, 0] / path.points[0, 0]
    if regime == "diverging":
        assert abs(ratio) > 1
    elif regime == "oscillating forever":
        assert abs(ratio) == pytest.approx(1)
    else:
        assert abs(ratio) < 1
    if regime in ("oscillating", "oscillating forever", "diverging"):
        assert path.points[1, 0] < 0  # the first step overshoots the minimum


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
def test_ewa_equals_the_explicit_weighted_sum(beta):
    values = descent.noisy_signal(60)
    averages = descent.ewa(values, beta)
    for t in (0, 1, 10, 59):
        weights = (1 - beta) * beta ** np.arange(t + 1)[::-1]  # value k gets (1-beta) beta^(t-k)
        assert averages[t] == pytest.approx((weights * values[: t + 1]).sum(), rel=1e-12)
    corrected = descent.ewa(values, beta, bias_correction=True)
    t = np.arange(1, 61)
    np.testing.assert_allclose(corrected, averages / (1 - beta**t), rtol=1e-12)


@pytest.mark.parametrize("beta, n", [(0.9, 100), (0.5, 10), (0.98, 50)])
def test_ewa_weights_sum_to_one_minus_beta_to_the_n(beta, n):
    weights = descent.ewa_weights(beta, n)
    assert weights.sum() == pytest.approx(1 - beta**n, rel=1e-12)
    assert weights[0] == pytest.approx(1 - beta)


# --- bad input ------------------------------------------------------------------------------

opt, ewa, lr_regime = descent.optimize, descent.ewa, descent.lr_regime
parabola = descent.parabola
NAN = float("nan")


@pytest.mark.parametrize(
    "function, args, kwargs, error, message",
    [
        (
            opt,
            (parabola, [2.0], "SGD", 0.0),
            {},
            ValueError,
            "lr must be a positive number, got 0.0",
        ),
        (
            opt,
            (parabola, [2.0], "SGD", -0.1),
            {},
            ValueError,
            "lr must be a positive number, got -0.1",
        ),
        (
            opt,
            (parabola, [2.0], "SGD", NAN),
            {},
            ValueError,
            "lr must be a positive number, got nan",
        ),
        (opt, (parabola, [2.0], "SGD", "0.1"), {}, TypeError, "lr must be a number, got str"),
        (
            opt,
            (parabola, [2.0], "SGD", 0.1),
            {"momentum": 1.0},
            ValueError,
            "momentum must be at least 0 and below 1, got 1.0",
        ),
        (
            opt,
            (parabola, [2.0], "SGD", 0.1),
            {"momentum": -0.1},
            ValueError,
            "momentum must be at least 0 and below 1",
        ),
        (
            opt,
            (parabola, [2.0], "Adamm", 0.1),
            {},
            ValueError,
            r"optimizer must be one of \[.*'SGD'.*\], got 'Adamm'",
        ),
        (opt, (parabola, [2.0], "Optimizer", 0.1), {}, ValueError, "optimizer must be one of"),
        (
            opt,
            (parabola, [2.0], "SGD", 0.1, 0),
            {},
            ValueError,
            "steps must be a positive int, got 0",
        ),
        (opt, (parabola, [NAN], "SGD", 0.1), {}, ValueError, "start must be finite numbers"),
        (opt, (parabola, [1e7], "SGD", 0.1), {}, ValueError, "start must be a point where"),
        (opt, (parabola, "two", "SGD", 0.1), {}, TypeError, "start must be a list of numbers"),
        (opt, ("parabola", [2.0], "SGD", 0.1), {}, TypeError, "function must map a tensor"),
        (
            descent.parabola_path,
            (0.1,),
            {"momentum": 1.2},
            ValueError,
            "momentum must be at least 0",
        ),
        (descent.valley_paths, (-1.0, 0.5), {}, ValueError, "lr must be a positive number"),
        (descent.race_path, ("sgd", 0.1), {}, ValueError, "optimizer must be one of"),
        (lr_regime, (0.0,), {}, ValueError, "lr must be a positive number"),
        (lr_regime, (0.1,), {"curvature": -8}, ValueError, "curvature must be a positive number"),
        (ewa, ([1.0, 2.0], 1.0), {}, ValueError, "beta must be at least 0 and below 1, got 1.0"),
        (ewa, ([1.0, 2.0], -0.5), {}, ValueError, "beta must be at least 0 and below 1"),
        (
            ewa,
            ([1.0, NAN], 0.9),
            {},
            ValueError,
            "values must be a non-empty 1-D sequence of finite",
        ),
        (ewa, ([], 0.9), {}, ValueError, "values must be a non-empty"),
        (descent.ewa_weights, (0.9, 0), {}, ValueError, "steps must be a positive int"),
        (descent.contour_lines, ("parabola",), {}, ValueError, "name must be one of"),
        (descent.lr_widget, (-0.1,), {}, ValueError, "lr must be a positive number"),
        (descent.ewa_widget, (1.0,), {}, ValueError, "beta must be at least 0 and below 1"),
        (
            descent.momentum_widget,
            (0.3, 1.0),
            {},
            ValueError,
            "momentum must be at least 0 and below 1",
        ),
        (descent.race_widget, ("Adamm",), {}, ValueError, "opt1 must be one of"),
        (descent.race_widget, (), {"opt2": "adam"}, ValueError, "opt2 must be one of"),
        (descent.race_widget, (), {"lr2": 0}, ValueError, "lr must be a positive number"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(
    function, args, kwargs, error, message
):
    with pytest.raises(error, match=message):
        function(*args, **kwargs)


# --- the widgets ----------------------------------------------------------------------------


def slider_spec(control):
    return control.description, control.min, control.max, control.step, control.value


def test_widget_controls_have_short_stable_descriptions():
    assert slider_spec(descent.lr_widget().controls["lr"]) == ("lr", 0.005, 0.3, 0.005, 0.2)
    assert slider_spec(descent.ewa_widget().controls["beta"]) == ("beta", 0.0, 0.99, 0.01, 0.9)
    momentum = descent.momentum_widget().controls
    assert slider_spec(momentum["lr"]) == ("lr", 0.01, 1.0, 0.01, 0.3)
    assert slider_spec(momentum["momentum"]) == ("momentum", 0.0, 0.95, 0.05, 0.5)
    race = descent.race_widget().controls
    assert list(race) == ["opt1", "lr1", "opt2", "lr2"]
    assert [c.description for c in race.values()] == ["opt1", "lr1", "opt2", "lr2"]
    assert isinstance(race["lr1"], ipywidgets.FloatLogSlider)
    assert (race["lr1"].min, race["lr1"].max, race["lr1"].step, race["lr1"].base) == (
        -4,
        1,
        0.1,
        10,
    )
    assert (race["opt1"].value, race["lr1"].value, race["opt2"].value, race["lr2"].value) == (
        "SGD",
        0.001,
        "Adam",
        0.1,
    )
    assert descent.race_widget(lr2=0.3).controls["lr2"].value == 10**-0.5  # snapped to the grid
    assert list(race["opt1"].options) == descent.optimizer_names()


LR_READOUT = re.compile(
    r"lr = (\d\.\d{3}) · ([a-z ]+) \(x × ([+-]\d\.\d\d) per step\) · "
    r"after (\d+) steps: x = (\S+), loss = (\S+)"
)


@pytest.mark.parametrize("lr", [0.005, 0.05, 0.1, 0.125, 0.2, 0.25, 0.255, 0.3])
def test_lr_readout_shows_regime_final_x_and_loss(lr):
    live = descent.lr_widget()
    live.set(lr=lr)
    match = LR_READOUT.fullmatch(live.readout_text)
    assert match, live.readout_text
    shown_lr, regime, factor, steps, x, loss = match.groups()
    expected_x = 2.0 * (1 - 8 * lr) ** 20
    assert float(shown_lr) == pytest.approx(lr) and int(steps) == 20
    assert float(factor) == pytest.approx(1 - 8 * lr, abs=0.005)
    assert float(x) == pytest.approx(expected_x, rel=1e-3, abs=1e-12)
    assert float(loss) == pytest.approx(4 * expected_x**2, rel=1e-2, abs=1e-12)
    assert regime == descent.lr_regime(lr)
    assert ("diverging" in live.readout_text) == (lr > 0.25)


def test_every_lr_slider_position_draws_without_nan_or_error():
    live = descent.lr_widget()
    slider = live.controls["lr"]
    images = set()
    for k in range(1, 61):
        live.set(lr=round(k * slider.step, 3))
        assert "could not draw" not in live.readout_text and "nan" not in live.readout_text
        images.add(bytes(live.image.value))
    assert len(images) == 60


def test_diverging_plots_carry_a_label_and_readable_axes():
    fig = Figure()
    descent.draw_parabola(fig, 0.3)
    left, right = fig.axes
    assert left.get_xlim() == (-3, 3) and left.get_ylim() == (-2, 40)  # the window stays put
    assert right.get_yscale() == "log"
    assert any(text.get_text() == "DIVERGING" for ax in fig.axes for text in ax.texts)
    for line in right.get_lines():
        assert np.isfinite(line.get_ydata()).all()


def test_ewa_readout_follows_the_formulas():
    live = descent.ewa_widget()
    for beta in (0.0, 0.5, 0.9, 0.98):
        live.set(beta=beta)
        signal = descent.noisy_signal(100)
        expected = descent.ewa(signal, beta)[-1]
        assert f"beta = {beta:.2f}" in live.readout_text
        assert f"memory ≈ 1/(1 − beta) = {1 / (1 - beta):.0f} steps" in live.readout_text
        assert f"sum to {1 - beta**100:.4f}" in live.readout_text
        assert f"last average = {expected:.2f}" in live.readout_text


VALLEY_READOUT = re.compile(
    r"lr = (\S+) · SGD: f = (\S+) after (\d+) steps( \(diverging\))? · "
    r"SGD \+ momentum (\S+): f = (\S+) after (\d+) steps( \(diverging\))?"
)


def valley_value(point):
    return 0.1 * point[0] ** 2 + 2 * point[1] ** 2


@pytest.mark.parametrize(
    "values", [{}, {"momentum": 0.0}, {"lr": 0.05, "momentum": 0.9}, {"lr": 0.6}]
)
def test_momentum_readout_matches_the_hand_written_update(values):
    live = descent.momentum_widget()
    live.set(**values)
    state = live.values()
    match = VALLEY_READOUT.fullmatch(live.readout_text)
    assert match, live.readout_text
    plain = numpy_sgd(valley_gradient, descent.VALLEY_START, state["lr"], 30)
    heavy = numpy_sgd(valley_gradient, descent.VALLEY_START, state["lr"], 30, state["momentum"])
    assert float(match.group(2)) == pytest.approx(valley_value(plain[-1]), rel=1e-3)
    assert float(match.group(6)) == pytest.approx(valley_value(heavy[-1]), rel=1e-3)
    start = valley_value(np.array(descent.VALLEY_START))
    assert bool(match.group(4)) == (valley_value(plain[-1]) > start)


def test_race_readout_and_every_optimizer_in_the_menu_draws():
    live = descent.race_widget()
    first = descent.race_path("SGD", 0.001)
    assert live.readout_text.startswith(f"SGD (lr 0.001): f = {first.losses[-1]:.4g} after 100")
    for name in descent.optimizer_names():
        image = bytes(live.image.value)
        live.set(opt2=name, lr2=0.01)
        expected = descent.race_path(name, 0.01)
        suffix = " (diverging)" if expected.diverged else ""
        if not expected.diverged and expected.losses[-1] > expected.losses[0]:
            suffix = " (worse than the start)"
        assert live.readout_text.endswith(
            f"{name} (lr 0.01): f = {expected.losses[-1]:.4g} after {expected.steps} steps{suffix}"
        ), live.readout_text
        assert bytes(live.image.value) != image or name == "SGD"


def test_moving_a_control_changes_readout_and_image_in_every_widget():
    moves = [
        (descent.lr_widget(), "lr", 0.055),
        (descent.ewa_widget(), "beta", 0.91),
        (descent.momentum_widget(), "lr", 0.31),
        (descent.momentum_widget(), "momentum", 0.55),
        (descent.race_widget(), "lr1", 10**-2.9),
        (descent.race_widget(), "opt2", "RMSprop"),
    ]
    for live, name, value in moves:
        text, image = live.readout_text, bytes(live.image.value)
        live.controls[name].value = value
        assert live.readout_text != text, name
        assert bytes(live.image.value) != image, name


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: descent.lr_widget(lr=0.5), "lr must be between 0.005 and 0.3 for its slider"),
        (lambda: descent.momentum_widget(lr=1.5), "lr must be between 0.01 and 1.0 for its slider"),
        (
            lambda: descent.momentum_widget(momentum=0.97),
            "momentum must be between 0.0 and 0.95 for its slider",
        ),
        (lambda: descent.race_widget(lr1=50.0), "lr1 must be between 0.0001 and 10 for its slider"),
        (lambda: descent.race_widget(lr2=1e-6), "lr2 must be between 0.0001 and 10 for its slider"),
        (
            lambda: descent.ewa_widget(beta=0.995),
            "beta must be between 0.0 and 0.99 for its slider",
        ),
    ],
)
def test_a_start_outside_a_slider_is_refused_not_moved(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    "make, values, message",
    [
        (
            descent.lr_widget,
            {"lr": 0.31},
            r"lr must be between 0.005 and 0.3 \(the slider's range\)",
        ),
        (descent.lr_widget, {"lr": float("nan")}, "lr must be a finite number, got nan"),
        (descent.ewa_widget, {"beta": 1.0}, r"beta must be between 0 and 0.99"),
        (descent.momentum_widget, {"momentum": -0.1}, r"momentum must be between 0 and 0.95"),
        (descent.momentum_widget, {"lr": float("inf")}, "lr must be a finite number, got inf"),
        (descent.race_widget, {"lr1": 20.0}, r"lr1 must be between 0.0001 and 10"),
        (descent.race_widget, {"opt2": "Adamm"}, r"opt2 must be one of \['ASGD'"),
    ],
)
def test_moving_a_control_out_of_range_raises_and_leaves_the_picture(make, values, message):
    live = make()
    image, text = bytes(live.image.value), live.readout_text
    with pytest.raises(ValueError, match=message):
        live.set(**values)
    assert bytes(live.image.value) == image and live.readout_text == text


def test_the_lr_widget_starts_where_the_path_oscillates():
    live = descent.lr_widget()
    assert live.controls["lr"].value == 0.2 and "oscillating (x × -0.60" in live.readout_text


def test_the_momentum_ranges_hold_the_derived_optimum():
    """Heavy-ball theory for curvatures 0.2 and 4: lr = 4 / (√4 + √0.2)², momentum =
    ((√20 − 1) / (√20 + 1))²; the sliders reach both, and there the rate is √momentum."""
    low, high = descent.VALLEY_CURVATURES
    best_lr = 4 / (high**0.5 + low**0.5) ** 2
    best_momentum = (((high / low) ** 0.5 - 1) / ((high / low) ** 0.5 + 1)) ** 2
    controls = descent.momentum_widget().controls
    assert controls["lr"].min <= best_lr <= controls["lr"].max
    assert controls["momentum"].min <= best_momentum <= controls["momentum"].max
    assert abs(descent.heavy_ball_rate(best_lr, best_momentum) - best_momentum**0.5) < 1e-6
    nearby = [
        descent.heavy_ball_rate(best_lr + d_lr, best_momentum + d_m)
        for d_lr in (-0.05, 0.05)
        for d_m in (-0.05, 0.05)
    ]
    assert min(nearby) > best_momentum**0.5  # a true minimum of the rate


@pytest.mark.parametrize("lr, momentum", [(0.3, 0.0), (0.3, 0.5), (0.67, 0.4), (0.8, 0.7)])
def test_heavy_ball_rate_predicts_the_measured_decay(lr, momentum):
    _, path = descent.valley_paths(lr, momentum, steps=60)
    measured = (path.losses[-1] / path.losses[-21]) ** (1 / 40)  # loss ~ rate² per step
    assert abs(measured - descent.heavy_ball_rate(lr, momentum)) < 0.05


def test_the_momentum_widget_draws_paths_and_a_loss_per_step_panel():
    live = descent.momentum_widget()
    left, right = live.figure.axes
    assert right.get_yscale() == "log" and "loss per step" in right.get_title()
    assert len(left.lines) == 3  # the minimum and the two paths
    assert [t.get_text() for t in right.texts] == ["SGD", "SGD + momentum 0.50"]


@pytest.mark.parametrize(
    "draw, args",
    [
        (descent.draw_parabola, (0.1,)),
        (descent.draw_ewa, (0.9,)),
        (descent.draw_valley, (0.3, 0.5)),
        (descent.draw_race, ("SGD", 0.001, "Adam", 0.1)),
    ],
)
def test_draw_functions_name_a_wrong_figure(draw, args):
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        draw(None, *args)
