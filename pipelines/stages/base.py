"""The stage contract: a small class over a pyarrow batch, and the Filter base that says why it drops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S


@dataclass(frozen=True, kw_only=True)
class StageConfig:
    """Base of every stage's typed parameters."""


class Stage:
    """``stage(batch) -> batch``: pure, testable without Ray; heavy state loads in ``__init__``."""

    name: ClassVar[str]
    Config: ClassVar[type[StageConfig]] = StageConfig
    # Columns this stage adds to the document schema (signals, annotations).
    output_fields: ClassVar[tuple[pa.Field, ...]] = ()
    # True: the verdict needs the whole corpus (dedup), resolved after every batch is seen.
    is_global: ClassVar[bool] = False

    def __init__(self, config: StageConfig | None = None) -> None:
        self.config = config if config is not None else self.Config()

    def __call__(self, batch: pa.Table) -> pa.Table:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class FilterConfig(StageConfig):
    """Every filter: ``drop`` (default) rejects failing rows; ``annotate`` only writes signals."""

    mode: str = "drop"

    def __post_init__(self) -> None:
        if self.mode not in ("drop", "annotate"):
            raise ValueError(f"mode={self.mode!r} must be 'drop' or 'annotate'")


class Filter(Stage):
    """Computes signals on the rows still alive and names the first rule each row fails.

    Two halves, so thresholds can be re-applied later without recomputing (``forage filter``):

    - ``signals(batch) -> {column: array}``: the measurements, one per live row, written as columns
      in both modes (``output_fields`` declares them);
    - ``reasons(table) -> string array``: the verdict from those columns (plus document columns such
      as ``language``), null where the row passes, else the first failing rule's reason string.
    """

    Config: ClassVar[type[StageConfig]] = FilterConfig

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        raise NotImplementedError

    def reasons(self, table: pa.Table) -> pa.Array:
        raise NotImplementedError

    def evaluate(self, batch: pa.Table) -> tuple[dict[str, pa.Array], pa.Array]:
        signals = self.signals(batch)
        table = batch
        for name, values in signals.items():
            table = _set_column(table, name, values)
        return signals, self.reasons(table)

    @property
    def signal_columns(self) -> tuple[str, ...]:
        """The columns ``reasons`` reads (``forage filter`` checks a corpus has them)."""
        return tuple(f.name for f in self.output_fields)

    def __call__(self, batch: pa.Table) -> pa.Table:
        alive = pc.is_null(batch[S.DROP_REASON]).to_numpy(zero_copy_only=False)
        signals, reasons = self.evaluate(batch.filter(alive) if not alive.all() else batch)
        for name, values in signals.items():
            batch = _set_column(batch, name, _scatter(values, alive))
        return self._mark(batch, reasons, alive)

    def reapply(self, batch: pa.Table) -> pa.Table:
        """Decide again from stored signal columns, without recomputing them."""
        alive = pc.is_null(batch[S.DROP_REASON]).to_numpy(zero_copy_only=False)
        return self._mark(batch, self.reasons(batch.filter(alive)), alive)

    def _mark(self, batch: pa.Table, reasons: pa.Array, alive: np.ndarray) -> pa.Table:
        if self.config.mode != "drop":
            return batch
        reasons = _scatter(reasons, alive)
        dropped = pc.is_valid(reasons)
        new_reason = pc.if_else(dropped, reasons, batch[S.DROP_REASON])
        new_by = pc.if_else(dropped, pa.scalar(self.name), batch[S.DROPPED_BY])
        batch = _set_column(batch, S.DROP_REASON, new_reason)
        return _set_column(batch, S.DROPPED_BY, new_by)


def above(values, threshold) -> pa.Array:
    """``values > threshold``; false where the value is null or the rule is off (None)."""
    if threshold is None:
        return pa.repeat(False, len(values))
    return pc.fill_null(pc.greater(values, threshold), False)


def below(values, threshold) -> pa.Array:
    """``values < threshold``; false where the value is null or the rule is off (None)."""
    if threshold is None:
        return pa.repeat(False, len(values))
    return pc.fill_null(pc.less(values, threshold), False)


def first_reason(rules: list[tuple[pa.Array, str]], rows: int) -> pa.Array:
    """The reason of the first rule that fires per row; null where none does."""
    if not rules:
        return pa.nulls(rows, pa.string())
    names = [str(i) for i in range(len(rules))]
    conditions = pc.make_struct(*[cond for cond, _ in rules], field_names=names)
    return pc.case_when(conditions, *[reason for _, reason in rules])


def _scatter(values: pa.Array | pa.ChunkedArray, mask: np.ndarray) -> pa.Array:
    """Spread ``values`` (one per True in ``mask``) to full length, nulls where mask is False."""
    if mask.all():
        return values
    positions = np.cumsum(mask) - 1
    return pc.take(values, pa.array(positions, mask=~mask))


def _set_column(batch: pa.Table, name: str, values: Any) -> pa.Table:
    index = batch.schema.get_field_index(name)
    if index == -1:
        return batch.append_column(name, values)
    return batch.set_column(index, name, values)
