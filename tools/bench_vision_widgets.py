"""Time one update (compute and redraw) of the vision widgets of chapters 04 and 05: the
transform widget and the convolution widget, each driven by ``LivePlot.set`` through a
sequence of slider settings, as a student moving the sliders would.

usage:
    python tools/bench_vision_widgets.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_MS = 100
"""The most one widget update may take (median), from the issue."""

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
    {"kernel_size": 9, "dilation": 1},
    {"stride": 4},
    {"padding": 0, "stride": 1},
    {"kernel_size": 3, "dilation": 4},
    {"kernel_size": 1},
    {"kernel_size": 7, "stride": 3, "padding": 3},
]


def time_updates(live, moves: list[dict], rounds: int = 3) -> tuple[list[float], list[float]]:
    """Wall-clock seconds of each ``live.set(**move)`` (as ``LivePlot`` measures them), and the
    CPU seconds this process spent on it (what the update costs when no other program competes
    for the cores), over ``rounds`` passes through ``moves``."""
    wall, cpu = [], []
    for _ in range(rounds):
        for move in moves:
            start = time.process_time()
            live.set(**move)
            cpu.append(time.process_time() - start)
            if live.readout_text.startswith("⚠"):
                raise RuntimeError(f"the widget could not draw {move}: {live.readout_text}")
            wall.append(live.last_seconds)
    return wall, cpu


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    from utils.widgets import conv, transforms

    widgets = {
        "transforms (04)": (transforms.transform_widget(), TRANSFORM_MOVES),
        "conv (05)": (conv.conv_widget(), CONV_MOVES),
    }
    print(
        "| widget | updates | median ms | 90th percentile ms | median CPU ms | budget ms | within |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    failed = False
    for name, (live, moves) in widgets.items():
        try:
            wall, cpu = time_updates(live, moves)
        except RuntimeError as error:
            print(f"| {name} | failed: {error} | | | | {BUDGET_MS} | no |")
            failed = True
            continue
        wall.sort()
        median = statistics.median(wall) * 1000
        p90 = wall[int(0.9 * (len(wall) - 1))] * 1000
        cpu_ms = statistics.median(cpu) * 1000
        within = "yes" if median <= BUDGET_MS else "NO"
        print(
            f"| {name} | {len(wall)} | {median:.0f} | {p90:.0f} | {cpu_ms:.0f} | {BUDGET_MS} "
            f"| {within} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
