"""A tiny pretrained-looking base model: RUN/hf (ModernBERT MLM + tokenizer) and RUN/run.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED

NER_DIR = SHARED / "ner"
SST_DIR = SHARED / "classification"


@pytest.fixture(scope="session")
def base_model(tokenizer_dir, tmp_path_factory) -> Path:
    """``RUN/hf`` as `forage pretrain` exports it, at a size that trains in seconds."""
    from training.config import ModelConfig
    from training.export import save_initialised
    from training.tokenizer import load_tokenizer

    run = tmp_path_factory.mktemp("pretrain-run")
    cfg = ModelConfig(objective="mlm", n_layer=1, n_head=2, d_model=32, d_ff=64, seq_len=48)
    save_initialised(cfg, load_tokenizer(tokenizer_dir), run / "hf")
    (run / "run.json").write_text(json.dumps({"manifest_sha256": "ab" * 32, "data_dir": "/corpus"}))
    return run / "hf"
