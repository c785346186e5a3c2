"""Image transforms with fixed parameters, and the live widget where the student moves the
rotation angle, crop scale, colour-jitter and flip controls and sees the photo change.

In training, a random transform draws its parameters (``v2.RandomRotation(30)`` picks an
angle between −30° and 30° for every image). The widget fixes one value per slider, so the
student sees exactly what that value does. ``TransformSettings`` holds one value per control;
``transform_photo`` applies them with ``torchvision.transforms.v2.functional`` on PIL images
(fast: a widget update must stay under 100 ms) and knows nothing about drawing.

    >>> photo = Image.fromarray(np.arange(24, dtype=np.uint8).reshape(2, 4, 3))
    >>> flipped = transform_photo(photo, TransformSettings(hflip=True))
    >>> np.array_equal(np.asarray(flipped), np.asarray(photo)[:, ::-1])
    True
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import ipywidgets
import numpy as np
from matplotlib.figure import Figure
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms.v2 import functional as F

from utils import plot
from utils.widgets import LivePlot

WIDGET_PHOTO_SCALE = 0.4
"""The widget transforms the sample photos at this fraction of their 427 x 640 size."""

WIDGET_DPI = 72
"""Dots per inch of the widget's picture: one picture pixel per photo pixel at this dpi."""

SLIDER_RANGES = {
    "angle": (-180.0, 180.0, 5.0),
    "crop_scale": (0.1, 1.0, 0.05),
    "brightness": (0.0, 2.0, 0.1),
    "contrast": (0.0, 2.0, 0.1),
    "saturation": (0.0, 2.0, 0.1),
    "hue": (-0.5, 0.5, 0.05),
}
"""Each slider's (min, max, step)."""


