"""Image transforms with fixed parameters, and the live widget where the student moves the
rotation angle, crop scale, colour-jitter and flip controls and sees the photo change.

In training, a random transform draws its parameters (``v2.RandomRotation(30)`` picks an
angle between −30° and 30° for every image). The widget fixes one value per slider, so the
student sees exactly what that value does; ``transform_photo`` computes it with
``torchvision.transforms.v2.functional`` on PIL images (fast: a widget update must stay under
100 ms) and knows nothing about drawing.

    >>> photo = Image.fromarray(np.arange(24, dtype=np.uint8).reshape(2, 4, 3))
    >>> np.array_equal(np.asarray(transform_photo(photo, hflip=True)), np.asarray(photo)[:, ::-1])
    True
"""

from __future__ import annotations

import math

import ipywidgets
import numpy as np
from matplotlib.figure import Figure
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms.v2 import functional as F

from utils.widgets import LivePlot

WIDGET_PHOTO_SCALE = 0.4
"""The widget transforms the sample photos at this fraction of their 427 x 640 size."""

SLIDER_RANGES = {
    "angle": (20.0, -180.0, 180.0, 5.0),
    "crop_scale": (0.8, 0.1, 1.0, 0.05),
    "brightness": (1.0, 0.0, 2.0, 0.1),
    "contrast": (1.0, 0.0, 2.0, 0.1),
    "saturation": (1.5, 0.0, 2.0, 0.1),
    "hue": (0.0, -0.5, 0.5, 0.05),
}
"""Each slider's (default, min, max, step). Angle 0, crop scale 1, factors 1 and hue 0 leave
the photo unchanged; the defaults start from a visible change."""


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


def transform_photo(
    photo: Image.Image,
    angle: float = 0.0,
    crop_scale: float = 1.0,
    brightness: float = 1.0,
    contrast: float = 1.0,
    saturation: float = 1.0,
    hue: float = 0.0,
    hflip: bool = False,
) -> Image.Image:
    """Return the RGB ``photo`` transformed in this order: rotated by ``angle`` degrees
    counter-clockwise (corners filled with black), cropped to the central ``crop_scale`` of its
    area and resized back to its size, colour-adjusted by the brightness, contrast and
    saturation factors (1 = unchanged) and the ``hue`` shift (a fraction of the colour
    circle), then mirrored left-right if ``hflip``.

    >>> grey = Image.new("RGB", (4, 4), (100, 100, 100))
    >>> transform_photo(grey, brightness=2.0).getpixel((0, 0))
    (200, 200, 200)
    """
    if not isinstance(photo, Image.Image) or photo.mode != "RGB":
        described = (
            f"a {photo.mode} image" if isinstance(photo, Image.Image) else type(photo).__name__
        )
        raise TypeError(
            f"photo must be an RGB PIL image (use photo.convert('RGB')), got {described}"
        )
    angle = _check_number("angle", angle, -360.0, 360.0)
    crop_scale = _check_number("crop_scale", crop_scale, 0.01, 1.0)
    for name, factor in (("brightness", brightness), ("contrast", contrast)):
        _check_number(name, factor, 0.0, 10.0)
    _check_number("saturation", saturation, 0.0, 10.0)
    hue = _check_number("hue", hue, -0.5, 0.5)
    width, height = photo.size
    out = photo
    if angle:
        out = F.rotate(out, angle, interpolation=InterpolationMode.BILINEAR)
    if crop_scale != 1.0:
        out = F.center_crop(out, list(crop_size(height, width, crop_scale)))
        out = F.resize(out, [height, width], antialias=True)
    for adjust, factor in (
        (F.adjust_brightness, brightness),
        (F.adjust_contrast, contrast),
        (F.adjust_saturation, saturation),
    ):
        if factor != 1.0:
            out = adjust(out, factor)
    if hue:
        out = F.adjust_hue(out, hue)
    if hflip:
        out = F.horizontal_flip(out)
    return out


def settings_text(
    height: int,
    width: int,
    angle: float = 0.0,
    crop_scale: float = 1.0,
    brightness: float = 1.0,
    contrast: float = 1.0,
    saturation: float = 1.0,
    hue: float = 0.0,
    hflip: bool = False,
) -> str:
    """Return the readout: what each setting does to an H x W photo.

    >>> settings_text(214, 320, angle=30, crop_scale=0.25).split(", ")[:3]
    ['rotate 30°', 'crop 107 × 160 of 214 × 320 → 214 × 320', 'brightness ×1.0']
    """
    crop_h, crop_w = crop_size(height, width, crop_scale)
    return (
        f"rotate {angle:g}°, crop {crop_h} × {crop_w} of {height} × {width} → {height} × {width}, "
        f"brightness ×{brightness:.1f}, contrast ×{contrast:.1f}, saturation ×{saturation:.1f}, "
        f"hue {hue:+.2f}, {'flipped' if hflip else 'no flip'}"
    )


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


def draw_transform(fig: Figure, photo: Image.Image, **settings: object) -> str:
    """Draw ``photo`` and ``transform_photo(photo, **settings)`` side by side; return the
    readout."""
    out = transform_photo(photo, **settings)
    left, right = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.9, wspace=0.04)
    for ax, picture, title in ((left, photo, "original"), (right, out, "transformed")):
        ax.imshow(np.asarray(picture))
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    return settings_text(photo.height, photo.width, **settings)


def transform_widget(photos: dict[str, Image.Image] | None = None) -> LivePlot:
    """Return the transform widget: a photo menu, sliders for the rotation angle, crop scale,
    brightness, contrast, saturation and hue, a flip checkbox, and the photo before and after.

    ``photos`` maps names to RGB PIL images; by default the two sample photos at 0.4 of their size.

    >>> live = transform_widget({"grey": Image.new("RGB", (40, 20), (90, 90, 90))})
    >>> live.set(crop_scale=0.25).readout_text.split(", ")[1]
    'crop 10 × 20 of 20 × 40 → 20 × 40'
    """
    if photos is None:
        photos = load_widget_photos()
    if not isinstance(photos, dict) or not photos:
        raise ValueError("photos must be a non-empty dict of name -> RGB PIL image")
    controls: dict[str, ipywidgets.ValueWidget] = {
        "photo": ipywidgets.Dropdown(options=list(photos), description="photo")
    }
    for name, (default, low, high, step) in SLIDER_RANGES.items():
        controls[name] = ipywidgets.FloatSlider(
            value=default,
            min=low,
            max=high,
            step=step,
            description=name.replace("_", " "),
            continuous_update=False,
        )
    controls["hflip"] = ipywidgets.Checkbox(value=False, description="flip left-right")

    def draw(fig: Figure, photo: str, **settings: object) -> str:
        return draw_transform(fig, photos[photo], **settings)

    live = LivePlot(controls, draw, figsize=(7.0, 2.5), dpi=72)
    live.box.children[0].layout.flex_flow = "row wrap"  # eight controls: wrap them into rows
    return live
