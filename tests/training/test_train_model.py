"""Models from config: the masked-only MLM head, BERT masking, FLOPs per token."""

from __future__ import annotations

import pytest
import torch

from training.config import ModelConfig
from training.model import (
    CausalLMLoss,
    MaskedLMLoss,
    Masking,
    build_model,
    flops_per_token,
    generator_for,
    padded_vocab,
)

SPECIAL = (0, 1, 2, 3, 4, 5)
MASKING = Masking(mask_id=3, special_ids=SPECIAL, vocab_size=300, prob=0.15)


def tiny(objective: str, **kw) -> ModelConfig:
    options = dict(n_layer=1, n_head=2, d_model=32, d_ff=64, seq_len=32) | kw
    return ModelConfig(objective=objective, **options)


@pytest.mark.parametrize("arch", ["modernbert", "bert"])
def test_masked_only_head_gives_the_full_head_loss(arch):
    torch.manual_seed(0)
    cfg = tiny("mlm", arch=arch, dropout=0.0)
    hf = build_model(cfg, vocab_size=320, token_ids={"pad": 1}).eval()
    tokens = torch.randint(6, 300, (4, 32))
    inputs, index, labels = MASKING(tokens, generator_for(1, 2))
    full_labels = torch.full_like(tokens, -100).flatten()
    full_labels[index] = labels
    with torch.no_grad():
        reference = hf(input_ids=inputs, labels=full_labels.view_as(tokens)).loss
        sparse = MaskedLMLoss(hf)(inputs, index, labels)
    torch.testing.assert_close(sparse, reference, rtol=1e-6, atol=1e-6)


def test_causal_loss_is_the_hf_shifted_loss():
    torch.manual_seed(0)
    hf = build_model(tiny("clm"), vocab_size=320, token_ids={}).eval()
    tokens = torch.randint(0, 300, (2, 32))
    with torch.no_grad():
        torch.testing.assert_close(CausalLMLoss(hf)(tokens), hf(tokens, labels=tokens).loss)


def test_masking_follows_bert_80_10_10_and_skips_special_tokens():
    tokens = torch.randint(6, 300, (64, 128))
    tokens[:, ::16] = 0  # document separators must never be predicted
    inputs, index, labels = MASKING(tokens, generator_for(3, 0))
    chosen = torch.zeros(tokens.numel(), dtype=torch.bool)
    chosen[index] = True
    assert not chosen[tokens.flatten() == 0].any()
    assert torch.equal(labels, tokens.flatten()[index])
    assert 0.14 < len(index) / (tokens != 0).sum() < 0.16
    picked = inputs.flatten()[index]
    masked = (picked == 3).float().mean()
    kept = (picked == labels).float().mean()  # includes random draws that hit the same token
    assert 0.78 < masked < 0.82 and 0.09 < kept < 0.11
    assert not torch.isin(picked[picked != 3], torch.tensor(SPECIAL)).any()
    assert torch.equal(inputs.flatten()[~chosen], tokens.flatten()[~chosen])


def test_masks_depend_only_on_the_seed_keys():
    tokens = torch.randint(6, 300, (4, 32))
    a = MASKING(tokens, generator_for(1, 0, 5, 0))
    b = MASKING(tokens, generator_for(1, 0, 5, 0))
    c = MASKING(tokens, generator_for(1, 0, 6, 0))
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a[1], c[1])


def test_gpt2_124m_flops_per_token_follow_the_standard_convention():
    """6N + 12·L·d·T with N = 123.65M (no position embedding, tied head once): 0.855 GFLOP."""
    cfg = ModelConfig(n_layer=12, n_head=12, d_model=768, d_ff=3072, seq_len=1024)
    assert padded_vocab(50257, 64) == 50304
    with torch.device("meta"):
        hf = build_model(cfg, vocab_size=50257, token_ids={})
    n = 124_439_808 - 1024 * 768  # HF GPT-2 small parameters minus wpe
    assert flops_per_token(hf, cfg) == 6 * n + 12 * 12 * 768 * 1024
    assert flops_per_token(hf, cfg) == pytest.approx(0.855e9, rel=1e-3)


@pytest.mark.parametrize("arch", ["modernbert", "bert"])
def test_mlm_flops_count_the_head_on_masked_tokens_only(arch):
    cfg = tiny("mlm", arch=arch)
    with torch.device("meta"):
        hf = build_model(cfg, vocab_size=320, token_ids={})
    modules = [hf.cls] if arch == "bert" else [hf.head, hf.decoder]
    head = sum(p.numel() for m in modules for p in m.parameters())
    assert flops_per_token(hf, cfg, 1.0) - flops_per_token(hf, cfg, 0.15) == pytest.approx(
        6 * 0.85 * head
    )
