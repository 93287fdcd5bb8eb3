"""Quotité saisissable of a remuneration (code du travail, R3252-2, R3252-3, R3252-5).

Mechanics: the annual net salary is cut into successive annual tranches at the six thresholds
of the year's barème, each raised by the per-dependant amount; each tranche contributes its own
fraction (1/20, 1/10, 1/5, 1/4, 1/3, 2/3) and everything above the last threshold is seizable.
The employee always keeps at least the RSA for one person each month (R3252-5).

Rounding (documented, in the debtor's favour): the exact sum of fractions is computed with
rational arithmetic, then rounded **down** to the cent; the monthly amount is the annual amount
divided by 12, rounded down to the cent. The RSA floor caps the annual amount at
``salary - 12 × RSA`` (never below zero), hence the monthly amount at ``salary / 12 - RSA``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import floor

from .legal import bareme_saisie, rsa_personne_seule


@dataclass(frozen=True, slots=True)
class Tranche:
    lower_cents: int
    upper_cents: int | None  # None: no upper bound (everything above the last threshold)
    fraction: Fraction
    base_cents: int  # part of the salary falling in this tranche
    seizable: Fraction  # exact seizable amount from this tranche, in cents


@dataclass(frozen=True, slots=True)
class Quotite:
    annee: int
    dependants: int
    annual_net_salary_cents: int
    annual_seizable_cents: int
    monthly_seizable_cents: int
    bareme_annual_cents: int  # barème result before the RSA floor
    rsa_cents: int
    rsa_floor_applied: bool
    tranches: tuple[Tranche, ...]
    a_confirmer: bool
    source: str

    @property
    def explanation(self) -> str:
        from .model import euros

        text = (
            f"Barème {self.annee} ({self.source}), {self.dependants} personne(s) à charge : "
            f"{euros(self.bareme_annual_cents)} saisissables par an selon les tranches."
        )
        if self.rsa_floor_applied:
            text += (
                f" Plafonné pour laisser au salarié au moins le RSA d'une personne seule "
                f"({euros(self.rsa_cents)} par mois, art. R3252-5 du code du travail)."
            )
        if self.a_confirmer:
            text += " Barème à confirmer."
        return text


def quotite_saisissable(
    annual_net_salary_cents: int, dependants: int, year: int, on: date | None = None
) -> Quotite:
    """Annual and monthly seizable amounts for ``annual_net_salary_cents`` (net of mandatory
    social contributions) and ``dependants`` in ``year``. The RSA floor uses the RSA in force on
    ``on`` (default: 1 January of ``year``)."""
    if annual_net_salary_cents < 0:
        raise ValueError("Le salaire net annuel ne peut pas être négatif.")
    if dependants < 0:
        raise ValueError("Le nombre de personnes à charge ne peut pas être négatif.")
    bareme = bareme_saisie(year)
    rsa = rsa_personne_seule(on or date(year, 1, 1)).montant_cents
    salary = annual_net_salary_cents
    thresholds = bareme.seuils_pour(dependants)

    tranches: list[Tranche] = []
    total = Fraction(0)
    lower = 0
    for upper, fraction in zip(thresholds, bareme.fractions, strict=True):
        base = max(0, min(salary, upper) - lower)
        part = fraction * base
        tranches.append(Tranche(lower, upper, fraction, base, part))
        total += part
        lower = upper
    base = max(0, salary - lower)
    tranches.append(Tranche(lower, None, Fraction(1), base, Fraction(base)))
    total += base

    bareme_annual = floor(total)
    floor_cap = max(0, salary - 12 * rsa)
    annual = min(bareme_annual, floor_cap)
    return Quotite(
        annee=year,
        dependants=dependants,
        annual_net_salary_cents=salary,
        annual_seizable_cents=annual,
        monthly_seizable_cents=annual // 12,
        bareme_annual_cents=bareme_annual,
        rsa_cents=rsa,
        rsa_floor_applied=floor_cap < bareme_annual,
        tranches=tuple(tranches),
        a_confirmer=bareme.a_confirmer,
        source=bareme.source,
    )
