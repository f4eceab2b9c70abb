"""Gopher repetition rules: duplicated paragraphs and lines, top and duplicated word n-grams.

DataTrove's ``GopherRepetitionFilter`` semantics and reason strings (``dup_para_frac``,
``dup_para_char_frac``, ``dup_line_frac``, ``dup_line_char_frac``, ``top_{n}_gram``,
``duplicated_{n}_n_grams``); fractions of characters are over the whole text's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.stages import text as T
from pipelines.stages.base import Filter, FilterConfig, above, first_reason
from pipelines.stages.ngrams import NGrams

TOP_N_GRAMS = {2: 0.20, 3: 0.18, 4: 0.16}
DUP_N_GRAMS = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}
_LINE_SIGNALS = ("dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac")


@dataclass(frozen=True, kw_only=True)
class GopherRepetitionConfig(FilterConfig):
    dup_para_frac: float | None = 0.3  # repeated paragraphs / paragraphs
    dup_para_char_frac: float | None = 0.2  # characters in repeated paragraphs / characters
    dup_line_frac: float | None = 0.3
    dup_line_char_frac: float | None = 0.2
    top_n_grams: dict[int, float] = field(default_factory=lambda: dict(TOP_N_GRAMS))
    dup_n_grams: dict[int, float] = field(default_factory=lambda: dict(DUP_N_GRAMS))

    def __post_init__(self) -> None:
        super().__post_init__()
        for n in (*self.top_n_grams, *self.dup_n_grams):
            if not 2 <= n <= 32:
                raise ValueError(f"n-gram size {n} must be between 2 and 32")


class GopherRepetition(Filter):
    """Signals ``gopher_<reason>`` per rule (the measured fraction); reasons as DataTrove."""

    name = "gopher_repetition"
    Config = GopherRepetitionConfig

    @property
    def output_fields(self) -> tuple[pa.Field, ...]:
        return tuple(pa.field(f"gopher_{name}", pa.float64()) for name in self._rule_names())

    def _rule_names(self) -> list[str]:
        c = self.config
        return [
            *_LINE_SIGNALS,
            *(f"top_{n}_gram" for n in c.top_n_grams),
            *(f"duplicated_{n}_n_grams" for n in c.dup_n_grams),
        ]

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        text = T.text_column(batch)
        chars = pc.utf8_length(text).to_numpy().astype(np.int64)
        paragraphs = T.Flat.of(pc.split_pattern_regex(pc.utf8_trim_whitespace(text), r"\n{2,}"))
        para_dups, para_chars = T.duplicates(paragraphs)
        lines = T.Flat.of(pc.split_pattern_regex(text, r"\n+"))
        line_dups, line_chars = T.duplicates(lines)
        out = {
            "dup_para_frac": T.ratio(para_dups, paragraphs.counts),
            "dup_para_char_frac": T.ratio(para_chars, chars),
            "dup_line_frac": T.ratio(line_dups, lines.counts),
            "dup_line_char_frac": T.ratio(line_chars, chars),
        }
        word_lists, share = T.batch_words(batch)
        words = T.Flat.of(word_lists)
        grams = NGrams(words, T.element_ids(words))
        top, dup = self.config.top_n_grams, self.config.dup_n_grams
        for n in range(2, max((*top, *dup), default=1) + 1):
            grams.grow()
            if n in top:
                out[f"top_{n}_gram"] = T.ratio(grams.top(), chars)
            if n in dup:
                out[f"duplicated_{n}_n_grams"] = T.ratio(grams.duplicated_chars(), chars)
        signals = {f"gopher_{name}": T.float_column(values) for name, values in out.items()}
        return {**signals, **share}

    def reasons(self, table: pa.Table) -> pa.Array:
        c = self.config
        empty = pc.equal(pc.fill_null(pc.utf8_length(table["text"]), 0), 0)
        thresholds = {
            "dup_para_frac": c.dup_para_frac,
            "dup_para_char_frac": c.dup_para_char_frac,
            "dup_line_frac": c.dup_line_frac,
            "dup_line_char_frac": c.dup_line_char_frac,
            **{f"top_{n}_gram": t for n, t in c.top_n_grams.items()},
            **{f"duplicated_{n}_n_grams": t for n, t in c.dup_n_grams.items()},
        }
        rules = [(empty, "empty")]
        rules += [(above(table[f"gopher_{name}"], t), name) for name, t in thresholds.items()]
        return first_reason(rules, len(table))
