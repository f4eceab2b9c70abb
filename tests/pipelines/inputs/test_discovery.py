"""Source discovery against a local HTTP server laid out like Common Crawl and dumps.wikimedia.org."""

from __future__ import annotations

import gzip
import http.server
import json
import logging
import socket
import threading
import urllib.request
from functools import partial
from pathlib import Path

import pytest

from pipelines.core.errors import InputError
from pipelines.inputs import discovery
from pipelines.inputs.discovery import Discovered, commoncrawl, discover, wikipedia
from tests.conftest import CC_WET, ENWIKI, WARC_DIR

CC_WARC = WARC_DIR / "CC-MAIN-2024-22_whirlwind.warc.gz"
CRAWLS = ["CC-MAIN-2024-26", "CC-MAIN-2024-22", "CC-MAIN-2024-18", "CC-MAIN-2024-10"]
SEGMENT = "crawl-data/{crawl}/segments/1715971057216.39/{kind}/"
WET_NAME = "CC-MAIN-20240517233122-20240518023122-{n:05d}.warc.wet.gz"
WARC_NAME = "CC-MAIN-20240517233122-20240518023122-{n:05d}.warc.gz"
# In dumpstatus.json order (not natural order): parts 10 and 2 come before 1.
PARTS = [
    "pages-articles10.xml-p91p100.bz2",
    "pages-articles2.xml-p11p20.bz2",
    "pages-articles1.xml-p1p10.bz2",
]


def _put(root: Path, relative: str, source: Path) -> str:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(source)
    return relative


def _write_listing(root: Path, crawl: str, kind: str, relatives: list[str]) -> None:
    listing = root / "cc-data" / "crawl-data" / crawl / f"{kind}.paths.gz"
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_bytes(gzip.compress("".join(r + "\n" for r in relatives).encode()))


def _lay_out_commoncrawl(root: Path) -> None:
    collinfo = [{"id": c, "name": f"{c} Index", "timegate": "", "cdx-api": ""} for c in CRAWLS]
    (root / "cc-index").mkdir()
    (root / "cc-index" / "collinfo.json").write_text(json.dumps(collinfo))
    for crawl, files in (("CC-MAIN-2024-26", 3), ("CC-MAIN-2024-22", 1)):
        wet = [SEGMENT.format(crawl=crawl, kind="wet") + WET_NAME.format(n=n) for n in range(files)]
        warc = [SEGMENT.format(crawl=crawl, kind="warc") + WARC_NAME.format(n=n) for n in range(1)]
        _write_listing(root, crawl, "wet", [_put(root / "cc-data", r, CC_WET) for r in wet])
        _write_listing(root, crawl, "warc", [_put(root / "cc-data", r, CC_WARC) for r in warc])


def _dump(root: Path, date: str, state: str, names: list[str]) -> None:
    directory = root / "wiki" / "enwiki" / date
    directory.mkdir(parents=True)
    files = {}
    for name in (f"enwiki-{date}-{n}" for n in names):
        _put(directory, name, ENWIKI)
        files[name] = {"size": ENWIKI.stat().st_size, "url": f"/enwiki/{date}/{name}"}
    multistream = {f"enwiki-{date}-pages-articles-multistream.xml.bz2": {"url": "/x"}}
    jobs = {
        "articlesdump": {"status": state, "files": files if state == "done" else {}},
        "articlesmultistreamdump": {"status": state, "files": multistream},
        "metacurrentdump": {"status": "done", "files": {}},
    }
    (directory / "dumpstatus.json").write_text(json.dumps({"jobs": jobs, "version": "0.8"}))


