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

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as sparse_components

ContradictionFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes."""
    if left.size == 0:
        return np.arange(n, dtype=np.int64)
    graph = coo_matrix((np.ones(left.size, np.int8), (left, right)), shape=(n, n))
    _, labels = sparse_components(graph, directed=False)
    return labels.astype(np.int64)


def split_component(
    nodes: np.ndarray,
    edges: list[tuple[int, int, float]],
    contradicts: ContradictionFn,
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
    # all pairs of the component, checked at once
    ii, jj = np.triu_indices(len(nodes), k=1)
    bad = contradicts(nodes[ii], nodes[jj])
    conflicts = list(zip(nodes[ii][bad].tolist(), nodes[jj][bad].tolist()))
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


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    contradicts: ContradictionFn,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster label of each node (numbered 0.. in order of first node) and, for each link, whether
    it was kept (False: cut to separate contradicting records)."""
    labels = connected_components(n, left, right)
    kept = np.ones(len(left), dtype=bool)
    roots, sizes = np.unique(labels, return_counts=True)
    big = set(roots[sizes >= 3].tolist())
    if big:
        # nodes and edges of the components of three records or more
        node_order = np.argsort(labels, kind="stable")
        sorted_labels = labels[node_order]
        starts = np.searchsorted(sorted_labels, roots)
        edge_comp = labels[left]
        edge_order = np.argsort(edge_comp, kind="stable")
        edge_sorted = edge_comp[edge_order]
        next_label = n
        for root, size, start in zip(roots.tolist(), sizes.tolist(), starts.tolist()):
            if root not in big:
                continue
            nodes = node_order[start : start + size]
            ii, jj = np.triu_indices(size, k=1)
            if not contradicts(nodes[ii], nodes[jj]).any():
                continue
            e0, e1 = np.searchsorted(edge_sorted, [root, root + 1])
            eidx = edge_order[e0:e1]
            edges = list(zip(left[eidx].tolist(), right[eidx].tolist(), weight[eidx].tolist()))
            groups, removed = split_component(nodes, edges, contradicts)
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
    return order[inverse].astype(np.int64), kept
