"""Every signal of every quality filter, pinned for 22 varied documents (our own golden file).

A change in tokenization or in any rule shows up here as a diff of named values. After an
intended change, regenerate with ``.venv/bin/python -m tests.pipelines.stages.test_golden``
and review the diff of ``data/golden_signals.json`` like code.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from pipelines.core import schema as S
from pipelines.stages import build_stage
from tests.pipelines.stages.helpers import docs

GOLDEN = Path(__file__).parent / "data" / "golden_signals.json"
PROSE = (
    "The committee met on Tuesday to discuss the proposal. After a long debate, the members "
    "agreed that the plan should be revised before it is put to a vote. The chair thanked "
    "everyone for their patience and promised to circulate a new draft within two weeks."
)
DOCUMENTS = {
    "english_prose": "\n\n".join([PROSE] * 1 + [PROSE.replace("Tuesday", "Friday")[::1]]),
    "english_article": "\n".join(
        f"Paragraph {i}: the river rises in the hills and flows to the sea, and towns grew "
        f"along its banks with mills that have stood for {100 + i} years."
        for i in range(12)
    ),
    "bullets": "Shopping list\n" + "\n".join(f"- item number {i} to buy" for i in range(20)),
    "ellipsis_lines": "\n".join(f"Read more about topic {i}..." for i in range(15)),
    "hashtags": " ".join(f"#tag{i} the and with" for i in range(30)),
    "repeated_lines": "Buy now and save!\n" * 10 + PROSE,
    "repeated_paragraphs": (PROSE + "\n\n") * 4,
    "top_ngram_spam": "cheap flights cheap flights cheap flights to the best places " * 20,
    "numbers_table": "\n".join(f"{i} {i * 3.5:.1f} {i * 7} {i * 11}%" for i in range(40)),
    "code": "function main() {\n  return the_value + other;\n}\n" * 5
    + PROSE
    + "\nWrite the template as {name} and the value follows.",
    "lorem_ipsum": PROSE + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "cookie_banner": PROSE + "\nThis site uses cookies. See our privacy policy for details.",
    "citations": PROSE + "[1] It was widely reported.[citation needed] See also [edit].",
    "short_lines": "\n".join(["Home", "About", "Contact", "Login", "Search"] * 6),
    "german": "Der Ausschuss traf sich am Dienstag, um den Vorschlag zu besprechen. " * 8,
    "russian": "Комитет собрался во вторник, чтобы обсудить предложение и план работы. " * 8,
    "chinese": "委员会周二开会讨论了这项提案。经过长时间的辩论，成员们同意修改计划。" * 6,
    "thai": "คณะกรรมการประชุมกันในวันอังคารเพื่อหารือเกี่ยวกับข้อเสนอ และตกลงที่จะแก้ไขแผน " * 6,
    "japanese": "委員会は火曜日に会合を開き、提案について話し合いました。計画を修正することに同意しました。"
    * 5,
    "empty": "",
    "whitespace": " \n\n \t ",
    "huge": ("The quick brown fox jumps over the lazy dog near the river bank. " * 9000),
}
FILTERS = ["langid", "gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality"]


def compute() -> dict[str, dict]:
    """Each filter in annotate mode on the original texts: signals and the reason it would give."""
    batch = docs(list(DOCUMENTS.values()))
    out: dict[str, dict] = {name: {} for name in DOCUMENTS}
    for filter_name in FILTERS:
        stage = build_stage(filter_name, {"mode": "annotate"})
        signals, reasons = stage.evaluate(batch)
        for column, values in signals.items():
            if column.startswith("_"):
                continue
            for name, value in zip(DOCUMENTS, values.to_pylist()):
                out[name][column] = value
        for name, reason in zip(DOCUMENTS, reasons.to_pylist()):
            out[name][f"{filter_name}:reason"] = reason
    return out


def _same(expected, actual) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        return math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-9) or (
            math.isnan(expected) and math.isnan(actual)
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_same, expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _same(expected[k], actual[k]) for k in expected
        )
    return expected == actual


def test_every_signal_matches_the_golden_file():
    actual = json.loads(json.dumps(compute()))  # the same float/None round trip as the file
    expected = json.loads(GOLDEN.read_text())
    assert expected.keys() == actual.keys()
    diffs = [
        f"{doc}.{key}: expected {expected[doc].get(key)!r}, got {actual[doc].get(key)!r}"
        for doc in expected
        for key in sorted(set(expected[doc]) | set(actual[doc]))
        if not _same(expected[doc].get(key), actual[doc].get(key))
    ]
    assert not diffs, "\n".join(diffs)


def test_golden_documents_get_the_verdicts_a_reader_expects():
    golden = json.loads(GOLDEN.read_text())
    assert golden["english_article"]["gopher_quality:reason"] is None
    assert golden["huge"]["gopher_quality:reason"] == "gopher_long_doc"
    assert golden["empty"]["gopher_repetition:reason"] == "empty"
    assert golden["whitespace"]["fineweb_quality:reason"] == "empty"
    assert golden["lorem_ipsum"]["c4_quality:reason"] == "lorem_ipsum"
    assert golden["code"]["c4_quality:reason"] == "curly_bracket"
    assert golden["bullets"]["gopher_quality:reason"] == "gopher_too_many_bullets"
    assert golden["repeated_lines"]["gopher_repetition:reason"] == "dup_line_frac"
    assert golden["chinese"]["gopher_words"] > 50  # characters count as words
    assert golden["thai"]["gopher_words"] > 50
    languages = {
        n: golden[n][S.LANGUAGE] for n in ("german", "russian", "chinese", "thai", "japanese")
    }
    assert languages == {
        "german": "de",
        "russian": "ru",
        "chinese": "zh",
        "thai": "th",
        "japanese": "ja",
    }


def write_golden() -> None:
    """Regenerate the golden file after an intended change; review its diff like code."""
    text = json.dumps(compute(), indent=1, ensure_ascii=False, sort_keys=True)
    GOLDEN.write_text(text + "\n")


if __name__ == "__main__":
    write_golden()
