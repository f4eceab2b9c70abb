"""FineWeb's own rules (Penedo et al. 2024), as DataTrove's ``FineWebQualityFilter``.

Over the non-blank lines: too few ending in terminal punctuation (``line_punct_ratio``), too many
of at most ``short_line_length`` characters (``short_line_ratio``), characters in repeated lines
over the text without newlines (``char_dup_ratio``), newlines per word (``list_ratio``); a text
with no non-blank line is ``empty``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.stages import text as T
from pipelines.stages.base import Filter, FilterConfig, above, first_reason


@dataclass(frozen=True, kw_only=True)
class FineWebQualityConfig(FilterConfig):
    line_punct_thr: float = 0.12  # min fraction of lines ending in terminal punctuation
    line_punct_exclude_zero: bool = False  # true: a document with none at all passes this rule
    short_line_thr: float = 0.67  # max fraction of short lines
    short_line_length: int = 30
    char_duplicates_ratio: float = 0.01
    new_line_ratio: float = 0.3


class FineWebQuality(Filter):
    """Signals ``fineweb_line_punct_ratio``, ``fineweb_short_line_ratio``,
    ``fineweb_char_dup_ratio``, ``fineweb_list_ratio`` (null for an empty text)."""

    name = "fineweb_quality"
    Config = FineWebQualityConfig
    output_fields = tuple(
        pa.field(f"fineweb_{n}", pa.float64())
        for n in ("line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio")
    )

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        text = T.text_column(batch)
        lines = T.Flat.of(pc.split_pattern(text, "\n"))
        blank = pc.equal(pc.utf8_trim_whitespace(lines.values), "").to_numpy(zero_copy_only=False)
        lines = T.Flat(
            lines.values.filter(pa.array(~blank)),
            lines.parent[~blank],
            np.bincount(lines.parent[~blank], minlength=lines.rows),
            lines.rows,
        )
        punct = lines.sum(lines.matches("[" + T.TERMINAL_CLASS + "]$"))
        short = lines.sum(lines.lengths() <= self.config.short_line_length)
        _, dup_chars = T.duplicates(lines)
        newlines = pc.count_substring(text, "\n").to_numpy().astype(np.int64)
        chars = pc.utf8_length(text).to_numpy().astype(np.int64) - newlines
        word_lists, share = T.batch_words(batch)
        n_words = T.Flat.of(word_lists).counts
        return {
            "fineweb_line_punct_ratio": T.float_column(T.ratio(punct, lines.counts)),
            "fineweb_short_line_ratio": T.float_column(T.ratio(short, lines.counts)),
            "fineweb_char_dup_ratio": T.float_column(T.ratio(dup_chars, chars)),
            "fineweb_list_ratio": T.float_column(T.ratio(newlines, n_words)),
            **share,
        }

    def reasons(self, table: pa.Table) -> pa.Array:
        c = self.config
        punct = table["fineweb_line_punct_ratio"]
        low_punct = pc.less(punct, c.line_punct_thr)
        if c.line_punct_exclude_zero:
            low_punct = pc.and_(low_punct, pc.not_equal(punct, 0.0))
        rules = [
            (pc.is_null(punct), "empty"),
            (pc.fill_null(low_punct, False), "line_punct_ratio"),
            (above(table["fineweb_short_line_ratio"], c.short_line_thr), "short_line_ratio"),
            (above(table["fineweb_char_dup_ratio"], c.char_duplicates_ratio), "char_dup_ratio"),
            (above(table["fineweb_list_ratio"], c.new_line_ratio), "list_ratio"),
        ]
        return first_reason(rules, len(table))
