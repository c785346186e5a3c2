"""Shared pytest set-up for the unit tests, the doctests in utils/ and tools/, and nbval."""

import shutil

import matplotlib
import pytest

from tools import nbtools, netguard

matplotlib.use("Agg")  # tests draw off-screen; notebook kernels choose their own backend

SLOW_STEPS = {
    "browser": "drives JupyterLab in headless Chromium; run `make test-browser`",
    "site": "builds the course's website and opens it in headless Chromium; run `make test-site`",
    "weights": "retrains the Fashion-MNIST CNN byte for byte (minutes); run "
    "`pytest tests/test_hub.py --weights`",
}
"""Tests marked with one of these names run only with the option of the same name (CI runs them
as separate steps of .ci/run); the README's test command skips them."""

collect_ignore = ["tests/fixtures"]  # notebooks the browser test opens, not chapters to check


def pytest_addoption(parser):
    for name, what in SLOW_STEPS.items():
        parser.addoption(f"--{name}", action="store_true", help=f"run the tests that {what}")


def pytest_configure(config):
    """Run the chapters' kernels against an empty data folder, as the stored outputs were, and
    run everything offline: the network is blocked here and in every kernel the tests start
    (loopback stays open; see tools/netguard.py)."""
    config._course_data_dir = nbtools.prepare_kernels()  # as tools/run_notebooks.py does
    netguard.install()
    for name, what in SLOW_STEPS.items():
        config.addinivalue_line("markers", f"{name}: {what}")


def pytest_collection_modifyitems(config, items):
    _skip_slow_steps(config, items)
    if config.option.nbval_lax:
        _compare_exercise_checks(items)


def _skip_slow_steps(config, items):
    """Skip the tests of a slow step unless its option is given."""
    for name, what in SLOW_STEPS.items():
        if not config.getoption(name):
            for item in items:
                if item.get_closest_marker(name):
                    item.add_marker(pytest.mark.skip(reason=what))


def _compare_exercise_checks(items):
    """Under ``--nbval-lax`` (the GPU mode) nbval compares no outputs; still compare those of the
    exercise checks, so that a check answering ❌ instead of the stored ✅ fails the run."""
    for item in items:
        if nbtools.shown_text(getattr(item, "cell", {})).startswith("✅ "):
            item.options["check"] = True


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_course_data_dir", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test or doctest opened, so none leaks into the next."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
