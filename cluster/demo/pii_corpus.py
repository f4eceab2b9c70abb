"""Synthetic PII corpus: realistic sentences in nine languages carrying generated e-mail
addresses, phone numbers of 26 countries (international and national formats), IPv4/IPv6
addresses, payment cards, IBANs and US SSNs, with the true span of each; and near misses.

Every value is generated (random, checksum-valid where the format has a checksum), never
collected. The sentences also carry the numbers that must survive scrubbing: dates, times,
prices, order numbers, versions. ``NEAR_MISSES`` (cluster/demo/pii_near_misses.py) holds
texts with no PII at all.
"""

from __future__ import annotations

import difflib
import ipaddress
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from cluster.demo.pii_phones import phone, phone_plain
from pipelines.pii.cards import luhn_ok

# scheme: (IIN ranges, inclusive and of one width; card lengths), from the schemes' rules.
CARD_SCHEMES = {
    "visa": ((("4", "4"),), (13, 16, 19)),
    "mastercard": ((("51", "55"), ("2221", "2720")), (16,)),
    "amex": ((("34", "34"), ("37", "37")), (15,)),
    "discover": ((("6011", "6011"), ("644", "649"), ("65", "65"), ("622126", "622925")),
                 (16, 17, 18, 19)),
    "maestro": ((("50", "50"), ("56", "69")), tuple(range(12, 20))),
    "jcb15": ((("2131", "2131"), ("1800", "1800")), (15,)),
    "jcb": ((("3528", "3589"),), (16,)),
    "diners": ((("300", "305"), ("36", "36"), ("38", "39")), (14,)),
    "unionpay": ((("62", "62"),), (16, 17, 18, 19)),
}  # fmt: skip
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
    # a phone word before the number (in the languages we keep), then any shape
    "Phone: {phone_plain} | Fax: {phone} | Mobile: {phone}",
    "Kontakt: Tel. {phone}, Handy {phone_plain} (Mo–Fr 8–16 Uhr).",
    "Telefon {phone_plain}, Bestellung {order} vom {date}.",
    "Pour nous joindre : tél. {phone} ou portable {phone_plain}.",
    "Atención al cliente: teléfono {phone}, móvil {phone_plain}.",
    "Per assistenza: telefono {phone_plain}, cellulare {phone}.",
    "Klantenservice: telefoon {phone_plain}, of mail {email}.",
    "Atendimento: telefone {phone}, celular {phone_plain}.",
    "Контакты: телефон {phone}, тел. {phone_plain}.",
    "联系我们：电话 {phone} 或手机 {phone_plain} 。",  # spaced: score() compares words
    "お問い合わせ：電話 {phone_plain} （平日9時〜17時）",
]


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    entity: str
    shape: str = ""  # how the value is written: "maestro/dashed", "possible/trunk+ext", ...


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
            value, entity, shape = VALUES[piece](rng)
            truth.append(Entity(len(text), len(text) + len(value), entity, shape))
            text += value
    return text


def email(rng: random.Random) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", first,
                        f"{first}_{last}+news"])  # fmt: skip
    return f"{local}@{rng.choice(DOMAINS)}", "email", ""


def ip(rng: random.Random) -> tuple[str, str, str]:
    while True:
        if rng.random() < 0.7:
            address = ipaddress.IPv4Address(rng.getrandbits(32))
        else:  # global unicast under 2a00::/12 and 2600::/12
            prefix = rng.choice([0x2A0, 0x260]) << 116
            address = ipaddress.IPv6Address(prefix | rng.getrandbits(116))
        if address.is_global and str(address) not in ("1.1.1.1", "8.8.8.8"):
            text = address.compressed if rng.random() < 0.7 else address.exploded
            return text, "ip", f"v{address.version}"


def card(rng: random.Random) -> tuple[str, str, str]:
    """A Luhn-valid number of a random scheme, IIN range and length, plain or grouped as
    printed (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3, ...) with spaces or dashes."""
    scheme = rng.choice(sorted(CARD_SCHEMES))
    ranges, lengths = CARD_SCHEMES[scheme]
    low, high = rng.choice(ranges)
    prefix, length = str(rng.randint(int(low), int(high))), rng.choice(lengths)
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    digits = next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))
    separator = rng.choice(["", " ", "-"])
    if length in (14, 15) and (scheme in ("amex", "diners") or rng.random() < 0.5):
        groups = (4, 6, length - 10)
    else:
        groups = (4,) * (length // 4) + ((length % 4,) if length % 4 else ())
    parts, pos = [], 0
    for size in groups:
        parts.append(digits[pos : pos + size])
        pos += size
    grouping = {"": "plain", " ": "spaced", "-": "dashed"}[separator]
    return separator.join(parts), "credit_card", f"{scheme}/{grouping}"


def iban(rng: random.Random) -> tuple[str, str, str]:
    country, layout = rng.choice(sorted(IBAN_BBAN.items()))
    bban = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if c == "A" else str(rng.randint(0, 9))
        for c in layout
    )
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    value = f"{country}{98 - number % 97:02d}{bban}"
    grouped = rng.random() < 0.7
    if grouped:  # the print format: groups of four
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    case = rng.choice(["upper", "upper", "lower"])
    value = value.lower() if case == "lower" else value
    return value, "iban", f"{case}/{'spaced' if grouped else 'plain'}"


def ssn(rng: random.Random) -> tuple[str, str, str]:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}", "ssn", ""


VALUES = {
    "email": email, "phone": phone, "phone_plain": phone_plain, "ip": ip, "card": card,
    "iban": iban, "ssn": ssn,
}  # fmt: skip


@dataclass(frozen=True)
class Score:
    entities: int
    recalled: int  # every word of the value changed in the output
    other_words: int
    other_changed: int  # words outside any value that the output lost or changed
    # "phone" and "phone:possible/trunk+ext": (planted, recalled), per type and per shape
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)

    def recall_of(self, kind: str) -> float:
        planted, recalled = self.by_kind.get(kind, (0, 0))
        return recalled / max(planted, 1)

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
    planted, found = Counter(), Counter()
    for (text, truth), output in zip(corpus, outputs, strict=True):
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        kept = _kept_words([text[a:b] for a, b in words], output.split())
        owner = [
            next((i for i, e in enumerate(truth) if a < e.end and b > e.start), None)
            for a, b in words
        ]
        for i, entity in enumerate(truth):
            hit = not any(kept[w] for w, o in enumerate(owner) if o == i)
            for kind in (entity.entity, f"{entity.entity}:{entity.shape}"):
                planted[kind] += 1
                found[kind] += hit
            entities, recalled = entities + 1, recalled + hit
        other += sum(o is None for o in owner)
        changed += sum(o is None and not kept[w] for w, o in enumerate(owner))
    by_kind = {kind: (n, found[kind]) for kind, n in sorted(planted.items())}
    return Score(entities, recalled, other, changed, by_kind)


def _kept_words(before: list[str], after: list[str]) -> list[bool]:
    kept = [False] * len(before)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            kept[i] = True
    return kept
