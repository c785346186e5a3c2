"""Chapters 02 to 05 demonstrate what COURSE_SPEC.md lists for them: every named function,
class and method is called in the chapter's code, every named idea has its words in the text."""

import pytest
import torch
from notebook_source import code_and_text, spec_gaps

# Functions, classes and methods each chapter must call (as `name(`), from COURSE_SPEC.md.
REQUIRED_CALLS = {
    "02_autograd": [
        "tensor", "sum", "backward", "retain_grad", "Variable", "requires_grad_", "exp",
        "no_grad", "detach", "inference_mode", "is_inference", "zero_", "catch_warnings",
        "lstsq",
    ],
    "03_computation_graphs": [
        "make_dot", "show_graph", "make_graph", "graph_text", "retain_grad", "backward",
    ],
}  # fmt: skip

# Keyword arguments and attributes that must appear (as `name=` or `.name`).
REQUIRED_WORDS = {
    "02_autograd": ["requires_grad=", ".grad_fn", ".grad", ".data", ".is_leaf", "gradient="],
    "03_computation_graphs": ["params=", "show_attrs=", "show_saved=", ".next_functions"],
}  # fmt: skip

# Phrases the chapter's Markdown must contain (case-insensitive), for ideas that are prose.
REQUIRED_TEXT = {
    "02_autograd": [
        "leaf", "grad_fn", "Variable", "deprecated", "accumulate", "vector-Jacobian",
        "no_grad", "inference_mode", "Changed in PyTorch 0.4", "Pitfall",
    ],
    "03_computation_graphs": [
        "directed acyclic graph", "dynamic", "leaves", "root", "operators", "Graphviz",
        "chain rule", "next_functions", "control flow",
    ],
}  # fmt: skip


@pytest.mark.parametrize("stem", REQUIRED_CALLS)
def test_chapter_covers_its_spec_in_code_and_text(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem]) == []


@pytest.mark.parametrize("stem", REQUIRED_WORDS)
def test_chapter_code_uses_every_listed_argument(stem):
    code, _ = code_and_text(stem)
    assert [word for word in REQUIRED_WORDS[stem] if word not in code] == []


# Chapters 02 and 03 after issue 13 (the ideas first): what each must now also show.
AUTOGRAD_IDEAS = {
    "02_autograd": {
        "calls": ["quiver", "contour", "grad", "jacobian", "meshgrid", "fit_line"],
        "text": ["steepest", "reverse", "scalar", "stop-gradient", "create_graph", "Jacobian"],
    },
    "03_computation_graphs": {
        "calls": ["saved_tensors_hooks", "no_grad", "graph_text", "confirm"],
        "text": ["fan", "add", "saved", "memory", "arrows", "against them"],
    },
}


@pytest.mark.parametrize("stem", AUTOGRAD_IDEAS)
def test_autograd_chapters_teach_the_ideas_first(stem):
    wanted = AUTOGRAD_IDEAS[stem]
    assert spec_gaps(stem, wanted["calls"], wanted["text"]) == []


def test_zero_grad_sets_gradients_to_none():
    weight = torch.nn.Parameter(torch.ones(2))
    (weight * 3).sum().backward()
    optimizer = torch.optim.SGD([weight], lr=0.1)
    optimizer.zero_grad()
    assert weight.grad is None


def test_descent_without_zeroing_swings_around_the_minimum():
    t = torch.tensor(5.0, requires_grad=True)
    path = []
    for _ in range(50):
        ((t - 1) ** 2).backward()
        with torch.no_grad():
            t -= 0.1 * t.grad
        path.append(t.item())
    crossings = sum((a - 1) * (b - 1) < 0 for a, b in zip(path, path[1:], strict=False))
    assert crossings >= 5 and abs(path[-1] - 1) > 1


# --- 04 and 05 (kept apart from 02 and 03 above) ------------------------------------------

CALLS_04_05 = {
    "04_data_and_transforms": [
        # the pipeline, first
        "DataLoader", "random_split", "Subset", "Compose", "ToImage", "ToDtype",
        "Normalize", "RandomResizedCrop", "RandomHorizontalFlip", "Resize", "CenterCrop",
        "ImageFolder", "MNIST", "load_torchvision_dataset", "write_digit_images",
        "SubsetRandomSampler", "TensorDataset", "get_worker_info", "pad_sequence",
        # the reference catalogue, in v2
        "ToPILImage", "RandomCrop", "FiveCrop", "TenCrop", "RandomVerticalFlip",
        "RandomRotation", "RandomAffine", "ColorJitter", "RandomGrayscale", "RandomErasing",
        "RandomChoice", "RandomApply", "RandomOrder",
        "transform_widget", "transform_photo",
    ],
    "05_nn_layers": [
        "parameters", "named_parameters", "children", "named_children", "to", "train", "eval",
        "zero_grad", "apply", "state_dict", "load_state_dict", "Parameter", "Conv2d",
        "AvgPool2d", "MaxPool2d", "Linear", "BatchNorm2d", "LayerNorm", "ReLU", "Tanh",
        "Dropout2d", "Softmax", "Softmax2d", "Sequential", "ModuleList", "conv_widget",
        "convolve_image", "formula_text", "receptive_field", "conv_output_size", "edge_kernel",
    ],
}  # fmt: skip

