"""Ray for a command: join a job's cluster or a running local head, else start a local Ray; Ray's
log lines go to a file in the command's output, the terminal keeps Forage's own."""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

RAY_LOG = "ray.log"  # in the log directory of a command: OUT/_logs, RUN/_logs
# Ray's Python loggers that print to the terminal: "ray" (ray.init, the token-auth notice, Ray
# Train) and "ray.data" (its own console handler, set up when ray.data is first imported).
RAY_LOGGERS = ("ray", "ray.data")

log = logging.getLogger("forage.ray")
_file: logging.FileHandler | None = None


def ensure_ray(
    num_cpus: int | None, *, log_dir: str | os.PathLike[str], worker_output: bool = False
) -> None:
    """Join the cluster in RAY_ADDRESS (a submitted job), else a head running on this machine
    (``ray start --head``: no start-up cost), else start a local Ray with ``num_cpus`` (None:
    every CPU) and no dashboard.

    Ray's log records go to ``log_dir/ray.log``, which names Ray's session logs (raylet, GCS,
    workers). ``worker_output`` forwards the workers' stdout and stderr to this terminal (a
    training run's rank 0 prints its progress there); otherwise they stay in the session logs.
    """
    import ray

    route_ray_logs(log_dir)
    if ray.is_initialized():
        return
    kwargs: dict[str, Any] = {"logging_level": logging.INFO, "log_to_driver": worker_output}
    if os.environ.get("RAY_ADDRESS"):
        context = ray.init(**kwargs)
    elif head := local_head():
        # "auto", not the address itself: Ray then turns token auth on when the head uses it.
        log.info("joining the Ray head at %s (num_cpus=%s is the head's to set)", head, num_cpus)
        context = ray.init(address="auto", **kwargs)
    else:
        context = ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, **kwargs)
    log.info("Ray session logs: %s", Path(context.address_info["session_dir"]) / "logs")


def local_head() -> str | None:
    """The address of a head started on this machine with ``ray start --head``, if it answers.

    ``ray start`` writes it to ``ray_current_cluster`` in Ray's default temp dir (RAY_TMPDIR, on
    Linux TMPDIR, else /tmp, + ``/ray``: ray._common.utils.get_default_ray_temp_dir); a head
    that died without ``ray stop`` leaves the file behind, hence the connection check.
    """
    base = os.environ.get("RAY_TMPDIR")
    if base is None:
        linux = sys.platform.startswith("linux")
        base = os.environ.get("TMPDIR", "/tmp") if linux else "/tmp"
    try:
        address = (Path(base) / "ray" / "ray_current_cluster").read_text().strip()
        host, port = address.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=1.0):
            return address
    except (OSError, ValueError):
        return None


def route_ray_logs(log_dir: str | os.PathLike[str]) -> Path:
    """Send the records of Ray's Python loggers in this process to ``log_dir/ray.log``
    (appended to) instead of the terminal; a later call moves them to its own directory."""
    global _file
    path = Path(log_dir).resolve() / RAY_LOG
    if _file is None or _file.baseFilename != str(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        new = logging.FileHandler(path, encoding="utf-8")
        new.setLevel(logging.INFO)
        new.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        for name in (*RAY_LOGGERS, log.name):
            if _file is not None:
                logging.getLogger(name).removeHandler(_file)
        if _file is not None:
            _file.close()
        _file = new
    log.addHandler(_file)
    log.setLevel(logging.INFO)
    log.propagate = False  # not on the terminal too
    for name in RAY_LOGGERS:
        if name == "ray" or name in sys.modules:  # ray.data replaces its handlers on import
            _to_file(logging.getLogger(name), _file)
    return path


def _to_file(logger: logging.Logger, handler: logging.FileHandler) -> None:
    """Drop the logger's terminal handlers (Ray's PlainRayHandler is a StreamHandler); keep its
    other files (Ray Data's own ray-data.log in the session directory)."""
    for h in list(logger.handlers):
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler):
            logger.removeHandler(h)
    if handler not in logger.handlers:
        logger.addHandler(handler)
    logger.propagate = False


def quiet_ray_data() -> None:
    """No progress bars or execution banners from Ray Data (we print our own progress), and its
    log records to the file of ``ensure_ray`` (Ray Data sets up its own handlers on import)."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    if _file is not None:
        _to_file(logging.getLogger("ray.data"), _file)
    else:  # no ensure_ray in this process: at least not the "bars disabled" notice
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)
