"""Running the detectors over a column: one RE2 pre-check pass, then Python only where it hit.

Every detector has a hint, an RE2 pattern that each of its matches contains. The pre-check is
one pass of all hints combined over the whole column (vectorized, no per-row Python); rows
without a hit (most web pages: no ``@``, no 7-digit run, no key prefix) cost nothing more. On the
remaining rows each hint is tested again to pick the detectors worth running per row.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.pii import detectors as D
from pipelines.pii.cards import CARD_HINT, find_credit_card
from pipelines.pii.phones import DEFAULT_REGIONS, PHONE_HINT, PHONE_MODES, find_phone
from pipelines.pii.secrets import SECRET_HINT, find_secret

# Entity types, in the order of the ``pii_counts`` struct.
ENTITIES = ("email", "phone", "ip", "credit_card", "iban", "ssn", "secret")
# Where two detections overlap, the one earlier here wins (a card number inside an assigned
# secret is the secret; digits inside an e-mail address are the address).
PRIORITY = ("secret", "email", "iban", "credit_card", "ssn", "ip", "phone")
# Digits inside a URL (paths, ids, query strings) are not phone, card or SSN numbers;
# addresses, hosts, IBANs (checksummed) and tokens inside URLs are still found.
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+")
_FOUND_IN_URLS = frozenset(["email", "ip", "iban", "secret"])


@dataclass(frozen=True)
class Detector:
    entity: str
    hint: str  # RE2: every match of ``find`` contains a match of this
    find: Callable[[str], Iterable[D.Span]]


def build_detectors(
    entities: Iterable[str] = ENTITIES,
    *,
    keep_private_ips: bool = True,
    phone_regions: tuple[str, ...] = DEFAULT_REGIONS,
    phone_mode: str = PHONE_MODES[0],
) -> list[Detector]:
    find = partial(find_phone, regions=phone_regions, mode=phone_mode)
    every = {
        "email": Detector("email", D.EMAIL_HINT, D.find_email),
        "phone": Detector("phone", PHONE_HINT, find),
        "ip": Detector("ip", D.IP_HINT, partial(D.find_ip, keep_private=keep_private_ips)),
        "credit_card": Detector("credit_card", CARD_HINT, find_credit_card),
        "iban": Detector("iban", D.IBAN_HINT, D.find_iban),
        "ssn": Detector("ssn", D.SSN_HINT, D.find_ssn),
        "secret": Detector("secret", SECRET_HINT, find_secret),
    }
    return [every[e] for e in ENTITIES if e in set(entities)]


class Scanner:
    """Finds the spans of the selected entity types in documents or whole columns."""

    def __init__(self, detectors: list[Detector]) -> None:
        self.detectors = detectors
        self.precheck = "|".join(f"(?:{d.hint})" for d in detectors)

    def spans(self, text: str, detectors: Iterable[Detector] | None = None) -> list[D.Span]:
        """Non-overlapping spans of ``text`` in reading order."""
        found = [
            s for d in (self.detectors if detectors is None else detectors) for s in d.find(text)
        ]
        if any(s.entity not in _FOUND_IN_URLS for s in found):
            urls = [m.span() for m in _URL.finditer(text)]
            starts = [start for start, _ in urls]
            found = [s for s in found if s.entity in _FOUND_IN_URLS or not _inside(s, urls, starts)]
        return resolve(found)

    def candidates(self, text: pa.Array) -> np.ndarray:
        """Rows that may contain an entity (the pre-check); False for null text."""
        if not self.detectors or not len(text):
            return np.zeros(len(text), dtype=bool)
        hit = pc.match_substring_regex(text, self.precheck)
        return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)

    def scan(self, text: pa.Array) -> tuple[np.ndarray, list[str], list[list[D.Span]]]:
        """Candidate rows of ``text``, their values and their spans (the per-row Python part)."""
        rows = np.flatnonzero(self.candidates(text))
        if not len(rows):
            return rows, [], []
        subset = text.take(pa.array(rows))
        hints = [
            pc.match_substring_regex(subset, d.hint).to_numpy(zero_copy_only=False)
            for d in self.detectors
        ]
        values = subset.to_pylist()
        spans = [
            self.spans(value, [d for d, hint in zip(self.detectors, hints) if hint[i]])
            for i, value in enumerate(values)
        ]
        return rows, values, spans


def resolve(spans: list[D.Span]) -> list[D.Span]:
    """Keep the higher-priority (then earlier, then longer) of overlapping spans."""
    order = {e: i for i, e in enumerate(PRIORITY)}
    return D.non_overlapping(spans, lambda s: (order[s.entity], s.start, s.start - s.end))


def _inside(span: D.Span, urls: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether ``span`` lies in one of ``urls`` (sorted, disjoint, ``starts`` their starts)."""
    i = bisect.bisect_right(starts, span.start) - 1
    return i >= 0 and span.end <= urls[i][1]
