"""Connected components on Ray agree with union-find, for any number of partitions."""

from __future__ import annotations

import random

import numpy as np
import pytest
import ray

from pipelines.dedup.components import connected_components


def _union_find_labels(edges: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


@pytest.mark.parametrize("partitions", [1, 2, 5])
def test_components_match_union_find(ray_local, partitions):
    rng = random.Random(partitions)
    edges = [(rng.randrange(2000), rng.randrange(2000)) for _ in range(1500)]
    edges += [(i, i + 1) for i in range(3000, 3060)]  # a long chain: many rounds
    edges += [(2**40 + 5, 7), (2**63 + 1, 2**40 + 5)]  # large ids (ranks in the top bits)
    array = np.array(edges, dtype=np.uint64)
    refs = [ray.put(array[:700]), ray.put(array[700:]), ray.put(np.zeros((0, 2), np.uint64))]
    labels = np.concatenate([ray.get(r) for r in connected_components(refs, partitions)])
    got = {int(node): int(label) for node, label in labels}
    nodes = {n for e in edges if e[0] != e[1] for n in e}  # self-loops alone make no component
    components = _union_find_labels(edges)
    assert got == {n: components[n] for n in nodes}
