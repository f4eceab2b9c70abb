"""Recipes: YAML stage lists, dotted overrides, and error messages that name the fix."""

from __future__ import annotations

import pytest

from pipelines.core.errors import ConfigError
from pipelines.job.recipe import load_recipe
from pipelines.stages import STAGES

# Stages that need a user's file (a block-list, a trained model) cannot run by default.
NEEDS_USER_FILES = {"url_filter", "quality_classifier"}


def test_default_recipe_runs_every_stage():
    recipe = load_recipe(None)
    assert [s.name for s in recipe.stages] == [n for n in STAGES if n not in NEEDS_USER_FILES]


def test_overrides_reach_stages_read_options_and_cpus(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("stages:\n  - text_length: {mode: annotate}\n  - normalize\n")
    recipe = load_recipe(
        str(path),
        [
            "text_length.min_chars=20",
            "normalize.whitespace=false",
            "read.text_field=content",
            "num_cpus=1",
        ],
    )
    assert recipe.stages[0].params == {"mode": "annotate", "min_chars": 20}
    assert recipe.stages[1].params == {"whitespace": False}
    assert recipe.read.text_field == "content" and recipe.num_cpus == 1
    resolved = recipe.resolved()["stages"][0]["text_length"]
    assert resolved == {"mode": "annotate", "min_chars": 20, "max_chars": 5_000_000}


def test_fingerprint_ignores_execution_settings():
    assert load_recipe(None, ["num_cpus=1"]).fingerprint() == load_recipe(None).fingerprint()
    assert (
        load_recipe(None, ["text_length.min_chars=5"]).fingerprint()
        != load_recipe(None).fingerprint()
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["gopher.x=1"], "no stage 'gopher' in this recipe"),
        (
            ["text_length.min_char=1"],
            "Unknown parameter 'min_char' for stage 'text_length'. Available: max_chars, min_chars, mode",
        ),
        (["text_length.min_chars=abc"], "text_length.min_chars='abc' must be of type int"),
        (["text_length.mode=keep"], "mode='keep' must be 'drop' or 'annotate'"),
        (["num_cpus=0"], "num_cpus=0 must be a positive integer"),
        (["read.nope=1"], "Unknown read option 'nope'"),
        (["novalue"], "--set expects key=value"),
    ],
)
def test_bad_overrides_say_what_to_fix(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_recipe(None, overrides)


def test_unknown_stage_and_recipe(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("stages: [{gopher: {}}]\n")
    with pytest.raises(
        ConfigError,
        match="Unknown stage 'gopher'. Available: c4_quality, exact_dedup, fineweb_quality",
    ):
        load_recipe(str(path))
    with pytest.raises(ConfigError, match="Unknown recipe 'nope'"):
        load_recipe("nope")
