"""utils.data: the offline data and the torchvision loader, with tiny files in torchvision's
own formats standing in for the real downloads."""

from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from fake_datasets import gzip_file, serve_folder, tar_gz, write_cifar10_like, write_mnist_like
from PIL import Image

from utils import data


def test_digits_are_real_and_scaled():
    from sklearn.datasets import load_digits

    X, y = data.load_digits()
    raw = load_digits()
    assert X.shape == (1797, 1, 8, 8) and y.shape == (1797,)
    torch.testing.assert_close(X[5, 0] * 16, torch.tensor(raw.images[5], dtype=torch.float32))
    assert y.tolist() == raw.target.tolist()
    assert X.min() == 0 and X.max() == 1


def test_digits_dataset_splits_are_disjoint_complete_and_stable():
    train, test, every = (
        data.DigitsDataset("train"),
        data.DigitsDataset("test"),
        data.DigitsDataset("all"),
    )
    assert len(train) + len(test) == len(every) == 1797
    train_keys = {
        tuple(train.images[i].flatten().tolist()) + (int(train.targets[i]),)
        for i in range(len(train))
    }
    assert len(train_keys) > 1000
    again = data.DigitsDataset("train")
    assert torch.equal(again.images, train.images) and torch.equal(again.targets, train.targets)
    other_seed = data.DigitsDataset("train", seed=1)
    assert not torch.equal(other_seed.targets, train.targets)


def test_digits_dataset_applies_the_transform_and_batches():
    dataset = data.DigitsDataset("test", transform=lambda image: image * 2)
    image, label = dataset[0]
    torch.testing.assert_close(image, dataset.images[0] * 2)
    assert isinstance(label, int)
    X, y = next(iter(torch.utils.data.DataLoader(dataset, batch_size=4)))
    assert X.shape == (4, 1, 8, 8) and y.dtype == torch.int64


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"split": "val"}, ValueError, "split must be one of 'train', 'test', 'all', got 'val'"),
        ({"transform": "resize"}, TypeError, "transform must be callable"),
        (
            {"test_fraction": 1.5},
            ValueError,
            "test_fraction must be a number strictly between 0 and 1",
        ),
    ],
)
def test_digits_dataset_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.DigitsDataset(**kwargs)


def test_split_indices_rejects_bad_n():
    with pytest.raises(
        ValueError, match="n must be an integer of at least 2 and at most 10,000,000, got 1"
    ):
        data.split_indices(1)


@pytest.mark.parametrize("name", ["china", "flower.jpg"])
def test_sample_photos_are_real_rgb_images(name):
    photo = data.load_sample_photo(name)
    assert isinstance(photo, Image.Image) and photo.size == (640, 427) and photo.mode == "RGB"
    assert np.asarray(photo).std() > 20  # a photograph, not a blank


def test_sample_photo_rejects_bad_names():
    with pytest.raises(ValueError, match="name must be one of 'china', 'flower', got 'cat'"):
        data.load_sample_photo("cat")
    with pytest.raises(TypeError, match="name must be a string"):
        data.load_sample_photo(3)


def test_default_data_dir_is_the_checkout_data_folder_or_the_override(monkeypatch, tmp_path):
    monkeypatch.delenv(data.DATA_DIR_ENV_VAR, raising=False)
    assert data.default_data_dir() == Path(__file__).resolve().parent.parent / "data"
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(tmp_path))
    assert data.default_data_dir() == tmp_path


@pytest.mark.parametrize("name", ["MNIST", "FashionMNIST"])
def test_idx_files_on_disk_load_through_torchvision(tmp_path, name):
    arrays = write_mnist_like(tmp_path / name / "raw")
    train = data.load_torchvision_dataset(name.lower(), tmp_path, train=True)
    test = data.load_torchvision_dataset(
        name, str(tmp_path), train=False, transform=torchvision.transforms.ToTensor()
    )
    assert isinstance(train, getattr(torchvision.datasets, name))
    assert len(train) == 6 and len(test) == 4
    image, label = train[2]
    assert np.array_equal(np.asarray(image), arrays["train-images-idx3-ubyte"][2])
    assert label == arrays["train-labels-idx1-ubyte"][2]
    assert test[0][0].shape == (1, 28, 28)


def test_cifar10_files_on_disk_load_through_torchvision(tmp_path, monkeypatch):
    md5 = write_cifar10_like(tmp_path)
    cls = torchvision.datasets.CIFAR10
    monkeypatch.setattr(
        cls, "train_list", [[f"data_batch_{i}", md5[f"data_batch_{i}"]] for i in range(1, 6)]
    )
    monkeypatch.setattr(cls, "test_list", [["test_batch", md5["test_batch"]]])
    monkeypatch.setattr(cls, "meta", {**cls.meta, "md5": md5["batches.meta"]})
    train = data.load_torchvision_dataset("CIFAR10", tmp_path)
    assert len(train) == 15 and train.classes[0] == "airplane"
    assert train[0][0].size == (32, 32)


