"""DataTrove's FineWeb filter chain, the baseline half of benchmarks/filters.py.

Runs in DataTrove's own venv (``make bench-filters`` builds .venv-datatrove) and imports nothing
from Forage. The steps are those of datatrove's examples/fineweb.py minus URLFilter and the
writers, chained in this process exactly as DataTrove's executors chain them (each step's
generator feeds the next). Writes to OUT a JSON object with, for every document the reader
emitted, its WARC record ordinal → null if kept, else ``step:reason``; and the wall and CPU
seconds of the timed run (CPU includes the Trafilatura sandbox child, reaped at the end of the
run). Imports, model loading and a warm-up run over WARMUP are outside the timed region.

With --texts, INPUT and WARMUP are JSONL files of {"page", "text"} (Forage's extracted text) and
only the filters run, on Documents built from them before the timed region: the verdicts are then
keyed by page. A page with empty text is dropped as ``empty_text`` before the filters, as
DataTrove's extractor step drops a document whose extracted text is empty.

    .venv-datatrove/bin/python benchmarks/_datatrove_chain.py INPUT WARMUP LID_MODEL OUT [--texts] [--dedup] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from importlib.metadata import version
from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    LanguageFilter,
)
from datatrove.pipeline.readers import WarcReader
from datatrove.utils.logging import logger

VERSIONED = ("datatrove", "trafilatura", "spacy", "fasttext-numpy2-wheel", "warcio")
# Tag of each filter in drop reasons (DataTrove's own reason strings follow the colon).
FILTER_TAGS = {
    LanguageFilter: "language",
    GopherRepetitionFilter: "gopher_rep",
    GopherQualityFilter: "gopher_qual",
    C4QualityFilter: "c4",
    FineWebQualityFilter: "fineweb",
}


class DropRecorder:
    """Duck-typed exclusion writer: BaseFilter hands it every document it drops."""

    def __init__(self, tag: str, verdicts: dict[int, str | None]) -> None:
        self.tag, self.verdicts = tag, verdicts

    def __enter__(self) -> DropRecorder:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def write(self, doc, rank: int = 0) -> None:
        reason = doc.metadata.get("filter_reason")
        self.verdicts[doc.metadata["record"]] = f"{self.tag}:{reason}" if reason else self.tag


def _with_record(self, data: dict, path: str, id_in_file: int) -> dict:
    """WarcReader adapter: the default one, plus the record ordinal (for matching the sides)."""
    out = self._default_adapter(data, path, id_in_file)
    out["metadata"]["record"] = id_in_file
    return out


class Chain:
    """The filters are built once (models load on the warm-up run); reader and extractor per run."""

    def __init__(self, lid_model: Path, dedup: bool) -> None:
        from fasttext.FastText import _FastText

        language = LanguageFilter(languages=["en"], language_threshold=0.65)
        # Offline: the stock lid.176 model Forage uses, not FT176LID's download of lid.176.bin.
        language.model._model = _FastText(str(lid_model))
        self.filters = [
            language,
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            C4QualityFilter(filter_no_terminal_punct=False),
            FineWebQualityFilter(),
        ]
        self.dedup = dedup

    def run(self, warc: Path) -> tuple[dict[int, str | None], dict[str, float]]:
        """Verdicts of every document the reader emitted, and the extractor's stats."""
        verdicts = self._recording()
        reader = WarcReader(str(warc.parent), glob_pattern=warc.name, adapter=_with_record)
        extractor = Trafilatura(favour_precision=True, deduplicate=self.dedup)

        def tap(docs, reason: str | None):
            for doc in docs:  # every document reaching this point; a later verdict overwrites
                verdicts[doc.metadata["record"]] = reason
                yield doc

        data = tap(reader(), "trafilatura_empty")  # what the extractor drops leaves no other trace
        self._filter(tap(extractor(data), None), verdicts)
        return verdicts, {k: v.total for k, v in extractor.stats.stats.items()}

    def run_texts(self, docs: list[Document]) -> tuple[dict[int, str | None], dict[str, float]]:
        """Verdicts of the filters alone on ``docs`` (see ``documents``)."""
        verdicts = self._recording()

        def nonempty():  # DataTrove's extractor step yields only documents with text
            for doc in docs:
                verdicts[doc.metadata["record"]] = None if doc.text else "empty_text"
                if doc.text:
                    yield doc

        self._filter(nonempty(), verdicts)
        return verdicts, {}

    def _recording(self) -> dict[int, str | None]:
        verdicts: dict[int, str | None] = {}
        for step in self.filters:
            step.exclusion_writer = DropRecorder(FILTER_TAGS[type(step)], verdicts)
        return verdicts

    def _filter(self, data, verdicts: dict[int, str | None]) -> None:
        for step in self.filters:
            data = step(data)
        for doc in data:
            verdicts[doc.metadata["record"]] = None


def documents(jsonl: Path) -> list[Document]:
    """Fresh Documents of Forage's text (the filters write into their metadata)."""
    with jsonl.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [Document(r["text"], str(r["page"]), metadata={"record": r["page"]}) for r in rows]


def cpu_seconds() -> float:
    t = os.times()  # children: the Trafilatura sandbox, reaped when the extractor step ends
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, help="a WARC, or with --texts a JSONL")
    parser.add_argument("warmup", type=Path)
    parser.add_argument("lid_model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dedup", action="store_true", help="Trafilatura deduplicate=True")
    parser.add_argument("--texts", action="store_true", help="filters only, on JSONL text")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs; the best counts")
    args = parser.parse_args()
    logger.remove()  # DataTrove logs every sandbox cleanup at INFO
    logger.add(sys.stderr, level="WARNING")
    import trafilatura  # noqa: F401  imported here so the forked sandbox child inherits it

    chain = Chain(args.lid_model, args.dedup)
    if args.texts:
        run, prepare = chain.run_texts, documents  # Documents are built outside the timed region
    else:
        run, prepare = chain.run, lambda path: path
    run(prepare(args.warmup))  # loads spaCy's tokenizer, the regexes, ...
    wall = cpu = float("inf")
    for _ in range(args.repeat):  # the best run counts
        data = prepare(args.input)
        start_wall, start_cpu = time.perf_counter(), cpu_seconds()
        verdicts, extractor_stats = run(data)
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, cpu_seconds() - start_cpu)
    result = {
        "wall_s": wall,
        "cpu_s": cpu,
        "verdicts": {str(k): v for k, v in verdicts.items()},
        "extractor": extractor_stats,
        "versions": {name: version(name) for name in VERSIONED},
    }
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
