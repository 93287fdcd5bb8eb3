"""Priority of an account in the work list: the rule (shared by the SQL sort and the sentence the agent
reads) and its versioned data (``mrf/data/worklist.toml``: delays to answer a request, urgency horizons,
rank weights).

Rule, in order (documented in docs/worklist.md; ``sort_key`` here, ``worklist._priority_order`` in SQL):
1. an account with something recoverable (créances en cours, prescription not yet acquired) comes before
   one with nothing recoverable (time-barred amounts are apart, proposed for admission en non-valeur);
2. among those, an urgent account first: recoverable amount at least ``rang.seuil_urgence_cents`` and
   prescription acquired within ``urgence.prescription_jours`` or a deadline (tiers' answer to an SATD,
   request to answer, instalment missed, commissaire's phase ending or ended; not the étude's follow-ups:
   ``NOT_URGENT_KINDS``) within ``urgence.echeance_jours``;
3. then the larger expected recovery first: the recoverable amount times the weight of the tiers known
   for the next action (``rang``: employer known > bank account known > neither)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from poursuites.model import euros

DATA_PATH = Path(__file__).resolve().parents[2] / "data" / "worklist.toml"

#: What the deadline of an account is about (code stored in the entry → French label).
DEADLINE_KINDS = {
    "satd": "réponse du tiers à la SATD attendue",
    "demande": "demande du redevable à traiter",
    "echeancier": "échéance d'un échéancier manquée : reprendre les poursuites",
    "fin_comminatoire": "fin de la phase comminatoire du commissaire de justice",
    "fin_judiciaire": "fin de la phase judiciaire du commissaire de justice",
    "relance_etude": "relance de l'étude du commissaire de justice (suivi)",
    "phase_echue": "phase du commissaire de justice terminée sans paiement intégral : reprendre les poursuites",
    "commissaire": "dossier du commissaire de justice",  # entries computed before migration 0020
}
#: Deadlines that are already past by nature (something missed or ended): the sentence gives their date.
OVERDUE_KINDS = frozenset({"echeancier", "phase_echue"})
#: Deadlines shown (column, sentence, sort, filter) that do not make an account urgent: the follow-up of an
#: étude is a reminder, the recovery is in the commissaire's hands (the end of its phase is urgent).
NOT_URGENT_KINDS = frozenset({"relance_etude"})
#: Work-list filter « Échéance » (key → label, kinds of the nearest deadline).
DEADLINE_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "echeancier": ("Échéancier manqué", ("echeancier",)),
    "commissaire": ("Commissaire de justice (fin de phase, relance)",
                    ("fin_comminatoire", "fin_judiciaire", "relance_etude", "phase_echue", "commissaire")),
    "satd": ("Réponse à une SATD", ("satd",)),
    "demande": ("Demande du redevable", ("demande",)),
}


@dataclass(frozen=True)
class Regles:
    request_days: dict[str, int]
    default_request_days: int
    prescription_days: int
    deadline_days: int
    weights: dict[str, int]  # tiers known for the next action (employeur, banque, autre) → rank weight
    urgency_floor_cents: int  # below this recoverable amount, a near deadline does not make an account urgent


@cache
def regles(on: date | None = None) -> Regles:
    """The delays in force on ``on`` (today by default)."""
    on = on or date.today()
    with DATA_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    days: dict[str, int] = {}
    for row in data.get("demande", []):
        start = date.fromisoformat(row["du"]) if row.get("du") else date.min
        end = date.fromisoformat(row["au"]) if row.get("au") else date.max
        if start <= on <= end:
            days[row["kind"]] = int(row["jours"])
    urgence, rang = data["urgence"], data["rang"]
    return Regles(request_days=days, default_request_days=min(days.values()) if days else 61,
                  prescription_days=int(urgence["prescription_jours"]),
                  deadline_days=int(urgence["echeance_jours"]),
                  weights={k: int(rang[f"poids_{k}"]) for k in ("employeur", "banque", "autre")},
                  urgency_floor_cents=int(rang["seuil_urgence_cents"]))


def is_urgent(prescription: date | None, deadline: date | None, today: date, kind: str | None = None) -> bool:
    r = regles()
    return ((prescription is not None and prescription <= today + timedelta(days=r.prescription_days))
            or (deadline is not None and deadline <= today + timedelta(days=r.deadline_days)
                and kind not in NOT_URGENT_KINDS))


def weight(tiers: str | None) -> int:
    """The rank weight of the tiers known for the next action: employeur, banque, or anything else."""
    w = regles().weights
    return w.get(tiers or "autre", w["autre"])


def sort_key(recoverable_cents: int, prescription: date | None, deadline: date | None, kind: str | None,
             tiers: str | None, today: date) -> tuple[bool, bool, int]:
    """The rank of an account (smaller first); ``_priority_order`` in ``worklist`` is the same rule in SQL."""
    urgent = recoverable_cents >= regles().urgency_floor_cents and is_urgent(prescription, deadline, today, kind)
    return recoverable_cents <= 0, not urgent, -recoverable_cents * weight(tiers)


def _delay(days: int) -> str:
    if days <= 0:
        return "aujourd'hui"
    if days < 31:
        return f"dans {days} jour{'s' if days > 1 else ''}"
    months = days // 30
    if months < 24:
        return f"dans {months} mois"
    return f"dans {days // 365} ans"


def phrase(recoverable_cents: int, barred_cents: int, prescription: date | None, deadline: date | None,
           deadline_kind: str | None, employer_known: bool, today: date, bank_known: bool = False) -> str:
    """The priority of an account as a sentence: « 1 240 € recouvrables, employeur connu, prescription dans 3 mois »."""
    parts: list[str] = []
    if recoverable_cents > 0:
        parts.append(f"{euros(recoverable_cents)} recouvrables")
    else:
        parts.append("rien de recouvrable")
    if employer_known and recoverable_cents > 0:
        parts.append("employeur connu")
    elif bank_known and recoverable_cents > 0:
        parts.append("compte bancaire connu")
    if deadline is not None:
        label = DEADLINE_KINDS.get(deadline_kind or "", "échéance")
        if deadline_kind in OVERDUE_KINDS:
            what, _, then = label.partition(" : ")
            parts.append(f"{what} le {deadline:%d/%m/%Y}" + (f", {then}" if then else ""))
        elif deadline < today:
            parts.append(f"{label}, échéance dépassée depuis le {deadline:%d/%m/%Y}")
        else:
            parts.append(f"{label} {_delay((deadline - today).days)}")
    if prescription is not None and recoverable_cents > 0:
        parts.append(f"prescription {_delay((prescription - today).days)}")
    if barred_cents > 0:
        parts.append(f"{euros(barred_cents)} prescrits, à proposer en non-valeur")
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:]
