"""Phone numbers (libphonenumber, grouping and context rules) and secrets (shapes, entropy)."""

from __future__ import annotations

import pytest

from pipelines.pii.phones import find_phone
from pipelines.pii.secrets import entropy, find_secret, looks_random


def phones(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_phone(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call (201) 555-0123 today", ["(201) 555-0123"]),
        ("+44 (0)20 7946 0958 is the office", ["+44 (0)20 7946 0958"]),
        ("Tel: 0049 30 123456", ["0049 30 123456"]),
        ("Bureau : 01 23 45 67 89.", ["01 23 45 67 89"]),
        ("Mobil 0151 23456789, Tel. 030/123456", ["0151 23456789", "030/123456"]),
        ("Contact Dr. Keller (tel. 020 7946 0958) today", ["020 7946 0958"]),
        ("call 8 (912) 345-67-89 or +7 912 345-67-89", ["8 (912) 345-67-89", "+7 912 345-67-89"]),
        ("東京03-1234-5678まで", ["03-1234-5678"]),
        ("Tel 030 123456 / 030 654321", ["030 123456", "030 654321"]),
        ("Tel 2015550123", ["2015550123"]),  # unseparated: only after a phone word
        ("Amsterdam newsroom +31 20 504 5000", ["+31 20 504 5000"]),
    ],
)
def test_phone_numbers(text, expected):
    assert phones(text) == expected


# Written by hand, as people write them (not by libphonenumber's formatter).
WRITTEN = [
    "+1 (415) 555-2671", "(415)555-2671", "415.555.2671", "1-800-555-0199", "+49 (0) 30 12345678",
    "+49-30-12345678", "030-12345678", "+33 (0)1 23 45 67 89", "06.12.34.56.78", "912 345 678",
    "+39 06 1234 5678", "+81-3-1234-5678", "138 0013 8000", "098765 43210", "0412 345 678",
    "+55 (11) 91234-5678", "(11) 91234-5678", "8 (495) 123-45-67", "010-1234-5678",
    "0532 123 45 67", "082 123 4567", "06-12345678", "601 234 567", "070-123 45 67",
    "079 123 45 67", "0664 1234567", "0470 12 34 56", "55 1234 5678", "+358 40 1234567",
    "+420 601 123 456", "050 123 4567", "0917 123 4567", "0803 123 4567", "021 123 4567",
]  # fmt: skip


@pytest.mark.parametrize("number", WRITTEN)
def test_numbers_as_people_write_them_without_a_phone_word(number):
    assert phones(f"Our office: {number}, open 9-17.") == [number]


@pytest.mark.parametrize(
    "text",
    [
        "order 2015550123; Order #123-456-7890; invoice 020 7946 0958",
        "Released 2021-03-04, 14.03.2023 and 03/14/2023",
        "years 2019 2020 2021; pages 1 2 3 4 5 6 7 8 Next",
        "Version 1.2.3.4, ISBN 978-3-16-148410-0, ISSN 2049-3630",
        "costs $1 234 567 or € 12 345 678; population 8 336 817",
        "Tiger Woods 71 70 68 72 , Tim Herron 70 67 75 72",  # golf scores
        "Services Revenue 1,154 692 624 465 Operating Income",  # a table row
        "SPT TELECOM 3355.00 3404.71 10700 36337.137",
        "server 203.0.113.5 answered",
    ],
)
def test_numbers_that_are_not_phones(text):
    assert phones(text) == []


def test_digits_in_urls_are_left_to_the_scanner():
    from pipelines.pii import Scanner, build_detectors

    text = "see https://example.com/page~201.555.0123 or call (201) 555-0123"
    assert phones(text) == ["201.555.0123", "(201) 555-0123"]
    spans = Scanner(build_detectors()).spans(text)
    assert [text[s.start : s.end] for s in spans] == ["(201) 555-0123"]


def secrets(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_secret(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("aws_access_key_id=AKIAIOSFODNN7EXAMPLE", ["AKIAIOSFODNN7EXAMPLE"]),
        ("token ghp_" + "a1B2" * 9 + " leaked", ["ghp_" + "a1B2" * 9]),
        ("GITLAB=glpat-xY7_k2PqR9sT4vW1zA3b", ["glpat-xY7_k2PqR9sT4vW1zA3b"]),
        (
            "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
            ["xoxb-123456789012-1234567890123-AbCdEfGhIjKl"],
        ),
        ('api_key = "a8F3kd92LmQz77Xv1p"', ["a8F3kd92LmQz77Xv1p"]),
        ('"client_secret": "Zr8q2Lx0Vb7NwT4k", x', ["Zr8q2Lx0Vb7NwT4k"]),
        ("Authorization: Bearer 9fK2mZ7qL1xV8bN3cR5tY0wU", ["9fK2mZ7qL1xV8bN3cR5tY0wU"]),
    ],
)
def test_secrets(text, expected):
    assert secrets(text) == expected


def test_private_key_block_is_one_secret():
    key = (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow"
        + "IBAAKCAQEA" * 6
        + "\n-----END RSA PRIVATE KEY-----"
    )
    assert secrets(f"key:\n{key}\nafter") == [key]
    truncated = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n\nNext paragraph."
    )
    assert secrets(truncated) == [truncated.split("\n\n")[0]]


def test_jwt_needs_a_json_header():
    jwt = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    assert secrets(f"token: {jwt}") == [jwt]
    assert secrets("eyJub3RqdXN0.eyJhYmNkZWZnaA.c2lnbmF0dXJl") == []  # no alg/typ


@pytest.mark.parametrize(
    "text",
    [
        "api_key = os.environ['API_KEY']; password = getpass()",
        "token = tokenizer.encode(text); secret_key = settings.SECRET_KEY",
        '"token": "your_token_here", api_key: "<API_KEY>", password: "changeme123456"',
        "password = 'aaaaaaaaaaaaaaaa1'; pwd: correcthorsebatterystaple",
        "The key: C major. The token ring network. Keyboard shortcuts.",
        "commit 3f9a1c2b4d5e6f708192a3b4c5d6e7f809a1b2c3",
    ],
)
def test_not_secrets(text):
    assert secrets(text) == []


def test_entropy():
    assert entropy("aaaa") == 0 and entropy("abcd") == 2
    assert looks_random("a8F3kd92LmQz77Xv1p") and not looks_random("tokenizer_encode_1")
