"""NER sentences → model windows of whole words (long sentences overlap), and predictions → words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.core.errors import ConfigError, InputError
from training.finetune.conll import Sentence

IGNORE = -100  # the label id torch's cross-entropy skips
_BATCH_SENTENCES = 1024


@dataclass(frozen=True, kw_only=True)
class Window:
    """One model input: whole words ``first..last`` of one sentence between the special tokens.

    ``labels`` holds the word's label id at the first sub-token of each word, IGNORE elsewhere
    (special tokens, later sub-tokens, tags missing from ``label2id``)."""

    input_ids: list[int]
    labels: list[int]
    sentence: int  # index into the sentences list
    word_ids: list[int | None]  # per position: the word index in the sentence; None for specials
    first: int  # first word index of the window
    last: int  # last word index (inclusive)


def special_ids(tokenizer: Any) -> tuple[list[int], list[int]]:
    """Ids that open and close every sequence: [cls] … [sep], else [bos] … [eos], else none."""
    head = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
    tail = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    return ([head] if head is not None else []), ([tail] if tail is not None else [])


def frame(tokenizer: Any, max_seq_len: int) -> tuple[list[int], list[int], int]:
    """(head ids, tail ids, sub-tokens that fit between them in ``max_seq_len``)."""
    head, tail = special_ids(tokenizer)
    budget = max_seq_len - len(head) - len(tail)
    if budget < 1:
        raise ConfigError(f"max_seq_len={max_seq_len} leaves no room between the special tokens")
    return head, tail, budget


def encode_ner(
    sentences: Sequence[Sentence],
    tokenizer: Any,
    label2id: dict[str, int],
    *,
    max_seq_len: int,
    stride: int,
    prefix_space: bool = True,
) -> tuple[list[Window], dict[str, int]]:
    """Tokenize sentences (a fast tokenizer, word by word) into windows of at most ``max_seq_len``.

    A sentence whose sub-tokens do not fit is split on word boundaries into windows that overlap
    by about ``stride`` sub-tokens; a single word longer than a window is cut (counted). Every
    word of a window is labelled. ``prefix_space`` puts a space before every word but the first,
    so a byte-level BPE tokenizes the words as in running text (``Ġword``) rather than as
    text-initial words; WordPiece and SentencePiece tokenizers give the same ids either way.

    stats: sentences, words, subtokens, windows, sentences_split, words_cut, empty_words (words
    that tokenize to nothing and stand as one unk token), unknown_labels (tags not in label2id,
    left unlabelled), empty_sentences (no words: no window)."""
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError("NER needs a fast tokenizer (word_ids); the model has a slow one only")
    specials = frame(tokenizer, max_seq_len)
    budget = specials[2]
    if not 0 <= stride < budget:
        raise ConfigError(
            f"stride={stride} must be in [0, {budget}): less than max_seq_len={max_seq_len} "
            f"minus {max_seq_len - budget} special tokens"
        )
    keys = ("sentences", "words", "subtokens", "windows", "sentences_split", "words_cut")
    stats = dict.fromkeys((*keys, "empty_words", "unknown_labels", "empty_sentences"), 0)
    windows: list[Window] = []
    for start in range(0, len(sentences), _BATCH_SENTENCES):
        batch = sentences[start : start + _BATCH_SENTENCES]
        for offset, pieces in enumerate(_word_pieces(batch, tokenizer, prefix_space, stats)):
            index, sentence = start + offset, batch[offset]
            labels = [_label_id(tag, label2id, stats) for tag in sentence.tags]
            spans = _spans([len(p) for p in pieces], budget, stride)
            for first, last in spans:
                windows.append(_window(pieces, labels, index, (first, last), specials))
            stats["sentences_split"] += len(spans) > 1
            stats["words_cut"] += sum(len(p) > budget for p in pieces)
            stats["empty_sentences"] += not pieces
    stats["sentences"], stats["windows"] = len(sentences), len(windows)
    return windows, stats


def _word_pieces(
    batch: Sequence[Sentence], tokenizer: Any, prefix_space: bool, stats: dict[str, int]
) -> list[list[list[int]]]:
    """Per sentence, per word: its sub-token ids (an empty word becomes [unk])."""
    words = [[(" " + w if prefix_space and j else w) for j, w in enumerate(s.words)] for s in batch]
    encoded = tokenizer(words, is_split_into_words=True, add_special_tokens=False)
    out = []
    for i, sentence_words in enumerate(words):
        pieces: list[list[int]] = [[] for _ in sentence_words]
        for token_id, word in zip(encoded["input_ids"][i], encoded.word_ids(i)):
            if word is not None:
                pieces[word].append(token_id)
        for word_pieces in pieces:
            if not word_pieces:
                if tokenizer.unk_token_id is None:
                    raise ConfigError("a word tokenizes to nothing and the tokenizer has no unk")
                word_pieces.append(tokenizer.unk_token_id)
                stats["empty_words"] += 1
        stats["words"] += len(pieces)
        stats["subtokens"] += sum(len(p) for p in pieces)
        out.append(pieces)
    return out


def _label_id(tag: str, label2id: dict[str, int], stats: dict[str, int]) -> int:
    if tag in label2id:
        return label2id[tag]
    stats["unknown_labels"] += 1
    return IGNORE


def _spans(lengths: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """(first, last) word spans: as many whole words as fit in ``budget`` sub-tokens; each next
    span starts so that at most ``stride`` sub-tokens of words overlap, with at least one new
    word (fewer overlap when the next word would not fit otherwise)."""
    spans: list[tuple[int, int]] = []
    first, n = 0, len(lengths)
    while first < n:
        last, used = first, lengths[first]
        while last + 1 < n and used + lengths[last + 1] <= budget:
            last += 1
            used += lengths[last]
        spans.append((first, last))
        if last == n - 1:
            break
        nxt, overlap = last + 1, 0
        while nxt - 1 > first and overlap + lengths[nxt - 1] <= stride:
            nxt -= 1
            overlap += lengths[nxt]
        while nxt <= last and overlap + lengths[last + 1] > budget:
            overlap -= lengths[nxt]
            nxt += 1
        first = nxt
    return spans


def _window(
    pieces: list[list[int]],
    labels: list[int],
    sentence: int,
    span: tuple[int, int],
    specials: tuple[list[int], list[int], int],
) -> Window:
    (first, last), (head, tail, budget) = span, specials
    ids, label_ids, word_ids = list(head), [IGNORE] * len(head), [None] * len(head)
    for word in range(first, last + 1):
        word_pieces = pieces[word][:budget]  # only a lone word can be longer than the window
        ids += word_pieces
        label_ids += [labels[word]] + [IGNORE] * (len(word_pieces) - 1)
        word_ids += [word] * len(word_pieces)
    ids += tail
    label_ids += [IGNORE] * len(tail)
    word_ids += [None] * len(tail)
    return Window(
        input_ids=ids,
        labels=label_ids,
        sentence=sentence,
        word_ids=word_ids,
        first=first,
        last=last,
    )


def merge_predictions(
    windows: Sequence[Window], logits_argmax: Sequence[Sequence[int]], n_words: Sequence[int]
) -> list[list[int]]:
    """Per sentence, per word: the predicted label id at the word's first sub-token, taken from
    the window where the word is most central (the larger of its distances, in words, to the
    window's nearer end; ties go to the earlier window). ``logits_argmax[k]`` may be padded
    past window ``k``'s length. Raises if a word has no prediction."""
    if len(windows) != len(logits_argmax):
        raise InputError(f"{len(windows)} windows but {len(logits_argmax)} prediction rows")
    best: list[list[tuple[int, int] | None]] = [[None] * n for n in n_words]
    for window, row in zip(windows, logits_argmax):
        if len(row) < len(window.input_ids):
            raise InputError(
                f"a prediction row has {len(row)} positions; its window has {len(window.input_ids)}"
            )
        if not 0 <= window.sentence < len(best):
            raise InputError(f"a window of sentence {window.sentence}; n_words has {len(best)}")
        words = best[window.sentence]
        previous = None
        for position, word in enumerate(window.word_ids):
            if word is not None and word != previous:
                centrality = min(word - window.first, window.last - word)
                held = words[word]
                if held is None or centrality > held[0]:
                    words[word] = (centrality, int(row[position]))
            previous = word
    out = []
    for index, words in enumerate(best):
        labels = []
        for word, held in enumerate(words):
            if held is None:
                raise InputError(f"sentence {index} word {word} is in no window")
            labels.append(held[1])
        out.append(labels)
    return out
