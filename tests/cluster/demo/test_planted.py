"""Tests for the planted near-duplicate corpus: determinism, true Jaccards, evaluate()."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from cluster.demo.planted import (
    PlantedTruth,
    components,
    evaluate,
    truth_path,
    write_planted_corpus,
)
from pipelines.core.errors import ConfigError
from pipelines.dedup.minhash import normalize_words_py, shingles

DOCS = 300


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, PlantedTruth, dict[str, str]]:
    path = tmp_path_factory.mktemp("planted") / "corpus.jsonl"
    truth = write_planted_corpus(path, docs=DOCS, seed=7, chain_fraction=0.5)
    texts = {}
    for line in path.read_text().splitlines():
        row = json.loads(line)
        texts[row["id"]] = row["text"]
    return path, truth, texts


def jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(a, 5)), set(shingles(b, 5))
    return len(sa & sb) / len(sa | sb)


def test_same_seed_same_bytes_other_seed_other_corpus(planted, tmp_path):
    path, _, _ = planted
    again = write_planted_corpus(tmp_path / "again.jsonl", docs=DOCS, seed=7, chain_fraction=0.5)
    assert (tmp_path / "again.jsonl").read_bytes() == path.read_bytes()
    assert truth_path(tmp_path / "again.jsonl").read_text() == truth_path(path).read_text()
    assert PlantedTruth.load(truth_path(path)) == again
    other = write_planted_corpus(tmp_path / "other.jsonl", docs=DOCS, seed=8)
    assert (tmp_path / "other.jsonl").read_bytes() != path.read_bytes()
    assert other.clusters != again.clusters


def test_rows_ids_and_text_shape(planted):
    path, truth, texts = planted
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"doc-{i:06d}" for i in range(DOCS)]
    assert all(set(r) == {"id", "text"} for r in rows)
    assert truth.docs == DOCS
    corpus = "\n".join(texts.values())
    assert "\n\n" in corpus and re.search(r"[A-Z][a-z]+", corpus) and re.search(r"\d", corpus)
    assert re.search(r"[a-z][.!?]( |$)", corpus) and ", " in corpus
    assert not re.search(r"\bw\d+\b", corpus)
    words = [len(normalize_words_py(t)) for t in texts.values()]
    assert min(words) >= 250 and max(words) <= 800
    # copies are shuffled in among the originals, not appended
    copies = sorted(int(d[4:]) for d in truth.derived)
    assert copies[0] < DOCS // 2 < copies[-1]


def test_clusters_sizes_kinds_and_chains(planted):
    _, truth, _ = planted
    assert all(2 <= len(c.members) <= 5 for c in truth.clusters)
    assert len(truth.derived) == round(DOCS * 0.2)
    assert {d["kind"] for d in truth.derived.values()} == {"exact", "format", "edit"}
    chained = [d for d in truth.derived.values() if d["parent"] in truth.derived]
    assert chained, "some copies should derive from another copy"
    targets = [d["target"] for d in truth.derived.values() if d["kind"] == "edit"]
    assert min(targets) < 0.6 and max(targets) > 0.9


def test_true_jaccards_match_kinds_and_targets(planted):
    _, truth, texts = planted
    for doc, info in truth.derived.items():
        parent = texts[info["parent"]]
        if info["kind"] == "exact":
            assert texts[doc] == parent
        elif info["kind"] == "format":
            assert texts[doc] != parent
            assert normalize_words_py(texts[doc]) == normalize_words_py(parent)
        else:
            assert abs(info["jaccard_parent"] - info["target"]) <= 0.06, (doc, info)
        assert info["jaccard_parent"] == pytest.approx(jaccard(texts[doc], parent), abs=1e-4)


def test_pairs_and_nearest_are_the_shingle_jaccards(planted):
    _, truth, texts = planted
    for cluster in truth.clusters[:15]:
        for a, b, j in cluster.pairs:
            assert j == pytest.approx(jaccard(texts[a], texts[b]), abs=1e-4)
        for m in cluster.members:
            best = max(j for a, b, j in cluster.pairs if m in (a, b))
            assert truth.nearest[m] == best


def test_unplanted_and_cross_cluster_docs_share_almost_no_shingles(planted):
    _, truth, texts = planted
    loose = [d for d in texts if d not in truth.nearest][:20]
    bases = [c.members[0] for c in truth.clusters[:10]]
    for a, b in itertools.combinations(loose + bases, 2):
        sa, sb = set(shingles(texts[a], 5)), set(shingles(texts[b], 5))
        assert len(sa & sb) < 0.05 * min(len(sa), len(sb)), (a, b)


def keep_one_per_component(truth: PlantedTruth, threshold: float = 0.8) -> set[str]:
    """The ideal answer: in each cluster, union members at >= threshold; keep the first."""
    removed = set()
    for cluster in truth.clusters:
        kept: list[str] = []
        close = {(a, b) for a, b, j in cluster.pairs if j >= threshold}
        close |= {(b, a) for a, b in close}
        for m in cluster.members:
            group = {m}
            while True:
                grown = group | {b for a, b in close if a in group}
                if grown == group:
                    break
                group = grown
            if group & set(kept):
                removed.add(m)
            else:
                kept.append(m)
    return removed


def test_evaluate_perfect_empty_and_over_removal(planted):
    _, truth, texts = planted
    perfect = evaluate(truth, keep_one_per_component(truth))
    assert perfect["recall"] == 1.0 and perfect["precision"] == 1.0
    assert perfect["should_go"] == perfect["removed"] > 0
    assert perfect["bad_removals"] == perfect["clusters_fully_removed"] == 0

    empty = evaluate(truth, set())
    assert empty["recall"] == 0.0 and empty["precision"] == 1.0 and empty["removed"] == 0

    loose = [d for d in texts if d not in truth.nearest][:10]
    everything = set(truth.nearest) | set(loose)
    over = evaluate(truth, everything)
    assert over["recall"] == 1.0
    assert over["bad_removals"] == 10 + sum(j < 0.7 for j in truth.nearest.values())
    assert over["precision"] == pytest.approx(1 - over["bad_removals"] / len(everything))
    assert over["planted_clusters_lost"] == len(truth.clusters)
    assert over["clusters_fully_removed"] >= len(truth.clusters) // 2
    assert over["components_lost"] == over["clusters_fully_removed"]
    assert over["grey_removals"] == sum(0.7 <= j < 0.8 for j in truth.nearest.values())


def test_fully_removed_component_with_a_kept_grey_relative_is_not_lost(planted):
    _, truth, _ = planted
    cluster, component, relative = next(
        (c, comp, b if a in comp else a)
        for c in truth.clusters
        for comp in components(c, 0.8)
        for a, b, j in c.pairs
        if len(comp) > 1 and 0.7 <= j < 0.8 and (a in comp) != (b in comp)
    )
    others = set(cluster.members) - component - {relative}
    result = evaluate(truth, component | others)
    assert result["clusters_fully_removed"] >= 1
    assert result["components_lost"] <= result["clusters_fully_removed"] - 1
    assert result["planted_clusters_lost"] == 0


def test_evaluate_counts_half_done_components(planted):
    _, truth, _ = planted
    big = next(c for c in truth.clusters if sum(j >= 0.8 for *_, j in c.pairs) >= 3)
    result = evaluate(truth, {big.members[1]})
    assert result["removed"] == 1 and 0 < result["recall"] < 1


@pytest.mark.parametrize(
    "kwargs",
    [{"docs": 5}, {"dup_fraction": 0.9}, {"min_words": 800}, {"jaccard_range": (0.9, 0.5)}],
)
def test_bad_arguments_name_the_fix(tmp_path, kwargs):
    with pytest.raises(ConfigError, match=next(iter(kwargs))):
        write_planted_corpus(tmp_path / "x.jsonl", **kwargs)
