"""Detectors for e-mail addresses, IP addresses, IBANs and US SSNs (cards: cards.py).

Each ``find_*(text)`` yields ``Span``s: a regular expression proposes candidates and a validator
(checksum, range rules, ``ipaddress``, context) decides. Each also has a ``*_HINT``: an RE2
pattern that every match contains, so a document without a hint match is skipped unread.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple


class Span(NamedTuple):
    """One detected value: ``text[start:end]``; ``key`` is its normalized form (hash input)."""

    start: int
    end: int
    entity: str
    key: str


def non_overlapping(spans: list[Span], rank: Callable[[Span], object]) -> list[Span]:
    """Of overlapping spans keep the best by ``rank`` (lowest first), in reading order.

    Spans are grouped into runs that overlap transitively (almost always one span each), so
    a document with 50,000 addresses costs a sort, not 50,000² comparisons."""
    kept: list[Span] = []
    run: list[Span] = []
    run_end = -1
    for span in sorted(spans):
        if run and span.start >= run_end:
            kept += _best_of(run, rank)
            run = []
        run.append(span)
        run_end = max(run_end, span.end) if len(run) > 1 else span.end
    return kept + _best_of(run, rank)


def _best_of(run: list[Span], rank: Callable[[Span], object]) -> list[Span]:
    if len(run) < 2:
        return run
    chosen: list[Span] = []
    for span in sorted(run, key=rank):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen)


def previous_word(text: str, start: int, window: int = 24) -> str:
    """The word just before ``start`` (lowercased), skipping spaces and ``: # ( -``."""
    before = text[max(0, start - window) : start].rstrip(" \t:#(-\u00a0")
    match = re.search(r"[^\W\d_]+\.?$", before)
    return match.group(0).lower().rstrip(".") if match else ""


# A number right after these words is named as something else (not a phone number or SSN).
NAMED_NUMBER_WORDS = frozenset({
    "order", "invoice", "isbn", "issn", "ref", "reference", "sku", "id", "serial", "account",
    "acct", "iban", "tracking", "version", "patent", "doi", "pmid", "case", "ticket", "item",
    "part", "model", "no", "nr", "bestellnummer", "rechnung", "commande", "population", "pop",
    "revenue", "total", "konto", "kontonummer", "compte", "cuenta", "conto", "rekening", "blz",
    "routing", "vat", "siret", "siren", "isin", "ean", "upc", "gtin", "asin", "imei", "vin", "lot",
    "batch", "flight", "bestellung", "bestelling", "auftrag", "pedido", "ordine", "заказ"
})  # fmt: skip


# --- e-mail ---------------------------------------------------------------------------------

EMAIL_HINT = r"[\pL\pN._%+-]@[\pL\pN_-]+\.[\pL\pN]"
# ASCII local parts and TLDs (internationalized domain labels allowed), so that an address
# glued to CJK text (連絡先taro@example.jpまで) is found without the surrounding characters.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63}[A-Za-z0-9_%+-])?)@"
    r"((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+([A-Za-z]{2,24}))(?![A-Za-z0-9_-]|@)"
)
# Names like icon@2x.png or pkg@1.0.0.tgz look like addresses; real TLDs rarely collide.
_FILE_EXTENSIONS = frozenset({
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "js", "mjs", "ts",
    "tsx", "jsx", "css", "scss", "json", "html", "htm", "xml", "txt", "md", "pdf", "csv", "tsv",
    "yaml", "yml", "py", "rb", "go", "rs", "java", "php", "tgz", "gz", "bz2", "xz", "zst", "tar",
    "whl", "jar", "mp3", "mp4", "wav"
})  # fmt: skip


def find_email(text: str) -> Iterator[Span]:
    """Addresses with a dotted domain; not ``git@host:path`` (scp syntax) nor file names."""
    for m in _EMAIL.finditer(text):
        local, domain, tld = m.group(1), m.group(2), m.group(3)
        if tld.lower() in _FILE_EXTENSIONS or ".." in local:
            continue
        if text[m.end() : m.end() + 1] == ":" and text[m.end() + 1 : m.end() + 2].strip():
            continue
        labels = domain.split(".")[:-1]
        if len(labels) > 1 and all(label.isdigit() for label in labels):  # name@1.0.3.tgz
            continue
        yield Span(m.start(), m.end(), "email", f"{local}@{domain.lower()}")


