"""Train the two character language models that chapters 11 and 12 ship, reproducibly.

Both learn the training names of ``utils.text.split_names(load_names())`` (4,647 US first names;
516 stay out for validation):

- ``char_gru_names.pth``: ``CharGRU`` (embedding 16, GRU 128, 59,979 parameters), 600 steps of
  truncated backpropagation through time on ``sequence_models.stream_chunks``: each epoch the
  names in a new order joined into one stream (``.anna.bob.``), 32 rows read 32 characters a
  step, the hidden state carried from chunk to chunk and detached; Adam (lr 3e-3).
- ``char_transformer_names.pth``: ``CharTransformer`` (2 blocks, 4 heads, 64 features, context
  16), 1,600 steps on the same chunks, each cut into two windows of 16; Adam (lr 1e-3).

Both clip the gradient norm to 1. The step counts are where the validation loss stopped falling
(measured every 200 steps): the GRU at 600 (it overfits after), the transformer still falling
slowly at 1,600.

The run is deterministic: one CPU thread, deterministic algorithms, fixed seeds. The SHA-256 of
each file is recorded in utils/hub/weights/SHA256SUMS (this script rewrites only its own lines),
and ``--check`` retrains and compares.

usage:
    python tools/make_text_weights.py            # write both files and their SHA256SUMS lines
    python tools/make_text_weights.py --check    # retrain in memory; exit 1 unless both match
    python tools/make_text_weights.py --out DIR  # write into DIR instead
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from utils import sequence_models as sm  # noqa: E402
from utils.text import load_names, split_names  # noqa: E402

SEED = 0
BATCH_SIZE = 32
CHUNK = 32  # characters per TBPTT chunk (GRU)
STEPS = {"gru": 600, "transformer": 1600}
LR = {"gru": 3e-3, "transformer": 1e-3}
CLIP = 1.0


def train_model(kind: str, steps: int | None = None) -> torch.nn.Module:
    """Train a fresh ``kind`` model ("gru" or "transformer") for ``steps`` (default: ``STEPS``)
    on the chunks of ``stream_chunks``: the GRU carries its state from chunk to chunk (detached),
    the transformer reads each chunk as two windows of its context, 16 characters."""
    steps = STEPS[kind] if steps is None else steps
    train, _ = split_names(load_names())
    torch.manual_seed(SEED)
    model = sm.new_model(kind)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR[kind])
    chunks = sm.stream_chunks(sm.names_vocab(), train, CHUNK, BATCH_SIZE, seed=SEED)
    h = None
    for (x, y, new_epoch), _ in zip(chunks, range(steps), strict=False):
        if kind == "gru":
            logits, h = model(x, None if new_epoch else h)
            h = h.detach()  # truncated BPTT: no gradient flows into the previous chunk
        else:
            x, y = x.reshape(-1, model.context), y.reshape(-1, model.context)
            logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
    return model.eval()


def train_weights(kind: str) -> dict[str, torch.Tensor]:
    """Train ``kind`` deterministically (one thread, deterministic algorithms) and return its
    state_dict."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # summation order, hence every bit, independent of the machine's cores
    torch.use_deterministic_algorithms(True)
    try:
        return train_model(kind).state_dict()
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)


def serialize(state_dict: dict[str, torch.Tensor]) -> bytes:
    """The bytes ``torch.save`` writes for ``state_dict``."""
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    return buffer.getvalue()


def write_sums(folder: Path, digests: dict[str, str]) -> None:
    """Set the lines of ``digests`` (file name -> SHA-256) in ``folder/SHA256SUMS``, keeping
    every other file's line as it is."""
    path = folder / "SHA256SUMS"
    lines = path.read_text().splitlines() if path.is_file() else []
    kept = [line for line in lines if line.strip() and line.split()[1] not in digests]
    path.write_text("\n".join(kept + [f"{d}  {name}" for name, d in digests.items()]) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="retrain and compare with the files")
    parser.add_argument("--out", type=Path, default=sm.WEIGHTS_DIR, help="folder to write into")
    args = parser.parse_args(argv)

    blobs = {sm.WEIGHT_FILES[kind]: serialize(train_weights(kind)) for kind in sm.WEIGHT_FILES}
    digests = {name: hashlib.sha256(blob).hexdigest() for name, blob in blobs.items()}
    if args.check:
        ok = True
        for name, digest in digests.items():
            shipped = hashlib.sha256((sm.WEIGHTS_DIR / name).read_bytes()).hexdigest()
            recorded = sm.recorded_sha256(name)
            print(f"{name}\n  retrained {digest}\n  shipped   {shipped}\n  recorded  {recorded}")
            ok &= digest == shipped == recorded
        print("match" if ok else "MISMATCH")
        return 0 if ok else 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, blob in blobs.items():
        (args.out / name).write_bytes(blob)
        print(f"wrote {args.out / name} ({len(blob):,} bytes), sha256 {digests[name]}")
    write_sums(args.out, digests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
