"""Text normalization: ftfy fixes mojibake; whitespace and control characters are normalized."""

from __future__ import annotations

from dataclasses import dataclass

import ftfy
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.stages.base import Stage, StageConfig
from pipelines.stages.text import text_changed

# Applied in order with RE2 over the whole column (vectorized, no per-row Python).
WHITESPACE_RULES = (
    (r"\r\n?", "\n"),
    ("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]", ""),  # controls, zero-widths
    ("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f]+", " "),  # tabs and Unicode spaces → one space
    (" {2,}", " "),
    (" *\n *", "\n"),
    (r"\n{3,}", "\n\n"),  # at most one blank line between paragraphs
)


@dataclass(frozen=True, kw_only=True)
class NormalizeConfig(StageConfig):
    fix_mojibake: bool = True  # ftfy.fix_text on documents that are not pure ASCII
    uncurl_quotes: bool = False  # ftfy would turn ’ into ' — keep typography by default
    whitespace: bool = True


class Normalize(Stage):
    """Repairs encoding damage and normalizes whitespace; never drops a row."""

    name = "normalize"
    Config = NormalizeConfig

    def __init__(self, config: NormalizeConfig | None = None) -> None:
        super().__init__(config)
        self.ftfy_config = ftfy.TextFixerConfig(
            uncurl_quotes=self.config.uncurl_quotes,
            fix_character_width=False,  # leave full-width CJK punctuation alone
            explain=False,
        )

    def __call__(self, batch: pa.Table) -> pa.Table:
        text = batch[S.TEXT]
        if self.config.fix_mojibake:
            text = self._fix_mojibake(text)
        if self.config.whitespace:
            for pattern, replacement in WHITESPACE_RULES:
                text = pc.replace_substring_regex(text, pattern, replacement)
            text = pc.utf8_trim_whitespace(text)
        batch = batch.set_column(batch.schema.get_field_index(S.TEXT), S.TEXT, text)
        return text_changed(batch)

    def _fix_mojibake(self, text: pa.ChunkedArray) -> pa.Array:
        # ftfy is per-string Python; pure-ASCII documents cannot carry mojibake, so skip them.
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        needs = pc.invert(pc.fill_null(pc.string_is_ascii(text), True)).to_numpy(
            zero_copy_only=False
        )
        if not needs.any():
            return text
        values = text.to_pylist()
        for i in needs.nonzero()[0]:
            values[i] = ftfy.fix_text(values[i], self.ftfy_config)
        return pa.array(values, pa.string())
