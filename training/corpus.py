"""A finished Forage corpus as training reads it: the manifest and the kept-document shards."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.core.errors import InputError

# The on-disk contract of docs/curation.md ("Output directory"): kept rows in data/, and
# _manifest.json written last, so a directory without it is not a finished corpus.
MANIFEST = "_manifest.json"
DATA_GLOB = "data/*.parquet"


@dataclass(frozen=True, kw_only=True)
class Corpus:
    """A curated corpus directory; ``open`` checks it is finished before anything reads it."""

    path: Path
    manifest: dict[str, Any]
    manifest_sha256: str  # sha256 of the _manifest.json bytes: the corpus version
    data_files: list[Path]  # data/*.parquet, sorted by name

    @classmethod
    def open(cls, path: str | Path) -> Corpus:
        root = Path(path)
        manifest_file = root / MANIFEST
        if not root.exists():
            raise InputError(
                f"{root} does not exist: --data takes a directory `forage curate` wrote"
            )
        if not root.is_dir():
            raise InputError(f"{root} is a file: --data takes a directory `forage curate` wrote")
        if not manifest_file.is_file():
            raise InputError(
                f"{root} is not a finished corpus: {MANIFEST} is missing (a curate run writes it "
                "last; rerun `forage curate` into that directory to finish it)"
            )
        raw = manifest_file.read_bytes()
        try:
            manifest = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{manifest_file} is damaged ({exc}); rerun `forage curate`") from None
        files = sorted(root.glob(DATA_GLOB))
        entries = {f["path"]: f for f in manifest.get("files", []) if f.get("kind") == "data"}
        found = {f"data/{p.name}" for p in files}
        if entries and set(entries) != found:
            raise InputError(
                f"{root}: data/ does not match {MANIFEST} (missing: {sorted(set(entries) - found)[:3]}"
                f", unlisted: {sorted(found - set(entries))[:3]}); the corpus was changed after "
                "curation"
            )
        for p in files:  # a truncated or rewritten shard, caught before any read of it
            expected = entries.get(f"data/{p.name}", {}).get("bytes")
            if expected is not None and p.stat().st_size != expected:
                raise InputError(
                    f"{p} is damaged: {p.stat().st_size:,} bytes, the manifest says "
                    f"{expected:,}; rerun `forage curate` for that corpus"
                )
        return cls(
            path=root,
            manifest=manifest,
            manifest_sha256=hashlib.sha256(raw).hexdigest(),
            data_files=files,
        )

    def iter_texts(self, batch_rows: int = 4096) -> Iterator[tuple[list[str], list[str]]]:
        """(ids, texts) per batch of at most ``batch_rows`` rows, in file order then row order.

        Only the id and text columns are read; rows with a null text are skipped.
        """
        for path in self.data_files:
            parquet = pq.ParquetFile(path)
            for batch in parquet.iter_batches(batch_size=batch_rows, columns=[S.ID, S.TEXT]):
                batch = batch.filter(pc.is_valid(batch[S.TEXT]))
                if batch.num_rows:
                    yield batch[S.ID].to_pylist(), batch[S.TEXT].to_pylist()
