"""Gopher quality and repetition: DataTrove's reason strings, each threshold's boundary, languages."""

from __future__ import annotations

from pipelines.stages import build_stage
from tests.pipelines.stages.helpers import docs, reasons


def _words(n: int, start: int = 0) -> list[str]:
    return [f"w{i:03d}x" for i in range(start, start + n)]  # distinct, 5 letters/digits


def _doc(*extra_words: str, n: int = 48) -> str:
    return " ".join(["the", "and", *_words(n), *extra_words])


def quality(**params):
    return build_stage("gopher_quality", params)


def test_quality_short_and_long_documents():
    stage = quality(max_doc_words=60)
    assert reasons(stage, [_doc(n=47), _doc(n=48), _doc(n=58), _doc(n=59)]) == [
        "gopher_short_doc",  # 49 words
        None,  # 50
        None,  # 60
        "gopher_long_doc",  # 61
    ]


def test_quality_mean_word_length_bounds():
    exactly_three = " ".join(["the", "and"] + ["abc"] * 48)
    assert reasons(quality(), [exactly_three, exactly_three.replace("abc", "ab", 1)]) == [
        None,
        "gopher_below_avg_threshold",
    ]
    long_words = " ".join(["the", "and"] + ["interconnections"] * 48)
    assert reasons(quality(), [long_words]) == ["gopher_above_avg_threshold"]


def test_quality_hashes_ellipsis_and_symbols_count_as_words():
    # '#' is its own token: 5 / 55 words passes, 6 / 56 is over 0.1.
    assert reasons(quality(), [_doc(*["#"] * 5), _doc(*["#"] * 6)]) == [
        None,
        "gopher_too_many_hashes",
    ]
    assert reasons(quality(), [_doc(*["..."] * 6)]) == ["gopher_too_many_ellipsis"]


def test_quality_bullet_and_ellipsis_lines():
    body = [" ".join(_words(6, 10 * i)) for i in range(10)]
    bullets_9 = "\n".join(["the and"] + [f"- {line}" for line in body[:9]])
    bullets_10 = "\n".join(f"• the and {line}" for line in body)
    assert reasons(quality(), [bullets_9, bullets_10]) == [None, "gopher_too_many_bullets"]
    ends_3 = "\n".join(
        ["the and " + line + ("..." if i < 3 else ".") for i, line in enumerate(body)]
    )
    ends_4 = "\n".join(["the and " + line + ("…" if i < 4 else ".") for i, line in enumerate(body)])
    assert reasons(quality(), [ends_3, ends_4]) == [None, "gopher_too_many_end_ellipsis"]


def test_quality_alphabetic_words_ratio():
    numbers = [str(1000 + i) for i in range(13)]
    # 50 alphabetic words + 12 numbers = 0.806 ≥ 0.8; + 13 numbers = 0.794
    assert reasons(quality(), [_doc(*numbers[:12]), _doc(*numbers)]) == [
        None,
        "gopher_below_alpha_threshold",
    ]


def test_quality_stop_words_are_distinct_and_case_sensitive():
    one = " ".join(["the", "the", *_words(48)])
    capital = " ".join(["The", "And", *_words(48)])
    assert reasons(quality(), [one, capital, _doc()]) == [
        "gopher_enough_stop_words",
        "gopher_enough_stop_words",
        None,
    ]


def test_quality_is_language_aware():
    chinese = "我们今天去公园散步，天气很好，阳光明媚。" * 5
    german = " ".join(["der", "die", "das", *_words(60)])
    # Chinese: characters are words (not "too short"); no mean-length or English stop-word rule.
    assert reasons(quality(), [chinese, german], ["zh", "de"]) == [None, None]
    # Without a language the English rules apply, as in DataTrove.
    assert reasons(quality(), [german]) == ["gopher_enough_stop_words"]
    everywhere = quality(stop_words_languages=None)
    assert reasons(everywhere, [german], ["de"]) == ["gopher_enough_stop_words"]


def test_quality_rules_can_be_switched_off():
    assert reasons(quality(min_doc_words=None, min_stop_words=None), ["tiny text"]) == [None]


def repetition(**params):
    return build_stage("gopher_repetition", params)


def test_repetition_datatrove_cases():
    text = " ".join(_words(35))  # 300 characters in all: 4-grams 44/300, 5-grams 51/300
    assert reasons(
        repetition(),
        [
            "I am your father.\n" * 4,
            "I am your father.\n\n" * 4,
            "I am Frank, I am Frank, I am Frank",
            "I am a solo traveller " * 4 + text,
            "",
        ],
    ) == ["dup_line_frac", "dup_para_frac", "top_2_gram", "duplicated_5_n_grams", "empty"]


def test_repetition_line_fraction_boundary():
    unique = [" ".join(_words(12, 12 * i)) for i in range(7)]
    three_of_ten = "\n".join(unique + ["ok"] * 4)  # 11 lines, 3 repeats: 0.27
    four_of_twelve = "\n".join(unique + ["ok"] * 5)  # 12 lines, 4 repeats: 0.33
    assert reasons(repetition(), [three_of_ten, four_of_twelve]) == [None, "dup_line_frac"]


def test_repetition_signals_are_kept_in_annotate_mode():
    out = repetition(mode="annotate")(docs(["I am your father.\n" * 4]))
    assert out["drop_reason"].to_pylist() == [None]
    assert out["gopher_dup_line_frac"].to_pylist() == [0.6]  # 3 repeats of 5 lines ('' last)
    assert out["gopher_top_2_gram"].to_pylist()[0] > 0.2
