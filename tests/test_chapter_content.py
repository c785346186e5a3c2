"""Each chapter demonstrates what COURSE_SPEC.md lists for it: every named function is called
in the chapter's code, every named idea has its words in the text."""

import pytest
from notebook_source import spec_gaps

from tools import nbtools

# Functions and methods each chapter must call (as `name(`), from COURSE_SPEC.md.
REQUIRED_CALLS = {
    "00_getting_started": ["describe_environment", "choose_device", "to", "cuda", "is_available"],
    "01_tensors": [
        # creation
        "tensor", "empty", "Tensor", "rand", "randn", "randint", "normal", "zeros", "ones",
        "arange", "linspace", "zeros_like", "ones_like", "rand_like", "full_like",
        # NumPy
        "numpy", "from_numpy",
        # element-wise and reductions
        "abs", "sqrt", "exp", "log", "sin", "cos", "tan", "sigmoid", "relu", "softmax", "mean",
        "sum", "max", "min", "argmax", "argmin", "sort", "clamp", "round", "floor",
        # matrices and shapes
        "mm", "matmul", "transpose", "trace", "det", "svd", "eig", "eigvals", "inverse", "diag",
        "diag_embed", "einsum", "flatten", "cat", "stack", "split", "chunk", "reshape", "squeeze",
        "unsqueeze", "view", "permute", "contiguous",
    ],
}  # fmt: skip

# Phrases the chapter's Markdown must contain (case-insensitive), for ideas that are prose.
REQUIRED_TEXT = {
    "00_getting_started": ["dynamic", "static", "GPU", "Colab", "offline", "instructor", "widget"],
    "01_tensors": [
        "uninitialised",
        "shared memory",
        "contiguous",
        "Changed in recent PyTorch",
        "Common mistake",
    ],
}


@pytest.mark.parametrize("stem", REQUIRED_CALLS)
def test_chapter_covers_its_spec_in_code_and_text(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem]) == []


def test_every_chapter_with_a_spec_list_exists():
    stems = {path.stem for path in nbtools.chapter_paths()}
    assert set(REQUIRED_CALLS) <= stems and set(REQUIRED_TEXT) <= stems
