"""Planted near-duplicate corpus: English-like JSONL documents with their true 5-gram Jaccards.

Originals are sentences drawn from a fixed Zipfian vocabulary (function words, the demo texts'
English words, pronounceable made-up words, numbers, a few accented words). A ``dup_fraction``
of the documents are derived copies in clusters of 2-5: exact copies, copies differing only in
case, punctuation, digits or accents (identical after ``minhash.normalize_words``), and edited
copies (word substitutions, insertions, deletions, paragraph reorders) aimed at a Jaccard drawn
from ``jaccard_range``. Some copies derive from another copy (chains A -> B -> C). The truth
measures every pair within a cluster with ``minhash.shingles(text, 5)`` as sets; documents of
different clusters, and the unplanted ones, share (almost) no 5-gram (tests check a sample).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from cluster.demo.texts import PARAGRAPHS
from pipelines.core.errors import ConfigError
from pipelines.dedup.minhash import normalize_words_py, shingles

NGRAM = 5
# Token suffixes; codes >= _END end a sentence, codes >= _PARA also end a paragraph.
SUFFIXES = (" ", ", ", "; ", ": ", ". ", "? ", "! ", ".\n\n", "?\n\n", "!\n\n")
_END, _PARA = 4, 7
KINDS = {"exact": 0.1, "format": 0.15, "edit": 0.75}  # how derived copies are made
_LOSS_PER_EDIT = 4.8  # shingles one edit changes on each side (60% sub 5, 20% ins 4, 20% del 5)

_FUNCTION = """the of and to a in is that for it was on with as I be at by this had not are
but from or have an they which one you were her all she there would their we him been has when
who will more no if out so said what up its about into than them can only other new some could
time these two may then do first any my now such like our over man me even most made after also
did many before must through back years where much your way well down should because each just
those people how too little state good very make world still own see men work long get here
between both life being under never day same another know while last might us great old year
off come since against go came right used take three"""
_EXTRA = """café naïve résumé façade déjà fiancée señor piñata rôle élite über coöperate
don't it's isn't we're they've London Tuesday March Paris Maria Thomas Europe English Sunday
long-term well-known 1998 2004 2019 2021 2023 12 40 7 3.5 12% 1,200 $40 7th 250 18 90% 1960s"""
_ONSETS = (
    "b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sc sh sl sp st t th tr v w"
)
_NUCLEI = "a e i o u ai ea ee oa ou io"
FUNCTION_WORDS, EXTRA_WORDS = _FUNCTION.split(), _EXTRA.split()
ONSETS, NUCLEI = _ONSETS.split(), _NUCLEI.split()
CODAS = ["", "", "n", "r", "l", "s", "t", "nd", "nt", "st", "rk", "m", "ck", "ng"]
ENDINGS = ["", "", "", "s", "ed", "ing", "er", "ly", "tion", "ment", "ness", "able", "ity"]
VOCAB_SIZE = 4000
_MARKS = re.compile(r"[\u0300-\u036f]")  # combining accents, after NFD


@dataclass(frozen=True)
class Cluster:
    """One planted cluster: ``members`` (base first) and the true Jaccard of every pair."""

    members: list[str]
    pairs: list[tuple[str, str, float]]


@dataclass(frozen=True)
class PlantedTruth:
    """What was planted. ``derived`` maps a copy's id to its ``parent``, ``kind`` (exact, format,
    edit), ``target`` Jaccard and the measured ``jaccard_parent``; ``nearest`` maps every planted
    id to its highest true Jaccard with another member of its cluster."""

    docs: int
    seed: int
    clusters: list[Cluster]
    derived: dict[str, dict]
    nearest: dict[str, float]

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: Path) -> PlantedTruth:
        raw = json.loads(Path(path).read_text())
        clusters = [Cluster(c["members"], [tuple(p) for p in c["pairs"]]) for c in raw["clusters"]]
        return cls(raw["docs"], raw["seed"], clusters, raw["derived"], raw["nearest"])


def truth_path(corpus: Path) -> Path:
    """Where the truth of ``corpus.jsonl`` lives: ``corpus.truth.json`` beside it."""
    return Path(corpus).with_suffix(".truth.json")


def write_planted_corpus(
    path: Path,
    *,
    docs: int = 35_000,
    seed: int = 0,
    min_words: int = 300,
    max_words: int = 700,
    dup_fraction: float = 0.2,
    jaccard_range: tuple[float, float] = (0.5, 0.98),
    chain_fraction: float = 0.3,
) -> PlantedTruth:
    """Write ``docs`` JSONL documents (``id``, ``text``) to ``path`` and the truth beside it.

    ``dup_fraction`` of the documents are derived copies; an edited copy's target Jaccard (to
    its parent) is uniform in ``jaccard_range``; ``chain_fraction`` of the copies after a
    cluster's first derive from the previous copy instead of the base. Ids ``doc-000000``...
    follow file order, which is shuffled. Same arguments, same bytes.
    """
    _check(docs, min_words, max_words, dup_fraction, jaccard_range, chain_fraction)
    rng = np.random.default_rng(seed)
    probs = _vocabulary()[1]
    table = _token_table()
    sizes = _cluster_sizes(rng, round(docs * dup_fraction))
    originals = docs - int((sizes - 1).sum())
    ids, suf, starts = _sample_tokens(rng, originals, min_words, max_words, probs)
    texts = _render_many(table, ids, suf, starts)
    tokens = {
        i: (ids[starts[i] : starts[i + 1]], suf[starts[i] : starts[i + 1]])
        for i in range(len(sizes))
    }
    groups, derived = [], {}
    for base, size in enumerate(sizes):  # the first originals are the bases (all are random)
        group = [base]
        for k in range(1, size):
            parent = group[-1] if k > 1 and rng.random() < chain_fraction else base
            text, tokens[len(texts)], info = _derive(
                rng, texts[parent], tokens[parent], jaccard_range
            )
            derived[len(texts)] = {"parent": parent, **info}
            group.append(len(texts))
            texts.append(text)
        groups.append(group)
    position = np.argsort(rng.permutation(len(texts)))  # index -> line in the file
    names = [f"doc-{p:06d}" for p in position]
    truth = _measure(texts, names, groups, derived, docs, seed)
    with Path(path).open("w") as f:
        for i in np.argsort(position):
            f.write(json.dumps({"id": names[i], "text": texts[i]}) + "\n")
    truth.save(truth_path(path))
    return truth


def evaluate(
    truth: PlantedTruth, removed_ids: set[str], threshold: float = 0.8, floor: float = 0.7
) -> dict:
    """Score a dedup answer against the truth.

    In each cluster, members joined by true Jaccard >= ``threshold`` form components; all but
    one member of a component should go. ``recall`` credits at most size-1 removals per
    component. A removed document whose nearest true Jaccard is below ``floor`` (unplanted
    documents: 0) is a bad removal; ``precision`` is 1 - bad/removed. ``clusters_fully_removed``
    counts components of >= 2 members with every member removed; of those, ``components_lost``
    have no kept cluster-mate at Jaccard >= ``floor`` (a kept grey-zone relative of a fully
    removed component keeps most of its text); ``planted_clusters_lost`` counts planted
    clusters with every member removed.
    """
    removed = set(removed_ids)
    should_go = credited = fully = orphaned = lost = 0
    for cluster in truth.clusters:
        for component in components(cluster, threshold):
            if len(component) > 1:
                gone = len(component & removed)
                should_go += len(component) - 1
                credited += min(gone, len(component) - 1)
                fully += gone == len(component)
                orphaned += gone == len(component) and not _kept_relative(
                    cluster, component, removed, floor
                )
        lost += removed.issuperset(cluster.members)
    nearest = [truth.nearest.get(d, 0.0) for d in removed]
    bad = sum(j < floor for j in nearest)
    return {
        "removed": len(removed),
        "should_go": should_go,
        "recall": credited / should_go if should_go else 1.0,
        "precision": 1 - bad / len(removed) if removed else 1.0,
        "bad_removals": bad,
        "grey_removals": sum(floor <= j < threshold for j in nearest),
        "clusters_fully_removed": fully,
        "components_lost": orphaned,
        "planted_clusters_lost": lost,
    }


def _derive(rng, text: str, tokens: tuple, jaccard_range: tuple[float, float]):
    """A copy of a document (its text and tokens): ``(text, tokens, info)``."""
    kind = str(rng.choice(list(KINDS), p=list(KINDS.values())))
    if kind == "exact":
        return text, tokens, {"kind": kind, "target": 1.0, "reordered": False}
    if kind == "format":
        return _reformat(rng, text), tokens, {"kind": kind, "target": 1.0, "reordered": False}
    target = float(rng.uniform(*jaccard_range))
    ids, suf, reordered = _edit(rng, *tokens, target, _vocabulary()[1])
    text = _render(_token_table(), ids, suf)
    text = _reformat(rng, text) if rng.random() < 0.3 else text
    return text, (ids, suf), {"kind": kind, "target": round(target, 4), "reordered": reordered}


def _kept_relative(cluster: Cluster, component: set[str], removed: set[str], floor: float):
    """Whether a kept member of ``cluster`` has Jaccard >= ``floor`` with one in ``component``."""
    return any(
        j >= floor and (a in component and b not in removed or b in component and a not in removed)
        for a, b, j in cluster.pairs
    )


def components(cluster: Cluster, threshold: float) -> list[set[str]]:
    """The members of ``cluster`` grouped by true Jaccard >= ``threshold``, transitively."""
    parent = {m: m for m in cluster.members}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b, j in cluster.pairs:
        if j >= threshold:
            parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for m in cluster.members:
        groups.setdefault(find(m), set()).add(m)
    return list(groups.values())


def _check(docs, min_words, max_words, dup_fraction, jaccard_range, chain_fraction) -> None:
    if docs < 10:
        raise ConfigError(f"docs={docs} must be >= 10")
    if not NGRAM < min_words <= max_words:
        raise ConfigError(f"need {NGRAM} < min_words <= max_words, got {min_words}, {max_words}")
    if not 0 <= dup_fraction <= 0.5:
        raise ConfigError(f"dup_fraction={dup_fraction} must be in [0, 0.5]")
    if not 0.3 <= jaccard_range[0] <= jaccard_range[1] <= 1:
        raise ConfigError(f"jaccard_range={jaccard_range} must be ordered within [0.3, 1]")
    if not 0 <= chain_fraction <= 1:
        raise ConfigError(f"chain_fraction={chain_fraction} must be in [0, 1]")


@functools.cache
def _vocabulary() -> tuple[np.ndarray, np.ndarray]:
    """A fixed vocabulary (independent of the seed) and its Zipf-Mandelbrot probabilities."""
    rng = np.random.default_rng(20240601)
    demo = [w for _, text in PARAGRAPHS["en"] for w in re.findall(r"[a-z]+", text.lower())]
    content = list(dict.fromkeys(w for w in demo + EXTRA_WORDS if w not in FUNCTION_WORDS))
    seen = set(FUNCTION_WORDS) | set(content)
    while len(seen) < VOCAB_SIZE:
        syllables = [
            rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS)
            for _ in range(rng.choice(3, p=[0.35, 0.5, 0.15]) + 1)
        ]
        word = "".join(syllables) + rng.choice(ENDINGS)
        if word not in seen:
            seen.add(word)
            content.append(word)
    # Shorter words tend to be more frequent (Zipf's law of abbreviation).
    content.sort(key=lambda w: len(w) + rng.normal(0, 2.5))
    words = np.array(FUNCTION_WORDS + content, dtype=object)
    probs = 1.0 / (np.arange(len(words)) + 2.7) ** 1.05
    return words, probs / probs.sum()


@functools.cache
def _token_table() -> np.ndarray:
    """Rendered tokens, indexed by ``(word * 2 + capitalized) * len(SUFFIXES) + suffix``."""
    words = _vocabulary()[0]
    caps = [w[0].upper() + w[1:] for w in words]
    return np.array(
        [w + s for pair in zip(words, caps) for w in pair for s in SUFFIXES], dtype=object
    )


def _cluster_sizes(rng: np.random.Generator, copies: int) -> np.ndarray:
    """Cluster sizes in 2..5 whose copies (size - 1 each) add up to ``copies``."""
    sizes = rng.integers(2, 6, size=copies + 1)
    cut = int(np.searchsorted(np.cumsum(sizes - 1), copies))
    sizes = sizes[: cut + 1]
    sizes[-1] -= int((sizes - 1).sum()) - copies
    return sizes[sizes > 1] if copies else sizes[:0]


def _sample_tokens(rng, docs: int, lo: int, hi: int, probs: np.ndarray):
    """Word ids, suffix codes and document starts for ``docs`` random documents."""
    lengths = rng.integers(lo, hi + 1, size=docs)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    total = int(starts[-1])
    ids = _sample(rng, probs, total)
    r = rng.random(total)  # within a sentence: 7% commas, 0.5% semicolons, 0.5% colons
    suf = ((r > 0.92).astype(np.int8) + (r > 0.99) + (r > 0.995)).astype(np.int8)
    sentence = (rng.gamma(4.0, 4.0, size=total // 6 + 2) + 3).astype(np.int64)
    ends = np.cumsum(sentence) - 1
    ends = ends[ends < total]
    suf[ends] = rng.choice([_END, _END + 1, _END + 2], size=len(ends), p=[0.9, 0.05, 0.05])
    paragraph = ends[rng.random(len(ends)) < 0.2]
    suf[paragraph] += _PARA - _END
    last = starts[1:] - 1
    suf[last] = np.where(suf[last] < _END, _END, suf[last])
    return ids.astype(np.int32), suf, starts


def _codes(ids: np.ndarray, suf: np.ndarray, first: np.ndarray) -> np.ndarray:
    cap = np.empty(len(ids), dtype=np.int64)
    cap[0] = 1
    cap[1:] = suf[:-1] >= _END
    cap[first] = 1
    return (ids.astype(np.int64) * 2 + cap) * len(SUFFIXES) + suf


def _render_many(table, ids, suf, starts) -> list[str]:
    tokens = table[_codes(ids, suf, starts[:-1])]
    return ["".join(tokens[a:b].tolist()).rstrip() for a, b in zip(starts[:-1], starts[1:])]


def _render(table: np.ndarray, ids: np.ndarray, suf: np.ndarray) -> str:
    return "".join(table[_codes(ids, suf, np.zeros(1, dtype=np.int64))].tolist()).rstrip()


def _edit(rng, ids: np.ndarray, suf: np.ndarray, target: float, probs: np.ndarray):
    """Substitute, insert and delete spaced-out words, maybe reorder paragraphs, so that the
    5-gram Jaccard to the original lands near ``target``; returns ``(ids, suf, reordered)``.

    Each side loses ``m (1 - J) / (1 + J)`` of its ``m`` shingles; an edit changes about
    ``_LOSS_PER_EDIT`` of them, a moved paragraph boundary ``NGRAM - 1``.
    """
    budget = (len(ids) - NGRAM + 1) * (1 - target) / (1 + target)
    reordered = False
    if rng.random() < 0.3:
        moved, suf2, broken = _reorder(rng, ids, suf)
        if 0 < broken * (NGRAM - 1) <= budget:
            ids, suf, reordered = moved, suf2, True
            budget -= broken * (NGRAM - 1)
    ops = round(budget / _LOSS_PER_EDIT)
    if ops == 0 and reordered:
        return ids, suf, True
    ops = max(ops, 1)
    ids, suf = ids.copy(), suf.copy()
    segment = len(ids) / ops  # one edit per segment, >= NGRAM apart: each costs its own shingles
    pos = (np.arange(ops) * segment + rng.random(ops) * max(segment - NGRAM, 1)).astype(np.int64)
    kind = rng.choice(3, size=ops, p=[0.6, 0.2, 0.2])
    new = _sample(rng, probs, ops)
    sub = pos[kind == 0]
    ids[sub] = np.where(new[kind == 0] == ids[sub], (ids[sub] + 1) % len(probs), new[kind == 0])
    delete = pos[(kind == 2) & (pos > 0)]
    moved = (suf[delete] > 0) & (suf[delete - 1] == 0)  # keep a sentence end the word carried
    suf[delete[moved] - 1] = suf[delete[moved]]
    insert = pos[kind == 1]
    insert -= np.searchsorted(delete, insert)  # positions in the array after the deletions
    ids, suf = np.delete(ids, delete), np.delete(suf, delete)
    ids, suf = np.insert(ids, insert, new[kind == 1]), np.insert(suf, insert, 0)
    return ids, suf, reordered


def _sample(rng, probs: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(_cumulative(), rng.random(n)).clip(0, len(probs) - 1)


@functools.cache
def _cumulative() -> np.ndarray:
    return np.cumsum(_vocabulary()[1])


def _reorder(rng, ids: np.ndarray, suf: np.ndarray):
    """Paragraphs shuffled, and how many paragraph adjacencies the shuffle broke."""
    suf = suf.copy()
    suf[-1] = max(suf[-1], _PARA)
    bounds = np.concatenate(([0], np.flatnonzero(suf >= _PARA) + 1))
    if len(bounds) < 3:
        return ids, suf, 0
    order = rng.permutation(len(bounds) - 1)
    if (order == np.arange(len(order))).all():
        order = order[::-1]
    pick = np.concatenate([np.arange(bounds[i], bounds[i + 1]) for i in order])
    return ids[pick], suf[pick], int((np.diff(order) != 1).sum())


def _reformat(rng, text: str) -> str:
    """The same normalized words: changes in case, punctuation, digits, accents, whitespace."""
    edits = [
        str.lower,
        lambda t: re.sub(r"[,;:](?=\s)", "", t),  # not "1,200" -> "1200"
        lambda t: t.replace(". ", "! ").replace(", ", " - "),
        lambda t: re.sub(r"\d", lambda _: str(rng.integers(10)), t),
        lambda t: _MARKS.sub("", unicodedata.normalize("NFD", t)),
        lambda t: t.replace("\n\n", "\n").replace(" ", "  "),
        lambda t: "\n\n".join(p.upper() if rng.random() < 0.3 else p for p in t.split("\n\n")),
    ]
    changed = text
    for i in rng.choice(len(edits), size=rng.integers(1, 4), replace=False):
        changed = edits[i](changed)
    return changed if changed != text else text.swapcase()  # e.g. digits drawn the same


@functools.lru_cache(maxsize=64)
def _shingle_set(text: str) -> frozenset:
    """``set(shingles(text, NGRAM))`` as word tuples: the same set, without joining bytes (the
    test checks); exact copies hit the cache."""
    words = normalize_words_py(text)
    if len(words) < NGRAM:
        return frozenset(shingles(text, NGRAM))
    return frozenset(zip(*(words[i : len(words) - NGRAM + 1 + i] for i in range(NGRAM))))


def _measure(texts, names, groups, derived, docs, seed) -> PlantedTruth:
    """True Jaccards of every pair within each cluster, on ``shingles`` as sets."""
    clusters, nearest = [], {}
    jaccard_to: dict[tuple[int, int], float] = {}
    for group in groups:
        sets = {i: _shingle_set(texts[i]) for i in group}
        pairs = []
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                shared = len(sets[a] & sets[b])
                j = shared / (len(sets[a]) + len(sets[b]) - shared)
                jaccard_to[a, b] = jaccard_to[b, a] = j
                pairs.append((names[a], names[b], round(j, 4)))
                nearest[names[a]] = max(nearest.get(names[a], 0.0), j)
                nearest[names[b]] = max(nearest.get(names[b], 0.0), j)
        clusters.append(Cluster([names[i] for i in group], pairs))
    copies = {
        names[i]: {
            **info,
            "parent": names[info["parent"]],
            "jaccard_parent": round(jaccard_to[i, info["parent"]], 4),
        }
        for i, info in derived.items()
    }
    return PlantedTruth(docs, seed, clusters, copies, {k: round(v, 4) for k, v in nearest.items()})
