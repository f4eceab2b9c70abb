"""Payment card numbers: a scheme's issuer range (IIN) and length, the Luhn check, and the
groupings printed on cards. Like the other detectors (detectors.py), ``find_credit_card``
yields ``Span``s and ``CARD_HINT`` is an RE2 pattern every match contains."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.pii.detectors import Span

CARD_HINT = r"\d(?:[ -]?\d){11}"
_CARD = re.compile(r"(?<![\w.,/+-])\d(?:[ -]?\d){11,18}(?![\w+-]|[.,/]\d)", re.ASCII)
# Issuer ranges in use (first and last IIN of one width) and their card lengths, from the
# schemes' published rules; random numbers starting 0, 7, 8 or 9 are not cards.
_16_19, _12_19 = (16, 17, 18, 19), tuple(range(12, 20))
_ISSUERS = (
    ("4", "4", (13, 16, 19)),  # Visa
    ("51", "55", (16,)), ("2221", "2720", (16,)),  # Mastercard
    ("34", "34", (15,)), ("37", "37", (15,)),  # American Express
    ("6011", "6011", _16_19), ("644", "649", _16_19), ("65", "65", _16_19),  # Discover
    ("622126", "622925", _16_19), ("62", "62", _16_19),  # Discover in UnionPay's, UnionPay
    ("50", "50", _12_19), ("56", "69", _12_19),  # Maestro
    ("2131", "2131", (15,)), ("1800", "1800", (15,)), ("3528", "3589", _16_19),  # JCB
    ("300", "305", (14,)), ("36", "36", (14, *_16_19)), ("38", "39", (14,)),  # Diners Club
    ("2200", "2204", _16_19),  # Mir
)  # fmt: skip
# Group sizes as printed: fours and a shorter rest (4-4-4-4, 4-4-4-4-3 for 19 digits, 4-4-4-1
# for 13), Amex 4-6-5, Diners 4-6-4, 13-digit 4-4-5, 19-digit 6-13.
_CARD_GROUPS = frozenset(
    [(4,) * (n // 4) + ((n % 4,) if n % 4 else ()) for n in range(12, 20)]
    + [(4, 6, 5), (4, 6, 4), (4, 4, 5), (6, 13)]
)
# Before a 12- or 13-digit number that is also a valid EAN/UPC bar code (Maestro and Visa
# share prefixes with EAN country codes): a card word says which it is.
_CARD_WORD = re.compile(
    r"(?i)(?:card|karte|carte|tarjeta|carta|kaart|cart[ãa]o|карт|visa|maestro|mastercard"
    r"|\bcc\b|卡)"
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def gtin_ok(digits: str) -> bool:
    """The GS1 check digit of an EAN-13 / UPC-A bar code (weights 3, 1 from the right)."""
    total = sum(int(ch) * (1 if i % 2 else 3) for i, ch in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == int(digits[-1])


def issuer_ok(digits: str) -> bool:
    """A scheme's issuer range (IIN) with one of that scheme's card lengths."""
    return any(
        low <= digits[: len(low)] <= high and len(digits) in lengths
        for low, high, lengths in _ISSUERS
    )


def find_credit_card(text: str) -> Iterator[Span]:
    """12-19 digits, plain or in card-style groups of one separator, Luhn-valid, of a scheme's
    issuer range and length. Of grouped digits followed by more groups (``4111 1111 1111 1111
    12``) the longest leading groups that make a card count."""
    for m in _CARD.finditer(text):
        raw = m.group(0)
        if len(set(re.findall(r"[ -]", raw))) > 1:
            continue
        groups = re.split(r"[ -]", raw)
        for n in range(len(groups), 0, -1):
            digits, sizes = "".join(groups[:n]), tuple(len(g) for g in groups[:n])
            if (n > 1 and sizes not in _CARD_GROUPS) or not _card_ok(text, m.start(), digits, n):
                continue
            end = m.start() + len(" ".join(groups[:n]))
            yield Span(m.start(), end, "credit_card", digits)
            break


def _card_ok(text: str, start: int, digits: str, groups: int) -> bool:
    if not (12 <= len(digits) <= 19 and issuer_ok(digits) and luhn_ok(digits)):
        return False
    if groups == 1 and len(digits) in (12, 13) and gtin_ok(digits):
        return bool(_CARD_WORD.search(text, max(0, start - 30), start))
    return True
