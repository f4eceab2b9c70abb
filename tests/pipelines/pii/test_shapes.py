"""Shapes beyond the basics: every card scheme's IIN ranges, lengths and printed groupings;
phone numbers that are possible but not valid when written as phone numbers (shape, phone
word, extension, trunk ``(0)``) and the ``phone_mode`` option; IBANs in lower case or spaced;
and the near misses each must leave alone."""

from __future__ import annotations

import phonenumbers
import pytest

from cluster.demo.pii_corpus import generate
from pipelines.core.errors import ConfigError
from pipelines.pii.cards import find_credit_card, luhn_ok
from pipelines.pii.detectors import find_iban
from pipelines.pii.phones import find_phone
from pipelines.stages import build_stage
from tests.pipelines.stages.helpers import docs


def found(find, text, **kwargs) -> list[str]:
    return [text[s.start : s.end] for s in find(text, **kwargs)]


def card_number(prefix: str, length: int) -> str:
    """``prefix``, then 1s, then the Luhn check digit: ``length`` digits."""
    body = prefix + "1" * (length - len(prefix) - 1)
    return next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))


def grouped(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, pos = [], 0
    for size in sizes:
        parts.append(digits[pos : pos + size])
        pos += size
    assert pos == len(digits)
    return separator.join(parts)


CARDS = [  # scheme, IIN, length, printed groups
    ("visa-13", "4", 13, (4, 4, 4, 1)),
    ("visa-16", "4", 16, (4, 4, 4, 4)),
    ("visa-19", "4", 19, (4, 4, 4, 4, 3)),
    ("mastercard-51", "51", 16, (4, 4, 4, 4)),
    ("mastercard-2221", "2221", 16, (4, 4, 4, 4)),
    ("mastercard-2720", "2720", 16, (4, 4, 4, 4)),
    ("amex-34", "34", 15, (4, 6, 5)),
    ("amex-37", "37", 15, (4, 6, 5)),
    ("discover-6011", "6011", 16, (4, 4, 4, 4)),
    ("discover-644", "644", 17, (4, 4, 4, 4, 1)),
    ("discover-649", "649", 18, (4, 4, 4, 4, 2)),
    ("discover-65", "65", 19, (4, 4, 4, 4, 3)),
    ("discover-622126", "622126", 16, (4, 4, 4, 4)),
    ("discover-622925", "622925", 19, (4, 4, 4, 4, 3)),
    ("maestro-50-12", "5018", 12, (4, 4, 4)),
    ("maestro-56-13", "56", 13, (4, 4, 4, 1)),
    ("maestro-6759-19", "6759", 19, (4, 4, 4, 4, 3)),
    ("maestro-69-15", "69", 15, (4, 4, 4, 3)),
    ("jcb-2131", "2131", 15, (4, 6, 5)),
    ("jcb-1800", "1800", 15, (4, 4, 4, 3)),
    ("jcb-3528", "3528", 16, (4, 4, 4, 4)),
    ("jcb-3589", "3589", 16, (4, 4, 4, 4)),
    ("diners-300", "300", 14, (4, 6, 4)),
    ("diners-305", "305", 14, (4, 4, 4, 2)),
    ("diners-36", "36", 14, (4, 6, 4)),
    ("diners-38", "38", 14, (4, 6, 4)),
    ("diners-39", "39", 14, (4, 6, 4)),
    ("unionpay-62-16", "62", 16, (4, 4, 4, 4)),
    ("unionpay-62-17", "62", 17, (4, 4, 4, 4, 1)),
    ("unionpay-62-19", "62", 19, (6, 13)),
]


@pytest.mark.parametrize("separator", ["", " ", "-"], ids=["plain", "spaced", "dashed"])
@pytest.mark.parametrize("prefix, length, sizes", [c[1:] for c in CARDS], ids=[c[0] for c in CARDS])
def test_every_scheme_in_every_grouping(prefix, length, sizes, separator):
    digits = card_number(prefix, length)
    value = grouped(digits, sizes, separator) if separator else digits
    spans = list(find_credit_card(f"paid with card {value}, thanks"))
    assert [(s.end - s.start, s.key) for s in spans] == [(len(value), digits)]


def test_a_card_followed_by_more_digits_is_still_found():
    visa = grouped(card_number("4", 16), (4, 4, 4, 4), " ")
    assert found(find_credit_card, f"card {visa} 12 months") == [visa]


@pytest.mark.parametrize(
    "prefix, length",
    [
        ("4", 15),  # Visa is 13, 16 or 19 digits
        ("4", 17),
        ("51", 15),  # Mastercard is 16
        ("2721", 16),  # above Mastercard's 2221-2720
        ("2220", 16),
        ("34", 16),  # Amex is 15
        ("3527", 16),  # below JCB's 3528-3589
        ("2131", 16),  # JCB 2131 and 1800 are 15
        ("300", 16),  # Diners 300-305 is 14
        ("306", 14),  # 306-309: no scheme here
        ("51", 12),  # 12 digits are Maestro only
        ("7", 16),  # no issuer starts with 7, 8, 9 or 0
        ("9", 16),
    ],
)
def test_wrong_length_or_range_for_the_scheme(prefix, length):
    number = card_number(prefix, length)
    assert found(find_credit_card, f"card {number}") == []


def test_bar_codes_need_a_card_word():
    ean = "5000000000005"  # a valid EAN-13 (UK prefix 50), also Luhn-valid as Maestro
    assert luhn_ok(ean)
    assert found(find_credit_card, f"Barcode {ean} on the box") == []
    assert found(find_credit_card, f"Maestro card {ean}") == [ean]


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112",  # Luhn fails
        "card 4111 1111-1111 1111",  # mixed separators
        "card 41111 11111 11111 1",  # not a printed grouping
        "ISBN 978-3-16-148410-0, EAN 4006381333931, order 501234567890",
    ],
)
def test_card_near_misses(text):
    assert found(find_credit_card, text) == []


