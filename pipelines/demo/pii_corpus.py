"""Synthetic PII corpus: realistic sentences in nine languages carrying generated e-mail
addresses, phone numbers of 26 countries (international and national formats), IPv4/IPv6
addresses, payment cards, IBANs and US SSNs, with the true span of each; and near misses.

Every value is generated (random, checksum-valid where the format has a checksum), never
collected. The sentences also carry the numbers that must survive scrubbing: dates, times,
prices, order numbers, versions. ``NEAR_MISSES`` (pipelines/demo/pii_near_misses.py) holds
texts with no PII at all.
"""

from __future__ import annotations

import difflib
import ipaddress
import random
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from pipelines.pii.detectors import luhn_ok

PHONE_REGIONS = (
    "US", "CA", "GB", "IE", "AU", "IN", "ZA", "DE", "AT", "CH", "FR", "BE", "NL", "IT", "ES",
    "PT", "SE", "PL", "BR", "MX", "AR", "JP", "KR", "CN", "RU", "TR",
)  # fmt: skip
IBAN_BBAN = {  # country: BBAN layout, "9" a digit, "A" a capital letter
    "DE": "9" * 18, "GB": "AAAA" + "9" * 14, "FR": "9" * 23, "ES": "9" * 20, "IT": "A" + "9" * 22,
    "NL": "AAAA" + "9" * 10, "BE": "9" * 12, "CH": "9" * 17, "AT": "9" * 16, "PL": "9" * 24,
    "SE": "9" * 20, "NO": "9" * 11, "DK": "9" * 14, "PT": "9" * 21, "IE": "AAAA" + "9" * 14,
}  # fmt: skip
FIRST = ["anna", "luis", "mei", "jonas", "sara", "omar", "chloe", "pieter", "aiko", "ravi"]
LAST = ["weber", "ortega", "tanaka", "berg", "novak", "haddad", "martin", "devries", "sato"]
DOMAINS = ["gmail.com", "web.de", "outlook.fr", "yahoo.co.jp", "mail.ru", "163.com",
           "uni-heidelberg.de", "acme-corp.com", "post.example.org", "libero.it"]  # fmt: skip
DATES = ["12 March 2023", "2023-03-14", "14.03.2023", "03/14/2023", "1 June", "Q3 2024"]
TEMPLATES = [
    "Hi team, invoice #{order} dated {date} is attached; send questions to {email}.",
    "You can reach our Boston office at {phone} (Mon–Fri, 9:00–17:30).",
    "Failed SSH login for user admin from {ip} on {date} at 03:14:07.",
    "Please wire the $1,250.00 deposit to IBAN {iban} by {date}.",
    "The customer paid $49.99 with card {card} for order #{order}.",
    "Employee record: SSN {ssn}, hired {date}, salary $84,500 per year.",
    "Ping {ip} returned 64 bytes in 23.4 ms; agent version 2.4.1 is installed.",
    "Contact Dr. Maria Keller ({email}, tel. {phone}) about the 2023 study.",
    "Server {ip} answered on port 8443 after 3 retries at 11:02.",
    "Refunds of 19.95 EUR go to card {card} within 5-7 business days.",
    "Her Social Security number is {ssn} and her employee ID is E-20931.",
    "Bei Fragen zur Rechnung vom {date} erreichen Sie uns unter {phone} oder {email}.",
    "Bitte überweisen Sie 1.234,56 € auf das Konto {iban}, Bestellung {order}.",
    "Pour toute question, appelez le {phone} ou écrivez à {email} avant le {date}.",
    "Le virement de 450 € doit être fait sur l'IBAN {iban} avant le 15 mai.",
    "Puede llamarnos al {phone} de lunes a viernes, o escribir a {email}.",
    "Per informazioni chiamare il numero {phone} oppure scrivere a {email}.",
    "Bel ons op {phone} of mail naar {email}; open van 9.00 tot 17.00 uur.",
    "Ligue para {phone} ou envie um e-mail para {email} até {date}.",
    "Prosimy o kontakt pod numerem {phone} lub adresem {email}.",
    "お問い合わせは {phone} または {email} までお願いします。",
    "Our new address for orders is {email}, effective {date}.",
    "Call {phone} to confirm the booking for 2 adults and 1 child.",
    "The IPv6 client {ip} fetched /static/app-3.2.1.js 14 times.",
    "Payment details: {iban} (BIC COBADEFFXXX), reference 2023/118.",
]


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    entity: str


def generate(docs: int, seed: int = 0) -> list[tuple[str, list[Entity]]]:
    """``docs`` texts of 1-3 sentences each, with their true entity spans."""
    rng = random.Random(seed)
    corpus = []
    for _ in range(docs):
        text, truth = "", []
        for _ in range(rng.randint(1, 3)):
            text += " " if text else ""
            text = _sentence(rng, rng.choice(TEMPLATES), text, truth)
        corpus.append((text, truth))
    return corpus


