"""Per-source default recipes: web for crawls, wikipedia for dumps; --recipe overrides all."""

from __future__ import annotations

import json
import shutil

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipelines.core.errors import ConfigError
from pipelines.job.curate import curate
from pipelines.job.recipe import load_recipe
from pipelines.job.recipe_set import RecipeSet, load_recipes
from tests.conftest import CC_2020, LTGWIKI

WEB_FILTERS = {"gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality"}


def test_each_source_kind_gets_its_default():
    recipes = load_recipes(None)
    wiki, web = recipes.for_format("wikipedia"), recipes.for_format("warc")
    assert (wiki.name, web.name, recipes.for_format("jsonl").name) == ("wikipedia", "web", "web")
    assert not WEB_FILTERS & {s.name for s in wiki.stages}
    assert {s.name for s in web.stages} >= WEB_FILTERS
    langid = next(s for s in wiki.stages if s.name == "langid")
    assert langid.params["mode"] == "annotate"


def test_overrides_reach_every_recipe_with_the_stage():
    recipes = load_recipes(None, ["langid.min_score=0.5", "gopher_quality.min_doc_words=10"])
    for name in ("web", "wikipedia"):
        langid = next(s for s in recipes.recipes[name].stages if s.name == "langid")
        assert langid.params["min_score"] == 0.5
    with pytest.raises(ConfigError, match="no stage 'gopher'"):
        load_recipes(None, ["gopher.min_doc_words=10"])


def test_an_explicit_recipe_serves_every_input():
    recipes = load_recipes("ingest")
    assert recipes.for_format("wikipedia") is recipes.for_format("warc")
    assert recipes.fingerprint() == load_recipe("ingest").fingerprint()  # old outputs resume


def test_recipes_of_a_set_must_share_their_dedup_stages():
    web, other = load_recipe("web"), load_recipe("web", ["minhash_dedup.threshold=0.7"])
    with pytest.raises(ConfigError, match="differ in their dedup stages"):
        RecipeSet(recipes={"web": web, "w2": other}, default="web", by_format={"wet": "w2"})


def test_dumps_skip_web_filters_and_the_manifest_says_who_got_what(ray_local, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for path in (LTGWIKI, CC_2020):
        shutil.copy(path, source)
    (source / "notes.txt").write_text("not an input")
    out = tmp_path / "out"
    manifest = curate([str(source)], str(out), load_recipes(None), quiet=True).manifest
    by_format = {i["format"]: i for i in manifest["inputs"]}
    assert by_format["wikipedia"]["recipe"] == "wikipedia" and by_format["warc"]["recipe"] == "web"
    assert set(manifest["recipes"]) == {"web", "wikipedia"} and "recipe" not in manifest
    markers = [json.loads(p.read_text()) for p in (out / "_progress").glob("*.json")]
    (wiki_marker,) = [m for m in markers if m.get("format") == "wikipedia"]
    wiki_reasons = {stage for stage, _, _ in wiki_marker["reasons"]}
    assert not wiki_reasons & (WEB_FILTERS | {"langid"})
    assert by_format["wikipedia"]["kept"] >= 890  # 903 articles: only empty or duplicate ones go
    kept = pq.read_table(out / "data", columns=["source", "language", "gopher_words"])
    wiki = kept.filter(pc.equal(kept["source"], "wikipedia"))
    assert wiki["language"].null_count == 0  # langid annotated every article
    assert wiki["gopher_words"].null_count == wiki.num_rows  # no web filter ran on them
    assert manifest["skipped_files"]["files"] == [
        {"path": str(source / "notes.txt"), "reason": "unknown_format"}
    ]
    langid = next(s for s in manifest["stages"] if s["name"] == "langid")
    assert langid["params_by_recipe"]["wikipedia"]["mode"] == "annotate"
