"""Shared fixtures: the real sample data in ../shared/data and one local Ray for the session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Token auth stays on for users; a throwaway test cluster on loopback does not need it.
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
WARC_DIR = SHARED / "warc"
WIKI_DIR = SHARED / "wikipedia"
CC_2020 = WARC_DIR / "CC-MAIN-2020-34_resiliparse-warcfile.warc.gz"
CC_WET = WARC_DIR / "CC-MAIN-2024-22_whirlwind.warc.wet.gz"
DOLMA = WARC_DIR / "dolma_sample-0000.warc.gz"
TRUNCATED = WARC_DIR / "resiliparse_clipped-truncated.warc.gz"
ENWIKI = WIKI_DIR / "enwiki-shortened-gensim.xml.bz2"
LTGWIKI = WIKI_DIR / "ltgwiki-smallwiki-dumpster-dive.xml"
ACCEPTANCE_INPUTS = [CC_2020, CC_WET, DOLMA, TRUNCATED, ENWIKI]


def pytest_sessionstart(session: pytest.Session) -> None:
    if not CC_2020.exists():
        raise pytest.UsageError(f"sample data missing: expected {SHARED} beside the repository")


@pytest.fixture(scope="session")
def ray_local():
    """One local Ray for every test that needs it (starting Ray costs seconds on 2 cores)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
