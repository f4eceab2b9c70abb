"""PII scrubbing: the pii stage with its pre-check, the same detectors run on every document,
and DataTrove's PIIFormatter, as docs/s per core, with recall and collateral changes.

Two mixes, each side one process on one core (best of --repeat passes after a warm-up; the
phone cache is cleared before each pass):

- ``web``: the real pages and articles of ../shared/data (Common Crawl WARC/WET samples, the
  English and Latgalian Wikipedia dumps, each document once), of which --pii-fraction get 1-3
  generated sentences with e-mails, phones, IPs, cards, IBANs and SSNs appended
  (cluster/demo/pii_corpus.py): most documents have nothing to scrub;
- ``dense``: --dense-docs generated documents, every one with PII (the pre-check's worst case).

Sides: ``forage`` (the stage, default config, blocks of 1,000 rows), ``no_precheck`` (the same
detectors and rewrite called on every document), ``forage_email_ip`` (the stage limited to
DataTrove's two types: the like-for-like speed ratio), ``forage_valid_phones`` (the stage with
``phone_mode: valid``), ``datatrove`` (``PIIFormatter()`` in .venv-datatrove,
benchmarks/_datatrove_pii.py). Recall counts the planted values whose every word changed, also
per type and per shape (``phone:possible/trunk+ext``, ``credit_card:maestro/dashed``, ...);
``other_changed`` the other words changed (on ``web`` this includes real PII of the real pages,
so it is an upper bound).

Collateral on real text: the values the stage finds in the real pages alone (nothing planted),
per type; each is real PII or collateral, so this is an upper bound. ``--review FILE`` writes
each with its context (a TSV) to read one by one.

    make bench-pii
    .venv/bin/python benchmarks/pii.py [--pii-fraction 0.05] [--repeat 3] [--json out.json]
        [--review found.tsv]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
DATATROVE_PYTHON = HERE.parent / ".venv-datatrove" / "bin" / "python"
REAL_INPUTS = (
    ("warc/CC-MAIN-2020-34_resiliparse-warcfile.warc.gz", "warc"),
    ("warc/dolma_sample-0000.warc.gz", "warc"),
    ("warc/CC-MAIN-2024-22_whirlwind.warc.wet.gz", "wet"),
    ("wikipedia/enwiki-shortened-gensim.xml.bz2", "wikipedia"),
    ("wikipedia/ltgwiki-smallwiki-dumpster-dive.xml", "wikipedia"),
)


def real_texts() -> list[str]:
    from pipelines.inputs import InputSpec, ReadConfig
    from pipelines.inputs.warc import read_warc
    from pipelines.inputs.wikipedia import read_wikipedia

    texts = []
    for path, fmt in REAL_INPUTS:
        read = read_wikipedia if fmt == "wikipedia" else read_warc
        for block in read(InputSpec(str(DATA / path), fmt), ReadConfig()):
            texts += [t for t in block["text"].to_pylist() if t]
    return texts


def web_mix(texts: list[str], fraction: float, seed: int) -> list[tuple[str, list]]:
    """Real documents; ``fraction`` of them with generated PII sentences appended."""
    from dataclasses import replace

    from cluster.demo.pii_corpus import generate

    rng = random.Random(seed)
    planted = iter(generate(len(texts), seed))
    mix = []
    for text in texts:
        if rng.random() >= fraction:
            mix.append((text, []))
            continue
        extra, truth = next(planted)
        shift = len(text) + 2
        shifted = [replace(e, start=e.start + shift, end=e.end + shift) for e in truth]
        mix.append((f"{text}\n\n{extra}", shifted))
    return mix


def blocks_of(texts: list[str], rows: int = 1000) -> list:
    import pyarrow as pa

    from pipelines.core import schema as S

    tables = []
    for start in range(0, len(texts), rows):
        chunk = texts[start : start + rows]
        ids = [str(start + i) for i in range(len(chunk))]
        tables.append(S.conform(pa.table({S.ID: ids, S.TEXT: chunk}), S.DOCUMENT_SCHEMA))
    return tables


def timed(repeat: int, work) -> tuple[float, float, list[str]]:
    from pipelines.pii import phones

    wall = cpu = float("inf")
    for _ in range(repeat):
        phones._number.cache_clear()  # each pass meets every number for the first time
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        outputs = work()
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, outputs


def forage_sides(texts: list[str], repeat: int) -> dict[str, tuple[float, float, list[str]]]:
    from pipelines.core import schema as S
    from pipelines.stages import build_stage

    blocks = blocks_of(texts)
    sides = {}
    for name, params in (
        ("forage", {}),
        ("forage_email_ip", {"entities": ["email", "ip"]}),
        ("forage_valid_phones", {"phone_mode": "valid"}),
    ):
        stage = build_stage("pii", params)
        stage(blocks[0])  # warm-up

        def run(stage=stage) -> list[str]:
            return [t for block in blocks for t in stage(block)[S.TEXT].to_pylist()]

        sides[name] = timed(repeat, run)
    stage = build_stage("pii")

    def every_document() -> list[str]:
        outputs = []
        for text in texts:
            spans = stage.scanner.spans(text)
            outputs.append(stage.rewrite(text, spans) if spans else text)
        return outputs

    sides["no_precheck"] = timed(repeat, every_document)
    return sides


def datatrove_side(texts: list[str], repeat: int, python: Path, tmp: Path):
    if not python.exists():
        print(f"WARNING: {python} missing (make bench-pii builds it); DataTrove skipped")
        return None
    source, out = tmp / "texts.jsonl", tmp / "datatrove.json"
    with source.open("w", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    command = [str(python), str(HERE / "_datatrove_pii.py"), str(source), str(out)]
    subprocess.run([*command, "--repeat", str(repeat)], check=True)
    result = json.loads(out.read_text())
    return result["wall_s"], result["cpu_s"], result["outputs"]


def measure(mix: list[tuple[str, list]], args, tmp: Path) -> dict:
    from cluster.demo.pii_corpus import score

    texts = [text for text, _ in mix]
    sides = forage_sides(texts, args.repeat)
    theirs = datatrove_side(texts, args.repeat, Path(args.datatrove_python), tmp)
    if theirs is not None:
        sides["datatrove"] = theirs
    report = {"docs": len(texts), "with_pii": sum(bool(t) for _, t in mix), "sides": {}}
    for name, (wall, cpu, outputs) in sides.items():
        result = score(mix, outputs)
        report["sides"][name] = {
            "docs_per_cpu_s": len(texts) / cpu,
            "docs_per_s": len(texts) / wall,
            "recall": result.recall,
            "other_changed": result.other_changed_frac,
            "recall_by_kind": {k: result.recall_of(k) for k in result.by_kind},
        }
    report["planted_by_kind"] = {k: n for k, (n, _) in result.by_kind.items()}
    base = report["sides"]["forage"]["docs_per_cpu_s"]
    for side in report["sides"].values():
        side["forage_speedup"] = base / side["docs_per_cpu_s"]
    return report


def real_detections(texts: list[str], review: Path | None) -> dict:
    """What the stage finds in the real pages alone, per type; with ``review`` each value in
    its context (60 characters either side), to be read one by one."""
    from pipelines.stages import build_stage

    scanner = build_stage("pii").scanner
    found, rows, docs = Counter(), [], set()
    for doc, text in enumerate(texts):
        for span in scanner.spans(text):
            found[span.entity] += 1
            docs.add(doc)
            context = text[max(0, span.start - 60) : span.end + 60].replace("\n", " ")
            rows.append(f"{doc}\t{span.entity}\t{text[span.start : span.end]}\t{context}")
    if review:
        review.write_text("doc\tentity\tvalue\tcontext\n" + "\n".join(rows) + "\n")
    words = sum(len(text.split()) for text in texts)
    return {"docs": len(texts), "words": words, "docs_with_values": len(docs), "found": dict(found)}


def print_report(name: str, report: dict) -> None:
    print(f"\n{name}: {report['docs']:,} documents, {report['with_pii']:,} with planted PII")
    print(f"  {'side':<20}{'docs/s/core':>12}{'forage ÷':>10}{'recall':>9}{'other chg':>11}")
    for side, r in report["sides"].items():
        print(
            f"  {side:<20}{r['docs_per_cpu_s']:>12,.0f}{r['forage_speedup']:>10.2f}"
            f"{r['recall']:>9.3f}{r['other_changed']:>11.4%}"
        )
    recall, planted = report["sides"]["forage"]["recall_by_kind"], report["planted_by_kind"]
    for group in (False, True):  # per type, then per shape
        kinds = [k for k in recall if (":" in k) == group]
        cells = [f"{k} {recall[k]:.3f} ({planted[k]:,})" for k in kinds]
        print(f"  forage recall per {'shape' if group else 'type'}:")
        for start in range(0, len(cells), 3):
            print("    " + "   ".join(f"{c:<34}" for c in cells[start : start + 3]).rstrip())


def print_real(real: dict) -> None:
    found = ", ".join(f"{k} {n}" for k, n in sorted(real["found"].items()))
    print(
        f"\nreal pages alone: {real['docs']:,} documents, {real['words']:,} words; values found "
        f"in {real['docs_with_values']} documents: {found or 'none'} (real PII or collateral: "
        "read them with --review)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pii-fraction", type=float, default=0.05)
    parser.add_argument("--dense-docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per side; best counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--review", type=Path, help="write the values found in real pages here")
    parser.add_argument("--datatrove-python", default=str(DATATROVE_PYTHON))
    args = parser.parse_args()
    import pyarrow as pa

    from cluster.demo.pii_corpus import generate

    pa.set_cpu_count(1)  # one core, as the DataTrove side
    results, texts = {}, real_texts()
    with tempfile.TemporaryDirectory() as tmp:
        results["web"] = measure(web_mix(texts, args.pii_fraction, args.seed), args, Path(tmp))
        results["dense"] = measure(generate(args.dense_docs, args.seed + 1), args, Path(tmp))
    real = real_detections(texts, args.review)
    for name, report in results.items():
        print_report(name, report)
    print_real(real)
    results["real"] = real
    print("\nforage ÷ = the forage side's docs/s per core over this side's (> 1: forage is faster)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
