"""The pretraining networks: transformers models built from ModelConfig, their losses, MLM masking
and the FLOPs-per-token count behind MFU."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from training.config import ModelConfig


def padded_vocab(vocab_size: int, multiple: int) -> int:
    """The embedding size: ``vocab_size`` rounded up to ``multiple`` (50257 → 50304 at 64)."""
    return -(-vocab_size // multiple) * multiple


def build_model(cfg: ModelConfig, *, vocab_size: int, token_ids: dict[str, int]) -> nn.Module:
    """A freshly initialised transformers model (GPT2LMHeadModel, LlamaForCausalLM,
    ModernBertForMaskedLM or BertForMaskedLM) with SDPA attention; ``token_ids`` holds the
    special token ids (bos, eos, pad, cls, sep) for the export."""
    from transformers import AutoModelForCausalLM, AutoModelForMaskedLM

    # Absent ids are None, not the classes' defaults (GPT-2's 50256 lies outside a small vocab).
    ids = {f"{k}_token_id": token_ids.get(k) for k in ("bos", "eos", "pad")}
    common = dict(vocab_size=vocab_size, tie_word_embeddings=cfg.tie_embeddings, **ids)
    make = {"gpt2": _gpt2, "llama": _llama, "modernbert": _modernbert}.get(cfg.arch, _bert)
    config = make(cfg, common, token_ids)
    auto = AutoModelForMaskedLM if cfg.objective == "mlm" else AutoModelForCausalLM
    return auto.from_config(config, attn_implementation="sdpa")


def _gpt2(cfg: ModelConfig, common: dict[str, Any], token_ids: dict[str, int]) -> Any:
    from transformers import GPT2Config

    return GPT2Config(n_positions=cfg.seq_len, n_embd=cfg.d_model, n_layer=cfg.n_layer,
                      n_head=cfg.n_head, n_inner=cfg.d_ff, resid_pdrop=cfg.dropout,
                      embd_pdrop=cfg.dropout, attn_pdrop=cfg.dropout, **common)  # fmt: skip


def _llama(cfg: ModelConfig, common: dict[str, Any], token_ids: dict[str, int]) -> Any:
    from transformers import LlamaConfig

    return LlamaConfig(hidden_size=cfg.d_model, intermediate_size=cfg.d_ff,
                       num_hidden_layers=cfg.n_layer, num_attention_heads=cfg.n_head,
                       num_key_value_heads=cfg.n_head, max_position_embeddings=cfg.seq_len,
                       attention_dropout=cfg.dropout, **common)  # fmt: skip


def _modernbert(cfg: ModelConfig, common: dict[str, Any], token_ids: dict[str, int]) -> Any:
    """Pre-LN, rotary positions, GeGLU (intermediate_size per gate half), global attention in
    every layer at these lengths. Rotary positions let a small encoder use its neighbours
    early: on the smoke data it leaves the unigram plateau (val 3.1 at 400 steps) where a
    BERT of the same size stays on it (val 3.96)."""
    from transformers import ModernBertConfig

    return ModernBertConfig(hidden_size=cfg.d_model, intermediate_size=cfg.d_ff,
                            num_hidden_layers=cfg.n_layer, num_attention_heads=cfg.n_head,
                            max_position_embeddings=cfg.seq_len, global_attn_every_n_layers=1,
                            embedding_dropout=cfg.dropout, mlp_dropout=cfg.dropout,
                            attention_dropout=cfg.dropout,
                            **{f"{k}_token_id": token_ids.get(k) for k in ("cls", "sep")},
                            **common)  # fmt: skip


def _bert(cfg: ModelConfig, common: dict[str, Any], token_ids: dict[str, int]) -> Any:
    from transformers import BertConfig

    return BertConfig(hidden_size=cfg.d_model, intermediate_size=cfg.d_ff,
                      num_hidden_layers=cfg.n_layer, num_attention_heads=cfg.n_head,
                      max_position_embeddings=cfg.seq_len, hidden_dropout_prob=cfg.dropout,
                      attention_probs_dropout_prob=cfg.dropout, **common)  # fmt: skip


class CausalLMLoss(nn.Module):
    """Next-token cross-entropy over every position of a packed block. Wraps the HF model (``hf``)
    so DDP and torch.compile see one forward, and ``hf.save_pretrained`` still works."""

    def __init__(self, hf: nn.Module):
        super().__init__()
        self.hf = hf

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:  # input_ids: (B, T)
        logits = self.hf(input_ids=input_ids).logits  # (B, T, V)
        targets = input_ids[:, 1:]  # (B, T-1)
        return F.cross_entropy(logits[:, :-1].flatten(0, 1).float(), targets.flatten())


class MaskedLMLoss(nn.Module):
    """Cross-entropy on the masked positions only: the encoder sees every token, the LM head runs
    on the ~15 % masked ones (sparse prediction as in MosaicBERT/ModernBERT), which skips most of
    the V×d head FLOPs and the (B, T, V) logits tensor. Same loss as ``hf(labels=...)``."""

    def __init__(self, hf: nn.Module):
        super().__init__()
        self.hf = hf

    def forward(
        self, input_ids: torch.Tensor, masked_index: torch.Tensor, masked_labels: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.hf.base_model(input_ids=input_ids).last_hidden_state  # (B, T, C)
        picked = hidden.flatten(0, 1).index_select(0, masked_index)  # (M, C)
        logits = mlm_head(self.hf)(picked)  # (M, V)
        return F.cross_entropy(logits.float(), masked_labels)


def mlm_head(hf: nn.Module) -> nn.Module:
    """The masked-LM head of a BERT (``cls``) or ModernBERT (``head`` then ``decoder``)."""
    return hf.cls if hasattr(hf, "cls") else nn.Sequential(hf.head, hf.decoder)


def loss_module(hf: nn.Module, objective: str) -> nn.Module:
    return MaskedLMLoss(hf) if objective == "mlm" else CausalLMLoss(hf)


@dataclass(frozen=True, kw_only=True)
class Masking:
    """BERT masking: ``prob`` of non-special tokens are predicted; of those 80 % become [MASK],
    10 % a random non-special token, 10 % stay."""

    mask_id: int
    special_ids: tuple[int, ...]
    vocab_size: int  # the tokenizer's, not the padded embedding's
    prob: float = 0.15

    @functools.cached_property
    def replacement_ids(self) -> torch.Tensor:
        """Candidates for the 10 % random replacements: every non-special token id."""
        keep = torch.ones(self.vocab_size, dtype=torch.bool)
        keep[list(self.special_ids)] = False
        return keep.nonzero().squeeze(1)

    def __call__(
        self, tokens: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(inputs (B, T), masked flat indices (M,), their labels (M,)); all on the CPU, so the
        boolean selection never forces a GPU sync."""
        special = torch.isin(tokens, torch.tensor(self.special_ids, dtype=tokens.dtype))
        chosen = (torch.rand(tokens.shape, generator=generator) < self.prob) & ~special
        if not chosen.any():  # a block of only special tokens; predict one position anyway
            chosen.view(-1)[0] = True
        action = torch.rand(tokens.shape, generator=generator)
        allowed = self.replacement_ids
        random = allowed[torch.randint(len(allowed), tokens.shape, generator=generator)]
        inputs = torch.where(chosen & (action < 0.8), self.mask_id, tokens)
        inputs = torch.where(chosen & (action >= 0.8) & (action < 0.9), random, inputs)
        index = chosen.flatten().nonzero().squeeze(1)
        return inputs, index, tokens.flatten()[index]


