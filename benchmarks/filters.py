"""FineWeb filter chain: Forage's stages vs DataTrove's own pipeline, as ratios plus agreement.

Both sides read and extract the same WARC, then run the FineWeb filters (language ID, Gopher
repetition and quality, C4, FineWeb quality), one process on one core each, one side after the
other. Forage runs here (read_warc, then the stages on each block); DataTrove runs in its own
venv (.venv-datatrove, never in .venv) through benchmarks/_datatrove_chain.py. Each side times
only its processing, after a warm-up run that loads its models; both use the stock lid.176.ftz.

Input: N copies of the real samples in ../shared/data/warc plus a generated demo crawl. Pages
(HTTP response records) are matched by (URL, occurrence of that URL in file order); a page a
side never emits counts as dropped by it. docs/s counts pages in, the same number for both.

    make bench-filters
    .venv/bin/python benchmarks/filters.py [--copies 40] [--pages 1500] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ingest import build_warc

HERE = Path(__file__).resolve().parent
DATATROVE_PYTHON = HERE.parent / ".venv-datatrove" / "bin" / "python"
# Forage's stages, in the order of datatrove's examples/fineweb.py. No normalize (ftfy) stage:
# DataTrove's chain has none, and both sides must do the same work.
CHAIN = (
    ("langid", {"keep": ["en"], "min_score": 0.65}),
    ("gopher_repetition", {}),
    ("gopher_quality", {}),
    ("c4_quality", {"filter_no_terminal_punct": False}),
    ("fineweb_quality", {}),
)
NOT_EMITTED = "not_emitted"  # the reader skipped the record (not HTML, not 2xx, undecodable)


def build_input(path: Path, copies: int, pages: int, seed: int) -> None:
    """``copies`` of the real samples, then a generated crawl of ``pages`` pages."""
    from pipelines.demo import write_sample_crawl

    build_warc(path, copies)
    demo = path.with_name(path.name + ".demo")
    write_sample_crawl(demo, pages=pages, seed=seed)
    with path.open("ab") as f:
        f.write(demo.read_bytes())
    demo.unlink()


def page_keys(path: Path) -> tuple[list[tuple[str, int]], dict[int, int], dict[int, int]]:
    """Every response record's (URL, occurrence) key, and its index by record ordinal and offset.

    Each side names a page by its own handle (Forage rows: byte offset; DataTrove documents: the
    record ordinal its reader saw); both lead here to one page index, hence one key.
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    keys: list[tuple[str, int]] = []
    by_ordinal: dict[int, int] = {}
    by_offset: dict[int, int] = {}
    seen: Counter[str] = Counter()
    with path.open("rb") as f:
        for ordinal, record in enumerate(ArchiveIterator(f, parse_http=False)):
            if record.record_type != WarcRecordType.response:
                continue
            url = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>")
            by_ordinal[ordinal] = by_offset[record.stream_pos] = len(keys)
            keys.append((url, seen[url]))
            seen[url] += 1
    return keys, by_ordinal, by_offset


def forage_stages() -> tuple[list, list[str]]:
    from pipelines.stages import STAGES, build_stage

    missing = [name for name, _ in CHAIN if name not in STAGES]
    for name in missing:
        print(f"WARNING: stage {name!r} is not in pipelines.stages yet; the Forage chain skips it")
    return [build_stage(name, params) for name, params in CHAIN if name in STAGES], missing


def run_forage(path: Path, stages: list) -> list:
    """The timed part: read + extract, then every stage on each block, in this process."""
    from pipelines.readers import InputSpec, ReadConfig
    from pipelines.readers.warc import read_warc

    blocks = []
    for block in read_warc(InputSpec(str(path), "warc"), ReadConfig()):
        for stage in stages:
            block = stage(block)
        blocks.append(block)
    return blocks


def forage_verdicts(blocks: list, by_offset: dict[int, int]) -> dict[int, str | None]:
    """Page index → None if kept, else its drop_reason (read errors are ``read_error``)."""
    from pipelines import schema as S

    verdicts: dict[int, str | None] = {}
    for block in blocks:
        columns = (block[S.SOURCE_OFFSET].to_pylist(), block[S.DROP_REASON].to_pylist())
        for offset, reason in zip(*columns, strict=True):
            page = by_offset.get(offset)
            if reason == S.END_OF_INPUT or page is None:
                continue
            if verdicts.get(page, "") is not None:  # a truncated page: its error row, then its row
                verdicts[page] = reason
    return verdicts


def forage_side(path: Path, warmup: Path, repeat: int, by_offset: dict[int, int]) -> dict:
    import pyarrow as pa

    pa.set_cpu_count(1)  # one core, as the DataTrove side
    stages, missing = forage_stages()
    run_forage(warmup, stages)
    wall = cpu = float("inf")
    for _ in range(repeat):  # the best run counts
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        blocks = run_forage(path, stages)
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    verdicts = forage_verdicts(blocks, by_offset)
    return {"wall_s": wall, "cpu_s": cpu, "verdicts": verdicts, "missing": missing}


