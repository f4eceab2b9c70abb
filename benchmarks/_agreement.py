"""Verdict agreement of Forage and DataTrove, and the printed report, for benchmarks/filters.py.

A verdict is None for a kept page, else why it was dropped: ``filter:reason`` (Forage's stage
name or DataTrove's filter tag before the colon), or a reason owned by no filter (``not_emitted``,
``read_error``, ``trafilatura_empty``, ``empty_text``). Pages are indices into ``keys``, the
(URL, occurrence) of every response record of the input.
"""

from __future__ import annotations

from collections import Counter, defaultdict

NOT_EMITTED = "not_emitted"  # the reader skipped the record (not HTML, not 2xx, undecodable)
# Forage stage → DataTrove filter tag, to tell whether both sides dropped a page in one filter.
FILTER_OF = {
    "langid": "language",
    "gopher_repetition": "gopher_rep",
    "gopher_quality": "gopher_qual",
    "c4_quality": "c4",
    "fineweb_quality": "fineweb",
}
Verdicts = dict[int, str | None]


def compare(keys: list[tuple[str, int]], ours: Verdicts, theirs: Verdicts) -> dict:
    """Agreement over all pages in and over distinct URLs, and what the disagreements are."""
    kept_ours = {p for p, reason in ours.items() if reason is None}
    kept_theirs = {p for p, reason in theirs.items() if reason is None}
    only_ours, only_theirs = sorted(kept_ours - kept_theirs), sorted(kept_theirs - kept_ours)
    union = kept_ours | kept_theirs
    pages = range(len(keys))
    both_dropped = [p for p in pages if p not in union]
    return {
        "agreement": 1 - (len(only_ours) + len(only_theirs)) / len(keys) if keys else 1.0,
        "jaccard": len(kept_ours & kept_theirs) / len(union) if union else 1.0,
        "kept_by_both": len(kept_ours & kept_theirs),
        # Pages only one side keeps, by the reason the other side gave for dropping them.
        "kept_only_by_forage": _reasons(theirs, only_ours),
        "kept_only_by_datatrove": _reasons(ours, only_theirs),
        # The copies repeat each real page: how many distinct URLs the disagreements are.
        "urls_kept_only_by_forage": sorted({keys[p][0] for p in only_ours}),
        "urls_kept_only_by_datatrove": sorted({keys[p][0] for p in only_theirs}),
        # Every (Forage verdict, DataTrove verdict) pair where one keeps and the other drops.
        "disagreements": _pairs(keys, ours, theirs, only_ours + only_theirs),
        # Pages both drop, but in different filters (or one in a filter, one before any).
        "dropped_by_other_filter": _pairs(
            keys,
            ours,
            theirs,
            [p for p in both_dropped if _filter(ours.get(p)) != _filter(theirs.get(p))],
        ),
        "distinct": distinct(keys, kept_ours, kept_theirs),
    }


def distinct(keys: list[tuple[str, int]], kept_ours: set[int], kept_theirs: set[int]) -> dict:
    """Agreement counting each URL once (the input repeats the real pages ``--copies`` times).

    A URL agrees when both sides decide the same on every occurrence of it; for the Jaccard a side
    keeps a URL when it keeps any occurrence. ``mixed_urls``: URLs a side keeps on some occurrences
    and drops on others (0 unless something is per-process stateful, such as Trafilatura's dedup
    cache); where 0, every reasonable URL-level definition gives these figures.
    """
    by_url: dict[str, list[int]] = defaultdict(list)
    for page, (url, _) in enumerate(keys):
        by_url[url].append(page)
    agree = mixed_ours = mixed_theirs = 0
    urls_ours, urls_theirs = set(), set()
    for url, pages in by_url.items():
        ours = [p in kept_ours for p in pages]
        theirs = [p in kept_theirs for p in pages]
        agree += ours == theirs
        mixed_ours += len(set(ours)) > 1
        mixed_theirs += len(set(theirs)) > 1
        if any(ours):
            urls_ours.add(url)
        if any(theirs):
            urls_theirs.add(url)
    union = urls_ours | urls_theirs
    return {
        "urls": len(by_url),
        "agreement": agree / len(by_url) if by_url else 1.0,
        "jaccard": len(urls_ours & urls_theirs) / len(union) if union else 1.0,
        "kept_by_forage": len(urls_ours),
        "kept_by_datatrove": len(urls_theirs),
        "mixed_urls": {"forage": mixed_ours, "datatrove": mixed_theirs},
    }


