"""Training recipes: YAML files, flat and dotted overrides, typed validation, the LR schedule."""

from __future__ import annotations

import pytest

from pipelines.core.errors import ConfigError
from training.config import OptimConfig, available_recipes, load_recipe
from training.worker import lr_factor


def test_shipped_recipes_load_and_resolve_arch():
    assert available_recipes() == ["bert-base", "gpt2-124m", "mini", "smoke"]
    smoke = load_recipe("smoke")
    assert (smoke.model.arch, smoke.model.n_layer, smoke.train.max_steps) == ("gpt2", 4, 200)
    bert = load_recipe("bert-base")
    assert (bert.model.objective, bert.model.arch, bert.model.seq_len) == ("mlm", "bert", 512)
    assert load_recipe("gpt2-124m").train.use_gpu


def test_flat_overrides_route_to_the_owning_section():
    recipe = load_recipe(
        "smoke", ["objective=mlm", "max_steps=400", "num_workers=2", "use_gpu=true", "lr=3e-4"]
    )
    assert (recipe.model.objective, recipe.model.arch) == ("mlm", "modernbert")  # arch: auto
    assert (recipe.train.max_steps, recipe.train.num_workers, recipe.train.use_gpu) == (
        400,
        2,
        True,
    )
    assert recipe.optim.lr == 3e-4  # YAML reads 3e-4 as a string; floats accept it


def test_dotted_overrides_and_replace():
    recipe = load_recipe("smoke", ["model.n_layer=4", "optim.betas=[0.9, 0.95]", "bf16=null"])
    assert recipe.model.n_layer == 4 and recipe.optim.betas == [0.9, 0.95]
    assert recipe.replace(max_steps=7).train.max_steps == 7
    assert recipe.replace(max_steps=7).model == recipe.model


def test_unknown_key_lists_the_valid_ones():
    with pytest.raises(ConfigError, match=r"Unknown training key 'n_layers'.*n_layer.*num_workers"):
        load_recipe("smoke", ["n_layers=3"])
    with pytest.raises(ConfigError, match="expects key=value"):
        load_recipe("smoke", ["max_steps"])
    with pytest.raises(ConfigError, match="Unknown training recipe 'tiny'.*smoke"):
        load_recipe("tiny")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("max_steps=1.5", "max_steps=1.5 must be of type int"),
        ("use_gpu=yes please", "must be of type bool"),
        ("lr=fast", "lr='fast' must be a number"),
        ("n_head=3", "d_model=128 must be divisible by n_head=3"),
        ("arch=bert", "arch='bert' does not fit objective=clm"),
        ("objective=seq2seq", "objective='seq2seq' must be one of"),
        ("mask_prob=1.5", r"mask_prob=1.5 must be in \(0, 1\)"),
        ("min_lr=1.0", "min_lr <= lr"),
        ("num_workers=-1", "num_workers=-1 must be >= 0"),
        ("betas=[0.9]", "two numbers"),
    ],
)
def test_bad_values_name_the_field(override, message):
    with pytest.raises(ConfigError, match=message):
        load_recipe("smoke", [override])


def test_recipe_file_path_and_bad_sections(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("model: {n_layer: 3}\ntrain: {max_steps: 5}\n")
    recipe = load_recipe(path, ["seed=1"])
    assert (recipe.model.n_layer, recipe.train.max_steps, recipe.train.seed) == (3, 5, 1)
    path.write_text("trainer: {max_steps: 5}\n")
    with pytest.raises(ConfigError, match="Unknown recipe section 'trainer'"):
        load_recipe(path)
    path.write_text("model: {layers: 5}\n")
    with pytest.raises(ConfigError, match="Unknown key 'layers' in model"):
        load_recipe(path)


def test_lr_warms_up_then_decays_to_min_lr_at_the_horizon():
    o = OptimConfig(lr=1.0, min_lr=0.1, warmup_steps=10)
    factors = [lr_factor(s, o=o, horizon=110) for s in range(130)]
    assert factors[0] == pytest.approx(0.1) and factors[9] == pytest.approx(1.0)
    assert factors[60] == pytest.approx(0.55)  # halfway down the cosine
    assert factors[110] == factors[129] == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(factors[9:], factors[10:]))
