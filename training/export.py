"""The hand-off of a run: ``RUN/hf`` (save_pretrained + tokenizer, loadable with plain
AutoModelForCausalLM / AutoModelForMaskedLM) and ``RUN/run.json`` (what made it)."""

from __future__ import annotations

import contextlib
import datetime
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from pipelines.core.errors import InputError
from pipelines.output.atomic import write_json
from pipelines.output.manifest import recipe_sha256
from training import checkpoint as ckpt
from training.config import Recipe
from training.data import PackedInfo
from training.model import build_model, padded_vocab
from training.tokenizer import load_tokenizer as load_saved_tokenizer

HF_DIR = "hf"
RUN_INFO = "run.json"


def load_tokenizer(data: PackedInfo) -> Any:
    """The run's tokenizer (a transformers PreTrainedTokenizerFast) found beside the packed data."""
    if data.tokenizer_dir is None:
        raise InputError(
            f"no tokenizer beside {data.dir} (looked for packed.json's tokenizer_dir, "
            f"{data.dir.parent / 'tokenizer'} and {data.dir / 'tokenizer'})"
        )
    return load_saved_tokenizer(data.tokenizer_dir)


def token_ids(tokenizer: Any) -> dict[str, int]:
    """bos/eos/pad/cls/sep ids for the model config, so generation and padding work after
    export."""
    ids = {k: getattr(tokenizer, f"{k}_token_id") for k in ("bos", "eos", "pad", "cls", "sep")}
    return {k: v for k, v in ids.items() if v is not None}


def export_hf(run: Path, final: Path, recipe: Recipe, tokenizer: Any) -> Path:
    """``RUN/hf``: save_pretrained of the final checkpoint plus the tokenizer, loadable with
    plain AutoModelForCausalLM / AutoModelForMaskedLM. Skipped when already current."""
    out = run / HF_DIR
    info = json.loads((run / RUN_INFO).read_text()) if (run / RUN_INFO).is_file() else {}
    if (out / "config.json").is_file() and info.get("steps") == ckpt.step_of(final):
        return out
    m = recipe.model
    hf = build_model(
        m, vocab_size=padded_vocab(m.vocab_size, m.vocab_multiple), token_ids=token_ids(tokenizer)
    )
    hf.load_state_dict(torch.load(final / ckpt.MODEL_FILE, map_location="cpu", weights_only=True))
    tmp = run / f".{HF_DIR}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with no_progress_bars():
        hf.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def save_initialised(cfg: Any, tokenizer: Any, out: Path, *, seed: int = 0) -> Path:
    """A freshly initialised model of ``cfg`` (a ModelConfig) saved with ``tokenizer`` as
    ``RUN/hf`` is: the random-init control of a fine-tune, and the base of tests and benchmarks."""
    torch.manual_seed(seed)
    hf = build_model(
        cfg,
        vocab_size=padded_vocab(len(tokenizer), cfg.vocab_multiple),
        token_ids=token_ids(tokenizer),
    )
    with no_progress_bars():
        hf.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@contextlib.contextmanager
def no_progress_bars() -> Iterator[None]:
    """save_pretrained draws a one-shard tqdm bar; our progress lines say enough."""
    from transformers.utils import logging as hf_logging

    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def write_run_info(run: Path, final: Path, recipe: Recipe, data: PackedInfo) -> None:
    """``RUN/run.json``: data identity, resolved recipe, software versions, steps; written
    atomically, ``created_at`` kept from the first call."""
    import ray
    import transformers

    path = run / RUN_INFO
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    created = json.loads(path.read_text()).get("created_at", now) if path.is_file() else now
    state = ckpt.read_state(final)
    info = {
        "manifest_sha256": data.info.get("manifest_sha256"),
        "tokenizer_sha256": data.info.get("tokenizer_sha256"),
        "corpus": data.info.get("corpus"),
        "data_dir": str(data.dir),
        "recipe": recipe.to_dict(),
        "recipe_sha256": recipe_sha256(recipe.to_dict()),
        "steps": state["step"],
        "tokens_seen": state["tokens_seen"],
        "software": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "ray": ray.__version__,
        },
        "created_at": created,
        "updated_at": now,
    }
    write_json(path, info)
