"""SATD on a bank account: what is left, blocked and paid (LPF L262; CPCE L162-1, R162-2).

- The bank always leaves the debtor the **solde bancaire insaisissable** (SBI), equal to the RSA
  for one person on the date of the SATD, within the limit of the credit balance.
- What exceeds the SBI is seizable, up to the SATD amount.
- Blocking for 15 working days (jours ouvrables, CPCE L162-1: Sundays and public holidays do not
  count), from the day after the SATD; ``blocking_end`` is the last day. Below the cantonnement
  threshold (2 000 €), only the amount claimed is made unavailable; from that threshold, the whole
  balance above the SBI is.
- Bank fees: at most 10 % of the sum due to the Trésor (the SATD amount), capped at 100 € TTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendrier import ajouter_jours_ouvrables
from .legal import delais, frais_bancaires_satd, rsa_personne_seule, seuil_cantonnement_satd
from .model import date_fr, euros


@dataclass(frozen=True, slots=True)
class SaisieBancaire:
    satd_amount_cents: int
    balance_cents: int
    sbi_cents: int  # left at the debtor's disposal
    seizable_cents: int  # to pay to the comptable
    blocked_cents: int  # unavailable during the blocking period
    blocking_days: int  # jours ouvrables
    cantonnement: bool  # True when only the amount claimed is blocked
    bank_fee_cap_cents: int
    left_to_debtor_cents: int  # balance minus what is paid (before bank fees)
    explanation: str
    blocking_end: date | None = None  # last working day of the blocking period


def saisie_bancaire(satd_amount_cents: int, balance_cents: int, on: date) -> SaisieBancaire:
    if satd_amount_cents < 0:
        raise ValueError("Le montant de la saisie ne peut pas être négatif.")
    rsa = rsa_personne_seule(on).montant_cents
    threshold, _ = seuil_cantonnement_satd(on)
    fee_cap = frais_bancaires_satd(on).applique(satd_amount_cents)
    days = int(delais("satd")["blocage_compte_jours"])
    end = ajouter_jours_ouvrables(on, days)
    credit = max(0, balance_cents)
    sbi = min(rsa, credit)
    available = credit - sbi
    seizable = min(satd_amount_cents, available)
    cantonnement = satd_amount_cents < threshold
    blocked = seizable if cantonnement else available
    parts = [f"Solde créditeur {euros(credit)} ; solde bancaire insaisissable laissé : {euros(sbi)} "
             "(RSA d'une personne seule)."]
    if available == 0:
        parts.append("Aucune somme saisissable au-delà du solde bancaire insaisissable.")
    else:
        parts.append(f"Somme à verser au comptable : {euros(seizable)}.")
    if cantonnement:
        parts.append(
            f"Saisie inférieure à {euros(threshold)} : seules les sommes saisies ({euros(blocked)}) "
            f"sont indisponibles pendant {days} jours ouvrables (jusqu'au {date_fr(end)} inclus)."
        )
    else:
        parts.append(f"Saisie d'au moins {euros(threshold)} : {euros(blocked)} indisponibles pendant {days} jours "
                     f"ouvrables (jusqu'au {date_fr(end)} inclus).")
    parts.append(f"Frais bancaires plafonnés à {euros(fee_cap)}.")
    return SaisieBancaire(
        satd_amount_cents=satd_amount_cents,
        balance_cents=balance_cents,
        sbi_cents=sbi,
        seizable_cents=seizable,
        blocked_cents=blocked,
        blocking_days=days,
        cantonnement=cantonnement,
        bank_fee_cap_cents=fee_cap,
        left_to_debtor_cents=credit - seizable,
        explanation=" ".join(parts),
        blocking_end=end,
    )
