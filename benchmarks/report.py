"""How long the corpus report of a large corpus takes: generate a corpus of ``--docs`` documents
(kept and rejected shards with the stages' signal columns, languages, dedup clusters and a
manifest), then time ``write_corpus_report`` against one full read of the same shards (every
column, what a report without column-wise sampling would cost at least).

    .venv/bin/python benchmarks/report.py [--docs 1000000]

Target: a 1 M-document corpus reports in <= 30 s on 2 CPUs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIGNALS = [
    "char_count", "gopher_words", "gopher_mean_word_length", "gopher_hash_ratio",
    "gopher_ellipsis_ratio", "gopher_bullet_lines_ratio", "gopher_end_ellipsis_lines_ratio",
    "gopher_alpha_words_ratio", "gopher_stop_words", "gopher_dup_para_frac",
    "gopher_dup_line_frac", "gopher_top_2_gram", "gopher_top_3_gram", "gopher_top_4_gram",
    *[f"gopher_duplicated_{n}_n_grams" for n in range(5, 11)], "c4_sentences",
    "fineweb_line_punct_ratio", "fineweb_short_line_ratio", "fineweb_char_dup_ratio",
    "fineweb_list_ratio",
]  # fmt: skip
REASONS = ["gopher_short_doc", "top_3_gram", "line_punct_ratio", "exact_duplicate"]
LANGS = ["en", "de", "fr", "es", "it", "nl", "pt", "ru", "ja", "zh"]
SHARD = 100_000


def shard(rng: np.random.Generator, n: int, start: int, rejected: bool) -> pa.Table:
    texts = pa.array([f"Document {i}: " + "lorem ipsum dolor sit amet " * 8 for i in range(64)])
    columns = {
        "id": pa.array([f"doc-{start + i}" for i in range(n)]),
        "text": texts.take(rng.integers(0, 64, n)),
        "language": pa.array(np.array(LANGS)[rng.zipf(1.6, n).clip(1, 10) - 1]),
        "language_score": rng.beta(8, 1, n).astype(np.float32),
        "drop_reason": pa.array(np.array(REASONS)[rng.integers(0, 4, n)]) if rejected
        else pa.nulls(n, pa.string()),
        "dropped_by": pa.array(["gopher_quality"] * n) if rejected else pa.nulls(n, pa.string()),
    }  # fmt: skip
    for name in SIGNALS:
        columns[name] = rng.gamma(2.0, 0.05 if "ratio" in name or "gram" in name else 200, n)
    clustered = rng.random(n) < 0.05
    columns["dup_cluster"] = pa.array(
        np.where(clustered, rng.integers(0, n // 20, n).astype(str), None).tolist(), pa.string()
    )
    columns["dup_cluster_size"] = pa.array(np.where(clustered, rng.integers(2, 9, n), None).tolist(),
                                           pa.int64())  # fmt: skip
    return pa.table(columns)


def make_corpus(root: Path, docs: int) -> None:
    rng = np.random.default_rng(0)
    files, kept = [], int(docs * 0.8)
    for kind, total, offset in (("data", kept, 0), ("rejected", docs - kept, kept)):
        for i, start in enumerate(range(0, total, SHARD)):
            n = min(SHARD, total - start)
            path = root / kind / f"part-{i:012x}-000000000.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                shard(rng, n, offset + start, kind == "rejected"), path, row_group_size=20_000
            )
            files.append({"path": f"{kind}/{path.name}", "kind": kind, "rows": n,
                          "bytes": path.stat().st_size})  # fmt: skip
    stage = {"name": "gopher_quality", "params": {"min_doc_words": 50}, "dropped": docs - kept,
             "reasons": dict.fromkeys(REASONS, (docs - kept) // 4)}  # fmt: skip
    manifest = {
        "counts": {"input": docs, "kept": kept, "rejected": docs - kept, "errors": 0},
        "stages": [stage],
        "totals": {"pii_counts": {"email": 1234, "phone": 567}},
        "inputs": [{"path": "generated.warc.gz", "format": "warc", "records_read": docs,
                    "kept": kept, "rejected": docs - kept, "errors": 0, "status": "ok"}],
        "files": files,
    }  # fmt: skip
    (root / "_manifest.json").write_text(json.dumps(manifest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    args = parser.parse_args()

    from pipelines.report.corpus import write_corpus_report

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_corpus(root, args.docs)
        started = time.perf_counter()
        for kind in ("data", "rejected"):
            pq.read_table(root / kind)  # every column of every row: one full pass
        full_read = time.perf_counter() - started
        started = time.perf_counter()
        report = write_corpus_report(root)
        took = time.perf_counter() - started
        size = report.stat().st_size
    print(f"{args.docs:,} documents: report in {took:.1f} s ({size / 1e6:.1f} MB of HTML); one full "
          f"read of the shards {full_read:.1f} s; report / full read = {took / full_read:.2f}x "
          f"(target: <= 30 s on 2 CPUs)")  # fmt: skip


if __name__ == "__main__":
    main()