def datatrove_side(args, path: Path, warmup: Path, by_ordinal: dict[int, int]) -> dict:
    from pipelines.models.fasttext import stock_lid_path

    python = Path(args.datatrove_python)
    if not python.exists():
        sys.exit(f"{python} does not exist: run `make bench-filters` (it builds .venv-datatrove)")
    out = path.with_name("datatrove.json")
    command = [str(python), str(HERE / "_datatrove_chain.py"), str(path), str(warmup)]
    command += [str(stock_lid_path()), str(out), "--repeat", str(args.repeat)]
    subprocess.run(command + ["--dedup"] * args.trafilatura_dedup, check=True)
    result = json.loads(out.read_text())
    verdicts = {}
    for ordinal, reason in result.pop("verdicts").items():
        if int(ordinal) not in by_ordinal:
            sys.exit(f"DataTrove emitted record {ordinal}, which is not a response record here")
        verdicts[by_ordinal[int(ordinal)]] = reason
    return result | {"verdicts": verdicts}


def compare(keys: list, ours: dict[int, str | None], theirs: dict[int, str | None]) -> dict:
    """Agreement over all pages in, Jaccard of the kept sets, and what the disagreements are."""
    kept_ours = {p for p, reason in ours.items() if reason is None}
    kept_theirs = {p for p, reason in theirs.items() if reason is None}
    only_ours, only_theirs = sorted(kept_ours - kept_theirs), sorted(kept_theirs - kept_ours)
    union = kept_ours | kept_theirs
    return {
        "agreement": 1 - (len(only_ours) + len(only_theirs)) / len(keys) if keys else 1.0,
        "jaccard": len(kept_ours & kept_theirs) / len(union) if union else 1.0,
        "kept_by_both": len(kept_ours & kept_theirs),
        # Pages only one side keeps, by the reason the other side gave for dropping them.
        "kept_only_by_forage": _reasons(theirs, only_ours),
        "kept_only_by_datatrove": _reasons(ours, only_theirs),
        # The copies repeat each real page: how many distinct URLs the disagreements are.
        "urls_kept_only_by_forage": sorted({keys[p][0] for p in only_ours}),
        "urls_kept_only_by_datatrove": sorted({keys[p][0] for p in only_theirs}),
    }


def _reasons(verdicts: dict[int, str | None], pages: list[int]) -> dict[str, int]:
    return dict(Counter(verdicts.get(p, NOT_EMITTED) for p in pages).most_common())


def side_summary(side: dict, pages: int) -> tuple[dict, dict[int, str | None]]:
    """Rates, kept count and drop reasons over all pages; and the verdicts, split off."""
    verdicts = side.pop("verdicts")
    drops = Counter(verdicts.get(p, NOT_EMITTED) for p in range(pages))
    kept = drops.pop(None, 0)
    rates = {"docs_per_s": pages / side["wall_s"], "docs_per_cpu_s": pages / side["cpu_s"]}
    return side | rates | {"kept": kept, "drop_reasons": dict(drops.most_common())}, verdicts


def report(r: dict) -> None:
    f, d, a = r["forage"], r["datatrove"], r["agreement"]
    print(f"pages in: {r['pages']} ({r['input']})")
    for name, side in (("forage   ", f), ("datatrove", d)):
        rate = (
            f"{side['docs_per_cpu_s']:8.1f} docs/s per CPU, {side['docs_per_s']:8.1f} docs/s wall"
        )
        print(f"{name}: {rate}, kept {side['kept']}")
    print(f"ratio forage/datatrove: {r['ratio_cpu']:.1f}x per CPU, {r['ratio_wall']:.1f}x wall")
    print(
        f"verdict agreement: {a['agreement']:.1%} of pages; Jaccard of kept sets: {a['jaccard']:.3f}"
    )
    for name, side in (("forage", f), ("datatrove", d)):
        print(f"{name} drop reasons: {side['drop_reasons']}")
    for which in ("kept_only_by_forage", "kept_only_by_datatrove"):
        total, urls = sum(a[which].values()), len(a[f"urls_{which}"])
        print(
            f"{which.replace('_', ' ')}: {total} ({urls} URLs), the other side's reasons {a[which]}"
        )
    if timeouts := d["extractor"].get("timeout", 0):
        print(f"DataTrove's Trafilatura timed out on {timeouts:.0f} pages (1 s each): load?")
    if f["missing"]:
        print(f"PARTIAL: Forage's chain lacks {f['missing']}; agreement and ratio are not final")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="copies of the 38 real pages")
    parser.add_argument("--pages", type=int, default=1500, help="pages of generated demo crawl")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated crawl")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per side; best counts")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--datatrove-python", default=str(DATATROVE_PYTHON))
    parser.add_argument(
        "--trafilatura-dedup",
        action="store_true",
        help="DataTrove's Trafilatura default deduplicate=True: its per-process cache then drops "
        "every copy of a page after the third, so the copied samples would mostly vanish",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path, warmup = Path(tmp) / "bench.warc.gz", Path(tmp) / "warmup.warc.gz"
        build_input(path, args.copies, args.pages, args.seed)
        build_input(warmup, 1, 40, args.seed + 1)
        keys, by_ordinal, by_offset = page_keys(path)
        ours, ours_verdicts = side_summary(
            forage_side(path, warmup, args.repeat, by_offset), len(keys)
        )
        theirs, theirs_verdicts = side_summary(
            datatrove_side(args, path, warmup, by_ordinal), len(keys)
        )
    result = {
        "pages": len(keys),
        "input": f"{args.copies} x 38 real pages + {args.pages} generated (seed {args.seed})",
        "trafilatura_dedup": args.trafilatura_dedup,
        "forage": ours,
        "datatrove": theirs,
        "ratio_cpu": ours["docs_per_cpu_s"] / theirs["docs_per_cpu_s"],
        "ratio_wall": ours["docs_per_s"] / theirs["docs_per_s"],
        "agreement": compare(keys, ours_verdicts, theirs_verdicts),
    }
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
