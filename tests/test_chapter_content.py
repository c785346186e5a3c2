"""Each chapter demonstrates what COURSE_SPEC.md lists for it: every named function is called
in the chapter's code, every named idea has its words in the text."""

import nbformat
import pytest
import torch
from notebook_source import spec_gaps

from tools import nbtools

# Functions and methods each chapter must call (as `name(`), from COURSE_SPEC.md.
REQUIRED_CALLS = {
    "00_getting_started": [
        "describe_environment", "choose_device", "to", "cuda", "is_available",
        # the end-to-end preview
        "load_digits", "Linear", "CrossEntropyLoss", "SGD", "zero_grad", "backward", "step",
        "no_grad", "argmax",
    ],
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
        # selecting, broadcasting, in place, products (issue 13)
        "where", "broadcast_shapes", "expand", "item", "detach", "add_", "dot", "norm", "mv",
        "hist",
    ],
}  # fmt: skip

# Phrases the chapter's Markdown must contain (case-insensitive), for ideas that are prose.
REQUIRED_TEXT = {
    "00_getting_started": [
        "dynamic",
        "static",
        "GPU",
        "Colab",
        "offline",
        "instructor",
        "widget",
        "test set",
        "ln 10",
    ],
    "01_tensors": [
        "uninitialised",
        "shared memory",
        "contiguous",
        "Changed in recent PyTorch",
        "Pitfall",
        "boolean mask",
        "from the right",
        "keepdim",
        "in place",
        "Reference",
    ],
}


@pytest.mark.parametrize("stem", REQUIRED_CALLS)
def test_chapter_covers_its_spec_in_code_and_text(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem]) == []


def test_every_chapter_with_a_spec_list_exists():
    stems = {path.stem for path in nbtools.chapter_paths()}
    assert set(REQUIRED_CALLS) <= stems and set(REQUIRED_TEXT) <= stems


# Numbers and results the prose states, pinned in the stored outputs (one clean run made by
# tools/run_notebooks.py) rather than in silent assert cells of the lesson.
STORED_OUTPUTS = {
    "00_getting_started": [
        "train: (1500, 1, 8, 8), test: (297, 1, 8, 8)",
        "test accuracy: 93.6% of 297 images",
        "mean 93.5%, range 93.3% to 93.6%",
        "final loss for seeds 0, 1, 2: 0.409, 0.477, 0.406",
        "(tensor(24., grad_fn=<SumBackward0>), tensor([16., 16.]))",
        "Exercise 4: correct.",
    ],
    "01_tensors": [
        "[(), (8,), (8, 8), (1797, 1, 8, 8)]",
        "(torch.Size([5, 3]), torch.Size([5, 3]), tensor([5, 3]), torch.float32)",
        "tensor([100.,   2.,   3.], dtype=torch.float64)",
        "(torch.Size([3]), torch.Size([3, 1]))",
        "(tensor([0., 2., 2., -0.]), tensor(-22877332.))",
        "torch.Size([4, 2, 3])",
        "(False, tensor([0, 3, 1, 4, 2, 5]), tensor([0, 3, 1, 4, 2, 5]))",
        "tensor([5.4650, 0.3660])",
        "tensor([-0.3723+0.j,  5.3723+0.j])",
        "row sums after the broken version: tensor([1.7500, 0.7500])",
    ],
    "02_autograd": [
        "gradients filled: 1001",
        "tensor(27., grad_fn=<MulBackward0>) tensor(18.) None",
        "[3.0, 6.0, 9.0]",
        "(tensor([0., 0., 0.]), tensor([0.2500, 0.1966, 0.1050]))",
        "gradient descent: w = 3.0118, b = 2.0357",
        "grad can be implicitly created only for scalar outputs",
    ],
    "03_computation_graphs": [
        "'n1 -> n0'",
        "path through p: 54.0, path through q: 27.0",
        "AccumulateGrad -> x () (shared, see above)",
        "weights: 2.68 MB",
        "batch 1024: saved for backward  7.41 MB",
    ],
}


def stored_output_text(stem):
    """Everything the stored outputs of chapter ``stem`` show as text, errors included."""
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
            parts.append(output.get("evalue", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("stem", STORED_OUTPUTS)
def test_stored_outputs_show_what_the_prose_states(stem):
    shown = stored_output_text(stem)
    assert [text for text in STORED_OUTPUTS[stem] if text not in shown] == []


# Claims of chapter 01 that its cells state in prose (claims/01_tensors.md cites these).
def test_broadcasting_stretches_without_copying():
    column = torch.tensor([[0.0], [10.0], [20.0]])
    stretched = column.expand(3, 4)
    assert stretched.data_ptr() == column.data_ptr() and stretched.stride() == (1, 0)


def test_in_place_change_of_a_leaf_that_requires_grad_is_refused():
    leaf = torch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf.add_(1)


def test_in_place_forms_keep_the_memory_and_out_of_place_forms_do_not():
    x = torch.zeros(3)
    address = x.data_ptr()
    x += 1
    x[0] = 5
    x.clamp_(max=2)
    assert x.data_ptr() == address and x.tolist() == [2.0, 1.0, 1.0]
    assert x.add(1).data_ptr() != address and (x + 1).data_ptr() != address


def test_legacy_constructor_copies_a_list_as_float32():
    assert torch.Tensor([5, 3]).dtype == torch.float32
    assert torch.Tensor(5, 3).shape == (5, 3)
