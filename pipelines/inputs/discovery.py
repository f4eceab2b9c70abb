"""Source discovery: resolve a Common Crawl crawl or a Wikipedia dump to the URLs of its files."""

from __future__ import annotations

import gzip
import http.client
import inspect
import json
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipelines.core.errors import InputError

log = logging.getLogger(__name__)

TIMEOUT_S = 30.0  # per request (connect and each read)
RETRY_DELAYS_S: tuple[float, ...] = (1.0, 4.0)  # two retries on transient errors
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# Wikimedia refuses generic client user agents; say who we are.
USER_AGENT = "forage-discovery/0.1 (Forage corpus pipeline; python urllib)"
NEWEST_SHOWN = 5  # crawl ids named in an "unknown crawl" message

CC_KINDS = ("wet", "warc", "wat")
CRAWL_ID = re.compile(r"CC-MAIN-\d{4}-\d{2}")
WIKI_NAME = re.compile(r"[a-z_]+wiki")
DUMP_DATE = re.compile(r"\d{8}")
DATE_LINK = re.compile(r'href="(?:\./)?(\d{8})/?"')
ARTICLE_PART = re.compile(r"pages-articles(\d+)\.xml-p(\d+)p(\d+)\.bz2$")


@dataclass(frozen=True)
class Discovered:
    source: str  # "commoncrawl" | "wikipedia"
    release: str  # e.g. "CC-MAIN-2024-22" or "enwiki-20240601"
    inputs: list[str]  # absolute URLs (or local paths) of the files to read, in listing order


