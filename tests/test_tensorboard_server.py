"""TensorBoard where students are: chapter 15 is executed in a folder of its own (as a student's
notebook runs in its folder), and the runs it writes into `runs/` there are served

- by a TensorBoard started as from a terminal (`tensorboard --logdir runs --host 127.0.0.1`),
  whose HTTP API must return the numbers of the event files;
- through JupyterLab with jupyter-server-proxy under a JupyterHub-style prefix (/user/student/),
  as on Binder: the repository's `start` script sets TENSORBOARD_PROXY_URL, a kernel in the
  notebook's folder runs the chapter's own `%tensorboard` line, and TensorBoard's page and a
  scalar series are fetched through the address the magic's frame points at;
- and, with `--browser` (`make test-browser`), in a real Chromium that opens that proxied page
  and stores a screenshot of TensorBoard itself in build/screenshots/tensorboard.png.

Every server and kernel started here is stopped by its PID.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
from chromium import chromium_page
from processes import free_port, start, stop, wait_for
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from tools import nbtools, run_notebooks

SCREENSHOTS = nbtools.ROOT / "build" / "screenshots"

CHAPTER = nbtools.CHAPTERS_DIR / "15_tensorboard.ipynb"
RUN, TAG = "lr-0.3", "loss/val"
MAGIC = "%tensorboard --logdir runs --host 127.0.0.1"
PREFIX = "/user/student/"  # what a JupyterHub (and Binder) puts before every URL of a user
VENV_BIN = Path(sys.executable).parent


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def get_json(url: str):
    return json.loads(get(url))


def scalars_query(run: str = RUN, tag: str = TAG) -> str:
    return "data/plugin/scalars/scalars?" + urllib.parse.urlencode({"run": run, "tag": tag})


def stored_series(runs_dir: Path, run: str = RUN, tag: str = TAG) -> list[tuple[int, float]]:
    return [(e.step, e.value) for e in EventAccumulator(str(runs_dir / run)).Reload().Scalars(tag)]


@pytest.fixture(scope="module")
def notebook_dir(tmp_path_factory) -> Path:
    """A folder holding only chapter 15, executed there: its runs are in ``runs/`` beside it."""
    folder = tmp_path_factory.mktemp("student-folder")
    shutil.copy(CHAPTER, folder / CHAPTER.name)
    run_notebooks.execute(folder / CHAPTER.name)
    return folder


@pytest.fixture(scope="module")
def runs_dir(notebook_dir) -> Path:
    return notebook_dir / "runs"


def test_the_chapter_writes_its_runs_next_to_the_notebook(runs_dir):
    assert {"first", "lr-0.003", "lr-0.3", "lr-3.0", "graph", "images"} <= {
        p.name for p in runs_dir.iterdir()
    }
    steps = [step for step, _ in stored_series(runs_dir)]
    assert steps == [step for step, _ in stored_series(runs_dir, tag="loss/train")]


@pytest.fixture(scope="module")
def terminal_server(runs_dir):
    """`tensorboard --logdir runs --host 127.0.0.1 --port P` started in the notebook's folder,
    as from a terminal; stopped by PID afterwards."""
    port = free_port()
    command = [str(VENV_BIN / "tensorboard"), "--logdir", "runs", "--host", "127.0.0.1"]
    log = open(runs_dir.parent / "tensorboard.log", "w")  # read only if it fails
    process = start(
        [*command, "--port", str(port)], cwd=runs_dir.parent, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"

    def lists_the_runs():
        if process.poll() is not None:
            pytest.fail(f"tensorboard exited: {(runs_dir.parent / 'tensorboard.log').read_text()}")
        with contextlib.suppress(OSError):
            return RUN in get_json(f"{base}/data/runs")

    try:
        wait_for(lists_the_runs, 60, "tensorboard to list the chapter's runs", interval=0.5)
        yield base
    finally:
        stop(process, "tensorboard")
        log.close()


def test_terminal_server_lists_every_run_the_chapter_wrote(terminal_server):
    listed = set(get_json(f"{terminal_server}/data/runs"))
    assert {"first", "lr-0.003", "lr-3.0", "lr-0.3/hparams", "graph", "images"} <= listed


def test_terminal_server_serves_the_logged_validation_curve(terminal_server, runs_dir):
    served = get_json(f"{terminal_server}/{scalars_query()}")
    stored = stored_series(runs_dir)
    assert [step for _, step, _ in served] == [step for step, _ in stored] == [100, 200, 300, 400]
    assert [value for _, _, value in served] == pytest.approx([value for _, value in stored])


# --- JupyterLab with jupyter-server-proxy, as on Binder or a JupyterHub -----------------------


def proxy_url_from_the_start_script() -> str:
    """TENSORBOARD_PROXY_URL as the repository's Binder `start` script sets it on a hub."""
    shown = subprocess.run(
        ["bash", str(nbtools.ROOT / "start"), "printenv", "TENSORBOARD_PROXY_URL"],
        env=dict(os.environ, JUPYTERHUB_SERVICE_PREFIX=PREFIX),
        capture_output=True,
        text=True,
        check=True,
    )
    return shown.stdout.strip()


