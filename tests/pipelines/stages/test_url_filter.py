"""url_filter: domains block themselves and their subdomains; substrings match case-insensitively."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError
from pipelines.stages import build_stage


def _table(urls, reasons=None):
    reasons = reasons or [None] * len(urls)
    rows = [
        {"id": str(i), "text": "t", "url": u, "drop_reason": r}
        for i, (u, r) in enumerate(zip(urls, reasons))
    ]
    return pa.Table.from_pylist(rows, schema=S.DOCUMENT_SCHEMA)


def test_domain_blocks_itself_and_subdomains_only():
    stage = build_stage("url_filter", {"domains": ["example.com", "Ads.Tracker.NET"]})
    urls = [
        "https://example.com/",
        "https://a.example.com/x",
        "http://user:pw@Deep.A.EXAMPLE.com.:8080/p?q=1",
        "example.com/no-scheme",
        "https://notexample.com/",
        "https://example.com.evil.org/",
        "https://tracker.net/",
        "https://x.ads.tracker.net/",
        "https://ok.org/?next=https://example.com/",
    ]
    out = stage(_table(urls))
    assert out["url_blocked"].to_pylist() == ["example.com"] * 4 + [None] * 3 + [
        "ads.tracker.net",
        None,
    ]
    assert out["drop_reason"].to_pylist() == ["blocked_domain"] * 4 + [None] * 3 + [
        "blocked_domain",
        None,
    ]
    assert set(out["dropped_by"].to_pylist()) == {"url_filter", None}


def test_most_specific_listed_domain_is_reported():
    stage = build_stage("url_filter", {"domains": ["example.com", "a.example.com"]})
    out = stage(_table(["https://b.a.example.com/", "https://b.example.com/"]))
    assert out["url_blocked"].to_pylist() == ["a.example.com", "example.com"]


def test_substrings_match_case_insensitively_and_domains_win():
    stage = build_stage(
        "url_filter", {"domains": ["casino.com"], "substrings": ["Casino", "/ads?id=", "a+b"]}
    )
    urls = [
        "https://x.org/CASINO-bonus",
        "https://x.org/ads?id=3",
        "https://x.org/adsid=3",
        "https://x.org/a+b",
        "https://x.org/aab",
        "https://www.casino.com/",
    ]
    out = stage(_table(urls))
    assert out["url_blocked"].to_pylist() == [
        "casino",
        "/ads?id=",
        None,
        "a+b",
        None,
        "casino.com",
    ]
    assert out["drop_reason"].to_pylist() == [
        "blocked_substring",
        "blocked_substring",
        None,
        "blocked_substring",
        None,
        "blocked_domain",
    ]


def test_files_with_comments_and_blank_lines(tmp_path):
    domains = tmp_path / "domains.txt"
    domains.write_text("# adult sites\n\nbad.example\n  *.spam.test  \n.dot.test\n# end\n")
    substrings = tmp_path / "substrings.txt"
    substrings.write_text("# tracking\n\nutm_source=spam\n")
    stage = build_stage(
        "url_filter",
        {"domains_file": str(domains), "substrings_file": str(substrings), "domains": ["x.test"]},
    )
    assert stage.domains == ["bad.example", "dot.test", "spam.test", "x.test"]
    assert stage.substrings == ["utm_source=spam"]
    urls = [
        "https://www.bad.example/",
        "https://a.spam.test/",
        "https://dot.test",
        "https://x.test/",
        "https://ok.test/?UTM_SOURCE=Spam",
        "https://ok.test/#end",
    ]
    out = stage(_table(urls))
    assert out["drop_reason"].to_pylist() == ["blocked_domain"] * 4 + ["blocked_substring", None]


def test_null_url_and_dropped_rows_pass_untouched():
    stage = build_stage("url_filter", {"domains": ["example.com"]})
    out = stage(_table([None, "https://example.com/", ""], [None, "read_error", None]))
    assert out["url_blocked"].to_pylist() == [None, None, None]
    assert out["drop_reason"].to_pylist() == [None, "read_error", None]
    assert out["dropped_by"].to_pylist() == [None, None, None]


def test_annotate_mode_keeps_rows_with_the_signal():
    stage = build_stage("url_filter", {"substrings": ["casino"], "mode": "annotate"})
    out = stage(_table(["https://casino.example/", "https://ok.example/"]))
    assert out["drop_reason"].to_pylist() == [None, None]
    assert out["url_blocked"].to_pylist() == ["casino", None]


def test_reasons_reapply_from_the_signal_alone():
    stage = build_stage("url_filter", {"domains": ["example.com"], "substrings": ["casino"]})
    stored = pa.table({"url_blocked": ["example.com", "casino", "no-longer-listed.org", None]})
    assert stage.reasons(stored).to_pylist() == [
        "blocked_domain",
        "blocked_substring",
        None,
        None,
    ]


def test_config_errors_name_the_problem(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(ConfigError, match=r"url_filter.domains_file=.*nope.txt.*cannot be read"):
        build_stage("url_filter", {"domains_file": str(missing)})
    with pytest.raises(ConfigError, match="substrings_file"):
        build_stage("url_filter", {"substrings_file": str(tmp_path)})  # a directory
    with pytest.raises(ConfigError, match="nothing to block"):
        build_stage("url_filter", {})
    with pytest.raises(ConfigError, match=r"url_filter.domains='example.com' must be a list"):
        build_stage("url_filter", {"domains": "example.com"})
    with pytest.raises(ConfigError, match="is not a domain"):
        build_stage("url_filter", {"domains": ["https://example.com/x"]})
