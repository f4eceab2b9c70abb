"""Tests for pipelines.inputs.wikitext.render_wikitext."""

from __future__ import annotations

import bz2
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO

import pytest

from pipelines.inputs import wikitext
from pipelines.inputs.wikitext import render_wikitext
from tests.conftest import ENWIKI, LTGWIKI

CASES = [
    # templates, incl. nested and multi-line infoboxes
    ("Paris{{citation needed|date=May 2020}} is big.", "Paris is big."),
    ("{{Infobox city\n| name = {{lang|fr|Paris}}\n| pop = {{formatnum:2}}\n}}\nParis is big.",
     "Paris is big."),
    ("{{Navbox|list1=[[A]] [[B]]}}\nText.", "Text."),
    # refs, with and without content
    ('A<ref>Smith, {{cite book|title=X}}</ref> b<ref name="x" /> c<ref name=y/>.', "A b c."),
    # tables, nested, and wiki tables closed by HTML
    ('Before.\n{| class="wikitable"\n|-\n! H\n|-\n| cell [[Link]]\n|}\nAfter.',
     "Before.\n\nAfter."),
    ("Before.\n{|\n|\n{|\n| inner\n|}\n|}\nAfter.", "Before.\n\nAfter."),
    ("Before.\n<table><tr><td>x</td></tr></table>\nAfter.", "Before.\n\nAfter."),
    ("{| a\n| x\n</table>\nAfter.", "After."),
    # media links in any case and localized, with nested links in captions
    ("[[File:Eiffel.jpg|thumb|The [[Eiffel Tower]] at [[night|Night]]]]\nText.", "Text."),
    ("[[image:x.png|left]] [[Datei:x.png|mini|B]] [[Fichier:y.jpg]] [[Bild:z.jpg]] "
     "[[Media:a.ogg]] Text.", "Text."),
    ("[[File:x.jpg|thumb|see [http://x.org site]]] Text.", "Text."),
    # category and interlanguage links
    ("Text.\n[[Category:Cities]]\n[[Kategorie:Stadt]]\n[[Catégorie:Ville]]", "Text."),
    ("Text.\n[[de:Paris]]\n[[zh-yue:巴黎]]\n[[be-x-old:Парыж]]", "Text."),
    ("[[:Category:Cities|city list]], [[:fr:Paris|French Paris]] and [[Ys: The Oath]].",
     "city list, French Paris and Ys: The Oath."),
    # comments, gallery, math, score, timeline, magic words
    ("A<!-- hidden [[x]] -->B", "AB"),
    ("Text.\n<gallery>\nFile:a.jpg|Cap\n</gallery>\nMore.", "Text.\n\nMore."),
    ("Area <math>\\pi r^2</math> here.", "Area here."),
    ("Tune <score>\\relative c' { c }</score> end. <timeline>Size = x</timeline>Done.",
     "Tune end. Done."),
    ("__NOTOC__\nText.\n__FORCETOC__ __NOEDITSECTION__", "Text."),
    # links keep their displayed text
    ("[[Paris|the capital]], [[Paris]], [[Paris (France)|]] and [[bus]]es.",
     "the capital, Paris, Paris and buses."),
    ("See [http://example.com the site] and [http://example.com] and http://example.org too.",
     "See the site and and too."),
    ("[[wikt:word|a word]]", "a word"),
    # bold/italic, headings, lists, line breaks, inline HTML, entities
    ("'''Bold''' and ''italic'' and '''''both'''''.", "Bold and italic and both."),
    ("Intro.\n\n== History ==\nOld.\n=== Early ===\nOlder.",
     "Intro.\n\nHistory\nOld.\n\nEarly\nOlder."),
    ("Intro:\n* one\n* two [[x|2]]\n# first\n## nested\n: indent\n; term : def\n\nNext.",
     "Intro:\none\ntwo 2\nfirst\nnested\nindent\nterm\ndef\n\nNext."),
    ("a<br>b<br/>c<br />d", "a\nb\nc\nd"),
    ('<small>s</small> <span style="x">p</span> x<sup>2</sup> <div>d</div>', "s p x2\nd"),
    ("A&nbsp;B &amp; C &lt;D&gt; &#8212; &mdash;", "A B & C <D> — —"),
    # back-matter sections are dropped up to the next same-or-higher heading
    ("Intro.\n== See also ==\n* [[X]]\n== History ==\nH.\n== References ==\n{{reflist}}\n"
     "=== Sub ===\nS.\n== External links ==\n* [http://x y]", "Intro.\n\nHistory\nH."),
    ("Intro.\n== Notes ==\nn\n== Further reading ==\nf\n== Bibliography ==\nb\n== SOURCES ==\ns",
     "Intro."),
    ("Intro.\n== Einzelnachweise ==\nx\n== Weblinks ==\nw\n== Literatur ==\nl", "Intro."),
    ("Intro.\n== Références ==\nx\n== Liens externes ==\ny\n== Voir aussi ==\nz", "Intro."),
    ("Intro.\n=== Notes ===\nn\n== Later ==\nKept.", "Intro.\n\nLater\nKept."),
    # whitespace and debris lines
    ("Text {{cn}}.\n\n\n\n\nMore   text.   \n({{lang|grc|x}})\n  ,  ", "Text.\n\nMore text."),
    ("Foo ({{IPAc-en|x}}; born 1950) and bar ({{lang|de|Y}}) end.", "Foo (born 1950) and bar end."),
    ("#REDIRECT [[Paris]]", ""),
    ("", ""),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_render_rules(source: str, expected: str) -> None:
    assert render_wikitext(source) == expected


MALFORMED = [
    "{{foo",
    "}} x",
    "[[File:x|cap",
    "a <ref>unclosed",
    "{|\n|a",
    "'''",
    "<div><span>",
    "[[[[",
    "{{{{{{",
    "<!-- x",
    "&#99999999;",
    "[http://",
    "== x",
    "\x00\x1f",
    "{{" * 5000 + "x",
    "<span>" * 3000 + "x" + "</span>" * 3000,
    "[[a|" * 3000 + "]]" * 3000,
]


@pytest.mark.parametrize("source", MALFORMED)
def test_malformed_input_does_not_raise(source: str) -> None:
    assert isinstance(render_wikitext(source), str)


def test_unclosed_template_is_not_shown_as_markup() -> None:
    assert render_wikitext("Text {{cite web|url=x") == "Text cite web|url=x"
    assert "{{" not in render_wikitext("A {{b|{{c}} d")


@pytest.mark.parametrize("unit", ["{{a|", "<span a='", "[[a|b ", "<ref "])
def test_many_unclosed_constructs_stay_fast(unit: str) -> None:
    # The parser is quadratic here (~14 s for 4,000 "{{a|"); the guard must
    # route such pages to the regex fallback.
    start = time.perf_counter()
    render_wikitext(unit * 4000)
    assert time.perf_counter() - start < 2.0


def test_parser_failure_falls_back_to_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_parse(text: str) -> None:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(wikitext.mwparserfromhell, "parse", broken_parse)
    source = (
        "{{Infobox|a={{b}}}}\n== History ==\n'''Paris''' is [[France|French]]<ref>x</ref>.\n"
        "[[File:x.jpg|thumb|cap [[y]]]]\n* [http://x.org a site]<br/>end &amp; more"
    )
    # The emptied File: line leaves a paragraph break, as a blank line would.
    assert render_wikitext(source) == "History\nParis is French.\n\na site\nend & more"


def _pages(source: str | IO[bytes]) -> Iterator[tuple[str, str, bool, str]]:
    """Yield (title, ns, is_redirect, wikitext) per <page>, in constant memory."""
    title = ns = text = ""
    redirect = False
    for _, elem in ET.iterparse(source, events=("end",)):
        tag = elem.tag.rsplit("}", 1)[-1]
        if tag == "title":
            title = elem.text or ""
        elif tag == "ns":
            ns = elem.text or ""
        elif tag == "redirect":
            redirect = True
        elif tag == "text":
            text = elem.text or ""
        elif tag == "page":
            yield title, ns, redirect, text
            title, ns, text, redirect = "", "", "", False
            elem.clear()


def _articles(source: str | IO[bytes]) -> Iterator[tuple[str, str]]:
    for title, ns, redirect, text in _pages(source):
        if ns == "0" and not redirect:
            yield title, text


def test_enwiki_article_renders_clean_prose() -> None:
    with bz2.open(ENWIKI) as dump:
        articles = _articles(dump)
        title, source = next(articles)
        for name, text in articles:
            if name == "Anarchism":
                title, source = name, text
                break
    rendered = render_wikitext(source)
    for marker in ("{{", "}}", "[[", "]]", "<ref", "{|", "|}", "Category:", "File:"):
        assert marker not in rendered, f"{title}: {marker!r} left in output"
    assert len(rendered) > 5000
    assert not re.search(r"\n{3,}|[ \t]\n", rendered)
    # Normal sentences: most paragraphs end in sentence punctuation.
    paragraphs = [p for p in rendered.split("\n\n") if len(p) > 200]
    assert len(paragraphs) > 10
    assert sum(p.rstrip().endswith((".", '"', ")")) for p in paragraphs) > 0.8 * len(paragraphs)
    if title == "Anarchism":
        assert rendered.startswith(
            "Anarchism is a political philosophy that advocates self-governed"
        )


def test_ltgwiki_every_article_renders() -> None:
    rendered = [render_wikitext(text) for _, text in _articles(str(LTGWIKI))]
    assert len(rendered) > 800
    empty = sum(not text for text in rendered)
    assert empty <= 0.05 * len(rendered)
    assert not any("[[Kategoreja:" in text or "[[Fails:" in text for text in rendered)
