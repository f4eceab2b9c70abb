"""Page construction for the demo crawl: articles, PII, duplicates, junk and binary files."""

from __future__ import annotations

import random
import re
import struct
import zlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlsplit, urlunsplit

from cluster.demo import layout
from cluster.demo.layout import Article, Chrome
from cluster.demo.texts import PARAGRAPHS
from cluster.demo.ui import NAMES, SITES, UI, Site

CJK = ("zh", "ja")
LANG_WEIGHTS = {"en": 40, "de": 12, "fr": 10, "es": 9, "ru": 8, "zh": 8, "nl": 7, "ja": 3, "pt": 3}
JUNK_VARIANTS = ("spam", "nav", "tiny", "symbols", "gibberish")
# Luhn-valid card numbers that payment providers publish for testing.
CARDS = ("4111 1111 1111 1111", "4012 8888 8888 1881", "5555 5555 5555 4444")
IP_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")  # RFC 5737 documentation ranges
EMAIL_DOMAINS = ("example.org", "example.com", "example.net")  # RFC 2606 reserved
HTTP_CHARSET = {"iso-8859-1": "ISO-8859-1", "gbk": "GBK", "utf-8": "utf-8"}


@dataclass(frozen=True)
class Page:
    """One HTTP 200 response of the crawl and the category it was generated as."""

    kind: str  # article | pii | exact | near | junk | binary
    url: str
    lang: str | None  # the <html lang> of HTML pages, None for binary files
    content_type: str
    body: bytes
    server: str
    modified: date | None = None


Source = tuple[Page, Article, Chrome]


def pick_lang(rng: random.Random) -> str:
    """A page language, English most often."""
    return rng.choices(tuple(LANG_WEIGHTS), weights=tuple(LANG_WEIGHTS.values()))[0]


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of one paragraph (CJK sentences keep their full-width terminal mark)."""
    if lang in CJK:
        return re.findall(r"[^。！？]+[。！？]", text)
    return re.split(r"(?<=[.!?])\s+", text)


def _join(parts: list[str], lang: str) -> str:
    return ("" if lang in CJK else " ").join(parts)


def _fragment(rng: random.Random, text: str, lang: str) -> str:
    """A paragraph made of 3 to n-2 of its sentences, in order, so pages rarely repeat."""
    sentences = split_sentences(text, lang)
    n = len(sentences)
    keep = sorted(rng.sample(range(n), rng.randint(min(n, 3), max(3, n - 2))))
    return _join([sentences[i] for i in keep], lang)


def compose_article(rng: random.Random, lang: str) -> Article:
    """3-8 paragraphs drawn from the language's texts, some subheads and one tips list."""
    pool = PARAGRAPHS[lang]
    picks = rng.sample(range(len(pool)), min(len(pool), rng.randint(3, 8)))
    blocks: list[tuple[str, str]] = []
    for position, index in enumerate(picks):
        subtitle, text = pool[index]
        if position and rng.random() < 0.35:
            blocks.append(("h2", subtitle))
        blocks.append(("p", _fragment(rng, text, lang)))
    tips = rng.sample(UI[lang].tips.split("|"), rng.randint(3, 5))
    listing = [("ul", "|".join(tips))]
    if rng.random() < 0.5:
        listing.insert(0, ("h2", UI[lang].tips_heading))
    at = rng.choice([i + 1 for i, (tag, _) in enumerate(blocks) if tag == "p"])
    blocks[at:at] = listing
    published = date(2023, 6, 1) + timedelta(days=rng.randrange(270))
    return Article(lang, pool[picks[0]][0], published, tuple(blocks))


def pii_text(rng: random.Random, lang: str, index: int) -> str:
    """A contact paragraph with an email and a phone; card and IP rotate with ``index``."""
    ui = UI[lang]
    first, last = rng.choice(NAMES)
    email = f"{first}.{last}@{rng.choice(EMAIL_DOMAINS)}"
    pattern = rng.choice(ui.phones.split("|"))
    phone = "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)
    parts = [ui.contact.format(email=email, phone=phone)]
    if index % 4 in (1, 3):
        parts.append(ui.order.format(card=rng.choice(CARDS)))
    if index % 4 in (2, 3):
        parts.append(ui.log.format(ip=f"{rng.choice(IP_PREFIXES)}.{rng.randint(1, 254)}"))
    return _join(parts, lang)


def _insert_after_paragraph(rng: random.Random, article: Article, text: str) -> Article:
    blocks = list(article.blocks)
    at = rng.choice([i + 1 for i, (tag, _) in enumerate(blocks) if tag == "p"])
    blocks.insert(at, ("p", text))
    return replace(article, blocks=tuple(blocks))


def edited(rng: random.Random, article: Article) -> Article:
    """The same article with one paragraph changed: an update note appended to it."""
    blocks = list(article.blocks)
    at = rng.choice([i for i, (tag, _) in enumerate(blocks) if tag == "p"])
    blocks[at] = ("p", _join([blocks[at][1], UI[article.lang].update], article.lang))
    return replace(article, blocks=tuple(blocks))


def article_url(site: Site, article: Article, pid: int) -> str:
    """The canonical URL of an article in the site's URL layout."""
    slug = slugify_or(article.title, "post")
    when = article.published
    if site.layout == 0:
        path = f"/{when.year}/{when.month:02d}/{slug}-{pid}/"
    elif site.layout == 1:
        path = f"/blog/{slug}-{pid}.html"
    else:
        path = f"/posts/{pid}/{slug}"
    return f"https://{site.host}{path}"


