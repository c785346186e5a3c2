"""`make test-gpu` really runs on the GPU: with COURSE_DEVICE=cuda (which the kernels inherit),
CUDA must be there and chosen. Skipped in every other run."""

import os

import pytest
import torch

from utils.device import DEVICE_ENV_VAR, choose_device

GPU_MODE = os.environ.get(DEVICE_ENV_VAR, "").startswith("cuda")


@pytest.mark.skipif(not GPU_MODE, reason="GPU mode only (make test-gpu on a CUDA machine)")
def test_gpu_mode_runs_on_cuda():
    assert torch.cuda.is_available(), "make test-gpu needs a CUDA GPU: see nvidia-smi"
    assert choose_device().type == "cuda"
    assert (torch.ones(2, device="cuda") * 2).sum().item() == 4.0
