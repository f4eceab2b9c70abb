"""The pretraining loop in Ray Train local mode: learning, metrics, resume, export."""

from __future__ import annotations

import json
import shutil

import pytest
import torch

from pipelines.core.errors import ConfigError
from training import checkpoint as ckpt
from training.config import Recipe, load_recipe
from training.metrics import read_metrics
from training.synthetic import write_packed
from training.train import pretrain

TINY = [
    "n_layer=1", "d_model=32", "n_head=2", "d_ff=128", "seq_len=32", "batch_size=8",
    "lr=1e-2", "min_lr=1e-3", "warmup_steps=5", "decay_steps=40", "log_every=1",
    "eval_every=10", "eval_steps=4", "ckpt_every=10", "keep_checkpoints=2",
]  # fmt: skip


def tiny(*overrides: str) -> Recipe:
    return load_recipe("smoke", [*TINY, *overrides])


@pytest.fixture(scope="module")
def clm_data(tmp_path_factory):
    return write_packed(
        tmp_path_factory.mktemp("clm"), seq_len=32, train_blocks=256, rows_per_group=64
    )


@pytest.fixture(scope="module")
def finished(clm_data, tmp_path_factory):
    """A 40-step run shared by the tests that only read it."""
    run = tmp_path_factory.mktemp("run40")
    return run, pretrain(clm_data, run, tiny("max_steps=40"), quiet=True)


def train_losses(run) -> dict[int, float]:
    return {r["step"]: r["loss"] for r in read_metrics(run) if "loss" in r}


def test_loss_falls_below_the_unigram_baseline_in_40_steps(finished):
    _, result = finished
    assert result.steps == result.trained_steps == 40 and result.resumed_from is None
    assert result.first_loss == pytest.approx(torch.log(torch.tensor(320.0)).item(), abs=0.3)
    assert result.last_loss < result.first_loss - 1.5
    assert result.val_loss < result.unigram_baseline_loss


def test_metrics_have_one_record_per_step_and_kind(finished):
    run, _ = finished
    records = read_metrics(run)
    assert [r["step"] for r in records if "loss" in r] == list(range(1, 41))
    assert [r["step"] for r in records if "val_loss" in r] == [10, 20, 30, 40]
    assert [r["step"] for r in records if "unigram_baseline_loss" in r] == [0]
    step = next(r for r in records if r.get("step") == 7 and "loss" in r)
    assert set(step) == {"step", "loss", "lr", "tokens", "tokens_per_s", "mfu", "data_wait", "time"}
    assert 0 <= step["data_wait"] <= 1
    assert step["tokens"] == 7 * 8 * 32 and step["mfu"] is None  # no MFU on CPU


def test_keeps_the_newest_checkpoints(finished):
    run, _ = finished
    assert [ckpt.step_of(p) for p in ckpt.list_checkpoints(run)] == [30, 40]
    state = ckpt.read_state(ckpt.latest(run))
    assert state["step"] == 40 and state["tokens_seen"] == 40 * 8 * 32
    assert state["data"]["epoch"] == 1  # 256 train blocks / 8 per step = 32 steps an epoch


def test_resumed_run_reproduces_the_uninterrupted_run(clm_data, tmp_path):
    straight = pretrain(clm_data, tmp_path / "a", tiny("max_steps=30"), quiet=True)
    first = pretrain(clm_data, tmp_path / "b", tiny("max_steps=15"), quiet=True)
    resumed = pretrain(clm_data, tmp_path / "b", tiny("max_steps=30"), quiet=True)
    assert (first.steps, resumed.resumed_from, resumed.trained_steps) == (15, 15, 15)
    a, b = train_losses(tmp_path / "a"), train_losses(tmp_path / "b")
    assert list(b) == list(range(1, 31))
    assert [b[s] for s in range(16, 31)] == [a[s] for s in range(16, 31)]  # bit-identical
    assert resumed.last_loss == straight.last_loss


def test_finished_run_has_nothing_to_do(clm_data, tmp_path, capsys):
    pretrain(clm_data, tmp_path, tiny("max_steps=10"), quiet=True)
    lines = (tmp_path / "metrics.jsonl").read_text()
    again = pretrain(clm_data, tmp_path, tiny("max_steps=10"))
    assert again.trained_steps == 0 and again.steps == 10
    assert "nothing to do" in capsys.readouterr().err
    assert (tmp_path / "metrics.jsonl").read_text() == lines