def slugify_or(text: str, fallback: str) -> str:
    """``layout.slugify(text)``, or ``fallback`` for non-Latin titles."""
    return layout.slugify(text) or fallback


def html_page(kind: str, url: str, chrome: Chrome, article: Article) -> Page:
    """Render and encode an article page in its chrome's charset (strictly)."""
    html = layout.render_document(chrome, layout.render_article(article), article.title)
    label = HTTP_CHARSET.get(chrome.charset, chrome.charset)
    body = html.encode(chrome.charset)
    content_type = f"text/html; charset={label}"
    return Page(kind, url, chrome.lang, content_type, body, chrome.site.server, article.published)


def article_page(
    rng: random.Random, pid: int, lang: str, charset: str = "utf-8", pii: int | None = None
) -> Source:
    """A good article page; with ``pii`` (a rotation index) it carries contact details."""
    article = compose_article(rng, lang)
    if pii is not None:
        article = _insert_after_paragraph(rng, article, pii_text(rng, lang, pii))
    site = rng.choice(SITES[lang])
    chrome = layout.make_chrome(rng, lang, site, charset, http_equiv=rng.random() < 0.3)
    kind = "article" if pii is None else "pii"
    return html_page(kind, article_url(site, article, pid), chrome, article), article, chrome


def exact_duplicate(rng: random.Random, source: Page, used: set[str]) -> Page:
    """The same bytes served at another URL (tracking query, http, www, AMP path)."""
    parts = urlsplit(source.url)
    host = parts.netloc
    other_host = host.removeprefix("www.") if host.startswith("www.") else f"www.{host}"
    options = [
        f"{source.url}?utm_source=newsletter&utm_medium=email",
        f"{source.url}?ref=rss",
        urlunsplit(("http", *parts[1:])),
        urlunsplit((parts.scheme, other_host, *parts[2:])),
        f"{source.url}amp/" if source.url.endswith("/") else f"{source.url}?amp=1",
    ]
    rng.shuffle(options)
    url = next((u for u in options if u not in used), None)
    copy = 2
    while url is None or url in used:
        url, copy = f"{source.url}?copy={copy}", copy + 1
    return replace(source, kind="exact", url=url)


def near_duplicate(rng: random.Random, source: Source, pid: int) -> Page:
    """Either the article syndicated on another site (new boilerplate) or an edited copy."""
    _, article, chrome = source
    others = [site for site in SITES[article.lang] if site != chrome.site]
    if rng.random() < 0.5:
        site = rng.choice(others)
        new_chrome = layout.make_chrome(rng, article.lang, site)
        return html_page("near", article_url(site, article, pid), new_chrome, article)
    url = article_url(chrome.site, article, pid)
    chrome = replace(chrome, token=layout.new_token(rng))  # re-rendered: new cache comment
    return html_page("near", url, chrome, edited(rng, article))


def junk_page(rng: random.Random, pid: int, variant: str) -> Page:
    """A low-quality page without an ``<article>``: spam, empty category, stub, noise."""
    lang = pick_lang(rng)
    site = rng.choice(SITES[lang])
    server = site.server
    if variant == "spam":
        html, lang = layout.spam_page(rng), "en"
        url, server = f"https://www.best-casino-bonus-example.net/free-spins-{pid}.html", "Apache"
    elif variant == "nav":
        chrome = layout.make_chrome(rng, lang, site)
        category = rng.choice([i for i in chrome.nav if 0 < i < 9])  # not home or "about"
        html = layout.nav_only_page(chrome, category)
        path = layout.category_path(UI[lang].nav.split("|"), category)
        url = f"https://{site.host}{path}page/{rng.randint(2, 9)}/?sid={pid}"
    elif variant == "tiny":
        html, url = layout.tiny_page(rng, lang, site), f"https://{site.host}/coming-soon-{pid}/"
    elif variant == "symbols":
        html, lang = layout.symbols_page(rng), "en"
        url, server = f"https://data-feed-example.info/ticker/{pid}.html", "nginx"
    else:
        html, lang = layout.gibberish_page(rng), "en"
        url, server = f"https://www.lorem-pages-example.xyz/p/{pid}", "Apache"
    return Page("junk", url, lang, "text/html; charset=utf-8", html.encode("utf-8"), server)


def binary_page(rng: random.Random, pid: int, index: int) -> Page:
    """A non-HTML response: a 1x1 PNG image or a tiny PDF, alternating with ``index``."""
    site = rng.choice(SITES[pick_lang(rng)])
    if index % 2 == 0:
        month = rng.randint(1, 9)
        url = f"https://{site.host}/wp-content/uploads/2024/0{month}/photo-{pid}.png"
        return Page("binary", url, None, "image/png", _png(rng), site.server)
    url = f"https://{site.host}/files/brochure-{pid}.pdf"
    return Page("binary", url, None, "application/pdf", _pdf(rng), site.server)


def _png(rng: random.Random) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1 pixel, 8-bit RGB
    pixel = bytes([0, rng.randrange(256), rng.randrange(256), rng.randrange(256)])
    idat = zlib.compress(pixel, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _pdf(rng: random.Random) -> bytes:
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        + f"trailer\n<< /Root 1 0 R /ID [<{rng.getrandbits(64):016x}>] >>\n%%EOF\n".encode()
    )
