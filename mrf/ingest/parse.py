"""Turn one source line into validated values, or a rejection with its reason (French)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from matching.reference import CommuneReference
from poursuites.model import SituationKind, euros

from .bounds import FIELD_LENGTHS, FIRST_DATE, LAST_DATE, MAX_AMOUNT_CENTS, MAX_AMOUNT_DIGITS, MAX_AMOUNT_EUROS
from .formats import Source, SourceFormat


class LineRejected(ValueError):
    """The line is rejected; the message says why, for the clerk."""


# Parsed values travel as tuples in these column orders, dates as ISO 8601 text (the form the
# databases take them in): a chunk of tuples is cheap to send from the parser process to the writer.
IDENTITY_FIELDS = ("numero_fiscal", "nom", "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance",
                   "date_naissance_brute", "lieu_naissance", "numero_voie", "voie", "complement_adresse",
                   "code_postal", "commune", "code_insee")
CREANCE_FIELDS = ("reference", "nature", "creditor_code", "creditor_name", "budget", "is_hospital",
                  "offence_category", "year", "amount_initial_cents", "rar_cents", "date_prise_en_charge",
                  "date_exigibilite", "date_infraction", "date_emission", "status", "principal_cents",
                  "majorations_cents")
_identity_tuple = itemgetter(*IDENTITY_FIELDS)
_creance_tuple = itemgetter(*CREANCE_FIELDS)


@dataclass(slots=True)
class ParsedLine:
    line: int
    source_key: str
    identity: tuple  # SourceRecord columns, in IDENTITY_FIELDS order
    creance: tuple  # Creance columns except ids and structure, in CREANCE_FIELDS order
    structure_code: str
    situation: tuple[str, str, str] | None = None  # (kind, date ISO, reference) the line declares


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes ² and ١٢٣, which int() refuses or reads as 123."""
    return text.isascii() and text.isdigit()


def parse_amount_cents(text: str, label: str) -> int:
    """'1 234,56' / '1234.56' / '1234' euros → integer cents; refuses negatives, 3 decimals, digits
    other than 0-9 and amounts over MAX_AMOUNT_EUROS."""
    units, separator, decimals = text.partition(",")
    if not (_digits(units) and (not separator or (0 < len(decimals) <= 2 and _digits(decimals)))):
        raw = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
        if not raw:
            raise LineRejected(f"{label} manquant")
        if raw.startswith("-"):
            raise LineRejected(f"{label} négatif : {_shown(text)}")
        units, _, decimals = raw.replace(",", ".").partition(".")
        if not _digits(units) or (decimals and not _digits(decimals)) or len(decimals) > 2:
            raise LineRejected(f"{label} illisible : « {_shown(text)} » (attendu : 1234,56, chiffres 0 à 9)")
    units = units.lstrip("0")
    if len(units) > MAX_AMOUNT_DIGITS or (cents := int(units or "0") * 100 + int(decimals.ljust(2, "0") or "0")
                                          ) > MAX_AMOUNT_CENTS:
        raise LineRejected(f"{label} invraisemblable : « {_shown(text)} » (au plus {_MAX_AMOUNT_SHOWN} €)")
    return cents


_MAX_AMOUNT_SHOWN = f"{MAX_AMOUNT_EUROS:,}".replace(",", " ")


