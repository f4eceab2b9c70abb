"""HTML rendering for the demo crawl: site chrome (boilerplate), articles and junk pages."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from html import escape as _escape

from cluster.demo.texts import PARAGRAPHS
from cluster.demo.ui import UI, Site


def _text(value: str) -> str:
    """Escape text content (quotes stay readable; attributes here are ASCII-only)."""
    return _escape(value, quote=False)


STYLES = (
    "body{font-family:Georgia,serif;margin:0;color:#222}header{background:#f4efe6;"
    "padding:1rem 2rem}nav ul{display:flex;gap:1rem;list-style:none;padding:0}"
    "article{max-width:42rem;margin:2rem auto;line-height:1.6}.cookie{position:fixed;"
    "bottom:0;left:0;right:0;background:#333;color:#fff;padding:1rem}footer{font-size:.8rem}",
    "body{font:16px/1.5 system-ui,sans-serif;background:#fafafa}.site-header{border-bottom:"
    "3px solid #2a7}.sidebar{float:right;width:16rem}.sidebar li{margin:.4rem 0}"
    ".cookie button{margin-left:.5rem}footer{clear:both;padding:2rem;color:#777}",
    "*{box-sizing:border-box}body{margin:0 auto;max-width:70rem;font-family:Verdana,sans-serif}"
    "nav a{color:#05a;text-decoration:none}h1{font-size:2.1rem}.post-meta{color:#888}"
    ".legal{display:flex;gap:1.5rem;list-style:none}.cookie{background:#ffe;padding:.8rem}",
)
LEGAL_PATHS = ("imprint", "privacy", "terms", "contact")
SCRIPT = """<script>
window.dataLayer = window.dataLayer || [];
function track() {{ dataLayer.push(arguments); }}
track("js", new Date());
track("config", "site-{token}", {{"anonymize_ip": true}});
document.addEventListener("DOMContentLoaded", function () {{
  var banner = document.getElementById("cookie-banner");
  banner.querySelectorAll("button").forEach(function (b) {{
    b.addEventListener("click", function () {{ banner.hidden = true; }});
  }});
}});
</script>"""
SPAM_WORDS = (
    *("cheap", "casino", "bonus", "win", "now", "free", "spins", "jackpot", "best", "odds"),
    *("online", "slots", "instant", "payout", "no", "deposit", "vip", "offer", "click"),
    *("here", "limited", "time", "mega", "prize", "real", "money"),
)
SYMBOLS = ("###", "|||", "--", "%%", "==>", "::", "**", "$$", "~~", "^^", ";;", "++", "//")
SYLLABLES = (
    *("lo", "rem", "ip", "sum", "do", "lor", "vex", "ta", "mir", "qua", "sen", "tur", "bal"),
    *("ni", "po", "ka", "fe", "zu", "mo", "ris", "el"),
)


@dataclass(frozen=True)
class Article:
    """Article content; blocks are ("p" | "h2", text) or ("ul", items joined by "|")."""

    lang: str
    title: str
    published: date
    blocks: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Chrome:
    """The boilerplate choices of one page: site, charset, menu, sidebar, style, cache token."""

    lang: str
    site: Site
    charset: str
    http_equiv: bool
    nav: tuple[int, ...]
    related: tuple[tuple[str, str], ...]
    style: int
    token: str


def slugify(text: str) -> str:
    """ASCII URL slug of ``text`` ("" for scripts without a Latin transliteration)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_chrome(
    rng: random.Random, lang: str, site: Site, charset: str = "utf-8", http_equiv: bool = False
) -> Chrome:
    """Draw the boilerplate of one page: 6-10 menu links, 3-5 related posts, a style."""
    extra = rng.sample(range(1, 10), rng.randint(5, 9))
    titles = [title for title, _ in PARAGRAPHS[lang]]
    related = tuple(
        (title, f"/{slugify(title) or 'post'}-{rng.randint(10, 999)}/")
        for title in rng.sample(titles, min(len(titles), rng.randint(3, 5)))
    )
    token = new_token(rng)
    style = rng.randrange(len(STYLES))
    return Chrome(lang, site, charset, http_equiv, (0, *sorted(extra)), related, style, token)


