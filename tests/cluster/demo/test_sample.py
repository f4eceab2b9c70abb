"""Tests for the synthetic demo crawl: determinism, WARC validity, stats and legacy charsets."""

from __future__ import annotations

import hashlib
import re
import time
import zlib
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from cluster.demo import SampleStats, write_sample_crawl
from cluster.demo.content import split_sentences
from cluster.demo.sample import LEGACY
from cluster.demo.texts import PARAGRAPHS
from cluster.demo.ui import SITES, UI

EMAIL = re.compile(r"\b[a-z]+\.[a-z]+@example\.(?:org|com|net)\b")
PHONE = re.compile(r"\+\d{1,3}[\d ()-]{6,}\d|\(555\) 010-\d{4}")
IPV4 = re.compile(r"\b(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}\b")
CARD = re.compile(r"\b(?:\d{4} ){3}\d{4}\b")
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')
RECORD_ID = re.compile(
    r"^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$"
)
NEAR_THRESHOLD = 0.7  # word 5-gram Jaccard of the article text (character 5-grams for zh/ja)


@dataclass(frozen=True)
class Response:
    url: str
    content_type: str
    charset: str | None
    body: bytes

    @property
    def html(self) -> str:
        return self.body.decode(self.charset or "utf-8")


def _parse(path: Path) -> list[tuple[str, dict[str, str], bytes, str | None]]:
    """(WARC-Type, WARC headers, payload, HTTP Content-Type) per record, digests verified."""
    out = []
    with path.open("rb") as f:
        for record in ArchiveIterator(f, check_digests="raise"):
            headers = dict(record.rec_headers.headers)
            http_type = (
                record.http_headers.get_header("Content-Type") if record.http_headers else None
            )
            out.append((record.rec_type, headers, record.content_stream().read(), http_type))
    return out


def _responses(records: list) -> list[Response]:
    out = []
    for kind, headers, payload, http_type in records:
        if kind == "response":
            match = re.search(r"charset=([\w-]+)", http_type)
            charset = match.group(1).lower() if match else None
            out.append(Response(headers["WARC-Target-URI"], http_type, charset, payload))
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleStats]:
    path = tmp_path_factory.mktemp("demo") / "sample.warc.gz"
    return path, write_sample_crawl(path)


@pytest.fixture(scope="module")
def records(sample: tuple[Path, SampleStats]) -> list:
    return _parse(sample[0])


@pytest.fixture(scope="module")
def responses(records: list) -> list[Response]:
    return _responses(records)


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = write_sample_crawl(tmp_path / "a.warc.gz", seed=7)
    second = write_sample_crawl(tmp_path / "b.warc.gz", seed=7)
    write_sample_crawl(tmp_path / "c.warc.gz", seed=8)
    a, b, c = (tmp_path / name for name in ("a.warc.gz", "b.warc.gz", "c.warc.gz"))
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert first == second


def test_generation_is_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    write_sample_crawl(tmp_path / "fast.warc.gz")
    assert time.perf_counter() - start < 2.0  # about 0.2 s on a laptop; slack for slow CI


def test_default_sample_is_small(sample: tuple[Path, SampleStats]) -> None:
    assert sample[0].stat().st_size < 2_000_000


def test_every_record_is_its_own_gzip_member(sample: tuple[Path, SampleStats]) -> None:
    data, members = sample[0].read_bytes(), []
    while data:
        inflater = zlib.decompressobj(wbits=31)
        members.append(inflater.decompress(data))
        assert inflater.eof
        data = inflater.unused_data
    assert len(members) == 1 + 2 * sample[1].pages
    for member in members:
        head, _, rest = member.partition(b"\r\n\r\n")
        assert head.startswith(b"WARC/1.1\r\n")
        length = int(re.search(rb"\r\nContent-Length: (\d+)", head).group(1))
        assert rest[length:] == b"\r\n\r\n"  # block of exactly Content-Length, then CRLF CRLF


