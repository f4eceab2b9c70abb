"""``forage demo``: generate a multilingual sample crawl with project code, curate it, summarize."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from cluster.summary import print_summary
from pipelines.curate import curate
from pipelines.demo import write_sample_crawl
from pipelines.recipe import load_recipe


def run_demo(output: str, *, pages: int, overrides: list[str], quiet: bool) -> int:
    """Runs the default web recipe over a generated WARC; needs no data outside the repo."""
    root = Path(output)
    sample = root / "sample" / "demo-crawl.warc.gz"
    sample.parent.mkdir(parents=True, exist_ok=True)
    stats = write_sample_crawl(sample, pages=pages, seed=0)
    corpus = root / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)  # a demo starts fresh every time
    if not quiet:
        langs = ", ".join(f"{k}={v}" for k, v in sorted(stats.languages.items()))
        print(f"[demo] sample crawl: {sample} ({stats.pages} responses; languages {langs};")
        print(
            f"[demo]   planted: {stats.exact_duplicates} exact + {stats.near_duplicates} near "
            f"duplicates, {stats.junk_pages} junk, {stats.pii_pages} with PII, "
            f"{stats.non_html} non-HTML)"
        )
    result = curate([str(sample)], str(corpus), load_recipe(None, overrides), quiet=quiet)
    if not quiet:
        print_summary(result.manifest, result.manifest_path)
        _print_examples(corpus)
    return 0


def _print_examples(corpus: Path, n: int = 5) -> None:
    table = pq.read_table(corpus / "data", columns=["title", "url", "text"]).slice(0, n)
    print("\nexamples:")
    for row in table.to_pylist():
        snippet = " ".join(row["text"].split())[:90]
        print(f"  {row['url']}\n    {snippet}…")
