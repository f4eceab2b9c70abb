"""Deterministic gzip-compressed WARC/1.1 sample of a small multilingual web crawl."""

from __future__ import annotations

import base64
import gzip
import hashlib
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from cluster.demo import content
from cluster.demo.content import Page, Source

CRAWL_START = datetime(2024, 3, 4, 8, 0, 0, tzinfo=UTC)
USER_AGENT = "ForageDemoBot/0.1 (+https://forage.example/bot)"
# (language, charset) of the first article pages: real bytes in a legacy encoding.
LEGACY = (
    ("de", "iso-8859-1"),
    ("ru", "windows-1251"),
    ("zh", "gbk"),
    ("de", "iso-8859-1"),
    ("ru", "windows-1251"),
    ("zh", "gb2312"),
)


@dataclass(frozen=True)
class SampleStats:
    """What a generated sample contains; every count is over HTTP responses (pages).

    ``exact_duplicates`` counts pages whose body is byte-identical to another page's (the
    copies, not the originals); ``near_duplicates`` counts pages with the same article as
    another page but different bytes (other boilerplate, or one paragraph changed).
    ``languages`` maps the ``<html lang>`` of HTML pages to their number.
    """

    pages: int
    html_pages: int
    non_html: int
    exact_duplicates: int
    near_duplicates: int
    junk_pages: int
    pii_pages: int
    languages: dict[str, int]


def write_sample_crawl(path: Path, *, pages: int = 240, seed: int = 0) -> SampleStats:
    """Write a WARC of ``pages`` request/response pairs to ``path``; same seed, same bytes.

    Roughly 65% article pages, 8% exact and 8% near duplicates, 8% pages with synthetic
    PII, 10% junk and up to 3 PNG/PDF responses; a few articles use ISO-8859-1,
    windows-1251, GBK or GB2312. Each record is its own gzip member, as in Common Crawl.
    """
    if pages < 0:
        raise ValueError(f"pages must be >= 0, got {pages}")
    rng = random.Random(seed)
    crawl = _build_pages(rng, pages)
    Path(path).write_bytes(_serialize(rng, crawl, seed))
    return _stats(crawl)


