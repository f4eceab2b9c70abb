"""Curation: inputs → stages (+ dedup, pii, quality) → output (Parquet shards + ``_manifest.json``),
on the foundation in core/; imports neither training nor cluster."""

__version__ = "0.1.0"
