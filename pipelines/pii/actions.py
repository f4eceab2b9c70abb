"""What happens to a detected value: a type token, a mask, or a salted hash token."""

from __future__ import annotations

import hashlib
import re

from pipelines.pii.detectors import Span

# ``drop_document`` rejects documents above a count; below it the values are replaced.
ACTIONS = ("replace", "mask", "hash", "drop_document")
TOKENS = {
    "email": "EMAIL",
    "phone": "PHONE",
    "ip": "IP",
    "credit_card": "CREDIT_CARD",
    "iban": "IBAN",
    "ssn": "SSN",
    "secret": "SECRET",
}
_MASKED = re.compile(r"[^\W_]")


class Rewriter:
    """Rewrites the detected spans of a document, each with its entity type's action."""

    def __init__(self, actions: dict[str, str], salt: str = "") -> None:
        self.actions = actions
        # Keyed BLAKE2b: the same value gives the same token everywhere the salt is the same.
        self._key = hashlib.blake2b(salt.encode(), digest_size=32).digest()

    def token(self, span: Span, value: str) -> str:
        """``<EMAIL>``; mask: letters and digits as ``*``, separators kept; hash: ``<EMAIL:3f9a1c2b>``
        from the normalized value (an address in any letter case, a phone number in any format,
        give one token)."""
        action = self.actions[span.entity]
        if action == "mask":
            return _MASKED.sub("*", value)
        if action == "hash":
            digest = hashlib.blake2b(span.key.encode(), digest_size=4, key=self._key).hexdigest()
            return f"<{TOKENS[span.entity]}:{digest}>"
        return f"<{TOKENS[span.entity]}>"

    def __call__(self, text: str, spans: list[Span]) -> str:
        """``text`` with each of ``spans`` (sorted, non-overlapping) replaced by its token."""
        pieces, pos = [], 0
        for span in spans:
            pieces += [text[pos : span.start], self.token(span, text[span.start : span.end])]
            pos = span.end
        pieces.append(text[pos:])
        return "".join(pieces)
