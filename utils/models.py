"""Models the chapters share: LeNet-5, built layer by layer in chapter 09 and reused later
(transfer learning freezes its ``features`` and replaces its ``classifier``).

    >>> import torch
    >>> from utils.models import LeNet5
    >>> model = LeNet5()
    >>> model(torch.zeros(2, 1, 32, 32)).shape
    torch.Size([2, 10])
"""

from __future__ import annotations

import torch
from torch import nn

LENET5_INPUT_SHAPE = (1, 32, 32)
"""The (channels, height, width) of one image LeNet-5 takes: one grey channel, 32 x 32."""

LENET5_FEATURES = 120
"""The length of the feature vector ``LeNet5.features`` returns per image (layer C5)."""

MAX_CLASSES = 100_000
"""The most outputs ``LeNet5`` accepts: more would only allocate memory by mistake."""


class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al., 1998) for (N, 1, 32, 32) grey images, with today's ReLU and max
    pooling in place of the original's scaled tanh and trainable average pooling.

    ``features`` maps an image to a flat vector of 120 numbers; ``classifier`` maps that
    vector to ``num_classes`` logits. Layer by layer, for one image:

    ========  ==================================  ===========
    layer     module                              output
    ========  ==================================  ===========
    C1        Conv2d(1, 6, 5) + ReLU              6 x 28 x 28
    S2        MaxPool2d(2)                        6 x 14 x 14
    C3        Conv2d(6, 16, 5) + ReLU             16 x 10 x 10
    S4        MaxPool2d(2)                        16 x 5 x 5
    C5        Conv2d(16, 120, 5) + ReLU, Flatten  120
    F6        Linear(120, 84) + ReLU              84
    output    Linear(84, num_classes)             num_classes
    ========  ==================================  ===========

    C1 to C5 (with the Flatten) are ``features``, F6 and the output layer are ``classifier``.
    C5 is a convolution, as in the paper: its 5 x 5 kernels cover the whole 5 x 5 input, so it
    computes what a ``Linear(400, 120)`` would, with the same 48,120 parameters.

    >>> model = LeNet5(num_classes=3)
    >>> model.features(torch.zeros(4, 1, 32, 32)).shape, model.classifier[-1].out_features
    (torch.Size([4, 120]), 3)
    >>> sum(p.numel() for p in LeNet5().parameters())
    61706
    """

    def __init__(self, num_classes: int = 10) -> None:
        if (
            isinstance(num_classes, bool)
            or not isinstance(num_classes, int)
            or not 2 <= num_classes <= MAX_CLASSES
        ):
            raise ValueError(
                f"num_classes must be an integer of at least 2 and at most {MAX_CLASSES:,}, "
                f"got {num_classes!r}"
            )
        super().__init__()
        self.num_classes = num_classes
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5),  # C1
            nn.ReLU(),
            nn.MaxPool2d(2),  # S2
            nn.Conv2d(6, 16, kernel_size=5),  # C3
            nn.ReLU(),
            nn.MaxPool2d(2),  # S4
            nn.Conv2d(16, LENET5_FEATURES, kernel_size=5),  # C5
            nn.ReLU(),
            nn.Flatten(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(LENET5_FEATURES, 84),  # F6
            nn.ReLU(),
            nn.Linear(84, num_classes),  # output
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the logits (N, num_classes) for a batch of images ``x`` (N, 1, 32, 32).

        >>> LeNet5()(torch.zeros(2, 1, 28, 28))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: LeNet5 takes images of shape (N, 1, 32, 32), got (2, 1, 28, 28); resize ...
        """
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a tensor of shape (N, 1, 32, 32), got {type(x).__name__}")
        if x.ndim != 4 or tuple(x.shape[1:]) != LENET5_INPUT_SHAPE:
            raise ValueError(
                f"LeNet5 takes images of shape (N, 1, 32, 32), got {tuple(x.shape)}; "
                "resize or pad them, e.g. transforms.Pad(2) for 28 x 28 MNIST"
            )
        weight = self.features[0].weight
        if not x.is_floating_point() or (
            x.dtype != weight.dtype and not _autocast_on(x.device.type)
        ):
            raise TypeError(
                f"x must hold {weight.dtype} values like the model's weights, got {x.dtype}: "
                "convert the images first, e.g. x.float() / 255 for 8-bit pixels"
            )
        return self.classifier(self.features(x))


def _autocast_on(device_type: str) -> bool:
    """Whether autocast is on for ``device_type`` (the argument is new in torch 2.4)."""
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:
        return torch.is_autocast_enabled()


# --- Fashion-MNIST: the course's small CNN with batch normalisation (chapter 09) --------------

FASHION_INPUT_SHAPE = (1, 28, 28)
"""The (channels, height, width) of one Fashion-MNIST image: one grey channel, 28 x 28."""


def _conv_bn_relu(in_channels: int, out_channels: int) -> list[nn.Module]:
    """A 3 x 3 convolution that keeps the size, batch normalisation, ReLU (the conv has no bias:
    the batch norm's shift would cancel it)."""
    return [
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
    ]


class FashionCNN(nn.Module):
    """A small CNN with batch normalisation for (N, 1, 28, 28) grey images in [0, 1].

    Three blocks of a 3 x 3 convolution (``widths`` channels), ``BatchNorm2d`` and ReLU; the
    first two end in a 2 x 2 max pooling (28 -> 14 -> 7). ``features`` returns the flat
    64 x 7 x 7 = 3,136 numbers per image, ``classifier`` (one ``Linear``) the logits.

    >>> model = FashionCNN()
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    >>> sum(p.numel() for p in model.parameters())
    54778
    """

    def __init__(self, num_classes: int = 10, widths: tuple[int, int, int] = (16, 32, 64)) -> None:
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(f"num_classes must be an integer of at least 2, got {num_classes!r}")
        if (
            not isinstance(widths, (tuple, list))
            or len(widths) != 3
            or not all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in widths)
        ):
            raise ValueError(f"widths must be three positive integers, got {widths!r}")
        super().__init__()
        self.num_classes = num_classes
        first, second, third = widths
        self.features = nn.Sequential(
            *_conv_bn_relu(1, first),
            nn.MaxPool2d(2),  # 28 -> 14
            *_conv_bn_relu(first, second),
            nn.MaxPool2d(2),  # 14 -> 7
            *_conv_bn_relu(second, third),
            nn.Flatten(),
        )
        self.classifier = nn.Linear(third * 7 * 7, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the logits (N, num_classes) for a batch of images ``x`` (N, 1, 28, 28).

        >>> FashionCNN()(torch.zeros(2, 1, 32, 32))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: FashionCNN takes images of shape (N, 1, 28, 28), got (2, 1, 32, 32)...
        """
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a tensor of shape (N, 1, 28, 28), got {type(x).__name__}")
        if x.ndim != 4 or tuple(x.shape[1:]) != FASHION_INPUT_SHAPE:
            raise ValueError(
                f"FashionCNN takes images of shape (N, 1, 28, 28), got {tuple(x.shape)}; "
                "Fashion-MNIST images as utils.fashion.load_fashion_mnist returns them"
            )
        return self.classifier(self.features(x))
