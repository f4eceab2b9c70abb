"""exact_dedup and minhash_dedup in a curate job: planted duplicates, chains, determinism across
runs and partition counts, annotate mode, and an incremental run against a persisted index."""

from __future__ import annotations

import json
import random

import duckdb
import pytest

from pipelines.core.errors import ConfigError
from pipelines.job.curate import curate
from pipelines.job.recipe import recipe_from_dict

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 8))) for _ in range(n)]


def _edit(rng: random.Random, words: list[str], every: int) -> list[str]:
    out = list(words)
    for i in range(rng.randrange(every), len(out), every):
        out[i] = "zzedited"
    return out


def _corpus(path, seed: int = 0, base_docs: int = 120) -> dict[str, str]:
    """Unique documents plus planted copies; returns planted id → the id it copies."""
    rng = random.Random(seed)
    rows, planted = [], {}
    bases = [_words(rng, rng.randint(150, 300)) for _ in range(base_docs)]
    for i, words in enumerate(bases):
        rows.append((f"base-{i:03d}", " ".join(words)))
    for i in range(0, 30):
        words = bases[i]
        if i % 3 == 0:  # same text after normalization
            rows.append((f"exact-{i:03d}", " ".join(words).upper() + "!!"))
            planted[f"exact-{i:03d}"] = f"base-{i:03d}"
        elif i % 3 == 1:  # one word in 60 changed: Jaccard ≈ 0.85
            rows.append((f"near-{i:03d}", " ".join(_edit(rng, words, 60))))
            planted[f"near-{i:03d}"] = f"base-{i:03d}"
        else:  # a chain: base → b (1 in 60) → c (another 1 in 60 on top of b)
            b = _edit(rng, words, 60)
            rows.append((f"chainb-{i:03d}", " ".join(b)))
            rows.append((f"chainc-{i:03d}", " ".join(_edit(rng, b, 60))))
            planted[f"chainb-{i:03d}"] = planted[f"chainc-{i:03d}"] = f"base-{i:03d}"
    rng.shuffle(rows)
    rows.sort(key=lambda r: not r[0].startswith("base"))  # originals first: they are the keepers
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows))
    return planted


def _recipe(**minhash) -> object:
    return recipe_from_dict(
        {"stages": [{"exact_dedup": {}}, {"minhash_dedup": {"threshold": 0.8, **minhash}}]}
    )