def _shown(text: str, limit: int = 40) -> str:
    """TEXT as quoted in a reason: stripped, and cut so that a huge value does not make a huge reason."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


_DAY_MONTH_YEAR = re.compile(r"([0-9]{2})([/.-])([0-9]{2})\2([0-9]{4})", re.ASCII)
_YEAR_MONTH_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})", re.ASCII)


def parse_date(text: str, label: str) -> date:
    """JJ/MM/AAAA (also JJ-MM-AAAA, JJ.MM.AAAA, JJMMAAAA) or AAAA-MM-JJ, digits 0-9 only (int() would
    also take +1, ² or ١), between FIRST_DATE and LAST_DATE."""
    raw = text.strip()
    if not raw:
        raise LineRejected(f"{label} manquante")
    parsed = None
    try:
        if match := _YEAR_MONTH_DAY.fullmatch(raw):
            parsed = date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _DAY_MONTH_YEAR.fullmatch(raw):
            parsed = date(int(match[4]), int(match[3]), int(match[1]))
        elif match := _COMPACT.fullmatch(raw):
            parsed = date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    if parsed is None:
        raise LineRejected(f"{label} invalide : « {_shown(raw)} » (attendu : JJ/MM/AAAA)")
    if not FIRST_DATE <= parsed <= LAST_DATE:
        raise LineRejected(f"{label} invraisemblable : « {_shown(raw)} » (attendue entre "
                           f"{FIRST_DATE:%d/%m/%Y} et {LAST_DATE:%d/%m/%Y})")
    return parsed


_PARTIAL_DATE = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", re.ASCII)


def parse_birth_date(text: str) -> tuple[date | None, str | None]:
    """A birth date, or None with the raw text kept when the source gives a partial one
    (00/00/1960, 00/05/1960): the sources do that, and the debt must not be lost for it."""
    raw = text.strip()
    if not raw:
        return None, None
    try:
        return parse_date(raw, "Date de naissance"), raw
    except LineRejected:
        match = _PARTIAL_DATE.fullmatch(raw)
        if (match and FIRST_DATE.year <= int(match[3]) <= LAST_DATE.year
                and (int(match[1]) == 0 or int(match[2]) == 0)):
            return None, raw
        raise


def _missing(name: str, label: str) -> str:
    """Rejects a line whose required column NAME is empty. Used as ``row.get(name) or _missing(…)``:
    the lookup stays inline, it runs a dozen times per line."""
    raise LineRejected(f"Champ obligatoire manquant : {name} ({label})")


def _valid_fiscal_number(number: str) -> bool:
    """13 digits, the first 0 to 3, the last three the remainder of the first ten by 511 (the check
    of stdnum.fr.nif, written out: it runs once per debtor of a file of millions of lines)."""
    return (len(number) == 13 and number.isascii() and number.isdigit() and number[0] in "0123"
            and int(number[:10]) % 511 == int(number[10:]))


def _text(value: str | None, column: str) -> str | None:
    """VALUE with its runs of blanks made one space; a line whose value is longer than the database
    column that stores it is rejected (PostgreSQL would refuse it, SQLite would keep it: neither)."""
    if not value:
        return None
    if "  " in value or "\t" in value or "\n" in value or "\r" in value:
        value = " ".join(value.split())
    if len(value) > FIELD_LENGTHS[column]:
        raise LineRejected(f"Champ trop long : {column} ({len(value)} caractères, au plus {FIELD_LENGTHS[column]})")
    return value or None


IDENTITY_COLUMNS = ("numero_fiscal", "id_debiteur", "id_tiers", "nom_naissance", "nom_usage", "prenoms", "nom",
                    "prenom", "sexe", "date_naissance", "lieu_naissance", "numero_voie", "voie",
                    "complement_adresse", "code_postal", "commune", "code_insee")
SEXES = {"M": "M", "H": "M", "1": "M", "F": "F", "2": "F"}
FLAGS = {"O": True, "OUI": True, "1": True, "N": False, "NON": False, "0": False}
STATUSES = {"": "en_cours", "EN_COURS": "en_cours", "EN COURS": "en_cours", "ANNULEE": "annulee",
            "ANNULÉE": "annulee", "SOLDEE": "soldee", "SOLDÉE": "soldee"}


SITUATION_KINDS = frozenset(k.value for k in SituationKind)


def _breakdown(row: dict[str, str], initial: int) -> tuple[int | None, int | None]:
    """(principal, majorations) in cents, both or neither, adding up to the montant initial."""
    principal_text, majorations_text = row.get("montant_principal", ""), row.get("montant_majorations", "")
    if not principal_text and not majorations_text:
        return None, None
    if not (principal_text and majorations_text):
        raise LineRejected("Ventilation incomplète : montant_principal et montant_majorations vont ensemble "
                           "(les deux ou aucun)")
    principal = parse_amount_cents(principal_text, "Montant principal")
    majorations = parse_amount_cents(majorations_text, "Montant des majorations")
    if principal + majorations != initial:
        raise LineRejected(f"Ventilation incohérente : principal ({euros(principal)}) + majorations "
                           f"({euros(majorations)}) ≠ montant initial ({euros(initial)})")
    return principal, majorations


def _situation(row: dict[str, str], parse_day: Callable[[str, str], str]) -> tuple[str, str, str] | None:
    """(kind, date ISO, reference) of the situation the line declares, or None; a date or a reference
    without a kind, a kind without a date, an unknown kind or a future date reject the line."""
    kind_text = row.get("situation", "")
    day_text = row.get("date_situation", "")
    reference = _text(row.get("reference_situation", ""), "reference_situation") or ""
    if not kind_text:
        if day_text or reference:
            raise LineRejected("Situation manquante : date_situation ou reference_situation sans situation")
        return None
    kind = kind_text.lower().replace("é", "e").replace(" ", "_").replace("-", "_")
    if kind not in SITUATION_KINDS:
        raise LineRejected(f"Situation inconnue : « {_shown(kind_text)} » (attendu : surendettement, "
                           "retablissement_personnel, procedure_collective ou deces)")
    if not day_text:
        raise LineRejected("Date de la situation manquante (date_situation, obligatoire avec situation)")
    day = parse_day(day_text, "Date de la situation")
    if day > date.today().isoformat():
        raise LineRejected(f"Date de la situation dans le futur : « {_shown(day_text)} »")
    return kind, day, reference


class LineParser:
    """Parses the lines of one source format; caches checks that repeat across lines."""

    def __init__(self, fmt: SourceFormat, header: tuple[str, ...], reference: CommuneReference,
                 structure_codes: set[str]) -> None:
        self.fmt = fmt
        self.header = header
        self.width = len(header)
        self.reference = reference
        self.structure_codes = structure_codes
        # The cells an identity is made of, as one hashable key (only the columns of this format).
        self._identity_key = itemgetter(*(c for c in IDENTITY_COLUMNS if c in header))
        self._identity_cache: dict[tuple[str, ...], tuple] = {}
        self._place_cache: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}
        self._date_cache: dict[str, str] = {}

    def _place(self, code_insee: str, postcode: str, city: str) -> tuple[str | None, str | None]:
        """(code INSEE, postal code) checked against the reference; postal codes are repaired
        from the commune before a line is rejected."""
        key = (code_insee, postcode, city)
        if key in self._place_cache:
            return self._place_cache[key]
        ref = self.reference
        if code_insee:
            commune = ref.commune(code_insee)
            if commune is None:
                raise LineRejected(f"Commune inconnue : code INSEE « {_shown(code_insee)} »")
            if postcode and postcode not in commune.postcodes and commune.postcodes:
                postcode = commune.postcodes[0] if len(commune.postcodes) == 1 else (
                    ref.repair_postcode(commune.nom, postcode) or commune.postcodes[0])
            result = (code_insee, postcode or (commune.postcodes[0] if commune.postcodes else None))
        elif postcode or city:
            commune = ref.find(city, postcode)
            if commune is None:
                if postcode and not ref.is_postcode(postcode):
                    raise LineRejected(
                        f"Code postal inconnu et commune introuvable : « {_shown(postcode + ' ' + city)} »")
                if city and not postcode:
                    raise LineRejected(f"Commune inconnue : « {_shown(city)} »")
                result = (None, postcode or None)
            else:
                repaired = postcode if postcode in commune.postcodes else (
                    commune.postcodes[0] if commune.postcodes else postcode)
                result = (commune.code_insee, repaired or None)
        else:
            result = (None, None)
        if len(self._place_cache) > 20_000:
            self._place_cache.clear()
        self._place_cache[key] = result
        return result

    def _date(self, text: str, label: str) -> str:
        """parse_date as ISO text; a file holds few distinct dates, each parsed once."""
        iso = self._date_cache.get(text)
        if iso is None:
            iso = parse_date(text, label).isoformat()
            if len(self._date_cache) > 20_000:
                self._date_cache.clear()
            self._date_cache[text] = iso
        return iso

    def _identity(self, row: dict[str, str], key: str) -> dict:
        """SourceRecord columns from one line."""
        identity: dict = {}
        if self.fmt.source is Source.IMPOTS:
            if not _valid_fiscal_number(key):
                raise LineRejected(f"Numéro fiscal invalide (13 chiffres et clé de contrôle) : « {_shown(key)} »")
            identity["numero_fiscal"] = key
            identity["nom_naissance"] = _text(
                row.get("nom_naissance") or _missing("nom_naissance", "nom de naissance"), "nom_naissance")
            identity["nom_usage"] = _text(row.get("nom_usage", ""), "nom_usage")
            identity["prenoms"] = _text(row.get("prenoms") or _missing("prenoms", "prénoms"), "prenoms")
            identity["nom"] = None
        else:
            identity["numero_fiscal"] = None
            identity["nom"] = _text(row.get("nom") or _missing("nom", "nom"), "nom")
            identity["nom_naissance"] = None
            identity["nom_usage"] = None
            identity["prenoms"] = _text(row.get("prenom", ""), "prenom")
        sexe = row.get("sexe", "").upper()
        if sexe and sexe not in SEXES:
            raise LineRejected(f"Sexe invalide : « {_shown(sexe)} » (attendu : M ou F)")
        identity["sexe"] = SEXES.get(sexe)
        birth, identity["date_naissance_brute"] = parse_birth_date(row.get("date_naissance", ""))
        identity["date_naissance"] = birth.isoformat() if birth else None
        identity["lieu_naissance"] = _text(row.get("lieu_naissance", ""), "lieu_naissance")
        identity["numero_voie"] = _text(row.get("numero_voie", ""), "numero_voie")
        identity["voie"] = _text(row.get("voie", ""), "voie")
        identity["complement_adresse"] = _text(row.get("complement_adresse", ""), "complement_adresse")
        identity["commune"] = _text(row.get("commune", ""), "commune")
        postcode = row.get("code_postal", "").replace(" ", "")
        if postcode and (not _digits(postcode) or len(postcode) not in (4, 5)):
            postcode_raw = postcode
            postcode = ""
            if not identity["commune"]:
                raise LineRejected(f"Code postal invalide : « {_shown(postcode_raw)} »")
        elif len(postcode) == 4:
            postcode = "0" + postcode  # a spreadsheet dropped the leading zero (06000 → 6000)
        code_insee = row.get("code_insee", "")
        if code_insee and len(code_insee) == 4 and _digits(code_insee):
            code_insee = "0" + code_insee
        identity["code_insee"], identity["code_postal"] = self._place(
            code_insee.upper(), postcode, identity["commune"] or "")

        return identity

    def parse(self, line: int, cells: list[str]) -> ParsedLine:
        if len(cells) != self.width:
            raise LineRejected(f"Nombre de colonnes incorrect : {len(cells)} au lieu de {self.width}")
        row = dict(zip(self.header, map(str.strip, cells), strict=True))

        source = self.fmt.source
        key_column = self.fmt.key_column
        key = row.get(key_column) or _missing(key_column, "identifiant du débiteur")
        if len(key) > FIELD_LENGTHS[key_column]:
            raise LineRejected(f"Champ trop long : {key_column} ({len(key)} caractères, au plus "
                               f"{FIELD_LENGTHS[key_column]})")
        # A debtor's identity repeats on each of its lines: parse it once per distinct content.
        cache_key = self._identity_key(row)
        identity = self._identity_cache.get(cache_key)
        if identity is None:
            identity = _identity_tuple(self._identity(row, key))
            if len(self._identity_cache) > 10_000:
                self._identity_cache.clear()
            self._identity_cache[cache_key] = identity

        structure = row.get("comptable") or _missing("comptable", "poste comptable")
        if structure not in self.structure_codes:
            raise LineRejected(f"Poste comptable inconnu : « {_shown(structure)} »")
        initial = parse_amount_cents(
            row.get("montant_initial") or _missing("montant_initial", "montant initial"), "Montant initial")
        rar = parse_amount_cents(
            row.get("reste_a_recouvrer") or _missing("reste_a_recouvrer", "reste à recouvrer"), "Reste à recouvrer")
        if rar > initial:
            raise LineRejected("Reste à recouvrer supérieur au montant initial")
        status_raw = row.get("statut", "").upper()
        if status_raw not in STATUSES:
            raise LineRejected(f"Statut inconnu : « {_shown(status_raw)} » (attendu : EN_COURS ou ANNULEE)")
        status = STATUSES[status_raw]
        if status == "en_cours" and rar == 0:
            status = "soldee"
        reference_column = self.fmt.reference_column
        creance = {
            "reference": _text(row.get(reference_column) or _missing(reference_column, "référence de la créance"),
                               reference_column),
            "amount_initial_cents": initial,
            "rar_cents": rar,
            "status": status,
            "budget": None,
            "is_hospital": False,
            "offence_category": None,
            "date_infraction": None,
            "date_emission": None,
        }
        creance["principal_cents"], creance["majorations_cents"] = _breakdown(row, initial)
        if source is Source.IMPOTS:
            creance["nature"] = _text(row.get("impot") or _missing("impot", "impôt"), "impot")
            creance["creditor_code"] = "ETAT"
            creance["creditor_name"] = "État"
            creance["year"] = self._year(row.get("annee", ""))
            creance["date_prise_en_charge"] = self._date(
                row.get("date_mise_en_recouvrement")
                or _missing("date_mise_en_recouvrement", "date de mise en recouvrement"),
                "Date de mise en recouvrement")
            creance["date_exigibilite"] = self._date(
                row.get("date_exigibilite") or _missing("date_exigibilite", "date d'exigibilité"),
                "Date d'exigibilité")
        elif source is Source.AMENDES:
            creance["nature"] = _text(row.get("type_amende") or _missing("type_amende", "type d'amende"), "type_amende")
            creance["creditor_code"] = "ETAT"
            creance["creditor_name"] = "État"
            category = row.get("categorie_infraction", "").lower().replace("é", "e")
            if category and category not in ("contravention", "delit"):
                raise LineRejected(f"Catégorie d'infraction inconnue : « {_shown(category)} » (contravention ou délit)")
            creance["offence_category"] = category or None
            infraction = row.get("date_infraction", "")
            creance["date_infraction"] = self._date(infraction, "Date d'infraction") if infraction else None
            creance["date_prise_en_charge"] = self._date(
                row.get("date_titre") or _missing("date_titre", "date du titre exécutoire"), "Date du titre")
            creance["date_exigibilite"] = creance["date_prise_en_charge"]
            creance["year"] = int(creance["date_prise_en_charge"][:4])
        else:
            creance["nature"] = _text(row.get("objet") or _missing("objet", "objet du titre"), "objet")
            creance["creditor_code"] = _text(
                row.get("code_collectivite") or _missing("code_collectivite", "code du créancier"),
                "code_collectivite")
            creance["creditor_name"] = _text(row.get("collectivite") or _missing("collectivite", "créancier"),
                                             "collectivite")
            creance["budget"] = _text(row.get("budget", ""), "budget")
            flag = (row.get("hospitalier") or _missing("hospitalier", "créance hospitalière O/N")).upper()
            if flag not in FLAGS:
                raise LineRejected(f"Indicateur hospitalier invalide : « {_shown(flag)} » (attendu : O ou N)")
            creance["is_hospital"] = FLAGS[flag]
            creance["year"] = self._year(row.get("exercice", ""))
            emission = row.get("date_emission", "")
            creance["date_emission"] = self._date(emission, "Date d'émission") if emission else None
            creance["date_prise_en_charge"] = self._date(
                row.get("date_prise_en_charge") or _missing("date_prise_en_charge", "date de prise en charge"),
                "Date de prise en charge")
            creance["date_exigibilite"] = creance["date_prise_en_charge"]
        return ParsedLine(line=line, source_key=key, identity=identity, creance=_creance_tuple(creance),
                          structure_code=structure, situation=_situation(row, self._date))

    @staticmethod
    def _year(text: str) -> int | None:
        if not text:
            return None
        if not (_digits(text) and len(text) == 4 and 1990 <= int(text) <= 2100):
            raise LineRejected(f"Année invalide : « {_shown(text)} » (4 chiffres, de 1990 à 2100)")
        return int(text)