# Possible (a length in use) but not valid (no operator has the range): still phone numbers.
POSSIBLE = [
    "+44 171 542 7658",  # London before 2000
    "+7095 941 8520",  # Moscow before 2000, written without a space
    "+1 555 123 4567",
    "+31 6 0123 4567",
    "+81-3-0123-4567",
    "+15551234567",
    "0044 171 542 7658",
    "(123) 456-7890",
    "123-456-7890",
    "123.456.7890",
    "1-123-456-7890",
    "8 (095) 941-85-20",
    "0199 123 4567",
    "0199-123-4567",
    "0199/1234567",
    "(0199) 123 4567",
    "05 0012 3456",
]


@pytest.mark.parametrize("number", POSSIBLE)
def test_possible_numbers_in_a_phone_shape(number):
    if number.startswith(("+", "00")):  # the premise (national ones: valid in no region)
        parsed = phonenumbers.parse("+" + number.removeprefix("00").lstrip("+"))
        assert phonenumbers.is_possible_number(parsed)
        assert not phonenumbers.is_valid_number(parsed)
    assert found(find_phone, f"The office: {number}, open 9-17.") == [number]
    assert found(find_phone, f"The office: {number}, open 9-17.", mode="valid") == []


@pytest.mark.parametrize("number", ["+44 (0)171 542 7658", "+7 (095) 941-85-20"])
def test_trunk_prefix_in_brackets(number):
    assert found(find_phone, f"Call us on {number} today") == [number]


@pytest.mark.parametrize(
    "word",
    [
        "tel", "Tel.", "phone:", "call", "fax", "mobile", "Telefon", "Handy", "tél.",
        "téléphone", "portable", "teléfono", "móvil", "telefono", "cellulare", "telefoon",
        "telefone", "celular", "телефон", "тел.", "电话：", "手机", "電話",
    ],
)  # fmt: skip
def test_unseparated_possible_numbers_after_a_phone_word(word):
    for number in ["5899913303", "03891596306"]:  # possible, valid in no region
        assert found(find_phone, f"{word} {number}") == [number]
        assert found(find_phone, f"{word} {number}", mode="valid") == []


def test_unseparated_and_ungrouped_numbers_need_a_phone_word():
    assert found(find_phone, "ref 5899913303 and 03891596306 and 589 991 33 03") == []


@pytest.mark.parametrize(
    "extension", [" x123", "x123", " ext. 123", " ext 123", " Ext.123", ", extension 123"]
)
@pytest.mark.parametrize("number", ["+44 20 7946 0958", "(555) 123-4567"])
def test_an_extension_belongs_to_the_number(number, extension):
    text = f"Call {number}{extension} now"
    spans = list(find_phone(text))
    assert [text[s.start : s.end] for s in spans] == [f"{number}{extension}"]
    assert spans[0].key.endswith(";ext=123")


