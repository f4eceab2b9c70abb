"""Where a job writes: Parquet shards and their manifest, atomic writes, the one-writer lock."""
