"""C4's line edits and document rules (Raffel et al. 2020), as DataTrove's ``C4QualityFilter``.

Per line (stripped): drop it when a word is longer than ``max_word_length``, when it lacks terminal
punctuation (``filter_no_terminal_punct``; FineWeb turns this off), has fewer than
``min_words_per_line`` words, mentions javascript, or is a cookie/terms-of-use notice; citations
like ``[12]`` are removed. A surviving line with "lorem ipsum" or ``{`` drops the document
(``lorem_ipsum``, ``curly_bracket``); fewer than ``min_num_sentences`` sentences in the kept lines
drops it too (``too_few_sentences``). In ``drop`` mode the text becomes the kept lines; in
``annotate`` mode the text is left as it was and only the ``c4_*`` signals are written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.stages import text as T
from pipelines.stages.base import Filter, FilterConfig, _scatter, first_reason

CITATION = r"\[\d*\]|\[edit\]|\[citation needed\]"
POLICY = r"terms of use|privacy policy|cookie policy|uses cookies|use of cookies|use cookies"
# A sentence ends at ., ! or ? (then closing punctuation and a space) or at a CJK full stop,
# and another starts at the next letter or digit: a spaCy-sentencizer-sized approximation.
SENTENCE_BREAK = r"(?:[.!?]+[\pP]*[\s\p{Z}]|[。！？]+[\pP]*)[\pP\s\p{Z}]*[\pL\pN]"


@dataclass(frozen=True, kw_only=True)
class C4QualityConfig(FilterConfig):
    remove_citations: bool = True
    filter_no_terminal_punct: bool = True  # FineWeb: false
    min_num_sentences: int = 5  # -1: off
    min_words_per_line: int = 3  # -1: off
    max_word_length: int = 1000  # -1: off
    filter_lorem_ipsum: bool = True
    filter_javascript: bool = True
    filter_curly_bracket: bool = True
    filter_policy: bool = True


class C4Quality(Filter):
    """Signals ``c4_lines_removed``, ``c4_sentences``, ``c4_lorem_ipsum``, ``c4_curly_bracket``."""

    name = "c4_quality"
    Config = C4QualityConfig
    output_fields = (
        pa.field("c4_lines_removed", pa.int64()),
        pa.field("c4_sentences", pa.int64()),
        pa.field("c4_lorem_ipsum", pa.bool_()),
        pa.field("c4_curly_bracket", pa.bool_()),
    )

    def __call__(self, batch: pa.Table) -> pa.Table:
        alive = pc.is_null(batch[S.DROP_REASON]).to_numpy(zero_copy_only=False)
        self._edited = None
        batch = super().__call__(batch)
        if self.config.mode == "drop" and self._edited is not None:
            edited = _scatter(self._edited, alive)
            passed = pc.and_(pc.is_null(batch[S.DROP_REASON]), pc.is_valid(edited))
            text = pc.if_else(passed, edited, batch[S.TEXT])
            batch = batch.set_column(batch.schema.get_field_index(S.TEXT), S.TEXT, text)
            batch = T.text_changed(batch)
        return batch

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        c = self.config
        lines = T.Flat.of(T.lines(T.text_column(batch)))
        stripped = pc.utf8_trim_whitespace(lines.values)
        word_lists = pc.utf8_split_whitespace(stripped)
        n_words = pc.list_value_length(word_lists).to_numpy().astype(np.int64)
        keep = np.ones(len(n_words), dtype=bool)
        if c.max_word_length != -1:
            words = T.Flat.of(word_lists)
            longest = np.zeros(len(n_words), dtype=np.int64)
            np.maximum.at(longest, words.parent, words.lengths())
            keep &= longest <= c.max_word_length
        if c.remove_citations:
            stripped = pc.replace_substring_regex(stripped, CITATION, "")
        if c.filter_no_terminal_punct:
            ends = pc.match_substring_regex(stripped, r"[.?!\"']$").to_numpy(zero_copy_only=False)
            ellipsis = pc.ends_with(stripped, "...").to_numpy(zero_copy_only=False)
            keep &= ends & ~ellipsis
        keep &= n_words >= c.min_words_per_line
        lower = pc.utf8_lower(stripped)
        lorem = keep & _has(lower, "lorem ipsum") if c.filter_lorem_ipsum else np.zeros_like(keep)
        if c.filter_javascript:
            keep &= ~_has(lower, "javascript")
        curly = keep & _has(stripped, "{") if c.filter_curly_bracket else np.zeros_like(keep)
        if c.filter_policy:
            keep &= ~pc.match_substring_regex(lower, POLICY).to_numpy(zero_copy_only=False)
        breaks = pc.count_substring_regex(stripped, SENTENCE_BREAK).to_numpy().astype(np.int64)
        has_text = pc.match_substring_regex(stripped, r"[\pL\pN]").to_numpy(zero_copy_only=False)
        sentences = lines.sum(np.where(keep, breaks + has_text, 0)).astype(np.int64)
        self._keep_lines(lines, stripped, keep)
        return {
            "c4_lines_removed": pa.array((lines.counts - lines.sum(keep)).astype(np.int64)),
            "c4_sentences": pa.array(sentences),
            "c4_lorem_ipsum": pa.array(lines.any(lorem)),
            "c4_curly_bracket": pa.array(lines.any(curly)),
        }

    def _keep_lines(self, lines: T.Flat, stripped: pa.Array, keep: np.ndarray) -> None:
        """Remember the edited text (kept lines joined by newlines) for ``__call__``."""
        kept_counts = lines.sum(keep).astype(np.int64)
        offsets = np.concatenate(([0], np.cumsum(kept_counts))).astype(np.int32)
        kept = pa.ListArray.from_arrays(pa.array(offsets), stripped.filter(pa.array(keep)))
        self._edited = pc.utf8_trim_whitespace(pc.binary_join(kept, "\n"))

    def reasons(self, table: pa.Table) -> pa.Array:
        c = self.config
        rules = [
            (pc.fill_null(table["c4_lorem_ipsum"], False), "lorem_ipsum"),
            (pc.fill_null(table["c4_curly_bracket"], False), "curly_bracket"),
            (
                pc.fill_null(pc.less(table["c4_sentences"], c.min_num_sentences), False),
                "too_few_sentences",
            ),
        ]
        return first_reason(rules, len(table))


def _has(values: pa.Array, needle: str) -> np.ndarray:
    return pc.match_substring(values, needle).to_numpy(zero_copy_only=False)
