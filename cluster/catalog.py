"""The files of a versioned corpus: ``catalog.json`` (read, and replaced atomically), the
lock a refresh holds, and the fingerprints that tell processed inputs from new ones."""

from __future__ import annotations

import json
import os
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.core.errors import ForageError, InputError
from pipelines.output.atomic import write_json
from pipelines.output.lock import OutputLocked, output_lock
from pipelines.output.manifest import file_sha256

CATALOG = "catalog.json"
LOCK = ".refresh.lock"
CATALOG_FORMAT = 1


class RefreshLocked(OutputLocked):
    """Another refresh of the same corpus is running."""


@dataclass(frozen=True, kw_only=True)
class InputRecord:
    path: str
    size: int
    checksum: str  # sha256:… for local files; etag:…, mtime:… or size-only for remote ones
    mtime_ns: int | None = None  # local files: lets a rerun reuse the checksum, not re-read


def fingerprint(
    path: str, storage_options: dict[str, Any], known: dict[tuple, str] | None = None
) -> InputRecord:
    """Size and checksum of an input: sha256 of a local file's bytes (reused from ``known``
    when path, size and modification time are unchanged); for a remote one what the store
    reports (ETag, else modification time), without downloading it."""
    try:
        if "://" not in path or path.startswith("file://"):
            local = path.removeprefix("file://")
            stat = os.stat(local)
            checksum = (known or {}).get((path, stat.st_size, stat.st_mtime_ns))
            return InputRecord(
                path=path,
                size=stat.st_size,
                checksum=checksum or sha256_file(Path(local)),
                mtime_ns=stat.st_mtime_ns,
            )
        import fsspec

        fs, _, (inner,) = fsspec.get_fs_token_paths(path, storage_options=storage_options)
        info = fs.info(inner)
    except Exception as exc:  # gone since the listing, 403, timeout
        raise InputError(f"cannot fingerprint {path}: {type(exc).__name__}: {exc}") from None
    etag = info.get("ETag") or info.get("etag")
    mtime = next(
        (info[k] for k in ("Last-Modified", "LastModified", "last_modified", "mtime") if k in info),
        None,
    )
    checksum = f"etag:{str(etag).strip(chr(34))}" if etag else f"mtime:{mtime}" if mtime else ""
    return InputRecord(path=path, size=int(info.get("size") or 0), checksum=checksum or "size-only")


def sha256_file(path: Path) -> str:
    return f"sha256:{file_sha256(path)}"


def read_catalog(root: Path) -> dict[str, Any]:
    path = root / CATALOG
    if not path.is_file():
        return {"format": CATALOG_FORMAT, "versions": []}
    try:
        catalog = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ForageError(f"{path} is damaged ({exc}); restore it from a backup") from None
    if not isinstance(catalog, dict) or not isinstance(catalog.get("versions"), list):
        raise ForageError(f"{path} is not a corpus catalog (no versions list)")
    if catalog.get("format") != CATALOG_FORMAT:
        raise ForageError(f"{path} has format {catalog.get('format')}, not {CATALOG_FORMAT}")
    return catalog


def write_catalog(root: Path, catalog: dict[str, Any]) -> None:
    """Replace the catalog atomically and durably (fsync'd file and directory): readers see the
    old or the new catalog, never a part of one."""
    write_json(root / CATALOG, catalog, durable=True)


def corpus_lock(root: Path) -> AbstractContextManager[Path]:
    """An exclusive lock on the corpus for one refresh; the OS drops it if the process dies."""
    return output_lock(root, "refresh", name=LOCK, error=RefreshLocked)