def _lay_out_wikipedia(root: Path) -> None:
    _dump(root, "20240501", "done", ["pages-articles.xml.bz2"])
    _dump(root, "20240601", "done", ["pages-articles.xml.bz2", *PARTS])
    _dump(root, "20240701", "in-progress", [])
    (root / "wiki" / "enwiki" / "latest").mkdir()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # no access log in test output
        return None


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Both sites under one local server: ``{base}cc-index``, ``{base}cc-data``, ``{base}wiki``."""
    monkeypatch.setattr(discovery, "RETRY_DELAYS_S", (0.0, 0.0))
    root = tmp_path / "site"
    root.mkdir()
    _lay_out_commoncrawl(root)
    _lay_out_wikipedia(root)
    handler = partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def cc(base: str, crawl: str = "latest", **options) -> Discovered:
    return commoncrawl(crawl, index_url=base + "cc-index", data_url=base + "cc-data/", **options)


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_latest_crawl_is_the_first_in_collinfo_and_urls_resolve(site, caplog):
    _, base = site
    with caplog.at_level(logging.INFO, logger="pipelines.inputs.discovery"):
        found = cc(base)
    assert found.source == "commoncrawl" and found.release == "CC-MAIN-2024-26"
    segment = base + "cc-data/" + SEGMENT.format(crawl="CC-MAIN-2024-26", kind="wet")
    assert found.inputs == [segment + WET_NAME.format(n=n) for n in range(3)]
    assert all(get(url) == CC_WET.read_bytes() for url in found.inputs)
    assert "CC-MAIN-2024-26" in caplog.text


def test_explicit_crawl_and_warc_listing(site):
    _, base = site
    wet, warc = cc(base, "CC-MAIN-2024-22"), cc(base, "CC-MAIN-2024-22", kind="warc")
    assert wet.release == warc.release == "CC-MAIN-2024-22"
    assert [u.rsplit("/", 2)[-2:] for u in wet.inputs] == [["wet", WET_NAME.format(n=0)]]
    assert [u.rsplit("/", 2)[-2:] for u in warc.inputs] == [["warc", WARC_NAME.format(n=0)]]
    assert get(warc.inputs[0]) == CC_WARC.read_bytes()


def test_max_files_takes_the_first_n_in_listing_order(site):
    _, base = site
    assert cc(base, max_files=2).inputs == cc(base).inputs[:2]
    assert cc(base, max_files=10).inputs == cc(base).inputs
    with pytest.raises(InputError, match="max_files=0 must be >= 1"):
        cc(base, max_files=0)


def test_unknown_crawl_names_the_newest(site):
    _, base = site
    with pytest.raises(InputError, match="CC-MAIN-2099-01 is not in") as err:
        cc(base, "CC-MAIN-2099-01")
    assert "the newest are: " + ", ".join(CRAWLS) in str(err.value)


@pytest.mark.parametrize("crawl", ["CC-MAIN-24-22", "2024-22", "cc-main-2024-22"])
def test_bad_crawl_id_says_the_expected_form(crawl):
    with pytest.raises(InputError, match="expected CC-MAIN-YYYY-WW"):
        commoncrawl(crawl, index_url="http://127.0.0.1:9/never-fetched")


def test_missing_listing_is_http_404_naming_the_url(site):
    _, base = site
    url = base + "cc-data/crawl-data/CC-MAIN-2024-18/wet.paths.gz"
    with pytest.raises(InputError, match="HTTP 404") as err:
        cc(base, "CC-MAIN-2024-18")
    assert url in str(err.value) and "wet listing of CC-MAIN-2024-18" in str(err.value)


def test_malformed_collinfo_and_empty_listing(site):
    root, base = site
    (root / "cc-index" / "collinfo.json").write_text("<html>maintenance</html>")
    with pytest.raises(InputError, match="malformed JSON in the Common Crawl crawl list"):
        cc(base)
    (root / "cc-index" / "collinfo.json").write_text(json.dumps([{"id": "CC-MAIN-2024-22"}]))
    _write_listing(root, "CC-MAIN-2024-22", "wet", [])
    with pytest.raises(InputError, match="wet listing of CC-MAIN-2024-22 .* is empty"):
        cc(base)


def test_server_down_is_an_input_error(monkeypatch):
    monkeypatch.setattr(discovery, "RETRY_DELAYS_S", (0.0, 0.0))
    with socket.socket() as s:  # a loopback port that nothing listens on: bound, then released
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    with pytest.raises(InputError, match=f"cannot reach {dead}cc-index/collinfo.json"):
        cc(dead)
    with pytest.raises(InputError, match=f"cannot reach {dead}wiki/enwiki/"):
        wikipedia(base_url=dead + "wiki")


def test_wikipedia_latest_skips_a_dump_in_progress(site, caplog):
    _, base = site
    with caplog.at_level(logging.INFO, logger="pipelines.inputs.discovery"):
        found = wikipedia("enwiki", "latest", base_url=base + "wiki")
    assert found.source == "wikipedia" and found.release == "enwiki-20240601"
    assert "skipping enwiki-20240701: articlesdump is in-progress" in caplog.text
    assert len(found.inputs) == 3 and all(get(u) == ENWIKI.read_bytes() for u in found.inputs)


def test_wikipedia_split_parts_in_natural_order(site):
    _, base = site
    found = wikipedia("enwiki", "20240601", base_url=base + "wiki/")
    prefix = base + "wiki/enwiki/20240601/enwiki-20240601-"
    assert found.inputs == [prefix + PARTS[2], prefix + PARTS[1], prefix + PARTS[0]]


def test_wikipedia_explicit_date_with_combined_file_only(site):
    _, base = site
    found = wikipedia("enwiki", "20240501", base_url=base + "wiki")
    assert found.release == "enwiki-20240501"
    assert found.inputs == [base + "wiki/enwiki/20240501/enwiki-20240501-pages-articles.xml.bz2"]


def test_wikipedia_unfinished_or_missing_dump_is_an_error(site):
    _, base = site
    with pytest.raises(InputError, match="20240701 is not finished: .*'in-progress'"):
        wikipedia("enwiki", "20240701", base_url=base + "wiki")
    missing = base + "wiki/enwiki/20240801/dumpstatus.json"
    with pytest.raises(InputError, match=f"HTTP 404 .*from {missing}"):
        wikipedia("enwiki", "20240801", base_url=base + "wiki")


@pytest.mark.parametrize(
    ("wiki", "dump", "message"),
    [("en", "latest", "not a wiki name"), ("enwiki", "2024-06-01", "expected YYYYMMDD")],
)
def test_wikipedia_bad_names(wiki, dump, message):
    with pytest.raises(InputError, match=message):
        wikipedia(wiki, dump, base_url="http://127.0.0.1:9/never-fetched")


def test_local_directory_base(site):
    root, _ = site
    found = wikipedia("enwiki", base_url=str(root / "wiki"))
    assert found.release == "enwiki-20240601"
    assert found.inputs[0] == str(root / "wiki/enwiki/20240601" / ("enwiki-20240601-" + PARTS[2]))
    assert (
        discover(
            "commoncrawl",
            crawl="CC-MAIN-2024-22",
            index_url=str(root / "cc-index"),
            data_url=(root / "cc-data").as_uri(),
        )
        .inputs[0]
        .startswith("file://")
    )


def test_discover_dispatches_and_names_the_sources(site):
    _, base = site
    found = discover("wikipedia", wiki="enwiki", dump=None, base_url=base + "wiki")
    assert found.release == "enwiki-20240601"
    with pytest.raises(InputError, match="Unknown source 'wiki'. Available: commoncrawl, wiki"):
        discover("wiki")
    with pytest.raises(InputError, match="crawl do not apply to source 'wikipedia'"):
        discover("wikipedia", crawl="latest")


def _curates(inputs: list[str], out: Path) -> None:
    from pipelines.job.curate import curate
    from pipelines.job.recipe import load_recipe

    result = curate(inputs, str(out), load_recipe("ingest", []), quiet=True)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["counts"] == result.manifest["counts"]
    assert [i["path"] for i in manifest["inputs"]] == inputs
    assert manifest["counts"]["kept"] > 0 and manifest["counts"]["errors"] == 0


def test_discovered_wet_url_curates(ray_local, site, tmp_path):
    _, base = site
    _curates(cc(base, max_files=1).inputs, tmp_path / "out")


def test_discovered_wikipedia_part_curates(ray_local, site, tmp_path):
    _, base = site
    _curates(wikipedia("enwiki", base_url=base + "wiki").inputs[:1], tmp_path / "out")
