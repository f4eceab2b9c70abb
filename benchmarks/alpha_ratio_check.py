"""Gopher alpha-word ratio: Forage's words against DataTrove's on the same texts (issue 12).

The rule (Rae et al. 2021, A.1.1): "80% of words in a document contain at least one alphabetic
character". DataTrove 0.10.1's ``GopherQualityFilter`` divides the words with a letter by ALL
tokens of ``split_into_words(text, language)`` (spaCy's blank tokenizer, English unless the
filter is built with another language), punctuation tokens included; only the word-count and
mean-length rules use the non-symbol words. Forage's ``gopher_alpha_words_ratio`` is meant to
be the same number. This script measures that, per document, on the Wikipedia articles and WARC
pages of ../shared/data (the text our readers give, handed unchanged to both sides) and on
hand-written Bulgarian and Russian texts heavy in punctuation. Expected gaps: pages in scripts
without spaces (we cut Han into characters, spaCy's English tokenizer does not) and a few token
shapes the regex splitter does not copy (docs/curation.md, "Alpha-word ratio and punctuation").

Each side also reports the ratio with punctuation-only tokens left out of the denominator (what
the rule would give if punctuation were not counted as words), to show what that choice costs.
DataTrove runs in its own venv (``make .venv-datatrove/.installed``; never in .venv): this file
re-runs itself there with ``--datatrove-side``, importing nothing from Forage on that side.

    .venv/bin/python benchmarks/alpha_ratio_check.py [--examples 8] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
DATATROVE_PYTHON = HERE.parent / ".venv-datatrove" / "bin" / "python"
THRESHOLD = 0.8  # Gopher's min_alpha_words_ratio (DataTrove: max_non_alpha_words_ratio)

# Hand-written, dense in what an encyclopedia article has: dashes, «» and „“ quotes, brackets,
# year ranges, single-letter abbreviations (г., в., т. е.), numbers with spaces and commas.
HANDWRITTEN = {
    "bg_sofia": ("bg", "София (на старобългарски: Срѣдьць) е столицата и най-големият град на "
        "България – с население 1 248 452 души (2021 г.) и площ 492 км². През 1944–1945 г. "
        "градът е бомбардиран; катедралата „Св. Александър Невски“ (1882–1912 г.) оцелява. "
        "Вж. също: Витоша (2290 м), р. Искър, кв. „Лозенец“ и др."),
    "bg_history": ("bg", "Първата българска държава (681–1018 г.) – т. е. от хан Аспарух до "
        "падането под византийска власт – обхваща ок. 337 г.; столици: Плиска (681–893), "
        "Преслав (893–972) и Охрид (до 1018 г.). Вж. „История на България“, т. 2, с. 45–67 "
        "(София, 1981); ISBN 954-8500-00-0. Бел.: данните са по изд. от 1999 г."),
    "bg_list": ("bg", "Литература:\n1. Иванов, И. „Българите“. – София : Просвета, 1990. – 256 с."
        "\n2. Петров, П. (ред.). История (т. 1–3). – Пловдив, 2001–2003.\n3. Златарски, В. Н. "
        "„История на българската държава през средните векове“ (т. I, ч. 1; 1918 г.)."),
    "ru_moscow": ("ru", "Москва́ — столица России, город федерального значения (с 1147 г.); "
        "население — 13 149 803 чел. (2024 г.), площадь — 2561,5 км². В 1941–1945 гг. «город-"
        "герой» (указ от 8 мая 1965 г.) выдержал оборону; см. также: Кремль, Красная пл. и т. д."),
    "ru_dialogue": ("ru", "— Здравствуйте! — сказал он. — Вы из Петербурга?\n— Да, — ответила "
        "она, — из С.-Петербурга (с 1991 г.; до того — Ленинград).\n— А «Эрмитаж» (т. е. "
        "музей) видели?\n— Конечно… раза три-четыре: в 2019, 2021 и 2023 гг."),
    "ru_science": ("ru", "Скорость света c ≈ 299 792 458 м/с (точно, по определению 1983 г.); "
        "КПД — 12,5 % (±0,3 %), см. табл. 2 и рис. 3(а–в). Формула E = mc² (Эйнштейн, 1905) — "
        "«основа» теории; [1, с. 17–19], [2; 3]."),
}  # fmt: skip


def collect_texts() -> list[dict]:
    """Rows {source, name, language, text}: articles per dump (enwiki, ltgwiki), WARC pages,
    hand-written texts."""
    from pipelines.core import schema as S
    from pipelines.inputs import InputSpec, ReadConfig
    from pipelines.inputs.warc import read_warc
    from pipelines.inputs.wikipedia import read_wikipedia

    rows = []
    inputs = [("wikipedia", p, read_wikipedia) for p in sorted(DATA.glob("wikipedia/*.xml*"))]
    inputs += [("warc", p, read_warc) for p in sorted(DATA.glob("warc/*.warc.gz"))]
    for source, path, read in inputs:
        fmt = "wikipedia" if source == "wikipedia" else "warc"
        for block in read(InputSpec(str(path), fmt), ReadConfig()):
            for row in block.select([S.TEXT, S.TITLE, S.URL, S.ERROR]).to_pylist():
                if row[S.ERROR] is None and (row[S.TEXT] or "").strip():
                    name = row[S.TITLE] or row[S.URL] or ""
                    group = path.name.split("-")[0] if source == "wikipedia" else source
                    rows.append(
                        {"source": group, "name": name, "language": None, "text": row[S.TEXT]}
                    )
    for name, (language, text) in HANDWRITTEN.items():
        rows.append({"source": "handwritten", "name": name, "language": language, "text": text})
    return rows


def _key(token: str) -> str:
    """A token with every non-alphanumeric character as '·' (Forage's \\x01 stand-ins too)."""
    return "".join(c if c.isalnum() else "·" for c in token)


def _stats(tokens: list[str]) -> dict:
    """Tokens, those with a letter, those of punctuation only, and the ratio with and without."""
    alpha = sum(any(c.isalpha() for c in t) for t in tokens)
    content = sum(any(c.isalnum() for c in t) for t in tokens)
    return {
        "tokens": len(tokens),
        "alpha": alpha,
        "punct": len(tokens) - content,
        "ratio": alpha / len(tokens) if tokens else None,
        "ratio_no_punct": alpha / content if content else None,
        "keys": [_key(t) for t in tokens],
    }


def forage_side(rows: list[dict]) -> list[dict]:
    """Forage's signal and verdict (only the alpha rule on), plus token counts from T.words."""
    import pyarrow as pa

    from pipelines.core import schema as S
    from pipelines.stages import build_stage
    from pipelines.stages import text as T
    from pipelines.stages.gopher import GopherQualityConfig

    rules = [f for f in GopherQualityConfig.__dataclass_fields__ if f.startswith(("min_", "max_"))]
    stage = build_stage(
        "gopher_quality", {**dict.fromkeys(rules), "min_alpha_words_ratio": THRESHOLD}
    )
    texts = [r["text"] for r in rows]
    rows_in = [{S.ID: str(i), S.TEXT: text} for i, text in enumerate(texts)]
    out = stage(pa.Table.from_pylist(rows_in, schema=S.DOCUMENT_SCHEMA))
    signals = out["gopher_alpha_words_ratio"].to_pylist()
    reasons = out[S.DROP_REASON].to_pylist()
    return [
        {**_stats(tokens), "signal": signal, "dropped": reason == "gopher_below_alpha_threshold"}
        for tokens, signal, reason in zip(T.words(pa.array(texts)).to_pylist(), signals, reasons)
    ]


def datatrove_side(source: Path, out: Path) -> None:
    """In .venv-datatrove: per row, DataTrove's tokens and its filter's verdict with only the
    alpha rule on, for the filter's default language (English) and the row's own, if given."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import GopherQualityFilter
    from datatrove.utils.text import split_into_words

    off = [
        "min_doc_words",
        "max_doc_words",
        "min_avg_word_length",
        "max_avg_word_length",
        "max_symbol_word_ratio",
        "max_bullet_lines_ratio",
        "max_ellipsis_lines_ratio",
        "min_stop_words",
    ]
    filters: dict[str, GopherQualityFilter] = {}
    results = []
    for line in source.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        result = {}
        for language in ["en"] + ([row["language"]] if row["language"] else []):
            if language not in filters:
                filters[language] = GopherQualityFilter(
                    **dict.fromkeys(off), max_non_alpha_words_ratio=THRESHOLD, language=language
                )
            verdict = filters[language].filter(Document(row["text"], "0"))  # True or (False, why)
            result[language] = {
                **_stats(split_into_words(row["text"], language)),
                "dropped": verdict is not True,
            }
        results.append(result)
    out.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")


def run_datatrove(rows: list[dict], python: Path) -> list[dict]:
    if not python.exists():
        sys.exit(f"{python} does not exist: run `make .venv-datatrove/.installed`")
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "texts.jsonl", Path(tmp) / "datatrove.json"
        with source.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({"text": r["text"], "language": r["language"]}) + "\n")
        command = [str(python), __file__, "--datatrove-side", str(source), str(out)]
        subprocess.run(command, check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def _dropped_without_punct(sides: list[dict]) -> int:
    return sum(s["ratio_no_punct"] is not None and s["ratio_no_punct"] < THRESHOLD for s in sides)


def agreement(pairs: list[tuple[dict, dict]]) -> dict:
    """Verdict agreement at THRESHOLD and the largest ratio gap; what leaving punctuation out of
    the denominator would drop instead; the share of Forage's tokens that are punctuation."""
    ours, theirs = [o for o, _ in pairs], [t for _, t in pairs]
    gaps = [abs(o["ratio"] - t["ratio"]) for o, t in pairs if o["ratio"] is not None]
    return {
        "docs": len(pairs),
        "same_verdict": sum(o["dropped"] == t["dropped"] for o, t in pairs) / max(1, len(pairs)),
        "max_abs_diff": max(gaps, default=0.0),
        "dropped": {
            "forage": sum(o["dropped"] for o in ours),
            "datatrove": sum(t["dropped"] for t in theirs),
        },
        "dropped_without_punct": {
            "forage": _dropped_without_punct(ours),
            "datatrove": _dropped_without_punct(theirs),
        },
        "punct_share": sum(o["punct"] for o in ours) / max(1, sum(o["tokens"] for o in ours)),
    }


def token_diff(ours: dict, theirs: dict, n: int = 6) -> str:
    """Tokens (as _key) one side has more of than the other."""
    mine, other = Counter(ours["keys"]), Counter(theirs["keys"])

    def more(a: Counter, b: Counter) -> str:
        return ", ".join(f"{k!r}×{c}" for k, c in (a - b).most_common(n))

    return f"forage+ [{more(mine, other)}]  datatrove+ [{more(other, mine)}]"


def _fraction(side: dict) -> str:
    return f"{side['alpha']}/{side['tokens']} = {side['ratio']:.4f}"


def print_group(group: str, a: dict, differ: list[tuple[str, dict, dict]]) -> None:
    d, n = a["dropped"], a["dropped_without_punct"]
    print(
        f"{group}: {a['docs']} docs, same verdict {a['same_verdict']:.1%}, max |Δratio| "
        f"{a['max_abs_diff']:.4f}; dropped forage/datatrove {d['forage']}/{d['datatrove']}, "
        f"punctuation left out {n['forage']}/{n['datatrove']}; punctuation is "
        f"{a['punct_share']:.1%} of Forage's tokens"
    )
    for name, o, t in differ:
        print(f"  {name[:60]!r}: forage {_fraction(o)}, datatrove {_fraction(t)}")
        print(f"    {token_diff(o, t)}")


def report(rows: list[dict], ours: list[dict], theirs: list[dict], examples: int) -> dict:
    """Per source (and per DataTrove language for the hand-written texts): agreement, and the
    ``examples`` documents whose ratios differ most."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(r["source"], []).append(i)
        if r["language"]:
            groups.setdefault(f"handwritten, DataTrove language={r['language']}", []).append(i)
    result = {}
    for group, idx in groups.items():
        language = group.rsplit("=", 1)[1] if "=" in group else "en"
        pairs = [(ours[i], theirs[i][language]) for i in idx]
        result[group] = agreement(pairs)
        gap = {
            i: abs(o["ratio"] - t["ratio"])
            for i, (o, t) in zip(idx, pairs)
            if o["ratio"] is not None
        }
        worst = sorted((i for i in gap if gap[i] > 0), key=lambda i: -gap[i])[:examples]
        print_group(
            group, result[group], [(rows[i]["name"], ours[i], theirs[i][language]) for i in worst]
        )
    for r, o, t in zip(rows, ours, theirs):
        if r["source"] == "handwritten":
            dt = "; ".join(f"{language} {_fraction(s)}" for language, s in t.items())
            print(
                f"{r['name']}: forage {_fraction(o)}; datatrove {dt}; "
                f"without punctuation {o['ratio_no_punct']:.4f}"
            )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=8, help="differing docs shown per group")
    parser.add_argument("--datatrove-python", default=str(DATATROVE_PYTHON))
    parser.add_argument("--json", type=Path, help="also write the agreement figures here")
    parser.add_argument("--datatrove-side", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.datatrove_side:
        datatrove_side(*args.datatrove_side)
        return
    rows = collect_texts()
    ours = forage_side(rows)
    if any(o["signal"] not in (o["ratio"], None) for o in ours):
        sys.exit("gopher_alpha_words_ratio differs from the ratio over T.words: the check is stale")
    theirs = run_datatrove(rows, Path(args.datatrove_python))
    result = report(rows, ours, theirs, args.examples)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
