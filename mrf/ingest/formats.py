"""The three import formats: one line per créance, the debtor's identity repeated on each line.

This module is the single description of the columns; `docs/formats.md` documents it for users
and `mrf demo` writes files in exactly these formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Source(StrEnum):
    IMPOTS = "impots"
    AMENDES = "amendes"
    SECTEUR_LOCAL = "secteur_local"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    kind: str  # text, date, amount, fiscal_number, sex, flag, postcode, commune, year, situation
    label: str  # French, for documentation and messages


@dataclass(frozen=True)
class SourceFormat:
    source: Source
    label: str
    key_column: str  # the debtor's identifier inside its own application
    reference_column: str  # the créance's reference, unique within the source
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


_ADDRESS = (
    Column("numero_voie", False, "text", "Numéro dans la voie, avec BIS/TER éventuel"),
    Column("voie", False, "text", "Type et nom de la voie"),
    Column("complement_adresse", False, "text", "Complément d'adresse"),
    Column("code_postal", False, "postcode", "Code postal"),
    Column("commune", False, "text", "Commune (libellé)"),
    Column("code_insee", False, "commune", "Code INSEE de la commune"),
)

_AMOUNTS = (
    Column("montant_initial", True, "amount", "Montant pris en charge, en euros (1234,56)"),
    Column("reste_a_recouvrer", True, "amount", "Reste à recouvrer, en euros"),
    Column("statut", False, "status", "Vide ou EN_COURS ; ANNULEE pour une créance annulée"),
    # The breakdown the acts print (both or neither; principal + majorations = montant_initial).
    Column("montant_principal", False, "amount", "Dont principal, en euros (avec montant_majorations)"),
    Column("montant_majorations", False, "amount",
           "Dont majorations, pénalités et frais, en euros (avec montant_principal)"),
)

# A situation of the debtor that suspends or stops poursuites, as the source application knows it
# (poursuites.model.SituationKind; recorded on the account once the line's debtor is attached).
_SITUATION = (
    Column("situation", False, "situation",
           "surendettement, retablissement_personnel, procedure_collective ou deces"),
    Column("date_situation", False, "date",
           "Date de la situation : recevabilité, jugement d'ouverture, décès (obligatoire avec situation)"),
    Column("reference_situation", False, "text", "Référence du dossier ou du jugement"),
)

IMPOTS = SourceFormat(
    source=Source.IMPOTS,
    label="Extrait SIP (impôts des particuliers)",
    key_column="numero_fiscal",
    reference_column="reference_avis",
    columns=(
        Column("numero_fiscal", True, "fiscal_number", "Numéro fiscal (SPI, 13 chiffres)"),
        Column("nom_naissance", True, "text", "Nom de naissance"),
        Column("nom_usage", False, "text", "Nom d'usage"),
        Column("prenoms", True, "text", "Tous les prénoms, séparés par des espaces"),
        Column("sexe", False, "sex", "Sexe (M ou F)"),
        Column("date_naissance", False, "date", "Date de naissance (JJ/MM/AAAA)"),
        Column("lieu_naissance", False, "text", "Lieu de naissance"),
        *_ADDRESS,
        Column("reference_avis", True, "text", "Référence de l'avis"),
        Column("impot", True, "text", "Impôt (IR, TF, TH, CAP…)"),
        Column("annee", False, "year", "Année d'imposition"),
        *_AMOUNTS,
        Column("date_mise_en_recouvrement", True, "date", "Date de mise en recouvrement"),
        Column("date_exigibilite", True, "date", "Date d'exigibilité"),
        Column("comptable", True, "text", "Code du poste comptable gestionnaire"),
        *_SITUATION,
    ),
)

AMENDES = SourceFormat(
    source=Source.AMENDES,
    label="Extrait AMD (amendes et condamnations pécuniaires)",
    key_column="id_debiteur",
    reference_column="numero_amende",
    columns=(
        Column("id_debiteur", True, "text", "Identifiant du débiteur dans AMD"),
        Column("nom", True, "text", "Nom tel que relevé lors de l'infraction"),
        Column("prenom", False, "text", "Premier prénom"),
        Column("sexe", False, "sex", "Sexe (M ou F)"),
        Column("date_naissance", False, "date", "Date de naissance (souvent absente)"),
        Column("lieu_naissance", False, "text", "Lieu de naissance"),
        *_ADDRESS,
        Column("numero_amende", True, "text", "Numéro de l'amende"),
        Column("type_amende", True, "text", "AFM, amende pénale, condamnation pécuniaire"),
        Column("categorie_infraction", False, "text", "contravention ou delit"),
        Column("date_infraction", False, "date", "Date de l'infraction"),
        Column("date_titre", True, "date", "Date du titre exécutoire"),
        *_AMOUNTS,
        Column("comptable", True, "text", "Code du poste comptable gestionnaire"),
        *_SITUATION,
    ),
)

SECTEUR_LOCAL = SourceFormat(
    source=Source.SECTEUR_LOCAL,
    label="Extrait Hélios (secteur public local)",
    key_column="id_tiers",
    reference_column="numero_titre",
    columns=(
        Column("id_tiers", True, "text", "Identifiant du tiers dans Hélios"),
        Column("nom", True, "text", "Nom tel que saisi par l'ordonnateur (ex. DUPONT NEE MARTIN)"),
        Column("prenom", False, "text", "Prénom"),
        Column("sexe", False, "sex", "Sexe (M ou F)"),
        Column("date_naissance", False, "date", "Date de naissance (absente une fois sur deux)"),
        *_ADDRESS,
        Column("numero_titre", True, "text", "Numéro du titre de recettes"),
        Column("collectivite", True, "text", "Créancier (commune, hôpital…)"),
        Column("code_collectivite", True, "text", "Code du créancier"),
        Column("budget", False, "text", "Budget (principal, eau, assainissement…)"),
        Column("hospitalier", True, "flag", "Créance hospitalière (O ou N)"),
        Column("objet", True, "text", "Objet du titre (eau, cantine, frais d'hospitalisation…)"),
        Column("exercice", False, "year", "Exercice"),
        *_AMOUNTS,
        Column("date_emission", False, "date", "Date d'émission du titre"),
        Column("date_prise_en_charge", True, "date", "Date de prise en charge par le comptable"),
        Column("comptable", True, "text", "Code du poste comptable gestionnaire"),
        *_SITUATION,
    ),
)

FORMATS: dict[Source, SourceFormat] = {f.source: f for f in (IMPOTS, AMENDES, SECTEUR_LOCAL)}
