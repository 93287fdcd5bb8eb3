"""Content of a joint SATD (LPF L262): one act to one tiers détenteur covering several créances,
of the same or of different natures, each with its own recourse route and delay.

Amount the tiers pays:
- employer or pension fund → the quotité saisissable of the year's barème (R3252-2), monthly,
  until the total is covered;
- bank → what exceeds the solde bancaire insaisissable (RSA for one person), up to the total;
- other tiers → the sums it holds for the debtor, up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .legal import (
    BaremeSaisie,
    FigureAConfirmer,
    Recours,
    bareme_saisie,
    delais,
    figures_a_confirmer,
    frais_bancaires_satd,
    recours,
    rsa_personne_seule,
)
from .model import (
    REMUNERATION_TIERS,
    ComptableView,
    CreanceView,
    Product,
    RedevableView,
    TiersDetenteur,
    TiersKind,
    euros,
)
from .quotite import Quotite, quotite_saisissable
from .sbi import SaisieBancaire, saisie_bancaire

BASE_LEGALE = "article L262 du livre des procédures fiscales"
TITRE = "Saisie administrative à tiers détenteur — article L262 du livre des procédures fiscales"


@dataclass(frozen=True, slots=True)
class SatdLine:
    creance_id: str
    product: Product
    nature: str
    reference: str
    creditor_name: str
    comptable_code: str
    comptable_name: str
    amount_cents: int
    date_exigibilite: date
    recours: Recours

    @property
    def product_label(self) -> str:
        return self.product.label


@dataclass(frozen=True, slots=True)
class MontantAVerser:
    mode: str  # quotite_saisissable, solde_bancaire_insaisissable, sommes_detenues
    explanation: str
    amount_cents: int | None  # known when the salary or balance is known
    periodicite: str  # "par mois" or "en une fois"
    quotite: Quotite | None = None
    saisie_bancaire: SaisieBancaire | None = None
    bareme: BaremeSaisie | None = None
    sbi_cents: int | None = None
    bank_fee_cap_cents: int | None = None


@dataclass(frozen=True, slots=True)
class Satd:
    date: date
    redevable: RedevableView
    tiers: tuple[TiersDetenteur, ...]  # one tiers (several accounts in one bank share it)
    comptable: ComptableView
    lines: tuple[SatdLine, ...]
    total_cents: int
    montant: MontantAVerser
    delai_paiement_jours: int
    base_legale: str = BASE_LEGALE
    titre: str = TITRE

    @property
    def tiers_principal(self) -> TiersDetenteur:
        return self.tiers[0]

    @property
    def products(self) -> tuple[Product, ...]:
        return tuple(dict.fromkeys(line.product for line in self.lines))

    @property
    def is_joint(self) -> bool:
        return len(self.lines) > 1

    @property
    def recours_par_produit(self) -> tuple[Recours, ...]:
        return tuple(recours(p) for p in self.products)

    @property
    def figures_a_confirmer(self) -> tuple[FigureAConfirmer, ...]:
        """Unconfirmed legal figures this act relies on: while not empty, the act must not be issued."""
        return figures_pour_tiers(self.tiers_principal.kind, self.date)


def figures_pour_tiers(kind: TiersKind, on: date) -> tuple[FigureAConfirmer, ...]:
    """Unconfirmed figures an SATD to this kind of tiers on ``on`` would rely on: the RSA (SBI, floor left
    to an employee or pensioner) and the barème of the year (remuneration)."""
    uses_rsa = kind is TiersKind.BANQUE or kind in REMUNERATION_TIERS
    return figures_a_confirmer(on, rsa=uses_rsa, bareme=kind in REMUNERATION_TIERS)


def build_satd(
    redevable: RedevableView,
    tiers: TiersDetenteur | Sequence[TiersDetenteur],
    creances: Sequence[CreanceView],
    comptable: ComptableView,
    on: date,
) -> Satd:
    """The joint SATD to ``tiers`` for ``creances`` (their RAR), dated ``on``."""
    group = (tiers,) if isinstance(tiers, TiersDetenteur) else tuple(tiers)
    if not group:
        raise ValueError("Une SATD doit être adressée à un tiers détenteur.")
    if not creances:
        raise ValueError("Une SATD doit porter sur au moins une créance.")
    lines = tuple(
        SatdLine(
            creance_id=c.id, product=c.product, nature=c.nature, reference=c.reference,
            creditor_name=c.creditor_name, comptable_code=c.comptable_code or comptable.code,
            comptable_name=c.comptable_name or comptable.nom, amount_cents=c.rar_cents,
            date_exigibilite=c.date_exigibilite, recours=recours(c.product),
        )
        for c in creances
    )
    total = sum(line.amount_cents for line in lines)
    return Satd(
        date=on, redevable=redevable, tiers=group, comptable=comptable, lines=lines, total_cents=total,
        montant=montant_a_verser(group, total, on),
        delai_paiement_jours=int(delais("satd")["paiement_tiers_jours"]),
    )


def montant_a_verser(group: Sequence[TiersDetenteur], total_cents: int, on: date) -> MontantAVerser:
    tiers = group[0]
    if tiers.kind in REMUNERATION_TIERS:
        bareme = bareme_saisie(on.year)
        who = "salaire" if tiers.kind is TiersKind.EMPLOYEUR else "pension"
        if tiers.annual_net_salary_cents is not None:
            q = quotite_saisissable(tiers.annual_net_salary_cents, tiers.dependants, on.year, on)
            monthly = min(q.monthly_seizable_cents, total_cents)
            text = (
                f"Vous prélèverez chaque mois sur la rémunération ({who}) la quotité saisissable, soit "
                f"{euros(monthly)} par mois pour un {who} net annuel de {euros(q.annual_net_salary_cents)} et "
                f"{q.dependants} personne(s) à charge, jusqu'à apurement de {euros(total_cents)}. "
                + q.explanation
            )
            return MontantAVerser("quotite_saisissable", text, monthly, "par mois", quotite=q, bareme=bareme)
        rsa = rsa_personne_seule(on).montant_cents
        text = (
            f"Vous prélèverez chaque mois la quotité saisissable de la rémunération ({who}) selon le barème "
            f"{bareme.annee} de l'article R3252-2 du code du travail, jusqu'à apurement de {euros(total_cents)}, "
            f"en laissant toujours au redevable au moins {euros(rsa)} par mois (article R3252-5)."
        )
        return MontantAVerser("quotite_saisissable", text, None, "par mois", bareme=bareme, sbi_cents=rsa)
    if tiers.kind is TiersKind.BANQUE:
        rsa = rsa_personne_seule(on).montant_cents
        fee = frais_bancaires_satd(on).applique(total_cents)
        balances = [t.balance_cents for t in group if t.balance_cents is not None]
        if len(balances) == len(group):
            sb = saisie_bancaire(total_cents, sum(balances), on)
            text = (
                f"Vous verserez les sommes excédant le solde bancaire insaisissable de {euros(rsa)}, dans la "
                f"limite de {euros(total_cents)}. {sb.explanation}"
            )
            return MontantAVerser(
                "solde_bancaire_insaisissable", text, sb.seizable_cents, "en une fois",
                saisie_bancaire=sb, sbi_cents=rsa, bank_fee_cap_cents=fee,
            )
        blocage = delais("satd")
        text = (
            f"Vous verserez les sommes inscrites au crédit des comptes du redevable excédant le solde bancaire "
            f"insaisissable de {euros(rsa)} (RSA d'une personne seule), dans la limite de {euros(total_cents)}. "
            f"Les sommes saisies sont indisponibles pendant {blocage['blocage_compte_jours']} "
            f"{blocage['blocage_compte_unite']} à compter de la réception ({blocage['blocage_source']}). "
            f"Frais bancaires plafonnés à {euros(fee)} (10 % du montant dû, 100 € au plus)."
        )
        return MontantAVerser(
            "solde_bancaire_insaisissable", text, None, "en une fois", sbi_cents=rsa, bank_fee_cap_cents=fee,
        )
    text = (
        f"Vous verserez les sommes que vous détenez ou devrez pour le compte du redevable, dans la limite de "
        f"{euros(total_cents)} et des règles d'insaisissabilité applicables."
    )
    return MontantAVerser("sommes_detenues", text, None, "en une fois")