def generator_for(seed: int, *keys: int) -> torch.Generator:
    """A CPU generator seeded from (seed, *keys): the masks of step k never depend on history."""
    state = np.random.SeedSequence([seed, *keys]).generate_state(2, dtype=np.uint32)
    return torch.Generator().manual_seed(int(state[0]) << 32 | int(state[1]))


def batch_inputs(
    tokens: torch.Tensor, masking: Masking | None, generator: torch.Generator, device: torch.device
) -> tuple[torch.Tensor, ...]:
    """The loss module's arguments for a (B, T) block batch, copied to ``device`` without a sync."""
    parts = (tokens,) if masking is None else masking(tokens, generator)
    if device.type == "cuda":
        return tuple(p.pin_memory().to(device, non_blocking=True) for p in parts)
    return parts


def flops_per_token(hf: nn.Module, cfg: ModelConfig, mask_prob: float = 1.0) -> float:
    """Training FLOPs per token, 6·N + 12·L·d·T (PaLM App. B; nanoGPT, torchtitan, llm-foundry).

    N counts matmul weights: embedding lookups (token, position, type) are free and left out,
    the LM head is in (a tied head counts the shared matrix once). For MLM the head runs on
    ``mask_prob`` of the tokens only, so its share is scaled by that; causal attention is counted
    in full, as the convention does.
    """
    lookups = {id(p) for m in hf.modules() if isinstance(m, nn.Embedding) for p in m.parameters()}
    head_module = mlm_head(hf) if cfg.objective == "mlm" else hf.get_output_embeddings()
    head_ids = {id(p) for p in head_module.parameters()}
    head = sum(p.numel() for p in head_module.parameters())
    body = sum(p.numel() for p in hf.parameters() if id(p) not in lookups | head_ids)
    head_share = mask_prob if cfg.objective == "mlm" else 1.0
    return 6 * (body + head_share * head) + 12 * cfg.n_layer * cfg.d_model * cfg.seq_len
