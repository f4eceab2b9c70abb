"""Phone numbers in international and national formats, validated by Google's libphonenumber.

A loose regular expression proposes digit runs with phone-style separators; cheap rules reject
dates, year lists, page numbers, prices and numbers named as something else (``Order 0301...``);
``phonenumbers`` then validates what is left:

- ``+44 20 7946 0958`` / ``0044 ...`` (international): a valid number for its country code;
- national (``020 7946 0958``, ``(201) 555-0123``, ``06 12 34 56 78``): valid in one of the
  configured regions and grouped exactly as that region writes its numbers
  (``Leniency.EXACT_GROUPING``: ``2021-03-04`` is a valid Danish number, but not grouped as one);
- an unseparated national number (``2015550123``) only right after a phone word (``Tel.``,
  ``call``, ``Telefon``, ...), as order and account numbers look the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneMetadata, PhoneNumberMatcher

from pipelines.pii.detectors import NAMED_NUMBER_WORDS, Span, previous_word

# libphonenumber compiles metadata regexes on demand; checking numbers of many regions thrashes
# the re module's 512-entry cache (half the time of a PII-dense batch went to recompiling).
phonenumbers.enable_pattern_cache()

# National formats of these regions are recognized (international ones of every country).
DEFAULT_REGIONS = (
    "US", "CA", "GB", "IE", "AU", "NZ", "IN", "ZA", "NG", "DE", "AT", "CH", "FR", "BE", "NL",
    "IT", "ES", "PT", "SE", "NO", "DK", "FI", "PL", "CZ", "RU", "UA", "TR", "BR", "MX", "AR",
    "CO", "JP", "KR", "CN", "HK", "SG", "PH",
)  # fmt: skip

PHONE_HINT = r"\d(?:[ .()/\x{a0}-]{0,3}\d){6}"
_CANDIDATE = re.compile(
    r"(?<![\w+.,/:=-])(?:\+ ?)?\(?\d(?:[ .()/\u00a0-]{0,3}\d){6,19}\)?(?![\w-]|[.,/:]\d)",
    re.ASCII,  # digits glued to CJK text count; 電話03-1234-5678
)
_SPLIT = re.compile(r" +/ +|  +")  # two numbers side by side: "030 1234 / 030 5678"
_DATE = re.compile(
    r"^\(?(?:(?:19|20)\d\d[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ](?:19|20)?\d\d)\)?$"
)
_NUMBER_BEFORE = re.compile(r"\d[\d,.]*[ \t]+$")
_NUMBER_AFTER = re.compile(r"[ \t]+\d")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_CONTEXT = re.compile(
    r"(?i)(?:\btel|phone|\bcall|\bfax|mobile|\bmob\b|\bcell|contact|whatsapp|\bsms\b|hotline"
    r"|t[ée]l[ée]fono?|telefon|telefone|\bhandy|\btlf|\bpuh|\bring\b|\bbel\b"
    r"|電話|电话|来电|手机|传真|联系|携帯|連絡|전화|휴대폰|팩스|☎|📞|✆)"
)
_CURRENCY = re.compile(r"[$€£¥₹₽¢]\s?$|\b(?:usd|eur|gbp|chf|jpy|rs\.?)\s?$", re.IGNORECASE)


def find_phone(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> Iterator[Span]:
    for m in _CANDIDATE.finditer(text):
        start = m.start()
        for piece in _SPLIT.split(m.group(0)):
            offset = text.index(piece, start)
            start = offset + len(piece)
            yield from _validate(text, piece, offset, regions)


def _validate(text: str, raw: str, offset: int, regions: tuple[str, ...]) -> Iterator[Span]:
    groups = re.findall(r"\d+", raw)
    if not 7 <= sum(map(len, groups)) <= 17 or _DATE.match(raw) or _implausible(raw, groups):
        return
    window = max(0, offset - 30)  # searched in place: \b sees the characters before it
    if _CURRENCY.search(text, window, offset) or previous_word(text, offset) in NAMED_NUMBER_WORDS:
        return
    context = bool(_CONTEXT.search(text, window, offset))
    if not context and not raw.startswith(("+", "00")) and _tabular(text, raw, offset, groups):
        return
    if raw.count("(") < raw.count(")") and raw.endswith(")"):  # "(tel. 030 123456)"
        raw = raw[:-1]
    elif raw.count("(") > raw.count(")") and raw.startswith("("):
        offset, raw = offset + 1, raw[1:]
    number = _number(raw, regions, context)
    if number is not None:
        yield Span(offset, offset + len(raw), "phone", number)


def _tabular(text: str, raw: str, offset: int, groups: list[str]) -> bool:
    """Numbers in a table row or score line: another number right before or after
    (``Revenue 1,154 692 624 465``), or pairs of digits without a trunk prefix
    (``Jones 70 69 76 71``; Danish and Norwegian numbers then need a phone word)."""
    return bool(
        _NUMBER_BEFORE.search(text, max(0, offset - 20), offset)
        or _NUMBER_AFTER.match(text, offset + len(raw))
        or (all(len(g) == 2 for g in groups) and not groups[0].startswith("0"))
    )


@lru_cache(maxsize=8192)  # boilerplate repeats one site's number on every page
def _number(raw: str, regions: tuple[str, ...], context: bool) -> str | None:
    """The E.164 form of ``raw`` if it is a phone number written as one, else None."""
    if raw.startswith(("+", "00")):
        number = _parse(raw, "GB" if raw.startswith("00") else "ZZ")  # GB dials out with 00
        return _e164(number) if number else None
    if not context and not re.search(r"\d\D+\d", raw):  # 2015550123: needs a phone word
        return None
    for region in _plausible_regions(re.sub(r"\D", "", raw), regions):
        number = _parse(raw, region)
        if number is not None and (context or _grouped_as_in(raw, region, number)):
            return _e164(number)
    return None


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _grouped_as_in(raw: str, region: str, number: phonenumbers.PhoneNumber) -> bool:
    """libphonenumber's EXACT_GROUPING: the digit groups are those ``region`` prints. The
    national format is compared first (most numbers); the matcher also knows other formats."""
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if re.findall(r"\d+", raw) == re.findall(r"\d+", national):
        return True
    matches = PhoneNumberMatcher(raw, region, leniency=Leniency.EXACT_GROUPING)
    return any(m.start == 0 and m.end == len(raw) for m in matches)


def _implausible(raw: str, groups: list[str]) -> bool:
    """Year lists (2019 2020 2021), page numbers (1 2 3 4 5 6 7), long runs of groups, and
    dotted quads (an address in a range kept as not personal is no phone number either)."""
    return (
        len(groups) > 7
        or (len(groups) == 2 and "." in raw and not re.search(r"[^\d.]", raw))  # 36337.137
        or (len(groups) == 4 and all(len(g) <= 3 for g in groups) and "." in raw)
        or all(_YEAR.match(g) for g in groups)
        or sum(len(g) == 1 for g in groups) > 2
    )


def _plausible_regions(digits: str, regions: tuple[str, ...]) -> Iterator[str]:
    """Regions whose national number pattern fits ``digits`` as written or with the trunk
    prefix stripped (and rewritten, as Argentina's 0 11 15 → 9 11): one regex per region
    instead of a full parse per region."""
    for region in regions:
        strip, transform, pattern = _region_rules(region)
        if pattern.fullmatch(digits):
            yield region
            continue
        m = strip.match(digits) if strip else None
        if m and m.end():
            head = m.expand(transform) if transform and m.lastindex else ""
            if pattern.fullmatch(head + digits[m.end() :]):
                yield region


@cache
def _region_rules(region: str) -> tuple[re.Pattern | None, str, re.Pattern]:
    """The trunk-prefix regex, its rewrite rule and the national number pattern of ``region``."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None, "", re.compile(r"(?!)")
    strip = metadata.national_prefix_for_parsing or metadata.national_prefix
    return (
        re.compile(strip) if strip else None,
        metadata.national_prefix_transform_rule or "",
        re.compile(metadata.general_desc.national_number_pattern),
    )


def known_region(region: str) -> bool:
    return PhoneMetadata.metadata_for_region(region) is not None
