"""Inference on a fine-tuned or pretrained model directory, outside Ray: NER entities with
character offsets, class labels with scores, or a greedy continuation. The NER path encodes
words exactly as fine-tuning did (``ner_data.encode_ner``: same windows, same first-sub-token
rule), so a served model sees what it was scored on."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pipelines.core.errors import ConfigError, InputError
from training.finetune.conll import Sentence
from training.finetune.ner_data import encode_ner, merge_predictions
from training.finetune.tabular import encode_texts
from training.finetune.tasks import pad, pad_id, quiet_transformers

TASKS = ("ner", "classify", "generate")
WORD = re.compile(r"\w+(?:[-.]\w+)*|'s\b|[^\w\s]")  # CoNLL-like: punctuation and 's apart
MAX_WINDOW = 512


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


def infer_task(config: Any) -> str:
    names = " ".join(getattr(config, "architectures", None) or [])
    for marker, task in (("TokenClassification", "ner"), ("SequenceClassification", "classify"),
                         ("CausalLM", "generate"), ("LMHeadModel", "generate")):  # fmt: skip
        if marker in names:
            return task
    raise ConfigError(f"cannot tell the task from architectures {names!r}: pass --task")


class Predictor:
    """One model, loaded once; ``predict(texts)`` answers a batch of texts."""

    def __init__(
        self, model_dir: str | Path, task: str | None = None, *, quantize: str | None = None,
        max_new_tokens: int = 32,
    ) -> None:  # fmt: skip
        import transformers as tf

        self.task = self.check(model_dir, task)
        config = tf.AutoConfig.from_pretrained(str(model_dir))
        auto = {"ner": tf.AutoModelForTokenClassification,
                "classify": tf.AutoModelForSequenceClassification,
                "generate": tf.AutoModelForCausalLM}[self.task]  # fmt: skip
        self.tokenizer = tf.AutoTokenizer.from_pretrained(str(model_dir))
        with quiet_transformers():
            self.model = auto.from_pretrained(str(model_dir)).eval()
        if quantize == "dynamic":  # int8 weights for every Linear, activations quantized per batch
            with warnings.catch_warnings():  # torch 2.13 marks the quantized tensor API deprecated
                warnings.simplefilter("ignore")
                self.model = torch.ao.quantization.quantize_dynamic(
                    self.model, {torch.nn.Linear}, dtype=torch.qint8
                )
        elif quantize:
            raise ConfigError(f"quantize={quantize!r}: only 'dynamic' (int8, CPU)")
        self.quantize = quantize
        self.window = min(
            getattr(config, "max_position_embeddings", None) or MAX_WINDOW, MAX_WINDOW
        )
        self.labels = [config.id2label[i] for i in range(len(config.id2label))]
        self.pad_id = pad_id(self.tokenizer)
        self.max_new_tokens = max_new_tokens

    @staticmethod
    def check(model_dir: str | Path, task: str | None = None) -> str:
        """The task to serve ``model_dir`` for; a clear error for a directory that is no model."""
        import transformers as tf

        if not (Path(model_dir) / "config.json").is_file():
            raise InputError(f"{model_dir}: no config.json (not a transformers model directory)")
        task = task or infer_task(tf.AutoConfig.from_pretrained(str(model_dir)))
        if task not in TASKS:
            raise ConfigError(f"task {task!r} must be one of: {', '.join(TASKS)}")
        return task

    @torch.inference_mode()
    def predict(self, texts: list[str]) -> list[dict[str, Any]]:
        if self.task == "ner":
            return self._ner(texts)
        if self.task == "classify":
            return self._classify(texts)
        return [self._generate(t) for t in texts]

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        """Softmax probabilities, (rows, positions, labels) or (rows, labels)."""
        batch = pad([np.asarray(r) for r in ids], self.pad_id)
        mask = pad([np.ones(len(r), np.int64) for r in ids], 0)
        logits = self.model(input_ids=batch, attention_mask=mask).logits
        return torch.softmax(logits.float(), dim=-1).numpy()

    def _ner(self, texts: list[str]) -> list[dict[str, Any]]:
        words = [[Word(m.group(), m.start(), m.end()) for m in WORD.finditer(t)] for t in texts]
        tagged = self.tag_words([[w.text for w in ws] for ws in words])
        return [
            {"entities": _entities(text, ws, [t for t, _ in tags], [p for _, p in tags])}
            for text, ws, tags in zip(texts, words, tagged)
        ]

    @torch.inference_mode()
    def tag_words(self, sentences: list[list[str]]) -> list[list[tuple[str, float]]]:
        """(tag, probability) per word, encoded as fine-tuning encodes CoNLL sentences."""
        filled = [i for i, words in enumerate(sentences) if words]
        out: list[list[tuple[str, float]]] = [[] for _ in sentences]
        if not filled:
            return out
        batch = [
            Sentence(
                words=tuple(sentences[i]),
                tags=(self.labels[0],) * len(sentences[i]),
                file="request",
                line=i,
            )  # fmt: skip
            for i in filled
        ]
        label2id = {name: i for i, name in enumerate(self.labels)}
        windows, _ = encode_ner(
            batch,
            self.tokenizer,
            label2id,
            max_seq_len=self.window,
            stride=min(16, self.window // 4),
        )
        probs = self._forward([w.input_ids for w in windows])
        chosen = merge_predictions(windows, probs.argmax(-1), [len(s.words) for s in batch])
        score: dict[tuple[int, int], float] = {}
        for window, p in zip(windows, probs):
            previous = None
            for position, word in enumerate(window.word_ids):
                if word is not None and word != previous:
                    key = (window.sentence, word)
                    value = float(p[position, chosen[window.sentence][word]])
                    score[key] = max(score.get(key, 0.0), value)
                previous = word
        for k, i in enumerate(filled):
            out[i] = [(self.labels[j], score[(k, n)]) for n, j in enumerate(chosen[k])]
        return out

    def _classify(self, texts: list[str]) -> list[dict[str, Any]]:
        ids, _ = encode_texts(texts, self.tokenizer, max_seq_len=self.window)
        probs = self._forward(ids)
        return [
            {"label": self.labels[int(p.argmax())],
             "scores": {name: round(float(x), 6) for name, x in zip(self.labels, p)}}
            for p in probs
        ]  # fmt: skip

    def _generate(self, text: str) -> dict[str, Any]:
        ids = self.tokenizer(text, return_tensors="pt")["input_ids"][:, -self.window // 2 :]
        room = max(1, min(self.max_new_tokens, self.window - ids.shape[1]))
        new = self.model.generate(
            ids, attention_mask=torch.ones_like(ids), max_new_tokens=room, do_sample=False,
            pad_token_id=self.pad_id,
        )[0, ids.shape[1] :]  # fmt: skip
        return {"continuation": self.tokenizer.decode(new, skip_special_tokens=True)}


def _entities(text: str, words: list[Word], tags: list[str], scores: list[float]) -> list[dict]:
    """IOB2 (or IOB1) tags of words → entity spans with character offsets and mean scores."""
    spans: list[list[Any]] = []  # [type, first word, last word]
    for j, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-") if "-" in tag else ("I", "", tag)
        if tag == "O" or not kind:
            continue
        current = spans[-1] if spans else None
        if prefix == "B" or current is None or current[0] != kind or current[2] != j - 1:
            spans.append([kind, j, j])
        else:
            current[2] = j
    return [
        {
            "text": text[words[a].start : words[b].end],
            "type": kind,
            "start": words[a].start,
            "end": words[b].end,
            "score": round(float(np.mean(scores[a : b + 1])), 4),
        }
        for kind, a, b in spans
    ]