class _HTTPStatusError(InputError):
    """An HTTP error reply; ``status`` lets a caller treat 404 as "not there yet"."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def commoncrawl(
    crawl: str = "latest",
    *,
    kind: str = "wet",
    max_files: int | None = None,
    index_url: str = "https://index.commoncrawl.org",
    data_url: str = "https://data.commoncrawl.org",
) -> Discovered:
    """The files of one crawl from its ``{kind}.paths.gz`` listing; ``latest`` is the newest crawl
    in ``collinfo.json``; ``max_files`` keeps the first N of the listing."""
    if crawl != "latest" and not CRAWL_ID.fullmatch(crawl):
        raise InputError(
            f"crawl {crawl!r} is not a crawl id: expected CC-MAIN-YYYY-WW "
            "(e.g. CC-MAIN-2024-22) or 'latest'"
        )
    if kind not in CC_KINDS:
        raise InputError(f"kind {kind!r} is not a Common Crawl file kind: use one of {CC_KINDS}")
    if max_files is not None and max_files < 1:
        raise InputError(f"max_files={max_files} must be >= 1 (or unset for every file)")
    collinfo = f"{_base(index_url)}/collinfo.json"
    crawls = _crawl_ids(collinfo)
    if crawl == "latest":
        crawl = crawls[0]
    elif crawl not in crawls:
        newest = ", ".join(crawls[:NEWEST_SHOWN])
        raise InputError(
            f"crawl {crawl} is not in the crawl list {collinfo}; the newest are: {newest}"
        )
    data = _base(data_url)
    listing = f"{data}/crawl-data/{crawl}/{kind}.paths.gz"
    paths = _listing_paths(listing, f"the {kind} listing of {crawl}")
    inputs = [p if "://" in p else f"{data}/{p.lstrip('/')}" for p in paths][:max_files]
    log.info("commoncrawl %s: %d of %d %s files", crawl, len(inputs), len(paths), kind)
    return Discovered("commoncrawl", crawl, inputs)


def wikipedia(
    wiki: str = "enwiki", dump: str = "latest", *, base_url: str = "https://dumps.wikimedia.org"
) -> Discovered:
    """The ``articlesdump`` files of one dump, split parts in natural order; ``latest`` is the
    newest dated dump whose articles job is done (newer dumps in progress are skipped)."""
    if not WIKI_NAME.fullmatch(wiki):
        raise InputError(
            f"wiki {wiki!r} is not a wiki name: expected lowercase letters ending "
            "in 'wiki' (e.g. enwiki, dewiki, simplewiki)"
        )
    if dump != "latest" and not DUMP_DATE.fullmatch(dump):
        raise InputError(f"dump {dump!r} is not a dump date: expected YYYYMMDD or 'latest'")
    base = _base(base_url)
    if dump == "latest":
        dump, status = _newest_done(base, wiki)
    else:
        status = _dump_status(base, wiki, dump)
        state = _articles_state(status)
        if state != "done":
            raise InputError(
                f"{wiki} dump {dump} is not finished: its articlesdump job is "
                f"{state!r} in {base}/{wiki}/{dump}/dumpstatus.json; pick a "
                "finished date or use 'latest'"
            )
    files = status["jobs"]["articlesdump"].get("files")
    if not isinstance(files, dict) or not files:
        raise InputError(f"{base}/{wiki}/{dump}/dumpstatus.json lists no articlesdump files")
    inputs = [_file_url(base, wiki, dump, name, files[name]) for name in _article_names(files)]
    log.info("wikipedia %s-%s: %d article files", wiki, dump, len(inputs))
    return Discovered("wikipedia", f"{wiki}-{dump}", inputs)


SOURCES: dict[str, Callable[..., Discovered]] = {
    "commoncrawl": commoncrawl,
    "wikipedia": wikipedia,
}


def discover(source: str, **options: Any) -> Discovered:
    """Dispatch to a source; options set to None count as not given (CLI defaults)."""
    if source not in SOURCES:
        raise InputError(f"Unknown source {source!r}. Available: {', '.join(sorted(SOURCES))}")
    find = SOURCES[source]
    given = {k: v for k, v in options.items() if v is not None}
    accepted = inspect.signature(find).parameters
    extra = sorted(set(given) - set(accepted))
    if extra:
        raise InputError(
            f"option(s) {', '.join(extra)} do not apply to source {source!r} "
            f"(it takes: {', '.join(accepted)})"
        )
    return find(**given)


def _crawl_ids(url: str) -> list[str]:
    entries = _json(url, "the Common Crawl crawl list")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("id"), str) for e in entries
    ):
        raise InputError(
            f"malformed crawl list {url}: expected a JSON list of objects with an "
            "'id'; check index_url"
        )
    ids = [e["id"] for e in entries if CRAWL_ID.fullmatch(e["id"])]
    if not ids:
        raise InputError(f"the crawl list {url} names no crawl; check index_url")
    return ids


def _listing_paths(url: str, what: str) -> list[str]:
    raw = _fetch(url, what)
    try:
        text = gzip.decompress(raw).decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise InputError(f"{what} at {url} is not gzip-compressed text: {exc}") from exc
    paths = [line.strip() for line in text.splitlines() if line.strip()]
    if not paths:
        raise InputError(f"{what} at {url} is empty")
    return paths


def _newest_done(base: str, wiki: str) -> tuple[str, dict[str, Any]]:
    dates = _dump_dates(base, wiki)
    for date in dates:
        try:
            status = _dump_status(base, wiki, date)
        except _HTTPStatusError as exc:
            if exc.status != 404:
                raise
            log.info("skipping %s-%s: no dumpstatus.json yet", wiki, date)
            continue
        state = _articles_state(status)
        if state == "done":
            return date, status
        log.info("skipping %s-%s: articlesdump is %s, not done", wiki, date, state)
    raise InputError(
        f"no finished {wiki} dump at {base}/{wiki}/ (checked {', '.join(dates)}); "
        "try again later or name a dump date"
    )


def _dump_dates(base: str, wiki: str) -> list[str]:
    """Dated dump directories, newest first: from the HTML index, or a local directory."""
    index = f"{base}/{wiki}/"
    local = _local_path(index)
    if local is not None and os.path.isdir(local):
        names = os.listdir(local)
        dates = [n for n in names if DUMP_DATE.fullmatch(n) and os.path.isdir(f"{local}/{n}")]
    else:
        html = _fetch(index, f"the {wiki} dump index").decode("utf-8", "replace")
        dates = DATE_LINK.findall(html)
    if not dates:
        raise InputError(f"the dump index {index} lists no dated dumps; check base_url and wiki")
    return sorted(set(dates), reverse=True)


def _dump_status(base: str, wiki: str, date: str) -> dict[str, Any]:
    url = f"{base}/{wiki}/{date}/dumpstatus.json"
    status = _json(url, f"the status of dump {wiki}-{date}")
    if not isinstance(status, dict) or not isinstance(status.get("jobs"), dict):
        raise InputError(f"malformed dump status {url}: expected an object with 'jobs'")
    return status


def _articles_state(status: dict[str, Any]) -> str:
    job = status["jobs"].get("articlesdump")
    return str(job.get("status", "missing")) if isinstance(job, dict) else "missing"


def _article_names(files: dict[str, Any]) -> list[str]:
    """Split parts (pages-articles1, 2, ... 10) by part number then page range; else all files."""
    parts = {name: ARTICLE_PART.search(name) for name in files}
    split = [(m, name) for name, m in parts.items() if m]
    if not split:
        return sorted(files)
    split.sort(key=lambda item: (int(item[0][1]), int(item[0][2])))
    return [name for _, name in split]


def _file_url(base: str, wiki: str, date: str, name: str, info: Any) -> str:
    url = info.get("url") if isinstance(info, dict) else None
    if isinstance(url, str) and url.startswith("/"):
        return base + url  # "/enwiki/20240601/..." is rooted at the dump site (or mirror)
    return f"{base}/{wiki}/{date}/{name}"


def _json(url: str, what: str) -> Any:
    raw = _fetch(url, what)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"malformed JSON in {what} at {url}: {exc}") from exc


def _base(url: str) -> str:
    """A base URL without its trailing slash; a local directory becomes absolute."""
    return url.rstrip("/") if "://" in url else os.path.abspath(url)


def _local_path(location: str) -> str | None:
    if location.startswith("file://"):
        return urllib.request.url2pathname(urllib.parse.urlparse(location).path)
    return None if "://" in location else location


def _fetch(location: str, what: str) -> bytes:
    """GET ``location`` (http(s)://, file:// or a local path), retrying transient errors."""
    local = _local_path(location)
    if local is not None:
        try:
            with open(local, "rb") as f:
                return f.read()
        except OSError as exc:
            raise InputError(f"cannot read {what} at {location}: {exc}") from exc
    request = urllib.request.Request(location, headers={"User-Agent": USER_AGENT})
    for delay in (*RETRY_DELAYS_S, None):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            error: Exception = exc
            transient = exc.code in TRANSIENT_STATUS
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
            error = exc
            reason = getattr(exc, "reason", exc)
            transient = isinstance(
                reason, (TimeoutError, ConnectionError, http.client.HTTPException)
            )
        if not transient or delay is None:
            break
        log.warning("retrying %s in %.0fs after %s", location, delay, error)
        time.sleep(delay)
    raise _fetch_error(error, location, what)


def _fetch_error(error: Exception, location: str, what: str) -> InputError:
    if isinstance(error, urllib.error.HTTPError):
        return _HTTPStatusError(
            f"HTTP {error.code} {error.reason} fetching {what} from {location}; "
            "check the base URL and the crawl/dump name",
            error.code,
        )
    reason = getattr(error, "reason", error)
    return InputError(
        f"cannot reach {location} fetching {what} ({reason}); check the network and the base URL"
    )
