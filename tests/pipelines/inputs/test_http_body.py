"""HTTP bodies as raw crawlers store them: chunked transfer coding and content codings undone."""

from __future__ import annotations

import gzip
import re
import sys
import zlib

import brotli
import pytest
import zstandard
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree
from warcio.archiveiterator import ArchiveIterator

from pipelines.inputs import ReadConfig
from pipelines.inputs.http_body import BodyError, codings, dechunk, decode_body
from tests.conftest import DOLMA
from tests.pipelines.inputs.helpers import read_all

PAGE = b"<html><head><title>T</title></head><body><p>Hello chunked world, plain text.</p></body></html>"
LIMIT = 1 << 20


def chunked(*chunks: bytes, ext: bytes = b"", trailer: bytes = b"") -> bytes:
    body = b"".join(b"%x%s\r\n%s\r\n" % (len(c), ext, c) for c in chunks)
    return body + b"0\r\n" + trailer + b"\r\n"


def decode(body: bytes, te: str | None = None, ce: str | None = None, **kw) -> bytes:
    return decode_body(body, transfer_encoding=te, content_encoding=ce, max_bytes=LIMIT, **kw)


# --- the decoder -------------------------------------------------------------------------------


def test_plain_body_is_returned_without_a_copy():
    assert decode(PAGE) is PAGE
    assert decode(PAGE, te="identity", ce="") is PAGE


def test_multi_chunk_body_with_a_size_line_mid_text():
    # the boundary falls inside "chunked": the old reader left "d\r\n" inside the word
    cut = PAGE.index(b"chunked") + 3
    assert dechunk(chunked(PAGE[:cut], PAGE[cut:])) == PAGE
    assert dechunk(chunked(*[PAGE[i : i + 7] for i in range(0, len(PAGE), 7)])) == PAGE


def test_chunk_extensions_trailers_and_bare_lf_are_accepted():
    assert dechunk(chunked(PAGE[:10], PAGE[10:], ext=b";name=val")) == PAGE
    assert dechunk(chunked(PAGE, ext=b' ; a="b;c"')) == PAGE
    assert dechunk(chunked(PAGE, trailer=b"Expires: never\r\nX-Sum: 1a\r\n")) == PAGE
    assert (
        dechunk(b"1A\n" + PAGE[:26] + b"\n" + b"%X\n" % (len(PAGE) - 26) + PAGE[26:] + b"\n0\n\n")
        == PAGE
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"zz\r\n" + PAGE + b"\r\n0\r\n\r\n", r"bad chunk-size line b'zz' at byte 0"),
        (PAGE + b"\r\n", r"bad chunk-size line b'<html>"),  # the header lies: not chunked
        (b"ff\r\n" + PAGE, r"chunk of 255 bytes at byte 0 is cut short"),
        (b"5\r\nHelloXX\r\n0\r\n\r\n", r"chunk at byte 0 is not followed by CRLF"),
        (b"5\r\nHello\r\n", r"ends without its last \(zero-size\) chunk"),
        (b"5\r\nHello\r\n7", r"no chunk-size line at byte 10"),
        (b"-5\r\nHello\r\n0\r\n\r\n", r"bad chunk-size line b'-5'"),
    ],
)
def test_malformed_chunked_bodies_are_errors(body, message):
    with pytest.raises(BodyError, match=message):
        decode(body, te="chunked")


def test_a_body_known_to_be_cut_decodes_as_far_as_it_goes():
    assert decode(b"ff\r\n" + PAGE, te="chunked", complete=False) == PAGE
    partial = decode(gzip.compress(PAGE)[:-12], ce="gzip", complete=False)
    assert partial and PAGE.startswith(partial)


@pytest.mark.parametrize(
    ("encoded", "ce"),
    [
        (gzip.compress(PAGE), "gzip"),
        (gzip.compress(PAGE), "x-gzip"),
        (gzip.compress(PAGE[:20]) + gzip.compress(PAGE[20:]), "gzip"),  # two members
        (gzip.compress(PAGE) + b"\0\0\n", "GZIP"),  # padding after the stream
        (zlib.compress(PAGE), "deflate"),  # RFC 9110: zlib-wrapped
        (zlib.compress(PAGE)[2:-4], "deflate"),  # what many servers send: raw deflate
        (brotli.compress(PAGE), "br"),
        (zstandard.ZstdCompressor().compress(PAGE), "zstd"),
        (brotli.compress(gzip.compress(PAGE)), "gzip, br"),  # applied in order, undone backwards
    ],
)
def test_content_codings(encoded, ce):
    assert decode(encoded, ce=ce) == PAGE
    assert decode(chunked(encoded[:9], encoded[9:]), te="chunked", ce=ce) == PAGE


