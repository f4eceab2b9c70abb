"""Curation: readers → stages → Parquet shards + ``_manifest.json`` (imports neither training nor cluster)."""

__version__ = "0.1.0"
