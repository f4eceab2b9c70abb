"""Decoding an HTTP body as a crawler stored it: chunked transfer coding, then content codings.

wget and other raw crawlers write the body exactly as the server sent it; Common Crawl decodes
it itself and renames the headers (``X-Crawler-Transfer-Encoding``), so its bodies pass through.
We decode here rather than through fastwarc's ``auto_decode`` (2.0.0): it raises mid-iteration
on chunk extensions, trailers, ``x-gzip`` and raw deflate, and after a chunked gzip body it
silently drops the next record.
"""

from __future__ import annotations

import re
import zlib

SIZE_FIELD = re.compile(rb"[0-9A-Fa-f]{1,16}")
MAX_SIZE_LINE = 4096  # bytes of a chunk-size line with its extensions
ZSTD_STEP = 4096  # compressed bytes fed per step, so the output limit is checked often
GZIP_MAGIC = b"\x1f\x8b"


class BodyError(ValueError):
    """A body its HTTP headers call encoded that cannot be decoded: bad data, not a bug."""


def codings(header: str | None) -> list[str]:
    """The codings of a ``Transfer-Encoding`` / ``Content-Encoding`` value, in applied order."""
    if not header:
        return []
    names = (c.split(";", 1)[0].strip().lower() for c in header.split(","))
    return [c for c in names if c and c != "identity"]


def decode_body(
    body: bytes,
    *,
    transfer_encoding: str | None,
    content_encoding: str | None,
    max_bytes: int,
    complete: bool = True,
) -> bytes:
    """The payload of ``body``: transfer codings undone (``chunked``, …), then content codings
    (``gzip``/``x-gzip``, ``deflate`` zlib-wrapped or raw, ``br``, ``zstd``), last applied first.

    A body without codings is returned as is (no copy). ``max_bytes`` caps the decoded size
    (decompression bombs); ``complete=False`` says the body is known to be cut short, so it is
    decoded as far as it goes instead of being an error. Raises BodyError on malformed data.
    """
    for coding in codings(transfer_encoding)[::-1] + codings(content_encoding)[::-1]:
        if not body:
            break
        if coding == "chunked":
            body = dechunk(body, complete=complete)
        else:
            body = decompress(body, coding, max_bytes=max_bytes, complete=complete)
    return body


def dechunk(body: bytes, *, complete: bool = True) -> bytes:
    """The data of a ``Transfer-Encoding: chunked`` body (RFC 9112 §7.1); chunk extensions and
    trailers are dropped, and a bare LF is accepted where CRLF belongs."""
    view, end, pos = memoryview(body), len(body), 0
    parts: list[memoryview] = []
    while True:
        eol = body.find(b"\n", pos, pos + MAX_SIZE_LINE)
        if eol < 0:
            if not complete and end - pos < MAX_SIZE_LINE:
                break
            raise BodyError(f"chunked body: no chunk-size line at byte {pos:,} (truncated?)")
        field = body[pos:eol].split(b";", 1)[0].strip()
        if not SIZE_FIELD.fullmatch(field):
            line = body[pos:eol].rstrip(b"\r")[:40]
            raise BodyError(f"chunked body: bad chunk-size line {line!r} at byte {pos:,}")
        size, start = int(field, 16), eol + 1
        if size == 0:
            break  # the last chunk; trailer fields follow and are not part of the payload
        stop = start + size
        if stop > end and complete:
            raise BodyError(
                f"chunked body: chunk of {size:,} bytes at byte {pos:,} is cut short: "
                f"{end - start:,} bytes left"
            )
        parts.append(view[start:stop])
        if body.startswith(b"\r\n", stop):
            pos = stop + 2
        elif body.startswith(b"\n", stop):
            pos = stop + 1
        elif stop < end:
            raise BodyError(f"chunked body: chunk at byte {pos:,} is not followed by CRLF")
        else:
            pos = end
        if pos >= end:
            if not complete:
                break
            raise BodyError("chunked body ends without its last (zero-size) chunk (truncated?)")
    return b"".join(parts)


def decompress(data: bytes, coding: str, *, max_bytes: int, complete: bool = True) -> bytes:
    """``data`` with one content coding undone; at most ``max_bytes`` of output."""
    if coding in ("gzip", "x-gzip"):
        return _inflate(data, zlib.MAX_WBITS | 16, coding, max_bytes, complete)
    if coding == "deflate":  # RFC 9110 says zlib-wrapped; many servers send raw deflate
        wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and int.from_bytes(data[:2]) % 31 == 0
        wbits = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
        return _inflate(data, wbits, coding, max_bytes, complete)
    if coding == "br":
        return _unbrotli(data, max_bytes, complete)
    if coding == "zstd":
        return _unzstd(data, max_bytes, complete)
    raise BodyError(f"unsupported encoding {coding!r} (supported: gzip, x-gzip, deflate, br, zstd)")


def _inflate(data: bytes, wbits: int, coding: str, max_bytes: int, complete: bool) -> bytes:
    out: list[bytes] = []
    size = 0
    while True:  # a gzip body may hold several members
        d = zlib.decompressobj(wbits)
        try:
            out.append(d.decompress(data, max_bytes + 1 - size))
        except zlib.error as exc:
            raise BodyError(f"{coding} body: {exc}") from None
        size += len(out[-1])
        _check_size(size, max_bytes)
        if not d.eof:
            if complete:
                raise BodyError(f"{coding} body ends early (truncated?)")
            break
        data = d.unused_data
        if not data.startswith(GZIP_MAGIC) or wbits <= zlib.MAX_WBITS:
            break  # trailing bytes after the stream (padding) are not payload
    return b"".join(out)


def _unbrotli(data: bytes, max_bytes: int, complete: bool) -> bytes:
    try:
        import brotli
    except ImportError:
        raise BodyError("br body needs the brotli package: pip install brotli") from None
    d = brotli.Decompressor()
    try:
        out = d.process(data, output_buffer_limit=max_bytes + 1)
        while not d.is_finished() and not d.can_accept_more_data() and len(out) <= max_bytes:
            out += d.process(b"", output_buffer_limit=max_bytes + 1 - len(out))
    except brotli.error as exc:
        raise BodyError(f"br body: {exc}") from None
    _check_size(len(out), max_bytes)
    if complete and not d.is_finished():
        raise BodyError("br body ends early (truncated?)")
    return out


def _unzstd(data: bytes, max_bytes: int, complete: bool) -> bytes:
    import zstandard

    d = zstandard.ZstdDecompressor().decompressobj()
    out: list[bytes] = []
    size = 0
    try:
        for i in range(0, len(data), ZSTD_STEP):
            out.append(d.decompress(data[i : i + ZSTD_STEP]))
            size += len(out[-1])
            _check_size(size, max_bytes)
            if d.eof:
                break
    except zstandard.ZstdError as exc:
        raise BodyError(f"zstd body: {exc}") from None
    if complete and not d.eof:
        raise BodyError("zstd body ends early (truncated?)")
    return b"".join(out)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise BodyError(f"decoded body exceeds {max_bytes:,} bytes (read.max_record_bytes)")
