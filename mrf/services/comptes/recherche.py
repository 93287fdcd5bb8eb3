"""Finding a consolidated account: by name (tolerant of typos and accents), birth date, numéro
fiscal, source identifier or any debt reference — only among the accounts the user may see.

Name search: the query is folded (no accents, no punctuation, lower case) and cut into words; a
candidate must share, for every word, at least one trigram with the folded names of its variants
(``Redevable.search_text``, filled by matching; else its display name), which an index serves on
PostgreSQL (pg_trgm GIN on ``lower(search_text)``, migration 0002). At most ``CANDIDATES`` are then
ranked with rapidfuzz and those above ``MIN_SCORE`` kept: « Dupnt Jean » finds « DUPONT JEAN »."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from matching.text import fold as fold_upper

from ...models import Creance, RecordLink, Redevable, SourceRecord
from ..admin import access
from . import famille
from .vocabulaire import Source

CANDIDATES = 2000
MIN_SCORE = 70
LIMIT = 50
SOURCES: tuple[str, ...] = tuple(s.value for s in Source)


def fold(text: str | None) -> str:
    return fold_upper(text).lower()


def trigrams(word: str) -> list[str]:
    if len(word) <= 3:
        return [word]
    return sorted({word[i:i + 3] for i in range(len(word) - 2)})


@dataclass(frozen=True)
class SearchCriteria:
    name: str = ""
    birth_date: date | None = None
    number: str = ""  # numéro fiscal, source identifier or debt reference

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.birth_date or self.number.strip())


@dataclass(frozen=True)
class SearchHit:
    redevable_id: int
    nom: str | None
    prenoms: str | None
    date_naissance: date | None
    score: int
    matched_on: str


def _name_text():  # noqa: ANN202
    return func.lower(func.coalesce(Redevable.search_text,
                                    func.coalesce(Redevable.nom, "") + " " + func.coalesce(Redevable.prenoms, "")))


def _ids_for_number(session: Session, number: str) -> tuple[set[int], str]:
    """Accounts holding this numéro fiscal, source identifier or créance reference."""
    raw = number.strip()
    compact = re.sub(r"\s+", "", raw)
    records = set(session.scalars(select(SourceRecord.id).where(SourceRecord.numero_fiscal == compact)))
    how = "numéro fiscal"
    if not records:
        records = set(session.scalars(select(SourceRecord.id).where(
            SourceRecord.source.in_(SOURCES), SourceRecord.source_key.in_({raw, compact}))))
        how = "identifiant source"
    if not records:
        records = set(session.scalars(select(Creance.source_record_id).where(
            Creance.reference.in_({raw, compact, raw.upper(), compact.upper()}))))
        how = "référence de créance"
    if not records:
        return set(), how
    ids = set(session.scalars(select(RecordLink.redevable_id).where(RecordLink.source_record_id.in_(records))))
    return ids, how


def _root(session: Session, ids: set[int]) -> set[int]:
    return set(famille.roots_of(session, ids).values())


def search(session: Session, user: access.User, criteria: SearchCriteria) -> list[SearchHit]:
    """Accounts matching ``criteria`` among those ``user`` may see (work-list entries: call
    ``worklist.sync_if_needed()`` first)."""
    if criteria.empty:
        return []
    query = select(Redevable.id, Redevable.nom, Redevable.prenoms, Redevable.date_naissance,
                   _name_text().label("name_text"))
    query = query.where(Redevable.merged_into_id.is_(None), access.listed_filter(user))
    how = []
    if criteria.number.strip():
        ids, matched = _ids_for_number(session, criteria.number)
        ids = _root(session, ids)
        if not ids:
            return []
        query = query.where(Redevable.id.in_(ids))
        how.append(matched)
    if criteria.birth_date:
        query = query.where(Redevable.date_naissance == criteria.birth_date)
        how.append("date de naissance")
    words = [w for w in fold(criteria.name).split() if len(w) >= 2]
    if words:
        text = _name_text()
        query = query.where(and_(*[or_(*[text.like(f"%{t}%") for t in trigrams(w)]) for w in words]))
        how.append("nom")
    rows = session.execute(query.limit(CANDIDATES)).all()
    wanted = " ".join(words)
    hits = []
    for row in rows:
        if words:
            candidate = fold(row.name_text)
            score = int(max(fuzz.token_set_ratio(wanted, candidate), fuzz.partial_token_sort_ratio(wanted, candidate)))
            if score < MIN_SCORE:
                continue
        else:
            score = 100
        hits.append(SearchHit(redevable_id=row.id, nom=row.nom, prenoms=row.prenoms, date_naissance=row.date_naissance,
                              score=score, matched_on=", ".join(how)))
    hits.sort(key=lambda h: (-h.score, h.nom or "", h.prenoms or "", h.redevable_id))
    return hits[:LIMIT]
