"""WARC/WET reader on real Common Crawl and wget samples, and on damaged files."""

from __future__ import annotations

import gzip

from pipelines.inputs import ReadConfig
from tests.conftest import CC_2020, CC_WET, DOLMA, TRUNCATED
from tests.pipelines.inputs.helpers import read_all


def test_common_crawl_responses_become_documents_with_metadata():
    result = read_all(CC_2020)
    assert len(result.docs) == 16 and not result.errors
    assert result.end["skipped"] == {"warc_metadata": 16, "warc_request": 17, "warc_warcinfo": 1}
    first = result.docs[0]
    assert first["id"] == "c4c112a5-3503-4483-abf8-51a0dd86dd53"
    assert first["url"] == "http://003338.cn/l41/481397.html"
    assert first["source"] == "warc" and first["content_type"] == "text/html"
    assert first["crawl_date"].isoformat() == "2020-08-08T17:27:41+00:00"
    assert first["source_offset"] == 940


def test_legacy_charsets_are_decoded():
    docs = {d["url"]: d for d in read_all(CC_2020).docs}
    russian = docs["http://01spb.ru/company/"]
    assert russian["charset"] == "windows-1251"
    assert "Стратегия пожарной безопасности" in russian["text"]
    assert sum(d["charset"] in ("gb2312", "gbk", "gb18030") for d in docs.values()) >= 3


def test_main_content_drops_boilerplate_markup():
    docs = read_all(DOLMA).docs
    assert len(docs) == 22
    for doc in docs:
        assert "<div" not in doc["text"] and "<script" not in doc["text"]
        assert not doc["url"].startswith("<"), "wget's <uri> brackets are stripped"


def test_wet_conversion_records():
    result = read_all(CC_WET)
    (doc,) = result.docs
    assert doc["source"] == "wet" and doc["url"] == "https://an.wikipedia.org/wiki/Escopete"
    assert "Escopete" in doc["text"]


def test_truncated_file_keeps_readable_part_and_counts_error():
    result = read_all(TRUNCATED)
    (error,) = result.errors
    assert "truncated record: 74,970 of 88,038 bytes" in error["error"]
    assert error["source_file"] == str(TRUNCATED) and error["source_offset"] == 0
    assert len(result.docs) == 1 and "Chance" in result.docs[0]["text"]
    assert result.end["errors"] == 1


def test_corrupt_span_in_the_middle_is_skipped_and_reading_goes_on(tmp_path):
    data = DOLMA.read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[:50_000] + b"\x00garbage" * 100 + data[50_000:])
    result = read_all(damaged)
    assert result.errors and all("corrupt data after offset" in e["error"] for e in result.errors)
    assert len(result.docs) == 21  # only the record the garbage landed in is lost
    ids = [d["id"] for d in result.docs]
    assert len(set(ids)) == len(ids)
    assert set(ids) < {d["id"] for d in read_all(DOLMA).docs}


def test_empty_and_non_warc_files_are_errors(tmp_path):
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert "no records found" in read_all(empty).errors[0]["error"]
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(gzip.compress(b"this is not a WARC file\n" * 10))
    result = read_all(junk)
    assert result.errors and not result.docs


def test_oversized_record_is_an_error_not_loaded():
    result = read_all(DOLMA, ReadConfig(max_record_bytes=50_000))
    big = [e for e in result.errors if "exceeds read.max_record_bytes=50,000" in e["error"]]
    assert big and len(result.docs) + len(big) == 22


def test_input_that_vanished_before_reading_is_an_error(tmp_path):
    result = read_all(tmp_path / "gone.warc.gz")
    (error,) = result.errors
    assert error["error"].startswith("cannot open: FileNotFoundError") and not result.docs
