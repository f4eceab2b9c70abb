"""Each detector on its own: positives, validation rules, and the look-alikes it must leave."""

from __future__ import annotations

import pytest

from pipelines.pii.cards import find_credit_card, luhn_ok
from pipelines.pii.detectors import find_email, find_iban, find_ip, find_ssn, iban_ok


def found(find, text, **kwargs) -> list[str]:
    return [text[s.start : s.end] for s in find(text, **kwargs)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("write to john.doe@example.com.", ["john.doe@example.com"]),
        ("<a href='mailto:A.B+tag@Sub.Mail.co.uk'>", ["A.B+tag@Sub.Mail.co.uk"]),
        ("連絡先taro@example.jpまで", ["taro@example.jp"]),  # glued to CJK text
        ("QQ: 550502573@qq.com, 163: li_wei@163.com", ["550502573@qq.com", "li_wei@163.com"]),
        ("git@github.com:user/repo.git", []),  # scp syntax, not an address
        ("url(icon@2x.png) and pkg@1.0.3.tgz", []),  # file names
        ("@media screen, @Override, user@localhost, a@b", []),
    ],
)
def test_email(text, expected):
    assert found(find_email, text) == expected


def test_email_key_lowercases_the_domain_only():
    (span,) = find_email("Ann.Lee@Example.COM")
    assert span.key == "Ann.Lee@example.com"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("login from 81.198.191.251 at 3am", ["81.198.191.251"]),
        ("http://159.148.108.128:8080/x", ["159.148.108.128"]),
        ("client 2a03:2880:f12f:83:face:b00c::25de fetched", ["2a03:2880:f12f:83:face:b00c::25de"]),
        ("2606:4700:4700:0000:0000:0000:0000:1111", ["2606:4700:4700:0000:0000:0000:0000:1111"]),
        ("version 1.2.3.4, v1.2.3.4, section 5.1.2.3, OID 1.3.6.1.4.1.311", []),
        ("Chrome/120.0.6099.109, 256.1.1.1, 01.02.03.04, 1.2.3.4.5", []),
        ("12:30:45, std::vector, a::b, MAC 00:1A:2B:3C:4D:5E", []),
        ("DNS 8.8.8.8 and 1.1.1.1", []),  # public resolvers name a service
    ],
)
def test_ip(text, expected):
    assert found(find_ip, text) == expected


def test_private_ranges_are_kept_unless_asked():
    text = "router 192.168.1.1, loopback 127.0.0.1 and ::1, docs 203.0.113.7, fe80::1ff:fe23:4567"
    assert found(find_ip, text) == []
    assert found(find_ip, text, keep_private=False) == [
        "192.168.1.1",
        "127.0.0.1",
        "203.0.113.7",
        "fe80::1ff:fe23:4567",
    ]  # ::1 has fewer than three groups: indistinguishable from code


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Visa 4111 1111 1111 1111 charged", ["4111 1111 1111 1111"]),
        (
            "MC 5500-0000-0000-0004; Amex 3782 822463 10005",
            ["5500-0000-0000-0004", "3782 822463 10005"],
        ),
        ("plain 4012888888881881 and 19 digits 6011000990139424000", ["4012888888881881"]),
        ("Luhn fails: 4111 1111 1111 1112", []),
        ("no issuer: 9111 1111 1111 1115, 1234567812345670", []),
        ("mixed separators 4111 1111-1111 1111, odd groups 41 1111 1111 1111 11", []),
        ("ISBN 978-3-16-148410-0 and 978 0 306 40615 7", []),
    ],
)
def test_credit_card(text, expected):
    assert found(find_credit_card, text) == expected


def test_luhn():
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("IBAN DE89 3704 0044 0532 0130 00.", ["DE89 3704 0044 0532 0130 00"]),
        (
            "GB29NWBK60161331926819 and FR1420041010050500013M02606",
            ["GB29NWBK60161331926819", "FR1420041010050500013M02606"],
        ),
        ("NO9386011117947 (Norway, 15)", ["NO9386011117947"]),
        ("bad checksum DE88 3704 0044 0532 0130 00", []),
        ("too long DE89 3704 0044 0532 0130 001", []),
        ("unknown country XX89 3704 0044 0532 0130 00", []),
    ],
)
def test_iban(text, expected):
    assert found(find_iban, text) == expected


def test_iban_checksum_and_country_length():
    assert iban_ok("GB82WEST12345698765432")
    assert not iban_ok("GB82WEST1234569876543")  # one short for GB (22)
    assert not iban_ok("GB83WEST12345698765432")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SSN 219-45-6789 on file", ["219-45-6789"]),
        ("social security number: 219 45 6789", ["219 45 6789"]),
        ("SSN#219456789", ["219456789"]),
        ("219 45 6789 and 219456789 without a mention", []),
        ("000-12-3456 666-12-3456 900-12-3456 999-12-3456", []),  # areas never issued
        ("123-00-4567 123-45-0000", []),  # group 00, serial 0000
        ("078-05-1120 219-09-9999 123-45-6789", []),  # advertised, never valid
        ("SKU 219-45-6789, order 219-45-6789", []),
    ],
)
def test_ssn(text, expected):
    assert found(find_ssn, text) == expected
