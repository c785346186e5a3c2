"""utils.models.LeNet5: the layer shapes of the paper, the parameter count, the two parts a
later chapter freezes and replaces, and clear errors."""

import pytest
import torch
from torch import nn

from utils import models

LENET5_PARAMETERS = 61_706  # C1 156 + C3 2,416 + C5 48,120 + F6 10,164 + output 850


def test_every_layer_has_the_papers_output_shape():
    model = models.LeNet5()
    x = torch.zeros(3, 1, 32, 32)
    shapes = []
    for layer in [*model.features, *model.classifier]:
        x = layer(x)
        if not isinstance(layer, nn.ReLU):
            shapes.append(tuple(x.shape[1:]))
    assert shapes == [
        (6, 28, 28),  # C1
        (6, 14, 14),  # S2
        (16, 10, 10),  # C3
        (16, 5, 5),  # S4
        (120, 1, 1),  # C5
        (120,),  # flattened
        (84,),  # F6
        (10,),  # output
    ]


def test_parameter_count_and_parts():
    model = models.LeNet5()
    assert sum(p.numel() for p in model.parameters()) == LENET5_PARAMETERS
    assert model.features(torch.zeros(2, 1, 32, 32)).shape == (2, models.LENET5_FEATURES)
    assert model.classifier[0].in_features == models.LENET5_FEATURES
    assert [name for name, _ in model.named_children()] == ["features", "classifier"]


@pytest.mark.parametrize("num_classes", [2, 10, 37])
def test_num_classes_sets_the_head(num_classes):
    model = models.LeNet5(num_classes=num_classes)
    assert model(torch.zeros(5, 1, 32, 32)).shape == (5, num_classes)
    assert model.num_classes == num_classes


def test_forward_is_features_then_classifier():
    torch.manual_seed(0)
    model = models.LeNet5()
    x = torch.rand(4, 1, 32, 32)
    torch.testing.assert_close(model(x), model.classifier(model.features(x)))


def test_features_can_be_frozen_and_the_head_replaced():
    model = models.LeNet5()
    model.features.requires_grad_(False)
    model.classifier[-1] = nn.Linear(84, 3)
    logits = model(torch.rand(4, 1, 32, 32))
    nn.functional.cross_entropy(logits, torch.tensor([0, 1, 2, 0])).backward()
    assert all(p.grad is None for p in model.features.parameters())
    assert all(p.grad is not None for p in model.classifier.parameters())
    assert logits.shape == (4, 3)


def test_state_dict_round_trip():
    torch.manual_seed(0)
    source, target = models.LeNet5(), models.LeNet5()
    target.load_state_dict(source.state_dict())
    x = torch.rand(2, 1, 32, 32)
    torch.testing.assert_close(source(x), target(x))


@pytest.mark.parametrize("num_classes", [0, 1, -3, 2.0, True, "10"])
def test_num_classes_must_be_an_integer_of_at_least_two(num_classes):
    with pytest.raises(ValueError, match="num_classes must be an integer of at least 2"):
        models.LeNet5(num_classes=num_classes)


@pytest.mark.parametrize("shape", [(2, 1, 28, 28), (2, 3, 32, 32), (1, 32, 32)])
def test_wrong_image_shapes_are_explained(shape):
    with pytest.raises(ValueError, match=r"LeNet5 takes images of shape \(N, 1, 32, 32\)"):
        models.LeNet5()(torch.zeros(shape))


def test_input_must_be_a_tensor():
    with pytest.raises(TypeError, match="x must be a tensor"):
        models.LeNet5()([[0.0]])


def test_absurd_class_counts_are_refused_before_allocating():
    with pytest.raises(ValueError, match="at most 100,000, got 1000000000"):
        models.LeNet5(num_classes=10**9)


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int64, torch.float64])
def test_images_of_another_dtype_are_explained(dtype):
    with pytest.raises(TypeError, match=f"x must hold torch.float32 values .* got {dtype}"):
        models.LeNet5()(torch.zeros(1, 1, 32, 32, dtype=dtype))
    assert models.LeNet5().double()(torch.zeros(1, 1, 32, 32, dtype=torch.float64)).shape == (1, 10)


def test_autocast_may_feed_another_float_dtype():
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = models.LeNet5()(torch.zeros(1, 1, 32, 32, dtype=torch.bfloat16))
    assert out.shape == (1, 10)
