"""Chapters 08 (training loop), 09 (CNN) and 10 (RNN) demonstrate what COURSE_SPEC.md lists
for them: every named function or class is called in the chapter's code, every named idea has
its words in the text, and every accuracy the text states is asserted in a check cell."""

import re

import nbformat
import pytest
from notebook_source import code_and_text, spec_gaps

from tools import nbtools

# Functions, classes and methods each chapter must call (as `name(`), from COURSE_SPEC.md.
REQUIRED_CALLS = {
    "08_training_loop": [
        # softmax regression, the step, evaluation
        "Flatten", "Linear", "CrossEntropyLoss", "softmax", "SGD", "zero_grad", "backward",
        "step", "train", "eval", "no_grad", "mean", "argmax", "DataLoader", "DigitsDataset",
        # the best model, the course's loop, curves
        "state_dict", "deepcopy", "load_state_dict", "fit", "show_history",
        # workers, the read-only warning
        "from_numpy", "frombuffer", "tensor", "read_image_file",
    ],
    "09_cnn": [
        "ToTensor", "ToPILImage", "Resize", "Normalize", "Compose", "stack", "Conv2d",
        "MaxPool2d", "ReLU", "Flatten", "Linear", "LeNet5", "TensorDataset", "DataLoader",
        "split_indices", "choose_device", "fit", "evaluate", "predict", "load_state_dict",
        "show_history", "show_heatmap", "show_images", "requires_grad_",
    ],
}  # fmt: skip

# Phrases the chapter's Markdown must contain (case-insensitive), for ideas that are prose.
REQUIRED_TEXT = {
    "08_training_loop": [
        "softmax regression",
        "zero_grad",
        "reduction='none'",
        "loss.mean().backward()",
        "running average",
        "model.eval()",
        "torch.no_grad()",
        "state_dict",
        "copy.deepcopy",
        "spot the bug",
        "num_workers",
        'if __name__ == "__main__"',
        "read-only",
        "FashionMNIST",
        "needs the internet",
        "progress bar",
        "Common mistake",
        "Changed in recent",
    ],
    "09_cnn": [
        "(N, C, H, W)",
        "channels first",
        "LeNet-5",
        "C1",
        "6 @ 28 × 28",
        "16 @ 5 × 5",
        "F6",
        "utils.models",
        "features",
        "classifier",
        "CIFAR",
        "1024",
        "validation",
        "progress bar",
        "confusion matrix",
        "Common mistake",
    ],
}

# The test accuracy each chapter states, and the smallest value its check cells accept.
STATED_ACCURACY = {
    "08_training_loop": ("more than 95%", 'history["test_accuracy"][-1] > 0.93'),
    "09_cnn": ("about 98%", "test_accuracy > 0.95"),
}


@pytest.mark.parametrize("stem", sorted(REQUIRED_CALLS))
def test_chapter_covers_its_spec_in_code_and_text(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem]) == []


@pytest.mark.parametrize("stem", STATED_ACCURACY)
def test_stated_accuracy_is_asserted_with_a_margin(stem):
    code, text = code_and_text(stem)
    stated, asserted = STATED_ACCURACY[stem]
    assert stated in text
    assert re.search(rf"^assert {re.escape(asserted)}$", code, re.M), asserted


@pytest.mark.parametrize("stem", ["08_training_loop", "09_cnn", "10_rnn"])
def test_training_prints_one_line_per_epoch_and_no_progress_bar(stem):
    """The stored outputs hold fit's epoch lines, never a tqdm bar (a widget or its text)."""
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    fit_cells = [c for c in nb.cells if c.cell_type == "code" and "train.fit(" in c.source]
    executed = [
        c for c in fit_cells if not {nbtools.ONLINE_TAG, "raises-exception"} & nbtools.tags(c)
    ]
    assert executed
    for cell in executed:
        streams = [o for o in cell.outputs if o.output_type == "stream"]
        assert [o.name for o in streams] == ["stdout"]
        lines = streams[0].text.splitlines()
        epochs = int(re.search(r"num_epochs=(\d+)", cell.source).group(1))
        assert len(lines) == epochs and all(line.startswith("epoch ") for line in lines)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert nbtools.WIDGET_VIEW not in output.get("data", {})
            assert "it/s]" not in output.get("text", "")


