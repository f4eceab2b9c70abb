"""Tiny generated corpora for the quality classifier: encyclopedic prose vs spam and boilerplate.

Both sides share names, places and years, so the classifier has to learn the register (prose vs
keyword soup), not a vocabulary of entities.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PLACES = [
    "Lyon",
    "Toledo",
    "Kraków",
    "Osaka",
    "Bergen",
    "Porto",
    "Tartu",
    "Ghent",
    "Perth",
    "Quito",
]
NAMES = ["Anna Weber", "Luis Ortega", "Mei Tanaka", "Jonas Berg", "Sara Novak", "Omar Haddad"]
THINGS = ["cathedral", "railway", "university", "observatory", "harbour", "library", "bridge"]
YEARS = [str(y) for y in range(1750, 2020, 7)]

PROSE = [
    "The {thing} in {place} was completed in {year} after a design by {name}.",
    "{name} described the {thing} as one of the finest examples of its period.",
    "During the {year} census the population of {place} grew to several hundred thousand.",
    "The {thing} was damaged in {year} and later restored by the regional government.",
    "Historians have argued that the growth of {place} depended on its {thing}.",
    "In {year}, {name} published a study of the {thing} and its influence on trade.",
    "{place} lies on the northern bank of the river, close to the old {thing}.",
    "The name of the {thing} derives from an older word meaning crossing or ford.",
    "Its collection includes manuscripts, maps and letters written by {name}.",
    "A second {thing} was opened in {year}, connecting {place} with the coast.",
]
SPAM = [
    "buy",
    "cheap",
    "casino",
    "free",
    "click here",
    "best price",
    "discount",
    "loans",
    "bonus",
    "shop now",
    "deal",
    "pills",
    "crypto",
    "jackpot",
    "offer",
    "win",
    "sale",
]
BOILERPLATE = [
    "Home",
    "About Us",
    "Contact",
    "Privacy Policy",
    "Terms of Service",
    "Login",
    "Sign up",
    "Cart (0)",
    "All rights reserved",
    "Follow us",
    "Newsletter",
    "Cookie settings",
    "Next page",
    "Menu",
    "Share",
    "Tweet",
    "Read more",
]


def prose(rng: random.Random) -> str:
    """An encyclopedic paragraph or two."""

    def sentence() -> str:
        return rng.choice(PROSE).format(
            thing=rng.choice(THINGS),
            place=rng.choice(PLACES),
            name=rng.choice(NAMES),
            year=rng.choice(YEARS),
        )

    paragraphs = [
        " ".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(1, 3))
    ]
    return "\n\n".join(paragraphs)


def junk(rng: random.Random) -> str:
    """A spam page, a navigation menu, or an SEO run-on, with the same entities as prose."""
    kind = rng.randrange(3)
    if kind == 0:
        words = [rng.choice(SPAM + PLACES + YEARS) for _ in range(rng.randint(8, 30))]
        return " ".join(words)
    if kind == 1:
        items = rng.sample(BOILERPLATE, rng.randint(5, 12))
        return rng.choice(["\n", " | ", " · "]).join(items)
    place, thing = rng.choice(PLACES), rng.choice(THINGS)
    return (
        f"{rng.choice(SPAM)} {thing} {place} {rng.choice(SPAM)} {rng.choice(SPAM)} {place} "
        f"{rng.choice(YEARS)} {rng.choice(SPAM)}!!! {rng.choice(BOILERPLATE)} {rng.choice(SPAM)}"
    )


def write_corpora(root: Path, n_pos: int = 300, n_neg: int = 400, seed: int = 0) -> tuple[str, str]:
    """A Forage-corpus-shaped positive directory (data/*.parquet + manifest) and a negative JSONL."""
    rng = random.Random(seed)
    pos = root / "wiki-corpus"
    (pos / "data").mkdir(parents=True)
    texts = [prose(rng) for _ in range(n_pos)]
    half = n_pos // 2
    for i, part in enumerate((texts[:half], texts[half:])):
        table = pa.table({"id": [f"w{i}-{j}" for j in range(len(part))], "text": part})
        pq.write_table(table, pos / "data" / f"part-{i}.parquet")
    (pos / "_manifest.json").write_text("{}")
    neg = root / "web.jsonl"
    with neg.open("w") as f:
        for i in range(n_neg):
            f.write(json.dumps({"id": f"c{i}", "text": junk(rng)}) + "\n")
    return str(pos), str(neg)