def _check_number(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return float(value)


def crop_size(height: int, width: int, crop_scale: float) -> tuple[int, int]:
    """Return the (height, width) of the central crop that keeps ``crop_scale`` of the area,
    with the photo's aspect ratio.

    >>> crop_size(214, 320, 0.25)
    (107, 160)
    """
    crop_scale = _check_number("crop_scale", crop_scale, 0.01, 1.0)
    side = math.sqrt(crop_scale)
    return max(1, round(height * side)), max(1, round(width * side))


@dataclass(frozen=True)
class TransformSettings:
    """One value per widget control; the defaults leave a photo unchanged. Bad values are
    rejected with a message naming the field."""

    angle: float = 0.0  # degrees, counter-clockwise; the corners are filled with black
    crop_scale: float = 1.0  # fraction of the area kept around the centre, resized back
    brightness: float = 1.0  # factor: 0 black, 1 unchanged, 2 twice as bright (clipped)
    contrast: float = 1.0  # factor: 0 flat grey, 1 unchanged
    saturation: float = 1.0  # factor: 0 greyscale, 1 unchanged
    hue: float = 0.0  # shift around the colour circle, from -0.5 to 0.5 of a turn
    hflip: bool = False  # mirror left-right, last

    def __post_init__(self) -> None:
        _check_number("angle", self.angle, -360.0, 360.0)
        _check_number("crop_scale", self.crop_scale, 0.01, 1.0)
        for name in ("brightness", "contrast", "saturation"):
            _check_number(name, getattr(self, name), 0.0, 10.0)
        _check_number("hue", self.hue, -0.5, 0.5)
        if not isinstance(self.hflip, bool):
            raise TypeError(f"hflip must be True or False, got {type(self.hflip).__name__}")

    def describe(self, height: int, width: int) -> str:
        """Return the readout: what these settings do to an H x W photo.

        >>> TransformSettings(angle=30, crop_scale=0.25).describe(214, 320).split(", ")[:3]
        ['rotate 30°', 'crop 107 × 160 of 214 × 320 → 214 × 320', 'brightness ×1.0']
        """
        crop_h, crop_w = crop_size(height, width, self.crop_scale)
        return (
            f"rotate {self.angle:g}°, crop {crop_h} × {crop_w} of {height} × {width} → "
            f"{height} × {width}, brightness ×{self.brightness:.1f}, "
            f"contrast ×{self.contrast:.1f}, saturation ×{self.saturation:.1f}, "
            f"hue {self.hue:+.2f}, {'flipped' if self.hflip else 'no flip'}"
        )


WIDGET_START = TransformSettings(angle=20.0, crop_scale=0.8, saturation=1.5)
"""Where the widget's controls start: a visible change, not the unchanged photo."""


def transform_photo(photo: Image.Image, settings: TransformSettings) -> Image.Image:
    """Return the RGB ``photo`` transformed by ``settings`` in this order: rotated, cropped
    around the centre and resized back to its size, colour-adjusted (brightness, contrast,
    saturation, then hue), then mirrored.

    >>> grey = Image.new("RGB", (4, 4), (100, 100, 100))
    >>> transform_photo(grey, TransformSettings(brightness=2.0)).getpixel((0, 0))
    (200, 200, 200)
    """
    if not isinstance(photo, Image.Image) or photo.mode != "RGB":
        described = (
            f"a {photo.mode} image" if isinstance(photo, Image.Image) else type(photo).__name__
        )
        raise TypeError(
            f"photo must be an RGB PIL image (use photo.convert('RGB')), got {described}"
        )
    if not isinstance(settings, TransformSettings):
        raise TypeError(
            f"settings must be a TransformSettings, such as TransformSettings(angle=30), "
            f"got {type(settings).__name__}"
        )
    width, height = photo.size
    out = photo
    if settings.angle:
        out = F.rotate(out, settings.angle, interpolation=InterpolationMode.BILINEAR)
    if settings.crop_scale != 1.0:
        out = F.center_crop(out, list(crop_size(height, width, settings.crop_scale)))
        out = F.resize(out, [height, width], antialias=True)
    for adjust, factor in (
        (F.adjust_brightness, settings.brightness),
        (F.adjust_contrast, settings.contrast),
        (F.adjust_saturation, settings.saturation),
    ):
        if factor != 1.0:
            out = adjust(out, factor)
    if settings.hue:
        out = F.adjust_hue(out, settings.hue)
    if settings.hflip:
        out = F.horizontal_flip(out)
    return out


def load_widget_photos(scale: float = WIDGET_PHOTO_SCALE) -> dict[str, Image.Image]:
    """Return the two sample photos, resized by ``scale``.

    >>> {name: photo.size for name, photo in load_widget_photos(0.25).items()}
    {'china': (160, 107), 'flower': (160, 107)}
    """
    from utils.data import SAMPLE_PHOTOS, load_sample_photo

    if not isinstance(scale, (int, float)) or not 0 < scale <= 1:
        raise ValueError(f"scale must be a number in (0, 1], got {scale!r}")
    photos = {}
    for name in SAMPLE_PHOTOS:
        photo = load_sample_photo(name)
        size = (round(photo.width * scale), round(photo.height * scale))
        photos[name] = photo.resize(size, Image.Resampling.BILINEAR)
    return photos


def draw_transform(fig: Figure, photo: Image.Image, settings: TransformSettings) -> str:
    """Draw ``photo`` and ``transform_photo(photo, settings)`` side by side, pixel for pixel;
    return the readout."""
    out = transform_photo(photo, settings)
    plot.draw_pixels(fig, [photo, out], ["original", "transformed"], dpi=WIDGET_DPI)
    return settings.describe(photo.height, photo.width)


def transform_widget(photos: dict[str, Image.Image] | None = None) -> LivePlot:
    """Return the transform widget: a photo menu, sliders for the rotation angle, crop scale,
    brightness, contrast, saturation and hue, a flip checkbox, and the photo before and after.
    The controls start at ``WIDGET_START``; ``set`` refuses a value outside a slider's range
    with a ``ValueError`` rather than letting the slider clamp it.

    ``photos`` maps names to RGB PIL images; by default the two sample photos at 0.4 of their
    size.

    >>> live = transform_widget({"grey": Image.new("RGB", (40, 20), (90, 90, 90))})
    >>> live.set(crop_scale=0.25).readout_text.split(", ")[1]
    'crop 10 × 20 of 20 × 40 → 20 × 40'
    """
    if photos is None:
        photos = load_widget_photos()
    if not isinstance(photos, dict) or not photos:
        raise ValueError("photos must be a non-empty dict of name -> RGB PIL image")
    for name, photo in photos.items():
        if not isinstance(photo, Image.Image) or photo.mode != "RGB":
            raise TypeError(
                f"photos[{name!r}] must be an RGB PIL image (use photo.convert('RGB')), "
                f"got {type(photo).__name__}"
            )
    start = asdict(WIDGET_START)
    controls: dict[str, ipywidgets.ValueWidget] = {
        "photo": ipywidgets.Dropdown(options=list(photos), description="photo")
    }
    for name, (low, high, step) in SLIDER_RANGES.items():
        controls[name] = ipywidgets.FloatSlider(
            value=start[name],
            min=low,
            max=high,
            step=step,
            description=name.replace("_", " "),
            continuous_update=False,
        )
    controls["hflip"] = ipywidgets.Checkbox(value=start["hflip"], description="flip left-right")

    def draw(fig: Figure, photo: str, **values: object) -> str:
        return draw_transform(fig, photos[photo], TransformSettings(**values))

    live = LivePlot(controls, draw, dpi=WIDGET_DPI)
    live.box.children[0].layout.flex_flow = "row wrap"  # eight controls: wrap them into rows
    return live
