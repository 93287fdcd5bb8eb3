"""The merged family of a consolidated account: the one place that follows ``merged_into_id``.

When matching finds that two accounts are one person, the younger points to the older
(``Redevable.merged_into_id``); an id never changes meaning, so every read resolves it to its
surviving account (the *root*) and gathers the records of every account merged into it, directly
or not (its *family*). Walks are cycle-safe and have no depth limit: a chain is followed to its end,
and a cycle (which matching never writes) stops at the first id seen twice instead of looping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Redevable

CHUNK = 900  # ids per IN (…) list: below SQLite's historical 999 bound parameters


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    """``ids`` sorted, ``CHUNK`` at a time: for bulk readers' ``IN (…)`` lists."""
    return _chunks(sorted(set(ids)))


def _follow(start: int, merged: Mapping[int, int]) -> int:
    """The end of the chain from ``start`` in ``merged`` (id → merged into), cycle-safe."""
    if start not in merged:  # the common case, kept cheap: loaders call this once per row
        return start
    seen = {start}
    current = start
    while current in merged:
        nxt = merged[current]
        if nxt in seen:
            break
        seen.add(nxt)
        current = nxt
    return current


class Fusions:
    """Every merge in memory (id → merged into): for loaders that read whole tables at once."""

    def __init__(self, merged: Mapping[int, int]) -> None:
        self.merged = dict(merged)

    @classmethod
    def load(cls, session: Session) -> Fusions:
        return cls(session.execute(select(Redevable.id, Redevable.merged_into_id)
                                   .where(Redevable.merged_into_id.is_not(None))).all())

    def root(self, redevable_id: int) -> int:
        return _follow(redevable_id, self.merged)

    __call__ = root

    def expand(self, roots: set[int]) -> set[int]:
        """Every id whose surviving account is in ``roots`` (the roots included)."""
        return set(roots) | {rid for rid in self.merged if self.root(rid) in roots}


def roots_of(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """Surviving account of each existing id (ids absent from the database are left out)."""
    wanted = sorted(set(ids))
    merged: dict[int, int] = {}
    existing: set[int] = set()
    todo = wanted
    while todo:
        for part in _chunks(todo):
            for rid, into in session.execute(select(Redevable.id, Redevable.merged_into_id)
                                             .where(Redevable.id.in_(part))):
                existing.add(rid)
                if into is not None:
                    merged[rid] = into
        todo = sorted({into for into in merged.values() if into not in existing})
    return {rid: _follow(rid, merged) for rid in wanted if rid in existing}


def root_of(session: Session, redevable_id: int) -> int | None:
    """Surviving account of ``redevable_id`` (None when no such account)."""
    return roots_of(session, [redevable_id]).get(redevable_id)


def families_of(session: Session, roots: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each root with every account merged into it, directly or not (root first, then level by level)."""
    families = {root: [root] for root in sorted(set(roots))}
    owner = {root: root for root in families}
    frontier = sorted(families)
    while frontier:
        children: list[tuple[int, int]] = []
        for part in _chunks(frontier):
            children += session.execute(select(Redevable.id, Redevable.merged_into_id)
                                        .where(Redevable.merged_into_id.in_(part))).all()
        frontier = []
        for child, parent in sorted(children):
            if child in owner:  # a cycle, or an id reached twice: already counted
                continue
            owner[child] = owner[parent]
            families[owner[parent]].append(child)
            frontier.append(child)
    return {root: tuple(ids) for root, ids in families.items()}


def family_of(session: Session, root_id: int) -> tuple[int, ...]:
    """The account and every account merged into it, directly or not."""
    return families_of(session, [root_id])[root_id]


@dataclass(frozen=True)
class Familles:
    """Several consolidated accounts at once, for bulk readers: each root with its family."""

    families: dict[int, tuple[int, ...]]

    @cached_property
    def owner(self) -> dict[int, int]:
        """Each id of every family -> its root."""
        return {rid: root for root, ids in self.families.items() for rid in ids}

    @property
    def ids(self) -> list[int]:
        """Every id of every family."""
        return list(self.owner)


def familles_of(session: Session, redevable_ids: Iterable[int]) -> Familles:
    """The surviving accounts of ``redevable_ids`` (unknown ids left out), each with its family."""
    return Familles(families_of(session, set(roots_of(session, redevable_ids).values())))
