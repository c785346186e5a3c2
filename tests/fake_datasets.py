"""Tiny data sets written in torchvision's own on-disk formats, so tests can load them through
the real torchvision classes (and "download" them from file:// URLs) without a network."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import http.server
import pickle
import struct
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

IDX_DTYPE_CODE = 0x08  # unsigned byte


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Write a uint8 array in the IDX format of MNIST: magic (0, 8, ndim), sizes, bytes."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.write(struct.pack(">HBB", 0, IDX_DTYPE_CODE, array.ndim))
        file.write(struct.pack(f">{array.ndim}I", *array.shape))
        file.write(array.tobytes())
    return path


def write_mnist_like(
    raw_dir: Path, n_train: int = 6, n_test: int = 4, seed: int = 0
) -> dict[str, np.ndarray]:
    """Write the four uncompressed MNIST files into ``raw_dir``; return the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test),
    }
    for name, array in arrays.items():
        write_idx(raw_dir / name, array)
    return arrays


def gzip_file(path: Path, into: Path) -> tuple[Path, str]:
    """Write ``path`` gzipped into folder ``into``; return the new file and its md5."""
    into.mkdir(parents=True, exist_ok=True)
    target = into / (path.name + ".gz")
    target.write_bytes(gzip.compress(path.read_bytes(), mtime=0))
    return target, hashlib.md5(target.read_bytes()).hexdigest()


def write_cifar10_like(root: Path, per_batch: int = 3, seed: int = 0) -> dict[str, str]:
    """Write ``root/cifar-10-batches-py`` with tiny batches; return each file's md5."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    md5 = {}
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in names:
        entry = {
            "data": rng.integers(0, 256, (per_batch, 3 * 32 * 32), dtype=np.uint8),
            "labels": rng.integers(0, 10, per_batch).tolist(),
        }
        (folder / name).write_bytes(pickle.dumps(entry))
    meta = {
        "label_names": [
            "airplane",
            "automobile",
            "bird",
            "cat",
            "deer",
            "dog",
            "frog",
            "horse",
            "ship",
            "truck",
        ]
    }
    (folder / "batches.meta").write_bytes(pickle.dumps(meta))
    for path in folder.iterdir():
        md5[path.name] = hashlib.md5(path.read_bytes()).hexdigest()
    return md5


def tar_gz(folder: Path, target: Path) -> str:
    """Pack ``folder`` into the tar.gz ``target`` (as CIFAR's archive is); return its md5."""
    with tarfile.open(target, "w:gz") as archive:
        archive.add(folder, arcname=folder.name)
    return hashlib.md5(target.read_bytes()).hexdigest()


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) and yield its base URL, ending in /.

    torchvision's downloader reads the response length, which file:// URLs do not give, so the
    download path is tested against a real, local HTTP server."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
