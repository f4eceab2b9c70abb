"""CoNLL column files (CoNLL-2003 ``word POS chunk NER``, or ``word tag``) → IOB2-tagged sentences."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.core.errors import ConfigError, InputError

log = logging.getLogger(__name__)

DOCSTART = "-DOCSTART-"
SCHEMES = ("auto", "IOB1", "IOB2")
_TAG = re.compile(r"^(?:O|[BI]-\S+)$")


@dataclass(frozen=True, kw_only=True)
class Sentence:
    """One sentence's words and IOB2 tags, and where it starts in its file."""

    words: tuple[str, ...]
    tags: tuple[str, ...]  # IOB2 after conversion
    file: str
    line: int  # 1-based line number of its first token


@dataclass(frozen=True, kw_only=True)
class ConllData:
    """Sentences of one file. ``scheme`` is what the file used (detected, or forced by the caller).

    ``stats`` accounts for every line: ``lines = tokens + documents + blank_lines``. Keys:
    lines, tokens, sentences, documents (-DOCSTART- lines), blank_lines, empty_lines_skipped
    (blank lines that closed no sentence, not counting the one after a -DOCSTART-),
    converted_tags (IOB1 chunk starts I-X rewritten to B-X), repaired_tags (the same rewrite in
    a file read as IOB2, where it is an error in the file), longest_sentence (tokens)."""

    sentences: list[Sentence]
    scheme: str
    stats: dict[str, int]


def read_conll(path: str | Path, *, tag_column: int = -1, scheme: str = "auto") -> ConllData:
    """Read a CoNLL file: the word in column 0, the tag in ``tag_column`` (default: the last).

    Columns are split on tabs when a line has one, else on runs of whitespace. ``scheme="auto"``
    detects IOB1 (an I-X that starts a chunk anywhere) or IOB2; the returned tags are IOB2."""
    if scheme not in SCHEMES:
        raise ConfigError(f"scheme={scheme!r} must be one of {', '.join(SCHEMES)}")
    if tag_column == 0:
        raise ConfigError(
            "tag_column=0 is the word column; give the tag's column (default -1: last)"
        )
    path = Path(path)
    text = _decode(path)
    raw, stats = _read_sentences(path, text.split("\n") if text else [], tag_column)
    sentences, rewritten = [], 0
    for words, tags, line in raw:
        iob2 = iob1_to_iob2(tags)
        rewritten += sum(a != b for a, b in zip(tags, iob2))
        sentences.append(Sentence(words=tuple(words), tags=tuple(iob2), file=str(path), line=line))
    # IOB1 exactly when some I-X starts a chunk, i.e. when the rewrite changed a tag
    used = ("IOB1" if rewritten else "IOB2") if scheme == "auto" else scheme
    stats["converted_tags"] = rewritten if used == "IOB1" else 0
    stats["repaired_tags"] = rewritten if used == "IOB2" else 0
    if used == "IOB2" and rewritten:
        log.warning("%s: %d I-X tags start a chunk in an IOB2 file; read as B-X", path, rewritten)
    stats["sentences"] = len(sentences)
    stats["longest_sentence"] = max((len(s.words) for s in sentences), default=0)
    return ConllData(sentences=sentences, scheme=used, stats=stats)


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    return decode_utf8(data, path).removesuffix("\n")


def decode_utf8(data: bytes, path: str | Path) -> str:
    """``data`` as text; a non-UTF-8 byte is an InputError naming ``path:line``."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark is not part of a word
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(f"{path}:{line}: not UTF-8 (byte {data[e.start]:#04x})") from e
    return text


def _read_sentences(
    path: Path, lines: list[str], tag_column: int
) -> tuple[list[tuple[list[str], list[str], int]], dict[str, int]]:
    """(words, raw tags, first line) per sentence, and the line accounting."""
    sentences: list[tuple[list[str], list[str], int]] = []
    words: list[str] = []
    tags: list[str] = []
    valid: set[str] = set()  # tags already checked: a file has few distinct ones
    blank = skipped = documents = start = 0
    after_docstart = False
    for number, line in enumerate(lines, start=1):
        cells = _cells(line)
        if cells and cells[0] != DOCSTART:
            if not words:
                start = number
            words.append(cells[0])
            index = tag_column if tag_column >= 0 else len(cells) + tag_column
            tag = cells[index] if 0 < index < len(cells) else ""  # "" fails the check
            if tag not in valid:
                valid.add(_check_tag(cells, tag_column, path, number))
            tags.append(tag)
            continue
        if cells:
            documents += 1
        else:
            blank += 1
            skipped += not words and not after_docstart
        after_docstart = bool(cells)
        if words:
            sentences.append((words, tags, start))
            words, tags = [], []
    if words:
        sentences.append((words, tags, start))
    tokens = sum(len(w) for w, _, _ in sentences)
    counts = (len(lines), tokens, documents, blank, skipped)
    keys = ("lines", "tokens", "documents", "blank_lines", "empty_lines_skipped")
    return sentences, dict(zip(keys, counts))


def _cells(line: str) -> list[str]:
    """Tab-separated cells (kept even when empty, so a missing tag is caught) or whitespace runs."""
    if "\t" not in line:
        return line.split()
    return [cell.strip() for cell in line.split("\t")] if line.strip() else []


def _check_tag(cells: list[str], tag_column: int, path: Path, number: int) -> str:
    """The line's tag, or an InputError naming ``path:number``."""
    where = f"{path}:{number}"
    index = tag_column if tag_column >= 0 else len(cells) + tag_column
    if index <= 0 or index >= len(cells):
        raise InputError(
            f"{where}: {len(cells)} column(s) {cells!r}; expected a word and a tag in "
            f"column {tag_column} (tag_column)"
        )
    tag = cells[index]
    if not tag:
        raise InputError(f"{where}: empty tag cell in column {tag_column} (a stray tab?)")
    if not _TAG.match(tag):
        raise InputError(f"{where}: tag {tag!r} is not IOB (O, B-TYPE or I-TYPE)")
    return tag


def iob1_to_iob2(tags: Sequence[str]) -> list[str]:
    """IOB2 tags: an I-X that starts a chunk (first, after O, or after another type) becomes B-X.

    The same rewrite repairs an IOB2 file with stray chunk-initial I-X (as seqeval reads them)."""
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def entity_counts(sentences: Iterable[Sentence]) -> dict[str, int]:
    """Entities per type, counted as IOB2 chunks (one per B-X tag), sorted by type."""
    counts = Counter(tag[2:] for s in sentences for tag in s.tags if tag.startswith("B-"))
    return dict(sorted(counts.items()))


def label_list(data: ConllData) -> list[str]:
    """ "O", then B-X and I-X for every type seen, types sorted (both prefixes even if one is
    unseen, so a type's label ids do not depend on whether a split has multi-token entities)."""
    types = sorted({tag[2:] for s in data.sentences for tag in s.tags if tag != "O"})
    return ["O"] + [f"{prefix}-{t}" for t in types for prefix in ("B", "I")]


def check_labels(train_labels: Iterable[str], other: ConllData, split: str) -> dict[str, int]:
    """Tags in ``other`` (a dev or test split) that training never had, with their counts.

    Reported, not fatal: the model cannot predict them, so their entities count as misses."""
    known = set(train_labels)
    unseen = Counter(tag for s in other.sentences for tag in s.tags if tag not in known)
    if unseen:
        listed = ", ".join(f"{tag}×{n}" for tag, n in sorted(unseen.items()))
        log.warning(
            "%s (%s) has tags the training split never had: %s",
            split,
            other.sentences[0].file,
            listed,
        )
    return dict(sorted(unseen.items()))
