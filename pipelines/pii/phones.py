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

With ``mode="possible"`` (the default) a number libphonenumber calls *possible* (a length in use
for its region) but not valid (``+1 555 123 4567``, an unassigned range) is a phone number too
when it is written as one: ``+CC ...`` (``00CC`` with separators), a parenthesized area code, a
NANP ``201-555-0123`` or a trunk-``0`` national grouping (``020 1234 5678``), or after a phone
word. ``mode="valid"`` keeps only valid numbers. An extension (``x123``, ``ext. 123``) belongs
to the number it follows.
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

PHONE_MODES = ("possible", "valid")
PHONE_HINT = r"\d(?:[ .()/\x{a0}-]{0,3}\d){6}"
_CANDIDATE = re.compile(  # after "tel:" but not a time (12:30); "+" also after a letter (Tel+44)
    r"(?:(?<![\w+.,/=-])(?<!\d:)|(?<=[A-Za-z])(?=\+))"
    r"(?:\+ ?)?\(?\d(?:[ .()/\u00a0-]{0,3}\d){6,19}\)?(?!(?!x\d)[\w-]|[.,/:]\d)",
    re.ASCII,  # digits glued to CJK text count; 電話03-1234-5678
)
_EXTENSION = re.compile(r",?[ \t]?(?:ext(?:ension|n)?\.?:?|x)[ \t]?(\d{1,6})(?!\w)", re.IGNORECASE)
_SPLIT = re.compile(r" +/ +|  +")  # two numbers side by side: "030 1234 / 030 5678"
_DATE = re.compile(
    r"^\(?(?:(?:19|20)\d\d[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ](?:19|20)?\d\d"
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\)?$"
)
# How people write phone numbers nationally: a parenthesized area code (``(201) 555-0123``,
# ``8 (495) 123-45-67``), NANP 3-3-4 (``201.555.0123``, ``1-800-555-0199``) and a trunk-0 area
# code then groups (``020 7946 0958``, ``030/1234567``, ``06 12 34 56 78``).
_PHONE_SHAPE = re.compile(
    r"(?:[18][ -]?)?\(\d{2,5}\)[ -]?\d{2,4}(?:[ .-]\d{2,5}){0,3}"
    r"|(?:1[-. ])?\d{3}([-. ])\d{3}\1\d{4}"
    r"|0[1-9]\d{0,3}[ ./-]\d{2,8}(?:[ .-]\d{2,5}){0,3}"
)
_SEPARATED = re.compile(r"\d\D+\d")
_PAREN_YEAR = re.compile(r"\((?:1[5-9]|20)\d\d\)")
_DATE_TAIL = re.compile(r"(?:19|20)\d\d([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])$")
_TIME_RANGE = re.compile(r"^(?:[01]\d|2[0-3])[0-5]\d\D+(?:[01]\d|2[0-3])[0-5]\d$")  # 0800-1200
_NUMBER_BEFORE = re.compile(r"\d[\d,.]*[ \t]+$")
_NUMBER_AFTER = re.compile(r"[ \t]+\d")
_YEAR = re.compile(r"^(?:1\d|20)\d\d$")  # 1600-1629 is a year range too
_CONTEXT = re.compile(  # tel, tél, telefon, téléphone, teléfono, telefoon, telefone, телефон
    r"(?i)(?:\bt[ée]l(?:[ée]?f|[ée]ph|[ée]m[óo]v|\b)|phone|\bcall|\bfax|\bmob(?:i|\b)|\bcell"
    r"|\bcelular|\bportable|m[óo]vil"
    r"|contact|whatsapp|\bsms\b|hotline|\bhandy|\btlf|\bpuh|\bring\b|\bbel\b|\bтел|\bмоб"
    r"|電話|电话|来电|手机|传真|联系|携帯|連絡|전화|휴대폰|팩스|☎|📞|✆)"
)
_CURRENCY = re.compile(r"[$€£¥₹₽¢]\s?$|\b(?:usd|eur|gbp|chf|jpy|rs\.?)\s?$", re.IGNORECASE)


