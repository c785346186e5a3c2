"""utils.fashion: Fashion-MNIST from the data folder, from Debian's package folder or by
download, with tiny files in the real IDX format standing in for the real ones, plus one test on
the real files when the package is installed."""

import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch
from fake_datasets import gzip_file, write_mnist_like

from utils import data, fashion


def fake_system_dir(tmp_path: Path, n_train: int = 12, n_test: int = 4) -> tuple[Path, dict]:
    """A folder laid out as Debian's: the four IDX files, gzipped."""
    arrays = write_mnist_like(tmp_path / "plain", n_train=n_train, n_test=n_test)
    system = tmp_path / "system"
    for name in arrays:
        gzip_file(tmp_path / "plain" / name, system)
    return system, arrays


def test_unpacks_the_system_files_once_and_loads_every_split(tmp_path):
    system, arrays = fake_system_dir(tmp_path)
    root = tmp_path / "data"
    X, y = fashion.load_fashion_mnist("train+val", root, system_dir=system)
    assert X.shape == (12, 1, 28, 28) and X.dtype == torch.float32 and y.dtype == torch.int64
    expected = torch.tensor(arrays["train-images-idx3-ubyte"], dtype=torch.float32) / 255
    torch.testing.assert_close(X[:, 0], expected)
    assert y.tolist() == arrays["train-labels-idx1-ubyte"].tolist()
    assert sorted(p.name for p in (root / "FashionMNIST" / "raw").iterdir()) == sorted(
        fashion.RAW_FILES
    )
    # the second call reads the unpacked files, even with the system folder gone
    X_test, y_test = fashion.load_fashion_mnist("test", root, system_dir=tmp_path / "gone")
    assert X_test.shape == (4, 1, 28, 28)
    assert y_test.tolist() == arrays["t10k-labels-idx1-ubyte"].tolist()


def test_train_and_val_are_a_fixed_disjoint_cut_of_the_training_images(tmp_path):
    system, _ = fake_system_dir(tmp_path)
    root = tmp_path / "data"
    X_all, y_all = fashion.load_fashion_mnist("train+val", root, system_dir=system)
    X_train, _ = fashion.load_fashion_mnist("train", root, system_dir=system)
    X_val, _ = fashion.load_fashion_mnist("val", root, system_dir=system)
    assert len(X_train) == 10 and len(X_val) == 2
    train_idx, val_idx = fashion.split_train_val(12)
    torch.testing.assert_close(X_train, X_all[train_idx])
    torch.testing.assert_close(X_val, X_all[val_idx])
    assert not set(train_idx.tolist()) & set(val_idx.tolist())
    again_train, again_val = fashion.split_train_val(12)
    assert torch.equal(again_train, train_idx) and torch.equal(again_val, val_idx)


def test_without_files_the_error_says_how_to_get_them(tmp_path):
    with pytest.raises(data.DatasetUnavailableError) as info:
        fashion.load_fashion_mnist("train", tmp_path, system_dir=tmp_path / "none")
    message = str(info.value)
    assert "apt-get install dataset-fashion-mnist" in message and "download=True" in message
    assert str(tmp_path / "FashionMNIST" / "raw") in message


def test_download_true_is_handed_to_torchvision(tmp_path, monkeypatch):
    calls = []

    def fake_loader(name, root, **kwargs):
        calls.append((name, Path(root), kwargs["download"]))
        raise data.DatasetUnavailableError("offline")

    monkeypatch.setattr(fashion, "load_torchvision_dataset", fake_loader)
    with pytest.raises(data.DatasetUnavailableError):
        fashion.load_fashion_mnist("test", tmp_path, download=True, system_dir=tmp_path / "none")
    assert calls == [("FashionMNIST", tmp_path, True)]


def test_on_colab_the_loader_downloads_without_being_asked(tmp_path, monkeypatch):
    calls = []

    def fake_loader(name, root, **kwargs):
        calls.append(kwargs["download"])
        raise data.DatasetUnavailableError("offline")

    monkeypatch.setattr(fashion, "load_torchvision_dataset", fake_loader)
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert fashion.on_colab()
    with pytest.raises(data.DatasetUnavailableError):
        fashion.load_fashion_mnist("train", tmp_path, system_dir=tmp_path / "none")
    assert calls == [True]


def test_default_root_is_the_course_data_folder(tmp_path, monkeypatch):
    system, _ = fake_system_dir(tmp_path)
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(tmp_path / "course"))
    assert fashion.prepare(system_dir=system) == tmp_path / "course"
    assert (tmp_path / "course" / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte").is_file()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: fashion.load_fashion_mnist("dev"), ValueError, "split must be one of"),
        (lambda: fashion.prepare(3), TypeError, "root must be a folder path"),
        (lambda: fashion.split_train_val(1), ValueError, "n must be an integer of at least 2"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_class_names_match_torchvision():
    import torchvision

    assert fashion.CLASSES == tuple(torchvision.datasets.FashionMNIST.classes)


@pytest.mark.skipif(
    not (fashion.SYSTEM_DIR / "t10k-images-idx3-ubyte.gz").is_file(),
    reason="dataset-fashion-mnist is not installed",
)
def test_the_real_files_load(tmp_path):
    X, y = fashion.load_fashion_mnist("test", tmp_path)
    assert X.shape == (10_000, 1, 28, 28) and float(X.min()) == 0 and float(X.max()) == 1
    assert torch.bincount(y).tolist() == [1000] * 10
    X_train, y_train = fashion.load_fashion_mnist("train", tmp_path)
    assert X_train.shape == (50_000, 1, 28, 28)
    assert np.isclose(float(X_train.mean()), 0.286, atol=0.001)
