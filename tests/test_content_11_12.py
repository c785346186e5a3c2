"""Chapters 11 and 12 cover what COURSE_SPEC.md lists for them, and the numbers their prose
states are the ones their stored outputs show."""

import re

import nbformat
import pytest
from notebook_source import spec_gaps

from tools import nbtools

REQUIRED_CALLS = {
    "11_sequences": [
        "load_names", "encode", "decode", "Embedding", "one_hot", "pad_sequence",
        "pack_padded_sequence", "pad_packed_sequence", "GRU", "cross_entropy", "detach",
        "clip_grad_norm_", "exp", "next_char_probs", "sample_names", "sampling_widget",
    ],
    "12_attention": [
        "scaled_dot_product_attention", "softmax", "masked_fill", "MultiheadAttention",
        "CharTransformer", "load_pretrained", "show_heatmap", "stream_chunks", "count_parameters",
    ],
}  # fmt: skip

REQUIRED_TEXT = {
    "11_sequences": [
        "vocabulary", "lookup", "one-hot", "padding", "enforce_sorted", "truncated",
        "perplexity", "per character", "temperature", "tools/make_text_weights.py", "Pitfall",
    ],
    "12_attention": [
        "query", "key", "value", "√d", "is_causal", "causal mask", "num_heads",
        "in_proj_weight", "average_attn_weights", "permutation-equivariant", "position",
        "parameters", "perplexity", "Pitfall",
    ],
}  # fmt: skip


@pytest.mark.parametrize("stem", REQUIRED_CALLS)
def test_chapter_covers_its_spec_in_code_and_text(stem):
    assert spec_gaps(stem, REQUIRED_CALLS[stem], REQUIRED_TEXT[stem], phrases_in_code=True) == []


def outputs(stem):
    nb = nbformat.read(nbtools.CHAPTERS_DIR / f"{stem}.ipynb", as_version=4)
    return "\n".join(nbtools.shown_text(c) for c in nb.cells if c.cell_type == "code") + "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )


def table(stem, pattern):
    return {m[0]: float(m[1]) for m in re.findall(pattern, outputs(stem))}


def test_chapter_11_the_shipped_gru_beats_the_bigram_and_the_uniform_guess():
    rows = table("11_sequences", r"(uniform guess|bigram counts|GRU, shipped)\s+loss ([\d.]+)")
    assert rows["GRU, shipped"] < rows["bigram counts"] - 0.3 < rows["uniform guess"]
    assert rows["uniform guess"] == pytest.approx(3.296, abs=1e-3)  # ln 27


def test_chapter_11_prose_numbers_are_in_its_outputs():
    assert "perplexity  6.74" in outputs("11_sequences")  # "perplexity below 7"
    assert "clipping acted in 0 of 80 steps" in outputs("11_sequences")  # "never changed a step"


def test_chapter_12_table_and_prose_agree():
    shown = outputs("12_attention")
    rows = table("12_attention", r"(GRU \(chapter 11\)|transformer)\s+[\d,]+\s+([\d.]+)")
    assert rows["transformer"] - rows["GRU (chapter 11)"] == pytest.approx(0.01, abs=0.005)
    assert "59,979" in shown and "104,603" in shown  # "1.7 times as many parameters"
    assert "block 1, weight on previous  [0.49, 0.37, 0.98, 0.36]" in shown  # head 2: 0.98
