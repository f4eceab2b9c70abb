"""PII scrubbing: e-mail, phone, IP, payment card, IBAN, US SSN and secrets, replaced, masked or
hashed in the text, counted per document in ``pii_counts``; documents with too many of a type
marked ``drop_document`` are rejected. Values are never logged (pipelines/pii/ has the detectors)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.pii import ACTIONS, ENTITIES, Rewriter, Scanner, build_detectors
from pipelines.pii.phones import DEFAULT_REGIONS, PHONE_MODES, known_region
from pipelines.stages.base import Filter, FilterConfig, _set_column, above, first_reason
from pipelines.stages.text import text_changed

COUNTS_TYPE = pa.struct([pa.field(entity, pa.int32()) for entity in ENTITIES])


PII_COUNTS = "pii_counts"  # values found per entity type, per document


@dataclass(frozen=True, kw_only=True)
class PiiConfig(FilterConfig):
    """``mode: drop`` (default) rewrites text and rejects ``drop_document`` rows; ``annotate``
    only counts (text untouched, nothing dropped)."""

    entities: list[str] | None = None  # None: every type in ENTITIES
    action: str = "replace"  # for every selected type: one of ACTIONS
    actions: dict[str, str] | None = None  # per-type exceptions, e.g. {secret: drop_document}
    # drop_document types: reject a document with more than this many values (default 0: any).
    drop_above: dict[str, int] | None = None
    # hash action: a secret per corpus (redacted in the manifest); without one, a token of a
    # guessable value (an address, a phone number) can be found by hashing candidates.
    salt: str = field(default="", metadata={"secret": True})
    keep_private_ips: bool = True  # private, loopback, reserved, documentation ranges stay
    phone_regions: list[str] | None = None  # national formats of these; None: DEFAULT_REGIONS
    # possible: also numbers of a length in use but unassigned, written as phone numbers (in a
    # phone shape or after a phone word); valid: only numbers libphonenumber validates.
    phone_mode: str = "possible"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.entities is not None and not self.entities:
            raise ValueError("entities=[] selects nothing; leave it null for every type")
        for entity in [*(self.entities or ()), *(self.actions or {}), *(self.drop_above or {})]:
            if entity not in ENTITIES:
                raise ValueError(f"unknown entity type {entity!r}; known: {', '.join(ENTITIES)}")
        if self.entities is not None:  # a setting for an unselected type would do nothing
            for entity in [*(self.actions or {}), *(self.drop_above or {})]:
                if entity not in self.entities:
                    raise ValueError(
                        f"{entity!r} has an action or drop_above but is not in entities; "
                        "add it to entities (or leave entities null for every type)"
                    )
        for action in [self.action, *(self.actions or {}).values()]:
            if action not in ACTIONS:
                raise ValueError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
        for entity, limit in (self.drop_above or {}).items():
            if self.action_of(entity) != "drop_document":
                raise ValueError(
                    f"drop_above.{entity} needs actions.{entity}: drop_document "
                    f"(now {self.action_of(entity)!r})"
                )
            if limit < 0:
                raise ValueError(f"drop_above.{entity}={limit} must be >= 0")
        unknown = [r for r in self.phone_regions or () if not known_region(r.upper())]
        if unknown:
            raise ValueError(f"phone_regions: {unknown[0]!r} is not a region code such as GB, DE")
        if self.phone_mode not in PHONE_MODES:
            raise ValueError(
                f"phone_mode={self.phone_mode!r} must be one of {', '.join(PHONE_MODES)}"
            )

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(e for e in ENTITIES if self.entities is None or e in self.entities)

    def action_of(self, entity: str) -> str:
        return (self.actions or {}).get(entity, self.action)


class Pii(Filter):
    """Signal ``pii_counts`` (struct of int32 per type, null for unselected types); reasons
    ``pii_<type>`` (``pii_secret``, ...) for ``drop_document`` types above their count."""

    name = "pii"
    Config = PiiConfig
    output_fields = (pa.field(PII_COUNTS, COUNTS_TYPE, metadata={S.TOTAL: b"1"}),)

    def __init__(self, config: PiiConfig | None = None) -> None:
        super().__init__(config)
        c = self.config
        regions = tuple(r.upper() for r in c.phone_regions or DEFAULT_REGIONS)
        detectors = build_detectors(
            c.selected,
            keep_private_ips=c.keep_private_ips,
            phone_regions=regions,
            phone_mode=c.phone_mode,
        )
        self.scanner = Scanner(detectors)
        self.rewrite = Rewriter({e: c.action_of(e) for e in c.selected}, c.salt)

    def __call__(self, batch: pa.Table) -> pa.Table:
        # Every row is scrubbed, also those an earlier stage rejected: no shard keeps the values.
        counts, text = self.scrub(batch[S.TEXT], rewrite=self.config.mode == "drop")
        if text is not None:
            batch = text_changed(_set_column(batch, S.TEXT, text))
        batch = _set_column(batch, PII_COUNTS, counts)
        alive = pc.is_null(batch[S.DROP_REASON]).to_numpy(zero_copy_only=False)
        return self._mark(batch, self.reasons(batch.filter(alive)), alive)

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        return {PII_COUNTS: self.scrub(batch[S.TEXT], rewrite=False)[0]}

    def reasons(self, table: pa.Table) -> pa.Array:
        counts = table[PII_COUNTS]
        rules = [
            (above(pc.struct_field(counts, entity), (self.config.drop_above or {}).get(entity, 0)),
             f"pii_{entity}")
            for entity in self.config.selected
            if self.config.action_of(entity) == "drop_document"
        ]  # fmt: skip
        return first_reason(rules, table.num_rows)

    def reapply(self, batch: pa.Table) -> pa.Table:
        """``forage filter``: decide from the stored counts (they describe the text as read);
        in drop mode also scrub text that an annotate-mode run left as it was."""
        if self.config.mode == "drop":
            _, text = self.scrub(batch[S.TEXT], rewrite=True)
            if text is not None:
                batch = text_changed(_set_column(batch, S.TEXT, text))
        return super().reapply(batch)

    def scrub(
        self, text: pa.ChunkedArray | pa.Array, *, rewrite: bool
    ) -> tuple[pa.Array, pa.Array | None]:
        """Per-row counts (struct) and, with ``rewrite``, the rewritten column (None if unchanged)."""
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        rows, values, spans = self.scanner.scan(text)
        counts = np.zeros((len(text), len(ENTITIES)), dtype=np.int32)
        column = {e: i for i, e in enumerate(ENTITIES)}
        changed = []
        for row, value, found in zip(rows, values, spans):
            for span in found:
                counts[row, column[span.entity]] += 1
            if rewrite and found:
                changed.append((row, self.rewrite(value, found)))
        selected = set(self.config.selected)
        struct = pa.StructArray.from_arrays(
            [pa.array(counts[:, i], mask=None if e in selected else np.ones(len(text), bool))
             for i, e in enumerate(ENTITIES)],
            fields=list(COUNTS_TYPE),
        )  # fmt: skip
        if not changed:
            return struct, None
        mask = np.zeros(len(text), dtype=bool)
        mask[[row for row, _ in changed]] = True
        return struct, pc.replace_with_mask(
            text, mask, pa.array([t for _, t in changed], text.type)
        )
