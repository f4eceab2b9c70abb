"""Human-readable summary tables of a curate manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def print_summary(manifest: dict[str, Any], manifest_path: str) -> None:
    """Counts, per-input status and per-stage drop reasons, as plain aligned tables."""
    c = manifest["counts"]
    print(f"\nmanifest: {manifest_path}")
    report = Path(manifest_path).with_name("report.html")
    if report.is_file():
        print(f"report:   {report} (open file://{report.resolve()} in a browser)")
    print(
        f"documents: {c['input']:,} in = {c['kept']:,} kept + {c['rejected']:,} rejected "
        f"+ {c['errors']:,} errors"
    )
    rows = [
        (
            i["path"].rsplit("/", 1)[-1],
            i["format"],
            i.get("recipe", "-"),
            i["records_read"],
            i["kept"],
            i["rejected"],
            i["errors"],
            i["status"],
        )
        for i in manifest["inputs"]
    ]
    _table(("input", "format", "recipe", "read", "kept", "rejected", "errors", "status"), rows)
    skipped = manifest.get("skipped_files")
    if skipped:
        why = ", ".join(f"{r}={n}" for r, n in skipped["reasons"].items())
        print(
            f"skipped in input directories: {skipped['count']:,} files ({why}; listed in the manifest)"
        )
    stage_rows = [
        (s["name"], s["dropped"], ", ".join(f"{r}={n}" for r, n in s["reasons"].items()))
        for s in manifest["stages"]
    ]
    if stage_rows:
        print()
        _table(("stage", "dropped", "reasons"), stage_rows)
    files = [f for f in manifest["files"] if f["kind"] == "data"]
    total = sum(f["bytes"] for f in files)
    print(f"\nshards: {len(files)} data files, {total / 1e6:.2f} MB (zstd Parquet)")


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    cells = [tuple(f"{v:,}" if isinstance(v, int) else str(v) for v in r) for r in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print(
            "  ".join(
                v.rjust(w) if n and v[:1].isdigit() else v.ljust(w) for v, w in zip(row, widths)
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
