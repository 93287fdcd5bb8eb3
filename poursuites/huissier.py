"""Rules of the national convention DGFiP – commissaires de justice (formerly huissiers).

Delays are read from ``data/delais.toml`` (section ``huissier``):
- phase comminatoire: 75 days from receipt of the file (60 when the contract was renewed after
  missed targets), extendable by the comptable; at the end, without full payment, poursuites
  resume automatically (art. 9 and 11);
- judicial phase: 50 days from receipt of the état de poursuites (art. 10);
- follow-up by the platform: reminders 8, 15 and 40 days after transmission (annex);
- reversement: cheques to the Trésor 15 days, cash 3 weeks, other means 6 weeks (art. 14);
- the officer's invoice is paid within 30 days (art. 17);
- fixed fees in taux de base: 7 for a circumstantial return after suspension at the comptable's
  request, 9.5 for a new address outside the officer's territory, nothing for a disappearance
  (art. 16);
- phase comminatoire on amendes and local products: 12.55 % HT of sums recovered, min 6.27 €,
  max 300 € HT (``data/seuils.toml``); when the debtor pays the comptable directly during the phase,
  :func:`paiement_direct_comminatoire` splits the payment (décret 2008-554 art. 2 and 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from .legal import delais, frais_phase_comminatoire, sources_paiement_direct_comminatoire
from .model import Product, date_fr, euros


def _d() -> dict:
    return delais("huissier")


class Phase(StrEnum):
    COMMINATOIRE = "comminatoire"
    JUDICIAIRE = "judiciaire"


def phase_comminatoire_deadline(received_on: date, renewed: bool = False, extension_days: int = 0) -> date:
    """Last day of the phase comminatoire (``extension_days`` granted by the comptable)."""
    if extension_days < 0:
        raise ValueError("La prolongation ne peut pas être négative.")
    days = _d()["phase_comminatoire_reconduction_jours" if renewed else "phase_comminatoire_jours"]
    return received_on + timedelta(days=days + extension_days)


def phase_judiciaire_deadline(received_on: date) -> date:
    return received_on + timedelta(days=_d()["phase_judiciaire_jours"])


def resume_poursuites(
    received_on: date, on: date, fully_paid: bool, renewed: bool = False, extension_days: int = 0
) -> bool:
    """True when the comptable must resume poursuites: phase comminatoire over without full payment."""
    return not fully_paid and on > phase_comminatoire_deadline(received_on, renewed, extension_days)


@dataclass(frozen=True, slots=True)
class Relance:
    due_on: date
    days: int
    label: str


def relances(transmitted_on: date) -> tuple[Relance, ...]:
    """The platform's follow-up calendar for a file transmitted on ``transmitted_on``."""
    labels = {
        0: "Relance de l'étude : absence d'accusé de réception",
        1: "Relance de l'étude",
        2: "Relance de l'étude : relance précédente sans effet ou absence de recouvrement, "
        "inciter à engager d'autres mesures",
    }
    return tuple(
        Relance(transmitted_on + timedelta(days=n), n, f"{labels.get(i, 'Relance')} (J+{n})")
        for i, n in enumerate(_d()["relances_jours"])
    )


def relances_dues(transmitted_on: date, on: date, acknowledged: bool, recovered: bool = False) -> list[Relance]:
    """Reminders due by ``on``: the first (no acknowledgement) only if no acknowledgement was
    received; none once the file is fully recovered."""
    if recovered:
        return []
    out = []
    for i, r in enumerate(relances(transmitted_on)):
        if r.due_on > on:
            continue
        if i == 0 and acknowledged:
            continue
        out.append(r)
    return out


class ModeReversement(StrEnum):
    CHEQUE_TRESOR = "cheque_tresor"
    ESPECES = "especes"
    AUTRE = "autre"  # virement, chèque à l'ordre de l'étude…


def reversement_deadline(collected_on: date, mode: ModeReversement) -> date:
    key = {
        ModeReversement.CHEQUE_TRESOR: "reversement_cheque_jours",
        ModeReversement.ESPECES: "reversement_especes_jours",
        ModeReversement.AUTRE: "reversement_autres_jours",
    }[mode]
    return collected_on + timedelta(days=_d()[key])


def invoice_payment_deadline(invoice_received_on: date) -> date:
    return invoice_received_on + timedelta(days=_d()["paiement_facture_jours"])


class ForfaitKind(StrEnum):
    RETOUR_CIRCONSTANCIE = "retour_circonstancie"
    NOUVELLE_ADRESSE = "nouvelle_adresse"
    DISPARITION = "disparition"


def forfait_taux_de_base(kind: ForfaitKind) -> Decimal:
    key = {
        ForfaitKind.RETOUR_CIRCONSTANCIE: "retour_circonstancie_taux_de_base",
        ForfaitKind.NOUVELLE_ADRESSE: "nouvelle_adresse_taux_de_base",
        ForfaitKind.DISPARITION: "disparition_taux_de_base",
    }[kind]
    return Decimal(str(_d()[key]))


