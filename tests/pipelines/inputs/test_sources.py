"""Input resolution: globs, directories, URLs, Common Crawl listings, and fail-fast errors."""

from __future__ import annotations

import gzip
import http.server
import threading
from functools import partial

import pytest

from pipelines.core.errors import InputError
from pipelines.inputs import ReadConfig
from pipelines.inputs.sources import resolve_inputs
from tests.conftest import CC_2020, ENWIKI, WARC_DIR
from tests.pipelines.inputs.helpers import read_all


def test_paths_globs_and_formats():
    specs = resolve_inputs(
        [str(WARC_DIR / "*.warc.gz"), str(WARC_DIR / "*.wet.gz"), str(ENWIKI)], ReadConfig()
    )
    formats = {s.path.rsplit("/", 1)[-1]: s.format for s in specs}
    assert formats["CC-MAIN-2024-22_whirlwind.warc.wet.gz"] == "wet"
    assert formats["dolma_sample-0000.warc.gz"] == "warc"
    assert formats["enwiki-shortened-gensim.xml.bz2"] == "wikipedia"
    assert len(specs) == len(set(s.path for s in specs))


def test_duplicate_inputs_are_read_once():
    specs = resolve_inputs([str(CC_2020), str(CC_2020)], ReadConfig())
    assert len(specs) == 1


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("/nonexistent/file.warc.gz", "no such file: /nonexistent/file.warc.gz"),
        ("/nonexistent/*.warc.gz", "no files match"),
        (__file__, "unknown input format"),
        (str(WARC_DIR / "*.wat.gz"), "is a WAT file"),
    ],
)
def test_bad_inputs_fail_fast(arg, message):
    with pytest.raises(InputError, match=message):
        resolve_inputs([arg], ReadConfig())


@pytest.fixture
def http_root(tmp_path):
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_http_input_and_common_crawl_listing(http_root):
    root, base = http_root
    segment = root / "crawl-data" / "CC-MAIN-2020-34" / "segments" / "1" / "warc"
    segment.mkdir(parents=True)
    (segment / "part-00000.warc.gz").write_bytes(CC_2020.read_bytes())
    relative = "crawl-data/CC-MAIN-2020-34/segments/1/warc/part-00000.warc.gz"
    listing = root / "warc.paths.gz"
    listing.write_bytes(gzip.compress((relative + "\n").encode()))

    specs = resolve_inputs([str(listing)], ReadConfig(cc_base_url=base))
    assert [s.path for s in specs] == [base + relative]
    assert len(read_all(specs[0].path).docs) == 16  # streamed over HTTP

    with pytest.raises(InputError, match="no such remote file"):
        resolve_inputs([base + "missing.warc.gz"], ReadConfig())
