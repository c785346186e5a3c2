"""Chapters 06 (losses) and 07 (optimizers) cover what COURSE_SPEC.md lists for them, and every
loss class of torch.nn and every optimizer class of torch.optim, found by introspection so that
a newer PyTorch with a new class makes these tests fail until the chapter covers it. Each widget
cell follows a plain cell that shows the widget's computation at its default settings."""

import inspect

import nbformat
import pytest
import torch
from notebook_source import code_and_text, missing_calls, spec_gaps
from torch import nn

from tools import nbtools
from utils.widgets import descent, softmax

LOSSES, OPTIMIZERS = "06_losses", "07_optimizers"


def loss_classes() -> list[str]:
    """Public classes of torch.nn whose names end in "Loss" (not the private _Loss bases)."""
    return sorted(
        name
        for name, value in vars(nn).items()
        if name.endswith("Loss") and not name.startswith("_") and inspect.isclass(value)
    )


def test_introspection_finds_what_the_spec_names_and_more():
    spec_losses = {
        "L1Loss",
        "MSELoss",
        "CrossEntropyLoss",
        "CTCLoss",
        "TripletMarginWithDistanceLoss",
    }
    assert spec_losses <= set(loss_classes()) and "_Loss" not in loss_classes()
    spec_optimizers = {"SGD", "ASGD", "Rprop", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW"}
    spec_optimizers |= {"Adamax", "NAdam", "RAdam", "SparseAdam", "LBFGS"}
    assert (
        spec_optimizers <= set(descent.optimizer_names())
        and "Optimizer" not in descent.optimizer_names()
    )


@pytest.mark.parametrize("name", loss_classes())
def test_chapter_06_constructs_every_loss_of_torch_nn(name):
    code, _ = code_and_text(LOSSES)
    assert missing_calls(code, [f"nn.{name}"]) == [], f"chapter 06 never builds nn.{name}"


@pytest.mark.parametrize("name", descent.optimizer_names())
def test_chapter_07_describes_and_races_every_optimizer_of_torch_optim(name):
    code, text = code_and_text(OPTIMIZERS)
    assert f"| `{name}` |" in text, f"the optimizer table of chapter 07 has no row for {name}"
    # the comparison runs every class by name, over a grid whose best points are all inside
    assert "for name in descent.optimizer_names():" in code and "at_an_edge" in code


REQUIRED_CALLS = {
    LOSSES: [
        "nn.Softmax", "softmax", "log_softmax", "cross_entropy", "binary_cross_entropy_with_logits",
        "kl_divergence", "entropy", "logsumexp", "sigmoid", "one_hot", "cosine_similarity",
        "softmax.softmax_widget", "softmax.draw_softmax",
        "nn.LogSoftmax", "backward", "log_prob", "catch_warnings",
    ],
    OPTIMIZERS: [
        "optim.SGD", "optim.Adam", "optim.LBFGS", "optim.SparseAdam", "optim.Muon",
        "zero_grad", "step", "add_param_group", "state_dict", "load_state_dict", "torch.save",
        "torch.load", "nn.Embedding",
        "lr_scheduler.StepLR", "lr_scheduler.MultiStepLR", "lr_scheduler.ExponentialLR",
        "lr_scheduler.CosineAnnealingLR", "lr_scheduler.OneCycleLR",
        "lr_scheduler.ReduceLROnPlateau",
        "descent.lr_widget", "descent.ewa_widget", "descent.momentum_widget",
        "descent.race_widget", "descent.draw_parabola", "descent.draw_ewa",
        "descent.draw_valley", "descent.draw_race", "descent.parabola_path", "descent.ewa",
        "descent.ewa_weights", "descent.race_path", "descent.lr_regime",
        "descent.heavy_ball_rate", "descent.valley_paths", "lr_scheduler.LinearLR",
        "lr_scheduler.SequentialLR", "nn.utils.clip_grad_norm_", "optim.RAdam", "optim.AdamW",
        "torch.randperm",
    ],
}  # fmt: skip

REQUIRED_TEXT = {
    LOSSES: [
        "entropy", "cross-entropy", "KL divergence", "0.693", "ln 2", "temperature",
        "softmax − one-hot", "Pitfall", "Changed in PyTorch 2.12", "0.9627", "0.8483",
        "negative log-likelihood", "maximum likelihood", "balanced", "entropy of the prior",
        "MSE on a sigmoid", "confidently wrong", "median", "Reference:",
        "batchmean", "log-probabilities", "without a sigmoid", "wrong dtype", "pos_weight",
        "label_smoothing", "ignore_index", "reduction", "weight", "(3, 1)", "blank",
    ],
    OPTIMIZERS: [
        "slow", "fast", "oscillating", "diverging", "0.25", "exponentially weighted average",
        "bias correction", "v ← μ · v + g", "v ← μ · v + lr · g", "nesterov", "weight decay",
        "defaults", "param_groups", "state", "closure", "sparse", "amsgrad", "Pitfall",
        "Changed in PyTorch 2.0", "set_to_none", "parameter group", "mini-batch", "noisy",
        "2 / (0.2 + 4)", "Momentum Really Works", "predict", "warm-up", "clip_grad_norm_",
        "not normalised", "final loss against learning rate",
    ],
}  # fmt: skip


@pytest.mark.parametrize("stem", [LOSSES, OPTIMIZERS])
def test_chapter_calls_every_listed_function_and_names_every_listed_idea(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem]) == []


