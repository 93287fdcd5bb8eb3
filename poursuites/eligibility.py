"""Eligibility of a créance for an action, with a French reason for every decision.

Preconditions, checked in this order (the first failing one is the reason):

1. the créance is not cancelled;                     → ``annulee``
2. something remains to be recovered;                → ``soldee``
2b. no situation of the debtor in force forbids every act on it (rétablissement personnel,
    procédure collective for earlier créances, décès — ``data/situations.toml``); → the situation's
    kind (``retablissement_personnel``, ``procedure_collective``, ``deces``)
3. it is due on the date;                            → ``non_exigible``
4. it is not prescribed;                             → ``prescrite``
5. it is not contested;                              → ``contestee``
6. it is not in an honoured payment plan;            → ``plan_respecte``
7. its initial amount reaches the legal floor of mise en recouvrement; → ``sous_seuil_legal``
8. no situation in force forbids this action (surendettement: enforcement suspended, C. conso.
   L722-2); → the situation's kind (``surendettement``…)
8b. the action applies to its product;               → ``produit_non_couvert``
9. its RAR reaches the poursuite threshold configured for it (creditor + action, creditor,
   product + action, product; none configured: no threshold); → ``sous_seuil``
10. for fee-bearing actions on impôts and local debts, a mise en demeure was sent at least
    30 days before.                                  → ``mise_en_demeure_absente`` / ``_recente``

Thresholds are inclusive: a RAR equal to the threshold is eligible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .catalogue import CATALOGUE, ActionKind
from .legal import delais, figures_a_confirmer, seuil_mise_en_recouvrement
from .model import REMUNERATION_TIERS, CreanceView, Product, Situation, TiersKind, date_fr, euros
from .prescription import prescription_date
from .situations import refus_situation


@dataclass(frozen=True, slots=True)
class Decision:
    creance_id: str
    action: ActionKind | None  # None: the common preconditions only
    eligible: bool
    code: str
    reason: str


@dataclass(frozen=True)
class SeuilsPoursuite:
    """Poursuite thresholds on the RAR, in cents. Local-debt thresholds are agreed between
    ordonnateur and comptable: configure them per creditor (``creditor_code``)."""

    par_produit: Mapping[Product, int] = field(default_factory=dict)
    par_produit_action: Mapping[tuple[Product, ActionKind], int] = field(default_factory=dict)
    par_creancier: Mapping[str, int] = field(default_factory=dict)
    par_creancier_action: Mapping[tuple[str, ActionKind], int] = field(default_factory=dict)

    def seuil(self, c: CreanceView, action: ActionKind) -> tuple[int, str]:
        """(threshold in cents, French origin) for ``c`` and ``action``; (0, "") when none."""
        value = self.par_creancier_action.get((c.creditor_code, action))
        if value is not None:
            return value, f"seuil fixé pour {c.creditor_name} et cette action"
        value = self.par_creancier.get(c.creditor_code)
        if value is not None:
            return value, f"seuil fixé pour {c.creditor_name}"
        value = self.par_produit_action.get((c.product, action))
        if value is not None:
            return value, f"seuil fixé pour les {c.product.label.lower()} et cette action"
        value = self.par_produit.get(c.product)
        if value is not None:
            return value, f"seuil fixé pour les {c.product.label.lower()}"
        return 0, ""


NO_THRESHOLDS = SeuilsPoursuite()


def check_creance(
    c: CreanceView, on: date, prescription: date | None = None, situations: Sequence[Situation] = ()
) -> Decision | None:
    """The first failing common precondition (1–7) as a refusal, or None when all pass."""
    if c.cancelled:
        return Decision(c.id, None, False, "annulee", "Créance annulée : aucune poursuite possible.")
    if c.rar_cents <= 0:
        return Decision(c.id, None, False, "soldee", "Créance soldée : rien à recouvrer.")
    if situations:
        refus = refus_situation(c, None, situations, on)
        if refus is not None:
            return Decision(c.id, None, False, refus.code, refus.reason)
    if c.date_exigibilite > on:
        return Decision(
            c.id, None, False, "non_exigible",
            f"Créance non encore exigible (exigible le {date_fr(c.date_exigibilite)}) : poursuites impossibles.",
        )
    pdate = prescription if prescription is not None else prescription_date(c)
    if pdate <= on:
        return Decision(
            c.id, None, False, "prescrite",
            f"Créance prescrite depuis le {date_fr(pdate)} : poursuites impossibles.",
        )
    if c.contested:
        return Decision(c.id, None, False, "contestee", "Créance contestée : poursuites suspendues.")
    if c.in_honoured_plan:
        return Decision(c.id, None, False, "plan_respecte", "Plan de règlement respecté : poursuites suspendues.")
    floor_cents, source = seuil_mise_en_recouvrement(c, on)
    if c.amount_initial_cents < floor_cents:
        return Decision(
            c.id, None, False, "sous_seuil_legal",
            f"Montant initial ({euros(c.amount_initial_cents)}) inférieur au seuil de mise en recouvrement "
            f"de {euros(floor_cents)} ({source}).",
        )
    return None


def check_action(
    c: CreanceView,
    action: ActionKind,
    on: date,
    seuils: SeuilsPoursuite,
    prescription: date,
    situations: Sequence[Situation] = (),
    tiers_kind: TiersKind | None = None,
) -> Decision:
    """Action-specific preconditions (8–10) for a créance that passed :func:`check_creance`
    (``tiers_kind``: the tiers an SATD targets, for situations that still allow some tiers)."""
    spec = CATALOGUE[action]
    if situations:
        refus = refus_situation(c, action, situations, on, tiers_kind)
        if refus is not None:
            return Decision(c.id, action, False, refus.code, refus.reason)
    if c.product not in spec.products:
        return Decision(
            c.id, action, False, "produit_non_couvert",
            f"{spec.label} : action non applicable aux créances « {c.product.label.lower()} ».",
        )
    threshold, origin = seuils.seuil(c, action)
    if c.rar_cents < threshold:
        return Decision(
            c.id, action, False, "sous_seuil",
            f"Reste à recouvrer ({euros(c.rar_cents)}) inférieur au seuil de poursuite de "
            f"{euros(threshold)} ({origin}).",
        )
    if c.product in spec.requires_mise_en_demeure:
        if c.date_mise_en_demeure is None:
            return Decision(
                c.id, action, False, "mise_en_demeure_absente",
                f"{spec.label} : une mise en demeure de payer préalable est requise.",
            )
        delay = int(delais("mise_en_demeure")["delai_avant_poursuite_jours"])
        ready = c.date_mise_en_demeure + timedelta(days=delay)
        if on < ready:
            return Decision(
                c.id, action, False, "mise_en_demeure_recente",
                f"{spec.label} : délai de {delay} jours après la mise en demeure du "
                f"{date_fr(c.date_mise_en_demeure)} non expiré (possible à partir du {date_fr(ready)}).",
            )
    return Decision(
        c.id, action, True, "eligible",
        f"Éligible — {spec.label} : exigible depuis le {date_fr(c.date_exigibilite)}, "
        f"reste à recouvrer {euros(c.rar_cents)}, prescription le {date_fr(prescription)}.",
    )


def evaluate(
    c: CreanceView, action: ActionKind, on: date, seuils: SeuilsPoursuite = NO_THRESHOLDS,
    situations: Sequence[Situation] = (), tiers_kind: TiersKind | None = None,
) -> Decision:
    """Is ``c`` eligible for ``action`` on ``on``? Always returns a decision with a French reason.
    ``situations``: the debtor's recorded situations (surendettement…), checked on every attempt to issue."""
    pdate = prescription_date(c)
    refused = check_creance(c, on, pdate, situations)
    if refused is not None:
        return Decision(c.id, action, False, refused.code, refused.reason)
    return check_action(c, action, on, seuils, pdate, situations, tiers_kind)


