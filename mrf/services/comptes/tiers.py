"""What an account's ``Renseignement`` rows and source records say: its tiers détenteurs and its
addresses, as the poursuites library's values.

- **tiers détenteurs**: renseignements not superseded, not NPAI, identifier valid, not answered
  negatively since they were observed (:func:`tiers_of`); the others with why they are not used;
- **addresses**: the source records' and the renseignements of kind ``adresse``; the debtor's
  address on documents is :func:`poursuites.renseignements.best_address` of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.model import Adresse, Fiabilite, Product, SourceInfo, TiersDetenteur, TiersKind, date_fr
from poursuites.renseignements import autre_tiers, compte_bancaire, employeur

from ...models import RecordLink, Renseignement, SourceRecord, TiersAnswer
from ..poursuites.vocabulaire import ReponseTiers
from .famille import Familles, chunks

RENSEIGNEMENT_KINDS: tuple[str, ...] = (*(k.value for k in TiersKind), "adresse")
RELIABILITIES: dict[str, Fiabilite] = {
    "confirmee": Fiabilite.CONFIRMEE, "declaree": Fiabilite.DECLAREE, "ancienne": Fiabilite.ANCIENNE,
    "npai": Fiabilite.NPAI,
}
PRODUCTS: tuple[str, ...] = tuple(p.value for p in Product)


@dataclass
class TiersDuCompte:
    """The renseignements of an account read as tiers détenteurs and addresses."""

    tiers: dict[int, TiersDetenteur] = field(default_factory=dict)  # usable, by renseignement id
    excluded: dict[int, str] = field(default_factory=dict)  # renseignement id -> why it is not used
    addresses: list[Adresse] = field(default_factory=list)  # of the renseignements of kind "adresse"


def read_renseignements(session: Session, familles: Familles, on: date) -> dict[int, dict[int, Renseignement]]:
    """Per root, the renseignements of its family observed by ``on``, by id, oldest first."""
    out: dict[int, dict[int, Renseignement]] = {root: {} for root in familles.families}
    rows = [r for part in chunks(familles.ids) for r in session.scalars(
        select(Renseignement).where(Renseignement.redevable_id.in_(part), Renseignement.observed_on <= on))]
    for r in sorted(rows, key=lambda r: (r.observed_on, r.id)):
        out[familles.owner[r.redevable_id]][r.id] = r
    return out


def superseded_ids(renseignements: Iterable[Renseignement]) -> set[int]:
    """Ids of the renseignements a later correction replaces."""
    return {r.supersedes_id for r in renseignements if r.supersedes_id}


def tiers_of(renseignements: Mapping[int, Renseignement],
             negative_by_tiers: Mapping[int, TiersAnswer]) -> TiersDuCompte:
    """Usable tiers détenteurs, excluded ones with their reason, and addresses, from the renseignements
    (``negative_by_tiers``: :func:`.actes.negative_answers_by_tiers`)."""
    out = TiersDuCompte()
    superseded = superseded_ids(renseignements.values())
    for r in renseignements.values():
        if r.id in superseded:
            continue
        if r.kind == "adresse":
            a = _renseignement_address(r)
            if a is not None:
                out.addresses.append(a)
            continue
        if r.reliability == "npai":
            out.excluded[r.id] = "tiers signalé comme inconnu à l'adresse (NPAI)"
            continue
        ans = negative_by_tiers.get(r.id)
        if ans is not None and ans.answered_on >= r.observed_on:
            what = "pas de compte" if ans.kind == ReponseTiers.PAS_DE_COMPTE else "pas de salaire"
            out.excluded[r.id] = f"réponse négative du tiers le {date_fr(ans.answered_on)} ({what})"
            continue
        try:
            out.tiers[r.id] = tiers_from_renseignement(r)
        except ValueError as exc:
            out.excluded[r.id] = str(exc)
    return out


def record_addresses(session: Session, familles: Familles) -> dict[int, list[Adresse]]:
    """Per root, the addresses of the source records linked to its family, by record id."""
    out: dict[int, list[tuple[int, Adresse]]] = {root: [] for root in familles.families}
    for part in chunks(familles.ids):
        for rid, rec in session.execute(select(RecordLink.redevable_id, SourceRecord)
                                        .join(RecordLink, RecordLink.source_record_id == SourceRecord.id)
                                        .where(RecordLink.redevable_id.in_(part))):
            a = _record_address(rec)
            if a is not None:
                out[familles.owner[rid]].append((rec.id, a))
    return {root: [a for _, a in sorted(found, key=lambda x: x[0])] for root, found in out.items()}


def tiers_from_renseignement(r: Renseignement) -> TiersDetenteur:
    """The tiers détenteur of a renseignement, its identifier checked by the library (``ValueError``
    with a French message when it is missing or invalid)."""
    kind = TiersKind(r.kind)
    src = _source_info(r.source, r.observed_on, r.reliability)
    adresse = None
    if r.voie or r.commune:
        adresse = Adresse(_lines(r.numero_voie, r.voie, r.complement_adresse), r.code_postal or "", r.commune or "")
    name = (r.name or "").strip()
    if kind is TiersKind.BANQUE:
        if not r.iban:
            raise ValueError("IBAN absent : aucune SATD bancaire possible.")
        return compte_bancaire(str(r.id), r.iban, name or "Établissement bancaire", src, adresse)
    if kind is TiersKind.EMPLOYEUR:
        if not r.siret:
            raise ValueError("SIRET de l'employeur absent : aucune SATD possible.")
        return employeur(str(r.id), r.siret, name or "Employeur", src, adresse, r.annual_net_salary_cents,
                         r.dependants or 0)
    if not name:
        raise ValueError("Nom du tiers détenteur absent.")
    return autre_tiers(str(r.id), kind, name, src, adresse, r.siret or "", r.annual_net_salary_cents,
                       r.dependants or 0)


def _source_info(source: str, observed: date, reliability: str) -> SourceInfo:
    return SourceInfo(Product(source) if source in PRODUCTS else None, observed,
                      RELIABILITIES.get(reliability, Fiabilite.DECLAREE), source)


def _lines(numero: str | None, voie: str | None, complement: str | None) -> tuple[str, ...]:
    street = " ".join(x for x in ((numero or "").strip(), (voie or "").strip()) if x)
    return tuple(x for x in ((complement or "").strip(), street) if x)


def _renseignement_address(r: Renseignement) -> Adresse | None:
    if not (r.voie or r.commune or r.code_postal):
        return None
    return Adresse(_lines(r.numero_voie, r.voie, r.complement_adresse), r.code_postal or "", r.commune or "",
                   _source_info(r.source, r.observed_on, r.reliability))


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _record_address(rec: SourceRecord) -> Adresse | None:
    if not (rec.voie or rec.commune or rec.code_postal):
        return None
    observed = rec.address_date or _as_date(rec.created_at) or date.min
    return Adresse(_lines(rec.numero_voie, rec.voie, rec.complement_adresse), rec.code_postal or "",
                   rec.commune or "", _source_info(rec.source, observed, "declaree"))
