"""Batches for stage tests: documents in the one schema, optionally with a language."""

from __future__ import annotations

import pyarrow as pa

from pipelines.core import schema as S


def docs(texts, languages=None, urls=None) -> pa.Table:
    languages = languages or [None] * len(texts)
    urls = urls or [None] * len(texts)
    rows = [
        {"id": str(i), "text": t, "language": lang, "url": url}
        for i, (t, lang, url) in enumerate(zip(texts, languages, urls))
    ]
    return pa.Table.from_pylist(rows, schema=S.DOCUMENT_SCHEMA)


def reasons(stage, texts, languages=None) -> list:
    return stage(docs(texts, languages))[S.DROP_REASON].to_pylist()
