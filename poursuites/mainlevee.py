"""Mainlevée of SATDs once the sums seized cover the debt (no over-seizure).

Input: the SATDs in force (one :class:`~poursuites.model.SatdEnCours` row per créance and act), the
sums each act has brought in (acte id → cents, received or declared by the tiers) and the amount due
per créance before those sums. The sums of each act are imputed to its own créances only, acts in
the order they were issued, within an act the créance due first first (``date_exigibilite`` given by
the caller, then id). Then:

- an act whose créances are all covered → **mainlevée totale** (also for the act that paid: the
  employer stops its monthly deductions);
- an act some of whose créances are covered → **mainlevée partielle**: its amount is reduced to what
  its other créances still owe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .model import SatdEnCours, date_fr, euros


@dataclass(frozen=True, slots=True)
class Mainlevee:
    acte_id: str
    tiers_id: str
    totale: bool
    creance_ids_liberees: tuple[str, ...]
    montant_restant_cents: int  # what the act may still collect (0 when totale)
    reason: str


def propose_mainlevees(
    satd: Sequence[SatdEnCours],
    seized_cents: Mapping[str, int],
    due_cents: Mapping[str, int],
    exigibilite: Mapping[str, date] | None = None,
) -> list[Mainlevee]:
    """The mainlevées to propose, in act order. ``due_cents``: créance id → amount due before the sums
    seized; ``seized_cents``: acte id → sums brought in by that act (missing: nothing yet)."""
    exigibilite = exigibilite or {}
    acts: dict[str, list[SatdEnCours]] = {}
    for row in sorted(satd, key=lambda s: (s.issued_on, s.acte_id)):
        acts.setdefault(row.acte_id, []).append(row)
    missing = sorted({r.creance_id for r in satd} - set(due_cents))
    if missing:
        raise ValueError(f"Montant dû inconnu pour la ou les créances : {', '.join(missing)}.")
    if any(v < 0 for v in seized_cents.values()) or any(v < 0 for v in due_cents.values()):
        raise ValueError("Les montants saisis et dus doivent être positifs ou nuls.")
    left = dict(due_cents)
    for acte_id, rows in acts.items():
        amount = seized_cents.get(acte_id, 0)
        for cid in sorted({r.creance_id for r in rows}, key=lambda i: (exigibilite.get(i, date.min), i)):
            take = min(amount, left[cid])
            left[cid] -= take
            amount -= take
    out: list[Mainlevee] = []
    for acte_id, rows in acts.items():
        cids = tuple(dict.fromkeys(r.creance_id for r in rows))
        freed = tuple(c for c in cids if left[c] == 0)
        if not freed:
            continue
        rest = sum(left[c] for c in cids)
        first = rows[0]
        who = first.tiers_name or "le tiers"
        if rest == 0:
            reason = (f"Les sommes saisies couvrent les créances de la SATD n° {acte_id} du "
                      f"{date_fr(first.issued_on)} : mainlevée totale à notifier à {who}.")
        else:
            reason = (f"Les sommes saisies couvrent {len(freed)} des créances de la SATD n° {acte_id} : mainlevée "
                      f"partielle, la saisie auprès de {who} est ramenée à {euros(rest)}.")
        out.append(Mainlevee(acte_id, first.tiers_id, rest == 0, freed, rest, reason))
    return out