def test_missing_files_without_download_name_the_path_and_the_offline_alternative(tmp_path):
    with pytest.raises(data.DatasetUnavailableError) as info:
        data.load_torchvision_dataset("FashionMNIST", tmp_path)
    message = str(info.value)
    assert str(tmp_path / "FashionMNIST" / "raw" / "train-images-idx3-ubyte") in message
    assert "3 more file(s)" in message and "download=True" in message and "DigitsDataset" in message
    assert isinstance(info.value, FileNotFoundError)


def test_missing_cifar_names_its_folder(tmp_path):
    with pytest.raises(data.DatasetUnavailableError, match="cifar-10-batches-py"):
        data.load_torchvision_dataset("cifar10", tmp_path)


def test_download_from_a_mirror_then_reuse_the_files(tmp_path, monkeypatch):
    """The download path runs torchvision's own downloader against a local HTTP mirror."""
    source = tmp_path / "source"
    arrays = write_mnist_like(source)
    mirror = tmp_path / "mirror"
    resources = [
        (gz.name, md5) for gz, md5 in (gzip_file(path, mirror) for path in sorted(source.iterdir()))
    ]
    monkeypatch.setattr(torchvision.datasets.MNIST, "resources", resources)

    root = tmp_path / "root"
    with serve_folder(mirror) as url:
        monkeypatch.setattr(torchvision.datasets.MNIST, "mirrors", ["http://127.0.0.1:9/", url])
        dataset = data.load_torchvision_dataset("MNIST", root, download=True)
    assert len(dataset) == 6 and dataset[0][1] == arrays["train-labels-idx1-ubyte"][0]
    assert (root / "MNIST" / "raw" / "train-images-idx3-ubyte").is_file()

    monkeypatch.setattr(
        torchvision.datasets.MNIST, "mirrors", ["http://127.0.0.1:9/"]
    )  # nothing listens
    assert (
        len(data.load_torchvision_dataset("MNIST", root, download=True)) == 6
    )  # no network needed now


def test_cifar_download_from_a_local_server(tmp_path, monkeypatch):
    staging = tmp_path / "staging"
    md5 = write_cifar10_like(staging)
    archive = tmp_path / "cifar-10-python.tar.gz"
    archive_md5 = tar_gz(staging / "cifar-10-batches-py", archive)
    cls = torchvision.datasets.CIFAR10
    monkeypatch.setattr(cls, "tgz_md5", archive_md5)
    monkeypatch.setattr(
        cls, "train_list", [[f"data_batch_{i}", md5[f"data_batch_{i}"]] for i in range(1, 6)]
    )
    monkeypatch.setattr(cls, "test_list", [["test_batch", md5["test_batch"]]])
    monkeypatch.setattr(cls, "meta", {**cls.meta, "md5": md5["batches.meta"]})
    with serve_folder(tmp_path) as url:
        monkeypatch.setattr(cls, "url", url + archive.name)
        test = data.load_torchvision_dataset(
            "CIFAR10", tmp_path / "root", train=False, download=True
        )
    assert len(test) == 3


def test_download_without_network_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(torchvision.datasets.MNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(data.DatasetUnavailableError) as info:
        data.load_torchvision_dataset("MNIST", tmp_path, download=True)
    message = str(info.value)
    assert message.startswith("Could not download MNIST") and "no internet connection?" in message
    assert "DigitsDataset" in message


def test_corrupted_files_are_reported_not_crashed_on(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    write_mnist_like(raw)
    (raw / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03garbage")
    with pytest.raises(data.DatasetUnavailableError, match="Could not read MNIST.*corrupted files"):
        data.load_torchvision_dataset("MNIST", tmp_path)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"name": "ImageNet", "root": "data"},
            ValueError,
            "name must be one of 'MNIST', 'FashionMNIST', 'CIFAR10', got 'ImageNet'",
        ),
        ({"name": 10, "root": "data"}, TypeError, "name must be a string"),
        ({"name": "MNIST", "root": 5}, TypeError, "root must be a folder path"),
        (
            {"name": "MNIST", "root": "data", "transform": 3},
            TypeError,
            "transform must be callable",
        ),
    ],
)
def test_loader_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.load_torchvision_dataset(**kwargs)


# --- write_digit_images: the ImageFolder of chapter 04 -------------------------------------


def test_digit_images_load_through_image_folder(tmp_path):
    folder = data.write_digit_images(tmp_path, per_class=3, size=16)
    dataset = torchvision.datasets.ImageFolder(folder)
    assert dataset.classes == list(data.DIGIT_CLASSES) and len(dataset) == 30
    assert [label for _, label in dataset.samples] == [
        label for label in range(10) for _ in range(3)
    ]
    X, y = data.load_digits()
    first_seven = int((y == 7).nonzero()[0])
    image, label = dataset[7 * 3]  # ImageFolder sorts: the first file of class "7"
    assert label == 7 and image.size == (16, 16)
    pixels = torch.from_numpy(np.array(image.convert("L"))).float()
    torch.testing.assert_close(pixels[::2, ::2], (X[first_seven, 0] * 255).round())
    assert torch.equal(pixels[::2, ::2], pixels[1::2, 1::2])  # each digit pixel is a 2 x 2 block


