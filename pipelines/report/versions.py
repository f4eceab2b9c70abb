"""The report of a versioned corpus (``forage refresh``): every version side by side — counts,
drops per stage, PII — then each version's own report sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.report import charts
from pipelines.report import html as H
from pipelines.report.corpus import corpus_sections, load_manifest


def write_versions_report(root: str | Path, versions: list[dict[str, Any]]) -> Path:
    """``versions``: the catalog's entries (``version``, ``dir``, ``created_at``, ``counts``)."""
    root = Path(root)
    manifests = {v["dir"]: load_manifest(root / v["dir"]) for v in versions}
    names = [v["dir"] for v in versions]
    stages = list(dict.fromkeys(s["name"] for m in manifests.values() for s in m.get("stages", [])))
    rows = [
        ("created", *[v.get("created_at", "") for v in versions]),
        ("inputs", *[len(v.get("inputs", [])) for v in versions]),
        *[(key, *[manifests[n]["counts"][key] for n in names])
          for key in ("input", "kept", "rejected", "errors")],
        *[(f"dropped by {stage}", *[_dropped(manifests[n], stage) for n in names])
          for stage in stages],
    ]  # fmt: skip
    pii_types = sorted({k for m in manifests.values() for k in _pii(m)})
    rows += [(f"pii: {t}", *[_pii(manifests[n]).get(t, 0) for n in names]) for t in pii_types]
    series = {k: [manifests[n]["counts"][k] for n in names] for k in ("kept", "rejected", "errors")}
    figures = [charts.stacked(names, series, "Documents per version", ylabel="documents")]
    if stages:
        drops = {s: [_dropped(manifests[n], s) for n in names] for s in stages}
        drops = {s: v for s, v in drops.items() if any(v)}
        if drops:
            figures.append(charts.stacked(names, drops, "Drops per stage", ylabel="documents"))
    kept = sum(v.get("counts", {}).get("kept", 0) for v in versions)
    parts = [
        H.section("Versions side by side", H.charts(*figures), H.table(["", *names], rows)),
        *[
            H.section(f"Version {n}", H.details(f"{n}: full report", *corpus_sections(root / n, m)))
            for n, m in manifests.items()
        ],
    ]
    subtitle = f"{len(versions)} versions, {kept:,} documents kept in all · {root.resolve()}"
    return H.write_report(
        root, H.page(f"Corpus versions · {root.resolve().name}", subtitle, *parts)
    )


def _dropped(manifest: dict[str, Any], stage: str) -> int:
    return sum(s.get("dropped", 0) for s in manifest.get("stages", []) if s["name"] == stage)


def _pii(manifest: dict[str, Any]) -> dict[str, int]:
    return (manifest.get("totals") or {}).get("pii_counts") or {}
