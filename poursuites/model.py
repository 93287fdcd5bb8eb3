"""Plain values the poursuites library takes and returns.

Money is in integer cents, dates are ``datetime.date``. The application layer (``mrf``) builds
these from its database; nothing here knows about storage or the web.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum


class Product(StrEnum):
    IMPOTS = "impots"
    AMENDES = "amendes"
    SECTEUR_LOCAL = "secteur_local"

    @property
    def label(self) -> str:
        return PRODUCT_LABELS[self]


PRODUCT_LABELS: dict[Product, str] = {
    Product.IMPOTS: "Impôts",
    Product.AMENDES: "Amendes",
    Product.SECTEUR_LOCAL: "Secteur local",
}


class OffenceKind(StrEnum):
    """Category of the offence behind an amende: sets the prescription of the penalty."""

    CONTRAVENTION = "contravention"
    DELIT = "delit"


class CreditorKind(StrEnum):
    ETAT = "etat"
    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    REGION = "region"
    EPCI = "epci"
    HOPITAL = "hopital"
    AUTRE = "autre"


class TiersKind(StrEnum):
    BANQUE = "banque"
    EMPLOYEUR = "employeur"
    CAISSE_RETRAITE = "caisse_retraite"
    CAF = "caf"
    LOCATAIRE = "locataire"
    NOTAIRE = "notaire"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return TIERS_LABELS[self]


TIERS_LABELS: dict[TiersKind, str] = {
    TiersKind.BANQUE: "établissement bancaire",
    TiersKind.EMPLOYEUR: "employeur",
    TiersKind.CAISSE_RETRAITE: "caisse de retraite",
    TiersKind.CAF: "caisse d'allocations familiales",
    TiersKind.LOCATAIRE: "locataire",
    TiersKind.NOTAIRE: "notaire",
    TiersKind.AUTRE: "autre tiers détenteur",
}

#: Tiers who pay a remuneration or pension: only the quotité saisissable can be taken.
REMUNERATION_TIERS: frozenset[TiersKind] = frozenset({TiersKind.EMPLOYEUR, TiersKind.CAISSE_RETRAITE})


class Fiabilite(IntEnum):
    """Reliability of a piece of information (same words as the application's ``reliability``)."""

    NPAI = 0  # n'habite pas à l'adresse indiquée / pli non distribuable
    ANCIENNE = 1
    DECLAREE = 2
    CONFIRMEE = 3

    @property
    def label(self) -> str:
        return FIABILITE_LABELS[self]


FIABILITE_LABELS: dict[Fiabilite, str] = {
    Fiabilite.NPAI: "pli non distribuable",
    Fiabilite.ANCIENNE: "ancienne",
    Fiabilite.DECLAREE: "déclarée",
    Fiabilite.CONFIRMEE: "confirmée",
}


class ReconnaissanceKind(StrEnum):
    """An acknowledgement of the debt by the debtor (interrupts prescription, C. civ. 2240)."""

    PAIEMENT_PARTIEL = "paiement_partiel"
    DEMANDE_PLAN = "demande_plan"  # request for a payment plan or for delays
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return {ReconnaissanceKind.PAIEMENT_PARTIEL: "paiement partiel",
                ReconnaissanceKind.DEMANDE_PLAN: "demande de plan de règlement",
                ReconnaissanceKind.AUTRE: "reconnaissance de dette"}[self]


@dataclass(frozen=True, slots=True)
class Reconnaissance:
    kind: ReconnaissanceKind
    date: date


class SituationKind(StrEnum):
    """A situation of the debtor that suspends or stops poursuites (rules in ``data/situations.toml``)."""

    SURENDETTEMENT = "surendettement"  # recevabilité of the dossier (C. conso. L722-2)
    RETABLISSEMENT_PERSONNEL = "retablissement_personnel"  # debts wiped out, amendes excepted (L711-4)
    PROCEDURE_COLLECTIVE = "procedure_collective"  # jugement d'ouverture (C. com. L622-21)
    DECES = "deces"


@dataclass(frozen=True, slots=True)
class Situation:
    """A recorded situation: its kind, its date (recevabilité, jugement, décès), where it comes from
    (source extract, agent…), its reference (dossier or jugement number) and, if known, when it ended."""

    kind: SituationKind
    date: date
    source: str = ""
    reference: str = ""
    fin: date | None = None

    def active(self, on: date) -> bool:
        return self.date <= on and (self.fin is None or on <= self.fin)


@dataclass(frozen=True, slots=True)
class SatdEnCours:
    """An SATD in force: which créance it covers, sent to which tiers (``TiersDetenteur.id``), which act."""

    creance_id: str
    tiers_id: str
    acte_id: str
    issued_on: date
    tiers_name: str = ""


@dataclass(frozen=True, slots=True)
class CreanceView:
    """One debt as the poursuites rules see it.

    ``date_prise_en_charge`` (local), ``date_mise_en_recouvrement`` (impôts) and ``date_titre``
    (amendes: titre exécutoire of the AFM or the sentence) start the prescription; when the
    product's own date is missing, the first of the others that is set is used.
    """

    id: str
    product: Product
    nature: str
    creditor_name: str
    creditor_code: str
    reference: str
    rar_cents: int
    amount_initial_cents: int
    date_exigibilite: date
    comptable_code: str = ""
    comptable_name: str = ""
    date_prise_en_charge: date | None = None
    date_mise_en_recouvrement: date | None = None
    date_titre: date | None = None
    offence_kind: OffenceKind | None = None
    is_hospital: bool = False
    is_income_tax: bool = False
    creditor_kind: CreditorKind = CreditorKind.AUTRE
    contested: bool = False
    in_honoured_plan: bool = False
    cancelled: bool = False
    last_interrupting_act: date | None = None
    date_mise_en_demeure: date | None = None
    reconnaissances: tuple[Reconnaissance, ...] = ()  # debtor's acknowledgements (prescription)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a piece of information comes from: product (or none), origin, date, reliability."""

    product: Product | None
    observed_on: date
    fiabilite: Fiabilite = Fiabilite.DECLAREE
    origine: str = ""  # ficoba, huissier, agent, déclaration du redevable…


@dataclass(frozen=True, slots=True)
class Adresse:
    lignes: tuple[str, ...]
    code_postal: str
    commune: str
    source: SourceInfo | None = None
    pays: str = "FRANCE"

    def one_line(self) -> str:
        return ", ".join([*self.lignes, f"{self.code_postal} {self.commune}".strip()])


@dataclass(frozen=True, slots=True)
class TiersDetenteur:
    """A third party holding money for the debtor. ``identifier`` is the IBAN for a bank account,
    the SIRET for an employer, a free identifier otherwise. Build validated ones with
    :mod:`poursuites.renseignements`."""

    id: str
    kind: TiersKind
    name: str
    identifier: str = ""
    adresse: Adresse | None = None
    source: SourceInfo | None = None
    annual_net_salary_cents: int | None = None  # employer / pension fund, when known
    dependants: int = 0
    balance_cents: int | None = None  # bank, when known

    @property
    def group_key(self) -> str:
        """Key of the tiers an SATD is addressed to: several accounts in the same bank (same
        bank code in the IBAN) receive one SATD."""
        ident = self.identifier.replace(" ", "").upper()
        if self.kind is TiersKind.BANQUE and len(ident) >= 9 and ident[:2] in ("FR", "MC"):
            return "banque:" + ident[4:9]  # French/Monaco IBAN: the 5-digit bank code
        if ident:
            return f"{self.kind.value}:{ident}"
        return f"{self.kind.value}:{' '.join(self.name.upper().split())}"


@dataclass(frozen=True, slots=True)
class RedevableView:
    id: str
    nom: str
    prenoms: str = ""
    date_naissance: date | None = None
    adresse: Adresse | None = None

    @property
    def display_name(self) -> str:
        return f"{self.nom.upper()} {self.prenoms}".strip()


@dataclass(frozen=True, slots=True)
class ComptableView:
    """The comptable public (poste comptable) issuing the act."""

    code: str
    nom: str
    adresse: tuple[str, ...] = ()
    telephone: str = ""
    courriel: str = ""
    ville: str = ""


@dataclass(frozen=True, slots=True)
class CompteConsolide:
    """One debtor's consolidated account: every créance across products and the known tiers."""

    redevable_id: str
    creances: tuple[CreanceView, ...]
    tiers: tuple[TiersDetenteur, ...] = ()
    situations: tuple[Situation, ...] = ()
    satd_en_cours: tuple[SatdEnCours, ...] = ()


def euros(cents: int) -> str:
    """French formatting of an amount: ``1234567`` → ``"12 345,67 €"`` (narrow no-break spaces)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    units, rest = divmod(cents, 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"


def date_fr(value: date) -> str:
    """``date(2025, 6, 2)`` → ``"02/06/2025"``."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
