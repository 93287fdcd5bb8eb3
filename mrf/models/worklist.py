"""Work-list entries: per (structure, consolidated account), the aggregates the work list sorts and
filters on, precomputed so that a structure's list is an index scan even with a million debtors.

A derived cache, never the truth: ``mrf.services.comptes.worklist`` recomputes it from créances, links,
assignments, acts and requests (incrementally from watermarks, or entirely)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class WorklistEntry(Base):
    """One account in one structure's work list (assigned to it, or holding a créance it manages)."""

    __tablename__ = "worklist_entry"
    # One index per sort order; the other aggregates follow as key columns so that a filtered page
    # is an index-only scan (no heap fetch per skipped entry).
    __table_args__ = (
        Index("ix_worklist_entry_total", "structure_id", "total_due_cents", "redevable_id", "has_impots",
              "has_amendes", "has_secteur_local", "nearest_prescription", "next_deadline"),
        Index("ix_worklist_entry_prescription", "structure_id", "nearest_prescription", "redevable_id",
              "total_due_cents", "has_impots", "has_amendes", "has_secteur_local", "next_deadline"),
        Index("ix_worklist_entry_deadline", "structure_id", "next_deadline", "redevable_id", "total_due_cents",
              "has_impots", "has_amendes", "has_secteur_local", "nearest_prescription"),
        Index("ix_worklist_entry_name", "structure_id", "sort_name", "redevable_id", "total_due_cents",
              "has_impots", "has_amendes", "has_secteur_local", "nearest_prescription", "next_deadline"),
    )
    structure_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    redevable_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False, index=True)
    total_due_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    has_impots: Mapped[bool] = mapped_column(default=False)
    has_amendes: Mapped[bool] = mapped_column(default=False)
    has_secteur_local: Mapped[bool] = mapped_column(default=False)
    nearest_prescription: Mapped[date | None]
    next_deadline: Mapped[date | None]
    deadline_kind: Mapped[str | None] = mapped_column(String(16))  # satd, commissaire, demande
    barred_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # time-barred: apart from total_due_cents
    sort_name: Mapped[str | None] = mapped_column(String(401))
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)


#: ``WorklistAction.structure_id`` of the whole account's action (a key column cannot be NULL).
TOUT_LE_COMPTE = 0


class WorklistAction(Base):
    """The next action of one consolidated account as its poursuites plan says on ``computed_on``: the first
    step (kind, tiers kind, label) and what it covers, or why no action is lawful (``action`` None).

    ``structure_id``: ``TOUT_LE_COMPTE`` for the whole account's plan (every list but a témoin's in an
    office's list); a structure for a témoin's action in that office's list, the plan of its own créances.
    A cache like the entries: valid on ``computed_on`` only, deleted with the account's entries when the
    account changes (``mrf.services.poursuites.prochaine_action``)."""

    __tablename__ = "worklist_action"
    redevable_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    structure_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=TOUT_LE_COMPTE)
    computed_on: Mapped[date]
    entry_refreshed_at: Mapped[datetime | None]  # version of the account's entries the plan was computed after
    action_kind: Mapped[str | None] = mapped_column(String(32))  # poursuites.catalogue.ActionKind value
    tiers_kind: Mapped[str | None] = mapped_column(String(32))  # poursuites.model.TiersKind value
    action: Mapped[str | None] = mapped_column(String(200))  # French label of the step
    pourquoi: Mapped[str] = mapped_column(String(400), default="")


class WorklistState(Base):
    """Watermarks of the last refresh (highest ids and link time seen), one row."""

    __tablename__ = "worklist_state"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    watermarks: Mapped[dict] = mapped_column(default=dict)
    counts: Mapped[dict] = mapped_column(default=dict)  # structure id (text) -> number of entries
    full_refresh_at: Mapped[datetime | None]
    refreshed_at: Mapped[datetime | None]
    # a large writer refreshing the lists as it goes (``WriterRefresh``) since then; None when it has ended
    writer_at: Mapped[datetime | None]


# Indexes the web pages need on other areas' tables (declared here so that autogenerate keeps them;
# created by migration 0002): accounts merged into one, links changed since a time, audit by action.
def _declare_web_indexes() -> None:
    from .creances import Creance
    from .identity import RecordLink, Redevable
    from .structures import AuditLog

    Index("ix_redevable_merged_into_id", Redevable.merged_into_id)
    Index("ix_record_link_linked_at", RecordLink.linked_at)
    Index("ix_audit_log_action_at", AuditLog.action, AuditLog.at)
    Index("ix_creance_reference", Creance.reference)


_declare_web_indexes()
