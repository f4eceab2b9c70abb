"""The acceptance measure on generated text: recall of planted values, words left alone, and a
corpus of near misses (versions, dates, ISBNs, prices, order numbers, URLs, code, tables)."""

from __future__ import annotations

from collections import Counter

import pytest

from cluster.demo.pii_corpus import Entity, generate, score
from cluster.demo.pii_near_misses import NEAR_MISSES
from pipelines.pii import ENTITIES, Scanner, build_detectors
from pipelines.stages import build_stage
from tests.pipelines.stages.helpers import docs


@pytest.fixture(scope="module")
def corpus():
    return generate(800, seed=1)


def test_recall_and_other_words_through_the_stage(corpus):
    output = build_stage("pii")(docs([text for text, _ in corpus]))["text"].to_pylist()
    result = score(corpus, output)
    assert result.entities > 1500 and result.other_words > 10_000
    assert result.recall >= 0.97, result
    assert result.other_changed_frac <= 0.01, result


def test_every_type_is_found_as_itself(corpus):
    scanner = Scanner(build_detectors())
    planted, typed = Counter(), Counter()
    for text, truth in corpus:
        spans = scanner.spans(text)
        for entity in truth:
            planted[entity.entity] += 1
            typed[entity.entity] += any(
                s.entity == entity.entity and s.start <= entity.start and s.end >= entity.end
                for s in spans
            )
    assert set(planted) == set(ENTITIES) - {"secret"}
    for entity, n in planted.items():
        assert typed[entity] / n >= 0.95, (entity, typed[entity], n)


def test_score_counts_misses_and_collateral():
    text = "mail a@b.com now"
    truth = [Entity(5, 12, "email")]
    assert score([(text, truth)], ["mail <EMAIL> now"]).recall == 1
    missed = score([(text, truth)], [text])
    assert missed.recall == 0 and missed.other_changed == 0
    collateral = score([(text, truth)], ["<X> <EMAIL> now"])
    assert collateral.other_changed == 1 and collateral.other_words == 2


def test_near_misses_survive_untouched():
    out = build_stage("pii", {"keep_private_ips": True})(docs(NEAR_MISSES))
    changed = [t for t, o in zip(NEAR_MISSES, out["text"].to_pylist()) if t != o]
    assert changed == []
    assert all(sum(c.values()) == 0 for c in out["pii_counts"].to_pylist())


def test_many_values_in_one_document_cost_linear_time():
    import time

    text = " ".join(f"user{i}@host{i}.org (+44 20 7946 {i % 10000:04d})" for i in range(20_000))
    scanner = Scanner(build_detectors())
    start = time.process_time()
    spans = scanner.spans(text)
    assert len(spans) == 40_000
    assert time.process_time() - start < 10  # ~1 s; comparing all pairs took minutes


def test_the_precheck_never_changes_the_result(corpus):
    texts = (
        [text for text, _ in corpus[:300]]
        + NEAR_MISSES
        + [
            'API_KEY: "a8F3kd92LmQz77Xv1p"',
            "Authorization: Bearer 9fK2mZ7qL1xV8bN3cR5tY0wU",
            'x = {"client-secret" => "Zr8q2Lx0Vb7NwT4k"}',
            "see 2a03:2880:f12f:83:face:b00c::25de, 連絡先taro@example.jpまで, 電話03-1234-5678",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF0=\n-----END PGP PRIVATE KEY BLOCK-----",
        ]
    )
    stage = build_stage("pii")
    with_precheck = stage(docs(texts))["text"].to_pylist()
    without = [stage.rewrite(t, stage.scanner.spans(t)) for t in texts]
    assert with_precheck == without
    assert sum(a != b for a, b in zip(texts, without)) >= 305
