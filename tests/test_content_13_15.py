"""Chapters 13–15 cover what COURSE_SPEC.md lists for them, and the numbers their prose states
are the ones their stored outputs show."""

import inspect
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
    ],
    "14_torch_hub": [
        "load", "list", "get_dir", "set_dir", "load_state_dict_from_url", "signature",
    ],
    "15_tensorboard": [
        "SummaryWriter", "add_scalar", "add_scalars", "add_histogram", "add_graph", "add_image",
        "make_grid", "flush", "close", "EventAccumulator",
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
        "Changed in recent PyTorch",
        "Common mistake",
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
    for stem in ("14_torch_hub",):
        _, text = code_and_text(stem)
        assert "deprecated" in text and "was removed" not in text
