"""The repository is a torch.hub repo: hubconf.py's entry points, the weights it ships (checked
against their recorded SHA-256, and reproduced by tools/make_weights.py), and its errors."""

import hashlib
import shutil
import subprocess
import sys

import pytest
import torch

from tools import make_weights, nbtools
from utils import fashion
from utils.data import default_data_dir

ROOT = nbtools.ROOT
HUB = ROOT / "utils" / "hub"
SHIPPED = HUB / "weights" / make_weights.FILE_NAME


def test_shipped_weights_match_their_recorded_sha256():
    assert hashlib.sha256(SHIPPED.read_bytes()).hexdigest() == make_weights.recorded_sha256()


def test_the_script_reproduces_the_shipped_weights_byte_for_byte(tmp_path):
    result = subprocess.run(
        [sys.executable, "tools/make_weights.py", "--only", "lenet5", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / make_weights.FILE_NAME).read_bytes() == SHIPPED.read_bytes()
    assert make_weights.recorded_sha256(tmp_path) == make_weights.recorded_sha256()


def test_entry_points_are_the_public_callables_with_docstrings():
    hubconf = torch.hub._import_module("hubconf", str(ROOT / "hubconf.py"))
    entry_points = [
        name
        for name in dir(hubconf)
        if callable(getattr(hubconf, name)) and not name.startswith("_")
    ]
    assert entry_points == ["fashion_cnn", "lenet5"]
    assert hubconf.dependencies == ["torch"]
    assert "pretrained" in hubconf.lenet5.__doc__
    assert "(N, 1, 28, 28)" in hubconf.fashion_cnn.__doc__
    assert "scaled to [0, 1]" in hubconf.fashion_cnn.__doc__


def test_pretrained_lenet5_loads_offline_and_reads_unseen_digits():
    model = torch.hub.load(str(ROOT), "lenet5", source="local", pretrained=True)
    X, y = make_weights.digits_32("test")
    with torch.no_grad():
        accuracy = (model(X).argmax(dim=1) == y).float().mean().item()
    assert not model.training and model.classifier[-1].out_features == 5
    assert accuracy > 0.95


def test_fresh_lenet5_takes_num_classes():
    model = torch.hub.load(str(ROOT), "lenet5", source="local", num_classes=3)
    assert model(torch.zeros(2, 1, 32, 32)).shape == (2, 3)


def test_pretrained_with_another_head_size_is_refused_clearly():
    with pytest.raises(
        ValueError, match="5-way head, got num_classes=10; load it without num_classes"
    ):
        torch.hub.load(str(ROOT), "lenet5", source="local", pretrained=True, num_classes=10)


def test_corrupted_weights_are_refused(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(HUB / "weights", repo / "weights")
    shutil.copy(HUB / "hubconf.py", repo / "hubconf.py")
    with open(repo / "weights" / make_weights.FILE_NAME, "r+b") as file:
        file.seek(1000)
        file.write(b"\x00\x01\x02")
    with pytest.raises(RuntimeError, match="does not match its SHA-256 in utils/hub/weights/"):
        torch.hub.load(str(repo), "lenet5", source="local", pretrained=True)
    (repo / "weights" / make_weights.FILE_NAME).unlink()
    with pytest.raises(
        FileNotFoundError, match="weight file .* is missing: reinstall the course package"
    ):
        torch.hub.load(str(repo), "lenet5", source="local", pretrained=True)


def test_the_installed_package_is_a_hub_repository_of_its_own():
    from utils.hub import repo_dir

    model = torch.hub.load(str(repo_dir()), "lenet5", source="local", pretrained=True)
    assert model(torch.zeros(1, 1, 32, 32)).shape == (1, 5)


@pytest.mark.parametrize("pretrained", ["no", "yes", 1, 0, None])
def test_pretrained_must_be_a_boolean(pretrained):
    hubconf = torch.hub._import_module("hubconf", str(HUB / "hubconf.py"))
    with pytest.raises(TypeError, match=f"pretrained must be True or False, got {pretrained!r}"):
        hubconf.lenet5(pretrained=pretrained)


def test_a_corrupt_checkpoint_whose_hash_matches_is_named_without_unsafe_advice(tmp_path):
    repo = tmp_path / "repo"
    (repo / "weights").mkdir(parents=True)
    shutil.copy(HUB / "hubconf.py", repo / "hubconf.py")
    for blob in (b"PK\x03\x04 not a checkpoint", b"\x80\x02}q\x00."):  # zip-ish, a pickled {}
        (repo / "weights" / make_weights.FILE_NAME).write_bytes(blob)
        digest = hashlib.sha256(blob).hexdigest()
        (repo / "weights" / "SHA256SUMS").write_text(f"{digest}  {make_weights.FILE_NAME}\n")
        with pytest.raises(RuntimeError) as info:
            torch.hub.load(str(repo), "lenet5", source="local", pretrained=True)
        message = str(info.value)
        assert str(repo / "weights" / make_weights.FILE_NAME) in message
        assert "is not a LeNet-5 checkpoint" in message and "make_weights.py" in message
        assert "weights_only" not in message


def test_a_malformed_or_missing_sha256sums_is_explained(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(HUB / "weights", repo / "weights")
    shutil.copy(HUB / "hubconf.py", repo / "hubconf.py")
    (repo / "weights" / "SHA256SUMS").write_text("one two three\n")
    with pytest.raises(RuntimeError, match="does not match its SHA-256"):
        torch.hub.load(str(repo), "lenet5", source="local", pretrained=True)
    (repo / "weights" / "SHA256SUMS").unlink()
    with pytest.raises(FileNotFoundError, match="SHA256SUMS is missing: reinstall"):
        torch.hub.load(str(repo), "lenet5", source="local", pretrained=True)


# --- the Fashion-MNIST CNN ----------------------------------------------------------------------

FASHION_SHIPPED = HUB / "weights" / make_weights.FASHION_FILE
needs_fashion_mnist = pytest.mark.skipif(
    not (fashion.SYSTEM_DIR / "t10k-images-idx3-ubyte.gz").is_file()
    and not (default_data_dir() / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte").is_file(),
    reason="Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)",
)


def test_shipped_fashion_cnn_matches_its_recorded_sha256_and_is_small():
    digest = hashlib.sha256(FASHION_SHIPPED.read_bytes()).hexdigest()
    assert digest == make_weights.recorded_sha256(file_name=make_weights.FASHION_FILE)
    assert FASHION_SHIPPED.stat().st_size < 1_000_000


@needs_fashion_mnist
def test_the_shipped_fashion_cnn_reaches_92_percent_on_the_real_test_set(tmp_path, capsys):
    model = torch.hub.load(str(ROOT), "fashion_cnn", source="local", pretrained=True)
    X, y = fashion.load_fashion_mnist("test", tmp_path)
    accuracy = make_weights.accuracy(model, X, y)
    with capsys.disabled():
        print(f"\nshipped Fashion-MNIST CNN: test accuracy {accuracy:.4f} on {len(y):,} images")
    assert not model.training and model(X[:2]).shape == (2, 10)
    assert accuracy >= 0.92


def test_a_fresh_fashion_cnn_takes_fashion_mnist_images():
    model = torch.hub.load(str(ROOT), "fashion_cnn", source="local")
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)


@pytest.mark.weights
@needs_fashion_mnist
def test_the_script_reproduces_the_fashion_cnn_byte_for_byte(tmp_path):
    """Minutes: 12 epochs on one CPU thread. Run with --weights."""
    result = subprocess.run(
        [sys.executable, "tools/make_weights.py", "--only", "fashion_cnn", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / make_weights.FASHION_FILE).read_bytes() == FASHION_SHIPPED.read_bytes()


def test_the_fashion_cnn_training_is_deterministic(tmp_path, monkeypatch):
    """Two runs of the script's recipe (shortened: one epoch of 64 fake images) give the same
    bytes; the full run is compared by the --weights test above."""
    from fake_datasets import write_mnist_like

    write_mnist_like(tmp_path / "FashionMNIST" / "raw", n_train=64, n_test=8)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(fashion, "SYSTEM_DIR", tmp_path / "none")
    monkeypatch.setattr(make_weights, "FASHION_EPOCHS", 1)
    monkeypatch.setattr(make_weights, "FASHION_BATCH_SIZE", 16)
    lines = []
    first = make_weights.serialize(make_weights.train_fashion_cnn(log=lines.append))
    second = make_weights.serialize(make_weights.train_fashion_cnn(log=None))
    assert first == second and lines and lines[0].startswith("epoch  1/1: validation accuracy")
    assert torch.get_num_threads() >= 1 and not torch.are_deterministic_algorithms_enabled()
