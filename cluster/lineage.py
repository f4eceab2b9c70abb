"""``forage lineage PATH``: the chain from a model (an ``hf/`` dir, a fine-tune, tune or pretrain
run) back to its raw inputs — runs, recipes, the corpus manifest, each input's bytes and sha256 —
with every recorded checksum compared with what is on disk now, so a corpus or a base model that
changed after a model was trained on it is flagged."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pipelines.core.errors import InputError
from pipelines.output.manifest import file_sha256

RUN_JSON, MANIFEST = "run.json", "_manifest.json"
DEPTH = {"fine-tune": 1, "tune": 1, "pretrain": 2, "random init": 2, "base model": 2, "corpus": 3,
         "input": 4}  # fmt: skip


def lineage(path: str | Path) -> list[dict[str, Any]]:
    """The links from ``path`` back to the raw inputs, nearest first; each ``{"kind", "path",
    "facts": {...}, "warnings": [...]}``."""
    start = Path(path).resolve()
    if (start / MANIFEST).is_file():
        return corpus_links(start, None)
    run = start.parent if (start / "config.json").is_file() and not (start / RUN_JSON).is_file() \
        else start  # fmt: skip
    if not (run / RUN_JSON).is_file():
        raise InputError(f"{path}: no run.json beside it or in it, and no {MANIFEST}: not a "
                         "Forage model, run or corpus")  # fmt: skip
    links = []
    if run != start:
        links.append({"kind": "model", "path": str(start), "facts": _model_facts(start),
                      "warnings": []})  # fmt: skip
    return links + run_links(run)


def run_links(run: Path) -> list[dict[str, Any]]:
    info = json.loads((run / RUN_JSON).read_text())
    facts = {"recipe_sha256": info.get("recipe_sha256")}
    if "task" in info:  # a fine-tune or tune run
        kind = "tune" if (run / "best.json").is_file() else "fine-tune"
        metrics = _json(run / "metrics.json")
        facts |= {"task": info["task"], **{k: metrics.get(k) for k in ("dev_f1", "test_f1")}}
        facts |= {f"{split} file": _file(f) for split, f in (info.get("data_files") or {}).items()}
        base = Path(info["base_model"])
        warnings = _changed(
            base / "config.json", info.get("base_model_config_sha256"), "base model"
        )
        link = {"kind": kind, "path": str(run), "facts": facts, "warnings": warnings}
        if info.get("pretrain_run"):
            pre = Path(info["pretrain_run"])
            link["warnings"] += _changed(
                pre / RUN_JSON, info.get("pretrain_run_sha256"), "pretrain run"
            )
            return [link, *run_links(pre)]
        return [link, {"kind": "base model", "path": str(base), "facts": {}, "warnings": []}]
    if info.get("kind") == "random-init":
        facts |= {"seed": info.get("seed"), "tokenizer_sha256": info.get("tokenizer_sha256")}
        return [{"kind": "random init", "path": str(run), "facts": facts, "warnings": []}]
    recipe = info.get("recipe") or {}
    facts |= {
        "objective": (recipe.get("model") or {}).get("objective"),
        "steps": info.get("steps"),
        "tokens": info.get("tokens_seen"),
        "tokenizer_sha256": info.get("tokenizer_sha256"),
    }
    link = {"kind": "pretrain", "path": str(run), "facts": facts, "warnings": []}
    corpus = info.get("corpus") or _json(Path(info.get("data_dir", "")) / "packed.json").get(
        "corpus"
    )
    if not corpus:
        link["warnings"].append("run.json names no corpus directory (a run from before lineage)")
        return [link]
    return [link, *corpus_links(Path(corpus), info.get("manifest_sha256"))]


def corpus_links(corpus: Path, recorded: str | None) -> list[dict[str, Any]]:
    manifest_path = corpus / MANIFEST
    if not manifest_path.is_file():
        return [{"kind": "corpus", "path": str(corpus), "facts": {"manifest_sha256": recorded},
                 "warnings": ["MISSING: the corpus is gone"]}]  # fmt: skip
    raw = manifest_path.read_bytes()
    manifest = json.loads(raw)
    now = hashlib.sha256(raw).hexdigest()
    warnings = _changed(manifest_path, recorded, "corpus") if recorded else []
    counts = manifest.get("counts", {})
    facts = {
        "manifest_sha256": now,
        "recipes": ", ".join(manifest.get("recipes") or {}) or None,
        "recipe_sha256": manifest.get("recipe_sha256"),
        "kept": f"{counts.get('kept', 0):,} of {counts.get('input', 0):,} records",
    }
    for i, stage in enumerate(manifest.get("stages", []), 1):
        facts[f"stage {i}"] = f"{stage['name']} {_params(stage.get('params'))}".strip()
    links = [{"kind": "corpus", "path": str(corpus), "facts": facts, "warnings": warnings}]
    for entry in manifest.get("inputs", []):
        links.append(_input_link(entry))
    parent = manifest.get("refiltered_from")
    if parent:
        links += corpus_links(Path(parent["corpus"]), parent.get("manifest_sha256"))
    return links


def _input_link(entry: dict[str, Any]) -> dict[str, Any]:
    source = entry.get("source") or {}
    facts = {"format": entry.get("format"), "recipe": entry.get("recipe"),
             "records": entry.get("records_read"), "kept": entry.get("kept"),
             **{k: source.get(k) for k in ("bytes", "sha256", "etag", "modified")}}  # fmt: skip
    if isinstance(facts["bytes"], int):
        facts["bytes"] = f"{facts['bytes']:,}"
    warnings = []
    path = entry["path"]
    if not source:
        warnings.append("no checksum recorded (a corpus from before lineage)")
    elif "://" not in path and source.get("bytes") is not None:
        if not os.path.exists(path):
            warnings.append("MISSING: the input is no longer there")
        elif (
            os.path.getsize(path) != source["bytes"] or file_sha256(Path(path)) != source["sha256"]
        ):
            warnings.append("CHANGED since the corpus was curated")
    return {"kind": "input", "path": path, "facts": facts, "warnings": warnings}


def _changed(path: Path, recorded: str | None, what: str) -> list[str]:
    if recorded is None:
        return []
    if not path.is_file():
        return [f"MISSING: the {what} ({path}) is gone"]
    if file_sha256(path) != recorded:
        return [f"CHANGED: the {what} differs from the one this was trained on ({path})"]
    return []


def _model_facts(hf: Path) -> dict[str, Any]:
    config = _json(hf / "config.json")
    return {"architecture": ", ".join(config.get("architectures") or []) or None,
            "labels": len(config.get("id2label") or {}) or None}  # fmt: skip


def _file(entry: dict[str, Any]) -> str:
    size = entry.get("bytes")
    digest = entry.get("sha256")
    return f"{entry.get('path')} ({size:,} B, sha256 {digest[:16]}…)" if digest else str(entry)


def _params(params: dict[str, Any] | None) -> str:
    if not params:
        return ""
    return " ".join(
        f"{k}={json.dumps(v, default=str, separators=(',', ':'))}"
        for k, v in sorted(params.items())
    )


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def format_chain(links: list[dict[str, Any]]) -> str:
    lines = []
    for link in links:
        indent = "  " * DEPTH.get(link["kind"], 0)
        lines.append(f"{indent}{link['kind']:<11} {link['path']}")
        for key, value in link["facts"].items():
            if value is not None and value != "":
                lines.append(f"{indent}    {key:<16} {value}")
        for warning in link["warnings"]:
            lines.append(f"{indent}    ! {warning}")
    return "\n".join(lines)