# --- IP addresses -----------------------------------------------------------------------------

IP_HINT = r"\d\.\d{1,3}\.\d{1,3}\.\d|[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:|::[0-9A-Fa-f]"
_IPV4 = re.compile(r"(?<![\w.-])(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\d)", re.ASCII)
_IPV6 = re.compile(
    r"(?<![\w:.-])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:%[\w.]+)?(?![\w:-])",
    re.ASCII,
)
# A dotted quad after these words is a version, section or figure number, not an address.
_NOT_IP_AFTER = frozenset({
    "v", "ver", "version", "versions", "release", "rel", "build", "firmware", "driver", "kernel",
    "update", "patch", "section", "sec", "chapter", "ch", "clause", "article", "art", "rule",
    "step", "figure", "fig", "table", "tab", "paragraph", "para", "item", "no", "nr", "oid",
    "isbn"
})  # fmt: skip
# Well-known public resolvers name a service, not a person or a host of one.
_PUBLIC_SERVICES = frozenset({
    "1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "149.112.112.112", "208.67.222.222",
    "208.67.220.220",
})  # fmt: skip


def find_ip(text: str, keep_private: bool = True) -> Iterator[Span]:
    """IPv4 and IPv6 addresses, validated by ``ipaddress``; with ``keep_private`` only global
    ones (private, loopback, link-local, documentation, reserved and shared ranges stay)."""
    for m in _IPV4.finditer(text):
        if previous_word(text, m.start()) in _NOT_IP_AFTER or m.group(0) in _PUBLIC_SERVICES:
            continue
        span = _ip_span(m.group(0), m.start(), keep_private)
        if span:
            yield span
    for m in _IPV6.finditer(text):
        value = m.group(0)
        groups = [g for g in re.split(r"[:.]", value.split("%")[0]) if g]
        if len(groups) < 3 or not any(c.isdigit() for c in value):  # a::b, std::map
            continue
        span = _ip_span(value, m.start(), keep_private)
        if span:
            yield span


def _ip_span(value: str, start: int, keep_private: bool) -> Span | None:
    try:
        address = ipaddress.ip_address(value.split("%")[0])
    except ValueError:  # also leading zeros (01.02.03.04), octets above 255
        return None
    if keep_private and not address.is_global:
        return None
    return Span(start, start + len(value), "ip", address.compressed)


# --- IBAN -------------------------------------------------------------------------------------

IBAN_HINT = r"[A-Za-z]{2}\d{2}(?:[ \x{a0}]?[A-Za-z0-9]){4}"
# Lengths from the SWIFT IBAN registry.
IBAN_LENGTHS = {
    **dict.fromkeys(["NO"], 15),
    **dict.fromkeys(["BE"], 16),
    **dict.fromkeys(["DK", "FI", "FK", "FO", "GL", "NL", "SD"], 18),
    **dict.fromkeys(["MK", "SI"], 19),
    **dict.fromkeys(["AT", "BA", "EE", "KZ", "LT", "LU", "MN", "XK"], 20),
    **dict.fromkeys(["CH", "HR", "LI", "LV"], 21),
    **dict.fromkeys(["BG", "BH", "CR", "DE", "GB", "GE", "IE", "ME", "RS", "VA"], 22),
    **dict.fromkeys(["AE", "GI", "IL", "IQ", "OM", "SO", "TL"], 23),
    **dict.fromkeys(["AD", "CZ", "ES", "MD", "PK", "RO", "SA", "SE", "SK", "TN", "VG"], 24),
    **dict.fromkeys(["LY", "PT", "ST"], 25),
    **dict.fromkeys(["IS", "TR"], 26),
    **dict.fromkeys(["BI", "DJ", "FR", "GR", "IT", "MC", "MR", "SM"], 27),
    **dict.fromkeys(["AL", "AZ", "BY", "CY", "DO", "GT", "HN", "HU", "LB", "NI", "PL", "SV"], 28),
    **dict.fromkeys(["BR", "EG", "PS", "QA", "UA"], 29),
    **dict.fromkeys(["JO", "KW", "MU", "YE"], 30),
    **dict.fromkeys(["MT", "SC"], 31),
    **dict.fromkeys(["LC"], 32),
    **dict.fromkeys(["RU"], 33),
}
_IBAN_START = re.compile(r"(?<![\w-])([A-Za-z]{2})(\d{2})", re.ASCII)
_IBAN_SPACES = " \u00a0\u202f"  # a space, a no-break space, a narrow one (French)


