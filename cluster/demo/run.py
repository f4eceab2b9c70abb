"""``forage demo``: generate a multilingual sample crawl with project code, curate it, summarize."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from cluster.demo import write_sample_crawl
from cluster.summary import print_summary
from pipelines.job.curate import curate
from pipelines.job.recipe_set import load_recipes


def run_demo(
    output: str, *, pages: int, overrides: list[str], quiet: bool, train: bool = True
) -> int:
    """Runs the default web recipe over a generated WARC, then pretrains the ``smoke`` recipe on
    the corpus (``train``); needs no data outside the repo."""
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
    result = curate([str(sample)], str(corpus), load_recipes(None, overrides), quiet=quiet)
    if not quiet:
        print_summary(result.manifest, result.manifest_path)
        _print_examples(corpus)
    reports = [corpus / "report.html"]
    if train:
        _pretrain_smoke(corpus, root / "run", quiet)
        from training.report import write_training_report

        reports.append(write_training_report(root / "run"))
    if not quiet:
        print("\n[demo] reports (self-contained HTML; open them in a browser):")
        for report in reports:
            print(f"  file://{report.resolve()}")
    return 0


def _pretrain_smoke(corpus: Path, run: Path, quiet: bool) -> None:
    """A tokenizer, packed blocks and ~200 steps of a tiny GPT on the demo corpus (CPU)."""
    from cluster.train_commands import default_vocab
    from training.config import load_recipe as load_train_recipe
    from training.packing import prepare_data
    from training.tokenizer import train_tokenizer
    from training.train import pretrain

    shutil.rmtree(run, ignore_errors=True)
    recipe = load_train_recipe("smoke")
    vocab = recipe.model.vocab_size or default_vocab(recipe.model.d_model)
    tokenizer = train_tokenizer(corpus, vocab, run / "tokenizer")
    packed = prepare_data(
        corpus, run, tokenizer, seq_len=recipe.model.seq_len, objective=recipe.model.objective
    )
    if not quiet:
        print(f"\n[demo] pretraining the smoke recipe (GPT-2 shape, CPU) → {run}")
    r = pretrain(packed, run, recipe, quiet=quiet)
    if not quiet:
        print(
            f"[demo] loss {r.first_loss:.3f} → {r.last_loss:.3f} over {r.steps} steps; "
            f"val_loss {r.val_loss:.3f} (unigram baseline {r.unigram_baseline_loss:.3f}); "
            f"export: {r.hf_dir}"
        )


def _print_examples(corpus: Path, n: int = 5) -> None:
    table = pq.read_table(corpus / "data", columns=["title", "url", "text"]).slice(0, n)
    print("\nexamples:")
    for row in table.to_pylist():
        snippet = " ".join(row["text"].split())[:90]
        print(f"  {row['url']}\n    {snippet}…")