def render_document(chrome: Chrome, main: str, title: str) -> str:
    """A full HTML5 page: head, cookie banner, header + menu, main, sidebar, footer, script."""
    site, ui = chrome.site, UI[chrome.lang]
    if chrome.http_equiv:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={chrome.charset}">'
    else:
        meta = f'<meta charset="{chrome.charset}">'
    nav_labels = ui.nav.split("|")
    nav = "".join(
        f'<li><a href="{category_path(nav_labels, i)}">{_text(nav_labels[i])}</a></li>'
        for i in chrome.nav
    )
    related = "".join(f'<li><a href="{h}">{_text(t)}</a></li>' for t, h in chrome.related)
    legal = "".join(
        f'<li><a href="/{path}">{_text(label)}</a></li>'
        for path, label in zip(LEGAL_PATHS, ui.legal.split("|"), strict=True)
    )
    return "\n".join(
        (
            "<!DOCTYPE html>",
            f'<html lang="{chrome.lang}">',
            f'<head>\n{meta}\n<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_text(title)} | {_text(site.name)}</title>",
            f"<style>{STYLES[chrome.style]}</style>\n</head>\n<body>",
            f'<div id="cookie-banner" class="cookie"><p>{_text(ui.cookie)}</p>'
            f"<button>{_text(ui.accept)}</button><button>{_text(ui.reject)}</button></div>",
            f'<header class="site-header"><a class="logo" href="/">{_text(site.name)}</a>',
            f"<nav><ul>{nav}</ul></nav></header>",
            f'<main id="content">\n{main}\n</main>',
            f'<aside class="sidebar"><h3>{_text(ui.related)}</h3><ul>{related}</ul></aside>',
            f"<footer><p>&copy; 2024 {_text(site.name)}. {_text(ui.rights)}</p>",
            f'<ul class="legal">{legal}</ul></footer>',
            SCRIPT.format(token=chrome.token[:8]),
            "</body>\n</html>",
            f"<!-- served from cache {chrome.token} -->\n",
        )
    )


def render_article(article: Article) -> str:
    """The ``<article>`` element: h1, publication date, then paragraphs, subheads and a list."""
    ui = UI[article.lang]
    when = article.published
    parts = [
        '<article class="post">',
        f"<h1>{_text(article.title)}</h1>",
        f'<p class="post-meta">{_text(ui.published)} <time datetime="{when.isoformat()}">'
        f"{when.strftime(ui.date)}</time></p>",
    ]
    for tag, text in article.blocks:
        if tag == "ul":
            items = "".join(f"<li>{_text(item)}</li>" for item in text.split("|"))
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<{tag}>{_text(text)}</{tag}>")
    parts.append("</article>")
    return "\n".join(parts)


def category_path(labels: list[str], index: int) -> str:
    """The menu link of category ``index`` ("/" for the first, the home page)."""
    return "/" if index == 0 else f"/{slugify(labels[index]) or f'c/{index}'}/"


def nav_only_page(chrome: Chrome, category: int) -> str:
    """Junk: a category page with all the boilerplate but no article, only a notice."""
    label = UI[chrome.lang].nav.split("|")[category]
    main = f"<h1>{_text(label)}</h1>\n<p>{_text(UI[chrome.lang].empty)}</p>"
    return render_document(chrome, main, label)


def _bare_page(lang: str, title: str, body: str, token: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n{head}'
        f"<title>{_text(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
        f"<!-- generated {token} -->\n"
    )


def spam_page(rng: random.Random) -> str:
    """Junk: keyword-stuffed casino spam with repeated phrases and shouty links."""
    lines = []
    for _ in range(rng.randint(25, 40)):
        words = [rng.choice(SPAM_WORDS) for _ in range(rng.randint(8, 14))]
        line = " ".join(words)
        lines.append(f"<p>{line.upper() if rng.random() < 0.3 else line}</p>")
        if rng.random() < 0.25:
            link = f"https://www.best-casino-bonus-example.net/go?id={rng.randint(100, 999)}"
            lines.append(f'<p><a href="{link}">CLICK HERE - WIN NOW!!!</a></p>')
    keywords = ", ".join(rng.choice(SPAM_WORDS) for _ in range(40))
    head = f'<meta name="keywords" content="{keywords}">\n'
    body = "<h1>CHEAP CASINO BONUS WIN NOW</h1>\n" + "\n".join(lines)
    return _bare_page("en", "Cheap Casino Bonus - Win Now!!!", body, new_token(rng), head)


def symbols_page(rng: random.Random) -> str:
    """Junk: a page that is mostly symbols and numbers, like a broken data feed."""
    lines = []
    for _ in range(rng.randint(20, 35)):
        cells = [
            rng.choice(SYMBOLS) if rng.random() < 0.5 else str(rng.randint(0, 99999))
            for _ in range(rng.randint(6, 12))
        ]
        lines.append(_text(" ".join(cells)) + "<br>")
    body = '<div class="feed">\n' + "\n".join(lines) + "\n</div>"
    return _bare_page("en", f"feed {rng.randint(1000, 9999)}", body, new_token(rng))


def gibberish_page(rng: random.Random) -> str:
    """Junk: lorem-ipsum-like filler made of random syllables."""
    lines = []
    for _ in range(rng.randint(10, 20)):
        words = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(6, 12))
        ]
        lines.append(f"<p>{' '.join(words).capitalize()}.</p>")
    return _bare_page("en", "Lorem ipsum", "\n".join(lines), new_token(rng))


def tiny_page(rng: random.Random, lang: str, site: Site) -> str:
    """Junk: a placeholder page of about five words."""
    return _bare_page(lang, site.name, f"<p>{_text(UI[lang].tiny)}</p>", new_token(rng))


def new_token(rng: random.Random) -> str:
    """A random 48-bit hex token (cache comments, analytics ids) that makes pages unique."""
    return f"{rng.getrandbits(48):012x}"
