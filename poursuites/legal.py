"""Versioned legal data: barème, RSA, thresholds, rates, delays, recourse texts.

Every figure that changes with time lives in ``poursuites/data/*.toml`` with its validity
period and its source; this module only reads and selects. A lookup for a date (or year) that
no period covers raises :class:`LegalDataError` with a French message that says which file to
update. Files are read once and cached.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .model import CreanceView, OffenceKind, Product, date_fr

DATA_DIR = Path(__file__).resolve().parent / "data"


class LegalDataError(LookupError):
    """No legal figure is known for the requested date or year."""


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed content of ``data/<name>.toml`` (cached)."""
    path = DATA_DIR / f"{name}.toml"
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _select(rows: list[dict[str, Any]], on: date, what: str, file: str) -> dict[str, Any]:
    for row in rows:
        if row["du"] <= on and (row.get("au") is None or on <= row["au"]):
            return row
    raise LegalDataError(
        f"Aucune valeur connue pour {what} à la date du {date_fr(on)} : "
        f"compléter poursuites/data/{file}.toml avec le texte en vigueur."
    )


# ---------------------------------------------------------------- barème des saisies sur salaire
@dataclass(frozen=True, slots=True)
class BaremeSaisie:
    annee: int
    seuils_cents: tuple[int, ...]  # six annual thresholds, without dependants
    par_personne_a_charge_cents: int
    fractions: tuple[Fraction, ...]  # fraction applied to each tranche below the matching threshold
    source: str
    a_confirmer: bool

    def seuils_pour(self, dependants: int) -> tuple[int, ...]:
        raise_ = dependants * self.par_personne_a_charge_cents
        return tuple(s + raise_ for s in self.seuils_cents)


@cache
def bareme_saisie(annee: int) -> BaremeSaisie:
    data = load("bareme_saisie")
    fractions = tuple(Fraction(n, d) for n, d in data["fractions"])
    for row in data["annee"]:
        if row["annee"] == annee:
            return BaremeSaisie(
                annee=annee,
                seuils_cents=tuple(e * 100 for e in row["seuils_euros"]),
                par_personne_a_charge_cents=row["par_personne_a_charge_euros"] * 100,
                fractions=fractions,
                source=row["source"],
                a_confirmer=bool(row.get("a_confirmer", False)),
            )
    known = ", ".join(str(r["annee"]) for r in data["annee"])
    raise LegalDataError(
        f"Aucun barème des saisies sur rémunérations pour l'année {annee} (années connues : {known}) : "
        "compléter poursuites/data/bareme_saisie.toml avec le décret annuel."
    )


# ---------------------------------------------------------------- RSA (SBI, minimum laissé au salarié)
@dataclass(frozen=True, slots=True)
class MontantDate:
    montant_cents: int
    du: date
    au: date | None
    source: str
    a_confirmer: bool


def rsa_personne_seule(on: date) -> MontantDate:
    """RSA for a one-person household in force on ``on``: the SBI and the salary floor."""
    row = _select(load("rsa")["periode"], on, "le montant forfaitaire du RSA (personne seule)", "rsa")
    return MontantDate(row["montant_cents"], row["du"], row.get("au"), row["source"], bool(row.get("a_confirmer")))


# ---------------------------------------------------------------- thresholds and rates
def seuil_mise_en_recouvrement(creance: CreanceView, on: date) -> tuple[int, str]:
    """Legal floor below which recovery of this kind of créance is not started: (cents, source)."""
    return _seuil_mer(_nature_mer(creance), on)


def _nature_mer(c: CreanceView) -> str:
    if c.product is Product.IMPOTS:
        return "impot_sur_le_revenu" if c.is_income_tax else "autre_impot_direct"
    if c.product is Product.SECTEUR_LOCAL:
        return "hopital" if c.is_hospital else "secteur_local"
    return "amendes"


@lru_cache(maxsize=4096)
def _seuil_mer(nature: str, on: date) -> tuple[int, str]:
    rows = [r for r in load("seuils")["mise_en_recouvrement"] if r["nature"] == nature]
    row = _select(rows, on, f"le seuil de mise en recouvrement ({nature})", "seuils")
    return row["montant_cents"], row["source"]


@dataclass(frozen=True, slots=True)
class Taux:
    taux_bp: int  # basis points: 1 % = 100
    plafond_cents: int | None
    minimum_cents: int
    source: str
    actes: tuple[str, ...] = ()
    produits: tuple[Product, ...] = ()  # empty: every product

    def applique(self, base_cents: int) -> int:
        """Rate applied to ``base_cents``, rounded half up to the cent, then min/cap applied."""
        if base_cents <= 0:
            return 0
        value = (base_cents * self.taux_bp + 5000) // 10000
        value = max(value, self.minimum_cents)
        if self.plafond_cents is not None:
            value = min(value, self.plafond_cents)
        return value


def _taux(section: str, on: date, what: str) -> Taux:
    row = _select(load("seuils")[section], on, what, "seuils")
    return Taux(
        taux_bp=row["taux_bp"],
        plafond_cents=row.get("plafond_cents", row.get("maximum_cents")),
        minimum_cents=row.get("minimum_cents", 0),
        source=row["source"],
        actes=tuple(row.get("actes", ())),
        produits=tuple(Product(p) for p in row.get("produits", ())),
    )


def frais_bancaires_satd(on: date) -> Taux:
    return _taux("frais_bancaires_satd", on, "le plafond des frais bancaires sur SATD")


