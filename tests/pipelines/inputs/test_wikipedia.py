"""MediaWiki dump reader on the real samples and on variants of them built in temp dirs."""

from __future__ import annotations

import bz2
import re

import pytest

from tests.conftest import ENWIKI, LTGWIKI
from tests.pipelines.inputs.helpers import read_all


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


# ---- dumps without <siteinfo>, without a root element, other export schema versions ----

NAMESPACES_DEFAULT = "<ns> of each page, else English namespace title prefixes"


def without_siteinfo(xml: str) -> str:
    return re.sub(r"\s*<siteinfo>.*?</siteinfo>", "", xml, count=1, flags=re.S)


def articles(result) -> list[tuple]:
    return [(d["id"], d["title"], d["url"], d["text"]) for d in result.docs]


@pytest.fixture(scope="module")
def ltg():
    """The Latgalian sample's XML and what it reads as with its full <siteinfo>."""
    reference = read_all(LTGWIKI)
    assert "notes" not in reference.end  # nothing was assumed
    return LTGWIKI.read_text(encoding="utf-8"), reference


def test_dump_without_siteinfo_reads_with_defaults_from_file_name(ltg, tmp_path):
    xml, reference = ltg
    path = tmp_path / "ltgwiki-20170901-pages-articles.xml"
    path.write_text(without_siteinfo(xml), encoding="utf-8")
    result = read_all(path)
    assert not result.errors and articles(result) == articles(reference)
    assert result.end["skipped"] == reference.end["skipped"]
    assert result.end["notes"] == {
        "siteinfo": {
            "status": "missing",
            "dbname": "ltgwiki",
            "url_prefix": "https://ltg.wikipedia.org/wiki/",
            "namespaces": NAMESPACES_DEFAULT,
            "derived_from": "file name",
        }
    }


def test_unnamed_dump_without_siteinfo_gets_fixed_defaults(ltg, tmp_path):
    xml, reference = ltg
    path = tmp_path / "extract.xml"
    path.write_text(without_siteinfo(xml), encoding="utf-8")
    result = read_all(path)
    assert [d["id"] for d in result.docs] == [
        d["id"].replace("ltgwiki:", "wiki:") for d in reference.docs
    ]
    assert [d["text"] for d in result.docs] == [d["text"] for d in reference.docs]
    assert all(d["url"] is None for d in result.docs)
    assert result.end["notes"]["siteinfo"] == {
        "status": "missing",
        "dbname": "wiki",
        "url_prefix": None,
        "namespaces": NAMESPACES_DEFAULT,
        "derived_from": "fixed defaults",
    }


def test_multistream_bz2_export_0_11_without_siteinfo(ltg, tmp_path):
    xml, reference = ltg
    data = without_siteinfo(xml).replace("export-0.10", "export-0.11").encode()
    data = data.replace(b'version="0.10"', b'version="0.11"')
    chunk = 1 << 20  # compressed separately, like the multistream dumps
    streams = [bz2.compress(data[i : i + chunk]) for i in range(0, len(data), chunk)]
    assert len(streams) == 4
    path = tmp_path / "ltgwiki-latest-pages-articles-multistream.xml.bz2"
    path.write_bytes(b"".join(streams))
    result = read_all(path)
    assert not result.errors and articles(result) == articles(reference)
    assert result.end["notes"]["siteinfo"]["url_prefix"] == "https://ltg.wikipedia.org/wiki/"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_bare_pages_without_root_element(ltg, tmp_path, encoding):
    xml, reference = ltg
    pages = xml[xml.index("  <page>") : xml.rindex("</mediawiki>")]
    path = tmp_path / "ltgwiki-pages.xml"
    path.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?>\n{pages}'.encode(encoding))
    result = read_all(path)
    assert not result.errors and articles(result) == articles(reference)
    assert result.end["notes"]["xml_root"] == "missing: <page> elements read inside <mediawiki>"
    assert result.end["notes"]["siteinfo"]["derived_from"] == "file name"


def test_pages_without_ns_take_english_title_prefixes(tmp_path):
    xml = bz2.decompress(ENWIKI.read_bytes()).decode()
    path = tmp_path / "enwiki-extract.xml"
    path.write_text(re.sub(r"\n\s*<ns>-?\d+</ns>", "", without_siteinfo(xml)), encoding="utf-8")
    result, reference = read_all(path), read_all(ENWIKI)
    assert articles(result) == articles(reference)
    assert result.end["skipped"] == reference.end["skipped"] == {"namespace_4": 1, "redirect": 99}


def test_export_0_3_without_ns_uses_siteinfo_namespaces(ltg, tmp_path):
    xml, reference = ltg
    old = re.sub(r"\n\s*<ns>-?\d+</ns>", "", xml.replace("export-0.10", "export-0.3"))
    path = tmp_path / "ltgwiki-old.xml"
    path.write_text(old.replace('version="0.10"', 'version="0.3"'), encoding="utf-8")
    result = read_all(path)
    assert articles(result) == articles(reference) and "notes" not in result.end
    assert result.end["skipped"] == reference.end["skipped"]


def test_other_root_element_is_one_clear_error_row(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?>\n<feed><page><title>A</title></page></feed>')
    result = read_all(path)
    assert not result.docs and len(result.errors) == 1
    assert "root element <feed> is not <mediawiki>" in result.errors[0]["error"]
