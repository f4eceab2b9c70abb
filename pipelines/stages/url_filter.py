"""URL block-lists: drops documents whose host is a listed domain (or under one) or whose URL
contains a listed substring. Lists come from local files or the recipe; none is bundled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError
from pipelines.stages.base import Filter, FilterConfig

URL_BLOCKED = "url_blocked"

# scheme://user:pass@HOST:port/...; the scheme is optional (``example.com/x``, ``//cdn.x.com``).
_HOST = r"^(?:(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//)?(?:[^/?#@]*@)?(?P<host>\[[^\]]*\]|[^/?#:]+)"
_RE2_SPECIAL = frozenset("\\.+*?()|[]{}^$")


@dataclass(frozen=True, kw_only=True)
class UrlFilterConfig(FilterConfig):
    # One domain per line; a listed domain blocks itself and every subdomain. ``#`` starts a
    # comment line, blank lines are skipped.
    domains_file: str | None = None
    # One substring per line, matched case-insensitively anywhere in the URL; ``#`` lines skipped.
    substrings_file: str | None = None
    domains: list[str] | None = None  # inline, same meaning as domains_file
    substrings: list[str] | None = None  # inline, same meaning as substrings_file

    def __post_init__(self) -> None:
        super().__post_init__()
        if not (self.domains_file or self.substrings_file or self.domains or self.substrings):
            raise ValueError(
                "nothing to block: set domains_file, substrings_file, domains or substrings"
            )


class UrlFilter(Filter):
    """Signal ``url_blocked`` (the matched domain or substring); reasons ``blocked_domain``,
    ``blocked_substring``. Rows without a URL pass."""

    name = "url_filter"
    Config = UrlFilterConfig
    output_fields = (pa.field(URL_BLOCKED, pa.string()),)

    def __init__(self, config: UrlFilterConfig | None = None) -> None:
        super().__init__(config)
        c = self.config
        domains = [
            _clean_domain(d, c.domains_file) for d in _read_list(c.domains_file, "domains_file")
        ]
        domains += [_clean_domain(d, None) for d in c.domains or ()]
        substrings = _read_list(c.substrings_file, "substrings_file") + list(c.substrings or ())
        # Lowercased by Arrow, like the hosts and matches they are compared with.
        self.domains = _lower_unique(domains)
        self.substrings = _lower_unique(s.strip() for s in substrings)
        self._domain_set = pa.array(self.domains, pa.string())
        self._substring_set = pa.array(self.substrings, pa.string())
        # A host suffix deeper than the deepest listed domain cannot match: only these depths.
        self._depths = sorted({d.count(".") + 1 for d in self.domains}, reverse=True)
        escaped = (
            "".join("\\" + ch if ch in _RE2_SPECIAL else ch for ch in s) for s in self.substrings
        )
        self._substring_regex = f"(?i)(?P<match>{'|'.join(escaped)})" if self.substrings else None

    def signals(self, batch: pa.Table) -> dict[str, pa.Array]:
        urls = batch[S.URL]
        blocked = pc.coalesce(self._domain_match(urls), self._substring_match(urls))
        return {URL_BLOCKED: blocked}

    def reasons(self, table: pa.Table) -> pa.Array:
        # Judged against the lists configured now, so re-applying a shorter list un-blocks rows;
        # a value in both lists counts as a domain (signals() prefers the domain match too).
        blocked = table[URL_BLOCKED]
        return pc.case_when(
            pc.make_struct(
                pc.is_in(blocked, value_set=self._domain_set),
                pc.is_in(blocked, value_set=self._substring_set),
            ),
            "blocked_domain",
            "blocked_substring",
        )

    def _domain_match(self, urls: pa.ChunkedArray) -> pa.ChunkedArray:
        """The most specific listed domain each URL's host equals or is under, else null."""
        none = pa.nulls(len(urls), pa.string())
        if not self.domains:
            return none
        host = pc.struct_field(pc.extract_regex(urls, _HOST), [0])
        host = pc.utf8_rtrim(pc.utf8_lower(host), characters=".")
        matches = []
        for depth in self._depths:  # a.b.c.com at depth 2 → c.com
            pattern = rf"(?:^|\.)(?P<suffix>(?:[^.]+\.){{{depth - 1}}}[^.]+)$"
            suffix = pc.struct_field(pc.extract_regex(host, pattern), [0])
            listed = pc.fill_null(pc.is_in(suffix, value_set=self._domain_set), False)
            matches.append(pc.if_else(listed, suffix, none))
        return pc.coalesce(*matches)

    def _substring_match(self, urls: pa.ChunkedArray) -> pa.ChunkedArray:
        """The listed substring (lowercase) found first in each URL, else null."""
        if self._substring_regex is None:
            return pa.nulls(len(urls), pa.string())
        found = pc.struct_field(pc.extract_regex(urls, self._substring_regex), [0])
        return pc.utf8_lower(found)


def _read_list(path: str | None, param: str) -> list[str]:
    """Lines of a block-list file without blanks and ``#`` comment lines."""
    if not path:
        return []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"url_filter.{param}={path!r} cannot be read: {exc}") from None
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _lower_unique(values) -> list[str]:
    return sorted(set(pc.utf8_lower(pa.array(list(values), pa.string())).to_pylist()) - {""})


def _clean_domain(entry: str, source: str | None) -> str:
    """``example.com.``, ``*.example.com`` and ``.example.com`` all mean ``example.com``."""
    domain = entry.strip().rstrip(".").removeprefix("*.").lstrip(".")
    if any(ch.isspace() or ch in "/:@?#" for ch in domain):
        where = f"in {source!r}" if source else "in url_filter.domains"
        raise ConfigError(
            f"url_filter: {entry.strip()!r} {where} is not a domain; list bare host names "
            "such as example.com, one per line (put URL fragments in substrings instead)"
        )
    return domain
