"""WAT inputs (metadata without page text) are refused before any work, naming what to pass."""

from __future__ import annotations

import gzip
import os

import pytest

from cluster.cli import main
from pipelines.core.errors import InputError
from pipelines.inputs import ReadConfig
from pipelines.inputs.sources import resolve_inputs
from tests.conftest import CC_WET, WARC_DIR

WAT = WARC_DIR / "CC-MAIN-2024-22_whirlwind.warc.wat.gz"


@pytest.mark.parametrize(
    ("arg", "instead"),
    [(WAT, CC_WET), (WARC_DIR / "*.wat.gz", WARC_DIR / "*.wet.gz")],  # CC_WET: same capture
)
def test_wat_file_is_refused_with_the_wet_to_pass_instead(arg, instead):
    with pytest.raises(InputError, match="is a WAT file: .* no page text") as info:
        resolve_inputs([str(arg)], ReadConfig())
    assert f"likely {instead})" in str(info.value)


def test_common_crawl_wat_url_and_listing_are_refused_before_any_fetch(tmp_path):
    url = (
        "https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-22/segments/1715971057216.39/"
        "wat/CC-MAIN-20240517233122-20240518023122-00000.warc.wat.gz"
    )
    with pytest.raises(InputError, match="is a WAT file") as info:
        resolve_inputs([url], ReadConfig())
    assert "/wet/CC-MAIN-20240517233122-20240518023122-00000.warc.wet.gz" in str(info.value)
    listing = tmp_path / "wat.paths.gz"
    listing.write_bytes(gzip.compress(url.removeprefix("https://data.commoncrawl.org/").encode()))
    with pytest.raises(InputError, match="lists WAT files.*wet.paths.gz"):
        resolve_inputs([str(listing)], ReadConfig())


def test_curate_stops_before_work_on_a_wat_input(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["curate", "--input", str(WAT), "--recipe", "ingest", "--output", str(out)])
    assert code == 2 and not os.path.exists(out)
    assert "is a WAT file" in capsys.readouterr().err
