"""``CORPUS/report.html``: what a curate / filter / refresh run did, from the manifest and the
shards alone — the funnel and its drop reasons, languages, the quality signals against the
recipe's thresholds, dedup clusters, PII replacements, inputs and errors, sample documents."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.core.errors import InputError
from pipelines.output.shards import MANIFEST
from pipelines.report import charts
from pipelines.report import html as H
from pipelines.report.sample import first_rows, read_columns, shard_files, signal_columns
from pipelines.report.thresholds import signal_groups, thresholds_for

SAMPLES_PER_REASON = 2


def load_manifest(root: Path) -> dict[str, Any]:
    path = Path(root) / MANIFEST
    if not path.is_file():
        raise InputError(f"{root}: no {MANIFEST} (not a finished corpus, or a run directory)")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is damaged: {exc}") from None


def write_corpus_report(root: str | Path) -> Path:
    """Build and write ``root/report.html``; returns its path."""
    root = Path(root)
    manifest = load_manifest(root)
    title = f"Corpus report · {root.resolve().name}"
    counts = manifest["counts"]
    subtitle = (
        f"{counts['input']:,} documents in → {counts['kept']:,} kept, {counts['rejected']:,} "
        f"rejected, {counts['errors']:,} errors · {root.resolve()}"
    )
    return H.write_report(root, H.page(title, subtitle, *corpus_sections(root, manifest)))


def corpus_sections(root: Path, manifest: dict[str, Any]) -> list[str]:
    data, rejected = shard_files(root, manifest, "data"), shard_files(root, manifest, "rejected")
    return [
        _overview(manifest),
        _funnel(manifest),
        _languages(data, rejected),
        _signals(manifest, data, rejected),
        _dedup(manifest, data, rejected),
        _pii(manifest),
        _inputs(manifest, shard_files(root, manifest, "errors")),
        _samples(data, rejected),
    ]


def _overview(manifest: dict[str, Any]) -> str:
    c = manifest["counts"]
    files = manifest.get("files", [])
    size = sum(f.get("bytes", 0) for f in files if f.get("kind") == "data")
    rows = [
        ("documents in", c["input"]),
        ("kept", c["kept"]),
        ("rejected", c["rejected"]),
        ("errors", c["errors"]),
        ("data shards", sum(f.get("kind") == "data" for f in files)),
        ("data size (MB)", round(size / 1e6, 2)),
        ("recipe fingerprint", manifest.get("recipe_fingerprint", "")),
        ("created", manifest.get("created_at", "")),
        ("wall seconds", manifest.get("wall_seconds", "")),
    ]
    if src := manifest.get("refiltered_from"):
        rows.append(("refiltered from", src.get("corpus", "")))
    return H.section("Overview", H.table(["", "value"], rows))


def _funnel(manifest: dict[str, Any]) -> str:
    c, stages = manifest["counts"], manifest.get("stages", [])
    left = c["input"] - c["errors"]
    funnel = {"read": left}
    for stage in stages:
        left -= stage.get("dropped", 0)
        funnel[f"after {stage['name']}"] = left
    reasons = Counter()
    for stage in stages:
        for reason, n in (stage.get("reasons") or {}).items():
            reasons[f"{stage['name']}: {reason}"] += n
    rows = [
        (
            s["name"],
            s.get("dropped", 0),
            ", ".join(
                f"{k}={v:,}"
                for k, v in sorted((s.get("reasons") or {}).items(), key=lambda kv: -kv[1])
            ),
        )  # fmt: skip
        for s in stages
    ]
    figures = [charts.bars(funnel, "Funnel: documents left after each stage", xlabel="documents")]
    if reasons:
        top = dict(reasons.most_common(20))
        figures.append(charts.bars(top, "Drop reasons", color=charts.REJECTED, xlabel="documents"))
    return H.section(
        "Funnel",
        H.charts(*figures),
        H.table(["stage", "dropped", "reasons"], rows),
        H.para(f"kept {c['kept']:,} of {c['input']:,} documents in", "muted"),
    )


def _languages(data: list[Path], rejected: list[Path]) -> str:
    kept, total, sampled = read_columns(data, [S.LANGUAGE])
    dropped, _, _ = read_columns(rejected, [S.LANGUAGE])
    counts = _value_counts(kept[S.LANGUAGE])
    if not counts:
        return H.section("Languages", H.para("no language column (langid did not run)", "muted"))
    top = dict(list(counts.items())[:15])
    rejected_counts = _value_counts(dropped[S.LANGUAGE])
    note = f"sampled {kept.num_rows:,} of {total:,} kept documents" if sampled else ""
    rows = [(lang, n, rejected_counts.get(lang, 0)) for lang, n in list(counts.items())[:30]]
    return H.section(
        "Languages",
        H.charts(charts.bars(top, "Languages of kept documents", xlabel="documents")),
        H.table(["language", "kept", "rejected"], rows),
        H.para(note, "muted") if note else "",
    )


def _signals(manifest: dict[str, Any], data: list[Path], rejected: list[Path]) -> str:
    columns = signal_columns(data + rejected)
    if not columns:
        return H.section("Quality signals", H.para("no signal columns stored", "muted"))
    kept, total_kept, sampled = read_columns(data, columns)
    dropped, total_dropped, _ = read_columns(rejected, columns)
    parts = []
    for group, names in signal_groups(columns).items():
        figures = [
            charts.histogram(
                _floats(kept[name]),
                _floats(dropped[name]),
                name,
                thresholds=thresholds_for(name, manifest.get("stages", [])),
            )
            for name in names
        ]
        parts.append(f"<h3>{H.esc(group)}</h3>" + H.charts(*figures))
    note = (
        f"kept: {kept.num_rows:,} of {total_kept:,} documents{' (sampled)' if sampled else ''}; "
        f"rejected: {dropped.num_rows:,} of {total_dropped:,}. Dashed lines: the recipe's thresholds."
    )
    return H.section("Quality signals", H.para(note, "muted"), *parts)


def _dedup(manifest: dict[str, Any], data: list[Path], rejected: list[Path]) -> str:
    dropped = {s["name"]: s.get("dropped", 0) for s in manifest.get("stages", [])}
    rows = [(name, n) for name, n in dropped.items() if "dedup" in name]
    columns = ["dup_cluster", "dup_cluster_size"]
    table, _, sampled = read_columns(data + rejected, columns)
    sizes: Counter[int] = Counter()
    if table.num_rows:
        valid = table.filter(pc.is_valid(table["dup_cluster"]))
        if valid.num_rows:
            clusters = valid.group_by("dup_cluster").aggregate([("dup_cluster_size", "max")])
            sizes = Counter(clusters["dup_cluster_size_max"].to_pylist())
    figure = ""
    if sizes:
        ordered = {str(k): v for k, v in sorted(sizes.items())[:30]}
        figure = charts.bars(ordered, "Duplicate clusters by size", horizontal=False,
                             xlabel="clusters", log=max(sizes.values()) > 100)  # fmt: skip
    note = f"{sum(sizes.values()):,} clusters of 2+ documents" + (" (sampled)" if sampled else "")
    if not rows:
        return H.section("Deduplication", H.para("no dedup stage ran", "muted"))
    return H.section(
        "Deduplication",
        H.charts(figure) if figure else "",
        H.table(["stage", "duplicates dropped"], rows),
        H.para(note, "muted"),
    )


def _pii(manifest: dict[str, Any]) -> str:
    totals = (manifest.get("totals") or {}).get("pii_counts")
    if not totals:
        return H.section("PII", H.para("the pii stage did not run", "muted"))
    ordered = dict(sorted(totals.items(), key=lambda kv: -kv[1]))
    return H.section(
        "PII replacements",
        H.charts(charts.bars(ordered, "PII replaced, by type", xlabel="replacements")),
        H.table(["type", "replacements"], ordered.items()),
    )


INPUT_HEADERS = ["input", "format", "recipe", "read", "kept", "rejected", "errors", "status",
                 "skipped records", "error"]  # fmt: skip


def _inputs(manifest: dict[str, Any], error_files: list[Path]) -> str:
    inputs = manifest.get("inputs", [])
    rows = [
        (Path(i["path"]).name, i.get("format"), i.get("recipe", ""), i.get("records_read", 0),
         i.get("kept", 0), i.get("rejected", 0), i.get("errors", 0), i.get("status"),
         ", ".join(f"{k}={v:,}" for k, v in (i.get("skipped") or {}).items()), i.get("error") or "")
        for i in inputs
    ]  # fmt: skip
    errors = [
        (Path(r.get(S.SOURCE_FILE) or "").name, r.get(S.SOURCE_RECORD), H.shorten(r.get(S.ERROR), 200))
        for r in first_rows(error_files, [S.SOURCE_FILE, S.SOURCE_RECORD, S.ERROR], max_rows=50)
    ]  # fmt: skip
    skipped = manifest.get("skipped_files") or {}
    skipped_count = sum(skipped.values()) if isinstance(skipped, dict) else ""
    return H.section(
        "Sources and inputs",
        H.table(["source", "inputs", "read", "kept", "rejected", "errors"], _by_source(inputs)),
        H.table(INPUT_HEADERS, rows),
        H.details(f"Skipped files ({skipped_count})", H.esc(json.dumps(skipped, indent=1)))
        if skipped else "",
        H.details(f"Error records (first {len(errors)})", H.table(["file", "record", "error"], errors))
        if errors else "",
    )  # fmt: skip


def _by_source(inputs: list[dict[str, Any]]) -> list[tuple]:
    by_source: dict[str, Counter] = {}
    for i in inputs:
        totals = by_source.setdefault(i.get("format", "?"), Counter())
        for key in ("records_read", "kept", "rejected", "errors"):
            totals[key] += i.get(key, 0)
        totals["inputs"] += 1
    return [(fmt, t["inputs"], t["records_read"], t["kept"], t["rejected"], t["errors"])
            for fmt, t in by_source.items()]  # fmt: skip


def _samples(data: list[Path], rejected: list[Path]) -> str:
    columns = [S.ID, S.TITLE, S.URL, S.TEXT, S.LANGUAGE, S.DROP_REASON, S.DROPPED_BY]
    kept = [_doc(r) for r in first_rows(data, columns, max_rows=3)][:3]
    by_reason: dict[str, list[str]] = {}
    for row in first_rows(rejected, columns, max_rows=20_000):
        docs = by_reason.setdefault(f"{row.get(S.DROPPED_BY)}: {row.get(S.DROP_REASON)}", [])
        if len(docs) < SAMPLES_PER_REASON:
            docs.append(_doc(row))
    parts = [H.details("Kept documents", *kept) if kept else ""]
    parts += [
        H.details(f"Rejected · {reason}", *docs) for reason, docs in sorted(by_reason.items())
    ]
    return H.section(
        "Sample documents", H.para("texts shortened to 600 characters", "muted"), *parts
    )


def _doc(row: dict[str, Any]) -> str:
    tags = "".join(
        f"<span class=tag>{H.esc(row.get(k))}</span>" for k in (S.LANGUAGE, S.ID) if row.get(k)
    )
    head = H.esc(row.get(S.TITLE) or row.get(S.URL) or "")
    return f"<div class=doc>{tags}<b>{head}</b>\n{H.esc(H.shorten(row.get(S.TEXT)))}</div>"


def _value_counts(column: Any) -> dict[str, int]:
    counts = pc.value_counts(column.drop_null()) if len(column) else []
    pairs = [(str(v["values"]), int(v["counts"])) for v in counts.to_pylist()] if counts else []
    return dict(sorted(pairs, key=lambda kv: -kv[1]))


def _floats(column: Any) -> np.ndarray:
    return np.asarray(column.cast("float64").to_numpy(zero_copy_only=False), dtype=float)
