"""Prescription of recovery per créance.

- impôts: 4 years from the mise en recouvrement (LPF L274);
- local and hospital debts: 4 years from the prise en charge of the titre (CGCT L1617-5 3°);
- amendes: prescription of the penalty, 3 years (contravention) or 6 years (délit) from the
  titre exécutoire (code pénal 133-3, 133-4);
- every notified interrupting act (SATD, mise en demeure, PV de carence…) or acknowledgement
  restarts the full delay from its date.

The returned date is the day prescription is acquired: recovery must be done before it.
A 29 February start gives 28 February (earlier date: safer for the comptable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .legal import delai_prescription
from .model import CreanceView, Product, date_fr


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


def prescription_date(c: CreanceView) -> date:
    """Fast path: the date prescription is acquired for ``c``."""
    start = _base_date(c)
    act = c.last_interrupting_act
    if act is not None and act > start:
        start = act
    return add_years(start, delai_prescription(c.product, c.offence_kind).annees)


def prescription(c: CreanceView) -> Prescription:
    """The prescription date of ``c`` with its start, source and a French explanation."""
    delai = delai_prescription(c.product, c.offence_kind)
    base = _base_date(c)
    act = c.last_interrupting_act
    interrupted = act is not None and act > base
    start = act if interrupted else base
    when = add_years(start, delai.annees)
    if interrupted:
        why = f"{delai.annees} ans à compter du dernier acte interruptif du {date_fr(start)}"
    else:
        why = f"{delai.annees} ans à compter de la {delai.point_de_depart} ({date_fr(start)})"
    return Prescription(
        creance_id=c.id,
        start=start,
        date=when,
        annees=delai.annees,
        interrupted=interrupted,
        source=delai.source,
        explanation=f"Prescription acquise le {date_fr(when)} : {why} ({delai.source}).",
    )
