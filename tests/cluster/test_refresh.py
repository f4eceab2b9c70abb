"""``forage refresh``: versions, cross-version dedup, no-op reruns, crash recovery, the lock."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from cluster import catalog as C
from cluster import refresh as R
from pipelines.core.errors import ConfigError, ForageError
from pipelines.job.recipe import load_recipe, recipe_from_dict
from tests.conftest import CC_2020, DOLMA


def _refresh(inputs: Path, corpus: Path, recipe: str | None = None):
    return R.refresh([f"{inputs}/*.warc.gz"], corpus, load_recipe(recipe, []), quiet=True)


def _rows(pattern: Path, sql: str) -> list[tuple]:
    return duckdb.sql(sql.replace("T", f"'{pattern}'")).fetchall()


def test_second_refresh_takes_only_new_inputs_and_drops_copies_of_version_one(ray_local, tmp_path):
    inputs, corpus = tmp_path / "in", tmp_path / "corpus"
    inputs.mkdir()
    shutil.copy(DOLMA, inputs / "a.warc.gz")
    first = _refresh(inputs, corpus)
    assert first.version == "v0001" and first.counts["kept"] > 0

    shutil.copy(CC_2020, inputs / "b.warc.gz")
    shutil.copy(DOLMA, inputs / "c-copy.warc.gz")  # byte-identical, another name
    second = _refresh(inputs, corpus)
    assert second.version == "v0002" and second.skipped_inputs == 1
    assert sorted(Path(r.path).name for r in second.new_inputs) == ["b.warc.gz", "c-copy.warc.gz"]

    v1_ids = {r[0] for r in _rows(corpus / "v0001/data/*.parquet", "select id from T")}
    kept_from_copy = _rows(
        corpus / "v0002/data/*.parquet", "select count(*) from T where source_file like '%copy%'"
    )
    assert kept_from_copy == [(0,)]
    dup_of = _rows(
        corpus / "v0002/rejected/*.parquet",
        "select duplicate_of, drop_reason from T where source_file like '%copy%' "
        "and duplicate_of is not null",
    )
    assert len(dup_of) == len(v1_ids) and {r[0] for r in dup_of} == v1_ids
    assert {r[1] for r in dup_of} == {"exact_duplicate"}  # exact keys are in the index
    kept_from_b = _rows(
        corpus / "v0002/data/*.parquet", "select count(*) from T where source_file like '%b.warc%'"
    )
    assert kept_from_b[0][0] > 0

    catalog = json.loads((corpus / C.CATALOG).read_text())
    assert [v["dir"] for v in catalog["versions"]] == ["v0001", "v0002"]
    assert catalog["versions"][0]["inputs"][0]["checksum"].startswith("sha256:")
    assert not (corpus / "v0002" / R.PENDING).exists()
    report = (corpus / "report.html").read_text()  # every version side by side
    assert "Versions side by side" in report and "<th>v0001</th><th>v0002</th>" in report
    assert (corpus / "v0002" / "report.html").is_file()  # and each version's own

    before = (corpus / C.CATALOG).read_bytes()
    third = _refresh(inputs, corpus)  # nothing new: a no-op
    assert third.version is None and third.skipped_inputs == 3
    assert (corpus / C.CATALOG).read_bytes() == before and not (corpus / "v0003").exists()


def test_a_crash_before_the_commit_leaves_the_catalog_and_the_rerun_finishes(
    ray_local, tmp_path, monkeypatch
):
    inputs, corpus = tmp_path / "in", tmp_path / "corpus"
    inputs.mkdir()
    shutil.copy(DOLMA, inputs / "a.warc.gz")

    def crash(root, catalog):
        raise KeyboardInterrupt("killed before the commit")

    with monkeypatch.context() as m:
        m.setattr(R, "write_catalog", crash)
        with pytest.raises(KeyboardInterrupt):
            _refresh(inputs, corpus)
    assert not (corpus / C.CATALOG).exists() and (corpus / "v0001" / R.PENDING).is_file()

    done = _refresh(inputs, corpus)  # resumes the same version: its inputs are all done
    assert done.version == "v0001" and done.counts["kept"] > 0
    assert len(json.loads((corpus / C.CATALOG).read_text())["versions"]) == 1


def test_an_uncommitted_version_for_other_inputs_is_restarted(ray_local, tmp_path):
    inputs, corpus = tmp_path / "in", tmp_path / "corpus"
    inputs.mkdir()
    shutil.copy(DOLMA, inputs / "a.warc.gz")
    stale = corpus / "v0001"
    stale.mkdir(parents=True)
    (stale / R.PENDING).write_text('{"inputs": [{"path": "gone"')  # cut short by a crash
    (stale / "junk.parquet").write_text("partial")
    done = _refresh(inputs, corpus)
    assert done.version == "v0001" and not (stale / "junk.parquet").exists()


def test_a_version_directory_the_catalog_does_not_list_is_never_deleted(tmp_path):
    inputs, corpus = tmp_path / "in", tmp_path / "corpus"
    inputs.mkdir()
    shutil.copy(DOLMA, inputs / "a.warc.gz")
    (corpus / "v0001" / "data").mkdir(parents=True)  # e.g. the catalog was lost
    with pytest.raises(ForageError, match="does not list it"):
        _refresh(inputs, corpus)
    assert (corpus / "v0001" / "data").is_dir()


def test_a_second_refresh_of_the_same_corpus_is_refused_while_one_runs(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with (
        C.corpus_lock(corpus),
        pytest.raises(C.RefreshLocked, match=r"is in use by forage refresh \(pid \d+ on "),
    ):
        _refresh(tmp_path, corpus)
    with C.corpus_lock(corpus):  # released when the holder ends
        pass


def test_a_recipe_without_minhash_dedup_is_refused(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(DOLMA, inputs / "a.warc.gz")
    with pytest.raises(ConfigError, match="needs a minhash_dedup stage"):
        _refresh(inputs, tmp_path / "corpus", "ingest")


def test_refresh_keeps_the_recipes_own_against_index_and_refuses_its_own_index():
    recipe = recipe_from_dict({"stages": [{"minhash_dedup": {"against_index": "/ext"}}]})
    versioned = R.with_dedup_index(recipe, "/c/v0002/i", ["/c/v0001/i"])
    assert versioned.stages[0].params["against_index"] == ["/ext", "/c/v0001/i"]
    assert versioned.stages[0].params["index"] == "/c/v0002/i"
    with pytest.raises(ConfigError, match="remove minhash_dedup.index"):
        R.with_dedup_index(
            recipe_from_dict({"stages": [{"minhash_dedup": {"index": "/x"}}]}), "/i", []
        )


def test_fingerprint_of_a_local_file_is_its_size_and_sha256(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"text": "a"}\n')
    record = C.fingerprint(str(path), {})
    assert record.size == 14
    assert record.checksum == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    # A rerun reuses a known checksum while path, size and mtime are unchanged...
    known = {(str(path), 14, record.mtime_ns): "sha256:cached"}
    assert C.fingerprint(str(path), {}, known).checksum == "sha256:cached"
    # ... and reads the file again once it was touched.
    os.utime(path, ns=(record.mtime_ns + 10**9, record.mtime_ns + 10**9))
    assert C.fingerprint(str(path), {}, known).checksum == record.checksum


def test_refresh_from_a_discovered_crawl_over_http(ray_local, tmp_path):
    """``--source commoncrawl`` through the CLI's input resolution, remote inputs fingerprinted
    by what the server reports (Last-Modified), and a second run finds nothing new."""
    import http.server
    import threading
    from argparse import Namespace
    from functools import partial

    from tests.pipelines.inputs.test_discovery import QuietHandler, _lay_out_commoncrawl

    site = tmp_path / "site"
    site.mkdir()
    _lay_out_commoncrawl(site)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(QuietHandler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    args = Namespace(
        input=None, source="commoncrawl", crawl="latest", kind="wet", max_files=1,
        cc_index_url=base + "cc-index", cc_data_url=base + "cc-data/",
        wiki=None, dump=None, wiki_url=None,
    )  # fmt: skip
    try:
        inputs = R.refresh_inputs(args)
        assert len(inputs) == 1 and inputs[0].startswith(base + "cc-data/crawl-data/")
        first = R.refresh(inputs, tmp_path / "corpus", load_recipe(None, []), quiet=True)
        assert first.version == "v0001" and first.counts["input"] > 0, first.counts
        (record,) = first.new_inputs
        assert record.checksum.startswith(("etag:", "mtime:")) and record.size > 0
        again = R.refresh(inputs, tmp_path / "corpus", load_recipe(None, []), quiet=True)
        assert again.version is None
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(ConfigError, match="either --input"):
        R.refresh_inputs(Namespace(input=["x"], source="wikipedia"))


def test_a_killed_refresh_is_finished_by_the_next_run(tmp_path):
    """SIGKILL mid-version: the catalog stays as it was; the rerun commits the same documents a
    clean run keeps, and its index still catches copies afterwards."""
    import os
    import signal
    import subprocess
    import sys
    import time

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(DOLMA, inputs / "a.warc.gz")
    shutil.copy(CC_2020, inputs / "b.warc.gz")
    forage = [sys.executable, "-m", "cluster.cli", "refresh", "--input", f"{inputs}/*.warc.gz"]
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    proc = subprocess.Popen([*forage, "--corpus", str(killed), "--quiet"], start_new_session=True)
    deadline = time.monotonic() + 120
    while not list((killed / "v0001").glob("_progress/*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / C.CATALOG).exists()

    for corpus in (killed, clean):
        done = subprocess.run([*forage, "--corpus", str(corpus), "--quiet"], capture_output=True)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
    ids = [
        sorted(r[0] for r in _rows(c / "v0001/data/*.parquet", "select id from T"))
        for c in (killed, clean)
    ]
    assert ids[0] == ids[1] and ids[0]
    shutil.copy(DOLMA, inputs / "c-copy.warc.gz")
    done = subprocess.run([*forage, "--corpus", str(killed), "--quiet"], capture_output=True)
    assert done.returncode == 0
    versions = json.loads((killed / C.CATALOG).read_text())["versions"]
    assert [v["dir"] for v in versions] == ["v0001", "v0002"]
    assert versions[1]["counts"]["kept"] == 0 and versions[1]["counts"]["input"] > 0
