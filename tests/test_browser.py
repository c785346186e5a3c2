"""The notebooks in a real browser (`make test-browser`, a step of .ci/run).

Starts JupyterLab on 127.0.0.1 (a free port, no token, a throw-away configuration) and a
headless Chromium driven by Playwright; opens each notebook below, runs all cells from the Run
menu, waits until every cell has run, then moves sliders as a student would (focus the slider's
handle, press the right arrow key) and asserts that the readout under the sliders and the plotted
image both changed. Screenshots of each plot before and after, and of each notebook after Run
All, are kept in build/screenshots/. The server and the browser are stopped by their PIDs.

To add a chapter's widget: one ``SliderMove`` line in ``SLIDER_MOVES``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from chromium import chromium_page
from processes import free_port, start, stop, wait_for

from tools import nbtools

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class SliderMove:
    """Move one slider of a notebook and expect a plot's readout and image to change."""

    notebook: str  # path from the repository root; a glob such as chapters/06_*.ipynb is fine
    slider: str  # the slider's description, exactly as shown left of it
    readout: str  # text in that plot's readout line before the move (picks the plot)
    after: str = ""  # a regular expression the readout must match after one step right


SLIDER_MOVES = [
    SliderMove("tests/fixtures/live_plot.ipynb", "frequency", "sine:", after=r"frequency = 3,"),
    SliderMove("tests/fixtures/live_plot.ipynb", "phase", "sine:", after=r"phase = 0\.25$"),
    # Chapter 04, the transform widget (utils/widgets/transforms.py): the rotation angle.
    SliderMove("chapters/04_*.ipynb", "angle", "rotate ", after=r"^rotate 25°, "),
    # Chapter 05, the convolution widget (utils/widgets/conv.py): kernel size, stride, and the
    # output pixel whose input pixels it outlines.
    SliderMove("chapters/05_*.ipynb", "kernel size", "H_out =", after=r"^Sobel x 4 × 4 "),
    SliderMove("chapters/05_*.ipynb", "stride", "H_out =", after=r"/ 2⌋ \+ 1 = 84 "),
    SliderMove("chapters/05_*.ipynb", "row", "H_out =", after=r"output \(80, 42\) reads"),
    # Chapter 06, the softmax widget (utils/widgets/softmax.py): a logit and the temperature.
    SliderMove("chapters/06_*.ipynb", "z0", "CE(target"),
    SliderMove("chapters/06_*.ipynb", "T", "CE(target"),
    # Chapter 07 (utils/widgets/descent.py): learning rate on y = 4x² (starts oscillating at
    # 0.2), then lr and momentum in the valley.
    SliderMove("chapters/07_*.ipynb", "lr", "per step", after=r"^lr = 0\.205 · oscillating "),
    SliderMove("chapters/07_*.ipynb", "lr", "SGD + momentum", after=r"^lr = 0\.31 · "),
    SliderMove("chapters/07_*.ipynb", "momentum", "SGD + momentum", after=r"momentum 0\.55: "),
    # Chapter 07: the beta of an exponentially weighted average, then the optimizer race.
    SliderMove("chapters/07_*.ipynb", "beta", "memory ≈", after=r"^beta = 0\.91 "),
    SliderMove("chapters/07_*.ipynb", "lr1", "after 100 steps", after=r"^SGD \(lr 0\.00126\)"),
    # Chapter 11, sampling names (utils/widgets/sampling.py): the temperature.
    SliderMove("chapters/11_*.ipynb", "T", "after 'ma'", after=r"^T = 1\.1 · after 'ma'"),
]

SCREENSHOTS = nbtools.ROOT / "build" / "screenshots"
RUN_ALL_TIMEOUT_S = 300
WIDGET_TIMEOUT_S = 20
LAB_SETTINGS = {
    # no news or update pop-up, every cell in the page, and never a save into the copies
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}


def resolve(notebook: str) -> Path | None:
    matches = sorted(nbtools.ROOT.glob(notebook))
    return matches[0] if matches else None


