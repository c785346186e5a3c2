"""tools/bench_fashion.py, the source of chapter 09's seconds per epoch and of its seed spread,
run on random images so that it needs neither the dataset nor minutes."""

import re
import sys

import nbformat
import torch

from tools import bench_fashion, nbtools


def fake_split(split):
    generator = torch.Generator().manual_seed(len(split))
    return torch.rand(300, 1, 28, 28, generator=generator), torch.randint(0, 10, (300,))


def test_bench_times_every_model_in_both_memory_formats(monkeypatch, capsys):
    monkeypatch.setattr(bench_fashion.fashion, "load_fashion_mnist", fake_split)
    monkeypatch.setattr(bench_fashion, "IMAGES", 256)
    threads = torch.get_num_threads()
    assert bench_fashion.main(["--repeats", "1", "--seeds", "1"]) == 0
    shown = capsys.readouterr().out
    for name in bench_fashion.models():
        assert re.search(rf"^\| {re.escape(name)} \| contiguous_format \| \d+\.\d \|$", shown, re.M)
    for name in ("small CNN + BN (8, 16, 32)", "shipped CNN (16, 32, 64)"):
        assert f"| {name} | channels_last |" in shown
    assert re.search(r"^\| 0 \| \d+\.\d\d% \| \d+\.\d\d% \|$", shown, re.M)
    assert torch.get_num_threads() == threads  # the thread count is put back


def test_bench_says_why_it_skips_without_the_dataset(monkeypatch, capsys):
    def unavailable(split):
        raise FileNotFoundError("Fashion-MNIST is not installed: apt-get install ...")

    monkeypatch.setattr(bench_fashion.fashion, "load_fashion_mnist", unavailable)
    assert bench_fashion.main([]) == 0
    assert capsys.readouterr().out.startswith("skipped: Fashion-MNIST is not installed")


def test_bench_ignores_the_command_line_of_the_benchmark_that_calls_it(monkeypatch, capsys):
    """tools/benchmark.py calls main() with its own arguments in sys.argv."""
    monkeypatch.setattr(bench_fashion.fashion, "load_fashion_mnist", fake_split)
    monkeypatch.setattr(bench_fashion, "IMAGES", 256)
    monkeypatch.setattr(sys, "argv", ["benchmark.py", "chapters/09_cnn.ipynb", "--no-tests"])
    assert bench_fashion.main() == 0
    assert "| MLP 784-256-10 | contiguous_format |" in capsys.readouterr().out


def test_the_seed_run_repeats_the_chapters_own_recipe():
    """tools/bench_fashion.py --seeds copies chapter 09's run; the two must not drift apart."""
    nb = nbformat.read(nbtools.CHAPTERS_DIR / "09_cnn.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert f"FashionCNN(widths={bench_fashion.WIDTHS})" in code
    run = re.search(r"fit_one_cycle\(cnn_full, num_epochs=(\d+), max_lr=([\d.e-]+)", code)
    assert run and int(run[1]) == bench_fashion.EPOCHS and float(run[2]) == bench_fashion.MAX_LR
    assert "def make_loader(X, y, batch_size=256" in code and "weight_decay=0.05" in code
