"""Situations of the debtor that suspend or stop poursuites, and the tiers that can never be seized.

Rules are data (``data/situations.toml``, ``data/tiers.toml``): for each situation the acts it forbids,
the products concerned, whether only créances born before its date are concerned, the article and the
reason; for each kind of tiers whether an SATD may be sent to it. This module turns them into refusals
(:class:`~poursuites.eligibility.Decision`-compatible ``code`` and French ``reason``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from .catalogue import ActionKind
from .legal import load
from .model import CreanceView, Product, Situation, SituationKind, TiersKind, date_fr


@dataclass(frozen=True, slots=True)
class RegleSituation:
    kind: SituationKind
    libelle: str
    actes_interdits: frozenset[ActionKind]
    produits: frozenset[Product]
    creances_anterieures: bool
    article: str
    raison: str
    tiers_autorises: frozenset[TiersKind] = frozenset()  # an SATD to these tiers stays possible


@cache
def regle_situation(kind: SituationKind) -> RegleSituation:
    row = load("situations")[kind.value]
    return RegleSituation(
        kind=kind,
        libelle=row["libelle"],
        actes_interdits=frozenset(ActionKind(a) for a in row["actes_interdits"]),
        produits=frozenset(Product(p) for p in row["produits"]),
        creances_anterieures=bool(row["creances_anterieures"]),
        article=row["article"],
        raison=row["raison"],
        tiers_autorises=frozenset(TiersKind(k) for k in row.get("tiers_autorises", ())),
    )


_ALL_ACTIONS = frozenset(ActionKind)


@dataclass(frozen=True, slots=True)
class Refus:
    code: str
    reason: str


def _born_on(c: CreanceView) -> date:
    """When the créance was born, for "créances antérieures": its titre, rôle or prise en charge date."""
    dates = [d for d in (c.date_mise_en_recouvrement, c.date_titre, c.date_prise_en_charge) if d is not None]
    return min(dates) if dates else c.date_exigibilite


def refus_situation(
    c: CreanceView, action: ActionKind | None, situations: Iterable[Situation], on: date,
    tiers_kind: TiersKind | None = None,
) -> Refus | None:
    """The first situation in force on ``on`` that forbids ``action`` on ``c``; with ``action`` None, the
    first that forbids every act (the créance then gets no step at all)."""
    for s in sorted(situations, key=lambda s: s.date):
        if not s.active(on):
            continue
        rule = regle_situation(s.kind)
        if c.product not in rule.produits:
            continue
        if action is None and (rule.actes_interdits != _ALL_ACTIONS or rule.tiers_autorises):
            continue
        if action is not None and action not in rule.actes_interdits:
            continue
        if tiers_kind is not None and tiers_kind in rule.tiers_autorises:
            continue
        if rule.creances_anterieures and _born_on(c) > s.date:
            continue
        ref = f", réf. {s.reference}" if s.reference else ""
        src = f", source : {s.source}" if s.source else ""
        return Refus(s.kind.value, f"{rule.libelle.capitalize()} le {date_fr(s.date)}{ref}{src} : "
                                   f"{rule.raison} ({rule.article}).")
    return None


@dataclass(frozen=True, slots=True)
class RegleTiers:
    kind: TiersKind
    saisissable: bool
    article: str
    raison: str


@cache
def regle_tiers(kind: TiersKind) -> RegleTiers:
    row = load("tiers")[kind.value]
    return RegleTiers(kind, bool(row["saisissable"]), row["article"], row.get("raison", ""))


def refus_tiers(kind: TiersKind) -> Refus | None:
    """Why no SATD may be sent to a tiers of this kind, or None when it may."""
    rule = regle_tiers(kind)
    if rule.saisissable:
        return None
    return Refus("tiers_insaisissable",
                 f"Aucune SATD possible auprès de ce tiers ({kind.label}) : {rule.raison} ({rule.article}).")