def test_warcio_reads_valid_records(records: list, capsys: pytest.CaptureFixture) -> None:
    kinds = [kind for kind, *_ in records]
    assert kinds == ["warcinfo"] + ["request", "response"] * ((len(records) - 1) // 2)
    assert "WARNING" not in capsys.readouterr().err  # warcio warns on bad Content-Length
    info_id = records[0][1]["WARC-Record-ID"]
    ids = [headers["WARC-Record-ID"] for _, headers, *_ in records]
    assert len(set(ids)) == len(ids) and all(RECORD_ID.match(i) for i in ids)
    for _, headers, *_ in records:
        assert re.fullmatch(r"2024-\d\d-\d\dT\d\d:\d\d:\d\dZ", headers["WARC-Date"])
    for request, response in zip(records[1::2], records[2::2], strict=True):
        assert request[1]["Content-Type"] == "application/http; msgtype=request"
        assert response[1]["Content-Type"] == "application/http; msgtype=response"
        assert request[1]["WARC-Target-URI"] == response[1]["WARC-Target-URI"]
        assert response[1]["WARC-Concurrent-To"] == request[1]["WARC-Record-ID"]
        assert response[1]["WARC-Warcinfo-ID"] == info_id
    urls = [headers["WARC-Target-URI"] for kind, headers, *_ in records if kind == "response"]
    assert len(set(urls)) == len(urls)


def test_stats_match_parsed_records(sample: tuple[Path, SampleStats], responses: list) -> None:
    stats = sample[1]
    html = [r for r in responses if r.content_type.startswith("text/html")]
    assert stats.pages == len(responses) == 240
    assert (stats.html_pages, stats.non_html) == (len(html), len(responses) - len(html))
    digests = [hashlib.sha256(r.body).digest() for r in responses]
    assert stats.exact_duplicates == len(digests) - len(set(digests))
    languages: dict[str, int] = {}
    for r in html:
        lang = HTML_LANG.search(r.html).group(1)
        languages[lang] = languages.get(lang, 0) + 1
    assert stats.languages == languages
    assert stats.junk_pages == sum("<article" not in r.html for r in html)
    assert stats.pii_pages == sum(bool(EMAIL.search(r.html)) for r in html)
    assert stats.near_duplicates == _count_near_duplicates(html)


def test_sample_mix_is_roughly_as_documented(sample: tuple[Path, SampleStats]) -> None:
    stats = sample[1]
    assert 2 <= stats.non_html <= 4
    for count, share in ((stats.exact_duplicates, 0.08), (stats.near_duplicates, 0.08)):
        assert abs(count - share * stats.pages) <= 2
    assert abs(stats.pii_pages - 0.08 * stats.pages) <= 2
    assert abs(stats.junk_pages - 0.10 * stats.pages) <= 2
    assert set(stats.languages) >= {"en", "de", "fr", "es", "nl", "ru", "zh"}
    assert max(stats.languages, key=stats.languages.get) == "en"


def _article_shingles(r: Response) -> tuple[str, set] | None:
    match = re.search(r"<article\b.*?</article>", r.html, re.S)
    if not match:
        return None
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())
    lang = HTML_LANG.search(r.html).group(1)
    if lang in ("zh", "ja"):
        chars = text.replace(" ", "")
        return lang, {chars[i : i + 5] for i in range(len(chars) - 4)}
    words = text.lower().split()
    return lang, {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def _count_near_duplicates(html: list[Response]) -> int:
    """Pages (distinct bytes) whose article is >= NEAR_THRESHOLD similar to an earlier one."""
    seen: set[bytes] = set()
    earlier: list[tuple[str, set]] = []
    near = 0
    for r in html:
        if r.body in seen or (doc := _article_shingles(r)) is None:
            continue
        seen.add(r.body)
        lang, shingles = doc
        if any(
            other_lang == lang and len(shingles & other) / len(shingles | other) >= NEAR_THRESHOLD
            for other_lang, other in earlier
        ):
            near += 1
        earlier.append(doc)
    return near


def test_legacy_charsets_are_real_encodings(responses: list[Response]) -> None:
    expected = {"de": r"[äöüßÄÖÜ]", "ru": r"[А-Яа-яЁё]", "zh": r"[\u4e00-\u9fff]"}
    legacy = [r for r in responses if r.charset and r.charset != "utf-8"]
    assert {r.charset for r in legacy} == {charset for _, charset in LEGACY}
    for r in legacy:
        text = r.body.decode(r.charset)  # strict: every byte valid in the declared charset
        with pytest.raises(UnicodeDecodeError):
            r.body.decode("utf-8")
        meta = re.search(r'<meta (?:charset="|http-equiv[^>]*charset=)([\w-]+)', text)
        assert meta.group(1).lower() == r.charset
        lang = HTML_LANG.search(text).group(1)
        assert (lang, r.charset) in LEGACY
        assert len(re.findall(expected[lang], text)) > 20


def test_pii_pages_carry_each_kind_of_synthetic_pii(responses: list[Response]) -> None:
    html = [r.html for r in responses if r.content_type.startswith("text/html")]
    with_pii = [page for page in html if EMAIL.search(page)]
    assert with_pii and all(PHONE.search(page) for page in with_pii)
    assert any(IPV4.search(page) for page in with_pii)
    cards = [card for page in with_pii for card in CARD.findall(page)]
    assert cards and all(_luhn_ok(card) for card in cards)
    assert any("+44 20 7946" in page or "+49 30" in page for page in html)
    clean = [page for page in html if not EMAIL.search(page)]
    assert not any(IPV4.search(page) or CARD.search(page) for page in clean)


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def test_non_html_responses_are_png_and_pdf(responses: list[Response]) -> None:
    binary = [r for r in responses if not r.content_type.startswith("text/html")]
    assert {r.content_type for r in binary} == {"image/png", "application/pdf"}
    for r in binary:
        magic = b"\x89PNG\r\n\x1a\n" if r.content_type == "image/png" else b"%PDF-"
        assert r.body.startswith(magic)


@pytest.mark.parametrize("pages", [0, 1, 3, 7, 25, 60])
def test_small_samples_are_valid(tmp_path: Path, pages: int) -> None:
    path = tmp_path / "small.warc.gz"
    stats = write_sample_crawl(path, pages=pages, seed=pages)
    responses = _responses(_parse(path))
    assert stats.pages == len(responses) == pages
    assert stats.html_pages + stats.non_html == pages
    assert sum(stats.languages.values()) == stats.html_pages


def test_negative_page_count_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_sample_crawl(tmp_path / "x.warc.gz", pages=-1)


def test_texts_are_complete_and_encodable() -> None:
    assert set(PARAGRAPHS) >= {"en", "de", "fr", "es", "nl", "ru", "zh", "ja", "pt"}
    assert set(PARAGRAPHS) == set(UI) == set(SITES)
    for lang, paragraphs in PARAGRAPHS.items():
        assert len(paragraphs) >= (5 if lang in ("ja", "pt") else 7)
        for _, text in paragraphs:
            size = len(text) if lang in ("zh", "ja") else len(text.split())
            assert (120 <= size <= 250) if lang in ("zh", "ja") else (60 <= size <= 150)
            sentences = split_sentences(text, lang)
            assert len(sentences) >= 5
            assert "".join(sentences).replace(" ", "") == text.replace(" ", "")
    for lang, charset in LEGACY:
        strings = [s for pair in PARAGRAPHS[lang] for s in pair]
        strings += [str(value) for value in vars(UI[lang]).values()]
        strings += [site.name for site in SITES[lang]]
        for string in strings:
            string.encode(charset)  # raises if a legacy page could not carry this text


def test_fastwarc_reads_the_sample(sample: tuple[Path, SampleStats]) -> None:
    warc = pytest.importorskip("fastwarc.warc")
    charsets = []
    with sample[0].open("rb") as f:
        for record in warc.ArchiveIterator(
            f, parse_http=True, record_types=warc.WarcRecordType.response
        ):
            assert record.http_headers.status_code == 200
            assert len(record.reader.read()) == int(record.http_headers.get("Content-Length"))
            charsets.append((record.http_charset or "").lower())
    assert len(charsets) == sample[1].pages
    assert {"iso-8859-1", "windows-1251", "gbk", "gb2312"} <= set(charsets)
