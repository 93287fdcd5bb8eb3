"""Catalogue of enforcement actions: what each is, which products it applies to, its basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .model import CreanceView, Product, TiersKind


class ActionKind(StrEnum):
    LETTRE_RELANCE = "lettre_relance"
    MISE_EN_DEMEURE = "mise_en_demeure"
    SATD_BANQUE = "satd_banque"
    SATD_TIERS = "satd_tiers"  # employer, pension fund, CAF, tenant, notary, other
    PHASE_COMMINATOIRE = "phase_comminatoire"
    SAISIE_VENTE = "saisie_vente"

    @property
    def label(self) -> str:
        return CATALOGUE[self].label


@dataclass(frozen=True, slots=True)
class ActionSpec:
    kind: ActionKind
    label: str
    products: frozenset[Product]
    base_legale: str
    description: str
    frais: bool  # gives rise to frais de poursuite (impôts, art. 1912 CGI)
    requires_mise_en_demeure: frozenset[Product] = frozenset()

    def applies_to(self, product: Product) -> bool:
        return product in self.products


_ALL = frozenset(Product)

CATALOGUE: dict[ActionKind, ActionSpec] = {
    ActionKind.LETTRE_RELANCE: ActionSpec(
        ActionKind.LETTRE_RELANCE,
        "Lettre de relance",
        _ALL,
        "Relance amiable préalable aux poursuites",
        "Lettre invitant le redevable à régler l'ensemble de ses dettes exigibles.",
        frais=False,
    ),
    ActionKind.MISE_EN_DEMEURE: ActionSpec(
        ActionKind.MISE_EN_DEMEURE,
        "Mise en demeure de payer",
        frozenset({Product.IMPOTS, Product.SECTEUR_LOCAL}),
        "art. L257-0 A du livre des procédures fiscales ; art. L1617-5 du CGCT",
        "Préalable obligatoire au premier acte de poursuite donnant lieu à frais.",
        frais=True,
    ),
    ActionKind.SATD_BANQUE: ActionSpec(
        ActionKind.SATD_BANQUE,
        "Saisie administrative à tiers détenteur (banque)",
        _ALL,
        "art. L262 du livre des procédures fiscales",
        "SATD adressée à l'établissement teneur de compte ; le solde bancaire insaisissable est laissé.",
        frais=False,
    ),
    ActionKind.SATD_TIERS: ActionSpec(
        ActionKind.SATD_TIERS,
        "Saisie administrative à tiers détenteur (employeur ou autre tiers)",
        _ALL,
        "art. L262 du livre des procédures fiscales",
        "SATD adressée à l'employeur, la caisse de retraite ou tout tiers détenteur de fonds.",
        frais=False,
    ),
    ActionKind.PHASE_COMMINATOIRE: ActionSpec(
        ActionKind.PHASE_COMMINATOIRE,
        "Phase comminatoire (commissaire de justice)",
        frozenset({Product.AMENDES, Product.SECTEUR_LOCAL}),
        "art. 128-I de la loi n° 2004-1485 ; convention nationale DGFiP – CNHJ",
        "Recouvrement amiable confié à un commissaire de justice pendant 75 jours.",
        frais=False,
    ),
    ActionKind.SAISIE_VENTE: ActionSpec(
        ActionKind.SAISIE_VENTE,
        "Saisie-vente",
        _ALL,
        "code des procédures civiles d'exécution, art. L221-1 et suivants",
        "Saisie des biens meubles du redevable par un commissaire de justice ou un huissier des finances publiques.",
        frais=True,
        requires_mise_en_demeure=frozenset({Product.IMPOTS, Product.SECTEUR_LOCAL}),
    ),
}


def satd_action_for(kind: TiersKind) -> ActionKind:
    return ActionKind.SATD_BANQUE if kind is TiersKind.BANQUE else ActionKind.SATD_TIERS


def actions_for(product: Product) -> list[ActionSpec]:
    return [spec for spec in CATALOGUE.values() if spec.applies_to(product)]


def frais_de_poursuite_cents(creance: CreanceView, action: ActionKind, on: date) -> int:
    """Frais de poursuite an act puts on the debtor (art. 1912 CGI): the rate of its kind of act
    (art. 396 C annexe II, ``data/seuils.toml``) on the RAR, within 5 % and 500 €, for every product
    the comptable recovers; none on a relance, a phase comminatoire or (until confirmed) an SATD."""
    from .legal import frais_de_poursuite

    if not CATALOGUE[action].frais:
        return 0
    return frais_de_poursuite(on).montant(action.value, creance.product, creance.rar_cents)
