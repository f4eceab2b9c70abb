"""Reader notes reach the manifest: a Wikipedia dump without <siteinfo> names the defaults used."""

from __future__ import annotations

import bz2
import json
import re

from pipelines.job.curate import curate
from pipelines.job.recipe import load_recipe
from pipelines.output.manifest import input_marker
from tests.conftest import LTGWIKI


def part(end: dict | None) -> dict:
    return {"end": end, "reasons": [], "kept": 1, "rejected": 0, "errors": 0, "files": []}


def test_input_marker_merges_notes_over_read_ranges():
    end = {"records": 1, "error": None, "skipped": {}}
    parts = [part(end | {"notes": {"a": 1}}), part(None), part(end | {"notes": {"b": [2]}})]
    assert input_marker("in.jsonl", "jsonl", parts)["notes"] == {"a": 1, "b": [2]}
    assert "notes" not in input_marker("in.jsonl", "jsonl", [part(end), part(end)])


def test_manifest_names_siteinfo_defaults(ray_local, tmp_path):
    xml = LTGWIKI.read_text(encoding="utf-8")
    xml = re.sub(r"\s*<siteinfo>.*?</siteinfo>", "", xml, count=1, flags=re.S)
    head = xml[: [m.end() for m in re.finditer("</page>", xml)][99]]  # the first 100 pages
    path = tmp_path / "ltgwiki-latest-pages-articles.xml.bz2"
    path.write_bytes(bz2.compress(f"{head}\n</mediawiki>\n".encode()))
    out = tmp_path / "out"
    curate([str(path)], str(out), load_recipe("ingest"), quiet=True)
    (entry,) = json.loads((out / "_manifest.json").read_text())["inputs"]
    assert entry["status"] == "ok" and entry["kept"] > 50
    assert entry["notes"] == {
        "siteinfo": {
            "status": "missing",
            "dbname": "ltgwiki",
            "url_prefix": "https://ltg.wikipedia.org/wiki/",
            "namespaces": "<ns> of each page, else English namespace title prefixes",
            "derived_from": "file name",
        }
    }
