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


def _alpha_signals(text: str) -> tuple[float, int, str | None]:
    out = quality(min_doc_words=None)(docs([text]))
    row = out.select(["gopher_alpha_words_ratio", "gopher_words", "drop_reason"]).to_pylist()[0]
    return row["gopher_alpha_words_ratio"], row["gopher_words"], row["drop_reason"]


def test_quality_alpha_ratio_counts_punctuation_tokens_as_words():
    # As DataTrove (and Gopher's "80% of words contain an alphabetic character"): the denominator
    # is every token, punctuation included. 18 tokens, as spaCy's English tokenizer gives them:
    #   София ( 1944–1945 г . ) – столица на България , т . е . главен град .
    # 9 have a letter (София г столица на България т е главен град) → 9 / 18 = 0.5 < 0.8.
    # Left out of the denominator, the 8 punctuation tokens would give 9 / 10 = 0.9 (a pass);
    # gopher_words counts those 10 (the length rules use them, the alpha rule does not).
    text = "София (1944–1945 г.) – столица на България, т. е. главен град."
    assert _alpha_signals(text) == (0.5, 10, "gopher_below_alpha_threshold")


def test_quality_alpha_ratio_token_shapes_match_datatrove():
    # spaCy (DataTrove 0.10.1, English) on this text, 17 tokens, 9 with a letter → 9/17:
    #   H. Wells ( 1912 - 1994 ) studied COVID-19 and Mon – Khmer in 1944–1945 г .
    # A period stays after a capital (H.) but not after a Cyrillic lower-case letter (г .); a
    # hyphen splits two numbers but not a letter from a number; an en dash splits before a
    # letter (Mon – Khmer) but not between numbers. (Before: 8/14, from 14 differently cut tokens.)
    text = "H. Wells (1912-1994) studied COVID-19 and Mon–Khmer in 1944–1945 г."
    ratio, _, _ = _alpha_signals(text)
    assert ratio == 9 / 17


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
