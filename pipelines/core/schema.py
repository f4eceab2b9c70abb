"""The pyarrow schema of a document row: column names, types and SCHEMA_VERSION, defined here only."""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1

# Column names: other modules import these instead of spelling strings.
ID = "id"
TEXT = "text"
URL = "url"
SOURCE = "source"  # one of SOURCES
SOURCE_FILE = "source_file"  # the input path or URL as resolved
SOURCE_RECORD = "source_record"  # 0-based ordinal of the row among those its input produced
SOURCE_OFFSET = "source_offset"  # byte offset of the record in the (compressed) file, where known
TITLE = "title"
CRAWL_DATE = "crawl_date"  # WARC-Date, revision timestamp, or the input's own date
CONTENT_TYPE = "content_type"
CHARSET = "charset"
LANGUAGE = "language"
LANGUAGE_SCORE = "language_score"
DROP_REASON = "drop_reason"  # null for kept rows; snake_case reason for rejected ones
DROPPED_BY = "dropped_by"  # the stage that set drop_reason
ERROR = "error"  # only on error rows: what went wrong reading this record

# Field metadata a stage puts on a count column (an integer, or a struct of integers, like
# pii_counts): its sums per input and per corpus go into the markers and the manifest ("totals").
TOTAL = b"forage.total"


def total_columns(schema: pa.Schema) -> list[str]:
    """The columns of ``schema`` whose sums the manifest reports."""
    return [f.name for f in schema if f.metadata and f.metadata.get(TOTAL)]


SOURCES = ("warc", "wet", "wikipedia", "jsonl", "parquet")

# drop_reason values owned by the readers and the pipeline (stages add their own).
READ_ERROR = "read_error"
END_OF_INPUT = "_end_of_input"  # internal marker row: never written to shards

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field(ID, pa.string(), nullable=False),
        pa.field(TEXT, pa.string()),
        pa.field(URL, pa.string()),
        pa.field(SOURCE, pa.string()),
        pa.field(SOURCE_FILE, pa.string()),
        pa.field(SOURCE_RECORD, pa.int64()),
        pa.field(SOURCE_OFFSET, pa.int64()),
        pa.field(TITLE, pa.string()),
        pa.field(CRAWL_DATE, pa.timestamp("s", tz="UTC")),
        pa.field(CONTENT_TYPE, pa.string()),
        pa.field(CHARSET, pa.string()),
        pa.field(LANGUAGE, pa.string()),
        pa.field(LANGUAGE_SCORE, pa.float32()),
        pa.field(DROP_REASON, pa.string()),
        pa.field(DROPPED_BY, pa.string()),
        pa.field(ERROR, pa.string()),
    ]
)

# Columns only error rows use; dropped from kept and rejected shards.
ERROR_ONLY_COLUMNS = (ERROR,)


def shard_schema(extra_fields: list[pa.Field]) -> pa.Schema:
    """The schema of kept/rejected shards: the document schema plus stage signal columns."""
    schema = DOCUMENT_SCHEMA
    for field in extra_fields:
        if schema.get_field_index(field.name) == -1:
            schema = schema.append(field)
    return schema


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Reorder and cast ``table`` to ``schema``, adding missing columns as nulls."""
    columns = []
    for field in schema:
        if field.name in table.column_names:
            columns.append(table[field.name].cast(field.type))
        else:
            columns.append(pa.nulls(table.num_rows, field.type))
    return pa.Table.from_arrays(columns, schema=schema)
