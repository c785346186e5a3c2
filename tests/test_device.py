"""utils.device: the device choice, its override, seeding and the environment report."""

import random

import numpy as np
import pytest
import torch

from utils import device


def test_auto_choice_on_this_machine_matches_what_torch_sees(monkeypatch):
    monkeypatch.delenv(device.DEVICE_ENV_VAR, raising=False)
    expected = (
        "cuda" if torch.cuda.is_available() else ("mps" if device._mps_available() else "cpu")
    )
    assert device.choose_device().type == expected


def test_auto_choice_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.delenv(device.DEVICE_ENV_VAR, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert device.choose_device() == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device, "_mps_available", lambda: True)
    assert device.choose_device() == torch.device("mps")
    monkeypatch.setattr(device, "_mps_available", lambda: False)
    assert device.choose_device() == torch.device("cpu")


def test_environment_variable_overrides_the_choice(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv(device.DEVICE_ENV_VAR, "cpu")
    assert device.choose_device() == torch.device("cpu")


def test_argument_wins_over_environment_variable(monkeypatch):
    monkeypatch.setenv(device.DEVICE_ENV_VAR, "nonsense")
    assert device.choose_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.parametrize("bad", ["tpu", "gpu", "meta", "cuda:x"])
def test_unknown_device_names_are_rejected_clearly(bad):
    with pytest.raises(ValueError, match=f"preferred must name a device.*got '{bad}'"):
        device.choose_device(bad)


def test_bad_environment_variable_is_named_in_the_error(monkeypatch):
    monkeypatch.setenv(device.DEVICE_ENV_VAR, "gpu")
    with pytest.raises(ValueError, match="COURSE_DEVICE must name a device"):
        device.choose_device()


def test_missing_cuda_is_explained(monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    with pytest.raises(
        ValueError, match=r"asks for cuda:1 but this machine has 0 CUDA device\(s\)"
    ):
        device.choose_device("cuda:1")


def test_missing_mps_is_explained(monkeypatch):
    monkeypatch.setattr(device, "_mps_available", lambda: False)
    with pytest.raises(ValueError, match="MPS backend is not available"):
        device.choose_device("mps")


def test_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="preferred must be a string.*got int"):
        device.choose_device(0)


def test_seed_everything_seeds_python_numpy_and_torch():
    device.seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    device.seed_everything(123)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    device.seed_everything(124)
    assert torch.rand(1).item() != first[2]


@pytest.mark.parametrize(
    "bad, error", [(1.5, TypeError), ("1", TypeError), (True, TypeError), (2**32, ValueError)]
)
def test_seed_everything_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed must be"):
        device.seed_everything(bad)


def test_describe_environment_reports_versions_and_device():
    import torchvision

    info = device.describe_environment("cpu")
    assert info["torch"] == torch.__version__
    assert info["torchvision"] == torchvision.__version__
    assert info["cuda_available"] == torch.cuda.is_available()
    assert info["cuda_device_count"] == torch.cuda.device_count()
    assert info["device"] == "cpu"


def test_describe_environment_validates_its_device():
    with pytest.raises(ValueError, match="got 'abacus'"):
        device.describe_environment("abacus")


def test_describe_environment_names_its_own_argument():
    with pytest.raises(ValueError, match="^device must name a device such as 'cpu'"):
        device.describe_environment("tpu")
    with pytest.raises(TypeError, match="^device must be a string such as 'cpu'"):
        device.describe_environment(3)
