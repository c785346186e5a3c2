"""Chapters 11–13 cover what COURSE_SPEC.md lists for them."""

import pytest
from notebook_source import code_and_text, missing_calls, missing_phrases

REQUIRED_CALLS = {
    "13_tensorboard": [
        "SummaryWriter", "add_scalar", "add_scalars", "add_histogram", "add_graph", "add_image",
        "make_grid", "flush", "close", "EventAccumulator",
    ],
}  # fmt: skip

REQUIRED_TEXT = {
    "13_tensorboard": [
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
def test_chapter_calls_every_listed_function(stem):
    code, _ = code_and_text(stem)
    assert missing_calls(code, REQUIRED_CALLS[stem]) == []


@pytest.mark.parametrize("stem", REQUIRED_TEXT)
def test_chapter_text_covers_every_listed_idea(stem):
    code, text = code_and_text(stem)
    assert missing_phrases(text + code, REQUIRED_TEXT[stem]) == []
