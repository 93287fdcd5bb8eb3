"""Recherche de renseignements, mutualised: tiers détenteurs and addresses recorded once per debtor
and used for every debt of the consolidated account.

- :func:`add_renseignement` checks what it records — IBAN and SIRET through the poursuites library
  (``stdnum``), BIC, postal code, kinds, sources, reliabilities — and refuses with a French reason;
- :func:`address_proposals` shows the address the account would use on documents (the library's
  :func:`~poursuites.renseignements.best_address`) and the addresses confirmed through one product
  that are offered to the other products (proposals only: nothing is written to the sources).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from stdnum import bic as stdnum_bic

from poursuites.model import Product, TiersKind
from poursuites.renseignements import AddressChoice, AddressProposal, valid_iban, valid_siret
from poursuites.renseignements import address_proposals as library_address_proposals

from ...extensions import db
from ...models import Renseignement
from ..admin import audit
from ..comptes.consolide import RELIABILITIES, RENSEIGNEMENT_KINDS, PoursuitesError, load_account, resolve_root
from ..errors import refus_des_bibliotheques
from .perimetre import poste_agissant, refus_audite, refuse_hors_poste

SOURCES: tuple[str, ...] = ("impots", "amendes", "secteur_local", "ficoba", "huissier", "agent", "redevable", "caf")
_POSTCODE = re.compile(r"^\d[0-9AB]\d{3}$")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def add(session: Session, redevable_id: int, kind: str, *, observed_on: date, source: str = "agent",
        reliability: str = "declaree", name: str | None = None, iban: str | None = None, bic: str | None = None,
        siret: str | None = None, numero_voie: str | None = None, voie: str | None = None,
        complement_adresse: str | None = None, code_postal: str | None = None, commune: str | None = None,
        code_insee: str | None = None, annual_net_salary_cents: int | None = None, dependants: int | None = None,
        agent_id: int | None = None, supersedes_id: int | None = None, audit_it: bool = True) -> Renseignement:
    """Validate and add one renseignement inside the caller's transaction."""
    root = resolve_root(session, redevable_id)
    if kind not in RENSEIGNEMENT_KINDS:
        raise PoursuitesError(f"Type de renseignement inconnu : « {kind} » "
                              f"(attendu : {', '.join(RENSEIGNEMENT_KINDS)}).")
    if source not in SOURCES:
        raise PoursuitesError(f"Source inconnue : « {source} » (attendu : {', '.join(SOURCES)}).")
    if reliability not in RELIABILITIES:
        raise PoursuitesError(f"Fiabilité inconnue : « {reliability} » (attendu : {', '.join(RELIABILITIES)}).")
    name, voie, commune = _clean(name), _clean(voie), _clean(commune)
    numero_voie, complement_adresse = _clean(numero_voie), _clean(complement_adresse)
    code_postal = _clean(code_postal)
    if code_postal is not None and not _POSTCODE.match(code_postal):
        raise PoursuitesError(f"Code postal invalide : « {code_postal} » (cinq chiffres attendus).")
    if code_insee is not None and not _POSTCODE.match(code_insee):
        raise PoursuitesError(f"Code commune INSEE invalide : « {code_insee} ».")
    if annual_net_salary_cents is not None and annual_net_salary_cents < 0:
        raise PoursuitesError("Le salaire annuel net ne peut pas être négatif.")
    if dependants is not None and not 0 <= dependants <= 20:
        raise PoursuitesError("Nombre de personnes à charge invalide.")
    try:
        if kind == TiersKind.BANQUE.value:
            if not iban:
                raise PoursuitesError("Compte bancaire : l'IBAN est obligatoire.")
            iban = valid_iban(iban)
            if bic:
                try:
                    bic = stdnum_bic.validate(bic)
                except Exception:  # noqa: BLE001 - stdnum's ValidationError family
                    raise PoursuitesError(f"BIC invalide : « {bic} ».") from None
            if not name:
                raise PoursuitesError("Compte bancaire : le nom de l'établissement est obligatoire.")
        elif kind == TiersKind.EMPLOYEUR.value:
            if not siret:
                raise PoursuitesError("Employeur : le SIRET est obligatoire.")
            siret = valid_siret(siret)
            if not name:
                raise PoursuitesError("Employeur : la raison sociale est obligatoire.")
        elif kind == "adresse":
            if not (voie or commune or code_postal):
                raise PoursuitesError("Adresse : indiquer au moins la voie, le code postal ou la commune.")
            if iban or siret:
                raise PoursuitesError("Une adresse ne porte ni IBAN ni SIRET.")
        else:
            if not name:
                raise PoursuitesError("Tiers détenteur : le nom est obligatoire.")
            if siret:
                siret = valid_siret(siret)
    except PoursuitesError:
        raise
    except ValueError as exc:  # the library's French message
        raise PoursuitesError(str(exc)) from None
    if iban and kind != TiersKind.BANQUE.value:
        raise PoursuitesError("Seul un compte bancaire porte un IBAN.")
    if supersedes_id is not None:
        old = session.get(Renseignement, supersedes_id)
        if old is None or resolve_root(session, old.redevable_id).id != root.id:
            raise PoursuitesError(f"Renseignement à remplacer inconnu pour ce compte : {supersedes_id}.")
    r = Renseignement(
        redevable_id=root.id, kind=kind, name=name, iban=iban, bic=bic, siret=siret, numero_voie=numero_voie,
        voie=voie, complement_adresse=complement_adresse, code_postal=code_postal, commune=commune,
        code_insee=code_insee, annual_net_salary_cents=annual_net_salary_cents, dependants=dependants,
        source=source, observed_on=observed_on, reliability=reliability, agent_id=agent_id,
        supersedes_id=supersedes_id,
    )
    session.add(r)
    session.flush()
    if audit_it:
        audit.add(session, agent_id, "renseignement", "redevable", root.id,
                  {"renseignement_id": r.id, "kind": kind, "source": source})
    return r


@refus_des_bibliotheques(PoursuitesError)
def add_renseignement(redevable_id: int, kind: str, *, observed_on: date, agent_id: int | None = None,
                      **fields: object) -> Renseignement:
    """Record one renseignement (a tiers détenteur or an address) on the account, in its own
    transaction. Refused with a French reason (``PoursuitesError``) when invalid."""
    with refus_audite(agent_id, "renseignement", kind=kind), db.transaction() as session:
        refuse_hors_poste(load_account(session, redevable_id, observed_on), poste_agissant(session, agent_id), None,
                          "renseignement")
        return add(session, redevable_id, kind, observed_on=observed_on, agent_id=agent_id,
                   **fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class AddressView:
    choice: AddressChoice  # the address used on documents, with why
    proposals: tuple[AddressProposal, ...]  # addresses offered to other products

    def lines(self) -> list[str]:
        out = [self.choice.explanation]
        out += [f"Proposition : {p.explanation}" for p in self.proposals]
        return out


def address_proposals(redevable_id: int, today: date | None = None) -> AddressView:
    """The best address of the account and the proposals of a confirmed address to other products."""
    today = today or date.today()
    with db.new_session() as session:
        account = load_account(session, redevable_id, today)
    products = [Product(c.product) for c in account.creances.values()]
    dated = [a for a in account.addresses if a.source is not None]
    return AddressView(account.address_choice, tuple(library_address_proposals(dated, products)))


__all__ = ["AddressView", "SOURCES", "add", "add_renseignement", "address_proposals"]
