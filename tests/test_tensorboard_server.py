"""A real TensorBoard server, started on the log folder chapter 13 writes, serves the numbers
the chapter logged: its HTTP API is queried and compared with the event files."""

import contextlib
import json
import os
import subprocess
import sys
import urllib.request

import pytest
from processes import free_port, start, stop, wait_for
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from tools import nbtools, run_notebooks

CHAPTER = nbtools.CHAPTERS_DIR / "15_tensorboard.ipynb"
RUN = "regression-100-epochs/loss_train"


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    """The folder of runs that executing chapter 13 writes."""
    data_dir = tmp_path_factory.mktemp("course-data-tensorboard")
    old = os.environ.get("COURSE_DATA_DIR")
    os.environ["COURSE_DATA_DIR"] = str(data_dir)
    try:
        run_notebooks.execute(CHAPTER)
    finally:
        os.environ["COURSE_DATA_DIR"] = old or ""
    return data_dir / "runs"


@pytest.fixture(scope="module")
def server(runs_dir):
    """TensorBoard bound to 127.0.0.1 on a free port; stopped by PID afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tensorboard.main",
        "--logdir",
        str(runs_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = open(runs_dir.parent / "tensorboard.log", "w")  # read only if it fails
    process = start(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def lists_the_runs():
        if process.poll() is not None:
            pytest.fail(
                f"tensorboard exited: {(runs_dir.parent / 'tensorboard.log').read_text()[-2000:]}"
            )
        with contextlib.suppress(OSError):
            return RUN in get_json(f"{base}/data/runs")

    try:
        wait_for(lists_the_runs, 60, "tensorboard to list the chapter's runs", interval=0.5)
        yield base
    finally:
        stop(process, "tensorboard")
        log.close()


def test_server_lists_every_run_the_chapter_wrote(server, runs_dir):
    listed = set(get_json(f"{server}/data/runs"))
    assert {
        "first",
        "regression-20-epochs/loss_train",
        "regression-1000-epochs/loss_test",
        "histograms",
    } <= listed


def test_scalar_api_serves_the_logged_loss_curve(server, runs_dir):
    served = get_json(f"{server}/data/plugin/scalars/scalars?run={RUN}&tag=loss")
    stored = EventAccumulator(str(runs_dir / RUN)).Reload().Scalars("loss")
    assert [step for _, step, _ in served] == [event.step for event in stored] == list(range(100))
    assert [value for _, _, value in served] == pytest.approx([event.value for event in stored])
    assert served[0][2] > 5 * served[-1][2]  # the loss fell, as the chapter says
