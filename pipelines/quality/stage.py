"""Model-based quality: the probability a fastText classifier gives the ``hq`` label (GPT-3/DCLM)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError
from pipelines.quality.model import HQ, hq_scores, normalize_text
from pipelines.stages import fasttext as ft
from pipelines.stages.base import Filter, FilterConfig

QUALITY_SCORE = "quality_score"


@dataclass(frozen=True, kw_only=True)
class QualityClassifierConfig(FilterConfig):
    model_path: str  # a fastText model from `forage quality train` (.bin or .ftz)
    label: str = HQ  # the label whose probability is the score
    min_score: float = 0.5  # drop when P(label) is below this

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.model_path:
            raise ValueError("model_path is required: a model from `forage quality train`")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError(f"min_score={self.min_score} must be between 0 and 1")


class QualityClassifier(Filter):
    """Signal ``quality_score`` (P(label), 0 for empty text); reason ``quality_score``."""

    name = "quality_classifier"
    Config = QualityClassifierConfig
    output_fields = (pa.field(QUALITY_SCORE, pa.float32()),)

    def __init__(self, config: QualityClassifierConfig | None = None) -> None:
        super().__init__(config)
        self.model = ft.load_model(self.config.model_path)  # once per process
        labels = [
            label.removeprefix(ft.LABEL_PREFIX) for label in self.model.f.getLabels("replace")[0]
        ]
        if self.config.label not in labels:
            raise ConfigError(
                f"quality_classifier.label={self.config.label!r} is not a label of "
                f"{self.config.model_path!r}; its labels: {', '.join(labels)}"
            )

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        scores = hq_scores(self.model, normalize_text(batch[S.TEXT]), self.config.label)
        return {QUALITY_SCORE: pa.array(scores, pa.float32())}

    def reasons(self, table: pa.Table) -> pa.Array:
        low = pc.less(table[QUALITY_SCORE], pa.scalar(self.config.min_score, pa.float32()))
        return pc.if_else(pc.fill_null(low, False), "quality_score", pa.scalar(None, pa.string()))
