"""C4 line edits and document rules; FineWeb's line rules — DataTrove's reasons and boundaries."""

from __future__ import annotations

from pipelines.core import schema as S
from pipelines.stages import build_stage
from tests.pipelines.stages.helpers import docs, reasons

SENTENCES = "This is one sentence. Here is another one. And a third one follows."
GOOD = "\n".join([SENTENCES, "A fourth sentence is here. The fifth sentence ends it."])


def c4(**params):
    return build_stage("c4_quality", params)


def test_c4_document_rules():
    assert reasons(
        c4(),
        [
            GOOD,
            GOOD + "\nLorem ipsum dolor sit amet, consectetur.",
            GOOD + "\nfunction f() { return the value of it; }.",
            "Only one sentence is here.",
            "",
        ],
    ) == [None, "lorem_ipsum", "curly_bracket", "too_few_sentences", "too_few_sentences"]


def test_c4_edits_lines_and_counts_them():
    text = "\n".join(
        [
            SENTENCES,
            "Please enable JavaScript to view this page properly.",
            "By using this site you accept our privacy policy and terms.",
            "Too short.",
            "No terminal punctuation on this line",
            "A line with a citation.[12] It continues here.[citation needed]",
            "x" * 1001 + " is a very long word indeed.",
            "Another fine sentence is written here.",
        ]
    )
    out = c4()(docs([text]))
    assert out[S.TEXT].to_pylist() == [
        "\n".join(
            [
                SENTENCES,
                "A line with a citation. It continues here.",
                "Another fine sentence is written here.",
            ]
        )
    ]
    assert out["c4_lines_removed"].to_pylist() == [5]
    assert out["c4_sentences"].to_pylist() == [6]


def test_c4_without_terminal_punct_rule_keeps_such_lines():
    text = GOOD + "\nA heading without a full stop"
    out = c4(filter_no_terminal_punct=False)(docs([text]))
    assert out[S.TEXT].to_pylist() == [text]


def test_c4_annotate_mode_leaves_text_alone():
    text = GOOD + "\nJavascript is required here, sorry."
    out = c4(mode="annotate")(docs([text, "x."]))
    assert out[S.TEXT].to_pylist() == [text, "x."]
    assert out[S.DROP_REASON].to_pylist() == [None, None]
    assert out["c4_lines_removed"].to_pylist() == [1, 1]


def fineweb(**params):
    return build_stage("fineweb_quality", params)


def _line(i: int) -> str:
    return f"this is line number {i} of a document that has many long lines"  # 60+ chars


def test_fineweb_reasons():
    lines = [_line(i) + "." for i in range(10)]
    no_punct = "\n".join(_line(i) for i in range(9)) + "\nthe end."  # 1/10 < 0.12
    short = "\n".join(lines[:3] + [f"short {i}." for i in range(7)])  # 0.7 > 0.67
    dup = "\n".join(lines + [lines[0]])  # one repeated line of ~65 chars
    listy = "\n".join(f"{'abcdefghij' * 3}{i}." for i in range(10))  # 9 newlines / 20 words
    assert reasons(fineweb(), ["\n".join(lines), "", " \n\n ", no_punct, short, dup]) == [
        None,
        "empty",
        "empty",
        "line_punct_ratio",
        "short_line_ratio",
        "char_dup_ratio",
    ]
    assert reasons(fineweb(), [listy]) == ["list_ratio"]


def test_fineweb_boundaries_are_inclusive_like_datatrove():
    twelve = "\n".join([_line(i) + "." for i in range(3)] + [_line(i) for i in range(3, 25)])
    assert reasons(fineweb(), [twelve]) == [None]  # exactly 3/25 = 0.12 is not below
    signals = fineweb(mode="annotate")(docs([twelve]))
    assert signals["fineweb_line_punct_ratio"].to_pylist() == [0.12]
    no_punct = "\n".join(_line(i) for i in range(9))
    assert reasons(fineweb(line_punct_exclude_zero=True), [no_punct]) == [None]