def test_the_start_script_points_tensorboard_at_the_proxy():
    assert proxy_url_from_the_start_script() == f"{PREFIX}proxy/%PORT%/"
    cells = nbformat.read(CHAPTER, as_version=4).cells
    assert MAGIC in "\n".join(c.source for c in cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def hub_like_lab(notebook_dir, tmp_path_factory):
    """JupyterLab with jupyter-server-proxy on 127.0.0.1 under the prefix /user/student/, its
    environment set by the `start` script; yields (address with prefix, environment)."""
    base = tmp_path_factory.mktemp("proxy-lab")
    port = free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERHUB_SERVICE_PREFIX=PREFIX,
        TENSORBOARD_PROXY_URL=proxy_url_from_the_start_script(),
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # `tensorboard` for the magic
    )
    command = [
        "bash",
        str(nbtools.ROOT / "start"),
        str(VENV_BIN / "jupyter-lab"),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--IdentityProvider.token=",
        f"--ServerApp.base_url={PREFIX}",
        f"--ServerApp.root_dir={notebook_dir}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = (base / "lab.log").open("w")
    server = start(command, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}{PREFIX}"

    def ready():
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited:\n{(base / 'lab.log').read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            return get_json(f"{url}api/status") is not None

    try:
        wait_for(ready, 90, "JupyterLab to answer")
        extensions = (base / "lab.log").read_text()
        assert "jupyter_server_proxy" in extensions, "jupyter-server-proxy is not enabled"
        yield url, env
    finally:
        stop(server, "JupyterLab")
        log.close()


@contextlib.contextmanager
def run_the_magic(notebook_dir: Path, env: dict, port: int):
    """Run the chapter's %tensorboard line in a kernel started in the notebook's folder with
    the lab's environment; yield the HTML the magic displays (its frame and script). The
    kernel lives until the end: shutting it down ends its process group, TensorBoard too."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(notebook_dir), env=env)
    try:
        html = []

        def keep(message):
            kind, content = message["msg_type"], message["content"]
            if kind in ("display_data", "update_display_data", "execute_result"):
                html.append(content["data"].get("text/html", content["data"].get("text/plain")))
            elif kind == "stream":
                html.append(content["text"])
            elif kind == "error":
                html.append(f"{content['ename']}: {content['evalue']}")

        client.execute_interactive("%load_ext tensorboard", timeout=60, output_hook=keep)
        client.execute_interactive(f"{MAGIC} --port {port}", timeout=120, output_hook=keep)
        yield "\n".join(html)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def stop_tensorboard_on(port: int) -> None:
    """Stop the TensorBoard the magic started (by the PID it recorded for this port)."""
    from tensorboard import manager

    for info in manager.get_all():
        if info.port == port:
            with contextlib.suppress(ProcessLookupError):
                os.kill(info.pid, signal.SIGTERM)


@pytest.fixture(scope="module")
def proxied_tensorboard(hub_like_lab, notebook_dir, runs_dir):
    """The address the %tensorboard frame opens, resolved against the lab's address."""
    lab_url, env = hub_like_lab
    port = free_port()
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(stop_tensorboard_on, port)
        html = cleanup.enter_context(run_the_magic(notebook_dir, env, port))
        frame = re.search(r"const url = new URL\((\"[^\"]*\"), window.location\)", html)
        assert frame, f"the magic displayed no frame: {html[:500]}"
        address = urllib.parse.urljoin(
            lab_url + "lab/tree/15_tensorboard.ipynb", json.loads(frame[1])
        )
        yield address, json.loads(frame[1])


def test_the_magic_frame_points_at_the_proxy(proxied_tensorboard):
    address, frame = proxied_tensorboard
    assert re.fullmatch(rf"{PREFIX}proxy/\d+/", frame), frame
    assert address.startswith("http://127.0.0.1:")


def test_tensorboard_page_and_scalars_through_the_proxy(proxied_tensorboard, runs_dir):
    address, _ = proxied_tensorboard
    page = get(address).decode()
    assert "<tf-tensorboard" in page or "TensorBoard" in page
    assert RUN in get_json(address + "data/runs")
    served = get_json(address + scalars_query())
    stored = stored_series(runs_dir)
    assert [step for _, step, _ in served] == [step for step, _ in stored]
    assert [value for _, _, value in served] == pytest.approx([value for _, value in stored])


@pytest.mark.browser
def test_screenshot_of_tensorboard_in_chromium(proxied_tensorboard, tmp_path):
    """A real browser opens the proxied TensorBoard page, waits for the scalar charts of the
    chapter's runs, and keeps a screenshot of the page."""
    address, _ = proxied_tensorboard
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(tmp_path / "chromium-profile", width=1280, height=900) as page:
        page.goto(address + "#timeseries", wait_until="domcontentloaded")
        try:
            page.get_by_text(re.compile(r"^\s*loss")).first.wait_for(timeout=120_000)
            page.wait_for_timeout(3_000)  # let the charts draw their lines
        finally:
            page.screenshot(path=SCREENSHOTS / "tensorboard.png", full_page=False)
    assert (SCREENSHOTS / "tensorboard.png").stat().st_size > 10_000
