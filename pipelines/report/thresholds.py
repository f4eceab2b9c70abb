"""Which recipe parameter bounds which stored signal, so a report draws the threshold a filter
applied on the distribution it applied it to."""

from __future__ import annotations

import re
from typing import Any

# signal column → (stage, parameter, label); a parameter "a.b" reads a nested key.
BOUNDS: dict[str, list[tuple[str, str, str]]] = {
    "char_count": [("text_length", "min_chars", "min"), ("text_length", "max_chars", "max")],
    "language_score": [("langid", "min_score", "min score")],
    "gopher_words": [
        ("gopher_quality", "min_doc_words", "min"),
        ("gopher_quality", "max_doc_words", "max"),
    ],
    "gopher_mean_word_length": [
        ("gopher_quality", "min_avg_word_length", "min"),
        ("gopher_quality", "max_avg_word_length", "max"),
    ],
    "gopher_hash_ratio": [("gopher_quality", "max_symbol_word_ratio", "max")],
    "gopher_ellipsis_ratio": [("gopher_quality", "max_symbol_word_ratio", "max")],
    "gopher_bullet_lines_ratio": [("gopher_quality", "max_bullet_lines_ratio", "max")],
    "gopher_end_ellipsis_lines_ratio": [("gopher_quality", "max_ellipsis_lines_ratio", "max")],
    "gopher_alpha_words_ratio": [("gopher_quality", "min_alpha_words_ratio", "min")],
    "gopher_stop_words": [("gopher_quality", "min_stop_words", "min")],
    "c4_sentences": [("c4_quality", "min_num_sentences", "min")],
    "fineweb_line_punct_ratio": [("fineweb_quality", "line_punct_thr", "min")],
    "fineweb_short_line_ratio": [("fineweb_quality", "short_line_thr", "max")],
    "fineweb_char_dup_ratio": [("fineweb_quality", "char_duplicates_ratio", "max")],
    "fineweb_list_ratio": [("fineweb_quality", "new_line_ratio", "max")],
}
for _name in ("para_frac", "para_char_frac", "line_frac", "line_char_frac"):
    BOUNDS[f"gopher_dup_{_name}"] = [("gopher_repetition", f"dup_{_name}", "max")]
for _n in range(2, 5):
    BOUNDS[f"gopher_top_{_n}_gram"] = [("gopher_repetition", f"top_n_grams.{_n}", "max")]
for _n in range(5, 11):
    BOUNDS[f"gopher_duplicated_{_n}_n_grams"] = [("gopher_repetition", f"dup_n_grams.{_n}", "max")]

GROUPS = (
    ("Length and language", re.compile(r"^(char_count|language_score)$")),
    ("Gopher repetition", re.compile(r"^gopher_(dup_|top_|duplicated_)")),
    ("Gopher quality", re.compile(r"^gopher_")),
    ("C4", re.compile(r"^c4_")),
    ("FineWeb", re.compile(r"^fineweb_")),
)


def signal_groups(columns: list[str]) -> dict[str, list[str]]:
    """Columns grouped by the stage family that wrote them (the rest: "Other signals")."""
    groups: dict[str, list[str]] = {}
    for name in columns:
        group = next((g for g, pattern in GROUPS if pattern.search(name)), "Other signals")
        groups.setdefault(group, []).append(name)
    return groups


def thresholds_for(column: str, stages: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """(label, value) of every bound set on ``column`` by a stage that ran, per recipe when
    recipes differ (``web`` / ``wikipedia``)."""
    found: dict[float, str] = {}
    for stage_name, param, label in BOUNDS.get(column, []):
        for stage in stages:
            if stage.get("name") != stage_name:
                continue
            by_recipe = stage.get("params_by_recipe") or {"": stage.get("params") or {}}
            for recipe, params in by_recipe.items():
                value = _lookup(params, param)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    found.setdefault(float(value), f"{label} {value:g}" + (f" ({recipe})" if
                                     recipe and len(by_recipe) > 1 else ""))  # fmt: skip
    return [(label, value) for value, label in found.items()]


def _lookup(params: dict[str, Any], dotted: str) -> Any:
    value: Any = params
    for key in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key, value.get(int(key)) if key.isdigit() else None)
    return value