def _rejected(out) -> dict[str, tuple]:
    rows = duckdb.sql(
        f"select id, drop_reason, duplicate_of, dup_cluster_size from '{out}/rejected/*.parquet'"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("dedup") / "corpus.jsonl"
    return path, _corpus(path)


@pytest.fixture(scope="module")
def first_run(ray_local, corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("run1")
    result = curate([str(corpus[0])], str(out), _recipe(partitions=3), quiet=True)
    return out, result.manifest


def test_planted_duplicates_go_and_originals_stay(first_run, corpus):
    out, manifest = first_run
    _, planted = corpus
    rejected = _rejected(out)
    assert set(rejected) == set(planted)  # every planted copy, nothing else
    for doc, (reason, duplicate_of, size) in rejected.items():
        assert duplicate_of == planted[doc], doc
        assert reason == ("exact_duplicate" if doc.startswith("exact") else "near_duplicate")
        assert size == (3 if doc.startswith("chain") else 2)
    kept = {r[0] for r in duckdb.sql(f"select id from '{out}/data/*.parquet'").fetchall()}
    assert set(planted.values()) <= kept  # no cluster removed entirely; ids preserved
    assert manifest["counts"]["input"] == len(kept) + len(rejected)


def test_same_result_across_runs_and_partition_counts(first_run, corpus, tmp_path):
    for partitions in (1, 7):
        out = tmp_path / f"p{partitions}"
        curate([str(corpus[0])], str(out), _recipe(partitions=partitions), quiet=True)
        assert _rejected(out) == _rejected(first_run[0])


def test_annotate_mode_keeps_everything_and_marks_clusters(ray_local, corpus, tmp_path):
    recipe = recipe_from_dict({"stages": [{"minhash_dedup": {"mode": "annotate"}}]})
    manifest = curate([str(corpus[0])], str(tmp_path), recipe, quiet=True).manifest
    assert manifest["counts"]["rejected"] == 0
    marked = duckdb.sql(
        f"select count(*) from '{tmp_path}/data/*.parquet' where duplicate_of is not null"
    ).fetchall()[0][0]
    assert marked == len(corpus[1])


def test_incremental_run_against_index(ray_local, corpus, tmp_path):
    path, planted = corpus
    index = tmp_path / "index"
    old = [line for line in path.read_text().splitlines() if '"base-' in line]
    new = [line for line in path.read_text().splitlines() if '"base-' not in line]
    (tmp_path / "old.jsonl").write_text("\n".join(old) + "\n")
    (tmp_path / "new.jsonl").write_text("\n".join(new) + "\n")
    curate(
        [str(tmp_path / "old.jsonl")], str(tmp_path / "o1"), _recipe(index=str(index)), quiet=True
    )
    recipe = _recipe(against_index=str(index))
    curate([str(tmp_path / "new.jsonl")], str(tmp_path / "o2"), recipe, quiet=True)
    rejected = _rejected(tmp_path / "o2")
    near = {d for d in planted if not d.startswith("exact")}  # the index holds band keys
    assert near <= set(rejected) and all(rejected[d][1] == planted[d] for d in near)
    with pytest.raises(ConfigError, match="built with"):
        curate([str(tmp_path / "new.jsonl")], str(tmp_path / "o3"),
               _recipe(against_index=str(index), num_perm=64), quiet=True)  # fmt: skip


def test_a_rerun_with_another_input_decides_the_drops_again(
    ray_local, corpus, tmp_path, monkeypatch
):
    """Work left by an earlier run (here kept on purpose) was resolved for other inputs: a new
    input must not vanish for lack of work parts."""
    path, _ = corpus
    lines = path.read_text().splitlines()
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:100]) + "\n")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[100:]) + "\n")
    monkeypatch.setenv("FORAGE_KEEP_WORK", "1")
    out = str(tmp_path / "out")
    curate([str(tmp_path / "a.jsonl")], out, _recipe(), quiet=True)
    inputs = [str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")]
    result = curate(inputs, out, _recipe(), quiet=True)
    assert result.manifest["counts"]["input"] == len(lines)
    both = _rows_of(tmp_path / "out")
    assert {json.loads(line)["id"] for line in lines} == both


def _rows_of(out) -> set[str]:
    sql = (
        f"select id from '{out}/data/*.parquet' union all select id from '{out}/rejected/*.parquet'"
    )
    return {r[0] for r in duckdb.sql(sql).fetchall()}


def test_pairs_with_an_index_are_verified_like_any_other(ray_local, tmp_path):
    """A loose banding makes a J≈0.5 document a candidate of an indexed one; verification on the
    index's stored shingles keeps it, and still drops a J≈0.9 near-duplicate."""
    rng = random.Random(3)
    base = _words(rng, 400)
    half = base[:200] + _words(rng, 200)  # shares half its words: Jaccard ≈ 0.3-0.5
    near = _edit(rng, base, 60)
    (tmp_path / "old.jsonl").write_text(json.dumps({"id": "base", "text": " ".join(base)}) + "\n")
    rows = [("half", half), ("near", near)]
    (tmp_path / "new.jsonl").write_text(
        "".join(json.dumps({"id": i, "text": " ".join(w)}) + "\n" for i, w in rows)
    )
    loose = {"bands": 64, "rows": 2, "num_perm": 128}  # J=0.3 is a candidate with p ≈ 1
    index = str(tmp_path / "index")
    curate([str(tmp_path / "old.jsonl")], str(tmp_path / "o1"), _recipe(index=index, **loose))
    recipe = _recipe(against_index=[index], **loose)
    curate([str(tmp_path / "new.jsonl")], str(tmp_path / "o2"), recipe, quiet=True)
    rejected = _rejected(tmp_path / "o2")
    assert set(rejected) == {"near"} and rejected["near"][:2] == ("near_duplicate", "base")


def test_issue_acceptance_on_a_planted_corpus(ray_local, tmp_path):
    """recall ≥ 0.95 at J ≥ 0.8, precision ≥ 0.99, no cluster removed entirely, ids kept."""
    from cluster.demo.planted import evaluate, write_planted_corpus

    corpus = tmp_path / "corpus.jsonl"
    truth = write_planted_corpus(corpus, docs=3000, seed=5)
    recipe = recipe_from_dict({"stages": [{"minhash_dedup": {"threshold": 0.8}}]})
    curate([str(corpus)], str(tmp_path / "out"), recipe, quiet=True)
    removed = set(_rejected(tmp_path / "out"))
    score = evaluate(truth, removed, threshold=0.8)
    assert score["recall"] >= 0.95 and score["precision"] >= 0.99, score
    assert score["clusters_fully_removed"] == 0, score
    ids = {json.loads(line)["id"] for line in corpus.read_text().splitlines()}
    kept = {r[0] for r in duckdb.sql(f"select id from '{tmp_path}/out/data/*.parquet'").fetchall()}
    assert kept | removed == ids and not kept & removed
