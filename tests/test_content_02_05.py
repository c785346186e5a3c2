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
    "04_data_and_transforms": [
        # transforms, each in the classic namespace (v2 twins are checked below)
        "Compose", "ToTensor", "ToPILImage", "Normalize", "Resize", "CenterCrop", "RandomCrop",
        "RandomResizedCrop", "FiveCrop", "TenCrop", "RandomHorizontalFlip",
        "RandomVerticalFlip", "RandomRotation", "RandomAffine", "ColorJitter",
        "RandomGrayscale", "RandomErasing", "RandomChoice", "RandomApply", "RandomOrder",
        "ToImage", "ToDtype",
        # datasets and loading
        "MNIST", "ImageFolder", "write_digit_images", "load_torchvision_dataset", "DataLoader",
        "SubsetRandomSampler", "TensorDataset", "get_worker_info", "pad_sequence",
        "transform_widget", "transform_photo",
    ],
    "05_nn_layers": [
        "parameters", "named_parameters", "children", "named_children", "to", "train", "eval",
        "zero_grad", "apply", "state_dict", "load_state_dict", "Parameter", "Conv2d",
        "AvgPool2d", "MaxPool2d", "Linear", "BatchNorm2d", "ReLU", "Dropout2d", "Softmax",
        "Softmax2d", "Sequential", "ModuleList", "conv_widget", "convolve_image",
        "formula_text",
    ],
}  # fmt: skip

# Keyword arguments and attributes that must appear (as `name=` or `.name`).
REQUIRED_WORDS = {
    "02_autograd": ["requires_grad=", ".grad_fn", ".grad", ".data", ".is_leaf", "gradient="],
    "03_computation_graphs": ["params=", "show_attrs=", "show_saved=", ".next_functions"],
    "04_data_and_transforms": [
        "batch_size=", "shuffle=", "sampler=", "batch_sampler=", "num_workers=", "collate_fn=",
        "pin_memory=", "drop_last=", "timeout=", "worker_init_fn=", "__len__", "__getitem__",
    ],
    "05_nn_layers": [
        "in_channels=", "out_channels=", "kernel_size=", "stride=", "padding=", "dilation=",
        "groups=", "bias=", "def forward",
    ],
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
    "04_data_and_transforms": [
        "transforms.v2", "per channel", "Common mistake", "Changed in recent PyTorch",
        "FashionMNIST", "CIFAR10", "CIFAR100", "SVHN", "ImageNet", "COCO", "ImageFolder",
        "(N, C, H, W)", "num_workers=0", "needs the internet", "widget",
    ],
    "05_nn_layers": [
        "output size", "480 × 479", "478 × 477", "239 × 238", "edge", "1/(1 − p)",
        "Softmax2d", "dim", "Sequential", "ModuleList", "784", "Common mistake", "widget",
    ],
}  # fmt: skip

V2_TWINS = [
    "Compose", "Normalize", "Resize", "CenterCrop", "RandomCrop", "RandomResizedCrop", "TenCrop",
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "RandomAffine",
    "ColorJitter", "RandomGrayscale", "RandomErasing", "RandomChoice", "RandomApply",
    "RandomOrder",
]  # fmt: skip


@pytest.mark.parametrize("stem", REQUIRED_CALLS)
def test_chapter_covers_its_spec_in_code_and_text(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem]) == []


@pytest.mark.parametrize("stem", REQUIRED_WORDS)
def test_chapter_code_uses_every_listed_argument(stem):
    code, _ = code_and_text(stem)
    assert [word for word in REQUIRED_WORDS[stem] if word not in code] == []


def test_transforms_chapter_shows_the_v2_twin_of_each_transform():
    code, _ = code_and_text("04_data_and_transforms")
    shown = [
        name
        for name in V2_TWINS
        if f"v2.{name}(" in code
        or (name in ("RandomAffine", "ColorJitter") and "(transforms, v2)" in code)
    ]
    assert shown == V2_TWINS


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
