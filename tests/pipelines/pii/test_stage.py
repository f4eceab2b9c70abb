"""The pii stage on batches (actions, counts, drops, entity selection, modes) and end to end
through ``curate`` on a generated JSONL corpus (ids kept, counts in shards and manifest)."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pytest

from cluster.demo.pii_corpus import generate, score
from pipelines.core import schema as S
from pipelines.core.errors import ConfigError
from pipelines.job.curate import curate
from pipelines.job.recipe import load_recipe, recipe_from_dict
from pipelines.pii.scan import Scanner, build_detectors
from pipelines.pii.stage import COUNTS_TYPE, PII_COUNTS
from pipelines.stages import STAGES, build_stage
from tests.pipelines.stages.helpers import docs

TEXT = (
    "Mail Ann.Lee@Example.com or call +44 20 7946 0958 from 81.198.191.251; card 4111 1111 1111"
    " 1111, IBAN DE89 3704 0044 0532 0130 00, SSN 219-45-6789, key AKIAIOSFODNN7EXAMPLE."
)


def run(params, texts, reasons=None):
    table = docs(texts)
    if reasons:
        table = table.set_column(
            table.schema.get_field_index(S.DROP_REASON), S.DROP_REASON, pa.array(reasons)
        )
    return build_stage("pii", params)(table)


def test_replace_is_the_default_and_counts_every_type():
    out = run({}, [TEXT, "nothing to see, version 1.2.3.4", None])
    assert out["text"].to_pylist() == [
        "Mail <EMAIL> or call <PHONE> from <IP>; card <CREDIT_CARD>, IBAN <IBAN>, SSN <SSN>, "
        "key <SECRET>.",
        "nothing to see, version 1.2.3.4",
        None,
    ]
    assert out.schema.field(PII_COUNTS).type == COUNTS_TYPE
    assert out[PII_COUNTS].to_pylist()[0] == dict.fromkeys(COUNTS_TYPE.names, 1)
    assert sum(out[PII_COUNTS].to_pylist()[1].values()) == 0
    assert out["id"].to_pylist() == ["0", "1", "2"]
    assert out[S.DROP_REASON].to_pylist() == [None] * 3


def test_mask_keeps_separators():
    (text,) = run({"action": "mask"}, ["call +44 20 7946 0958 or ann@x.org"])["text"].to_pylist()
    assert text == "call +** ** **** **** or ***@*.***"


def test_hash_is_salted_and_stable_across_formats_and_documents():
    texts = [
        "call +44 20 7946 0958",
        "ring 020 7946 0958 (UK)",
        "mail ANN@EXAMPLE.com or ann@example.com",
    ]
    out = run({"action": "hash", "salt": "corpus-1", "phone_regions": ["GB"]}, texts)["text"]
    first, second, emails = out.to_pylist()
    token = first.removeprefix("call ")
    assert token.startswith("<PHONE:") and len(token) == len("<PHONE:12345678>")
    assert second == f"ring {token} (UK)"  # the same number in national format
    a, b = emails.removeprefix("mail ").split(" or ")
    assert a != b  # local parts are case-sensitive; domains are not
    other = run({"action": "hash", "salt": "corpus-2"}, texts[:1])["text"][0].as_py()
    assert other != first


def test_salt_is_redacted_in_the_manifest_but_changes_the_fingerprint():
    a, b = (
        recipe_from_dict({"stages": [{"pii": {"action": "hash", "salt": salt}}]})
        for salt in ("s1", "s2")
    )
    assert a.resolved()["stages"][0]["pii"]["salt"] == "<redacted>"
    assert a.fingerprint() != b.fingerprint()


def test_per_type_actions_and_drop_document():
    params = {
        "actions": {"secret": "drop_document", "email": "drop_document", "ip": "mask"},
        "drop_above": {"email": 1},
    }
    texts = [
        "leaked AKIAIOSFODNN7EXAMPLE",
        "write to a@example.org",  # one address: at the limit, replaced and kept
        "a@example.org, b@example.org, c@example.org",
        "from 81.198.191.251",
        "already rejected, still scrubbed: a@example.org",
    ]
    out = run(params, texts, [None, None, None, None, "too_short"])
    assert out[S.DROP_REASON].to_pylist() == ["pii_secret", None, "pii_email", None, "too_short"]
    assert out[S.DROPPED_BY].to_pylist() == ["pii", None, "pii", None, None]
    assert out["text"].to_pylist()[1] == "write to <EMAIL>"
    assert out["text"].to_pylist()[3] == "from **.***.***.***"
    assert out["text"].to_pylist()[4] == "already rejected, still scrubbed: <EMAIL>"


def test_selected_types_only():
    out = run({"entities": ["email", "ssn"]}, [TEXT])
    text = out["text"][0].as_py()
    assert "<EMAIL>" in text and "<SSN>" in text and "+44 20 7946 0958" in text
    counts = out[PII_COUNTS][0].as_py()
    assert counts["email"] == counts["ssn"] == 1 and counts["phone"] is None


def test_annotate_counts_only():
    out = run({"mode": "annotate", "actions": {"secret": "drop_document"}}, [TEXT])
    assert out["text"][0].as_py() == TEXT and out[S.DROP_REASON][0].as_py() is None
    assert out[PII_COUNTS][0].as_py()["secret"] == 1


def test_reapply_decides_from_stored_counts():
    annotated = run({"mode": "annotate"}, [TEXT, "clean"])
    stage = build_stage("pii", {"actions": {"ssn": "drop_document"}})
    out = stage.reapply(annotated)
    assert out[S.DROP_REASON].to_pylist() == ["pii_ssn", None]
    assert "<EMAIL>" in out["text"][0].as_py()  # drop mode scrubs what annotate left


@pytest.mark.parametrize(
    "params, message",
    [
        ({"entities": ["emails"]}, "unknown entity type 'emails'"),
        ({"entities": []}, "selects nothing"),
        ({"action": "redact"}, "unknown action 'redact'"),
        ({"drop_above": {"email": 3}}, "drop_above.email needs actions.email: drop_document"),
        ({"actions": {"ip": "drop_document"}, "drop_above": {"ip": -1}}, "must be >= 0"),
        ({"phone_regions": ["XX"]}, "'XX' is not a region code"),
        ({"salt": 3}, "pii.salt=3 must be of type str"),
        ({"entities": ["email"], "actions": {"secret": "drop_document"}}, "not in entities"),
    ],
)
def test_config_errors_name_the_fix(params, message):
    with pytest.raises(ConfigError, match=message):
        build_stage("pii", params)


def test_registered_after_quality_filters_before_dedup():
    names = list(STAGES)
    assert names.index("quality_classifier") < names.index("pii") < names.index("exact_dedup")


def test_precheck_skips_documents_without_candidates():
    scanner = Scanner(build_detectors())
    texts = pa.array(["plain words only", "a 12-page report from 2023", "mail a@b.io", None])
    assert scanner.candidates(texts).tolist() == [False, False, True, False]


def test_curate_end_to_end(ray_local, tmp_path):
    corpus = generate(300, seed=7)
    source = tmp_path / "records.jsonl"
    with source.open("w") as f:
        for i, (text, _) in enumerate(corpus):
            f.write(json.dumps({"id": f"doc-{i}", "text": text}) + "\n")
    recipe = tmp_path / "R.yaml"
    recipe.write_text("stages: [{pii: {}}]\n")
    out = tmp_path / "o"
    manifest = curate([str(source)], str(out), load_recipe(str(recipe)), quiet=True).manifest
    rows = duckdb.sql(
        f"select id, text, pii_counts.email as email, pii_counts from read_parquet('{out}/data/*.parquet')"
    ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(f"doc-{i}" for i in range(len(corpus)))
    by_id = {r[0]: r[1] for r in rows}
    result = score(corpus, [by_id[f"doc-{i}"] for i in range(len(corpus))])
    assert result.recall >= 0.97 and result.other_changed_frac <= 0.01
    totals = {k: sum(r[3][k] for r in rows) for k in COUNTS_TYPE.names}
    assert manifest["totals"] == {"pii_counts": dict(sorted(totals.items()))}
    assert manifest["inputs"][0]["totals"] == manifest["totals"]
    assert sum(r[2] for r in rows) == sum(e.entity == "email" for _, t in corpus for e in t)
    assert manifest["counts"] == {"input": 300, "kept": 300, "rejected": 0, "errors": 0}


def test_manifest_totals_sum_markers_and_tolerate_old_ones():
    from pipelines.output.manifest import build_manifest, input_marker

    def part(pii=None):
        stats = {"kept": 1, "rejected": 0, "errors": 0, "reasons": [], "files": []}
        stats["end"] = {"records": 1, "error": None, "skipped": {}}
        return stats | ({"totals": {"pii_counts": pii}} if pii is not None else {})

    new = input_marker("a.jsonl", "jsonl", [part({"email": 2, "ip": 0}), part({"email": 1})])
    old = input_marker("b.jsonl", "jsonl", [part()])  # written before the pii stage existed
    assert new["totals"] == {"pii_counts": {"email": 3, "ip": 0}} and "totals" not in old
    recipe = {"web": {"stages": [{"pii": {}}]}}
    totals = build_manifest([new, old], recipe, "f", 1.0)["totals"]
    assert totals == {"pii_counts": {"email": 3, "ip": 0}}
    assert "totals" not in build_manifest([old], recipe, "f", 1.0)
