"""utils.sequence_models: the two language models, batches, loss, sampling, the shipped
weights, and tools/make_text_weights.py."""

import hashlib
import math
import shutil

import pytest
import torch
import torch.nn.functional as F

from tools import make_text_weights
from utils import sequence_models as sm
from utils import text

VOCAB = sm.names_vocab()


def test_name_batch_pads_inputs_with_the_boundary_and_targets_with_ignore_index():
    x, y = sm.name_batch(VOCAB, ["mary", "jo"])
    assert VOCAB.decode(x[0]) == ".mary" and VOCAB.decode(x[1]) == ".jo.."
    assert y[1].tolist() == VOCAB.encode("jo") + [0, sm.IGNORE_INDEX, sm.IGNORE_INDEX]
    with pytest.raises(ValueError, match="at least one"):
        sm.name_batch(VOCAB, [])


def test_both_models_are_causal_a_later_character_changes_no_earlier_logit():
    torch.manual_seed(0)
    for model in (sm.CharGRU(27), sm.CharTransformer(27)):
        a = torch.tensor([[0, 13, 1, 18, 25]])
        b = a.clone()
        b[0, 4] = 5
        la, lb = sm.logits_of(model, a), sm.logits_of(model, b)
        torch.testing.assert_close(la[:, :4], lb[:, :4])
        assert not torch.allclose(la[:, 4], lb[:, 4])


def test_attention_weights_are_kept_rows_sum_to_one_and_the_future_gets_zero():
    torch.manual_seed(0)
    model = sm.CharTransformer(27)
    model(torch.zeros(2, 6, dtype=torch.long))
    weights = model.blocks[0].attention.last_weights
    assert weights.shape == (2, 4, 6, 6)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 4, 6))
    assert (weights.triu(1) == 0).all()
    with pytest.raises(ValueError, match="multiple of n_heads"):
        sm.CausalSelfAttention(10, 3)


def test_the_transformer_refuses_more_than_its_context_and_logits_of_crops():
    model = sm.CharTransformer(27, context=4)
    with pytest.raises(ValueError, match="context of 4"):
        model(torch.zeros(1, 5, dtype=torch.long))
    assert sm.logits_of(model, torch.zeros(1, 9, dtype=torch.long)).shape == (1, 4, 27)


def test_name_loss_of_an_untrained_model_is_near_the_uniform_guess():
    torch.manual_seed(0)
    loss = sm.name_loss(sm.CharGRU(27), VOCAB, ["mary", "jo", "christopher"])
    assert abs(loss - math.log(27)) < 0.2


def test_stream_chunks_continue_each_row_and_mark_new_epochs():
    names = [f"{a}{b}" for a in "abc" for b in "xyz"]
    vocab = text.CharVocab.from_texts(names)
    chunks = sm.stream_chunks(vocab, names, chunk=2, batch_size=3, seed=0)
    flags, previous = [], None
    for (x, y, new), _ in zip(chunks, range(6), strict=False):
        torch.testing.assert_close(x[:, 1:], y[:, :-1])
        if previous is not None and not new:  # a row goes on where the last chunk stopped
            torch.testing.assert_close(x[:, 0], previous[:, -1])
        flags.append(new)
        previous = y
    assert flags == [True, False, False, True, False, False]  # 28 characters, 3 rows: 3 chunks
    with pytest.raises(ValueError, match="batch_size"):
        sm.stream_rows(torch.arange(3), 5)


def test_next_char_probs_temperature_sharpens_and_is_checked():
    torch.manual_seed(0)
    model = sm.CharGRU(27)
    p1 = sm.next_char_probs(model, VOCAB, "ma", 1.0)
    p_low = sm.next_char_probs(model, VOCAB, "ma", 0.25)
    torch.testing.assert_close(p1.sum(), torch.tensor(1.0))
    torch.testing.assert_close(p_low, p1**4 / (p1**4).sum())
    for bad in (0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="temperature"):
            sm.next_char_probs(model, VOCAB, "ma", bad)
    with pytest.raises(TypeError, match="temperature"):
        sm.check_temperature("hot")


def test_sample_names_is_seeded_keeps_the_prefix_and_gives_probabilities():
    model = sm.load_pretrained("gru")
    first = sm.sample_names(model, VOCAB, "ma", 1.0, num=5, seed=3)
    assert first == sm.sample_names(model, VOCAB, "ma", 1.0, num=5, seed=3)
    assert all(name.startswith("ma") and 0 < p <= 1 for name, p in first)
    greedy = {name for name, _ in sm.sample_names(model, VOCAB, "", 0.01, num=5)}
    assert len(greedy) == 1  # a tiny temperature always takes the likeliest character


def test_a_sampled_name_probability_is_the_product_of_its_steps():
    model = sm.load_pretrained("gru")
    [(name, p)] = sm.sample_names(model, VOCAB, "", 1.0, num=1, seed=0)
    x, y = sm.name_batch(VOCAB, [name])
    log_p = -F.cross_entropy(sm.logits_of(model, x)[0], y[0], reduction="sum")
    assert p == pytest.approx(math.exp(log_p.item()), rel=1e-4)


def test_the_shipped_models_beat_a_bigram_on_held_out_names():
    train, val = text.split_names(text.load_names())
    x, y = sm.name_batch(VOCAB, train)
    keep = y != sm.IGNORE_INDEX
    pairs = torch.ones(27, 27).index_put_(
        (x[keep], y[keep]), torch.ones(keep.sum().item()), accumulate=True
    )
    bigram = pairs / pairs.sum(1, keepdim=True)
    xv, yv = sm.name_batch(VOCAB, val)
    bigram_loss = -bigram[xv, yv.clamp(min=0)].log()[yv != sm.IGNORE_INDEX].mean().item()
    for kind in sm.WEIGHT_FILES:
        assert sm.name_loss(sm.load_pretrained(kind), VOCAB, val) < bigram_loss - 0.2


def test_shipped_weights_match_their_recorded_sha256_and_a_changed_file_is_refused(tmp_path):
    for file in sm.WEIGHT_FILES.values():
        digest = hashlib.sha256((sm.WEIGHTS_DIR / file).read_bytes()).hexdigest()
        assert digest == sm.recorded_sha256(file)
        assert (sm.WEIGHTS_DIR / file).stat().st_size < 1_000_000
    shutil.copytree(sm.WEIGHTS_DIR, tmp_path / "w")
    path = tmp_path / "w" / sm.WEIGHT_FILES["gru"]
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one byte of the weights changed
    path.write_bytes(bytes(blob))
    with pytest.raises(RuntimeError, match="does not match its SHA-256"):
        sm.load_pretrained("gru", tmp_path / "w")
    with pytest.raises(ValueError, match="kind must be one of"):
        sm.new_model("lstm")


def test_the_training_is_deterministic_bit_for_bit(monkeypatch):
    monkeypatch.setattr(make_text_weights, "STEPS", {"gru": 3, "transformer": 3})
    for kind in sm.WEIGHT_FILES:
        first = make_text_weights.serialize(make_text_weights.train_weights(kind))
        assert first == make_text_weights.serialize(make_text_weights.train_weights(kind))


def test_write_sums_keeps_the_lines_of_other_files(tmp_path):
    (tmp_path / "SHA256SUMS").write_text("abc  other.pth\nold  char_gru_names.pth\n")
    make_text_weights.write_sums(tmp_path, {"char_gru_names.pth": "new"})
    assert (tmp_path / "SHA256SUMS").read_text() == "abc  other.pth\nnew  char_gru_names.pth\n"
