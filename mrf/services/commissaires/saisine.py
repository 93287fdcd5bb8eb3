"""Flux « Demande du comptable »: a comptable refers eligible créances to the competent étude.

One use case, one transaction: for each account, the créances of the covered products (amendes,
local-sector titres) that the library finds eligible to a phase comminatoire and that no open
dossier holds become one dossier per comptable; the dossier goes to the étude whose territory holds
the debtor's postal code (restored from the commune before a rejection); an ``Acte`` records the
referral; one « Demande de phase » letter with its état is issued per étude and comptable; the day's
interface file of each centre serveur concerned is re-emitted, complete (:mod:`.fichiers`).

A phase judiciaire is requested the same way, for the créances of a phase comminatoire that ended
without full payment."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.catalogue import ActionKind
from poursuites.documents import render_document
from poursuites.eligibility import evaluate
from poursuites.huissier import Phase, echeancier

from ...extensions import db
from ...models import (
    Acte,
    ActeLine,
    DemandeCommissaire,
    DossierCommissaire,
    DossierLigne,
    Etude,
    FichierEchange,
    Structure,
)
from ..admin import audit
from ..comptes import famille
from ..comptes.consolide import CompteCharge, comptable_view, load_account
from ..errors import Refus, refus_des_bibliotheques
from ..poursuites.documents import next_numbers
from ..poursuites.lot import batch_accounts
from ..poursuites.perimetre import poste_agissant, refus_audite, refuse_hors_poste
from . import fichiers
from .etudes import Territoire
from .registre import charger, creances_en_dossier_ouvert
from .regles import PHASES, PRODUITS

TEMPLATE = "commissaires/document_demande.html"
SERIES = {"comminatoire": "CJC", "judiciaire": "CJJ"}
LETTRE = {"comminatoire": "DPC", "judiciaire": "DPJ"}


@dataclass
class SaisineResult:
    dossiers: list[DossierCommissaire] = field(default_factory=list)
    demandes: list[DemandeCommissaire] = field(default_factory=list)
    fichiers: list[FichierEchange] = field(default_factory=list)
    rejets: list[str] = field(default_factory=list)
    restaures: int = 0

    def summary(self) -> str:
        text = (f"{len(self.dossiers)} dossier(s) transmis, {len(self.demandes)} demande(s) de phase émise(s), "
                f"{len(self.fichiers)} fichier(s) d'interface, {self.restaures} code(s) postal(aux) restauré(s)")
        return text + (f", {len(self.rejets)} rejet(s)." if self.rejets else ".")


def _eligibles(session: Session, account: CompteCharge, phase: str, structure: Structure | None,
               creance_ids: set[int] | None, rejets: list[str]) -> dict[int, list[int]]:
    """Eligible créances of the account, by comptable (structure id)."""
    on = account.on
    candidates = [c for c in account.creances.values()
                  if c.product in PRODUITS and c.status == "en_cours" and c.rar_cents > 0
                  and (creance_ids is None or c.id in creance_ids)
                  and (structure is None or account.comptable_for(c).id == structure.id)
                  and c.id not in account.anv_admitted]
    busy = creances_en_dossier_ouvert(session, [c.id for c in candidates], on)
    ended: set[int] = set()
    if phase == Phase.JUDICIAIRE.value:
        for v in charger(session, on, redevable_ids=list(account.family_ids)):
            if v.dossier.phase == Phase.COMMINATOIRE.value and v.etat.etat == "echu":
                ended |= {line.creance_id for line in v.dossier.lignes}
    out: dict[int, list[int]] = defaultdict(list)
    for c in sorted(candidates, key=lambda c: c.id):
        if c.id in busy:
            rejets.append(f"Compte {account.id}, créance {c.reference} : déjà confiée à l'étude "
                          f"{busy[c.id].etude.nom} (dossier {busy[c.id].dossier.numero}).")
            continue
        if phase == Phase.JUDICIAIRE.value:
            if c.id not in ended:
                rejets.append(f"Compte {account.id}, créance {c.reference} : pas de phase comminatoire échue "
                              "sans paiement intégral.")
                continue
        else:
            d = evaluate(account.views[c.id], ActionKind.PHASE_COMMINATOIRE, on, account.config.seuils)
            if not d.eligible:
                rejets.append(f"Compte {account.id}, créance {c.reference} : {d.reason}")
                continue
        out[account.comptable_for(c).id].append(c.id)
    if creance_ids is not None:
        unknown = creance_ids - set(account.creances)
        if unknown:
            rejets.append(f"Compte {account.id} : créance(s) inconnue(s) pour ce compte : "
                          f"{', '.join(map(str, sorted(unknown)))}.")
        wrong = [account.creances[c].reference for c in creance_ids & set(account.creances)
                 if account.creances[c].product not in PRODUITS]
        if wrong:
            rejets.append(f"Compte {account.id} : produit non couvert par la convention (impôts) : "
                          f"{', '.join(sorted(wrong))}.")
    return out


def _saisir_compte(session: Session, territoire: Territoire, redevable_id: int, phase: str, on: date,
                   agent_id: int | None, structure: Structure | None, creance_ids: set[int] | None,
                   result: SaisineResult, reconduit: bool) -> list[DossierCommissaire]:
    account = load_account(session, redevable_id, on, for_update=True)
    poste = structure or poste_agissant(session, agent_id)
    if creance_ids is not None:  # a témoin's office refers only the créances it is the original comptable of
        refuse_hors_poste(account, poste, creance_ids, "saisine d'un commissaire de justice")
    own = poste if structure is None and account.scope.is_control else structure
    groups = _eligibles(session, account, phase, own, creance_ids, result.rejets)
    if not groups:
        return []
    adresse = account.address_choice.adresse
    if adresse is None:
        result.rejets.append(f"Compte {account.id} : aucune adresse connue du redevable.")
        return []
    created: list[DossierCommissaire] = []
    for sid in sorted(groups):
        comptable = account.structures.get(sid) or session.get(Structure, sid)
        deps = {comptable.departement}
        a = territoire.attribuer(adresse.code_postal, adresse.commune, account.root.code_insee, deps)
        if a.etude_id is None:
            result.rejets.append(f"Compte {account.id} ({account.redevable_view.display_name}) : dossier rejeté, "
                                 f"{a.motif}.")
            continue
        cids = groups[sid]
        total = sum(int(account.creances[c].rar_cents) for c in cids)
        ech = echeancier(Phase(phase), on, reconduit)
        numero = next_numbers(session, SERIES[phase], comptable, on.year)[0]
        acte = Acte(redevable_id=account.id, kind=f"phase_{phase}", structure_id=sid, amount_cents=total,
                    issued_on=on, agent_id=agent_id, status="emis",
                    details={"dossier": numero, "etude_id": a.etude_id, "echeance": ech.deadline.isoformat()})
        acte.lines = [ActeLine(creance_id=c, amount_cents=int(account.creances[c].rar_cents)) for c in cids]
        session.add(acte)
        session.flush()
        d = DossierCommissaire(
            numero=numero, phase=phase, redevable_id=account.id, structure_id=sid, etude_id=a.etude_id,
            acte_id=acte.id, transmis_le=on, echeance=ech.deadline, reconduit=reconduit, montant_cents=total,
            nom=account.redevable_view.display_name, adresse=" / ".join(adresse.lignes),
            code_postal=a.code_postal, commune=adresse.commune or None, code_insee=a.code_insee,
            code_postal_recu=(adresse.code_postal or "")[:16] if a.restaure else None, agent_id=agent_id)
        d.lignes = [DossierLigne(creance_id=c, montant_cents=int(account.creances[c].rar_cents)) for c in cids]
        session.add(d)
        session.flush()
        result.restaures += int(a.restaure)
        audit.add(session, agent_id, f"saisine_{phase}", "redevable", account.id,
                  {"dossier": numero, "etude_id": a.etude_id, "creance_ids": cids, "amount_cents": total,
                   "code_postal_restaure": a.restaure})
        created.append(d)
    return created


def _demandes(session: Session, dossiers: list[DossierCommissaire], phase: str, on: date,
              agent_id: int | None) -> list[DemandeCommissaire]:
    """One letter and its état per (étude, comptable)."""
    from ..comptes.consolide import config as load_config

    groups: dict[tuple[int, int], list[DossierCommissaire]] = defaultdict(list)
    for d in dossiers:
        groups[(d.etude_id, d.structure_id)].append(d)
    out = []
    villes = load_config(on).villes
    for (etude_id, sid), items in sorted(groups.items()):
        etude, structure = session.get(Etude, etude_id), session.get(Structure, sid)
        numero = next_numbers(session, LETTRE[phase], structure, on.year)[0]
        rendered = render_document(TEMPLATE, number=numero, phase=phase, etude=etude,
                                   comptable=comptable_view(structure, villes), date=on, dossiers=items,
                                   titres=_titres(session, items), echeance=items[0].echeance,
                                   total_cents=sum(d.montant_cents for d in items))
        demande = DemandeCommissaire(numero=numero, phase=phase, etude_id=etude_id, structure_id=sid, emise_le=on,
                                     sha256=rendered.sha256, html=rendered.html, pdf=rendered.pdf, agent_id=agent_id)
        session.add(demande)
        session.flush()
        for d in items:
            d.demande_id = demande.id  # set once, in the transaction that creates the dossier
        out.append(demande)
    return out


def _titres(session: Session, dossiers: list[DossierCommissaire]) -> dict[int, list]:
    from ...models import Creance

    ids = [line.creance_id for d in dossiers for line in d.lignes]
    creances = {c.id: c for c in session.scalars(select(Creance).where(Creance.id.in_(ids)))}
    return {d.id: [(creances[line.creance_id], line.montant_cents) for line in d.lignes] for d in dossiers}


def _check(phase: str) -> None:
    if phase not in PHASES:
        raise Refus(f"Phase inconnue : « {phase} » (attendu : {', '.join(PHASES)}).")


def _structure(session: Session, code: str | None) -> Structure | None:
    if code is None:
        return None
    s = session.scalar(select(Structure).where(Structure.code == code))
    if s is None:
        raise Refus(f"Structure inconnue : « {code} ».")
    return s


@refus_des_bibliotheques()
def saisir(redevable_ids: list[int], phase: str = "comminatoire", on: date | None = None,
           agent_id: int | None = None, *, structure_code: str | None = None,
           creance_ids: list[int] | None = None, reconduit: bool = False) -> SaisineResult:
    """Refer the eligible créances of the accounts ``redevable_ids`` (all of one account when
    ``creance_ids`` is given) to the competent études; see the module docstring."""
    _check(phase)
    on = on or date.today()
    result = SaisineResult()
    with refus_audite(agent_id, f"saisine_{phase}"), db.transaction() as session:
        structure = _structure(session, structure_code)
        territoire = Territoire(session)
        wanted = set(map(int, creance_ids)) if creance_ids is not None else None
        roots = sorted(set(famille.roots_of(session, [int(r) for r in redevable_ids]).values()))
        for rid in roots:
            result.dossiers += _saisir_compte(session, territoire, rid, phase, on, agent_id, structure, wanted,
                                              result, reconduit)
        if result.dossiers:
            result.demandes = _demandes(session, result.dossiers, phase, on, agent_id)
            centres = sorted({session.get(Etude, d.etude_id).centre_serveur for d in result.dossiers})
            result.fichiers = fichiers.emettre(session, on, centres, agent_id)
    return result


def saisir_lot(structure_code: str, phase: str = "comminatoire", on: date | None = None,
               agent_id: int | None = None, limit: int | None = None) -> SaisineResult:
    """The batch over a structure's work list: every account it handles, its own créances only."""
    return saisir(batch_accounts(structure_code, limit), phase, on, agent_id, structure_code=structure_code)


