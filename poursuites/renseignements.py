"""Recherche de renseignements, mutualised: tiers détenteurs and addresses found once per debtor
(through any product) and used for every debt.

- Bank accounts are validated with ``stdnum.iban``, employers with ``stdnum.fr.siret``; an
  invalid identifier raises ``ValueError`` with a French message.
- :func:`best_address` chooses the most recent reliable address and explains the choice.
- :func:`address_proposals` offers an address confirmed through one product to the others.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret

from .model import Adresse, Fiabilite, Product, SourceInfo, TiersDetenteur, TiersKind, date_fr


def valid_iban(value: str) -> str:
    """The IBAN in compact form, or ``ValueError`` with a French message."""
    try:
        return stdnum_iban.validate(value)
    except ValidationError as exc:
        raise ValueError(f"IBAN invalide : « {value} » ({_why(exc)}).") from exc


def valid_siret(value: str) -> str:
    """The SIRET in compact form, or ``ValueError`` with a French message."""
    try:
        return stdnum_siret.validate(value)
    except ValidationError as exc:
        raise ValueError(f"SIRET invalide : « {value} » ({_why(exc)}).") from exc


def _why(exc: ValidationError) -> str:
    name = type(exc).__name__
    return {
        "InvalidChecksum": "clé de contrôle erronée",
        "InvalidLength": "longueur incorrecte",
        "InvalidFormat": "format incorrect",
        "InvalidComponent": "code pays ou composant incorrect",
    }.get(name, "identifiant incorrect")


def compte_bancaire(
    id: str, iban: str, etablissement: str, source: SourceInfo, adresse: Adresse | None = None,
    balance_cents: int | None = None,
) -> TiersDetenteur:
    return TiersDetenteur(
        id=id, kind=TiersKind.BANQUE, name=etablissement, identifier=valid_iban(iban),
        adresse=adresse, source=source, balance_cents=balance_cents,
    )


def employeur(
    id: str, siret: str, raison_sociale: str, source: SourceInfo, adresse: Adresse | None = None,
    annual_net_salary_cents: int | None = None, dependants: int = 0,
) -> TiersDetenteur:
    return TiersDetenteur(
        id=id, kind=TiersKind.EMPLOYEUR, name=raison_sociale, identifier=valid_siret(siret),
        adresse=adresse, source=source, annual_net_salary_cents=annual_net_salary_cents,
        dependants=dependants,
    )


def autre_tiers(
    id: str, kind: TiersKind, name: str, source: SourceInfo, adresse: Adresse | None = None,
    identifier: str = "", annual_net_salary_cents: int | None = None, dependants: int = 0,
) -> TiersDetenteur:
    """Pension fund, CAF, tenant, notary or other tiers (a SIRET given as identifier is checked)."""
    if kind in (TiersKind.BANQUE, TiersKind.EMPLOYEUR):
        raise ValueError("Utiliser compte_bancaire() ou employeur() pour ce type de tiers détenteur.")
    if identifier and identifier.replace(" ", "").isdigit() and len(identifier.replace(" ", "")) == 14:
        identifier = valid_siret(identifier)
    return TiersDetenteur(
        id=id, kind=kind, name=name, identifier=identifier, adresse=adresse, source=source,
        annual_net_salary_cents=annual_net_salary_cents, dependants=dependants,
    )


# ---------------------------------------------------------------- addresses
def normalise_address(a: Adresse) -> str:
    text = " ".join([*a.lignes, a.code_postal, a.commune]).upper()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch if ch.isalnum() else " " for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class AddressChoice:
    adresse: Adresse | None
    explanation: str
    rejected: tuple[tuple[Adresse, str], ...] = ()


def _source(a: Adresse) -> SourceInfo:
    if a.source is None:
        raise ValueError(f"Adresse sans source ni date : {a.one_line()}.")
    return a.source


def _describe(a: Adresse) -> str:
    s = _source(a)
    via = f"via {s.product.label.lower()}" if s.product else f"via {s.origine or 'source inconnue'}"
    return f"{a.one_line()} ({via}, {date_fr(s.observed_on)}, {s.fiabilite.label})"


def best_address(addresses: Sequence[Adresse]) -> AddressChoice:
    """Most recent reliable address. An address returned as undeliverable (NPAI), or older than an
    NPAI return on the same address, is discarded; 'ancienne' addresses are used only when no
    declared or confirmed one remains. Ties on the date go to the more reliable one."""
    if not addresses:
        return AddressChoice(None, "Aucune adresse connue pour ce redevable.")
    npai_dates: dict[str, date] = {}
    for a in addresses:
        s = _source(a)
        if s.fiabilite is Fiabilite.NPAI:
            key = normalise_address(a)
            prev = npai_dates.get(key)
            if prev is None or s.observed_on > prev:
                npai_dates[key] = s.observed_on
    rejected: list[tuple[Adresse, str]] = []
    usable: list[Adresse] = []
    for a in addresses:
        s = _source(a)
        npai = npai_dates.get(normalise_address(a))
        if s.fiabilite is Fiabilite.NPAI:
            rejected.append((a, "pli non distribuable"))
        elif npai is not None and s.observed_on <= npai:
            rejected.append((a, f"pli non distribuable le {date_fr(npai)}"))
        else:
            usable.append(a)
    if not usable:
        return AddressChoice(None, "Aucune adresse utilisable : toutes ont fait l'objet d'un pli non distribuable.",
                             tuple(rejected))
    reliable = [a for a in usable if _source(a).fiabilite >= Fiabilite.DECLAREE]
    pool = reliable or usable
    for a in usable:
        if a not in pool:
            rejected.append((a, "adresse ancienne, une adresse plus fiable existe"))
    chosen = max(pool, key=lambda a: (_source(a).observed_on, _source(a).fiabilite))
    for a in pool:
        if a is not chosen and normalise_address(a) != normalise_address(chosen):
            rejected.append((a, "moins récente"))
    why = ("la plus récente des adresses fiables" if reliable
           else "aucune adresse fiable : la plus récente des adresses connues")
    text = f"Adresse retenue : {_describe(chosen)} — {why}."
    if rejected:
        text += " Écartées : " + " ; ".join(f"{x.one_line()} ({r})" for x, r in rejected) + "."
    return AddressChoice(chosen, text, tuple(rejected))


@dataclass(frozen=True, slots=True)
class AddressProposal:
    adresse: Adresse
    from_product: Product
    to_product: Product
    explanation: str


def address_proposals(addresses: Sequence[Adresse], products: Iterable[Product]) -> list[AddressProposal]:
    """For each product of the account whose own most recent address differs from an address
    confirmed through another product (and more recent), propose the confirmed one."""
    products = list(dict.fromkeys(products))
    confirmed = [a for a in addresses if _source(a).fiabilite is Fiabilite.CONFIRMEE and _source(a).product]
    if not confirmed:
        return []
    latest = max(confirmed, key=lambda a: _source(a).observed_on)
    src = _source(latest)
    origin = src.product
    assert origin is not None
    key = normalise_address(latest)
    proposals: list[AddressProposal] = []
    for product in products:
        if product is origin:
            continue
        own = [a for a in addresses if _source(a).product is product and _source(a).fiabilite is not Fiabilite.NPAI]
        current = max(own, key=lambda a: _source(a).observed_on) if own else None
        if current is not None and normalise_address(current) == key:
            continue
        if current is not None and _source(current).observed_on > src.observed_on:
            continue
        was = f" (adresse connue : {current.one_line()})" if current else " (aucune adresse connue)"
        proposals.append(
            AddressProposal(
                latest, origin, product,
                f"Adresse confirmée le {date_fr(src.observed_on)} via {origin.label.lower()} "
                f"proposée pour les {product.label.lower()}{was}.",
            )
        )
    return proposals
