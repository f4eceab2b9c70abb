"""The demo's original paragraphs, (title, text) per language, read from paragraphs.json (package
data): English, German, French, Spanish, Dutch, Russian, Chinese, Japanese and Portuguese."""

import json
from pathlib import Path

PARAGRAPHS: dict[str, tuple[tuple[str, str], ...]] = {
    lang: tuple((title, text) for title, text in items)
    for lang, items in json.loads(
        (Path(__file__).parent / "paragraphs.json").read_text(encoding="utf-8")
    ).items()
}