WORDS_04_05 = {
    "04_data_and_transforms": [
        "batch_size=", "shuffle=", "sampler=", "batch_sampler=", "num_workers=", "collate_fn=",
        "pin_memory=", "drop_last=", "timeout=", "worker_init_fn=", "__len__", "__getitem__",
        "transform=", "target_transform=", "generator=",
    ],
    "05_nn_layers": [
        "in_channels=", "out_channels=", "kernel_size=", "stride=", "padding=", "dilation=",
        "groups=", "bias=", "def forward",
    ],
}  # fmt: skip

TEXT_04_05 = {
    "04_data_and_transforms": [
        "lazily", "target_transform", "random_split", "validation", "augmentation",
        "transforms.v2", "per channel", "counter-clockwise", "0.299", "0.587", "0.114",
        "not centre", "Pitfall", "FashionMNIST", "CIFAR10", "CIFAR100", "SVHN", "ImageNet",
        "COCO", "ImageFolder", "(N, C, H, W)", "num_workers=0", "needs the internet", "widget",
        "Reference",
    ],
    "05_nn_layers": [
        "locality", "weight sharing", "Sobel", "receptive field", "cross-correlation",
        "output size", "480 × 479", "478 × 477", "239 × 238", "edge", "symmetry",
        "LayerNorm", "GELU", "1/(1 − p)", "Softmax2d", "dim", "Sequential", "ModuleList",
        "784", "Pitfall", "widget",
    ],
}  # fmt: skip


@pytest.mark.parametrize("stem", CALLS_04_05)
def test_chapters_04_05_cover_their_spec_in_code_and_text(stem):
    assert spec_gaps(stem, CALLS_04_05[stem], TEXT_04_05[stem]) == []


@pytest.mark.parametrize("stem", WORDS_04_05)
def test_chapters_04_05_use_every_listed_argument(stem):
    code, _ = code_and_text(stem)
    assert [word for word in WORDS_04_05[stem] if word not in code] == []


def stored_text(stem):
    """Everything chapter ``stem``'s stored outputs show, printed text included."""
    import nbformat

    from tools import nbtools

    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    return "\n".join(nbtools.shown_text(cell, streams=True) for cell in nb.cells)


def test_nn_layers_outputs_show_the_numbers_the_text_states():
    """The numbers the prose of 05 states are the ones its cells print."""
    import re

    shown = stored_text("05_nn_layers")
    for number in [
        "1,879,128,576 weights, 7.5 GB",  # a Linear layer doing the Sobel layer's job
        "(478, 477) == (478, 477)",
        "torch.Size([1, 1, 239, 238])",
        "[ 0.6727, -1.7191]",  # BatchNorm2d of [[9, 1], [8, 9]]
        "[ 0.3737,  0.6727]",
        "'constant 0.5': 'loss mean 0.6",  # about ln 2
        "torch.Size([200, 1])",
    ]:
        assert number in shown, number
    stds = re.search(r"'plain': 'std after 12 layers: (\S+) to (\S+)'", shown)
    assert stds and 0.03 < float(stds[1]) <= float(stds[2]) < 0.06  # "about 0.04 to 0.05"
    default = re.search(r"'default init': 'loss mean (\S+),", shown)
    assert default and float(default[1]) < 0.3


def test_data_chapter_outputs_show_the_numbers_the_text_states():
    """The numbers the prose of 04 states are the ones its cells print."""
    shown = stored_text("04_data_and_transforms")
    for number in [
        "tensor([-0.5676, -0.4229, -0.5529])",  # Normalize(0.5, 0.5) does not centre the flower
        "tensor([-0.2157,  0.1765,  0.5686])",  # one pixel, per channel
        "tensor([-1.2247,  0.0000,  1.2247])",  # across its channels: not what Normalize does
        "[16, 16, 16, 16, 16, 16, 4]",  # 100 examples in batches of 16
        "((299, 200), (200, 200))",  # Resize(200) keeps the aspect ratio
        "mutually exclusive with shuffle",
    ]:
        assert number in shown, number


def test_imagenet_and_coco_cannot_download_but_the_others_can():
    """04 says most of torchvision's data set classes can download, ImageNet and COCO cannot."""
    import inspect

    from torchvision import datasets

    def can_download(name):
        return "download" in inspect.signature(getattr(datasets, name)).parameters

    assert all(map(can_download, ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "SVHN"]))
    assert not any(map(can_download, ["ImageNet", "CocoDetection", "CocoCaptions"]))
