"""Live plots driven by sliders, built so that tests can drive them without a browser.

A ``LivePlot`` ties a few ipywidgets controls to a ``draw(fig, **values)`` function. Each time
a control changes, the figure is cleared, ``draw`` draws on it and returns a one-line readout,
and the figure is shown as a PNG image under the controls. Tests call ``set(...)`` and read
``readout_text``, ``last_values`` and ``image.value``; the browser sees the same objects.

A control never moves silently: ``float_slider`` refuses a starting value outside its range,
and ``set`` refuses a value the control would clamp or reject, or a NaN, naming the control and
its range (ipywidgets itself would quietly move the value to the nearest end).

Topic modules build on it: ``transforms`` and ``conv`` (chapters 04 and 05), ``softmax`` and
``descent`` (chapters 06 and 07).

    >>> import ipywidgets
    >>> def draw(fig, n):
    ...     fig.add_subplot().plot(range(n))
    ...     return f"{n} points"
    >>> live = LivePlot({"n": ipywidgets.IntSlider(value=3, min=1, max=10)}, draw)
    >>> live.readout_text
    '3 points'
    >>> live.set(n=5).readout_text
    '5 points'
"""

from __future__ import annotations

import html
import io
import math
import time
from collections.abc import Callable

import ipywidgets
from matplotlib.figure import Figure


def float_slider(
    description: str,
    value: float,
    low: float,
    high: float,
    step: float,
    *,
    log: bool = False,
    **options: object,
) -> ipywidgets.FloatSlider | ipywidgets.FloatLogSlider:
    """A slider named ``description`` from ``low`` to ``high`` in steps of ``step`` (``log``:
    a log-scale slider whose ``step`` is in decades), starting at ``value``. A starting value
    outside the range, or one that is not a finite number, is refused with an error naming the
    slider, where ipywidgets would silently move it to the nearest end.

    >>> float_slider("lr", 0.1, 0.0, 1.0, 0.01).value
    0.1
    >>> float_slider("lr", 2.0, 0.0, 1.0, 0.01)
    Traceback (most recent call last):
    ...
    ValueError: lr must be between 0.0 and 1.0 for its slider, got 2.0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{description} must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(
            f"{description} must be between {low} and {high} for its slider, got {value}"
        )
    if log:
        exponents = {"min": math.log10(low), "max": math.log10(high), "base": 10}
        return ipywidgets.FloatLogSlider(
            value=value, step=step, description=description, **exponents, **options
        )
    return ipywidgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description, **options
    )


def control_range(control: ipywidgets.ValueWidget) -> tuple[float, float] | None:
    """The (lowest, highest) value a slider accepts, or None for a control without a range.

    >>> control_range(ipywidgets.FloatLogSlider(min=-4, max=0, value=0.01))
    (0.0001, 1.0)
    >>> control_range(ipywidgets.Checkbox()) is None
    True
    """
    if isinstance(control, ipywidgets.FloatLogSlider):
        return control.base**control.min, control.base**control.max
    if hasattr(control, "min") and hasattr(control, "max"):
        return control.min, control.max
    return None


def check_control_value(name: str, control: ipywidgets.ValueWidget, value: object) -> None:
    """Raise ValueError naming the control ``name`` when ``value`` is a number it would clamp
    (outside its range) or cannot show (NaN, infinite), or a choice its menu does not hold.

    >>> check_control_value("n", ipywidgets.IntSlider(min=1, max=10), 12)
    Traceback (most recent call last):
    ...
    ValueError: n must be between 1 and 10 (the slider's range), got 12
    """
    bounds = control_range(control)
    if bounds is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = bounds
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value}")
        tolerance = 1e-9 * max(1.0, abs(high))  # a log slider's ends are powers: allow rounding
        if not low - tolerance <= value <= high + tolerance:
            raise ValueError(
                f"{name} must be between {low:g} and {high:g} (the slider's range), got {value}"
            )
    values = getattr(control, "_options_values", None)  # a drop-down or another menu
    if values is not None and value not in values:
        raise ValueError(f"{name} must be one of {list(values)}, got {value!r}")


class LivePlot:
    """Controls, a readout line and a figure redrawn whenever a control changes.

    ``controls`` maps each keyword of ``draw`` to an ipywidgets control (a slider, a dropdown,
    a checkbox ...). ``draw(fig, **values)`` draws on the empty ``fig`` and returns the readout
    text. An exception inside ``draw`` is shown in the readout instead of vanishing into the
    kernel's log.
    """

    def __init__(
        self,
        controls: dict[str, ipywidgets.ValueWidget],
        draw: Callable[..., str],
        figsize: tuple[float, float] = (8.0, 3.5),
        dpi: int = 80,
    ) -> None:
        if not isinstance(controls, dict) or not controls:
            raise TypeError("controls must be a non-empty dict of name -> ipywidgets control")
        for name, control in controls.items():
            if not isinstance(control, ipywidgets.ValueWidget):
                raise TypeError(
                    f"controls[{name!r}] must be an ipywidgets control, "
                    f"got {type(control).__name__}"
                )
        if not callable(draw):
            raise TypeError(
                f"draw must be a function draw(fig, **values) -> str, got {type(draw).__name__}"
            )
        self.controls = controls
        self.draw = draw
        self.dpi = dpi
        self.figure = Figure(figsize=figsize)
        self.image = ipywidgets.Image(format="png")
        self.readout = ipywidgets.HTML()
        self.readout_text = ""
        self.last_error: Exception | None = None  # what ``draw`` raised last time, if anything
        self.last_values: dict[str, object] = {}
        self.last_seconds = 0.0
        self.box = ipywidgets.VBox(
            [ipywidgets.HBox(list(controls.values())), self.readout, self.image]
        )
        self._paused = False
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def values(self) -> dict[str, object]:
        """Return the current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Redraw for the controls' current values (the controls call this on every change)."""
        start = time.perf_counter()
        values = self.values()
        self.figure.clear()
        self.last_error = None
        try:
            text = str(self.draw(self.figure, **values))
        except Exception as error:  # show the problem next to the sliders, keep the widget alive
            self.last_error = error
            text = f"⚠ could not draw: {type(error).__name__}: {error}"
            self.figure.clear()
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        self.image.value = buffer.getvalue()
        self.readout_text = text
        self.readout.value = f"<code>{html.escape(text)}</code>"
        self.last_values = values
        self.last_seconds = time.perf_counter() - start

    def set(self, **values: object) -> LivePlot:
        """Move several controls at once, with one redraw at the end; return self. A value the
        control would clamp or reject (outside a slider's range, NaN, not in a menu) raises
        ValueError naming the control and its range, and nothing moves."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; this plot has {sorted(self.controls)}"
            )
        for name, value in values.items():
            check_control_value(name, self.controls[name], value)
        self._paused = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._paused = False
        self.update()
        return self

    def _on_change(self, change: dict) -> None:
        if not self._paused:
            self.update()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)
