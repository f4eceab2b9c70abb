"""One writer per output directory: an flock'd file naming its holder, freed by the OS when the
holder dies, so a lock left by a killed run is simply taken over by the next one."""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.core.errors import ForageError

LOCK_FILE = ".forage.lock"
log = logging.getLogger("forage.lock")


class OutputLocked(ForageError):
    """Another Forage command is writing to the same directory."""


def make_output_dir(directory: str | os.PathLike[str]) -> Path:
    """Create ``directory`` (and parents), or fail with one line saying why."""
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ForageError(f"cannot use {root} as output directory: a file is in the way") from None
    except OSError as exc:
        raise ForageError(f"cannot create output directory {root}: {exc.strerror or exc}") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise ForageError(f"cannot write to output directory {root}: permission denied")
    return root


@contextmanager
def output_lock(
    directory: str | os.PathLike[str],
    command: str,
    *,
    name: str = LOCK_FILE,
    error: type[OutputLocked] = OutputLocked,
) -> Iterator[Path]:
    """Hold ``directory``'s lock while the block runs; a second holder gets ``OutputLocked``
    at once, naming the first (pid, host, start time). Yields the created directory.

    The file is never deleted (a deleted lock file lets a third process lock a new inode while
    a second still holds the old one); an empty file means no holder.
    """
    root = make_output_dir(directory)
    path = root / name
    with open(path, "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            raise error(
                f"{root} is in use by {describe_holder(f.read(), command)}; wait for it to "
                "finish (a rerun then resumes where it left off) or choose another directory"
            ) from None
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                raise ForageError(
                    f"{root} is on a file system without file locks (flock): "
                    "write to a local disk or a share that supports them"
                ) from None
            raise
        f.seek(0)
        previous = f.read().strip()
        if previous:  # its holder died without releasing (killed, power loss)
            log.warning("taking over the lock of %s, which has ended", describe_holder(previous))
        f.seek(0)
        f.truncate()
        f.write(json.dumps(_holder(command)) + "\n")
        f.flush()
        try:
            yield root
        finally:
            f.seek(0)
            f.truncate()
            f.flush()


def _holder(command: str) -> dict[str, object]:
    return {
        "command": command,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:8],
    }


def describe_holder(text: str, command: str = "command") -> str:
    """``forage curate (pid 12, host h, since 2026-…)`` from a lock file's content."""
    try:
        h = json.loads(text)
        return f"forage {h['command']} (pid {h['pid']} on {h['host']}, since {h['started']})"
    except (ValueError, KeyError, TypeError):
        return f"another forage {command}" + (f" ({text.strip()})" if text.strip() else "")