def find_phone(
    text: str, regions: tuple[str, ...] = DEFAULT_REGIONS, mode: str = "possible"
) -> Iterator[Span]:
    """Phone numbers in ``text``: valid ones, and with ``mode="possible"`` possible ones
    written as phone numbers (module docstring); an extension after one is part of its span."""
    for m in _CANDIDATE.finditer(text):
        start = m.start()
        for piece in _SPLIT.split(m.group(0)):
            offset = text.index(piece, start)
            start = offset + len(piece)
            yield from _validate(text, piece, offset, regions, mode)


def _validate(
    text: str, raw: str, offset: int, regions: tuple[str, ...], mode: str
) -> Iterator[Span]:
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
    number = _number(raw, regions, context, mode)
    if number is None:
        return
    end = offset + len(raw)
    extension = _EXTENSION.match(text, end)
    if extension:  # the key tells the extensions of one switchboard apart
        end, number = extension.end(), f"{number};ext={extension.group(1)}"
    yield Span(offset, end, "phone", number)


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
def _number(raw: str, regions: tuple[str, ...], context: bool, mode: str) -> str | None:
    """The E.164 form of ``raw`` if it is a phone number written as one, else None."""
    valid = _valid(raw, regions, context)
    if valid is not None or mode == "valid":
        return valid
    return _possible(raw, regions, context)


def _valid(raw: str, regions: tuple[str, ...], context: bool) -> str | None:
    """A valid number: international, or national grouped as its region writes it."""
    if raw.startswith(("+", "00")):
        number = _parse(raw, "GB" if raw.startswith("00") else "ZZ")  # GB dials out with 00
        return _e164(number) if number else None
    if not context and not _SEPARATED.search(raw):  # 2015550123: needs a phone word
        return None
    for region in _plausible_regions(re.sub(r"\D", "", raw), regions):
        number = _parse(raw, region)
        if number is not None and (context or _grouped_as_in(raw, region, number)):
            return _e164(number)
    return None


def _possible(raw: str, regions: tuple[str, ...], context: bool) -> str | None:
    """A possible (right length, not assigned) number in a phone shape or after a phone word:
    ``+CC ...``; ``00CC`` with separators; nationally ``_PHONE_SHAPE`` in one of ``regions``."""
    dialled = "+" + raw[2:] if re.match(r"00[1-9]", raw) else raw  # 0049 30 ... is +49 30 ...
    if raw.startswith("+") or (dialled != raw and (context or _SEPARATED.search(raw))):
        number = _parse(dialled, "ZZ", valid=False)
        return _e164(number) if number else None
    if "." in raw and re.search(r"[ /-]", raw):  # 3355.00 3404.71 10700, a row of prices
        return None
    if _PAREN_YEAR.search(raw):  # Nature (2003) 421 805-811: a citation
        return None
    if not context and not _PHONE_SHAPE.fullmatch(raw):
        return None
    for region in regions:
        number = _parse(raw, region, valid=False)
        if number is not None:
            return _e164(number)
    return None


def _parse(raw: str, region: str, valid: bool = True) -> phonenumbers.PhoneNumber | None:
    """``raw`` parsed in ``region`` if valid (or, with ``valid=False``, of a possible length)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if valid:
        return number if phonenumbers.is_valid_number(number) else None
    reason = phonenumbers.is_possible_number_with_reason(number)
    return number if reason == phonenumbers.ValidationResult.IS_POSSIBLE else None


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
    """Year lists and ranges (2019 2020 2021, 1600-1629), time ranges (0800-1200), dates glued
    to a digit (02018-05-06), page numbers (1 2 3 4 5 6 7), long runs of groups, and dotted
    quads (an address in a range kept as not personal is no phone number either)."""
    return (
        len(groups) > 7
        or (
            len(groups) == 2 and "." in raw and not re.search(r"[^\d.]", raw.lstrip("+"))
        )  # +48.85661
        or (len(groups) == 4 and all(len(g) <= 3 for g in groups) and "." in raw)
        or all(_YEAR.match(g) for g in groups)
        or bool(_TIME_RANGE.match(raw) or _DATE_TAIL.search(raw))  # 王贵贞02018-05-06
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