@pytest.mark.parametrize(
    "text",
    [
        "Released 2023-03-14, 14.03.2023, 03/14/2023; call 20230314",  # dates
        "Upgrade to 10.0.19041.1 or version 1.2.3.4",  # versions
        "ISBN 0-306-40615-2, ISBN 978-3-16-148410-0, ISSN 0140-6736",  # book numbers
        "costs $ 1 234 567 or € 0 123 456; 3355.00 3404.71 10700",  # prices
        "Order 555-123-4567, invoice 0171 542 7658, SKU 0123 456 789",  # named numbers
        "at +48.8566140 2.3522219 and 48.8566, 2.3522",  # coordinates
        "vaidu (1600-1629), 1990-2005, 2019 2020 2021",  # year ranges and lists
        "open 0800-1200 and 1300-1700",  # opening hours
        "Nature (2003) 421 805-811",  # a citation
        "SPT TELECOM 3355.00 3404.71 10700 36337.137",  # tel(ecom) is no phone word
        "王贵贞02018-05-06 发布",  # a date glued to a digit
        "Kontonummer 0123 456 789",  # an account number
    ],
)
def test_phone_near_misses(text):
    assert found(find_phone, text) == []


def test_a_phone_word_does_not_reach_past_a_named_number():
    text = "Telefon 5899913303, Bestellung 50329064 vom 1 June; tel. 0199 123 4567, pedido 81234567"
    assert found(find_phone, text) == ["5899913303", "0199 123 4567"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("iban de89370400440532013000.", "de89370400440532013000"),
        ("iban de89 3704 0044 0532 0130 00.", "de89 3704 0044 0532 0130 00"),
        ("IBAN: gb29 nwbk 6016 1331 9268 19", "gb29 nwbk 6016 1331 9268 19"),
        ("IBAN De89 3704 0044 0532 0130 00", "De89 3704 0044 0532 0130 00"),
        ("IBAN DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", None),
        ("IBAN FR14\u202f2004\u202f1010\u202f0505\u202f0001\u202f3M02\u202f606", None),
    ],
)
def test_iban_in_any_case_and_spacing(text, expected):
    expected = expected or text.removeprefix("IBAN ")
    (span,) = find_iban(text)
    assert text[span.start : span.end] == expected
    assert span.key == "".join(ch for ch in expected if ch.isalnum()).upper()


@pytest.mark.parametrize(
    "text",
    [
        "iban de88 3704 0044 0532 0130 00",  # bad checksum
        "iban de89 37040044 0532013000",  # lower case: only groups of four
        "iban xde89370400440532013000 and de89370400440532013000x",  # glued
        "iban de89 3704 0044 0532 0130 001",  # too long
        "hash gb29nwbk60161331926818 and mp3 player ab12 cd34",
    ],
)
def test_iban_near_misses(text):
    assert found(find_iban, text) == []


def test_phone_mode_option_of_the_stage():
    texts = ["Newsroom +44 171 542 7658", "Newsroom +44 20 7946 0958"]
    broad = build_stage("pii")(docs(texts))["text"].to_pylist()
    valid = build_stage("pii", {"phone_mode": "valid"})(docs(texts))["text"].to_pylist()
    assert broad == ["Newsroom <PHONE>", "Newsroom <PHONE>"]
    assert valid == ["Newsroom +44 171 542 7658", "Newsroom <PHONE>"]
    with pytest.raises(ConfigError, match="phone_mode='strict' must be one of possible, valid"):
        build_stage("pii", {"phone_mode": "strict"})


def test_the_generator_plants_every_new_shape():
    shapes = {e.shape for _, truth in generate(1500, seed=3) for e in truth}
    schemes = {s.split("/")[0] for s in shapes if "/" in s}
    assert {"visa", "mastercard", "amex", "discover", "maestro", "jcb", "jcb15", "diners",
            "unionpay"} <= schemes  # fmt: skip
    for shape in ["possible/intl", "possible/trunk", "possible/national", "possible/e164",
                  "possible/plain", "possible/trunk+ext", "valid/national+ext", "lower/spaced",
                  "lower/plain", "amex/spaced", "maestro/dashed"]:  # fmt: skip
        assert shape in shapes, shape
