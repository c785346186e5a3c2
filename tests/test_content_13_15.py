"""Chapters 11–13 cover what COURSE_SPEC.md lists for them."""

import pytest
from notebook_source import spec_gaps

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
