"""FineWeb filter chain: Forage's stages vs DataTrove's own pipeline, as ratios plus agreement.

Both sides read and extract the same WARC, then run the FineWeb filters (language ID, Gopher
repetition and quality, C4, FineWeb quality), one process on one core each, one side after the
other. Forage runs here (read_warc, then the stages on each block); DataTrove runs in its own
venv (.venv-datatrove, never in .venv) through benchmarks/_datatrove_chain.py. Each side times
only its processing, after a warm-up run that loads its models; both use the stock lid.176.ftz.

Input: N copies of the real samples in ../shared/data/warc plus a generated demo crawl. Pages
(HTTP response records) are matched by (URL, occurrence of that URL in file order); a page a
side never emits counts as dropped by it. docs/s counts pages in, the same number for both.
Agreement is also counted over distinct URLs (each real page once, not once per copy).

--same-text isolates the filters from the extractors (resiliparse here, Trafilatura there):
Forage also dumps the text it extracted for every page it emitted, before any stage, and
DataTrove runs its filters alone on Documents of that text; agreement is then Forage's verdicts
(the same run) against those. Only the filters are timed in that comparison (Forage's stages
re-run on the blocks its reader gave, DataTrove's filters on prebuilt Documents); the end-to-end
figures are measured as without the flag.

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

from _agreement import NOT_EMITTED, compare, report
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


def build_input(path: Path, copies: int, pages: int, seed: int) -> None:
    """``copies`` of the real samples, then a generated crawl of ``pages`` pages."""
    from cluster.demo import write_sample_crawl

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


def run_forage(path: Path, stages: list, raw: list | None = None) -> list:
    """The timed part: read + extract, then every stage on each block, in this process.

    ``raw``, where given, also collects each block as the reader gave it (a reference, no copy).
    """
    from pipelines.inputs import InputSpec, ReadConfig
    from pipelines.inputs.warc import read_warc

    blocks = []
    for block in read_warc(InputSpec(str(path), "warc"), ReadConfig()):
        if raw is not None:
            raw.append(block)
        for stage in stages:
            block = stage(block)
        blocks.append(block)
    return blocks


def forage_verdicts(blocks: list, by_offset: dict[int, int]) -> dict[int, str | None]:
    """Page index → None if kept, else ``stage:drop_reason`` (read errors: ``read_error``)."""
    from pipelines.core import schema as S

    verdicts: dict[int, str | None] = {}
    for block in blocks:
        columns = (S.SOURCE_OFFSET, S.DROP_REASON, S.DROPPED_BY)
        for offset, reason, stage in zip(*(block[c].to_pylist() for c in columns), strict=True):
            page = by_offset.get(offset)
            if reason == S.END_OF_INPUT or page is None:
                continue
            if verdicts.get(page, "") is not None:  # a truncated page: its error row, then its row
                verdicts[page] = f"{stage}:{reason}" if stage and reason else reason
    return verdicts


def dump_texts(raw: list, out: Path, by_offset: dict[int, int] | None) -> int:
    """Write {"page", "text"} per page the reader emitted (error rows excluded); count them.

    ``by_offset`` None: the page is the byte offset itself (the warm-up input, never compared).
    """
    from pipelines.core import schema as S

    count = 0
    with out.open("w", encoding="utf-8") as f:
        for block in raw:
            columns = (block[c].to_pylist() for c in (S.SOURCE_OFFSET, S.DROP_REASON, S.TEXT))
            for offset, reason, text in zip(*columns, strict=True):
                if reason is not None:  # error rows and the end-of-input marker
                    continue
                page = offset if by_offset is None else by_offset[offset]
                f.write(json.dumps({"page": page, "text": text or ""}, ensure_ascii=False) + "\n")
                count += 1
    return count


def best_of(repeat: int, work) -> tuple[float, float, object]:
    """The best wall and CPU seconds of ``repeat`` calls of ``work``, and its last result."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = work()
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def forage_side(args, path: Path, warmup: Path, by_offset: dict[int, int]) -> dict:
    import pyarrow as pa

    pa.set_cpu_count(1)  # one core, as the DataTrove side
    stages, missing = forage_stages()
    warm_raw: list | None = [] if args.same_text else None
    run_forage(warmup, stages, warm_raw)
    raw: list | None = None

    def timed() -> list:
        nonlocal raw
        raw = [] if args.same_text else None  # the blocks of the last run, as read
        return run_forage(path, stages, raw)

    wall, cpu, blocks = best_of(args.repeat, timed)  # the best run counts
    side = {"wall_s": wall, "cpu_s": cpu, "verdicts": forage_verdicts(blocks, by_offset)}
    side["missing"] = missing
    if args.same_text:  # after the timed runs: the dumps and a filters-only timing
        texts = {"input": path.with_name("texts.jsonl"), "warmup": warmup.with_name("warm.jsonl")}
        dump_texts(warm_raw, texts["warmup"], None)
        docs = dump_texts(raw, texts["input"], by_offset)

        def stages_only() -> None:
            for block in raw:
                for stage in stages:
                    block = stage(block)

        filters_wall, filters_cpu, _ = best_of(args.repeat, stages_only)
        side["filters_only"] = {"docs": docs, "wall_s": filters_wall, "cpu_s": filters_cpu}
        side["texts"] = texts
    return side