@pytest.mark.parametrize(
    "stem, expected",
    [
        (LOSSES, ["0.1135", "0.8292", "1.1019", "1.0128", "0.4170", "1.3133", "1.5671", "0.5224"]),
        (LOSSES, ["0.2539", "1.8210", "0.3642", "-2.3333", "11.7856", "1.4732", "12.7158"]),
        (LOSSES, ["0.8500", "0.5429", "0.8000, 0.7000", "1.5000", "0.0167, 0.9833", "0.9627"]),
        (LOSSES, ["0.8483", "0.8018", "-0.0049", "-0.9975", "0.6667", "1.3333", "-1.0006"]),
        (LOSSES, ["0.7000, 0.2000, 0.1000", "tensor(100.), tensor(40.)", "0.3553", "2.3605"]),
        (OPTIMIZERS, ["1.1628", "diverging", "oscillating forever", "one step"]),
        (OPTIMIZERS, ["[0.1, 0.1414, 0.1731, 0.1999]", "tensor([-155.,  -50.]), True, 1, False"]),
        (OPTIMIZERS, ["[25, 31, 37, 43, 49]", "0.9047619047619048", "[0.0005, 0.05]"]),
    ],
)
def test_spec_numbers_are_printed_in_the_stored_outputs(stem, expected):
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    shown = "\n".join(nbtools.shown_text(cell, streams=True) for cell in nb.cells)
    assert [number for number in expected if number not in shown] == []


# --- each widget: a plain cell first, showing the same thing at the default settings ------------

WIDGETS = {
    "softmax.softmax_widget()": ("softmax.draw_softmax", softmax.softmax_widget),
    "descent.lr_widget()": ("descent.draw_parabola", descent.lr_widget),
    "descent.ewa_widget()": ("descent.draw_ewa", descent.ewa_widget),
    "descent.momentum_widget()": ("descent.draw_valley", descent.momentum_widget),
    "descent.race_widget()": ("descent.draw_race", descent.race_widget),
}


def widget_cells():
    for stem in (LOSSES, OPTIMIZERS):
        nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        for index, cell in enumerate(code):
            if "nbval-ignore-output" in nbtools.tags(cell):
                yield stem, cell, code[max(0, index - 3) : index]


def test_every_widget_cell_is_one_of_the_known_widgets():
    found = [next(call for call in WIDGETS if call in cell.source) for _, cell, _ in widget_cells()]
    assert sorted(found) == sorted(WIDGETS)


