"""MinHash near-duplicate removal: Forage's minhash_dedup vs a plain datasketch loop, as ratios,
each scored against the truth of a planted corpus (cluster/demo/planted.py).

a. datasketch: one process reads the JSONL; per document MinHash(num_perm=128) over
   word 5-gram shingles normalized with Python regexes (datasketch's default scheme and sha1), MinHashLSH(threshold=0.8):
   query, then insert only if nothing kept matched (the first of a group stays). Wall time.
b. Forage: ``forage curate --recipe {minhash_dedup: {threshold: 0.8}}`` as a subprocess, whole
   wall clock including Ray's start; removed = rejected rows with a duplicate drop_reason.
c. Signatures per CPU second on one core: datasketch ``update_batch`` (shingles given, and with
   the Python shingling a user writes) vs our ``shingle_hashes`` + ``signatures`` from raw text.
d. --scaling: our signatures + band keys in-process (and the curate job) at 10k, 30k, 100k docs.

Scores follow ``planted.evaluate``: bad = removed with nearest true J < 0.7, grey = removed
with 0.7 <= J < 0.8, fully = components (true J >= 0.8) with every member removed, lost = those
of them with no kept cluster-mate at J >= 0.7. Absolute times mean little on shared machines;
the ratios are the result.

    make bench-dedup [BENCH_ARGS="--docs 3000 --skip-forage"]
    .venv/bin/python benchmarks/dedup.py [--docs 35000] [--seed 0] [--scaling] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

THRESHOLD, NUM_PERM, NGRAM, SEED = 0.8, 128, 5, 1
_MARKS = re.compile(r"[\u0300-\u036f]+")
_DIGITS = re.compile(r"\d+")
_NONWORD = re.compile(r"[\W_]+")
BATCH = 1024  # documents per batch for our side, about what a Ray block holds
SCALING = (10_000, 30_000, 100_000)
FORAGE = Path(sys.executable).parent / "forage"
DUPLICATE_REASONS = ("near_duplicate", "exact_duplicate")


def build(tmp: Path, docs: int, seed: int):
    from cluster.demo.planted import write_planted_corpus

    path = tmp / f"planted-{docs}.jsonl"
    start = time.perf_counter()
    truth = write_planted_corpus(path, docs=docs, seed=seed)
    return path, truth, time.perf_counter() - start


def read_texts(path: Path) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    with path.open() as f:
        for line in f:
            row = json.loads(line)
            ids.append(row["id"])
            texts.append(row["text"])
    return ids, texts


def datasketch_dedup(path: Path) -> tuple[set[str], float]:
    """(removed ids, wall seconds) of the plain datasketch loop."""
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    removed = set()
    with path.open() as f:
        for line in f:
            row = json.loads(line)
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch(baseline_shingles(row["text"]))
            if lsh.query(m):
                removed.add(row["id"])
            else:
                lsh.insert(row["id"], m)
    return removed, time.perf_counter() - start


def forage_dedup(path: Path, tmp: Path) -> tuple[set[str] | None, float, str]:
    """(removed ids or None if the job failed, wall seconds, error tail)."""
    import pyarrow.parquet as pq

    recipe = tmp / "minhash.yaml"
    recipe.write_text(f"stages:\n  - minhash_dedup: {{threshold: {THRESHOLD}}}\n")
    out = tmp / f"out-{path.stem}"
    cmd = [str(FORAGE), "curate", "--input", str(path), "--recipe", str(recipe)]
    start = time.perf_counter()
    run = subprocess.run([*cmd, "--output", str(out), "--quiet"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        lines = (run.stderr or run.stdout).strip().splitlines()
        return None, seconds, lines[-1] if lines else f"exit status {run.returncode}"
    removed = set()
    for part in sorted((out / "rejected").glob("*.parquet")):
        table = pq.read_table(part, columns=["id", "drop_reason"]).to_pylist()
        removed |= {r["id"] for r in table if r["drop_reason"] in DUPLICATE_REASONS}
    return removed, seconds, ""


def ours(texts: list[str], bands: tuple[int, int] | None = None):
    """Our batch path over raw ``texts`` (normalize + shingle + sign, compiled loops); returns
    the signatures, plus band keys when ``bands`` is given."""
    import numpy as np
    import pyarrow as pa

    from pipelines.dedup.minhash import band_hashes, shingle_hashes, signatures

    out = []
    for i in range(0, len(texts), BATCH):
        text = pa.array(texts[i : i + BATCH], pa.large_string())
        sigs = signatures(*shingle_hashes(text, NGRAM), NUM_PERM, SEED)
        out.append(band_hashes(sigs, *bands) if bands else sigs)
    return np.concatenate(out)


def baseline_shingles(text: str) -> list[bytes]:
    """Word 5-gram shingles the way a datasketch user writes them (regex normalization)."""
    words = _NONWORD.sub(" ", _DIGITS.sub("0", _MARKS.sub("", unicodedata.normalize(
        "NFD", text.lower())))).split()  # fmt: skip
    n = min(NGRAM, len(words))
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)] if words else []


def signature_rates(texts: list[str]) -> dict:
    """Signatures per CPU second, one core: datasketch (shingles given, and with its usual
    Python shingling) vs ours from raw text."""
    import numpy as np
    from datasketch import MinHash

    from pipelines.dedup.minhash import shingle_hash, shingles

    docs = len(texts)
    start = time.process_time()
    given = [baseline_shingles(t) for t in texts]
    shingling_s = time.process_time() - start
    sketches = [MinHash(num_perm=NUM_PERM) for _ in texts]
    start = time.process_time()
    for m, s in zip(sketches, given):
        m.update_batch(s)
    datasketch_s = time.process_time() - start
    ours(texts[:BATCH])  # loads the compiled kernels, outside the timing
    start = time.process_time()
    sigs = ours(texts)
    raw_s = time.process_time() - start
    given = [shingles(t, NGRAM) for t in texts[:20]]
    identical = True  # same scheme: our rows equal datasketch's with our hash function
    for sig, shingle_list in zip(sigs[:20], given):
        check = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=shingle_hash)
        check.update_batch(shingle_list)
        identical &= bool(np.array_equal(sig, check.hashvalues))
    return {
        "docs": docs,
        "datasketch_sigs_per_s": docs / datasketch_s,
        "datasketch_with_shingling_sigs_per_s": docs / (datasketch_s + shingling_s),
        "ours_from_text_sigs_per_s": docs / raw_s,
        "ratio_from_text": datasketch_s / raw_s,
        "ratio_with_shingling": (datasketch_s + shingling_s) / raw_s,
        "identical_to_datasketch": identical,
    }


def scaling(tmp: Path, seed: int, skip_forage: bool) -> dict:
    """d.: docs/s of our signatures + band keys (CPU time) and of the curate job (wall)."""
    from cluster.demo.planted import truth_path
    from pipelines.dedup.minhash import optimal_bands

    bands = optimal_bands(THRESHOLD, NUM_PERM)
    rows = {}
    for docs in SCALING:
        path, _, _ = build(tmp, docs, seed)
        _, texts = read_texts(path)
        ours(texts[:8], bands=bands)  # compiled kernels, warm caches
        start = time.process_time()
        ours(texts, bands=bands)
        row = {"ours_s": time.process_time() - start}
        if not skip_forage:
            removed, seconds, error = forage_dedup(path, tmp)
            row.update({"forage_s": seconds} if removed is not None else {"forage_error": error})
            shutil.rmtree(tmp / f"out-{path.stem}", ignore_errors=True)
        rows[docs] = row
        path.unlink()
        truth_path(path).unlink()
        figures = ", ".join(
            f"{k[:-2]} {docs / v:,.0f} docs/s" for k, v in row.items() if k.endswith("_s")
        )
        error = f" (forage failed: {row['forage_error']})" if "forage_error" in row else ""
        print(f"  {docs:>7,} docs: {figures}{error}", flush=True)
    (n_lo, lo), (n_hi, hi) = (SCALING[0], rows[SCALING[0]]), (SCALING[-1], rows[SCALING[-1]])
    for key in ("ours_s", "forage_s"):
        if key in lo and key in hi:
            marginal = (n_hi - n_lo) / (hi[key] - lo[key])  # the slope, without fixed costs
            print(
                f"  {key[:-2]}: {n_hi:,}/{n_lo:,} time ratio {hi[key] / lo[key]:.1f}x (linear: "
                f"{n_hi / n_lo:.0f}x); marginal {marginal:,.0f} docs/s, fixed "
                f"{lo[key] - n_lo / marginal:.1f} s"
            )
    return rows


def score_line(name: str, docs: int, seconds: float, score: dict) -> str:
    return (
        f"  {name:<26}{seconds:>8.1f}{docs / seconds:>9,.0f}{score['recall']:>8.3f}"
        f"{score['precision']:>10.4f}{score['bad_removals']:>5}{score['grey_removals']:>6}"
        f"{score['clusters_fully_removed']:>7}{score['components_lost']:>6}"
    )


def compare(path: Path, tmp: Path, truth, skip_forage: bool) -> dict:
    """a. and b.: both sides over the corpus, scored; prints one row each."""
    from cluster.demo.planted import evaluate

    docs, figures = truth.docs, {}
    print(
        f"  {'':<26}{'wall s':>8}{'docs/s':>9}{'recall':>8}{'precision':>10}"
        f"{'bad':>5}{'grey':>6}{'fully':>7}{'lost':>6}"
    )
    removed, base_s = datasketch_dedup(path)
    figures["datasketch"] = {"seconds": base_s, **evaluate(truth, removed, THRESHOLD)}
    print(score_line("datasketch loop (1 proc)", docs, base_s, figures["datasketch"]))
    if skip_forage:
        return figures
    removed, forage_s, error = forage_dedup(path, tmp)
    if removed is None:
        print(f"  forage curate failed after {forage_s:.1f} s: {error}")
        return figures
    figures["forage"] = {"seconds": forage_s, **evaluate(truth, removed, THRESHOLD)}
    print(score_line(f"forage curate ({os.cpu_count()} CPUs)", docs, forage_s, figures["forage"]))
    print(f"  forage / datasketch: {base_s / forage_s:.2f}x docs/s, wall clock incl. Ray start")
    return figures


def print_rates(rates: dict) -> None:
    print(f"signatures ({NUM_PERM} perms, word {NGRAM}-grams) per CPU second, one core:")
    rows = (
        ("datasketch update_batch, shingles given", rates["datasketch_sigs_per_s"], ""),
        ("datasketch incl. Python shingling", rates["datasketch_with_shingling_sigs_per_s"], ""),
        (
            "ours from raw text (vs shingles given)",
            rates["ours_from_text_sigs_per_s"],
            f"   {rates['ratio_from_text']:.1f}x ({rates['ratio_with_shingling']:.1f}x vs incl.)",
        ),
    )
    for name, rate, ratio in rows:
        print(f"  {name:<42}{rate:>9,.0f}{ratio}")
    print(
        f"  identical to datasketch with hashfunc=shingle_hash: {rates['identical_to_datasketch']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=35_000, help="documents in the planted corpus")
    parser.add_argument("--seed", type=int, default=0, help="seed of the planted corpus")
    parser.add_argument("--scaling", action="store_true", help=f"also time {SCALING} docs")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    parser.add_argument("--skip-forage", action="store_true", help="no forage curate job")
    args = parser.parse_args()
    from cluster.demo.planted import evaluate

    figures: dict = {"docs": args.docs, "seed": args.seed, "threshold": THRESHOLD}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path, truth, gen_s = build(tmp, args.docs, args.seed)
        planted = sum(len(c.members) for c in truth.clusters)
        should_go = evaluate(truth, set(), THRESHOLD)["should_go"]
        print(
            f"planted corpus: {args.docs:,} docs, {len(truth.derived):,} copies in "
            f"{len(truth.clusters):,} clusters ({planted:,} planted docs), {should_go:,} should go "
            f"at J >= {THRESHOLD}; {path.stat().st_size / 1e6:.0f} MB in {gen_s:.1f} s"
        )
        figures.update(compare(path, tmp, truth, args.skip_forage))
        figures["signatures"] = signature_rates(read_texts(path)[1])
        print_rates(figures["signatures"])
        if args.scaling:
            print("scaling (ours: signatures + band keys, CPU s; forage: wall clock):")
            figures["scaling"] = scaling(tmp, args.seed, args.skip_forage)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