def _sentence(rng: random.Random, template: str, text: str, truth: list[Entity]) -> str:
    pieces = template.replace("}", "{").split("{")
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            text += piece
        elif piece in ("order", "date"):
            text += str(rng.randint(100000, 99999999)) if piece == "order" else rng.choice(DATES)
        else:
            value, entity = VALUES[piece](rng)
            truth.append(Entity(len(text), len(text) + len(value), entity))
            text += value
    return text


def email(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", first,
                        f"{first}_{last}+news"])  # fmt: skip
    return f"{local}@{rng.choice(DOMAINS)}", "email"


def phone(rng: random.Random) -> tuple[str, str]:
    region = rng.choice(PHONE_REGIONS)
    kind = rng.choice([PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE])
    number = phonenumbers.example_number_for_type(region, kind)
    for _ in range(50):  # vary the last four digits while the number stays valid
        candidate = phonenumbers.parse(
            f"+{number.country_code}{str(number.national_number)[:-4]}{rng.randint(0, 9999):04d}"
        )
        if phonenumbers.is_valid_number(candidate):
            number = candidate
            break
    style = rng.choice(["international", "national", "national", "e164"])
    if style == "e164":
        return phonenumbers.format_number(number, PhoneNumberFormat.E164), "phone"
    fmt = (
        PhoneNumberFormat.INTERNATIONAL if style == "international" else PhoneNumberFormat.NATIONAL
    )
    return phonenumbers.format_number(number, fmt), "phone"


def ip(rng: random.Random) -> tuple[str, str]:
    while True:
        if rng.random() < 0.7:
            address = ipaddress.IPv4Address(rng.getrandbits(32))
        else:  # global unicast under 2a00::/12 and 2600::/12
            prefix = rng.choice([0x2A0, 0x260]) << 116
            address = ipaddress.IPv6Address(prefix | rng.getrandbits(116))
        if address.is_global and str(address) not in ("1.1.1.1", "8.8.8.8"):
            text = address.compressed if rng.random() < 0.7 else address.exploded
            return text, "ip"


def card(rng: random.Random) -> tuple[str, str]:
    prefix, length, groups = rng.choice(
        [("4", 16, (4, 4, 4, 4)), ("51", 16, (4, 4, 4, 4)), ("55", 16, (4, 4, 4, 4)),
         ("37", 15, (4, 6, 5)), ("6011", 16, (4, 4, 4, 4)), ("3530", 16, (4, 4, 4, 4))]
    )  # fmt: skip
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    digits = next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))
    separator = rng.choice(["", " ", "-"])
    parts, pos = [], 0
    for size in groups:
        parts.append(digits[pos : pos + size])
        pos += size
    return separator.join(parts), "credit_card"


def iban(rng: random.Random) -> tuple[str, str]:
    country, layout = rng.choice(sorted(IBAN_BBAN.items()))
    bban = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if c == "A" else str(rng.randint(0, 9))
        for c in layout
    )
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    value = f"{country}{98 - number % 97:02d}{bban}"
    if rng.random() < 0.7:  # the print format: groups of four
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value, "iban"


def ssn(rng: random.Random) -> tuple[str, str]:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}", "ssn"


VALUES = {"email": email, "phone": phone, "ip": ip, "card": card, "iban": iban, "ssn": ssn}


@dataclass(frozen=True)
class Score:
    entities: int
    recalled: int  # every word of the value changed in the output
    other_words: int
    other_changed: int  # words outside any value that the output lost or changed

    @property
    def recall(self) -> float:
        return self.recalled / max(self.entities, 1)

    @property
    def other_changed_frac(self) -> float:
        return self.other_changed / max(self.other_words, 1)


def score(corpus: list[tuple[str, list[Entity]]], outputs: list[str]) -> Score:
    """Compare scrubbed ``outputs`` with the truth, by words, knowing nothing of the scrubber:
    words kept verbatim (in order, difflib) are unchanged; a value is recalled when none of its
    words is; a word overlapping a value belongs to the value."""
    entities = recalled = other = changed = 0
    for (text, truth), output in zip(corpus, outputs, strict=True):
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        kept = _kept_words([text[a:b] for a, b in words], output.split())
        owner = [
            next((i for i, e in enumerate(truth) if a < e.end and b > e.start), None)
            for a, b in words
        ]
        entities += len(truth)
        recalled += sum(
            not any(kept[w] for w, o in enumerate(owner) if o == i) for i in range(len(truth))
        )
        other += sum(o is None for o in owner)
        changed += sum(o is None and not kept[w] for w, o in enumerate(owner))
    return Score(entities, recalled, other, changed)


def _kept_words(before: list[str], after: list[str]) -> list[bool]:
    kept = [False] * len(before)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            kept[i] = True
    return kept
