"""Payments on a consolidated account: imputation across its créances, reversal.

One payment is one use case (one transaction): the créances of the account are locked, the
payment is imputed by the library's rule (default: article 1342-10 of the Code civil; the
debtor's own choice when he names créances; a tiers' or officer's payment on an act goes first to
the créances of that act), a ``Payment`` and its ``Imputation`` lines are written, each créance's
``rar_cents`` is lowered **and** a ``CreanceEvent`` of kind ``paiement`` records the change; what
exceeds the account's reste à recouvrer is kept in ``Payment.overpayment_cents`` for refund.

A payment is never edited: a reversal is a new ``Payment`` with ``reverses_id``, negative amounts
and lines, the RAR given back with ``CreanceEvent`` rows of kind ``annulation_paiement``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from poursuites.imputation import Imputation as LibraryImputation
from poursuites.imputation import ImputationRule, impute
from poursuites.model import date_fr, euros

from ...extensions import db
from ...models import Acte, Creance, Imputation, Payment, Structure
from ..admin import audit
from ..comptes.consolide import CompteCharge, PoursuitesError, load_account
from ..errors import refus_des_bibliotheques
from .demandes import refresh_payment_plans
from .perimetre import creances_du_poste, poste_agissant, refus_audite, refuse_hors_poste
from .rar import set_rar
from .remboursements import impute_tiers, is_satd, record_refund
from .vocabulaire import Payeur

PAYERS: tuple[str, ...] = tuple(p.value for p in Payeur)


def _imputation(account: CompteCharge, amount_cents: int, received_on: date, rule: ImputationRule,
                chosen: list[str], acte: Acte | None, payer: str = Payeur.REDEVABLE.value,
                only: set[str] | None = None) -> LibraryImputation:
    if payer == Payeur.TIERS.value and is_satd(acte):
        return impute_tiers(account, amount_cents, received_on, acte)  # the excess is refunded, never imputed
    # ``only``: a témoin's office imputes on its own créances (perimetre.creances_du_poste)
    views = [v for v in account.compte(include_anv=True).creances if only is None or v.id in only]
    if acte is not None and rule is ImputationRule.CODE_CIVIL_1342_10:
        on_act = {str(line.creance_id) for line in acte.lines}
        first_views = [v for v in views if v.id in on_act]
        if first_views and any(v.rar_cents > 0 and not v.cancelled for v in first_views):
            first = impute(amount_cents, first_views, received_on, rule)
            lines = list(first.lines)
            rest_amount = first.overpayment_cents
            text = first.explanation
            if rest_amount:
                others = [v for v in views if v.id not in on_act]
                if any(v.rar_cents > 0 and not v.cancelled for v in others):
                    rest = impute(rest_amount, others, received_on, rule)
                    lines += list(rest.lines)
                    rest_amount = rest.overpayment_cents
                    text += f" Solde imputé sur les autres créances du compte : {rest.explanation}"
            return LibraryImputation(rule, amount_cents, tuple(lines), rest_amount,
                                     f"Paiement sur l'acte n° {acte.id} : {text}")
    return impute(amount_cents, views, received_on, rule, chosen_ids=chosen)


def _checked(amount_cents: int, received_on: date, payer: str, means: str | None, reference: str | None,
             creance_ids: list[int] | tuple[int, ...], rule: ImputationRule | str | None,
             today: date) -> tuple[ImputationRule, list[str]]:
    """The payment's input checked (French refusals): its imputation rule and the chosen créances."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise PoursuitesError("Le montant du paiement doit être un nombre de centimes strictement positif.")
    if payer not in PAYERS:
        raise PoursuitesError(f"Payeur inconnu : « {payer} » (attendu : {', '.join(PAYERS)}).")
    if received_on > today:
        raise PoursuitesError(f"Date de réception dans le futur : {date_fr(received_on)}.")
    if means is not None and len(means) > 32 or reference is not None and len(reference) > 64:
        raise PoursuitesError("Moyen de paiement ou référence trop long.")
    chosen = [str(int(c)) for c in creance_ids]
    if rule is None:
        rule = ImputationRule.CHOISIE_PAR_REDEVABLE if chosen else ImputationRule.CODE_CIVIL_1342_10
    try:
        rule = ImputationRule(rule)
    except ValueError:
        raise PoursuitesError(f"Règle d'imputation inconnue : « {rule} ».") from None
    return rule, chosen


