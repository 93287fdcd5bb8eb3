"""Prescription of recovery per créance.

- impôts: 4 years from the mise en recouvrement (LPF L274);
- local and hospital debts: 4 years from the prise en charge of the titre (CGCT L1617-5 3°);
- amendes: prescription of the penalty, 3 years (contravention) or 6 years (délit) from the
  titre exécutoire (code pénal 133-3, 133-4);
- every notified interrupting act (SATD, mise en demeure, PV de carence…) restarts the full delay
  from its date; so does the debtor's acknowledgement (part-payment, request for a payment plan:
  LPF L274, CGCT L1617-5 3°, C. civ. 2240) for impôts and local debts — not for amendes, whose
  penalty prescription only execution acts interrupt (C. pr. pén. 707-1); see ``data/delais.toml``.

The returned date is the day prescription is acquired: recovery must be done before it.
A 29 February start gives 28 February (earlier date: safer for the comptable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .legal import delai_prescription, reconnaissance_interrompt
from .model import CreanceView, Product, Reconnaissance, date_fr


@dataclass(frozen=True, slots=True)
class Prescription:
    creance_id: str
    start: date
    date: date
    annees: int
    interrupted: bool
    source: str
    explanation: str


def add_years(value: date, years: int) -> date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return value.replace(year=value.year + years, day=28)


def _base_date(c: CreanceView) -> date:
    if c.product is Product.IMPOTS:
        own = c.date_mise_en_recouvrement
    elif c.product is Product.AMENDES:
        own = c.date_titre
    else:
        own = c.date_prise_en_charge
    return own or c.date_prise_en_charge or c.date_titre or c.date_mise_en_recouvrement or c.date_exigibilite


def _last_acknowledgement(c: CreanceView) -> Reconnaissance | None:
    """The debtor's latest acknowledgement, when it interrupts this product's prescription."""
    if not c.reconnaissances or not reconnaissance_interrompt(c.product)[0]:
        return None
    return max(c.reconnaissances, key=lambda r: r.date)


def _start(c: CreanceView) -> tuple[date, str]:
    """(start of the running delay, what started it: "base", "acte" or "reconnaissance")."""
    start, why = _base_date(c), "base"
    act = c.last_interrupting_act
    if act is not None and act > start:
        start, why = act, "acte"
    ack = _last_acknowledgement(c)
    if ack is not None and ack.date > start:
        start, why = ack.date, "reconnaissance"
    return start, why


def prescription_date(c: CreanceView) -> date:
    """Fast path: the date prescription is acquired for ``c``."""
    if not c.reconnaissances:
        start = _base_date(c)
        act = c.last_interrupting_act
        if act is not None and act > start:
            start = act
    else:
        start = _start(c)[0]
    return add_years(start, delai_prescription(c.product, c.offence_kind).annees)


def prescription(c: CreanceView) -> Prescription:
    """The prescription date of ``c`` with its start, source and a French explanation."""
    delai = delai_prescription(c.product, c.offence_kind)
    start, why_kind = _start(c)
    when = add_years(start, delai.annees)
    source = delai.source
    if why_kind == "acte":
        why = f"{delai.annees} ans à compter du dernier acte interruptif du {date_fr(start)}"
    elif why_kind == "reconnaissance":
        ack = _last_acknowledgement(c)
        assert ack is not None
        ack_source = reconnaissance_interrompt(c.product)[1]
        why = (f"{delai.annees} ans à compter de la reconnaissance de dette du redevable "
               f"({ack.kind.label} du {date_fr(start)}, {ack_source})")
    else:
        why = f"{delai.annees} ans à compter de la {delai.point_de_depart} ({date_fr(start)})"
    return Prescription(
        creance_id=c.id,
        start=start,
        date=when,
        annees=delai.annees,
        interrupted=why_kind != "base",
        source=source,
        explanation=f"Prescription acquise le {date_fr(when)} : {why} ({source}).",
    )
