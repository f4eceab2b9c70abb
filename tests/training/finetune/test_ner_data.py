"""NER windows: labels on first sub-tokens, whole-word overlapping windows, every word predicted once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.core.errors import ConfigError, InputError
from tests.training.conftest import synthetic_docs
from training.finetune.conll import Sentence, label_list, read_conll
from training.finetune.ner_data import IGNORE, Window, encode_ner, merge_predictions

NER = Path("/work/shared/data/ner")
LABELS = ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
LABEL2ID = {label: i for i, label in enumerate(LABELS)}


@pytest.fixture(scope="module")
def tok():
    from training.tokenizer import train_bpe

    return train_bpe(synthetic_docs(60) + ["Anna Smith lives in New York ."] * 5, 300)


@pytest.fixture(scope="module")
def testb():
    return read_conll(NER / "eng.testb")


def sentence(words: str, tags: str) -> Sentence:
    return Sentence(words=tuple(words.split()), tags=tuple(tags.split()), file="t", line=1)


SHORT = [
    sentence("Anna Smith lives in New York .", "B-PER I-PER O O B-LOC I-LOC O"),
    sentence("The baker repaired the chimney", "O O O O O"),
    sentence("Zanzibar", "B-LOC"),
]
LONG = sentence(
    " ".join(["Anna Smith lives in New York"] * 8),
    " ".join(["B-PER I-PER O O B-LOC I-LOC"] * 8),
)


def first_subtokens(window: Window) -> list[int]:
    ids = window.word_ids
    return [p for p, w in enumerate(ids) if w is not None and (p == 0 or ids[p - 1] != w)]


def gold_as_predictions(windows: list[Window]) -> list[list[int]]:
    """Each window "predicts" its own labels (IGNORE where no word starts)."""
    return [w.labels for w in windows]


def test_one_window_per_sentence_when_it_fits(tok):
    windows, stats = encode_ner(SHORT, tok, LABEL2ID, max_seq_len=128, stride=16)
    assert [(w.sentence, w.first, w.last) for w in windows] == [(0, 0, 6), (1, 0, 4), (2, 0, 0)]
    assert stats["windows"] == stats["sentences"] == 3
    assert stats["sentences_split"] == stats["words_cut"] == 0
    for w in windows:
        assert w.input_ids[0] == tok.cls_token_id and w.input_ids[-1] == tok.sep_token_id
        assert w.word_ids[0] is None and w.word_ids[-1] is None
        assert len(w.input_ids) == len(w.labels) == len(w.word_ids)


def test_labels_sit_on_first_subtokens_only(tok):
    windows, _ = encode_ner(SHORT, tok, LABEL2ID, max_seq_len=128, stride=16)
    for w in windows:
        firsts = first_subtokens(w)
        tags = SHORT[w.sentence].tags
        assert [w.labels[p] for p in firsts] == [LABEL2ID[t] for t in tags]
        assert all(w.labels[p] == IGNORE for p in range(len(w.labels)) if p not in firsts)
    assert len(windows[0].input_ids) > 2 + 7  # "Zanzibar" etc. really split into sub-tokens


def test_words_are_tokenized_as_in_running_text(tok):
    windows, _ = encode_ner(SHORT[:1], tok, LABEL2ID, max_seq_len=128, stride=16)
    running = tok(" ".join(SHORT[0].words), add_special_tokens=False)["input_ids"]
    assert windows[0].input_ids[1:-1] == running
    alone, _ = encode_ner(SHORT[:1], tok, LABEL2ID, max_seq_len=128, stride=16, prefix_space=False)
    assert alone[0].input_ids[1:-1] != running


def test_long_sentences_split_into_overlapping_whole_word_windows(tok):
    windows, stats = encode_ner([LONG, *SHORT], tok, LABEL2ID, max_seq_len=12, stride=4)
    mine = [w for w in windows if w.sentence == 0]
    assert len(mine) > 3 and stats["sentences_split"] >= 1
    assert all(len(w.input_ids) <= 12 for w in windows)
    assert mine[0].first == 0 and mine[-1].last == len(LONG.words) - 1
    for a, b in zip(mine, mine[1:]):
        assert a.first < b.first <= a.last + 1 < b.last + 1  # no gap, at least one new word
        overlap = [p for p, w in enumerate(b.word_ids) if w is not None and w <= a.last]
        assert len(overlap) <= 4
    for w in windows:  # every word of every window is labelled, whole words only
        words = [x for x in w.word_ids if x is not None]
        assert sorted(set(words)) == list(range(w.first, w.last + 1))
        assert sum(label != IGNORE for label in w.labels) == w.last - w.first + 1


def test_merge_gives_every_word_exactly_one_prediction(tok):
    batch = [SHORT[0], LONG, SHORT[2], LONG]
    for max_seq_len, stride in ((5, 0), (8, 3), (12, 9), (512, 100)):
        windows, _ = encode_ner(batch, tok, LABEL2ID, max_seq_len=max_seq_len, stride=stride)
        merged = merge_predictions(
            windows, gold_as_predictions(windows), [len(s.words) for s in batch]
        )
        assert merged == [[LABEL2ID[t] for t in s.tags] for s in batch]


def test_a_word_longer_than_a_window_is_cut_and_counted(tok):
    word = "Qwxzjvk" * 6
    batch = [sentence(f"in {word} .", "O B-LOC O")]
    windows, stats = encode_ner(batch, tok, LABEL2ID, max_seq_len=8, stride=2)
    assert stats["words_cut"] == 1
    cut = [w for w in windows if w.first == w.last == 1]
    assert len(cut) == 1 and len(cut[0].input_ids) == 8
    assert cut[0].labels[1] == LABEL2ID["B-LOC"] and set(cut[0].labels[2:]) == {IGNORE}
    assert merge_predictions(windows, gold_as_predictions(windows), [3]) == [[0, 1, 0]]


def test_merge_takes_the_window_where_a_word_is_most_central():
    def window(first: int, last: int) -> Window:
        words = list(range(first, last + 1))
        return Window(
            input_ids=[9] * (len(words) + 2),
            labels=[IGNORE] * (len(words) + 2),
            sentence=0,
            word_ids=[None, *words, None],
            first=first,
            last=last,
        )

    windows = [window(0, 5), window(3, 8)]
    rows = [[0] * 8, [1] * 8 + [7, 7]]  # window 1's row padded past its length
    # word 4: min(4, 1) = 1 in both windows → the earlier; word 5: min(5, 0) = 0 vs min(2, 3) = 2
    assert merge_predictions(windows, rows, [9]) == [[0, 0, 0, 0, 0, 1, 1, 1, 1]]
    with pytest.raises(InputError, match="sentence 0 word 9 is in no window"):
        merge_predictions(windows, rows, [10])
    with pytest.raises(InputError, match="prediction row has 3 positions"):
        merge_predictions(windows, [[0] * 3, [1] * 8], [9])


def test_unknown_tags_are_left_unlabelled_and_counted(tok):
    batch = [sentence("Acme sells", "B-ORG O")]
    windows, stats = encode_ner(batch, tok, LABEL2ID, max_seq_len=64, stride=8)
    assert stats["unknown_labels"] == 1
    assert [windows[0].labels[p] for p in first_subtokens(windows[0])] == [IGNORE, 0]


def test_bad_window_settings(tok):
    with pytest.raises(ConfigError, match="max_seq_len=2"):
        encode_ner(SHORT, tok, LABEL2ID, max_seq_len=2, stride=0)
    with pytest.raises(ConfigError, match="stride=6"):
        encode_ner(SHORT, tok, LABEL2ID, max_seq_len=8, stride=6)


def test_conll_sentences_round_trip_through_small_windows(tok, testb):
    labels = label_list(testb)
    label2id = {label: i for i, label in enumerate(labels)}
    sentences = testb.sentences[:800]  # all 3,453 take seconds: tokenizing dominates
    windows, stats = encode_ner(sentences, tok, label2id, max_seq_len=24, stride=6)
    assert stats["words"] == sum(len(s.words) for s in sentences)
    assert stats["sentences_split"] > 100 and stats["windows"] > len(sentences)
    n_words = [len(s.words) for s in sentences]
    merged = merge_predictions(windows, gold_as_predictions(windows), n_words)
    assert [[labels[i] for i in row] for row in merged] == [list(s.tags) for s in sentences]