@dataclass(frozen=True)
class ApercuCreance:
    creance_id: int
    reference: str
    product: str
    nature: str
    creditor: str
    rar_cents: int
    eligible: bool
    motif: str


@dataclass(frozen=True)
class Apercu:
    """What a saisine of the account would refer (read only): créances and the competent étude."""

    redevable_id: int
    phase: str
    creances: list[ApercuCreance]
    etude: str | None
    code_postal: str | None
    restaure: bool
    motif_rejet: str


def apercu(redevable_id: int, phase: str = "comminatoire", on: date | None = None,
           structure_code: str | None = None) -> Apercu:
    """Eligible créances of the account for ``phase`` (those of ``structure_code`` when given) and
    where the dossier would go."""
    _check(phase)
    on = on or date.today()
    with db.new_session() as session:
        account = load_account(session, redevable_id, on)
        structure = _structure(session, structure_code)
        rejets: list[str] = []
        groups = _eligibles(session, account, phase, structure, None, rejets)
        chosen = {c for cids in groups.values() for c in cids}
        rows = []
        for c in sorted(account.creances.values(), key=lambda c: (c.product, c.reference)):
            if structure is not None and account.comptable_for(c).id != structure.id:
                continue
            why = next((r.split(" : ", 1)[1] for r in rejets if f"créance {c.reference} :" in r), "")
            if c.product not in PRODUITS:
                why = "produit non couvert par la convention"
            elif c.id not in chosen and not why:
                why = "soldée ou annulée" if c.status != "en_cours" or c.rar_cents <= 0 else "non éligible"
            rows.append(ApercuCreance(c.id, c.reference, c.product, c.nature, c.creditor_name, int(c.rar_cents),
                                      c.id in chosen, why))
        adresse = account.address_choice.adresse
        etude, cp, restaure, motif = None, None, False, ""
        if adresse is None:
            motif = "aucune adresse connue du redevable"
        elif groups:
            deps = {(account.structures.get(s) or session.get(Structure, s)).departement for s in groups}
            a = Territoire(session).attribuer(adresse.code_postal, adresse.commune, account.root.code_insee, deps)
            cp, restaure, motif = a.code_postal, a.restaure, a.motif
            if a.etude_id is not None:
                etude = session.get(Etude, a.etude_id).nom
        return Apercu(account.id, phase, rows, etude, cp, restaure, motif)
