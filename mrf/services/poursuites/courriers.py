"""Letters to the debtor: decisions on requests, missed instalments, mainlevées, mises en demeure and
lettres de relance — rendered from ``templates/documents/courrier.html``, numbered per series,
structure and year like the SATD, archived (HTML, PDF, SHA-256) and never updated.

The letter's content is a :class:`Courrier` (plain data); this module only turns it into a stored
``Document`` inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import Session

from poursuites.documents import Ventilation, render_document
from poursuites.model import ComptableView, CreanceView, RedevableView

from ...models import Document, Structure
from ..comptes.consolide import CompteCharge, comptable_view
from .documents import next_numbers, store, ventilations

TEMPLATE = "documents/courrier.html"

#: Series of numbers per kind of letter (``document_sequence.series``, 16 characters at most).
SERIES = {
    "decision_demande": "DEC",
    "plan_defaillant": "DEC",
    "mainlevee": "MLV",
    "mise_en_demeure": "MED",
    "lettre_relance": "REL",
}


#: The letters that identify each créance with its principal and majorations (or say "non ventilé").
VENTILEES = frozenset({"mise_en_demeure", "lettre_relance"})


@dataclass(frozen=True)
class LigneCreance:
    reference: str
    libelle: str  # product — nature
    creancier: str
    montant_cents: int
    creance_id: str = ""
    ventilation: Ventilation | None = None  # principal and majorations, when the extract gave them


@dataclass(frozen=True)
class Courrier:
    """What a letter says; rendered as is."""

    titre: str
    objet: str
    date: date
    comptable: ComptableView
    redevable: RedevableView
    paragraphes: tuple[str, ...]
    creances: tuple[LigneCreance, ...] = ()
    total_cents: int | None = None
    echeancier: tuple[tuple[date, int, str], ...] = ()  # (due on, amount, split per créance)
    mentions: tuple[str, ...] = field(default_factory=tuple)
    ventilee: bool = False  # each créance shows its principal and majorations (or "non ventilé")


def lignes(views: Iterable[CreanceView], amounts: dict[str, int] | None = None) -> tuple[LigneCreance, ...]:
    """One row per créance: its RAR, or the amount given for it in ``amounts``."""
    return tuple(LigneCreance(v.reference, f"{v.product.label} — {v.nature}", v.creditor_name,
                              (amounts or {}).get(v.id, v.rar_cents), creance_id=v.id) for v in views)


def structure_of(account: CompteCharge, creance_ids: Sequence[int]) -> Structure:
    """The comptable who writes: the structure the account is assigned to, else the one managing the first
    créance concerned."""
    if account.assigned is not None:
        return account.assigned
    first = account.creances[int(creance_ids[0])] if creance_ids else next(iter(account.creances.values()))
    return account.comptable_for(first)


def issue(session: Session, kind: str, account: CompteCharge, structure: Structure, courrier: Courrier,
          agent_id: int | None, acte_id: int | None = None) -> Document:
    """Number, render and store the letter ``courrier`` (inside the caller's transaction)."""
    number = next_numbers(session, SERIES[kind], structure, courrier.date.year)[0]
    if kind in VENTILEES and courrier.creances:
        known = ventilations(session, (line.creance_id for line in courrier.creances if line.creance_id))
        courrier = replace(courrier, ventilee=True, creances=tuple(
            replace(line, ventilation=known.get(line.creance_id)) for line in courrier.creances))
    rendered = render_document(TEMPLATE, number=number, c=courrier)
    doc = store(session, number, kind, account.id, acte_id, rendered, agent_id)
    session.flush()
    return doc


def comptable_of(account: CompteCharge, structure: Structure) -> ComptableView:
    return comptable_view(structure, account.config.villes)


__all__ = ["SERIES", "Courrier", "LigneCreance", "comptable_of", "issue", "lignes", "structure_of"]
