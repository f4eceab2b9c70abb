"""Document length bounds: drops empty extractions and runaway documents, with the reason."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.stages.base import Filter, FilterConfig

CHAR_COUNT = "char_count"


@dataclass(frozen=True, kw_only=True)
class TextLengthConfig(FilterConfig):
    min_chars: int = 1  # below: drop_reason empty_text (0 chars) or too_short
    max_chars: int = 5_000_000  # above: too_long (a 50 MB page is markup gone wrong)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.min_chars <= self.max_chars:
            raise ValueError(
                f"min_chars={self.min_chars} and max_chars={self.max_chars} need "
                "0 <= min_chars <= max_chars"
            )


class TextLength(Filter):
    """Signal ``char_count``; reasons ``empty_text``, ``too_short``, ``too_long``."""

    name = "text_length"
    Config = TextLengthConfig
    output_fields = (pa.field(CHAR_COUNT, pa.int64()),)

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        return {CHAR_COUNT: pc.fill_null(pc.utf8_length(batch[S.TEXT]), 0).cast(pa.int64())}

    def reasons(self, table: pa.Table) -> pa.Array:
        chars = table[CHAR_COUNT]
        return pc.case_when(
            pc.make_struct(
                pc.equal(chars, 0),
                pc.less(chars, self.config.min_chars),
                pc.greater(chars, self.config.max_chars),
            ),
            "empty_text",
            "too_short",
            "too_long",
        )
