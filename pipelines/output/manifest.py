"""The corpus manifest: counts that add up, per-stage drop reasons, files with checksums, versions."""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections import Counter, defaultdict
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from pipelines.core import schema as S

SOFTWARE = (
    "forage",
    "ray",
    "pyarrow",
    "fastwarc",
    "resiliparse",
    "ftfy",
    "mwxml",
    "mwparserfromhell",
    "phonenumbers",
)


def input_marker(spec_path: str, fmt: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold the per-batch stats of one finished input into its completion marker."""
    ends = [p["end"] for p in parts if p["end"] is not None]  # one per read range
    skipped: Counter[str] = Counter()
    notes: dict[str, Any] = {}  # reader notes (defaults assumed, ...), merged over read ranges
    for e in ends:
        skipped.update(e["skipped"])
        notes.update(e.get("notes", {}))
    end = {
        "records": sum(e["records"] for e in ends),
        "error": next((e["error"] for e in ends if e["error"]), None),
        "skipped": dict(sorted(skipped.items())),
    }
    reasons: Counter[tuple[str, str]] = Counter()
    for part in parts:
        for stage, reason, n in part["reasons"]:
            reasons[(stage, reason)] += n
    totals = sum_totals(parts)
    kept = sum(p["kept"] for p in parts)
    rejected = sum(p["rejected"] for p in parts)
    errors = sum(p["errors"] for p in parts)
    return (
        {
            "path": spec_path,
            "format": fmt,
            "status": "ok" if errors == 0 else "error",
            "records_read": end["records"],
            "kept": kept,
            "rejected": rejected,
            "errors": errors,
            "error": end["error"],
            "skipped": end["skipped"],
            "reasons": [[stage, reason, n] for (stage, reason), n in sorted(reasons.items())],
            "files": sorted((f for p in parts for f in p["files"]), key=lambda f: f["path"]),
        }
        | ({"totals": totals} if totals else {})
        | ({"notes": notes} if notes else {})
    )


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a local file's bytes, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def file_identity(path: str, storage_options: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a raw input was, for lineage: bytes, sha256 and modification time of a local file;
    bytes and the store's ETag (no second download to hash it) of a remote one."""
    if "://" not in path or path.startswith("file://"):
        local = path.removeprefix("file://")
        try:
            digest = file_sha256(local)
            stat = os.stat(local)
        except OSError as exc:
            return {"error": f"not readable for its checksum: {exc}"}
        modified = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds")
        return {"bytes": stat.st_size, "sha256": digest, "modified": modified}
    try:
        import fsspec

        fs, _, (resolved,) = fsspec.get_fs_token_paths(path, storage_options=storage_options or {})
        info = fs.info(resolved)
    except Exception as exc:  # noqa: BLE001 - lineage is best effort for remote stores
        return {"error": f"no metadata: {exc}"}
    etag = info.get("ETag") or info.get("etag")
    return {"bytes": info.get("size"), **({"etag": str(etag).strip('"')} if etag else {})}


def recipe_sha256(recipes: dict[str, Any]) -> str:
    """The sha256 of the resolved recipe(s) as the manifest records them."""
    return hashlib.sha256(json.dumps(recipes, sort_keys=True, default=str).encode()).hexdigest()


def build_manifest(
    markers: list[dict[str, Any]],
    recipes: dict[str, dict[str, Any]],
    fingerprint: str,
    seconds: float,
) -> dict[str, Any]:
    """The ``_manifest.json`` content; ``counts.input == kept + rejected + errors`` by construction.

    ``recipes``: each recipe's resolved form by name; every input names the one it got
    (``inputs[].recipe``). ``recipes`` lists those some input used; ``recipe`` is that recipe
    when only one was (the common case, and what corpora written before recipe sets had).
    """
    default = next(iter(recipes))
    used = [n for n in recipes if any(m.get("recipe", default) == n for m in markers)]
    used = used or [default]
    counts = {k: sum(m[k] for m in markers) for k in ("kept", "rejected", "errors")}
    counts = {"input": sum(m["records_read"] for m in markers), **counts}
    by_stage: dict[str, Counter[str]] = defaultdict(Counter)
    for m in markers:
        for stage, reason, n in m["reasons"]:
            by_stage[stage][reason] += n
    stages = []
    for name, params in stage_union({n: recipes[n] for n in used}).items():
        reasons = dict(sorted(by_stage.pop(name, Counter()).items()))
        entry = {"name": name, "params": params[0][1], "dropped": sum(reasons.values())}
        if len(used) > 1:
            entry["recipes"] = [recipe for recipe, _ in params]
            if any(p != params[0][1] for _, p in params):
                entry["params_by_recipe"] = dict(params)
        stages.append(entry | {"reasons": reasons})
    inputs = [
        {k: v for k, v in m.items() if k not in ("files", "reasons")}
        | {"recipe": m.get("recipe", default)}
        for m in markers
    ]
    totals = sum_totals(markers)
    single = {"recipe": recipes[used[0]]} if len(used) == 1 else {}
    return {
        "schema_version": S.SCHEMA_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **single,
        "recipes": {n: recipes[n] for n in used},
        "recipe_fingerprint": fingerprint,
        "recipe_sha256": recipe_sha256({n: recipes[n] for n in used}),
        "counts": counts,
        "stages": stages,
        **({"totals": totals} if totals else {}),
        "inputs": inputs,
        "files": sorted((f for m in markers for f in m["files"]), key=lambda f: f["path"]),
        "software": software_versions(),
        "wall_seconds": round(seconds, 2),
    }


def stage_union(resolved: dict[str, dict[str, Any]]) -> dict[str, list[tuple[str, Any]]]:
    """Stage name → [(recipe name, params)] over several resolved recipes, in pipeline order:
    a stage missing from the first recipe goes right after its predecessor in its own."""
    order: list[str] = []
    params: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for recipe_name, recipe in resolved.items():
        previous = None
        for entry in recipe["stages"]:
            ((name, p),) = entry.items()
            if name not in order:
                order.insert(order.index(previous) + 1 if previous else 0, name)
            params[name].append((recipe_name, p))
            previous = name
    return {name: params[name] for name in order}


def stages_run(manifest: dict[str, Any]) -> set[str]:
    """The names of the stages any input of a corpus went through."""
    recipes = manifest.get("recipes") or {"": manifest.get("recipe") or {}}
    return {next(iter(e)) for r in recipes.values() for e in r.get("stages", [])}


def sum_totals(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum the ``totals`` (column → count, or column → {field: count}) of batch stats or markers;
    items without any (markers written before a counting stage existed) add nothing."""
    out: dict[str, Any] = {}
    for item in items:
        for column, value in item.get("totals", {}).items():
            if isinstance(value, dict):
                fields = Counter(out.get(column, {}))
                fields.update(value)
                out[column] = dict(sorted(fields.items()))
            else:
                out[column] = out.get(column, 0) + value
    return out


def software_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in SOFTWARE:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