@pytest.mark.parametrize(
    ("encoded", "ce", "message"),
    [
        (b"not compressed at all", "gzip", r"gzip body: .*incorrect header"),
        (gzip.compress(PAGE)[:-12], "gzip", r"gzip body ends early"),
        (zlib.compress(PAGE)[:-9], "deflate", r"deflate body ends early"),
        (b"\x00garbage", "br", r"br body"),
        (brotli.compress(PAGE * 50)[:-5], "br", r"br body ends early"),
        (zstandard.ZstdCompressor().compress(PAGE)[:-5], "zstd", r"zstd body ends early"),
        (PAGE, "compress", r"unsupported encoding 'compress'"),
    ],
)
def test_undecodable_content_is_an_error(encoded, ce, message):
    with pytest.raises(BodyError, match=message):
        decode(encoded, ce=ce)


@pytest.mark.parametrize("ce", ["gzip", "deflate", "br", "zstd"])
def test_decompression_is_capped(ce):
    big = b"a" * (4 * LIMIT)
    encoded = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "br": brotli.compress,
        "zstd": zstandard.ZstdCompressor().compress,
    }[ce](big)
    with pytest.raises(BodyError, match=r"decoded body exceeds 1,048,576 bytes"):
        decode(encoded, ce=ce)


def test_missing_brotli_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "brotli", None)  # what `import brotli` sees when absent
    with pytest.raises(BodyError, match=r"needs the brotli package: pip install brotli"):
        decode(brotli.compress(PAGE), ce="br")


def test_coding_lists():
    assert codings("gzip, chunked") == ["gzip", "chunked"]
    assert codings(" Chunked ;q=1,identity") == ["chunked"]
    assert codings(None) == codings("") == []


# --- the WARC reader ---------------------------------------------------------------------------


def _response(body: bytes, *headers: bytes, uid: int) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    http += b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body
    warc = (
        b"WARC/1.0\r\nWARC-Type: response\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\n"
        b"WARC-Date: 2024-04-25T16:24:44Z\r\nWARC-Target-URI: <https://example.org/%d>\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
    ) % (uid, uid, len(http))
    return gzip.compress(warc + http + b"\r\n\r\n")


def test_reader_decodes_bodies_and_turns_malformed_ones_into_error_rows(tmp_path):
    te = b"Transfer-Encoding: chunked"
    records = [
        _response(chunked(PAGE[:50], PAGE[50:], ext=b";x=1"), te, uid=0),
        _response(b"zz\r\n" + PAGE + b"\r\n0\r\n\r\n", te, uid=1),
        _response(chunked(gzip.compress(PAGE)), te, b"Content-Encoding: gzip", uid=2),
        _response(b"ff\r\n" + PAGE, te, uid=3),
        _response(brotli.compress(PAGE), b"Content-Encoding: br", uid=4),
    ]
    path = tmp_path / "wget.warc.gz"
    path.write_bytes(b"".join(records))
    offsets = [sum(map(len, records[:i])) for i in range(len(records))]

    result = read_all(path)
    assert [d["source_offset"] for d in result.docs] == [offsets[0], offsets[2], offsets[4]]
    assert {d["text"] for d in result.docs} == {"Hello chunked world, plain text."}
    assert [(e["source_offset"], e["source_record"]) for e in result.errors] == [
        (offsets[1], 1),
        (offsets[3], 3),
    ]
    bad_hex, cut = (e["error"] for e in result.errors)
    assert bad_hex == "undecodable HTTP body: chunked body: bad chunk-size line b'zz' at byte 0"
    assert cut.startswith("undecodable HTTP body: chunked body: chunk of 255 bytes at byte 0")
    assert result.end["errors"] == 2


def test_oversized_decoded_body_is_an_error_row(tmp_path):
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(_response(gzip.compress(b"a" * 200_000), b"Content-Encoding: gzip", uid=0))
    result = read_all(path, ReadConfig(max_record_bytes=100_000))
    (error,) = result.errors
    assert "decoded body exceeds 100,000 bytes (read.max_record_bytes)" in error["error"]


def _warcio_texts(path) -> dict[str, str]:
    """Reference texts: warcio's own de-chunking and decoding, then our extraction settings."""
    texts = {}
    with open(path, "rb") as f:
        for record in ArchiveIterator(f):
            if record.rec_type != "response" or record.http_headers.get_statuscode() != "200":
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if not content_type.lower().startswith("text/html"):
                continue
            body = record.content_stream().read()
            charset = re.search(r"charset=([\w-]+)", content_type, re.I)
            html = bytes_to_str(body, charset.group(1) if charset else detect_encoding(body))
            text = extract_plain_text(
                HTMLTree.parse(html), main_content=True, alt_texts=False, preserve_formatting=True
            )
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            texts[record_id.strip("<>").removeprefix("urn:uuid:")] = text
    return texts


def test_wget_chunked_pages_equal_the_text_of_the_dechunked_body():
    result = read_all(DOLMA)
    reference = _warcio_texts(DOLMA)
    assert len(result.docs) == len(reference) == 22 and not result.errors
    for doc in result.docs:
        assert doc["text"] == reference[doc["id"]], doc["url"]
        assert not re.match(r"[0-9a-f]+\s", doc["text"]), doc["url"]  # "925 amy x zhang" before
    zhang = next(d for d in result.docs if d["url"] == "https://amyxzhang.wordpress.com/")
    assert "most interviewees caught up" in zhang["text"]  # was "most inte 7ff7 rviewees"
