"""The audit trail's hash chain: each line's SHA-256 covers its fields and the previous line's hash.

Pure functions (no database): the migration that chains existing lines, the sealing at flush and
``mrf audit verify`` all compute the hash here, so that they cannot disagree."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical_at(at: datetime) -> str:
    """UTC, without offset, to the microsecond: SQLite gives back naive UTC, PostgreSQL aware datetimes."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(sep=" ", timespec="microseconds")


def canonical_details(details: Any) -> Any:
    """What the JSON column gives back (tuples as lists, keys as strings)."""
    return json.loads(json.dumps(details))


def line_hash(seq: int, at: datetime, agent_id: int | None, action: str, object_type: str,
              object_id: str | None, details: Any, ip: str | None, prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of one line's fields and the previous line's hash."""
    payload = {"seq": seq, "at": canonical_at(at), "agent_id": agent_id, "action": action,
               "object_type": object_type, "object_id": object_id, "details": canonical_details(details),
               "ip": ip, "prev_hash": prev_hash}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainLine:
    """One stored line as read back for verification."""

    id: int
    seq: int | None
    at: datetime
    agent_id: int | None
    action: str
    object_type: str
    object_id: str | None
    details: Any
    ip: str | None
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True)
class Verification:
    verified: int
    broken_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(lines: Iterable[ChainLine]) -> Verification:
    """Walk lines in ``seq`` order; stop at the first line whose position, link or hash is wrong."""
    expected_seq, prev, count = 1, GENESIS, 0
    for line in lines:
        if line.seq is None or line.hash is None:
            return Verification(count, line.id, "ligne non chaînée (écrite hors de l'application)", prev)
        if line.seq != expected_seq:
            return Verification(count, line.id, f"maillon n° {expected_seq} manquant (ligne supprimée ?)", prev)
        if line.prev_hash != prev:
            return Verification(count, line.id, "le lien vers la ligne précédente ne correspond pas", prev)
        computed = line_hash(line.seq, line.at, line.agent_id, line.action, line.object_type, line.object_id,
                             line.details, line.ip, line.prev_hash)
        if computed != line.hash:
            return Verification(count, line.id, "contenu modifié après écriture", prev)
        prev, expected_seq, count = line.hash, expected_seq + 1, count + 1
    return Verification(count, None, "", prev)
