"""utils.widgets.sampling: the next character's probabilities and sampled names at a
temperature, the readout, and the live widget of chapter 11."""

import pytest
import torch
from matplotlib.figure import Figure

from utils import sequence_models as sm
from utils.widgets import sampling

VOCAB = sm.names_vocab()


@pytest.fixture(scope="module")
def model():
    return sm.load_pretrained("gru")


def test_clean_prefix_strips_lowers_and_names_bad_characters():
    assert sampling.clean_prefix("  MaR ", VOCAB) == "mar"
    with pytest.raises(ValueError, match=r"\['\.', '1'\]"):
        sampling.clean_prefix("a.1", VOCAB)
    with pytest.raises(TypeError, match="prefix"):
        sampling.clean_prefix(3, VOCAB)


def test_sample_shows_the_probabilities_at_the_temperature(model):
    result = sampling.sample(model, VOCAB, "ma", 0.5, num=4)
    torch.testing.assert_close(result.probs, sm.next_char_probs(model, VOCAB, "ma", 0.5))
    assert len(result.samples) == 4 and all(n.startswith("ma") for n, _ in result.samples)


def test_the_same_setting_gives_the_same_samples(model):
    first = sampling.sample(model, VOCAB, "", 1.0)
    assert first.samples == sampling.sample(model, VOCAB, "", 1.0).samples


def test_readout_lists_the_likeliest_characters_and_the_samples(model):
    result = sampling.sample(model, VOCAB, "ma", 1.0, num=2)
    line = sampling.describe_sampling(result)
    assert line.startswith("T = 1.0 · after 'ma': ") and line.count("(p ") == 2


def test_draw_sampling_draws_bars_for_every_character(model):
    fig = Figure()
    readout = sampling.draw_sampling(fig, model, VOCAB, "jo", 1.5)
    assert readout.startswith("T = 1.5 · after 'jo'")
    assert len(fig.axes[0].patches) == len(VOCAB)


def test_the_widget_follows_its_controls_and_shows_a_bad_prefix_in_the_readout(model):
    live = sampling.sampling_widget(model, VOCAB, prefix="ma")
    assert live.readout_text.startswith("T = 1.0 · after 'ma'")
    assert live.set(T=0.3).readout_text.startswith("T = 0.3 · after 'ma'")
    assert live.set(prefix="Jo").readout_text.startswith("T = 0.3 · after 'jo'")
    assert live.set(prefix="j0").readout_text.startswith("⚠ could not draw: ValueError")


def test_the_widget_refuses_a_temperature_outside_its_slider(model):
    with pytest.raises(ValueError, match="between 0.1 and 2.0"):
        sampling.sampling_widget(model, VOCAB, temperature=3.0)
    with pytest.raises(ValueError, match="prefix"):
        sampling.sampling_widget(model, VOCAB, prefix="x!")
