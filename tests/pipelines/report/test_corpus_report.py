"""The corpus report: written by curate, rebuilt by `forage report`, charts drawn in a real
browser, document text escaped (a planted <script> must not run)."""

from __future__ import annotations

import json
import re

import pytest

from cluster.cli import main
from cluster.demo.texts import PARAGRAPHS
from tests.browser import render

PLANT = "<script>document.title='pwned';window.__pwned=1</script>"


@pytest.fixture(scope="module")
def corpus(ray_local, tmp_path_factory):
    """Three good English documents with a planted script mid-sentence (kept), one short one
    (rejected), an email for the PII chart."""
    root = tmp_path_factory.mktemp("report")
    texts = [p for _, p in PARAGRAPHS["en"]]
    docs = []
    for i in range(3):
        body = "\n\n".join(texts[i * 3 : i * 3 + 3])
        docs.append(
            f"{body}\n\nThe old page said {PLANT} and write to ann.lee{i}@example.org today."
        )
    docs.append(f"Too short {PLANT}.")
    src = root / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(docs))
    )
    out = root / "corpus"
    assert main(["curate", "--input", str(src), "--output", str(out), "--quiet"]) == 0
    return out


def test_curate_writes_a_self_contained_report(corpus):
    html = (corpus / "report.html").read_text()
    assert html.count('<figure class="chart"') >= 4
    for heading in (
        "Funnel",
        "Languages",
        "Quality signals",
        "PII replacements",
        "Sample documents",
    ):
        assert f"<h2>{heading}" in html
    assert not re.search(r"""(src|href)=["']?https?:""", html)  # nothing fetched from a network
    assert PLANT not in html and "&lt;script&gt;document.title=" in html
    manifest = json.loads((corpus / "_manifest.json").read_text())
    reasons = [r for stage in manifest["stages"] for r in stage["reasons"]]
    assert reasons and all(f": {r}" in html for r in reasons)  # a sample per drop reason


def test_report_command_rebuilds_it_from_manifest_and_shards(corpus, capsys):
    (corpus / "report.html").unlink()
    assert main(["report", str(corpus)]) == 0
    assert (corpus / "report.html").is_file()
    assert f"file://{corpus.resolve()}/report.html" in capsys.readouterr().out


def test_thresholds_are_drawn_on_signals(corpus):
    from pipelines.report.corpus import load_manifest
    from pipelines.report.thresholds import thresholds_for

    stages = load_manifest(corpus)["stages"]
    assert ("min 50", 50.0) in thresholds_for("gopher_words", stages)
    assert [v for _, v in thresholds_for("gopher_top_2_gram", stages)] == [0.2]


def test_charts_render_in_chromium_and_the_planted_script_does_not_run(corpus, tmp_path):
    probe = render(corpus / "report.html", tmp_path)
    assert probe["charts"] >= 4 and probe["drawn"] == probe["charts"]
    assert probe["ran"] is False


def test_report_of_a_directory_that_is_no_corpus_or_run_is_an_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a pretrain, fine-tune or tune run" in capsys.readouterr().err
