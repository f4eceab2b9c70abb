"""WARC and WET reader: HTML responses → main-content text, WET conversion records → text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

from pipelines.core import schema as S
from pipelines.inputs.base import BlockBuilder, InputSpec, ReadConfig
from pipelines.inputs.http_body import BodyError, decode_body
from pipelines.inputs.io import open_binary

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_RESYNCS = 1000  # corrupt spans skipped per file before giving up on it
RECORD_START_GZIP = b"\x1f\x8b\x08"
RECORD_START_PLAIN = b"WARC/1."
DOCUMENT_TYPES = WarcRecordType.response | WarcRecordType.conversion


def read_warc(spec: InputSpec, config: ReadConfig) -> Iterator[pa.Table]:
    """Stream one WARC/WET file as blocks of document rows (see BlockBuilder).

    Corrupt data in the middle of a seekable file is skipped: the reader resynchronizes at
    the next gzip member (or ``WARC/1.`` line) and counts the skipped span as one error.
    """
    out = BlockBuilder(spec, config)
    try:  # fastwarc detects gzip/zstd members itself, so the raw stream is passed undecoded
        f = open_binary(spec.path, decompress=False, storage_options=config.storage_options)
    except OSError as exc:  # vanished file, network failure, denied: counted, not fatal
        yield from out.error(
            f"cannot open: {type(exc).__name__}: {exc}", offset=None, source=spec.format
        )
    else:
        with f:
            yield from _read_records(f, out, config, spec.format)
    yield from out.finish()


def _read_records(
    f: BinaryIO, out: BlockBuilder, config: ReadConfig, fmt: str
) -> Iterator[pa.Table]:
    start, resyncs = 0, 0
    while start is not None:
        last = start
        try:
            for record in ArchiveIterator(f, parse_http=True, stream_detect=True):
                last = record.stream_pos  # absolute: fastwarc starts at f.tell()
                yield from _record_rows(record, last, out, config)
            break
        except (OSError, ValueError, EOFError) as exc:
            resyncs += 1
            start = _resync(f, last + 1) if resyncs <= MAX_RESYNCS else None
            where = f"resuming at offset {start}" if start is not None else "rest of file lost"
            msg = f"corrupt data after offset {last} ({where}): {type(exc).__name__}: {exc}"
            yield from out.error(msg, offset=last, source=fmt)


def _resync(f: BinaryIO, offset: int) -> int | None:
    """Seek to the next record start after ``offset`` (gzip magic or WARC version line)."""
    if not f.seekable():
        return None
    f.seek(offset)
    overlap, pos = b"", offset
    while chunk := f.read(1 << 20):
        data = overlap + chunk
        hits = [i for i in (data.find(RECORD_START_GZIP), data.find(RECORD_START_PLAIN)) if i >= 0]
        if hits:
            found = pos - len(overlap) + min(hits)
            f.seek(found)
            return found
        overlap, pos = data[-8:], pos + len(chunk)
    return None


def _record_rows(
    record: WarcRecord, offset: int, out: BlockBuilder, config: ReadConfig
) -> Iterator[pa.Table]:
    kind = record.record_type
    if not kind & DOCUMENT_TYPES:
        out.skip(f"warc_{kind}")
        return
    source = "wet" if kind == WarcRecordType.conversion else "warc"
    declared = record.content_length
    if declared > config.max_record_bytes:
        msg = (
            f"record of {declared:,} bytes exceeds read.max_record_bytes={config.max_record_bytes:,}"
            " (raise it with --set read.max_record_bytes=N)"
        )
        yield from out.error(msg, offset=offset, source=source)
        return
    if source == "warc":
        status = record.http_headers.status_code if record.http_headers else None
        if status is None or not 200 <= status < 300:
            out.skip(f"http_status_{status // 100 if status else 'missing'}xx")
            return
        if (record.http_content_type or "").lower() not in HTML_TYPES:
            out.skip("non_html")
            return
    body, problems = _payload(record, source, config)
    for message in problems:
        yield from out.error(message, offset=offset, source=source)
    if body is None:
        return
    try:
        row = _html_row(record, body, config) if source == "warc" else _wet_row(record, body)
    except Exception as exc:  # a page the HTML/charset stack cannot handle is bad data, not fatal
        yield from out.error(
            f"undecodable page: {type(exc).__name__}: {exc}", offset=offset, source=source
        )
        return
    row[S.SOURCE_OFFSET] = offset
    yield from out.add(row)


def _payload(record: WarcRecord, source: str, config: ReadConfig) -> tuple[bytes | None, list[str]]:
    """The record's payload with its HTTP transfer and content codings undone (None: no
    document), and the problems to report as error rows."""
    body = record.reader.read()
    declared = record.content_length
    complete = len(body) >= declared
    problems = []
    if not complete:
        problems.append(f"truncated record: {len(body):,} of {declared:,} bytes present")
        if not body:
            return None, problems
    if source == "warc" and body:
        headers = record.http_headers
        try:
            body = decode_body(
                body,
                transfer_encoding=",".join(headers.get_multiple("Transfer-Encoding")),
                content_encoding=",".join(headers.get_multiple("Content-Encoding")),
                max_bytes=config.max_record_bytes,
                complete=complete,
            )
        except BodyError as exc:
            if complete:  # a cut record is reported once, as truncated
                problems.append(f"undecodable HTTP body: {exc}")
            return None, problems
    return body, problems


def _common(record: WarcRecord, source: str) -> dict:
    url = (record.headers.get("WARC-Target-URI") or "").strip()
    if url.startswith("<") and url.endswith(">"):  # wget writes <https://...>
        url = url[1:-1]
    return {
        S.ID: (record.record_id or "").strip("<>").removeprefix("urn:uuid:"),
        S.URL: url or None,
        S.SOURCE: source,
        S.CRAWL_DATE: record.record_date,
    }


def _html_row(record: WarcRecord, body: bytes, config: ReadConfig) -> dict:
    charset = record.http_charset or detect_encoding(body)
    html = bytes_to_str(body, charset)
    tree = HTMLTree.parse(html)
    text = extract_plain_text(
        tree, main_content=config.html_main_content, alt_texts=False, preserve_formatting=True
    )
    row = _common(record, "warc")
    row.update(
        {
            S.TEXT: text,
            S.TITLE: tree.title or None,
            S.CONTENT_TYPE: record.http_content_type,
            S.CHARSET: charset.lower(),
        }
    )
    return row


def _wet_row(record: WarcRecord, body: bytes) -> dict:
    row = _common(record, "wet")
    row.update(
        {
            S.TEXT: bytes_to_str(body, "utf-8"),
            S.CONTENT_TYPE: record.headers.get("Content-Type") or "text/plain",
            S.CHARSET: "utf-8",
        }
    )
    return row