def forfait_cents(kind: ForfaitKind, taux_de_base_cents: int) -> int:
    """Fixed fee in cents for a taux de base value given by the caller (tarif in force),
    rounded half up to the cent."""
    value = forfait_taux_de_base(kind) * taux_de_base_cents
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fee_phase_comminatoire(recovered_cents: int, product: Product, on: date) -> int:
    """Fee (HT) paid by the debtor on sums recovered in a phase comminatoire (amendes, local products)."""
    taux = frais_phase_comminatoire(on)
    if taux.produits and product not in taux.produits:
        raise ValueError(f"Pas de phase comminatoire pour les créances « {product.label.lower()} ».")
    return taux.applique(recovered_cents)


def fee_phase_comminatoire_amendes(recovered_cents: int, on: date) -> int:
    """Fee (HT) paid by the debtor on sums recovered in a phase comminatoire on amendes."""
    return fee_phase_comminatoire(recovered_cents, Product.AMENDES, on)


@dataclass(frozen=True, slots=True)
class PaiementDirect:
    """A payment made to the comptable during a phase comminatoire, split between the debt and the
    commissaire's fee; ``excess_cents`` goes to the debtor's other debts or is refunded."""

    payment_cents: int
    imputed_cents: int
    fee_cents: int  # passed on (reversé) to the commissaire de justice
    excess_cents: int
    source: str
    explanation: str


def paiement_direct_comminatoire(
    payment_cents: int, product: Product, dette_cents: int, on: date, autres_dettes_exigibles: bool = False
) -> PaiementDirect:
    """Amendes (décret 2008-554 art. 2): the comptable deducts the fee due on what is imputed and passes
    it on, the rest is imputed — the largest imputed amount ``I`` with ``I + fee(I) ≤ payment``. A payment
    too small to bear the minimum fee is imputed whole, without fee (favour of the Trésor's claim).
    Local products (art. 3): the payment is imputed up to the debt entrusted; what exceeds it may be passed
    on to the commissaire, up to its fee, only when the debtor owes nothing else due at the comptable."""
    if payment_cents <= 0 or dette_cents < 0:
        raise ValueError("Le paiement doit être strictement positif et la dette positive ou nulle.")
    taux = frais_phase_comminatoire(on)
    sources = sources_paiement_direct_comminatoire(on)
    if product not in sources or (taux.produits and product not in taux.produits):
        raise ValueError(f"Pas de phase comminatoire pour les créances « {product.label.lower()} ».")
    if product is Product.AMENDES:
        lo, hi = 0, min(dette_cents, payment_cents)
        while lo < hi:  # largest I with I + fee(I) <= payment (fee is non-decreasing in I)
            mid = (lo + hi + 1) // 2
            if mid + taux.applique(mid) <= payment_cents:
                lo = mid
            else:
                hi = mid - 1
        imputed, fee = lo, taux.applique(lo)
        if imputed == 0:
            imputed, fee = min(payment_cents, dette_cents), 0
        excess = payment_cents - imputed - fee
        text = (f"Paiement direct de {euros(payment_cents)} pendant la phase comminatoire : {euros(fee)} de frais "
                f"reversés au commissaire de justice, {euros(imputed)} imputés sur l'amende ({sources[product]}).")
    else:
        imputed = min(payment_cents, dette_cents)
        over = payment_cents - imputed
        fee = 0 if autres_dettes_exigibles else min(over, taux.applique(imputed))
        excess = over - fee
        text = (f"Paiement direct de {euros(payment_cents)} pendant la phase comminatoire : {euros(imputed)} imputés "
                f"sur la dette confiée, {euros(fee)} reversés au commissaire de justice ({sources[product]}).")
    if excess:
        text += f" Excédent de {euros(excess)} : autres dettes exigibles ou remboursement."
    return PaiementDirect(payment_cents, imputed, fee, excess, sources[product], text)


@dataclass(frozen=True, slots=True)
class Echeancier:
    phase: Phase
    received_on: date
    deadline: date
    relances: tuple[Relance, ...]
    explanation: str


def echeancier(phase: Phase, received_on: date, renewed: bool = False, extension_days: int = 0) -> Echeancier:
    """Deadlines and reminders of a file handed to a commissaire de justice."""
    if phase is Phase.COMMINATOIRE:
        deadline = phase_comminatoire_deadline(received_on, renewed, extension_days)
        text = (
            f"Phase comminatoire reçue le {date_fr(received_on)} : fin le {date_fr(deadline)} ; "
            "sans paiement intégral, reprise automatique des poursuites par le comptable."
        )
    else:
        deadline = phase_judiciaire_deadline(received_on)
        text = (f"Phase de recouvrement judiciaire reçue le {date_fr(received_on)} : exécution au plus tard le "
                f"{date_fr(deadline)}.")
    return Echeancier(phase, received_on, deadline, relances(received_on), text)
