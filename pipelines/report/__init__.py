"""Self-contained HTML reports (``report.html``): a corpus (``corpus``), a versioned corpus
(``versions``); training runs reuse the page, table and chart parts (``training.report``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def report_after_run(root: str | Path, versions: list[dict[str, Any]] | None = None) -> Path | None:
    """The report at the end of a curate / filter (``versions`` None) or refresh: a failure to
    draw it is logged and leaves the finished corpus as it is (``forage report`` rebuilds it)."""
    try:
        if versions is None:
            from pipelines.report.corpus import write_corpus_report

            return write_corpus_report(root)
        from pipelines.report.versions import write_versions_report

        return write_versions_report(root, versions)
    except Exception as exc:  # the corpus is done; the report is only a view of it
        log.warning(
            "report.html not written for %s: %s: %s (run `forage report %s`)",
            root, type(exc).__name__, exc, root,
        )  # fmt: skip
        return None
