"""Live plots driven by sliders, built so that tests can drive them without a browser.

A ``LivePlot`` ties a few ipywidgets controls to a ``draw(fig, **values)`` function. Each time
a control changes, the figure is cleared, ``draw`` draws on it and returns a one-line readout,
and the figure is shown as a PNG image under the controls. Tests call ``set(...)`` and read
``readout_text``, ``last_values`` and ``image.value``; the browser sees the same objects.

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
import time
from collections.abc import Callable

import ipywidgets
from matplotlib.figure import Figure


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
        try:
            text = str(self.draw(self.figure, **values))
        except Exception as error:  # show the problem next to the sliders, keep the widget alive
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
        """Move several controls at once, with one redraw at the end; return self."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; this plot has {sorted(self.controls)}"
            )
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