def test_tensorboard_events_hold_the_logged_scalars(finished):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run, _ = finished
    events = EventAccumulator(str(run / "tb")).Reload()
    losses = {e.step: e.value for e in events.Scalars("loss")}
    assert losses == pytest.approx(train_losses(run), rel=1e-6)
    assert [e.step for e in events.Scalars("val_loss")] == [10, 20, 30, 40]


def test_resume_drops_metrics_logged_after_the_last_checkpoint(clm_data, tmp_path):
    """A run killed between checkpoints logged steps it must redo: they are replaced, and the
    redone steps match what the killed run computed."""
    pretrain(clm_data, tmp_path, tiny("max_steps=20"), quiet=True)
    before = train_losses(tmp_path)
    shutil.rmtree(ckpt.checkpoint_path(tmp_path, 20))  # as if killed after logging step 20
    result = pretrain(clm_data, tmp_path, tiny("max_steps=20"), quiet=True)
    assert result.resumed_from == 10
    assert [r["step"] for r in read_metrics(tmp_path) if "loss" in r] == list(range(1, 21))
    assert train_losses(tmp_path) == before


def test_a_different_model_does_not_resume_a_run(clm_data, finished):
    run, _ = finished
    with pytest.raises(ConfigError, match="d_model=32"):
        pretrain(clm_data, run, tiny("max_steps=50", "d_model=64"), quiet=True)


def test_data_must_match_the_recipe(clm_data, tmp_path):
    with pytest.raises(ConfigError, match="seq_len=32"):
        pretrain(clm_data, tmp_path, tiny("seq_len=64"), quiet=True)
    with pytest.raises(ConfigError, match="lower batch_size"):
        pretrain(clm_data, tmp_path, tiny("batch_size=512"), quiet=True)


def test_hf_export_loads_with_auto_classes_and_matches_val_loss(finished, clm_data):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.data import val_batches

    run, result = finished
    model = AutoModelForCausalLM.from_pretrained(result.hf_dir).eval()
    tokenizer = AutoTokenizer.from_pretrained(result.hf_dir)
    assert type(model).__name__ == "GPT2LMHeadModel" and len(tokenizer) == 320
    batches = val_batches(sorted((clm_data / "val").glob("*.parquet")), batch_size=8, rank=0,
                          world_size=1, max_batches=4)  # fmt: skip
    with torch.no_grad():
        losses = [model(input_ids=b, labels=b).loss.item() for b in batches]
    assert sum(losses) / len(losses) == pytest.approx(result.val_loss, abs=1e-5)
    info = json.loads((run / "run.json").read_text())
    assert info["steps"] == 40 and info["recipe"]["model"]["vocab_size"] == 320
    assert set(info["software"]) == {"torch", "transformers", "ray"}


def test_llama_trains_and_exports(clm_data, tmp_path):
    from transformers import AutoModelForCausalLM

    result = pretrain(clm_data, tmp_path, tiny("arch=llama", "max_steps=20"), quiet=True)
    assert result.last_loss < 0.8 * result.first_loss
    assert type(AutoModelForCausalLM.from_pretrained(result.hf_dir)).__name__ == "LlamaForCausalLM"


def test_mlm_trains_and_exports(tmp_path):
    from transformers import AutoModelForMaskedLM

    data = write_packed(tmp_path, seq_len=32, objective="mlm", rows_per_group=64)
    result = pretrain(data, tmp_path, tiny("objective=mlm", "max_steps=30"), quiet=True)
    assert result.last_loss < 0.8 * result.first_loss
    model = AutoModelForMaskedLM.from_pretrained(result.hf_dir)
    assert type(model).__name__ == "ModernBertForMaskedLM"


def test_steady_rate_counts_only_windows_after_warmup():
    from training.metrics import steady_rate

    records = [
        {"step": 10, "tokens": 100, "tokens_per_s": 1.0},  # start-up window: slow
        {"step": 20, "tokens": 200, "tokens_per_s": 100.0},
        {"step": 30, "tokens": 300, "tokens_per_s": 50.0},
        {"step": 30, "val_loss": 3.0},
    ]
    assert steady_rate(records, warmup=10) == pytest.approx(200 / (1 + 2))
    assert steady_rate(records, warmup=30) != steady_rate(records, warmup=30)  # NaN: no window
