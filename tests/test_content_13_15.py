"""Chapters 13–15 cover what COURSE_SPEC.md lists for them, and the numbers their prose states
are the ones their stored outputs show."""

import inspect
import re
import warnings

import nbformat
import pytest
import torch
import torchvision
from notebook_source import code_and_text, spec_gaps

from tools import nbtools

REQUIRED_CALLS = {
    "13_pretrained_and_saving": [
        "list_models", "get_model_weights", "transforms", "vgg16", "resnet18", "add_module",
        "Linear", "requires_grad_", "load_state_dict", "state_dict", "save", "load",
        "get_state", "set_state", "fill_between",
    ],
    "14_torch_hub": [
        "load", "list", "get_dir", "set_dir", "load_state_dict_from_url", "signature",
    ],
    "15_tensorboard": [
        "SummaryWriter", "add_scalar", "add_histogram", "add_hparams", "add_graph", "add_image",
        "make_grid", "close", "EventAccumulator", "load_fashion_mnist",
    ],
}  # fmt: skip

REQUIRED_TEXT = {
    "13_pretrained_and_saving": [
        "weights=None",
        "ResNet18_Weights.DEFAULT",
        "categories",
        "classifier[6]",
        "fc",
        "freeze",
        "from scratch",
        "checkpoint",
        "weights_only",
        "map_location",
        "running statistics",
        "seeds",
        "Changed in torchvision 0.13",
        "Changed in PyTorch 2.6",
        "Pitfall",
    ],
    "14_torch_hub": [
        "hubconf.py",
        "dependencies",
        "entry point",
        "pretrained",
        'source="local"',
        "trust_repo",
        "check_hash",
        "file://",
        "pytorch/vision",
        "ultralytics/yolov5",
        "bryandlee/animegan2-pytorch",
    ],
    "15_tensorboard": [
        "log_dir",
        "%load_ext tensorboard",
        "%tensorboard",
        "tensorboard --logdir",
        "127.0.0.1",
        "Visdom",
        "tensorboardX",
        "TENSORBOARD_PROXY_URL",
        "jupyter-server-proxy",
        "flush()",
    ],
}


@pytest.mark.parametrize("stem", REQUIRED_CALLS)
def test_chapter_covers_its_spec_in_code_and_text(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem], phrases_in_code=True) == []


def stored_outputs(stem: str) -> str:
    """Every text a chapter's stored outputs show (results, displays and printed streams)."""
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    return "\n".join(
        nbtools.shown_text(cell, streams=True) for cell in nb.cells if cell.cell_type == "code"
    )


# --- 14 torch.hub ---------------------------------------------------------------------------


def test_hub_chapter_works_from_the_package_not_a_clone():
    code, text = code_and_text("14_torch_hub")
    assert "from utils.hub import repo_dir" in code
    assert "Path.cwd().parent" not in code and "clone of the course" not in code


def test_hub_chapter_states_the_weights_only_default_it_measured():
    """The prose says load_state_dict_from_url defaults to weights_only=False; the stored
    output shows the signature's default and the payload's line, printed while loading."""
    default = inspect.signature(torch.hub.load_state_dict_from_url).parameters["weights_only"]
    _, text = code_and_text("14_torch_hub")
    shown = stored_outputs("14_torch_hub")
    assert default.default is False and "defaults to `False`" in text
    assert "load_state_dict_from_url(weights_only=False) by default" in shown
    assert "this ran inside load_state_dict_from_url" in shown


def test_hub_chapter_lenet_accuracy_on_unseen_test_digits():
    assert "0.984)" in stored_outputs("14_torch_hub")


