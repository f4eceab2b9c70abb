"""Connected components over an edge list partitioned across Ray tasks: alternating large-star
and small-star rounds (Kiveris et al., 2014), each a map over ``P`` edge partitions.

No task ever holds more than its partition of the edges; the driver holds object references
and one checksum per task. Every component ends as a star around its smallest node id, which is
the document kept (ids encode the preference order).
"""

from __future__ import annotations

import numpy as np
import ray

_MIX = np.uint64(0xBF58476D1CE4E5B9)


def partition_of(nodes: np.ndarray, partitions: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = nodes * _MIX
        h ^= h >> np.uint64(29)
    return (h % np.uint64(partitions)).astype(np.int64)


def _undirected(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    edges = np.concatenate([np.stack([u, v], 1), np.stack([v, u], 1)]).astype(np.uint64)
    edges = edges[edges[:, 0] != edges[:, 1]]
    return np.unique(edges, axis=0) if len(edges) else edges.reshape(0, 2)


def _split(edges: np.ndarray, partitions: int) -> list[np.ndarray]:
    dest = partition_of(edges[:, 0], partitions) if len(edges) else np.zeros(0, np.int64)
    order = np.argsort(dest, kind="stable")
    bounds = np.searchsorted(dest[order], np.arange(partitions + 1))
    edges = edges[order]
    return [edges[bounds[i] : bounds[i + 1]] for i in range(partitions)]


def _group_starts(u: np.ndarray) -> np.ndarray:
    """Start of each run of equal values in a sorted array."""
    return np.flatnonzero(np.concatenate(([True], u[1:] != u[:-1])))


def _star(edges: np.ndarray, large: bool) -> np.ndarray:
    """One star operation on all edges leaving this partition's nodes (both directions given)."""
    if not len(edges):
        return edges
    edges = edges[np.lexsort((edges[:, 1], edges[:, 0]))]
    u, v = edges[:, 0], edges[:, 1]
    starts = _group_starts(u)
    if large:
        m = np.minimum(np.minimum.reduceat(v, starts), u[starts])
        m_each = np.repeat(m, np.diff(np.append(starts, len(u))))
        keep = v > u  # every bigger neighbour now points at the smallest of the neighbourhood
        return _undirected(v[keep], m_each[keep])
    smaller = v < u
    su, sv = u[smaller], v[smaller]
    if not len(su):
        return np.zeros((0, 2), dtype=np.uint64)
    s_starts = _group_starts(su)
    m = np.minimum.reduceat(sv, s_starts)  # smaller than u, by construction
    m_each = np.repeat(m, np.diff(np.append(s_starts, len(su))))
    # u and its smaller neighbours all attach to the smallest of them.
    return _undirected(np.concatenate([sv, su[s_starts]]), np.concatenate([m_each, m]))


@ray.remote
def _round(partitions: int, large: bool, *chunks: np.ndarray):
    """Star step on one partition; returns its output split by destination, then a checksum."""
    edges = np.concatenate(chunks) if chunks else np.zeros((0, 2), np.uint64)
    out = _star(edges, large)
    with np.errstate(over="ignore"):
        checksum = int(((out[:, 0] * _MIX) ^ out[:, 1]).sum()) if len(out) else 0
    return (*_split(out, partitions), (len(out), checksum))


@ray.remote
def _labels(*chunks: np.ndarray) -> np.ndarray:
    """``(node, label)`` for every node of this partition: the smallest node it touches."""
    edges = np.concatenate(chunks) if chunks else np.zeros((0, 2), np.uint64)
    if not len(edges):
        return edges
    edges = edges[np.lexsort((edges[:, 1], edges[:, 0]))]
    u = edges[:, 0]
    starts = _group_starts(u)
    label = np.minimum(np.minimum.reduceat(edges[:, 1], starts), u[starts])
    return np.stack([u[starts], label], 1)


def connected_components(edge_refs: list, partitions: int, max_rounds: int = 64) -> list:
    """Refs to ``(node, label)`` arrays, one per partition, for every node that has an edge.

    ``edge_refs``: refs to ``(k, 2)`` uint64 edge arrays (any direction, duplicates allowed).
    """
    split = _split_edges.options(num_returns=partitions)
    chunks = transpose([as_list(split.remote(ref, partitions)) for ref in edge_refs], partitions)
    previous = None
    for round_no in range(max_rounds):
        large = round_no % 2 == 0
        step = _round.options(num_returns=partitions + 1)
        outs = [as_list(step.remote(partitions, large, *chunks[i])) for i in range(partitions)]
        chunks = transpose([out[:-1] for out in outs], partitions)
        sums = ray.get([out[-1] for out in outs])  # one (count, checksum) per task
        state = (sum(n for n, _ in sums), sum(c for _, c in sums) & 0xFFFFFFFFFFFFFFFF)
        if not large:
            if state == previous:
                break
            previous = state
    else:
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    return [_labels.remote(*chunks[i]) for i in range(partitions)]


@ray.remote
def _split_edges(edges: np.ndarray, partitions: int):
    parts = _split(_undirected(edges[:, 0], edges[:, 1]), partitions)
    return parts[0] if partitions == 1 else tuple(parts)


def as_list(refs) -> list:
    """A task's ``num_returns`` results as a list (one result is not a list)."""
    return list(refs) if isinstance(refs, list | tuple) else [refs]


def transpose(split_lists: list[list], partitions: int) -> list[list]:
    """Per task, its ``partitions`` outputs → per partition, the outputs of every task."""
    return [[split[i] for split in split_lists] for i in range(partitions)]
