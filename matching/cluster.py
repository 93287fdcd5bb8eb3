"""From accepted links to persons: connected components, then split where they contradict.

Connected components alone chain different people (father — record without birth date — son).
After the components are formed, every pair of records *inside* a component is checked for a
strong contradiction (a veto level: two different complete birth dates, different identifiers,
different first names, or a human "different" decision). While a component holds a contradicting
pair (s, t), the minimum s–t cut of its link graph, edge capacity = match weight, is removed: the
weakest set of links that separates them. Components without contradiction are kept whole, so
duplicates inside one source are merged like links across sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np


@dataclass
class Contradictions:
    """For pairs of records: ``hard`` contradictions (different complete birth dates, different
    identifiers, a human "different" decision), ``soft`` ones (first names that share nothing),
    and ``compatible`` (first names equal or one within the other). A soft contradiction between
    a and b is waived when a third record of the cluster is compatible with both: the person
    "EDITH HORTENSE" in one source is "EDITH" in another and "HORTENSE" in a third."""

    hard: np.ndarray
    soft: np.ndarray
    compatible: np.ndarray


ContradictionFn = Callable[[np.ndarray, np.ndarray], Contradictions]


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes: the smallest node of its component.

    Vectorised union–find: every edge hooks the larger root under the smaller one, then
    pointer jumping flattens the trees; repeated until both ends of every edge share a root."""
    parent = np.arange(n, dtype=np.int64)
    if left.size == 0:
        return parent
    a = left.astype(np.int64)
    b = right.astype(np.int64)
    while True:
        ra, rb = parent[a], parent[b]
        differ = ra != rb
        if not differ.any():
            return parent
        a, b = a[differ], b[differ]
        lo = np.minimum(ra[differ], rb[differ])
        hi = np.maximum(ra[differ], rb[differ])
        np.minimum.at(parent, hi, lo)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def split_component(
    nodes: np.ndarray,
    edges: list[tuple[int, int, float]],
    conflicts: list[tuple[int, int]],
    max_rounds: int = 1000,
    ambiguity_margin: float = 3.0,
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Split one component until no two of its records contradict each other.

    A record whose links were cut is *ambiguous* when its best cut link is nearly as strong as
    its best kept one (within ``ambiguity_margin`` bits): e.g. a "JEAN DUPONT" without birth date
    at the address of a father and a son both called JEAN DUPONT. It is then detached from both
    (left alone, its pairs go to review) rather than given to the slightly stronger side.

    Returns (groups of nodes, removed edges)."""
    g = nx.Graph()
    g.add_nodes_from(nodes.tolist())
    for a, b, w in edges:
        if g.has_edge(a, b):
            g[a][b]["capacity"] = max(g[a][b]["capacity"], w)
        else:
            g.add_edge(a, b, capacity=max(w, 1e-3))
    removed: list[tuple[int, int]] = []
    rounds = 0
    while conflicts and rounds < max_rounds:
        rounds += 1
        comp_of = {}
        for k, comp in enumerate(nx.connected_components(g)):
            for v in comp:
                comp_of[v] = k
        live = [(s, t) for s, t in conflicts if comp_of[s] == comp_of[t]]
        if not live:
            break
        s, t = live[0]
        sub = g.subgraph(nx.node_connected_component(g, s)).copy()
        _, (side_s, side_t) = nx.minimum_cut(sub, s, t, capacity="capacity")
        cut = [(a, b) for a, b in sub.edges() if (a in side_s) != (b in side_s)]
        g.remove_edges_from(cut)
        removed.extend(cut)
        conflicts = live
    if removed and ambiguity_margin > 0:
        weight = {}
        for a, b, w in edges:
            weight[(a, b)] = weight[(b, a)] = max(w, weight.get((a, b), w))
        touched = {x for e in removed for x in e}
        best_cut: dict[int, float] = {}
        for a, b in removed:
            w = weight[(a, b)]
            best_cut[a] = max(best_cut.get(a, -np.inf), w)
            best_cut[b] = max(best_cut.get(b, -np.inf), w)
        ambiguous = []
        for x in touched:
            kept = [weight[(x, y)] for y in g.neighbors(x)]
            if kept and best_cut[x] >= max(kept) - ambiguity_margin:
                ambiguous.append(x)
        for x in ambiguous:
            dropped = list(g.edges(x))
            g.remove_edges_from(dropped)
            removed.extend(dropped)
    groups = [sorted(c) for c in nx.connected_components(g)]
    return groups, removed


def _pairs_within(labels_sorted: np.ndarray, nodes_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of nodes sharing a label (labels sorted)."""
    starts = np.flatnonzero(np.concatenate([[True], labels_sorted[1:] != labels_sorted[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(labels_sorted)]]))
    pos_start = np.repeat(starts, sizes)
    pos_size = np.repeat(sizes, sizes)
    pos = np.arange(len(labels_sorted))
    partners = pos_start + pos_size - 1 - pos
    left = np.repeat(pos, partners)
    right = left + 1 + (np.arange(left.size) - np.repeat(np.cumsum(partners) - partners, partners))
    return nodes_sorted[left], nodes_sorted[right]


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    contradicts: ContradictionFn,
    ambiguity_margin: float = 3.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster label of each node (numbered 0.. in order of first node) and, for each link, whether
    it was kept (False: cut to separate contradicting records).

    ``contradicts(a, b)`` tells, for arrays of node pairs, which are strong contradictions; it is
    called once, on every pair inside the components of three records or more."""
    labels = connected_components(n, left, right)
    kept = np.ones(len(left), dtype=bool)
    counts = np.bincount(labels, minlength=n)
    big_roots = np.nonzero(counts >= 3)[0]
    if big_roots.size:
        in_big = np.isin(labels, big_roots)
        big_nodes = np.nonzero(in_big)[0]
        order = np.argsort(labels[big_nodes], kind="stable")
        big_nodes = big_nodes[order]
        pa, pb = _pairs_within(labels[big_nodes], big_nodes)
        found = contradicts(pa, pb)
        conflicts: dict[int, list[tuple[int, int]]] = {}
        for x, y in zip(pa[found.hard].tolist(), pb[found.hard].tolist(), strict=True):
            conflicts.setdefault(int(labels[x]), []).append((x, y))
        soft = found.soft & ~found.hard
        if soft.any():
            soft_roots = set(labels[pa[soft]].tolist())
            sel = np.isin(labels[pa], list(soft_roots)) & found.compatible
            compatible: dict[int, set[int]] = {}
            for x, y in zip(pa[sel].tolist(), pb[sel].tolist(), strict=True):
                compatible.setdefault(x, set()).add(y)
                compatible.setdefault(y, set()).add(x)
            for x, y in zip(pa[soft].tolist(), pb[soft].tolist(), strict=True):
                if not compatible.get(x, set()) & compatible.get(y, set()):
                    conflicts.setdefault(int(labels[x]), []).append((x, y))
        if conflicts:
            edge_comp = labels[left]
            edge_order = np.argsort(edge_comp, kind="stable")
            edge_sorted = edge_comp[edge_order]
            next_label = n
            for root, pairs in conflicts.items():
                nodes = np.nonzero(labels == root)[0] if len(conflicts) < 50 else None
                e0, e1 = np.searchsorted(edge_sorted, [root, root + 1])
                eidx = edge_order[e0:e1]
                if nodes is None:
                    nodes = np.unique(np.concatenate([left[eidx], right[eidx]]))
                edges = list(zip(left[eidx].tolist(), right[eidx].tolist(), weight[eidx].tolist(), strict=True))
                groups, removed = split_component(nodes, edges, pairs, ambiguity_margin=ambiguity_margin)
                removed_set = {(min(a, b), max(a, b)) for a, b in removed}
                for k in eidx.tolist():
                    a, b = int(left[k]), int(right[k])
                    if (min(a, b), max(a, b)) in removed_set:
                        kept[k] = False
                for group in groups[1:]:
                    labels[np.asarray(group)] = next_label
                    next_label += 1
    # renumber 0.. by first appearance
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse.reshape(-1)].astype(np.int64), kept
