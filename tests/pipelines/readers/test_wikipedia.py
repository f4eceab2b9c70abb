"""MediaWiki dump reader on the real English and Latgalian samples, and a UTF-16 dump."""

from __future__ import annotations

from tests.conftest import ENWIKI, LTGWIKI
from tests.pipelines.readers.helpers import read_all


def test_enwiki_articles_without_redirects():
    result = read_all(ENWIKI)
    assert len(result.docs) == 106 and not result.errors
    assert result.end["skipped"]["redirect"] == 99
    anarchism = next(d for d in result.docs if d["title"] == "Anarchism")
    assert anarchism["id"] == "enwiki:12"
    assert anarchism["url"] == "https://en.wikipedia.org/wiki/Anarchism"
    assert anarchism["crawl_date"].year == 2016
    text = anarchism["text"]
    assert len(text) > 5000 and "{{" not in text and "[[" not in text and "<ref" not in text


def test_ltgwiki_namespaces_are_skipped():
    result = read_all(LTGWIKI)
    assert len(result.docs) == 903
    skipped = result.end["skipped"]
    assert skipped["namespace_14"] == 539 and skipped["namespace_10"] == 347
    assert all(d["id"].startswith("ltgwiki:") for d in result.docs)


def test_utf16_dump_is_decoded(tmp_path):
    xml = LTGWIKI.read_text(encoding="utf-8")
    head = xml.split("\n", 1)[1]  # drop nothing: the sample has no XML declaration line
    utf16 = '<?xml version="1.0" encoding="UTF-16"?>\n' + (
        xml if not xml.startswith("<?xml") else head
    )
    path = tmp_path / "ltg-utf16.xml"
    path.write_bytes(utf16.encode("utf-16"))
    result = read_all(path)
    assert len(result.docs) == 903
    assert [d["text"] for d in result.docs[:20]] == [d["text"] for d in read_all(LTGWIKI).docs[:20]]


def test_cut_dump_keeps_pages_before_the_cut(tmp_path):
    data = LTGWIKI.read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: len(data) // 2])
    result = read_all(path)
    assert 100 < len(result.docs) < 903
    assert len(result.errors) == 1 and "unreadable after page" in result.errors[0]["error"]
