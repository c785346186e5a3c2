"""utils.widgets.transforms: each setting against an independent computation on the pixels,
and the widget driven by its controls."""

from dataclasses import asdict

import numpy as np
import pytest
from PIL import Image

from utils.widgets import transforms


def apply(image, **settings):
    return transforms.transform_photo(image, transforms.TransformSettings(**settings))


@pytest.fixture
def photo():
    """A real photograph, small: the widget's "flower" photo."""
    return transforms.load_widget_photos(0.2)["flower"]


def pixels(image):
    return np.asarray(image).astype(int)


def test_neutral_settings_leave_the_photo_unchanged(photo):
    assert np.array_equal(pixels(apply(photo)), pixels(photo))


def test_flip_mirrors_left_right(photo):
    flipped = apply(photo, hflip=True)
    assert np.array_equal(pixels(flipped), pixels(photo)[:, ::-1])


@pytest.mark.parametrize("angle, turns", [(90.0, 1), (180.0, 2), (-90.0, 3)])
def test_quarter_turns_match_numpy_rot90(angle, turns):
    square = Image.fromarray(np.random.default_rng(0).integers(0, 256, (16, 16, 3), np.uint8))
    rotated = apply(square, angle=angle)
    assert np.abs(pixels(rotated) - np.rot90(pixels(square), turns)).max() <= 1


def test_crop_keeps_the_centre_and_resizes_back():
    array = np.zeros((40, 60, 3), np.uint8)
    array[:, :, 2] = 255  # blue everywhere ...
    array[10:30, 15:45] = (255, 0, 0)  # ... but red in the central half of each side
    cropped = apply(Image.fromarray(array), crop_scale=0.25)
    assert cropped.size == (60, 40)
    assert np.abs(pixels(cropped) - np.array([255, 0, 0])).max() <= 1
    assert transforms.crop_size(40, 60, 0.25) == (20, 30)


def test_brightness_scales_and_clips(photo):
    brighter = apply(photo, brightness=1.5)
    expected = np.clip(pixels(photo) * 1.5, 0, 255)
    assert np.abs(pixels(brighter) - expected).max() <= 1


def test_saturation_zero_is_greyscale(photo):
    grey = pixels(apply(photo, saturation=0.0))
    luma = pixels(photo) @ np.array([0.299, 0.587, 0.114])  # ITU-R 601, as PIL converts to "L"
    for channel in range(3):
        assert np.abs(grey[..., channel] - luma).max() <= 1.5


def test_contrast_zero_is_flat_mean_grey(photo):
    flat = pixels(apply(photo, contrast=0.0))
    mean_luma = (pixels(photo) @ np.array([0.299, 0.587, 0.114])).mean()
    assert np.abs(flat - mean_luma).max() <= 1.5


def test_half_a_hue_turn_makes_red_cyan():
    red = Image.new("RGB", (4, 4), (255, 0, 0))
    for hue in (0.5, -0.5):
        shifted = np.array(apply(red, hue=hue).getpixel((0, 0)))
        assert np.abs(shifted - np.array([0, 255, 255])).max() <= 10  # PIL works in 8-bit HSV


def test_widget_draws_what_the_controls_say(photo):
    other = photo.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    live = transforms.transform_widget({"flower": photo, "upside down": other})
    assert live.last_values == {"photo": "flower", **asdict(transforms.WIDGET_START)}
    height, width = photo.height, photo.width
    crop_h, crop_w = round(height * 0.8**0.5), round(width * 0.8**0.5)
    assert f"crop {crop_h} × {crop_w} of {height} × {width}" in live.readout_text
    first = bytes(live.image.value)
    live.set(angle=-45.0, crop_scale=0.36, hue=0.25, hflip=True)
    crop_h, crop_w = round(height * 0.6), round(width * 0.6)
    assert live.readout_text.startswith(f"rotate -45°, crop {crop_h} × {crop_w} of")
    assert live.readout_text.endswith("hue +0.25, flipped")
    second = bytes(live.image.value)
    assert second != first and second.startswith(b"\x89PNG")
    live.set(photo="upside down")
    assert bytes(live.image.value) != second and live.last_values["photo"] == "upside down"


def test_default_widget_shows_the_sample_photos():
    photos = transforms.load_widget_photos()
    assert set(photos) == {"china", "flower"}
    assert all(p.size == (256, 171) and p.mode == "RGB" for p in photos.values())
    assert all(pixels(p).std() > 20 for p in photos.values())  # photographs, not blanks
    live = transforms.transform_widget()
    assert not live.readout_text.startswith("⚠")


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"angle": float("nan")}, ValueError, "angle must be between -360.0 and 360.0, got nan"),
        ({"brightness": -1}, ValueError, "brightness must be between 0.0 and 10.0, got -1"),
        ({"contrast": "high"}, TypeError, "contrast must be a number, got str"),
        ({"saturation": 11}, ValueError, "saturation must be between 0.0 and 10.0"),
        ({"hue": 0.7}, ValueError, "hue must be between -0.5 and 0.5, got 0.7"),
        ({"crop_scale": 0}, ValueError, "crop_scale must be between 0.01 and 1.0, got 0"),
        ({"crop_scale": True}, TypeError, "crop_scale must be a number, got bool"),
        ({"hflip": 1}, TypeError, "hflip must be True or False, got int"),
    ],
)
def test_bad_settings_are_rejected(kwargs, error, message):
    with pytest.raises(error, match=message):
        transforms.TransformSettings(**kwargs)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"angle": 500.0}, r"angle must be between -180 and 180 \(the slider's range\), got 500"),
        ({"crop_scale": 0.0}, "crop_scale must be between 0.1 and 1"),
        ({"brightness": 2.5}, "brightness must be between 0 and 2"),
        ({"hue": float("nan")}, "hue must be a finite number, got nan"),
        ({"saturation": float("inf")}, "saturation must be a finite number"),
    ],
)
def test_slider_values_out_of_range_are_refused_not_clamped(photo, values, message):
    live = transforms.transform_widget({"flower": photo})
    with pytest.raises(ValueError, match=message):
        live.set(**values)
    assert live.last_values["angle"] == transforms.WIDGET_START.angle  # nothing moved
    with pytest.raises(ValueError, match=r"photo must be one of \['flower'\], got 'tulip'"):
        live.set(photo="tulip")


def test_crop_size_rejects_a_bad_scale():
    with pytest.raises(ValueError, match="crop_scale must be between 0.01 and 1.0, got 1.5"):
        transforms.crop_size(10, 20, 1.5)


def test_bad_photos_are_rejected(photo):
    with pytest.raises(TypeError, match=r"photo must be an RGB PIL image .* got a L image"):
        apply(photo.convert("L"))
    with pytest.raises(TypeError, match="settings must be a TransformSettings, .* got dict"):
        transforms.transform_photo(photo, {"angle": 30})
    with pytest.raises(TypeError, match="photo must be an RGB PIL image .* got ndarray"):
        apply(np.asarray(photo))
    with pytest.raises(ValueError, match="photos must be a non-empty dict"):
        transforms.transform_widget({})
    with pytest.raises(TypeError, match=r"photos\['grey'\] must be an RGB PIL image .* ndarray"):
        transforms.transform_widget({"grey": np.asarray(photo)})
    with pytest.raises(ValueError, match=r"scale must be a number in \(0, 1\], got 0"):
        transforms.load_widget_photos(0)
