"""Admission en non-valeur (ANV) proposed on the whole situation of a debtor.

One proposal covers every open créance of the account (not cancelled, not settled, not
contested), with one ground and its justification; each line names who decides for its product
(impôts: the comptable, R276-1 LPF; amendes: under the Cour des comptes' control; local debts:
the creditor's assemblée délibérante, which may delegate to the executive up to 100 € per debt
for communes and départements). An ANV is an accounting write-off, **not an extinction**:
recovery resumes if the debtor returns to better fortune.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .legal import load
from .model import CreanceView, Product, date_fr, euros

NOT_EXTINCTION = (
    "L'admission en non-valeur n'éteint pas la dette : le recouvrement reprend si le redevable revient "
    "à meilleure fortune."
)


class MotifAnv(StrEnum):
    INSOLVABILITE = "insolvabilite"
    DISPARITION = "disparition"
    ECHEC_RECOUVREMENT = "echec_recouvrement"
    MONTANT_TROP_FAIBLE = "montant_trop_faible"

    @property
    def label(self) -> str:
        return load("anv")["motifs"][self.value]


@dataclass(frozen=True, slots=True)
class AnvLine:
    creance_id: str
    product: Product
    reference: str
    creditor_name: str
    amount_cents: int
    decideur: str
    base_legale: str
    delegation: bool  # decided by the executive under the assemblée's delegation


@dataclass(frozen=True, slots=True)
class AnvProposal:
    redevable_id: str
    on: date
    motif: MotifAnv
    justification: str
    lines: tuple[AnvLine, ...]
    excluded: tuple[tuple[str, str], ...]  # (créance id, French reason)
    total_cents: int
    explanation: str
    note: str = NOT_EXTINCTION


def propose_anv(
    redevable_id: str,
    creances: Sequence[CreanceView],
    motif: MotifAnv,
    on: date,
    justification: str = "",
    montant_faible_max_cents: int | None = None,
    delegations: frozenset[str] = frozenset(),
) -> AnvProposal:
    """Proposal for every open créance. ``delegations``: creditor codes whose assemblée has
    delegated ANV to the executive. ``MONTANT_TROP_FAIBLE`` needs ``montant_faible_max_cents``
    and a total RAR at most equal to it; the other grounds need a ``justification``
    (PV de carence, pli non distribuable, acts that failed)."""
    data = load("anv")
    if motif is MotifAnv.MONTANT_TROP_FAIBLE:
        if montant_faible_max_cents is None:
            raise ValueError("Motif « montant trop faible » : indiquer le montant maximal retenu.")
    elif not justification.strip():
        raise ValueError(f"Motif « {motif.label} » : une justification est requise (pièce ou constat).")

    lines: list[AnvLine] = []
    excluded: list[tuple[str, str]] = []
    for c in creances:
        if c.cancelled:
            excluded.append((c.id, "Créance annulée."))
            continue
        if c.rar_cents <= 0:
            excluded.append((c.id, "Créance soldée."))
            continue
        if c.contested:
            excluded.append((c.id, "Créance contestée : admission en non-valeur prématurée."))
            continue
        row = data[c.product.value]
        decideur, base, delegated = row["decideur"], row["base_legale"], False
        if c.product is Product.SECTEUR_LOCAL:
            d = row["delegation"]
            if (
                c.creditor_code in delegations
                and c.creditor_kind.value in d["types_creancier"]
                and c.rar_cents <= d["plafond_cents"]
            ):
                decideur, delegated = d["decideur"], True
        lines.append(AnvLine(c.id, c.product, c.reference, c.creditor_name, c.rar_cents, decideur, base, delegated))

    total = sum(line.amount_cents for line in lines)
    if not lines:
        raise ValueError("Aucune créance ouverte à proposer en non-valeur.")
    if motif is MotifAnv.MONTANT_TROP_FAIBLE and total > (montant_faible_max_cents or 0):
        raise ValueError(
            f"Motif « montant trop faible » écarté : le reste à recouvrer total ({euros(total)}) dépasse "
            f"{euros(montant_faible_max_cents or 0)} sur l'ensemble du compte."
        )
    deciders = sorted({line.decideur for line in lines})
    explanation = (
        f"Proposition d'admission en non-valeur du {date_fr(on)} sur l'ensemble de la situation du redevable : "
        f"{len(lines)} créance(s), {euros(total)}. Motif : {motif.label}"
        + (f" ({justification.strip()})" if justification.strip() else "")
        + ". Décision : " + " ; ".join(deciders) + ". " + NOT_EXTINCTION
    )
    return AnvProposal(redevable_id, on, motif, justification.strip(), tuple(lines), tuple(excluded), total,
                       explanation)
