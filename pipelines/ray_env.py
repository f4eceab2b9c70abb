"""Ray for a command: join the cluster of a submitted job or start a local one, quietly."""

from __future__ import annotations

import logging
import os
from typing import Any


def ensure_ray(num_cpus: int | None, *, quiet: bool) -> None:
    """Join the cluster in RAY_ADDRESS (a submitted job) or start a local Ray."""
    import ray

    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": not quiet}
        if os.environ.get("RAY_ADDRESS"):
            ray.init(**kwargs)
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, **kwargs)


def quiet_ray_data() -> None:
    """No progress bars or execution banners from Ray Data (we print our own progress)."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "bars disabled"