def notebooks_to_open() -> list:
    """One pytest parameter per notebook, with its slider moves; skipped while absent."""
    by_notebook: dict[str, list[SliderMove]] = {}
    for move in SLIDER_MOVES:
        by_notebook.setdefault(move.notebook, []).append(move)
    params = []
    for notebook, moves in by_notebook.items():
        path = resolve(notebook)
        marks = []
        if path is None:
            reason = f"{notebook} is not in the repository yet (its chapter is on another branch)"
            marks = [pytest.mark.skip(reason=reason)]
        params.append(pytest.param(path, moves, marks=marks, id=Path(notebook).stem.strip("_*")))
    return params


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """A JupyterLab server on a copy of the notebooks (so nothing is ever saved into the
    repository); yields its address."""
    base = tmp_path_factory.mktemp("lab")
    root, config = base / "root", base / "config"
    for move in SLIDER_MOVES:
        path = resolve(move.notebook)
        if path is not None:
            copy = root / path.relative_to(nbtools.ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, copy)
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "default_setting_overrides.json").write_text(json.dumps(LAB_SETTINGS))
    port = free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
    )  # IPYTHONDIR stays conftest's: the kernels start offline
    command = [
        str(Path(sys.executable).parent / "jupyter-lab"),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--IdentityProvider.token=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = (base / "lab.log").open("w")
    server = start(command, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"

    def ready():
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited:\n{(base / 'lab.log').read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as answer:
                return answer.status == 200

    try:
        wait_for(ready, 90, "JupyterLab to answer")
        yield url
    finally:
        stop(server, "JupyterLab")
        log.close()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A page of a headless Chromium started here (its PID is ours to stop) and driven by
    Playwright over the DevTools protocol."""
    with chromium_page(tmp_path_factory.mktemp("chromium-profile"), width=1280, height=1000) as tab:
        yield tab


# --- what the test does in the page ---------------------------------------------------------

PROMPTS_JS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell')].map(
    cell => (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '')"""

PLOTS_JS = """() => [...document.querySelectorAll('.widget-vbox')]
    .filter(box => box.querySelector(':scope > .widget-html') && box.querySelector('img'))
    .map(box => ({
        sliders: [...box.querySelectorAll('.widget-slider .widget-label')]
            .map(label => label.textContent.trim()),
        readout: box.querySelector(':scope > .widget-html').textContent.trim(),
    }))"""


def run_all_cells(page, url: str, relative: str) -> None:
    """Open the notebook, wait for its kernel, run every cell from the Run menu, and wait until
    every code cell shows its execution count."""
    page.goto(f"{url}/lab/tree/{relative}?reset")  # ?reset: no tab of an earlier notebook
    status = page.locator("#jp-main-statusbar")
    status.get_by_text(re.compile(r"\|\s*Idle")).wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    def all_ran():
        prompts = page.evaluate(PROMPTS_JS)
        return prompts and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts)

    try:
        wait_for(all_ran, RUN_ALL_TIMEOUT_S, f"every cell of {relative} to run", interval=1)
    except TimeoutError:
        prompts = page.evaluate(PROMPTS_JS)
        stuck = [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p.strip())]
        page.screenshot(path=SCREENSHOTS / f"{Path(relative).stem}-stuck.png")
        errors = page.locator(".jp-OutputArea-output[data-mime-type*=stderr]").all_inner_texts()
        pytest.fail(f"code cells {stuck[:10]} never ran; error outputs: {errors[-2:]}")


def plot_box(page, move: SliderMove):
    """The LivePlot (a VBox: sliders, readout, image) with the slider and readout of ``move``."""
    plots = page.evaluate(PLOTS_JS)
    for index, plot in enumerate(plots):
        if move.slider in plot["sliders"] and move.readout in plot["readout"]:
            boxes = page.locator(".widget-vbox").filter(has=page.locator(".widget-html"))
            return boxes.filter(has=page.locator("img")).nth(index)
    pytest.fail(
        f"no plot with a slider {move.slider!r} and a readout containing {move.readout!r} in "
        f"{move.notebook}; the plots shown are: {plots}"
    )


def image_pixels(box) -> bytes:
    return box.locator("img").first.screenshot()


def move_slider(page, move: SliderMove, name: str) -> tuple[str, str]:
    """Press the right arrow key on the slider's handle; return the readout before and after,
    once both the readout and the picture have changed."""
    box = plot_box(page, move)
    readout = box.locator(":scope > .widget-html")
    before_text, before_image = readout.inner_text().strip(), image_pixels(box)
    box.screenshot(path=SCREENSHOTS / f"{name}-before.png")
    slider = box.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(move.slider)}$"))
    )
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    after_text = wait_for(
        lambda: (text := readout.inner_text().strip()) != before_text and text,
        WIDGET_TIMEOUT_S,
        f"the readout to change after moving {move.slider!r}",
    )
    wait_for(
        lambda: image_pixels(box) != before_image,
        WIDGET_TIMEOUT_S,
        f"the picture to change after moving {move.slider!r}",
    )
    box.screenshot(path=SCREENSHOTS / f"{name}-after.png")
    return before_text, after_text


@pytest.mark.parametrize("path, moves", notebooks_to_open())
def test_run_all_then_move_the_sliders(lab, page, path, moves):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    relative = path.relative_to(nbtools.ROOT).as_posix()
    start = time.monotonic()
    run_all_cells(page, lab, relative)
    print(f"{relative}: all cells ran in {time.monotonic() - start:.1f} s")
    page.screenshot(path=SCREENSHOTS / f"{path.stem}.png")
    for number, move in enumerate(moves, start=1):
        slug = re.sub(r"\W+", "_", move.slider)
        name = f"{path.stem}-{number}-{slug}"
        before, after = move_slider(page, move, name)
        print(f"  {move.slider}: {before!r} -> {after!r}")
        if move.after:
            assert re.search(move.after, after), (move, after)
