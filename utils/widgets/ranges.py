"""A ``LivePlot`` whose ``set`` refuses a value its control cannot show, instead of letting
ipywidgets clamp it without a word (a slider given 20 with a maximum of 9 would silently show
9) or pass NaN through to the drawing.

    >>> import ipywidgets
    >>> def draw(fig, n):
    ...     return f"n = {n}"
    >>> live = CheckedLivePlot({"n": ipywidgets.IntSlider(value=3, min=1, max=9)}, draw)
    >>> live.set(n=5).readout_text
    'n = 5'
    >>> live.set(n=20)
    Traceback (most recent call last):
    ...
    ValueError: n must be between 1 and 9 (the slider's range), got 20
"""

from __future__ import annotations

import math

import ipywidgets

from utils.widgets import LivePlot


def check_control_value(name: str, control: ipywidgets.ValueWidget, value: object) -> None:
    """Raise a ``ValueError`` naming ``name`` when ``control`` cannot take ``value`` as it is:
    a number outside a slider's range, or one that is not finite.

    >>> check_control_value("stride", ipywidgets.IntSlider(min=1, max=4), 2)
    >>> check_control_value("hue", ipywidgets.FloatSlider(min=-0.5, max=0.5), float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: hue must be a finite number between -0.5 and 0.5 (the slider's range), got nan
    """
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is None or high is None or isinstance(value, (bool, str)):
        return  # not a slider (a dropdown, a checkbox): ipywidgets checks those itself
    if not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(
            f"{name} must be a finite number between {low:g} and {high:g} (the slider's range), "
            f"got {value}"
        )
    if not low <= value <= high:
        raise ValueError(
            f"{name} must be between {low:g} and {high:g} (the slider's range), got {value}"
        )


class CheckedLivePlot(LivePlot):
    """A ``LivePlot`` whose ``set`` raises a clear ``ValueError`` for a slider value out of
    range, before any control moves."""

    def set(self, **values: object) -> CheckedLivePlot:
        for name, value in values.items():
            if name in self.controls:
                check_control_value(name, self.controls[name], value)
        super().set(**values)
        return self