def test_the_cnn_chapter_builds_the_same_lenet_as_utils_models():
    code, _ = code_and_text("09_cnn")
    assert "nn.Sequential(*lenet_layers.values())" in code
    assert "assert open_shapes == [tuple(p.shape) for p in course_lenet.parameters()]" in code


def test_online_cells_are_only_the_fashion_mnist_opt_in():
    nb = nbformat.read(nbtools.CHAPTERS_DIR / "08_training_loop.ipynb", as_version=4)
    online = [c for c in nb.cells if nbtools.ONLINE_TAG in nbtools.tags(c)]
    assert len(online) == 1 and "FashionMNIST" in online[0].source
    assert "download=True" in online[0].source


# --- 10 RNN (kept apart from 08 and 09) ------------------------------------------------------

RNN = "10_rnn"
RNN_CALLS = [
    "RNN", "LSTM", "GRU", "LSTMCell", "tanh", "sigmoid", "chunk",
    "transpose", "load_state_dict", "load_fashion_mnist", "fit", "evaluate", "predict",
    "show_history", "show_images", "backward", "confirm",
]  # fmt: skip
RNN_TEXT = [
    "(seq_len, batch, input_size)", "h_n", "c_n", "num_layers", "bidirectional", "batch_first",
    "dropout", "cell state", "row", "Pitfall", "c_t = f ⊙ c_{t−1} + i ⊙ g", "forget gate",
    "0.888", "GRU + SVM", "nn.RNNCell", "nn.GRUCell",
]  # fmt: skip


def test_rnn_chapter_covers_its_spec_in_code_and_text():
    assert spec_gaps(RNN, RNN_CALLS, RNN_TEXT) == []


def test_rnn_chapter_checks_the_lstm_cell_equations_in_the_open():
    code, _ = code_and_text(RNN)
    assert 'check.confirm("c_t = f⊙c_{t-1} + i⊙g", c1, cell_c)' in code
    assert "c1 = f * c0 + i * g" in code and "h1 = o * torch.tanh(c1)" in code


def test_rnn_chapter_proves_the_vanishing_gradient_over_seeds():
    """The plain RNN's gradient at step 0 is tiny for every seed; an open forget gate keeps it."""
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{RNN}.ipynb", as_version=4)
    shown = "\n".join(
        nbtools.shown_text(c, streams=True) for c in nb.cells if c.cell_type == "code"
    )
    band = re.search(r"'RNN': '(\S+) to (\S+)'", shown)
    assert band and float(band[2]) < 1e-6, shown[-600:]
    assert "✅ open LSTM hears step 0 a million times better" in shown


def test_rnn_chapter_states_its_test_accuracy_next_to_the_benchmark():
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{RNN}.ipynb", as_version=4)
    shown = "\n".join(
        nbtools.shown_text(c, streams=True) for c in nb.cells if c.cell_type == "code"
    )
    measured = re.search(r"test accuracy (0\.\d{3}) \(GRU \+ SVM: 0\.888\)", shown)
    assert measured, "the chapter prints its test accuracy beside the benchmark's 0.888"
    _, text = code_and_text(RNN)
    assert measured[1] in text  # the prose states the number the output shows


def test_rnn_chapter_trains_its_small_gru_on_one_thread():
    """One thread keeps the chapter inside its time budget on a busy CPU; the prose says why."""
    code, text = code_and_text(RNN)
    assert code.index("torch.set_num_threads(1)") < code.index("train.fit(")
    assert "one thread" in text and "CPU time" in text
