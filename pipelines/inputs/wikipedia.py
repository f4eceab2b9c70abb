"""MediaWiki XML dump reader (.xml, .xml.bz2, .xml.gz): namespace-0 articles as clean text."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import quote

import mwxml
import pyarrow as pa
from mwxml.element_iterator import ElementIterator

from pipelines.core import schema as S
from pipelines.core.errors import InputError
from pipelines.inputs.base import BlockBuilder, InputSpec, ReadConfig
from pipelines.inputs.io import open_binary
from pipelines.inputs.wikitext import render_wikitext

# Pages without <ns> in a dump without <siteinfo> namespaces: a title prefix names a namespace only
# when it is one of MediaWiki's canonical English names (plus English Wikipedia's Wikipedia,
# Image, Portal, Draft and Scribunto's Module); any other title is an article (namespace 0).
ENGLISH_NAMESPACES = {
    "Media": -2, "Special": -1, "Talk": 1, "User": 2, "User talk": 3, "Project": 4,
    "Project talk": 5, "Wikipedia": 4, "Wikipedia talk": 5, "File": 6, "File talk": 7,
    "Image": 6, "Image talk": 7, "MediaWiki": 8, "MediaWiki talk": 9, "Template": 10,
    "Template talk": 11, "Help": 12, "Help talk": 13, "Category": 14, "Category talk": 15,
    "Portal": 100, "Portal talk": 101, "Draft": 118, "Draft talk": 119, "Module": 828,
    "Module talk": 829,
}  # fmt: skip
_ENGLISH_MAP = {name: mwxml.Namespace(key, name) for name, key in ENGLISH_NAMESPACES.items()}
# A Wikipedia database name (ltgwiki, zh_min_nanwiki, simplewiki) at the start of a file name.
_WIKI_DBNAME = re.compile(r"^((?:[a-z]{2,3}|simple)(?:_[a-z]+)*)wiki(?=[-_.]|$)")
_HEAD_BYTES = 1 << 16  # enough to see the first element after the XML declaration
_FIRST_TAG = re.compile(r"\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<([\w.:-]+)", re.S)


def read_wikipedia(spec: InputSpec, config: ReadConfig) -> Iterator[pa.Table]:
    """Stream one dump: redirects and other namespaces are counted as skipped, not documents.

    The XML parser honours the encoding the dump declares (UTF-16 included), so the
    decompressed bytes are handed over undecoded. Any export schema version reads; a dump
    without ``<siteinfo>`` (or without some of its fields) reads with defaults that the
    input's manifest entry names under ``notes.siteinfo``; a file of bare ``<page>`` elements
    without the ``<mediawiki>`` root reads as if it had one (``notes.xml_root``).
    """
    out = BlockBuilder(spec, config)
    page_no = 0
    try:
        with open_binary(spec.path, decompress=True, storage_options=config.storage_options) as f:
            root = ElementIterator.from_file(_rooted(f, out))
            site, pages = _open_dump(root, spec.path)
            if site.note:
                out.note("siteinfo", site.note)
            for page_no, page in enumerate(pages, start=1):
                yield from _page_rows(page, page_no, site, config, out)
    except Exception as exc:  # mwxml/expat raise a variety of types on corrupt or cut dumps
        msg = f"unreadable after page {page_no}: {type(exc).__name__}: {exc}"
        yield from out.error(msg, offset=None, source="wikipedia")
    yield from out.finish()


def _open_dump(root: ElementIterator, path: str) -> tuple[_SiteInfo, Iterator[Any]]:
    """mwxml's ``Dump.from_element`` without its demand for <siteinfo>: the site info (with
    defaults) and the lazy pages/log items."""
    if root.tag != "mediawiki":
        raise InputError(f"root element <{root.tag}> is not <mediawiki>: not a MediaWiki export")
    info, first = None, None
    for element in root:  # <siteinfo>, if any, comes before the first page
        if element.tag == "siteinfo":
            info = mwxml.SiteInfo.from_element(element)
        elif element.tag in ("page", "logitem"):
            first = element
            break
    site = _SiteInfo(info, path)
    return site, mwxml.Dump.load_items(first, root, site.namespaces)


class _SiteInfo:
    """What rows need from <siteinfo>: the wiki's database name, article URL prefix and namespace
    names; ``note`` says which defaults stood in for missing fields (None when none did)."""

    def __init__(self, info: mwxml.SiteInfo | None, path: str) -> None:
        base = (info.base if info else None) or ""
        names = info.namespaces if info else None
        known = info.dbname if info else None
        named = _WIKI_DBNAME.match(path.split("?", 1)[0].rsplit("/", 1)[-1])
        self.dbname = known or (named.group(0) if named else "wiki")
        has_base = "/wiki/" in base
        self.url_prefix = base.rsplit("/", 1)[0] + "/" if has_base else _wikipedia_url(self.dbname)
        self.namespaces = {ns.name: ns for ns in names} if names is not None else _ENGLISH_MAP
        defaults: dict[str, Any] = {}
        if not known:
            defaults["dbname"] = self.dbname
        if not has_base:
            defaults["url_prefix"] = self.url_prefix
        if names is None:
            defaults["namespaces"] = "<ns> of each page, else English namespace title prefixes"
        source = "siteinfo dbname" if known else "file name" if named else "fixed defaults"
        status = "incomplete" if info else "missing"
        self.note = {"status": status, **defaults, "derived_from": source} if defaults else None

    def url(self, title: str) -> str | None:
        if self.url_prefix is None:
            return None
        return self.url_prefix + quote(title.replace(" ", "_"), safe="/:()_,'-")


def _page_rows(
    page: mwxml.Page, page_no: int, site: _SiteInfo, config: ReadConfig, out: BlockBuilder
) -> Iterator[pa.Table]:
    if page.namespace != 0:
        out.skip(f"namespace_{page.namespace}")
        return
    if page.redirect:
        out.skip("redirect")
        return
    revisions = list(page)  # dumps of current pages carry one revision; keep the last
    revision = revisions[-1] if revisions else None
    wikitext = revision.text if revision is not None else None
    if not wikitext:
        out.skip("empty_page")
        return
    if len(wikitext) > config.max_record_bytes:
        msg = f"page {page.id}: {len(wikitext):,} chars exceeds read.max_record_bytes"
        yield from out.error(msg, offset=None, source="wikipedia")
        return
    if wikitext.lstrip()[:9].upper() == "#REDIRECT":  # redirect pages without a <redirect> tag
        out.skip("redirect")
        return
    yield from out.add(
        {
            S.ID: f"{site.dbname}:{page.id}",
            S.TEXT: render_wikitext(wikitext),
            S.URL: site.url(page.title),
            S.SOURCE: "wikipedia",
            S.TITLE: page.title,
            S.CRAWL_DATE: _timestamp(revision.timestamp),
            S.CONTENT_TYPE: "text/x-wiki",
        }
    )


def _timestamp(value: object) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(value.unix(), tz=UTC)


def _wikipedia_url(dbname: str) -> str | None:
    """The article URL prefix of a Wikipedia database name (zh_min_nanwiki →
    https://zh-min-nan.wikipedia.org/wiki/; the host spells _ as -), else None."""
    match = _WIKI_DBNAME.fullmatch(dbname)
    return f"https://{match.group(1).replace('_', '-')}.wikipedia.org/wiki/" if match else None


def _rooted(f: IO[bytes], out: BlockBuilder) -> IO[bytes]:
    """``f`` again, or for an extract of bare <page> elements (no root element, hence not
    well-formed XML) ``f`` inside ``<mediawiki>…</mediawiki>``, written in the file's encoding."""
    head = f.read(_HEAD_BYTES)
    codec, bom = _xml_codec(head)
    text = head[bom:].decode(codec, errors="ignore")
    first = _FIRST_TAG.match(text)
    if not first or first.group(1).rsplit(":", 1)[-1] not in ("siteinfo", "page", "logitem"):
        return _Chained(head, f)
    at = bom + len(text[: first.start(1) - 1].encode(codec))
    out.note("xml_root", f"missing: <{first.group(1)}> elements read inside <mediawiki>")
    start, end = "<mediawiki>".encode(codec), "</mediawiki>".encode(codec)
    return _Chained(head[:at], start, head[at:], f, end)


def _xml_codec(head: bytes) -> tuple[str, int]:
    """The encoding of an XML document by its first bytes (XML 1.0 appendix F) and the length of
    its byte-order mark: a mark, else UTF-16 by the zero bytes, else the declaration, else UTF-8."""
    marks = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"))
    for mark, codec in (*marks, (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(mark):
            return codec, len(mark)
    if head[:2] in (b"<\0", b"\0<"):
        return ("utf-16-le" if head[0] else "utf-16-be"), 0
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([\w.:-]+)", head)
    try:
        return codecs.lookup(declared.group(1).decode() if declared else "utf-8").name, 0
    except LookupError:
        return "utf-8", 0


class _Chained(io.RawIOBase):
    """One readable byte stream made of byte strings and binary files, read in turn."""

    def __init__(self, *pieces: bytes | IO[bytes]) -> None:
        self.pieces = [io.BytesIO(p) if isinstance(p, bytes) else p for p in pieces]

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(p.read() for p in self.pieces)
        while self.pieces:
            data = self.pieces[0].read(size)
            if data:
                return data
            self.pieces.pop(0)
        return b""
