"""Shared pytest set-up for the unit tests, the doctests in utils/ and tools/, and nbval."""

import os
import shutil

import matplotlib
import pytest

from tools import nbtools, netguard

matplotlib.use("Agg")  # tests draw off-screen; notebook kernels choose their own backend


def pytest_configure(config):
    """Run the chapters' kernels against an empty data folder, as the stored outputs were, and
    run everything offline: the network is blocked here and in every kernel the tests start
    (loopback stays open; see tools/netguard.py)."""
    config._course_data_dir = nbtools.use_fresh_data_dir()
    os.environ.pop("MPLBACKEND", None)
    netguard.use_offline_kernels()
    netguard.install()


def pytest_collection_modifyitems(config, items):
    """Under ``--nbval-lax`` (the GPU mode) nbval compares no outputs; still compare those of the
    exercise checks, so that a check answering ❌ instead of the stored ✅ fails the run."""
    if not config.option.nbval_lax:
        return
    for item in items:
        outputs = getattr(item, "cell", {}).get("outputs", [])
        shown = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
        if shown.startswith("✅ "):
            item.options["check"] = True


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_course_data_dir", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test or doctest opened, so none leaks into the next."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
