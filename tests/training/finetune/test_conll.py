"""CoNLL reading: the shared CoNLL-2003 splits' published counts, IOB1→IOB2, and bad input by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.core.errors import ConfigError, InputError
from training.finetune.conll import (
    check_labels,
    entity_counts,
    iob1_to_iob2,
    label_list,
    read_conll,
)

NER = Path(__file__).parents[4] / "shared" / "data" / "ner"
if not NER.is_dir():
    NER = Path("/work/shared/data/ner")

# README.md of shared/data/ner (the published CoNLL-2003 statistics)
SPLITS = {
    "eng.train": (946, 14041, 203621, {"LOC": 7140, "MISC": 3438, "ORG": 6321, "PER": 6600}),
    "eng.testa": (216, 3250, 51362, {"LOC": 1837, "MISC": 922, "ORG": 1341, "PER": 1842}),
    "eng.testb": (231, 3453, 46435, {"LOC": 1668, "MISC": 702, "ORG": 1661, "PER": 1617}),
}


@pytest.fixture(scope="module")
def conll():
    return {name: read_conll(NER / name) for name in SPLITS}


def write(tmp_path: Path, text: str | bytes, name: str = "data.conll") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize("name", SPLITS)
def test_shared_splits_match_the_published_counts(conll, name):
    documents, sentences, tokens, entities = SPLITS[name]
    data = conll[name]
    assert data.scheme == "IOB1"
    assert data.stats["documents"] == documents
    assert data.stats["sentences"] == len(data.sentences) == sentences
    assert data.stats["tokens"] == sum(len(s.words) for s in data.sentences) == tokens
    assert entity_counts(data.sentences) == entities
    s = data.stats
    assert s["lines"] == s["tokens"] + s["documents"] + s["blank_lines"]  # every line accounted
    assert s["empty_lines_skipped"] == s["repaired_tags"] == 0
    assert all(iob1_to_iob2(sent.tags) == list(sent.tags) for sent in data.sentences)


def test_sentences_keep_words_iob2_tags_and_first_line(conll):
    first = conll["eng.train"].sentences[0]
    assert first.words[:3] == ("EU", "rejects", "German")
    assert first.tags[:3] == ("B-ORG", "O", "B-MISC")
    assert (Path(first.file).name, first.line) == ("eng.train", 1)
    assert conll["eng.train"].sentences[1].words == ("Peter", "Blackburn")
    assert conll["eng.train"].sentences[1].line == 11


def test_label_list_and_no_unseen_labels_in_dev_and_test(conll):
    labels = label_list(conll["eng.train"])
    assert labels == ["O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    assert check_labels(labels, conll["eng.testa"], "dev") == {}
    assert check_labels(labels, conll["eng.testb"], "test") == {}


def test_iob1_to_iob2():
    assert iob1_to_iob2(["I-PER", "I-PER", "O", "I-LOC"]) == ["B-PER", "I-PER", "O", "B-LOC"]
    assert iob1_to_iob2(["I-PER", "B-PER", "I-PER"]) == ["B-PER", "B-PER", "I-PER"]
    assert iob1_to_iob2(["I-ORG", "I-LOC", "B-LOC", "O"]) == ["B-ORG", "B-LOC", "B-LOC", "O"]
    assert iob1_to_iob2([]) == []


def test_two_columns_tabs_crlf_and_docstart(tmp_path):
    text = "-DOCSTART-\tO\r\n\r\nAnna\tB-PER\r\nsings\tO\r\n\r\nin\tO\r\nParis\tB-LOC\r\n"
    data = read_conll(write(tmp_path, text))
    assert data.scheme == "IOB2"
    assert [s.words for s in data.sentences] == [("Anna", "sings"), ("in", "Paris")]
    assert [s.line for s in data.sentences] == [3, 6]
    assert data.stats["documents"] == 1
    assert data.stats["converted_tags"] == data.stats["repaired_tags"] == 0


def test_tag_column_picks_a_column(tmp_path):
    data = read_conll(write(tmp_path, "Anna B-PER NNP\nsings O VBZ\n"), tag_column=1)
    assert data.sentences[0].tags == ("B-PER", "O")


def test_empty_sentences_are_skipped_and_counted(tmp_path):
    text = "\n\nAnna B-PER\n\n\n\nsings O\n\n"
    data = read_conll(write(tmp_path, text))
    assert [s.words for s in data.sentences] == [("Anna",), ("sings",)]
    assert data.stats["empty_lines_skipped"] == 4  # 2 before Anna, 2 extra after it
    assert data.stats["lines"] == data.stats["tokens"] + data.stats["blank_lines"]


def test_forced_iob2_repairs_chunk_initial_i_tags_and_counts_them(tmp_path):
    path = write(tmp_path, "The O\nEU I-ORG\nsaid O\nParis I-LOC\nClub I-ORG\n")
    assert read_conll(path).scheme == "IOB1"
    data = read_conll(path, scheme="IOB2")
    assert data.scheme == "IOB2"
    assert data.sentences[0].tags == ("O", "B-ORG", "O", "B-LOC", "B-ORG")
    assert data.stats["repaired_tags"] == 3


def test_auto_keeps_iob2(tmp_path):
    data = read_conll(write(tmp_path, "New B-LOC\nYork I-LOC\nand O\nAnna B-PER\n"))
    assert data.scheme == "IOB2"
    assert data.sentences[0].tags == ("B-LOC", "I-LOC", "O", "B-PER")


def test_one_column_where_a_tag_is_expected(tmp_path):
    path = write(tmp_path, "Anna B-PER\nsings\n")
    with pytest.raises(InputError, match=f"{path}:2: 1 column"):
        read_conll(path)


@pytest.mark.parametrize("tag", ["PER", "X-PER", "B-", "I-", "o", "E-PER"])
def test_a_tag_outside_iob_names_line_and_tag(tmp_path, tag):
    path = write(tmp_path, f"Anna B-PER\n\nin O\nParis {tag}\n")
    with pytest.raises(InputError, match=f"{path}:4: tag '{tag}' is not IOB"):
        read_conll(path)


def test_an_empty_tag_cell(tmp_path):
    path = write(tmp_path, "Anna\tB-PER\nsings\t\n")
    with pytest.raises(InputError, match=f"{path}:2: empty tag cell"):
        read_conll(path)


def test_a_line_that_is_not_utf8(tmp_path):
    path = write(tmp_path, b"Anna B-PER\n\nM\xfcller B-PER\n")
    with pytest.raises(InputError, match=f"{path}:3: not UTF-8"):
        read_conll(path)


def test_bad_options(tmp_path):
    path = write(tmp_path, "Anna B-PER\n")
    with pytest.raises(ConfigError, match="tag_column=0"):
        read_conll(path, tag_column=0)
    with pytest.raises(ConfigError, match="scheme='BIO'"):
        read_conll(path, scheme="BIO")
    with pytest.raises(InputError, match="cannot read"):
        read_conll(tmp_path / "missing.conll")


def test_check_labels_counts_tags_train_never_had(tmp_path):
    train = read_conll(write(tmp_path, "Anna B-PER\nSmith I-PER\n", "train"))
    dev = read_conll(
        write(tmp_path, "Anna B-PER\nin O\nNew B-LOC\nYork I-LOC\nRome B-LOC\n", "dev")
    )
    assert label_list(train) == ["O", "B-PER", "I-PER"]
    assert check_labels(label_list(train), dev, "dev") == {"B-LOC": 2, "I-LOC": 1}
