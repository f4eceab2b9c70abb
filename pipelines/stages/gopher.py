"""Gopher quality and repetition rules (Rae et al. 2021, Table A1), as DataTrove applies them.

Same rules, order, defaults and reason strings as DataTrove's ``GopherQualityFilter`` and
``GopherRepetitionFilter``; every measurement is kept as a ``gopher_*`` column. A threshold set to
null disables its rule. Two language-aware differences: the stop-word rule applies only to the
languages its list is for (``stop_words_languages``), and the mean-word-length rule skips
languages written without spaces, where our words are characters or syllables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.stages import text as T
from pipelines.stages.base import Filter, FilterConfig, above, below, first_reason

STOP_WORDS = ["the", "be", "to", "of", "and", "that", "have", "with"]
NO_SPACE_LANGUAGES = ["zh", "ja", "th", "lo", "km", "my", "bo", "wuu", "yue", "gan", "dz"]
_F64, _I64 = pa.float64(), pa.int64()


@dataclass(frozen=True, kw_only=True)
class GopherQualityConfig(FilterConfig):
    min_doc_words: int | None = 50  # words with a non-punctuation character
    max_doc_words: int | None = 100_000
    min_avg_word_length: float | None = 3
    max_avg_word_length: float | None = 10
    max_symbol_word_ratio: float | None = 0.1  # '#' per word, and '...'/'…' per word
    max_bullet_lines_ratio: float | None = 0.9  # lines starting with • or -
    max_ellipsis_lines_ratio: float | None = 0.3  # lines ending with ... or …
    min_alpha_words_ratio: float | None = 0.8  # DataTrove: max_non_alpha_words_ratio (misnamed)
    min_stop_words: int | None = 2  # distinct stop words present
    stop_words: list[str] = field(default_factory=lambda: list(STOP_WORDS))
    stop_words_languages: list[str] | None = field(default_factory=lambda: ["en"])  # null: all


QUALITY_SIGNALS = {
    "gopher_words": _I64,
    "gopher_mean_word_length": _F64,
    "gopher_hash_ratio": _F64,
    "gopher_ellipsis_ratio": _F64,
    "gopher_bullet_lines_ratio": _F64,
    "gopher_end_ellipsis_lines_ratio": _F64,
    "gopher_alpha_words_ratio": _F64,
    "gopher_stop_words": _I64,
}


class GopherQuality(Filter):
    """Reasons: gopher_short_doc, gopher_long_doc, gopher_below/above_avg_threshold,
    gopher_too_many_hashes, gopher_too_many_ellipsis, gopher_too_many_bullets,
    gopher_too_many_end_ellipsis, gopher_below_alpha_threshold, gopher_enough_stop_words."""

    name = "gopher_quality"
    Config = GopherQualityConfig
    output_fields = tuple(pa.field(k, v) for k, v in QUALITY_SIGNALS.items())

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        text = T.text_column(batch)
        word_lists, share = T.batch_words(batch)
        w = T.Flat.of(word_lists)
        n_words = w.counts
        word_symbol = T.is_symbol_word(w.values)
        content = ~word_symbol
        n_content = w.sum(content)
        mean_length = T.ratio(w.sum(np.where(content, w.lengths(), 0)), n_content)
        hashes = pc.count_substring(text, "#").to_numpy()
        ellipsis = (pc.count_substring(text, "...") + pc.count_substring(text, "…")).to_numpy()
        ln = T.Flat.of(T.lines(text))
        bullets = ln.sum(ln.matches(r"^[\s\p{Z}]*[•\-]"))
        end_ellipsis = ln.sum(ln.matches(r"(?:\.\.\.|…)[\s\p{Z}]*$"))
        alpha = w.sum(w.matches(r"\pL"))
        return {
            "gopher_words": pa.array(n_content.astype(np.int64)),
            "gopher_mean_word_length": T.float_column(mean_length),
            "gopher_hash_ratio": T.float_column(T.ratio(hashes, n_words)),
            "gopher_ellipsis_ratio": T.float_column(T.ratio(ellipsis, n_words)),
            "gopher_bullet_lines_ratio": T.float_column(T.ratio(bullets, ln.counts)),
            "gopher_end_ellipsis_lines_ratio": T.float_column(T.ratio(end_ellipsis, ln.counts)),
            "gopher_alpha_words_ratio": T.float_column(T.ratio(alpha, n_words)),
            "gopher_stop_words": pa.array(self._stop_words(w).astype(np.int64)),
            **share,
        }

    def _stop_words(self, w: T.Flat) -> np.ndarray:
        """Distinct stop words per document (case-sensitive, as DataTrove)."""
        index = pc.fill_null(pc.index_in(w.values, pa.array(self.config.stop_words)), -1)
        index = index.to_numpy().astype(np.int64)
        hit = index >= 0
        keys = np.unique(w.parent[hit] * len(self.config.stop_words) + index[hit])
        return np.bincount(keys // len(self.config.stop_words), minlength=w.rows)

    def reasons(self, table: pa.Table) -> pa.Array:
        c = self.config
        language = table[S.LANGUAGE]
        spaced = pc.invert(pc.fill_null(pc.is_in(language, pa.array(NO_SPACE_LANGUAGES)), False))
        stop_applies = (
            pa.repeat(True, len(table))
            if c.stop_words_languages is None
            else pc.or_(pc.is_null(language), pc.is_in(language, pa.array(c.stop_words_languages)))
        )
        rules = [
            (below(table["gopher_words"], c.min_doc_words), "gopher_short_doc"),
            (above(table["gopher_words"], c.max_doc_words), "gopher_long_doc"),
            (
                pc.and_(spaced, below(table["gopher_mean_word_length"], c.min_avg_word_length)),
                "gopher_below_avg_threshold",
            ),
            (
                pc.and_(spaced, above(table["gopher_mean_word_length"], c.max_avg_word_length)),
                "gopher_above_avg_threshold",
            ),
            (above(table["gopher_hash_ratio"], c.max_symbol_word_ratio), "gopher_too_many_hashes"),
            (
                above(table["gopher_ellipsis_ratio"], c.max_symbol_word_ratio),
                "gopher_too_many_ellipsis",
            ),
            (
                above(table["gopher_bullet_lines_ratio"], c.max_bullet_lines_ratio),
                "gopher_too_many_bullets",
            ),
            (
                above(table["gopher_end_ellipsis_lines_ratio"], c.max_ellipsis_lines_ratio),
                "gopher_too_many_end_ellipsis",
            ),
            (
                below(table["gopher_alpha_words_ratio"], c.min_alpha_words_ratio),
                "gopher_below_alpha_threshold",
            ),
            (
                pc.and_(stop_applies, below(table["gopher_stop_words"], c.min_stop_words)),
                "gopher_enough_stop_words",
            ),
        ]
        return first_reason(rules, len(table))
