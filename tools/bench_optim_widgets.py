"""Time the widgets of chapters 06 (softmax) and 07 (learning rate, EWA, momentum, optimizer
race): one update = the compute and the redraw to PNG that follow a slider move.

usage:
    python tools/bench_optim_widgets.py

Each widget is moved through a sweep of slider positions, as a student pressing the arrow
keys would; the table gives the median and the slowest update (``LivePlot.last_seconds``)
against the course's budget of 100 ms median. Exits 1 if a median is over budget.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from utils.widgets import descent, softmax  # noqa: E402

BUDGET_MS = 100.0


def sweeps() -> dict[str, tuple[object, list[dict[str, object]]]]:
    """For each widget: a factory and the slider settings to move through."""
    return {
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
            [{"lr": round(0.02 * k, 2)} for k in range(1, 16)]
            + [{"momentum": round(0.05 * k, 2)} for k in range(15)],
        ),
        "optimizer race (07)": (
            descent.race_widget,
            [{"lr2": 10 ** (-3 + 0.2 * k)} for k in range(10)]
            + [{"opt2": name, "lr2": 0.1} for name in descent.optimizer_names()],
        ),
    }


def time_widget(factory: object, settings: list[dict[str, object]]) -> list[float]:
    """Milliseconds of each update while the widget moves through ``settings``."""
    live = factory()
    live.set(**settings[0])  # warm up: first drawing, caches
    times = []
    for values in settings:
        live.set(**values)
        times.append(live.last_seconds * 1000)
    return times


def main() -> int:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average before (1, 5, 15 min): {load}; {os.cpu_count()} CPUs")
    print("| widget | updates | median ms | slowest ms | budget (median) | within |")
    print("|---|---:|---:|---:|---:|---|")
    over = False
    for name, (factory, settings) in sweeps().items():
        times = time_widget(factory, settings)
        median = statistics.median(times)
        over |= median > BUDGET_MS
        print(
            f"| {name} | {len(times)} | {median:.0f} | {max(times):.0f} | {BUDGET_MS:.0f} | "
            f"{'yes' if median <= BUDGET_MS else 'NO'} |",
            flush=True,
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
