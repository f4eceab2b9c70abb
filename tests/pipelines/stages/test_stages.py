"""Stages run on plain pyarrow tables: normalization, length filtering, drop reasons."""

from __future__ import annotations

import pyarrow as pa

from pipelines.core import schema as S
from pipelines.stages import build_stage


def _table(texts, reasons=None):
    reasons = reasons or [None] * len(texts)
    rows = [
        {"id": str(i), "text": t, "drop_reason": r} for i, (t, r) in enumerate(zip(texts, reasons))
    ]
    return pa.Table.from_pylist(rows, schema=S.DOCUMENT_SCHEMA)


def test_normalize_fixes_mojibake_and_whitespace():
    out = build_stage("normalize")(
        _table(
            [
                "CafÃ© â€” naÃ¯ve",
                "  a\r\nb\t\tc\u00a0d\x00e  \n\n\n\n\nf  ",
                "plain ascii",
                "“quoted” – dash",
            ]
        )
    )
    assert out["text"].to_pylist() == [
        "Café — naïve",
        "a\nb c de\n\nf",
        "plain ascii",
        "“quoted” – dash",
    ]


def test_normalize_can_leave_text_alone():
    text = "CafÃ©  x"
    out = build_stage("normalize", {"fix_mojibake": False, "whitespace": False})(_table([text]))
    assert out["text"].to_pylist() == [text]


def test_text_length_reasons_and_signal():
    stage = build_stage("text_length", {"min_chars": 3, "max_chars": 10})
    out = stage(
        _table(["", "ab", "abcdef", "x" * 11, "gone"], [None, None, None, None, "read_error"])
    )
    assert out["drop_reason"].to_pylist() == [
        "empty_text",
        "too_short",
        None,
        "too_long",
        "read_error",
    ]
    assert out["dropped_by"].to_pylist() == ["text_length"] * 2 + [None, "text_length", None]
    assert out["char_count"].to_pylist() == [0, 2, 6, 11, None]  # rows already dropped: no signal


def test_annotate_mode_keeps_rows_and_writes_signals():
    stage = build_stage("text_length", {"min_chars": 3, "mode": "annotate"})
    out = stage(_table(["", "abcdef"]))
    assert out["drop_reason"].to_pylist() == [None, None]
    assert out["char_count"].to_pylist() == [0, 6]
