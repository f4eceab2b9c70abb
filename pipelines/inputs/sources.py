"""Resolving user inputs (paths, globs, URLs, Common Crawl listings) into validated InputSpecs."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import fsspec

from pipelines.core.errors import InputError
from pipelines.inputs import SUFFIXES, InputSpec, ReadConfig, detect_format
from pipelines.inputs.io import open_binary

LISTING_SUFFIXES = (".paths.gz", ".paths")
GLOB_CHARS = "*?["
# Common Crawl WAT: JSON metadata (headers, links) of each capture, without its text.
WAT_SUFFIXES = (".wat.gz", ".wat.zst", ".wat")
WAT_LISTINGS = ("wat.paths.gz", "wat.paths")


MAX_LISTED_SKIPS = 1000  # the manifest names this many skipped files, and counts the rest


@dataclass(frozen=True)
class Inputs:
    specs: list[InputSpec]
    skipped: list[dict[str, str]]  # files of a given directory that are not read, and why


def resolve_inputs(args: list[str], config: ReadConfig) -> list[InputSpec]:
    """Expand and check every input before any work starts; raise InputError on the first bad one."""
    return resolve(args, config).specs


def resolve(args: list[str], config: ReadConfig) -> Inputs:
    """``resolve_inputs``, plus the files found in given directories that are skipped."""
    if not args:
        raise InputError("no --input given")
    specs: list[InputSpec] = []
    skipped: list[dict[str, str]] = []
    for arg in args:
        _refuse_wat(arg)
        for path in _expand(arg, config, skipped):
            _refuse_wat(path)
            fmt = detect_format(path)
            if fmt is None:
                known = ", ".join(s for group in SUFFIXES.values() for s in group)
                raise InputError(f"unknown input format: {path} (supported suffixes: {known})")
            specs.append(InputSpec(path, fmt))
    seen: set[str] = set()
    unique = [s for s in specs if not (s.path in seen or seen.add(s.path))]
    return Inputs([r for s in unique for r in split_input(s, config.split_bytes)], skipped)


def skipped_summary(skipped: list[dict[str, str]]) -> dict[str, Any]:
    """The manifest's ``skipped_files``: how many, by reason, and the first files by name."""
    return {
        "count": len(skipped),
        "reasons": dict(sorted(Counter(s["reason"] for s in skipped).items())),
        "files": skipped[:MAX_LISTED_SKIPS],
    }


def _refuse_wat(path: str) -> None:
    """A WAT file or listing has no text to curate: say what to pass instead."""
    name = path.lower().split("?", 1)[0]
    if name.endswith(WAT_LISTINGS):
        raise InputError(
            f"{path} lists WAT files, which hold JSON metadata (HTTP headers, links) and no "
            "page text: pass the crawl's wet.paths.gz (extracted text) or warc.paths.gz (HTML)"
        )
    if name.endswith(WAT_SUFFIXES):
        stem, dot_wat, tail = path.rpartition(".wat")
        wet = (
            f" (for this one likely {stem.replace('/wat/', '/wet/')}.wet{tail})" if dot_wat else ""
        )
        raise InputError(
            f"{path} is a WAT file: its records hold JSON metadata (HTTP headers, links) and "
            "no page text; pass the WET (.warc.wet.gz, extracted text) or WARC (.warc.gz, HTML) "
            f"of the same crawl instead{wet}"
        )


def split_input(spec: InputSpec, step: int) -> list[InputSpec]:
    """A plain local JSONL file over ``step`` bytes → ranges at line starts, one read task each
    (records keep file-wide numbers); anything else stays whole."""
    if step <= 0 or spec.format != "jsonl" or "://" in spec.path:
        return [spec]
    if not spec.path.endswith((".jsonl", ".json", ".ndjson")):
        return [spec]  # compressed: no random access
    size = os.path.getsize(spec.path)
    if size <= step:
        return [spec]
    starts, first_lines = [0], [0]
    lines = position = 0
    target = step
    with open(spec.path, "rb") as f:
        while chunk := f.read(1 << 23):
            while target < position + len(chunk):
                newline = chunk.find(b"\n", max(0, target - 1 - position))
                if newline == -1:
                    break  # the line goes on in the next chunk
                start = position + newline + 1
                if start < size:
                    starts.append(start)
                    first_lines.append(lines + chunk.count(b"\n", 0, newline + 1))
                target = start + step
            lines += chunk.count(b"\n")
            position += len(chunk)
    stops = starts[1:] + [size]
    return [
        InputSpec(spec.path, spec.format, start=a, stop=b, first_line=n)
        for a, b, n in zip(starts, stops, first_lines)
    ]


def _expand(arg: str, config: ReadConfig, skipped: list[dict[str, str]]) -> list[str]:
    is_url = "://" in arg
    if arg.lower().endswith(LISTING_SUFFIXES):
        return _read_listing(arg, config)
    if any(c in arg for c in GLOB_CHARS):
        fs, _, _ = fsspec.get_fs_token_paths(arg, storage_options=config.storage_options)
        matches = sorted(fs.glob(arg))
        if not matches:
            raise InputError(f"no files match {arg}")
        protocol = arg.split("://", 1)[0] + "://" if is_url else ""
        return [m if (not is_url or "://" in m) else protocol + m for m in matches]
    if not is_url:
        if os.path.isdir(arg):
            return _directory_files(arg, skipped)
        if not os.path.isfile(arg):
            raise InputError(f"no such file: {arg}")
        return [os.path.abspath(arg)]
    _check_remote(arg, config)
    return [arg]


def _directory_files(path: str, skipped: list[dict[str, str]]) -> list[str]:
    """The files of a supported format under ``path``; the others go to ``skipped``."""
    found = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            full = os.path.abspath(os.path.join(root, name))
            if name.lower().endswith(WAT_SUFFIXES):
                skipped.append({"path": full, "reason": "wat_metadata_no_text"})
            elif detect_format(name):
                found.append(full)
            else:
                skipped.append({"path": full, "reason": "unknown_format"})
    if not found:
        raise InputError(f"directory {path} holds no file of a supported format")
    return sorted(found)


def _check_remote(url: str, config: ReadConfig) -> None:
    try:
        fs, _, (path,) = fsspec.get_fs_token_paths(url, storage_options=config.storage_options)
        exists = fs.exists(path)
    except Exception as exc:  # DNS, auth, missing s3fs: any of these means we cannot read it
        raise InputError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from exc
    if not exists:
        raise InputError(f"no such remote file: {url}")


def _read_listing(arg: str, config: ReadConfig) -> list[str]:
    """A Common Crawl ``warc.paths.gz``: one relative path per line, joined to read.cc_base_url."""
    if "://" not in arg and not os.path.isfile(arg):
        raise InputError(f"no such file: {arg}")
    try:
        with open_binary(arg, decompress=True, storage_options=config.storage_options) as f:
            lines = [ln.decode("utf-8").strip() for ln in f]
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read listing {arg}: {exc}") from exc
    base = config.cc_base_url.rstrip("/") + "/"
    paths = [ln if "://" in ln else urljoin(base, ln) for ln in lines if ln]
    if not paths:
        raise InputError(f"listing {arg} is empty")
    return paths