def plan_counts(pages: int) -> dict[str, int]:
    """How many pages of each kind a sample of ``pages`` pages gets."""
    counts = {
        "binary": min(3, pages // 40),
        "exact": round(pages * 0.08),
        "near": round(pages * 0.08),
        "pii": round(pages * 0.08),
        "junk": round(pages * 0.10),
    }
    counts["article"] = pages - sum(counts.values())
    return counts


def _build_pages(rng: random.Random, pages: int) -> list[Page]:
    counts = plan_counts(pages)
    built, sources = _originals(rng, counts)
    used = {page.url for page in built}
    for _ in range(counts["exact"]):
        page = content.exact_duplicate(rng, rng.choice(sources)[0], used)
        used.add(page.url)
        built.append(page)
    for pid in range(len(built) + 1, len(built) + 1 + counts["near"]):
        built.append(content.near_duplicate(rng, rng.choice(sources), pid))
    rng.shuffle(built)
    return built


def _originals(rng: random.Random, counts: dict[str, int]) -> tuple[list[Page], list[Source]]:
    """Articles (the first few in legacy charsets), PII pages, junk and binary files."""
    built: list[Page] = []
    sources: list[Source] = []
    legacy = LEGACY[: counts["article"] // 5]
    for i in range(counts["article"]):
        lang, charset = legacy[i] if i < len(legacy) else (content.pick_lang(rng), "utf-8")
        source = content.article_page(rng, len(built) + 1, lang, charset)
        built.append(source[0])
        if charset == "utf-8":  # duplicates are made from UTF-8 articles only
            sources.append(source)
    for i in range(counts["pii"]):
        lang = content.pick_lang(rng)
        built.append(content.article_page(rng, len(built) + 1, lang, pii=i)[0])
    for i in range(counts["junk"]):
        variant = content.JUNK_VARIANTS[i % len(content.JUNK_VARIANTS)]
        built.append(content.junk_page(rng, len(built) + 1, variant))
    for i in range(counts["binary"]):
        built.append(content.binary_page(rng, len(built) + 1, i))
    return built, sources


def _stats(crawl: list[Page]) -> SampleStats:
    kinds = Counter(page.kind for page in crawl)
    languages = Counter(page.lang for page in crawl if page.lang)
    return SampleStats(
        pages=len(crawl),
        html_pages=len(crawl) - kinds["binary"],
        non_html=kinds["binary"],
        exact_duplicates=kinds["exact"],
        near_duplicates=kinds["near"],
        junk_pages=kinds["junk"],
        pii_pages=kinds["pii"],
        languages=dict(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
    )


def _serialize(rng: random.Random, crawl: list[Page], seed: int) -> bytes:
    """warcinfo, then a request and a response record per page, each gzipped on its own."""
    info_id = _record_id(rng)
    members = [_gzip(_warcinfo(info_id, len(crawl), seed))]
    when = CRAWL_START
    for page in crawl:
        when += timedelta(seconds=rng.randint(1, 30))
        request_id, response_id = _record_id(rng), _record_id(rng)
        members.append(_gzip(_request(page, when, request_id, info_id)))
        members.append(_gzip(_response(page, when, response_id, request_id, info_id)))
    return b"".join(members)


def _warcinfo(record_id: str, pages: int, seed: int) -> bytes:
    fields = (
        ("software", "forage pipelines.demo sample generator"),
        ("format", "WARC File Format 1.1"),
        ("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/"),
        ("isPartOf", "forage-demo-sample"),
        ("description", f"Synthetic multilingual crawl of {pages} pages (seed {seed})."),
        ("operator", "Forage demo; every site, person and number in it is fictional"),
        ("http-header-user-agent", USER_AGENT),
    )
    block = "".join(f"{key}: {value}\r\n" for key, value in fields).encode("utf-8")
    headers = {
        "WARC-Type": "warcinfo",
        "WARC-Date": _warc_date(CRAWL_START),
        "WARC-Record-ID": record_id,
        "Content-Type": "application/warc-fields",
    }
    return _warc_record(headers, block)


def _request(page: Page, when: datetime, record_id: str, info_id: str) -> bytes:
    parts = urlsplit(page.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = (
        f"GET {target} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"User-Agent: {USER_AGENT}",
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language: en-US,en;q=0.7,*;q=0.5",
        "Connection: close",
    )
    block = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    headers = {
        "WARC-Type": "request",
        "WARC-Date": _warc_date(when),
        "WARC-Record-ID": record_id,
        "Content-Type": "application/http; msgtype=request",
        "WARC-Warcinfo-ID": info_id,
        "WARC-Target-URI": page.url,
    }
    return _warc_record(headers, block)


def _response(page: Page, when: datetime, record_id: str, request_id: str, info_id: str) -> bytes:
    lines = [
        "HTTP/1.1 200 OK",
        f"Date: {format_datetime(when, usegmt=True)}",
        f"Server: {page.server}",
        f"Content-Type: {page.content_type}",
        f"Content-Length: {len(page.body)}",
    ]
    if page.modified:
        modified = datetime.combine(page.modified, time(9, 30), tzinfo=UTC)
        lines.append(f"Last-Modified: {format_datetime(modified, usegmt=True)}")
    lines += ["Cache-Control: max-age=600", "Connection: close"]
    block = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + page.body
    headers = {
        "WARC-Type": "response",
        "WARC-Date": _warc_date(when),
        "WARC-Record-ID": record_id,
        "Content-Type": "application/http; msgtype=response",
        "WARC-Warcinfo-ID": info_id,
        "WARC-Concurrent-To": request_id,
        "WARC-Target-URI": page.url,
        "WARC-Payload-Digest": _digest(page.body),
        "WARC-Identified-Payload-Type": page.content_type.split(";")[0],
    }
    return _warc_record(headers, block)


def _warc_record(headers: dict[str, str], block: bytes) -> bytes:
    """Header lines, Content-Length and block digest, blank line, block, then CRLF CRLF."""
    fields = {**headers, "WARC-Block-Digest": _digest(block), "Content-Length": str(len(block))}
    head = "WARC/1.1\r\n" + "".join(f"{key}: {value}\r\n" for key, value in fields.items())
    return (head + "\r\n").encode("utf-8") + block + b"\r\n\r\n"


def _record_id(rng: random.Random) -> str:
    return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"


def _warc_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _gzip(record: bytes) -> bytes:
    return gzip.compress(record, compresslevel=6, mtime=0)