@pytest.mark.parametrize("call", WIDGETS)
def test_a_plain_cell_before_each_widget_shows_its_default_readout(call):
    draw, factory = WIDGETS[call]
    (stem, cell, before) = next(item for item in widget_cells() if call in item[1].source)
    plain = [c for c in before if draw in c.source and "nbval-ignore-output" not in nbtools.tags(c)]
    assert plain, f"{stem}: no plain cell calling {draw} before {call}"
    printed = "".join(o.get("text", "") for o in plain[-1].outputs if o.output_type == "stream")
    assert printed.strip() == factory().readout_text


def test_no_chapter_mentions_an_article_and_the_old_mistake_boxes_are_pitfalls():
    for stem in (LOSSES, OPTIMIZERS):
        _, text = code_and_text(stem)
        assert "article" not in text.lower() and "Common mistake" not in text, stem


def stored_lines(stem):
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    return [
        line for cell in nb.cells for line in nbtools.shown_text(cell, streams=True).splitlines()
    ]


def test_every_visible_check_of_the_stored_outputs_passed():
    for stem in (LOSSES, OPTIMIZERS):
        checks = [line for line in stored_lines(stem) if line.startswith(("✅", "❌"))]
        assert checks and all(line.startswith("✅") for line in checks), stem


def test_the_cross_entropy_pushes_about_200_times_harder_at_minus_6():
    (line,) = [line for line in stored_lines(LOSSES) if "times harder" in line]
    assert 190 <= int(line.split("pushes ")[1].split(" times")[0]) <= 210


def test_the_widgets_default_temperature_and_target_match_the_printed_example():
    result = softmax.softmax_cross_entropy(softmax.DEFAULT_LOGITS, target=4)
    torch.testing.assert_close(
        result.probs.float(),
        torch.tensor([0.1135, 0.1386, 0.1871, 0.2525, 0.3084]),
        atol=5e-5,
        rtol=0,
    )


def test_the_broken_descent_of_exercise_3_does_what_the_text_says():
    """Exercise 3 describes a loop without zero_grad: its result is pinned here."""
    x_bad = torch.tensor([2.0], requires_grad=True)
    sgd_bad = torch.optim.SGD([x_bad], lr=0.05)
    for _ in range(5):
        (4 * x_bad**2).backward()
        sgd_bad.step()
    _, text = code_and_text(OPTIMIZERS)
    assert f"returns {x_bad.item():.2f}".replace("-", "−") in text
    assert abs(x_bad.item() - 2 * 0.6**5) > 1


def test_the_comparison_grid_has_every_best_rate_inside_and_the_race_widget_reaches_them():
    names = descent.optimizer_names()
    lines = [
        line
        for line in stored_lines(OPTIMIZERS)
        if line.split(" ")[0] in names and " best lr " in line
    ]
    assert len(lines) == len(descent.optimizer_names())
    best_rates = [float(line.split("best lr")[1].split()[0]) for line in lines]
    assert all(3e-5 < rate < 10 for rate in best_rates)
    race = descent.race_widget().controls["lr1"]
    assert race.base**race.min <= min(best_rates) or min(best_rates) < 1e-4
    assert max(best_rates) <= race.base**race.max


def test_radam_makes_five_unnormalised_steps_then_adapts():
    """Chapter 07: RAdam steps by lr · m̂ (no division by √v̂) for steps 1-5 with the default
    betas, and adapts from step 6 on."""
    p = torch.zeros(1, requires_grad=True)
    radam = torch.optim.RAdam([p], lr=0.01)
    moves = []
    for _ in range(7):
        before = p.detach().clone()
        p.grad = torch.tensor([100.0])  # a constant gradient: m̂ = 100
        radam.step()
        moves.append((before - p.detach()).item())
    assert all(abs(move - 0.01 * 100) < 1e-4 for move in moves[:5])  # lr · m̂
    assert all(move < 0.1 for move in moves[5:])  # normalised: about lr per step


def test_lbfgs_diverges_above_lr_1_and_asgd_keeps_its_average_for_later():
    assert not descent.race_path("LBFGS", 1.0).diverged
    assert descent.race_path("LBFGS", 3.0).diverged and descent.race_path("LBFGS", 10.0).diverged
    assert torch.optim.ASGD([torch.zeros(1, requires_grad=True)]).defaults["t0"] == 1e6