@refus_des_bibliotheques(PoursuitesError)
def preview_payment(redevable_id: int, amount_cents: int, received_on: date, payer: str = "redevable", *,
                    acte_id: int | None = None, creance_ids: list[int] | tuple[int, ...] = (),
                    rule: ImputationRule | str | None = None, today: date | None = None,
                    agent_id: int | None = None) -> LibraryImputation:
    """What :func:`record_payment` would impute, and what it would leave to refund (read only): the entry
    form shows it before the agent confirms (``agent_id``: on a témoin, his office's créances only)."""
    today = today or date.today()
    rule, chosen = _checked(amount_cents, received_on, payer, None, None, creance_ids, rule, today)
    with db.new_session() as session:
        account = load_account(session, redevable_id, received_on)
        acte = _acte_of(session, account, acte_id)
        try:
            return _imputation(account, amount_cents, received_on, rule, chosen, acte, payer,
                               creances_du_poste(account, poste_agissant(session, agent_id)))
        except ValueError as exc:
            raise PoursuitesError(str(exc)) from None


def _acte_of(session, account: CompteCharge, acte_id: int | None) -> Acte | None:  # noqa: ANN001
    if acte_id is None:
        return None
    acte = session.get(Acte, int(acte_id))
    if acte is None or acte.redevable_id not in account.family_ids:
        raise PoursuitesError(f"Acte inconnu pour ce compte : {acte_id}.")
    return acte


@refus_des_bibliotheques(PoursuitesError)
def record_payment(redevable_id: int, amount_cents: int, received_on: date, payer: str = "redevable",
                   agent_id: int | None = None, *, means: str | None = None, reference: str | None = None,
                   acte_id: int | None = None, creance_ids: list[int] | tuple[int, ...] = (),
                   rule: ImputationRule | str | None = None, today: date | None = None) -> Payment:
    """Record and impute a payment received on the account. ``creance_ids``: the créances the
    debtor chose to pay, in his order (imputation ``choisie_par_redevable``); ``acte_id``: the act
    (SATD, bailiff file) the payment answers. Returns the ``Payment`` with its imputation lines."""
    today = today or date.today()
    rule, chosen = _checked(amount_cents, received_on, payer, means, reference, creance_ids, rule, today)
    with refus_audite(agent_id, "paiement"), db.transaction() as session:
        return record_payment_in(session, redevable_id, amount_cents, received_on, payer, agent_id, means=means,
                                 reference=reference, acte_id=acte_id, chosen=chosen, rule=rule, today=today,
                                 poste=poste_agissant(session, agent_id))