def test_digit_images_default_to_the_data_dir_and_regenerate(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(tmp_path))
    folder = data.write_digit_images(per_class=2)
    assert folder == tmp_path / "digit_images"
    kept, removed = folder / "3" / "000.png", folder / "5" / "001.png"
    kept_bytes, kept_time = kept.read_bytes(), kept.stat().st_mtime_ns
    removed.unlink()
    data.write_digit_images(per_class=2)
    assert removed.is_file() and kept.stat().st_mtime_ns == kept_time  # only the missing file
    assert kept.read_bytes() == kept_bytes
    assert len(list(folder.rglob("*.png"))) == 20


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"per_class": 0}, "per_class must be an integer from 1 to 100, got 0"),
        ({"per_class": 2.5}, "per_class must be an integer from 1 to 100, got 2.5"),
        ({"size": 12}, r"size must be a multiple of 8 \(8, 16, 32, ...\) of at most 1024, got 12"),
    ],
)
def test_digit_images_reject_bad_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.write_digit_images(tmp_path, **kwargs)
    with pytest.raises(TypeError, match="root must be a folder path"):
        data.write_digit_images(42)


# --- bad input and broken files (issue 12) -----------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"download": "no"}, "download must be True or False"),
        ({"train": "test"}, "train must be True or False"),
        ({"train": 0}, "train must be True or False"),
    ],
)
def test_flags_must_be_booleans(tmp_path, kwargs, message):
    write_mnist_like(tmp_path / "MNIST" / "raw")
    with pytest.raises(TypeError, match=message):
        data.load_torchvision_dataset("MNIST", tmp_path, **kwargs)


def test_images_and_labels_of_different_counts_are_refused(tmp_path):
    from fake_datasets import write_idx

    raw = tmp_path / "MNIST" / "raw"
    write_mnist_like(raw)
    write_idx(raw / "train-labels-idx1-ubyte", np.zeros(4))
    with pytest.raises(
        data.DatasetUnavailableError,
        match="train-images-idx3-ubyte holds 6 images but train-labels-idx1-ubyte holds 4",
    ):
        data.load_torchvision_dataset("MNIST", tmp_path)
    assert len(data.load_torchvision_dataset("MNIST", tmp_path, train=False)) == 4


@pytest.mark.parametrize(
    "file, damage, problem",
    [
        ("train-images-idx3-ubyte", lambda b: b"\x00\x00\x08\x03garbage", "wrong header"),
        ("train-labels-idx1-ubyte", lambda b: b"\x00\x00\x08\x03garbage", "wrong header"),
        ("train-images-idx3-ubyte", lambda b: b[:500], "is 500 bytes but its header promises"),
        ("train-labels-idx1-ubyte", lambda b: b + b"\x00", "truncated or has extra bytes"),
    ],
)
def test_a_corrupt_raw_file_is_named_with_what_to_do(tmp_path, file, damage, problem):
    raw = tmp_path / "MNIST" / "raw"
    write_mnist_like(raw)
    (raw / file).write_bytes(damage((raw / file).read_bytes()))
    with pytest.raises(data.DatasetUnavailableError) as info:
        data.load_torchvision_dataset("MNIST", tmp_path)
    message = str(info.value)
    assert str(raw / file) in message and problem in message
    assert "Delete it and run again with download=True" in message


def test_seeds_and_indices_are_checked():
    with pytest.raises(ValueError, match="seed must be an integer from 0"):
        data.split_indices(10, 0.2, seed=-1)
    with pytest.raises(ValueError, match="seed must be an integer from 0"):
        data.DigitsDataset(seed="a")
    dataset = data.DigitsDataset("test")
    with pytest.raises(IndexError, match="index must be from 0 to 358, got 5000"):
        dataset[5000]
    with pytest.raises(TypeError, match="index must be an integer, got str"):
        dataset["a"]
    assert torch.equal(dataset[-1][0], dataset[len(dataset) - 1][0])


def test_digit_images_refuse_a_file_as_root(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("x")
    with pytest.raises(NotADirectoryError, match="root must be a folder, but .* is a file"):
        data.write_digit_images(file)


def test_sizes_that_would_exhaust_memory_are_refused(tmp_path):
    with pytest.raises(ValueError, match="n must be an integer of at least 2 and at most"):
        data.split_indices(10**12)
    with pytest.raises(ValueError, match="size must be a multiple of 8 .* of at most 1024"):
        data.write_digit_images(tmp_path, size=8 * 10**5)
