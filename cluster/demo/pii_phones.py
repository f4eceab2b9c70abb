"""Phone numbers for the synthetic PII corpus (cluster/demo/pii_corpus.py): valid ones as
libphonenumber prints them, and *possible* but unassigned ones (the right length for the
region) written as people write phone numbers: ``+CC ...``, ``+CC (0)...``, national with a
trunk prefix, NANP ``(AAA) BBB-CCCC``, E.164, unseparated, some with an extension."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType

PHONE_REGIONS = (
    "US", "CA", "GB", "IE", "AU", "IN", "ZA", "DE", "AT", "CH", "FR", "BE", "NL", "IT", "ES",
    "PT", "SE", "PL", "BR", "MX", "AR", "JP", "KR", "CN", "RU", "TR",
)  # fmt: skip


def phone(rng: random.Random) -> tuple[str, str, str]:
    """Half valid numbers as libphonenumber prints them, half *possible* (right length) but
    not valid ones in a phone shape; a fifth of them with an extension."""
    if rng.random() < 0.5:
        value, shape = _valid_phone(rng)
    else:
        value, shape = _possible_phone(rng, rng.choice(["intl", "trunk", "national", "e164"]))
    if rng.random() < 0.2:
        value += rng.choice([" x", " x", " ext. ", " ext ", " Ext. "]) + str(rng.randint(1, 9999))
        shape += "+ext"
    return value, "phone", shape


def phone_plain(rng: random.Random) -> tuple[str, str, str]:
    """An unseparated national number, valid or possible (templates put a phone word before)."""
    if rng.random() < 0.5:
        number = _valid_number(rng)
        digits = phonenumbers.national_significant_number(number)
        prefix = PhoneMetadata.metadata_for_region(_region_of(number)).national_prefix or ""
        return (prefix if prefix == "0" else "") + digits, "phone", "valid/plain"
    return _possible_phone(rng, "plain")[0], "phone", "possible/plain"


def _valid_number(rng: random.Random) -> phonenumbers.PhoneNumber:
    region = rng.choice(PHONE_REGIONS)
    kind = rng.choice([PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE])
    number = phonenumbers.example_number_for_type(region, kind)
    for _ in range(50):  # vary the last four digits while the number stays valid
        candidate = phonenumbers.parse(
            f"+{number.country_code}{str(number.national_number)[:-4]}{rng.randint(0, 9999):04d}"
        )
        if phonenumbers.is_valid_number(candidate):
            return candidate
    return number


def _region_of(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.region_code_for_number(number) or "US"


def _valid_phone(rng: random.Random) -> tuple[str, str]:
    number = _valid_number(rng)
    style = rng.choice(["international", "national", "national", "e164"])
    if style == "e164":
        return phonenumbers.format_number(number, PhoneNumberFormat.E164), "valid/e164"
    fmt = (
        PhoneNumberFormat.INTERNATIONAL if style == "international" else PhoneNumberFormat.NATIONAL
    )
    return phonenumbers.format_number(number, fmt), f"valid/{style}"


def _possible_phone(rng: random.Random, style: str) -> tuple[str, str]:
    """A number of a right length for its region that no numbering plan assigns, written
    ``+CC ...``, ``+CC (0)...``, nationally (trunk ``0``, NANP, Russian ``8 (...)``), E.164 or
    unseparated; a region without a trunk prefix is written internationally."""
    region = rng.choice(PHONE_REGIONS)
    meta = PhoneMetadata.metadata_for_region(region)
    # E.164 has at most 15 digits; the longest possible lengths (M2M, 14-17 digits) are rare
    lengths = [n for n in meta.general_desc.possible_length if 8 <= n <= 11] or [10]
    for _ in range(1000):  # a few tries in most regions
        length = rng.choice(lengths)
        national = str(rng.randint(1, 9)) + "".join(
            str(rng.randint(0, 9)) for _ in range(length - 1)
        )
        number = phonenumbers.PhoneNumber(
            country_code=meta.country_code, national_number=int(national)
        )
        if phonenumbers.is_possible_number(number) and not phonenumbers.is_valid_number(number):
            break
    cc, trunk = meta.country_code, meta.national_prefix
    if style == "plain":
        return (trunk if trunk == "0" else "") + national, "possible/plain"
    if style == "e164":
        return f"+{cc}{national}", "possible/e164"
    if style == "national" and cc == 1:
        a, b, c = national[:3], national[3:6], national[6:]
        return rng.choice(
            [f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"1-{a}-{b}-{c}"]
        ), "possible/national"
    if style == "national" and trunk == "8":
        a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
        return f"8 ({a}) {b}-{c}-{d}", "possible/national"
    if style == "national" and trunk == "0":
        sep = rng.choice([" ", " ", "-", "/", "."])
        return _grouped("0" + national, rng, sep), "possible/national"
    if style == "trunk" and trunk == "0":
        return f"+{cc} (0){_grouped(national, rng, ' ')}", "possible/trunk"
    return f"+{cc} {_grouped(national, rng, rng.choice([' ', '-']))}", "possible/intl"


def _grouped(digits: str, rng: random.Random, sep: str) -> str:
    """An area code of 2-4 digits, then groups of 3-4 (pairs sometimes, as in France)."""
    first = rng.choice([2, 3, 4]) if len(digits) > 8 else 2
    rest, sizes = digits[first:], []
    if len(rest) in (6, 8) and rng.random() < 0.3:
        sizes = [2] * (len(rest) // 2)
    else:
        left = len(rest)
        while left > 5:
            sizes.append(4 if left - 4 >= 3 else 3)
            left -= sizes[-1]
        sizes.append(left)
    parts, pos = [digits[:first]], first
    for size in sizes:
        parts.append(digits[pos : pos + size])
        pos += size
    if sep == "/":  # German style: 030/1234567
        return f"{parts[0]}/{''.join(parts[1:])}"
    if sep == "." and len(parts) < 3:  # 0683.29152 reads as a decimal number
        sep = " "
    return sep.join(parts)
