"""Shared pytest set-up for the unit tests, the doctests in utils/ and tools/, and nbval."""

import os
import shutil

import matplotlib
import pytest

from tools import nbtools

matplotlib.use("Agg")  # tests draw off-screen; notebook kernels choose their own backend


def pytest_configure(config):
    """Run the chapters' kernels against an empty data folder, as the stored outputs were."""
    config._course_data_dir = nbtools.use_fresh_data_dir()
    os.environ.pop("MPLBACKEND", None)
    # utils.train's progress bar off, as in tools/run_notebooks.py: nbval then sees no tqdm
    # widget and no timings, only the per-epoch lines the stored outputs hold
    os.environ["COURSE_PROGRESS_BAR"] = "off"


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_course_data_dir", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test or doctest opened, so none leaks into the next."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
