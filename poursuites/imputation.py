"""Imputation of one payment across the créances of a consolidated account.

Rules (:class:`ImputationRule`):

- ``CODE_CIVIL_1342_10`` (default, when the debtor does not choose): due debts first (exigible
  on the payment date); among them, those the debtor has most interest in paying (optional
  ``interest`` ranking given by the caller, higher first; equal by default); then the oldest
  (earliest ``date_exigibilite``); debts equal on all these criteria share the payment **pro
  rata** of their RAR. Debts not yet due come after all due ones, by the same ordering.
- ``CHOISIE_PAR_REDEVABLE``: the debtor's explicit list, in its order, each paid in full before
  the next; any surplus is then imputed by the default rule on the other créances.
- ``PLUS_ANCIENNE_DABORD``: earliest ``date_exigibilite`` first (ties: reference, then id).

Pro rata with integer cents: each share is ``floor(amount × rar / total_rar)``; the cents left
over go one by one to the largest fractional remainders, ties broken by reference then id —
deterministic and the shares always add up to the amount. Cancelled or settled créances are
never imputed. What exceeds the total RAR is an overpayment to refund.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import groupby

from .model import CreanceView, euros


class ImputationRule(StrEnum):
    CODE_CIVIL_1342_10 = "code_civil_1342_10"
    CHOISIE_PAR_REDEVABLE = "choisie_par_redevable"
    PLUS_ANCIENNE_DABORD = "plus_ancienne_dabord"

    @property
    def label(self) -> str:
        return {
            ImputationRule.CODE_CIVIL_1342_10: "imputation légale (article 1342-10 du code civil)",
            ImputationRule.CHOISIE_PAR_REDEVABLE: "imputation choisie par le redevable",
            ImputationRule.PLUS_ANCIENNE_DABORD: "dette la plus ancienne d'abord",
        }[self]


@dataclass(frozen=True, slots=True)
class ImputationLine:
    creance_id: str
    amount_cents: int
    rar_before_cents: int

    @property
    def rar_after_cents(self) -> int:
        return self.rar_before_cents - self.amount_cents


@dataclass(frozen=True, slots=True)
class Imputation:
    rule: ImputationRule
    payment_cents: int
    lines: tuple[ImputationLine, ...]
    overpayment_cents: int
    explanation: str

    @property
    def refund_due(self) -> bool:
        return self.overpayment_cents > 0

    def amount_for(self, creance_id: str) -> int:
        return sum(line.amount_cents for line in self.lines if line.creance_id == creance_id)


def pro_rata(amount_cents: int, weights: Sequence[tuple[str, int]]) -> list[int]:
    """Split ``amount_cents`` (≤ sum of weights) in proportion to the weights, largest remainder
    first for the leftover cents; ties go to the earlier sort key (the first tuple item)."""
    total = sum(w for _, w in weights)
    if total <= 0 or amount_cents <= 0:
        return [0] * len(weights)
    shares = []
    for i, (key, w) in enumerate(weights):
        q, r = divmod(amount_cents * w, total)
        shares.append([q, r, key, i])
    left = amount_cents - sum(s[0] for s in shares)
    for s in sorted(shares, key=lambda s: (-s[1], s[2]))[:left]:
        s[0] += 1
    return [s[0] for s in shares]


def _open(creances: Sequence[CreanceView]) -> list[CreanceView]:
    return [c for c in creances if not c.cancelled and c.rar_cents > 0]


def _tie(c: CreanceView) -> tuple[str, str]:
    return (c.reference, c.id)


def impute(
    payment_cents: int,
    creances: Sequence[CreanceView],
    on: date,
    rule: ImputationRule = ImputationRule.CODE_CIVIL_1342_10,
    chosen_ids: Sequence[str] = (),
    interest: Mapping[str, int] | None = None,
) -> Imputation:
    if payment_cents <= 0:
        raise ValueError("Le montant du paiement doit être strictement positif.")
    open_ = _open(creances)
    remaining = payment_cents
    amounts: dict[str, int] = {}
    notes: list[str] = []

    if rule is ImputationRule.CHOISIE_PAR_REDEVABLE:
        if not chosen_ids:
            raise ValueError("Imputation choisie par le redevable : indiquer les créances à régler.")
        by_id = {c.id: c for c in creances}
        unknown = [i for i in chosen_ids if i not in by_id]
        if unknown:
            raise ValueError(f"Créance(s) inconnue(s) dans le compte : {', '.join(unknown)}.")
        closed = [i for i in chosen_ids if by_id[i] not in open_]
        if closed:
            raise ValueError(f"Créance(s) annulée(s) ou soldée(s), imputation impossible : {', '.join(closed)}.")
        for cid in dict.fromkeys(chosen_ids):
            take = min(remaining, by_id[cid].rar_cents)
            if take:
                amounts[cid] = take
                remaining -= take
        notes.append("créances désignées par le redevable, dans l'ordre indiqué")
        if remaining:
            rest = [c for c in open_ if c.id not in amounts]
            remaining = _impute_1342_10(remaining, rest, on, interest, amounts)
            if rest:
                notes.append("surplus imputé selon l'article 1342-10 du code civil")
    elif rule is ImputationRule.PLUS_ANCIENNE_DABORD:
        for c in sorted(open_, key=lambda c: (c.date_exigibilite, *_tie(c))):
            if not remaining:
                break
            take = min(remaining, c.rar_cents)
            amounts[c.id] = take
            remaining -= take
        notes.append("dettes les plus anciennes d'abord")
    else:
        remaining = _impute_1342_10(remaining, open_, on, interest, amounts)
        notes.append("dettes échues d'abord, puis les plus anciennes, puis au prorata")

    by_id = {c.id: c for c in creances}
    lines = tuple(ImputationLine(cid, amt, by_id[cid].rar_cents) for cid, amt in amounts.items() if amt > 0)
    text = f"Paiement de {euros(payment_cents)} imputé par {rule.label} : " + " ; ".join(notes) + "."
    if remaining:
        text += f" Excédent de {euros(remaining)} à rembourser au redevable."
    return Imputation(rule, payment_cents, lines, remaining, text)


def _impute_1342_10(
    amount: int, open_: Sequence[CreanceView], on: date, interest: Mapping[str, int] | None, out: dict[str, int]
) -> int:
    interest = interest or {}

    def key(c: CreanceView) -> tuple[bool, int, date]:
        return (c.date_exigibilite > on, -interest.get(c.id, 0), c.date_exigibilite)

    ordered = sorted(open_, key=lambda c: (key(c), *_tie(c)))
    for _, group_iter in groupby(ordered, key=key):
        if not amount:
            break
        group = list(group_iter)
        due = sum(c.rar_cents for c in group)
        if amount >= due:
            for c in group:
                out[c.id] = out.get(c.id, 0) + c.rar_cents
            amount -= due
            continue
        shares = pro_rata(amount, [(f"{c.reference}\x00{c.id}", c.rar_cents) for c in group])
        for c, share in zip(group, shares, strict=True):
            if share:
                out[c.id] = out.get(c.id, 0) + share
        amount = 0
    return amount


@dataclass(frozen=True, slots=True)
class PaiementTiers:
    """A payment from a tiers under an SATD, imputed only to the créances that act covers."""

    acte_id: str
    imputation: Imputation
    refund_cents: int  # what exceeds the act's créances: refunded, never imputed to another créance

    @property
    def refund_due(self) -> bool:
        return self.refund_cents > 0


def impute_paiement_tiers(
    payment_cents: int,
    acte_id: str,
    acte_creance_ids: Sequence[str],
    creances: Sequence[CreanceView],
    on: date,
) -> PaiementTiers:
    """Impute a tiers' payment under the SATD ``acte_id`` to the créances it covers (art. 1342-10 among
    them: due first, oldest first, pro rata on ties); the excess is a refund. Other créances of the
    account, even of the same creditor, are never touched: the SATD only attached those sums."""
    if not acte_creance_ids:
        raise ValueError(f"La SATD n° {acte_id} ne couvre aucune créance : paiement à rembourser en totalité.")
    by_id = {c.id: c for c in creances}
    unknown = [i for i in acte_creance_ids if i not in by_id]
    if unknown:
        raise ValueError(f"Créance(s) de la SATD n° {acte_id} absentes du compte : {', '.join(unknown)}.")
    covered = [by_id[i] for i in dict.fromkeys(acte_creance_ids)]
    imp = impute(payment_cents, covered, on)
    text = (f"Versement du tiers au titre de la SATD n° {acte_id} : imputé sur les seules créances de cet acte. "
            + imp.explanation)
    if imp.overpayment_cents:
        text += " Le surplus n'est imputé sur aucune autre créance : il est remboursé."
    imp = Imputation(imp.rule, imp.payment_cents, imp.lines, imp.overpayment_cents, text)
    return PaiementTiers(acte_id, imp, imp.overpayment_cents)