def record_payment_in(session: Session, redevable_id: int, amount_cents: int, received_on: date, payer: str,
                      agent_id: int | None, *, means: str | None, reference: str | None, acte_id: int | None,
                      chosen: list[str], rule: ImputationRule, today: date, poste: Structure | None = None) -> Payment:
    """:func:`record_payment` inside the caller's transaction (arguments already checked): for use
    cases that record payments with other changes atomically (commissaires' bilans). ``poste``: the
    office entering it (on a témoin, it imputes on its own créances only)."""
    account = load_account(session, redevable_id, received_on, for_update=True)
    acte = _acte_of(session, account, acte_id)
    refuse_hors_poste(account, poste, None, "paiement")  # an office with no créance on this témoin
    refuse_hors_poste(account, poste, [*chosen, *(line.creance_id for line in (acte.lines if acte else ()))],
                      "paiement")
    try:
        imp = _imputation(account, amount_cents, received_on, rule, chosen, acte, payer,
                          creances_du_poste(account, poste))
    except ValueError as exc:
        raise PoursuitesError(str(exc)) from None
    payment = Payment(redevable_id=account.id, amount_cents=amount_cents, received_on=received_on, payer=payer,
                      acte_id=acte.id if acte else None, means=means, reference=reference, rule=rule.value,
                      overpayment_cents=imp.overpayment_cents, agent_id=agent_id)
    session.add(payment)
    for line in imp.lines:
        c = account.creances[int(line.creance_id)]
        set_rar(session, c, int(c.rar_cents) - line.amount_cents, "paiement", agent_id)
        payment.imputations.append(Imputation(creance_id=c.id, amount_cents=line.amount_cents))
    session.flush()
    refund = None
    if imp.overpayment_cents and payer == Payeur.TIERS.value and is_satd(acte):
        refund = record_refund(session, account, payment, acte, imp, agent_id)
    audit.add(session, agent_id, "paiement", "redevable", account.id, {
        "remboursement_id": refund.id if refund else None,
        "payment_id": payment.id, "amount_cents": amount_cents, "received_on": received_on.isoformat(),
        "payer": payer, "rule": rule.value, "overpayment_cents": imp.overpayment_cents,
        "lines": [[int(line.creance_id), line.amount_cents] for line in imp.lines], "explication": imp.explanation,
    })
    refresh_payment_plans(session, account.id, max(today, received_on), agent_id)
    payment.explanation = imp.explanation  # not stored: for the caller's message
    return payment


@refus_des_bibliotheques(PoursuitesError)
def reverse_payment(payment_id: int, on: date | None = None, agent_id: int | None = None,
                    reason: str = "") -> Payment:
    """Cancel a payment (rejected cheque, wrong account…) by a new, negative payment."""
    on = on or date.today()
    with db.transaction() as session:
        original = session.get(Payment, int(payment_id))
        if original is None:
            raise PoursuitesError(f"Paiement inconnu : {payment_id}.")
        if original.reverses_id is not None:
            raise PoursuitesError("Ce paiement est lui-même une annulation : il ne peut pas être annulé.")
        if session.scalar(select(Payment.id).where(Payment.reverses_id == original.id)) is not None:
            raise PoursuitesError("Ce paiement a déjà été annulé.")
        if on < original.received_on:
            raise PoursuitesError("L'annulation ne peut précéder le paiement.")
        account = load_account(session, original.redevable_id, on, for_update=True)
        reversal = Payment(redevable_id=original.redevable_id, amount_cents=-original.amount_cents, received_on=on,
                           payer=original.payer, acte_id=original.acte_id, means=original.means,
                           reference=(reason or f"annulation du paiement {original.id}")[:64], rule=original.rule,
                           overpayment_cents=-original.overpayment_cents, agent_id=agent_id, reverses_id=original.id)
        session.add(reversal)
        for imp in original.imputations:
            c = account.creances.get(imp.creance_id) or session.get(Creance, imp.creance_id)
            set_rar(session, c, int(c.rar_cents) + imp.amount_cents, "annulation_paiement", agent_id)
            reversal.imputations.append(Imputation(creance_id=imp.creance_id, amount_cents=-imp.amount_cents))
        session.flush()
        audit.add(session, agent_id, "paiement", "redevable", account.id, {
            "payment_id": reversal.id, "reverses_id": original.id, "amount_cents": -original.amount_cents,
            "motif": reason})
    return reversal


def describe(payment: Payment) -> str:
    text = f"Paiement n° {payment.id} de {euros(payment.amount_cents)} du {date_fr(payment.received_on)}"
    if payment.overpayment_cents:
        text += f" ; excédent à rembourser : {euros(payment.overpayment_cents)}"
    return text


__all__ = ["PAYERS", "describe", "preview_payment", "record_payment", "record_payment_in", "reverse_payment"]
