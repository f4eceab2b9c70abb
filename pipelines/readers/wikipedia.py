"""MediaWiki XML dump reader (.xml, .xml.bz2, .xml.gz): namespace-0 articles as clean text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote

import mwxml
import pyarrow as pa

from pipelines import schema as S
from pipelines.readers.base import BlockBuilder, InputSpec, ReadConfig
from pipelines.readers.io import open_binary
from pipelines.readers.wikitext import render_wikitext


def read_wikipedia(spec: InputSpec, config: ReadConfig) -> Iterator[pa.Table]:
    """Stream one dump: redirects and other namespaces are counted as skipped, not documents.

    The XML parser honours the encoding the dump declares (UTF-16 included), so the
    decompressed bytes are handed over undecoded.
    """
    out = BlockBuilder(spec, config)
    page_no = 0
    try:
        with open_binary(spec.path, decompress=True, storage_options=config.storage_options) as f:
            dump = mwxml.Dump.from_file(f)
            site = _SiteInfo(dump.site_info)
            for page_no, page in enumerate(dump, start=1):
                yield from _page_rows(page, page_no, site, config, out)
    except Exception as exc:  # mwxml/expat raise a variety of types on corrupt or cut dumps
        msg = f"unreadable after page {page_no}: {type(exc).__name__}: {exc}"
        yield from out.error(msg, offset=None, source="wikipedia")
    yield from out.finish()


class _SiteInfo:
    """What a row needs from <siteinfo>: the wiki's database name and article URL prefix."""

    def __init__(self, info: mwxml.SiteInfo | None) -> None:
        self.dbname = (info.dbname if info else None) or "wiki"
        base = (info.base if info else None) or ""
        self.url_prefix = base.rsplit("/", 1)[0] + "/" if "/wiki/" in base else None

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