@dataclass(frozen=True, slots=True)
class FraisDePoursuite:
    """Art. 1912 CGI: a rate per kind of act (art. 396 C annexe II), within an overall rate and amount cap."""

    taux_par_acte_bp: dict[str, int]
    plafond_taux_bp: int
    plafond_cents: int
    minimum_cents: int
    produits: tuple[Product, ...]
    source: str

    def montant(self, acte: str, product: Product, base_cents: int) -> int:
        """Frais for ``acte`` on ``base_cents`` (cents, half up), 0 when the act or product bears none."""
        rate = self.taux_par_acte_bp.get(acte)
        if rate is None or product not in self.produits or base_cents <= 0:
            return 0
        value = max((base_cents * min(rate, self.plafond_taux_bp) + 5000) // 10000, self.minimum_cents)
        return min(value, self.plafond_cents)


def frais_de_poursuite(on: date) -> FraisDePoursuite:
    row = _select(load("seuils")["frais_de_poursuite"], on, "les frais de poursuite (art. 1912 CGI)", "seuils")
    return FraisDePoursuite(
        taux_par_acte_bp=dict(row["taux_par_acte"]),
        plafond_taux_bp=row["plafond_taux_bp"],
        plafond_cents=row["plafond_cents"],
        minimum_cents=row.get("minimum_cents", 0),
        produits=tuple(Product(p) for p in row["produits"]),
        source=row["source"],
    )


def frais_phase_comminatoire(on: date) -> Taux:
    return _taux("frais_phase_comminatoire", on, "la rémunération de la phase comminatoire")


def sources_paiement_direct_comminatoire(on: date) -> dict[Product, str]:
    """Article that governs a direct payment to the comptable during the phase comminatoire, per product."""
    row = _select(load("seuils")["frais_phase_comminatoire"], on, "la rémunération de la phase comminatoire",
                  "seuils")
    return {Product.AMENDES: row["source_paiement_direct_amendes"],
            Product.SECTEUR_LOCAL: row["source_paiement_direct_local"]}


def seuil_cantonnement_satd(on: date) -> tuple[int, str]:
    """Below this SATD amount, a bank blocks only the amount claimed (not the whole balance)."""
    row = _select(load("seuils")["cantonnement_satd_banque"], on, "le seuil de cantonnement de la SATD", "seuils")
    return row["montant_cents"], row["source"]


# ---------------------------------------------------------------- delays
@dataclass(frozen=True, slots=True)
class DelaiPrescription:
    annees: int
    point_de_depart: str
    source: str


@cache
def delai_prescription(product: Product, offence_kind: OffenceKind | None = None) -> DelaiPrescription:
    table = load("delais")["prescription"]
    if product is Product.AMENDES:
        key = "amendes_delit" if offence_kind is OffenceKind.DELIT else "amendes_contravention"
    else:
        key = product.value
    row = table[key]
    return DelaiPrescription(row["annees"], row["point_de_depart"], row["source"])


@cache
def reconnaissance_interrompt(product: Product) -> tuple[bool, str]:
    """Does the debtor's acknowledgement (part-payment, request for a plan) interrupt prescription? (yes?, source)"""
    row = load("delais")["reconnaissance"][product.value]
    return bool(row["interrompt"]), row["source"]


def delais(section: str) -> dict[str, Any]:
    """A section of ``delais.toml`` (``satd``, ``mise_en_demeure``, ``huissier``)."""
    return load("delais")[section]


# ---------------------------------------------------------------- recourse texts
@dataclass(frozen=True, slots=True)
class Recours:
    product: Product
    libelle: str
    forme: str  # route against the form of the act
    forme_autorite: str
    creance: str  # route against the debt itself
    delai: str
    base_legale: str


@cache
def recours(product: Product) -> Recours:
    row = load("recours")[product.value]
    return Recours(
        product=product,
        libelle=row["libelle"],
        forme=row["forme"],
        forme_autorite=row["forme_autorite"],
        creance=row["creance"],
        delai=row["delai"],
        base_legale=row["base_legale"],
    )


# ---------------------------------------------------------------- figures still to confirm
@dataclass(frozen=True, slots=True)
class FigureAConfirmer:
    """A legal figure an act would rely on that is still flagged ``a_confirmer`` in its data file."""

    fichier: str  # poursuites/data/<name>.toml
    libelle: str
    source: str

    @property
    def message(self) -> str:
        return (f"{self.libelle} n'est pas confirmé ({self.source}) : aucun acte ne peut être émis sur ce "
                f"chiffre ; mettre à jour {self.fichier} avec le texte en vigueur.")


def figures_a_confirmer(on: date, *, rsa: bool = False, bareme: bool = False) -> tuple[FigureAConfirmer, ...]:
    """The unconfirmed figures among those asked for: the RSA in force on ``on``, the barème of ``on.year``."""
    out: list[FigureAConfirmer] = []
    if rsa:
        r = rsa_personne_seule(on)
        if r.a_confirmer:
            out.append(FigureAConfirmer("poursuites/data/rsa.toml",
                                        f"Le montant du RSA en vigueur le {date_fr(on)}", r.source))
    if bareme:
        b = bareme_saisie(on.year)
        if b.a_confirmer:
            out.append(FigureAConfirmer("poursuites/data/bareme_saisie.toml",
                                        f"Le barème {b.annee} des saisies sur rémunérations", b.source))
    return tuple(out)
