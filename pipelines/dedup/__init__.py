"""Deduplication: exact and MinHash LSH, resolved globally across Ray tasks (see docs/dedup.md)."""