def iban_ok(iban: str) -> bool:
    """Country length and the ISO 13616 mod-97 check (``iban`` without spaces)."""
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def find_iban(text: str) -> Iterator[Span]:
    """IBANs in any letter case, plain or with single spaces, exactly the country's length
    (the next character is not a letter or digit), mod-97 valid. Spaces may fall anywhere in
    an upper-case IBAN (``DE89 37040044 0532013000``); in one with lower-case letters only
    between groups of four, as printed (``de89 3704 0044 0532 0130 00``)."""
    for m in _IBAN_START.finditer(text):
        length = IBAN_LENGTHS.get(m.group(1).upper())
        if length is None:
            continue
        iban, pos, breaks = _iban_chars(text, m.end(), length - 4)
        iban = m.group(0).upper() + iban
        glued = pos < len(text) and text[pos].isascii() and text[pos].isalnum()
        if len(iban) != length or glued or not iban_ok(iban):
            continue
        fours = list(range(4, length, 4))
        if breaks and breaks != fours and not text[m.start() : pos].isupper():
            continue
        yield Span(m.start(), pos, "iban", iban)


def _iban_chars(text: str, pos: int, need: int) -> tuple[str, int, list[int]]:
    """Up to ``need`` letters and digits from ``pos`` on, upper-cased, skipping single spaces;
    the end, and how many characters preceded each space."""
    chars, breaks = [], []
    while need and pos < len(text):
        ch = text[pos]
        if ch in _IBAN_SPACES and pos + 1 < len(text) and text[pos + 1].isalnum():
            breaks.append(4 + len(chars))
            pos += 1
            continue
        if not (ch.isascii() and ch.isalnum()):
            break
        chars.append(ch.upper())
        need, pos = need - 1, pos + 1
    return "".join(chars), pos, breaks


# --- US social security numbers ---------------------------------------------------------------

SSN_HINT = r"\d{3}[- ]?\d{2}[- ]?\d{4}"
_SSN_DASHED = re.compile(r"(?<![\w.,/+-])(\d{3})-(\d{2})-(\d{4})(?![\w+-]|[.,/]\d)", re.ASCII)
_SSN_LOOSE = re.compile(r"(?<![\w.,/+-])(\d{3})( ?)(\d{2})\2(\d{4})(?![\w+-]|[.,/]\d)", re.ASCII)
_SSN_CONTEXT = re.compile(
    r"(?i)\b(?:ssn|ss#|ss no|social security(?: number| no)?|sozialversicherungs)"
)
# Never issued: advertised in wallets (078-05-1120), in ads (219-09-9999), or as the example.
_SSN_BLOCKED = frozenset(["078051120", "219099999", "123456789"])


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """SSA rules: area not 000, 666 or 900-999; group not 00; serial not 0000."""
    return (
        area not in ("000", "666")
        and area[0] != "9"
        and group != "00"
        and serial != "0000"
        and area + group + serial not in _SSN_BLOCKED
    )


def find_ssn(text: str) -> Iterator[Span]:
    """``123-45-6789`` anywhere; ``123 45 6789`` and ``123456789`` only after an SSN mention."""
    seen = set()
    for m in _SSN_DASHED.finditer(text):
        if ssn_ok(*m.groups()) and previous_word(text, m.start()) not in NAMED_NUMBER_WORDS:
            seen.add(m.start())
            yield Span(m.start(), m.end(), "ssn", "".join(m.groups()))
    for m in _SSN_LOOSE.finditer(text):
        if m.start() in seen or not _SSN_CONTEXT.search(text, max(0, m.start() - 40), m.start()):
            continue
        area, _, group, serial = m.groups()
        if ssn_ok(area, group, serial):
            yield Span(m.start(), m.end(), "ssn", area + group + serial)
