"""Secrets: cloud and API credentials with a known shape, private key blocks, JWTs, and values
assigned to ``api_key=`` / ``password:`` style names when they look random (entropy check)."""

from __future__ import annotations

import base64
import json
import math
import re
from collections import Counter
from collections.abc import Iterator

from pipelines.pii.detectors import Span, non_overlapping

SECRET_HINT = (
    r"AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|gl(?:dt|ptt|rt)-|xox[abposr]-|hooks\.slack\.com"
    r"|sk_live_|rk_live_|AIza|-----BEGIN|eyJ[\w-]{8,}\.eyJ"
    r"|(?i:key|token|secret|passw|pwd|credential)[\w\"'-]{0,21}\s*(?:[:=]|=>)|(?i:bearer)\s"
)
# Credentials whose shape alone identifies them (prefixes from each vendor's documentation).
_SHAPED = re.compile(
    r"\b(?:(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"  # AWS access key id
    r"|gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,255}"  # GitHub
    r"|(?:glpat|gldt|glptt|glrt)-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|(?:sk|rk)_live_[A-Za-z0-9]{20,}"  # Stripe
    r"|AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])"  # Google API key
    r"|https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}"
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----"
    r"(?:[\s\S]*?-----END \1PRIVATE KEY\2-----|(?:\s*[A-Za-z0-9+/=:,-]{8,}(?: [\w,-]+)*)*)"
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
# name = "value", name: value, "name": "value", name => 'value' (config files, code, URLs).
_ASSIGNED = re.compile(
    r"(?i)\b[\w.-]{0,30}?(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|pwd|access[_-]?key"
    r"|private[_-]?key|client[_-]?secret|credentials?)[\w-]{0,20}[\"']?\s*(?:[:=]|=>)\s*"
    r"(?:[\"'](?P<quoted>[^\"'\s]{12,200})[\"']|(?P<bare>[A-Za-z0-9_+/=.~-]{16,200}))"
)
_BEARER = re.compile(r"(?i)\bbearer\s+(?P<bare>[A-Za-z0-9_+/=.~-]{16,500})")
# Entropy in bits per character: random base64 of 20+ characters scores ~4.2-5, hex ~3.5-4,
# English words and identifiers ~2.5-3.5 (detect-secrets and truffleHog use 4.5 / 3.0).
MIN_ENTROPY = 3.5
_PLACEHOLDER = re.compile(
    r"(?i)your|example|placeholder|changeme|change_me|xxxx|\*\*\*|<|>|\$\{|\{\{|%\(|"
    r"env\b|environ|getenv|process\.|config\.|settings\.|secrets\.|dummy|sample|redacted|"
    r"^(.)\1+$|[a-z](?:_[a-z]+){2,}"
)


def entropy(value: str) -> float:
    """Shannon entropy of the characters of ``value``, bits per character."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(value: str) -> bool:
    """A credential, not a word, identifier, path, expression or placeholder."""
    return (
        entropy(value) >= MIN_ENTROPY
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and not _PLACEHOLDER.search(value)
        and not re.fullmatch(r"[\w.]+\(.*", value)  # a call: token = tokenizer.encode(x)
    )


def jwt_ok(token: str) -> bool:
    """The header decodes to a JSON object naming an algorithm or a type."""
    header = token.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except ValueError:
        return False
    return isinstance(decoded, dict) and bool({"alg", "typ"} & set(decoded))


def find_secret(text: str) -> Iterator[Span]:
    """Key blocks, then shaped tokens, JWTs and assigned values; each text range once."""
    rank: dict[Span, int] = {}  # earlier kinds win overlaps
    for i, span in enumerate(_candidates(text)):
        rank.setdefault(span, i)
    yield from non_overlapping(list(rank), rank.__getitem__)


def _candidates(text: str) -> Iterator[Span]:
    for m in _PRIVATE_KEY.finditer(text):
        yield Span(m.start(), m.end(), "secret", m.group(0))
    for m in _SHAPED.finditer(text):
        yield Span(m.start(), m.end(), "secret", m.group(0))
    for m in _JWT.finditer(text):
        if jwt_ok(m.group(0)):
            yield Span(m.start(), m.end(), "secret", m.group(0))
    for m in (*_ASSIGNED.finditer(text), *_BEARER.finditer(text)):
        group = "quoted" if m.groupdict().get("quoted") else "bare"
        value = m.group(group).rstrip(".,;")
        if looks_random(value):
            start = m.start(group)
            yield Span(start, start + len(value), "secret", value)
