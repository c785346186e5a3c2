"""Time one update of every widget of the course: the compute and the redraw to PNG that
follow a slider move, for the transform (04), convolution (05), softmax (06) and learning-rate,
EWA, momentum and optimizer-race (07) widgets, and the name-sampling widget (11).

usage:
    python tools/bench_widgets.py

Each widget is moved through a sweep of slider positions with ``LivePlot.set``, as a student
pressing the arrow keys would. For each update the table gives the wall-clock time
(``LivePlot.last_seconds``) and the CPU time this process spent (``time.process_time``): on a
machine shared with other jobs the wall clock also counts the time spent waiting for a core, the
CPU time does not. The budget is 100 ms median of the wall-clock time; the load average printed
first tells how busy the machine was. Like tools/benchmark.py this is a measurement, not a test:
the "within" column reports the budget, and the script exits 0 unless a widget fails to draw.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root

from utils.widgets import conv, descent, sampling, softmax, transforms  # noqa: E402

BUDGET_MS = 100.0
"""The most one widget update may take (median), from the issues."""

TRANSFORM_MOVES = [
    {"angle": 30.0},
    {"crop_scale": 0.5},
    {"brightness": 1.5},
    {"contrast": 0.6},
    {"saturation": 0.2},
    {"hue": 0.25},
    {"hflip": True},
    {"photo": "flower"},
    {"angle": -120.0, "crop_scale": 0.3},
    {"hue": -0.1, "brightness": 0.8},
]
CONV_MOVES = [
    {"kernel_size": 5},
    {"stride": 2},
    {"padding": 2},
    {"dilation": 3},
    {"kernel": "Sobel y"},
    {"kernel_size": 9, "dilation": 1},
    {"stride": 4, "kernel": "blur"},
    {"padding": 0, "stride": 1, "row": 10},
    {"kernel_size": 3, "dilation": 4, "kernel": "sharpen"},
    {"kernel_size": 1, "col": 200},
    {"kernel_size": 7, "stride": 3, "padding": 3, "kernel": "edge"},
    {"kernel": "Sobel x", "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1},
]


def sweeps() -> dict[str, tuple[object, list[dict[str, object]]]]:
    """For each widget: a factory and the slider settings to move through."""
    return {
        "transforms (04)": (transforms.transform_widget, TRANSFORM_MOVES * 3),
        "conv (05)": (conv.conv_widget, CONV_MOVES * 3),
        "softmax (06)": (
            softmax.softmax_widget,
            [{"z4": round(0.5 + 0.1 * k, 1)} for k in range(1, 16)]
            + [{"T": round(1.0 + 0.1 * k, 1)} for k in range(1, 11)]
            + [{"target": k % 5} for k in range(5)],
        ),
        "learning rate (07)": (
            descent.lr_widget,
            [{"lr": round(0.005 * k, 3)} for k in range(1, 61, 2)],
        ),
        "EWA beta (07)": (
            descent.ewa_widget,
            [{"beta": round(0.5 + 0.02 * k, 2)} for k in range(25)],
        ),
        "momentum valley (07)": (
            descent.momentum_widget,
            [{"lr": round(0.04 * k, 2)} for k in range(1, 26, 2)]
            + [{"momentum": round(0.05 * k, 2)} for k in range(15)]
            + [{"lr": 0.67, "momentum": 0.4}],
        ),
        "optimizer race (07)": (
            descent.race_widget,
            [{"lr2": 10 ** (-3 + 0.2 * k)} for k in range(20)]
            + [{"opt2": name, "lr2": 0.1} for name in descent.optimizer_names()],
        ),
        "name sampling (11)": (
            sampling.sampling_widget,
            [{"T": round(0.1 * k, 1)} for k in range(1, 21)]
            + [{"prefix": prefix} for prefix in ("", "m", "ma", "mar", "jo", "chr", "al", "z")],
        ),
    }


def time_widget(
    factory: object, settings: list[dict[str, object]]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each update while the widget moves through
    ``settings``."""
    live = factory()
    live.set(**settings[0])  # warm up: first drawing, caches
    wall, cpu = [], []
    for values in settings:
        start = time.process_time()
        live.set(**values)
        if live.last_error is not None:
            raise RuntimeError(f"{factory.__name__} could not draw {values}: {live.last_error}")
        cpu.append((time.process_time() - start) * 1000)
        wall.append(live.last_seconds * 1000)
    return wall, cpu


def main() -> int:
    matplotlib.use("Agg")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average before (1, 5, 15 min): {load}; {os.cpu_count()} CPUs")
    print(
        "| widget | updates | median ms (wall) | slowest ms (wall) | median ms (CPU) "
        "| budget (median) | within |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    failed = False
    for name, (factory, settings) in sweeps().items():
        try:
            wall, cpu = time_widget(factory, settings)
        except RuntimeError as error:  # report every widget, then fail
            print(f"| {name} | failed: {error} | | | | {BUDGET_MS:.0f} | no |", flush=True)
            failed = True
            continue
        median = statistics.median(wall)
        print(
            f"| {name} | {len(wall)} | {median:.0f} | {max(wall):.0f} | "
            f"{statistics.median(cpu):.0f} | {BUDGET_MS:.0f} | "
            f"{'yes' if median <= BUDGET_MS else 'NO'} |",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