def evaluate_all(
    c: CreanceView, on: date, seuils: SeuilsPoursuite = NO_THRESHOLDS, situations: Sequence[Situation] = ()
) -> dict[ActionKind, Decision]:
    """Decision for every action of the catalogue."""
    pdate = prescription_date(c)
    refused = check_creance(c, on, pdate, situations)
    if refused is not None:
        return {a: Decision(c.id, a, False, refused.code, refused.reason) for a in ActionKind}
    return {a: check_action(c, a, on, seuils, pdate, situations) for a in ActionKind}


def check_figures(creance_id: str, action: ActionKind, tiers_kind: TiersKind | None, on: date) -> Decision | None:
    """Refusal to issue ``action`` on ``on`` while a legal figure it relies on is flagged ``a_confirmer``
    (code ``figure_a_confirmer``; the reason names the data file to update), None when all are confirmed.
    An SATD to a bank relies on the RSA (SBI); to an employer or pension fund on the RSA and the barème."""
    if action not in (ActionKind.SATD_BANQUE, ActionKind.SATD_TIERS):
        return None
    kind = TiersKind.BANQUE if action is ActionKind.SATD_BANQUE else tiers_kind
    remuneration = kind in REMUNERATION_TIERS
    figures = figures_a_confirmer(on, rsa=kind is TiersKind.BANQUE or remuneration, bareme=remuneration)
    if not figures:
        return None
    return Decision(creance_id, action, False, "figure_a_confirmer", " ".join(f.message for f in figures))