def _filter(verdict: str | None) -> str | None:
    if verdict is None:
        return None
    name = verdict.split(":", 1)[0]
    return FILTER_OF.get(name, name)


def _reasons(verdicts: Verdicts, pages: list[int]) -> dict[str, int]:
    return dict(Counter(verdicts.get(p, NOT_EMITTED) for p in pages).most_common())


def _pairs(keys: list, ours: Verdicts, theirs: Verdicts, pages: list[int]) -> list[dict]:
    """Pages grouped by (Forage verdict, DataTrove verdict), with their distinct URL count."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in pages:
        pair = (ours.get(p, NOT_EMITTED) or "kept", theirs.get(p, NOT_EMITTED) or "kept")
        groups[pair].append(p)
    rows = [
        {"forage": f, "datatrove": d, "pages": len(ps), "urls": len({keys[p][0] for p in ps})}
        for (f, d), ps in groups.items()
    ]
    return sorted(rows, key=lambda row: (-row["pages"], row["forage"], row["datatrove"]))


def print_agreement(a: dict, indent: str = "") -> None:
    d = a["distinct"]
    distinct_line = (
        f"{d['agreement']:.1%} of {d['urls']} distinct URLs, Jaccard {d['jaccard']:.3f}"
        f" (kept: forage {d['kept_by_forage']}, datatrove {d['kept_by_datatrove']})"
    )
    print(
        f"{indent}verdict agreement: {a['agreement']:.1%} of pages, Jaccard of kept sets "
        f"{a['jaccard']:.3f}; {distinct_line}"
    )
    if any(d["mixed_urls"].values()):
        print(f"{indent}  URLs kept on some copies only: {d['mixed_urls']}")
    for which in ("kept_only_by_forage", "kept_only_by_datatrove"):
        total, urls = sum(a[which].values()), len(a[f"urls_{which}"])
        print(
            f"{indent}{which.replace('_', ' ')}: {total} ({urls} URLs), the other side's "
            f"reasons {a[which]}"
        )
    _print_pairs("disagreements (forage | datatrove)", a["disagreements"], indent)
    _print_pairs(
        "both drop, other filter (forage | datatrove)", a["dropped_by_other_filter"], indent
    )


def _print_pairs(title: str, rows: list[dict], indent: str, limit: int = 12) -> None:
    if not rows:
        return
    print(f"{indent}{title}:")
    for row in rows[:limit]:
        print(
            f"{indent}  {row['forage']} | {row['datatrove']}: {row['pages']} pages, "
            f"{row['urls']} URLs"
        )
    if len(rows) > limit:
        print(f"{indent}  ... {len(rows) - limit} more pairs (--json has them all)")


def report(r: dict) -> None:
    f, d = r["forage"], r["datatrove"]
    print(f"pages in: {r['pages']} ({r['input']})")
    for name, side in (("forage   ", f), ("datatrove", d)):
        print(f"{name}: {_rates(side)}, kept {side['kept']}")
    print(f"ratio forage/datatrove: {r['ratio_cpu']:.1f}x per CPU, {r['ratio_wall']:.1f}x wall")
    print_agreement(r["agreement"])
    for name, side in (("forage", f), ("datatrove", d)):
        print(f"{name} drop reasons: {side['drop_reasons']}")
    if timeouts := d["extractor"].get("timeout", 0):
        print(f"DataTrove's Trafilatura timed out on {timeouts:.0f} pages (1 s each): load?")
    if st := r.get("same_text"):
        sf, sd = st["forage_filters"], st["datatrove_filters"]
        print(f"same text (Forage's extraction for both; {st['docs']} pages; filters only):")
        print(f"  forage    filters: {_rates(sf)}")
        print(f"  datatrove filters: {_rates(sd)}, kept {sd['kept']}")
        ratio = sf["docs_per_cpu_s"] / sd["docs_per_cpu_s"]
        print(f"  ratio forage/datatrove, filters only: {ratio:.1f}x per CPU")
        print_agreement(st["agreement"], indent="  ")
        print(f"  datatrove drop reasons: {sd['drop_reasons']}")
    if f["missing"]:
        print(f"PARTIAL: Forage's chain lacks {f['missing']}; agreement and ratio are not final")


def _rates(side: dict) -> str:
    return f"{side['docs_per_cpu_s']:8.1f} docs/s per CPU, {side['docs_per_s']:8.1f} docs/s wall"