def test_pretrained_is_deprecated_not_removed():
    """torchvision 0.29 still accepts pretrained=, with a deprecation warning (chapters 13, 14
    say so instead of 'removed')."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = torchvision.models.resnet18(pretrained=False)
    assert model.fc.out_features == 1000
    assert any("'pretrained' is deprecated" in str(w.message) for w in caught)
    for stem in ("13_pretrained_and_saving", "14_torch_hub"):
        _, text = code_and_text(stem)
        assert "deprecated" in text and "was removed" not in text


# --- 13 Pretrained models and saving -------------------------------------------------------


def test_transfer_is_reported_over_seeds_as_a_mean_and_a_band():
    code, text = code_and_text("13_pretrained_and_saving")
    assert "seeds, names = range(5)," in code and "fill_between" in code
    shown = stored_outputs("13_pretrained_and_saving")
    assert re.search(r"'after 10 steps': '0\.\d{3} \[0\.\d{3}, [01]\.\d{3}\]'", shown), shown[-800:]


def test_transfer_uses_the_fashion_cnn_on_digits_and_the_prose_states_the_stored_bands():
    """issue 14: chapter 09's shipped CNN transferred to digits it never saw, over 5 seeds,
    against scratch and against the BatchNorm pitfall; the prose quotes the stored numbers."""
    code, text = code_and_text("13_pretrained_and_saving")
    text = " ".join(text.split())  # the prose wraps lines anywhere
    assert '"fashion_cnn", source="local", pretrained=True' in code and "LeNet" not in code
    shown = stored_outputs("13_pretrained_and_saving")
    band = r"'(\d\.\d{3}) \[(\d\.\d{3}), (\d\.\d{3})\]'"
    rows = re.findall(
        rf"'(transfer|BatchNorm in train\(\)|scratch)': {{'after 10 steps': {band},"
        rf"\s*'after 50 steps': {band}}}",
        shown,
    )
    assert [row[0] for row in rows] == ["transfer", "BatchNorm in train()", "scratch"], shown
    for _, *numbers in rows:
        for mean, low, high in (numbers[:3], numbers[3:]):
            assert f"{mean} ({low} to {high})" in text, (mean, low, high)
    transfer, no_fix, scratch = ([float(n) for n in row[1:]] for row in rows)
    for at in (0, 3):  # the pitfall's mean inside transfer's band, its band wider
        assert transfer[at + 1] <= no_fix[at] <= transfer[at + 2]
        assert no_fix[at + 1] < transfer[at + 1] and no_fix[at + 2] > transfer[at + 2]
    assert transfer[0] > scratch[2]  # after 10 steps: the mean of transfer beats scratch's best
    assert transfer[3] > scratch[3] and transfer[4] < scratch[5]  # after 50: ahead, bands overlap
    summary = f"{rows[0][1]} [{rows[0][2]}, {rows[0][3]}] after 10 steps"
    assert summary in text and f"reads {rows[2][1]} [{rows[2][2]}, {rows[2][3]}]" in text
    fashion = re.search(r"'shipped body: (0\.\d{3})', 'after train\(\): " + band[1:], shown)
    assert fashion, shown
    shipped, mean, low, high = fashion.groups()
    assert float(high) < float(shipped) - 0.05  # every seed's drifted body reads clothes worse
    assert f"reads {mean} of the 1,000 Fashion-MNIST test images ({low} to {high}" in text
    assert f"instead of {shipped}" in text and f"from {shipped} to {mean}" in text


def test_pretrained_weights_come_from_the_package_not_a_clone():
    code, _ = code_and_text("13_pretrained_and_saving")
    assert "repo_dir()" in code and "Path.cwd().parent" not in code


# --- 15 TensorBoard ----------------------------------------------------------------------------


def test_one_log_folder_next_to_the_notebook():
    """issue 10: one folder, `runs` relative to the notebook, the one the magic and a terminal
    read; never the data folder."""
    code, text = code_and_text("15_tensorboard")
    assert 'runs = Path("runs")' in code and "%tensorboard --logdir runs" in code
    assert "tensorboard --logdir runs --host 127.0.0.1" in text
    assert "data/runs" not in code + text and "default_data_dir" not in code


def test_three_learning_rates_logged_and_read_back():
    shown = stored_outputs("15_tensorboard")
    assert "['lr-0.003', 'lr-0.3', 'lr-3.0']" in shown
    assert "✅ train and val logged at the same steps" in shown


def test_transfer_is_measured_every_fifth_step_on_one_thread():
    """Measuring every 5th step (not every step) on one thread keeps the chapter in budget."""
    code, text = code_and_text("13_pretrained_and_saving")
    assert "every=5" in code and "if step % every == 0:" in code
    assert "torch.set_num_threads(1)" in code and "steps = range(5, 51, 5)" in code
    assert "every 5th step" in text and "one thread" in text