def datatrove_side(
    args, path: Path, warmup: Path, page_of: dict[int, int] | None, texts: bool = False
) -> dict:
    """DataTrove's chain on the WARC (``page_of``: record ordinal → page), or with ``texts``
    its filters alone on the JSONL ``path`` of Forage's text (already keyed by page)."""
    from pipelines.stages.fasttext import stock_lid_path

    python = Path(args.datatrove_python)
    if not python.exists():
        sys.exit(f"{python} does not exist: run `make bench-filters` (it builds .venv-datatrove)")
    out = path.with_name("datatrove-texts.json" if texts else "datatrove.json")
    command = [str(python), str(HERE / "_datatrove_chain.py"), str(path), str(warmup)]
    command += [str(stock_lid_path()), str(out), "--repeat", str(args.repeat)]
    command += ["--texts"] * texts + ["--dedup"] * (args.trafilatura_dedup and not texts)
    subprocess.run(command, check=True)
    result = json.loads(out.read_text())
    verdicts = {}
    for record, reason in result.pop("verdicts").items():
        page = int(record) if page_of is None else page_of.get(int(record))
        if page is None:
            sys.exit(f"DataTrove emitted record {record}, which is not a response record here")
        verdicts[page] = reason
    return result | {"verdicts": verdicts}


def side_summary(side: dict, pages: int, docs: int | None = None) -> tuple[dict, dict]:
    """Rates (per ``docs``, default all pages in), kept count and drop reasons over all pages;
    and the verdicts, split off."""
    verdicts = side.pop("verdicts")
    drops = Counter(verdicts.get(p, NOT_EMITTED) for p in range(pages))
    kept = drops.pop(None, 0)
    docs = pages if docs is None else docs
    rates = {"docs_per_s": docs / side["wall_s"], "docs_per_cpu_s": docs / side["cpu_s"]}
    return side | rates | {"kept": kept, "drop_reasons": dict(drops.most_common())}, verdicts


def same_text_side(args, ours: dict, pages: int) -> tuple[dict, dict]:
    """DataTrove's filters alone on Forage's text; both sides' filters-only rates."""
    texts, forage = ours.pop("texts"), ours.pop("filters_only")
    theirs, verdicts = side_summary(
        datatrove_side(args, texts["input"], texts["warmup"], None, texts=True),
        pages,
        docs=forage["docs"],
    )
    forage |= {"docs_per_s": forage["docs"] / forage["wall_s"]}
    forage |= {"docs_per_cpu_s": forage["docs"] / forage["cpu_s"]}
    theirs.pop("extractor", None)
    return {"docs": forage["docs"], "forage_filters": forage, "datatrove_filters": theirs}, verdicts


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
    parser.add_argument(
        "--same-text",
        action="store_true",
        help="also run DataTrove's filters alone on Forage's extracted text, isolating the "
        "filters from the extractors (times the filters only; nearly doubles DataTrove's time)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path, warmup = Path(tmp) / "bench.warc.gz", Path(tmp) / "warmup.warc.gz"
        build_input(path, args.copies, args.pages, args.seed)
        build_input(warmup, 1, 40, args.seed + 1)
        keys, by_ordinal, by_offset = page_keys(path)
        ours, ours_verdicts = side_summary(forage_side(args, path, warmup, by_offset), len(keys))
        theirs, theirs_verdicts = side_summary(
            datatrove_side(args, path, warmup, by_ordinal), len(keys)
        )
        if args.same_text:
            same_text, same_verdicts = same_text_side(args, ours, len(keys))
            same_text["agreement"] = compare(keys, ours_verdicts, same_verdicts)
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
    if args.same_text:
        result["same_text"] = same_text
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
