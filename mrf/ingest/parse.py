"""Turn one source line into validated values, or a rejection with its reason (French)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.fr import nif

from matching.reference import CommuneReference

from .formats import Source, SourceFormat


class LineRejected(ValueError):
    """The line is rejected; the message says why, for the clerk."""


@dataclass(slots=True)
class ParsedLine:
    line: int
    source_key: str
    identity: dict  # SourceRecord columns
    creance: dict  # Creance columns, except ids
    structure_code: str


def parse_amount_cents(text: str, label: str) -> int:
    """'1 234,56' / '1234.56' / '1234' euros → integer cents; refuses negatives and 3 decimals."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if not raw:
        raise LineRejected(f"{label} manquant")
    if raw.startswith("-"):
        raise LineRejected(f"{label} négatif : {text.strip()}")
    raw = raw.replace(",", ".")
    units, _, decimals = raw.partition(".")
    if not units.isdigit() or (decimals and not decimals.isdigit()) or len(decimals) > 2 or "." in decimals:
        raise LineRejected(f"{label} illisible : « {text.strip()} » (attendu : 1234,56)")
    return int(units) * 100 + int(decimals.ljust(2, "0") if decimals else 0)


def parse_date(text: str, label: str) -> date:
    """JJ/MM/AAAA (also JJ-MM-AAAA, JJ.MM.AAAA) or AAAA-MM-JJ."""
    raw = text.strip()
    try:
        if len(raw) == 10 and raw[4] == "-":
            return date(int(raw[:4]), int(raw[5:7]), int(raw[8:]))
        if len(raw) == 10 and raw[2] in "/-." and raw[5] == raw[2]:
            return date(int(raw[6:]), int(raw[3:5]), int(raw[:2]))
        if len(raw) == 8 and raw.isdigit():
            return date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
    except ValueError:
        pass
    if not raw:
        raise LineRejected(f"{label} manquante")
    raise LineRejected(f"{label} invalide : « {raw} » (attendu : JJ/MM/AAAA)")


def parse_birth_date(text: str) -> tuple[date | None, str | None]:
    """A birth date, or None with the raw text kept when the source gives a partial one
    (00/00/1960, 00/05/1960): the sources do that, and the debt must not be lost for it."""
    raw = text.strip()
    if not raw:
        return None, None
    try:
        return parse_date(raw, "Date de naissance"), raw
    except LineRejected:
        parts = raw.replace("-", "/").replace(".", "/").split("/")
        if (len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4
                and 1850 <= int(parts[2]) <= 2100 and (parts[0] in ("00", "0") or parts[1] in ("00", "0"))):
            return None, raw
        raise


def _text(value: str | None, limit: int = 200) -> str | None:
    if not value:
        return None
    if "  " in value or "\t" in value or "\n" in value:
        value = " ".join(value.split())
    return value[:limit] or None


IDENTITY_COLUMNS = ("numero_fiscal", "id_debiteur", "id_tiers", "nom_naissance", "nom_usage", "prenoms", "nom",
                    "prenom", "sexe", "date_naissance", "lieu_naissance", "numero_voie", "voie",
                    "complement_adresse", "code_postal", "commune", "code_insee")
SEXES = {"M": "M", "H": "M", "1": "M", "F": "F", "2": "F"}
FLAGS = {"O": True, "OUI": True, "1": True, "N": False, "NON": False, "0": False}
STATUSES = {"": "en_cours", "EN_COURS": "en_cours", "EN COURS": "en_cours", "ANNULEE": "annulee",
            "ANNULÉE": "annulee", "SOLDEE": "soldee", "SOLDÉE": "soldee"}


class LineParser:
    """Parses the lines of one source format; caches checks that repeat across lines."""

    def __init__(self, fmt: SourceFormat, header: tuple[str, ...], reference: CommuneReference,
                 structure_codes: set[str]) -> None:
        self.fmt = fmt
        self.header = header
        self.width = len(header)
        self.reference = reference
        self.structure_codes = structure_codes
        self._identity_cache: dict[tuple[str, ...], dict] = {}
        self._place_cache: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}

    @staticmethod
    def _required(row: dict[str, str], name: str, label: str) -> str:
        value = row.get(name, "")
        if not value:
            raise LineRejected(f"Champ obligatoire manquant : {name} ({label})")
        return value

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
                raise LineRejected(f"Commune inconnue : code INSEE « {code_insee} »")
            if postcode and postcode not in commune.postcodes and commune.postcodes:
                postcode = commune.postcodes[0] if len(commune.postcodes) == 1 else (
                    ref.repair_postcode(commune.nom, postcode) or commune.postcodes[0])
            result = (code_insee, postcode or (commune.postcodes[0] if commune.postcodes else None))
        elif postcode or city:
            commune = ref.find(city, postcode)
            if commune is None:
                if postcode and not ref.is_postcode(postcode):
                    raise LineRejected(f"Code postal inconnu et commune introuvable : « {postcode} {city} »")
                if city and not postcode:
                    raise LineRejected(f"Commune inconnue : « {city} »")
                result = (None, postcode or None)
            else:
                repaired = postcode if postcode in commune.postcodes else (
                    commune.postcodes[0] if commune.postcodes else postcode)
                result = (commune.code_insee, repaired)
        else:
            result = (None, None)
        if len(self._place_cache) > 20_000:
            self._place_cache.clear()
        self._place_cache[key] = result
        return result

    def _identity(self, row: dict[str, str], key: str) -> dict:
        """SourceRecord columns from one line."""
        identity: dict = {}
        if self.fmt.source is Source.IMPOTS:
            if not (len(key) == 13 and nif.is_valid(key)):
                raise LineRejected(f"Numéro fiscal invalide (13 chiffres et clé de contrôle) : « {key} »")
            identity["numero_fiscal"] = key
            identity["nom_naissance"] = _text(self._required(row, "nom_naissance", "nom de naissance"))
            identity["nom_usage"] = _text(row.get("nom_usage", ""))
            identity["prenoms"] = _text(self._required(row, "prenoms", "prénoms"))
            identity["nom"] = None
        else:
            identity["numero_fiscal"] = None
            identity["nom"] = _text(self._required(row, "nom", "nom"))
            identity["nom_naissance"] = None
            identity["nom_usage"] = None
            identity["prenoms"] = _text(row.get("prenom", ""))
        sexe = row.get("sexe", "").upper()
        if sexe and sexe not in SEXES:
            raise LineRejected(f"Sexe invalide : « {sexe} » (attendu : M ou F)")
        identity["sexe"] = SEXES.get(sexe)
        identity["date_naissance"], identity["date_naissance_brute"] = parse_birth_date(row.get("date_naissance", ""))
        identity["lieu_naissance"] = _text(row.get("lieu_naissance", ""))
        identity["numero_voie"] = _text(row.get("numero_voie", ""), 16)
        identity["voie"] = _text(row.get("voie", ""))
        identity["complement_adresse"] = _text(row.get("complement_adresse", ""))
        identity["commune"] = _text(row.get("commune", ""), 100)
        postcode = row.get("code_postal", "").replace(" ", "")
        if postcode and (not postcode.isdigit() or len(postcode) not in (4, 5)):
            postcode_raw = postcode
            postcode = ""
            if not identity["commune"]:
                raise LineRejected(f"Code postal invalide : « {postcode_raw} »")
        elif len(postcode) == 4:
            postcode = "0" + postcode  # a spreadsheet dropped the leading zero (06000 → 6000)
        code_insee = row.get("code_insee", "")
        if code_insee and len(code_insee) == 4 and code_insee.isdigit():
            code_insee = "0" + code_insee
        identity["code_insee"], identity["code_postal"] = self._place(
            code_insee.upper(), postcode, identity["commune"] or "")

        return identity

    def parse(self, line: int, cells: list[str]) -> ParsedLine:
        if len(cells) != self.width:
            raise LineRejected(f"Nombre de colonnes incorrect : {len(cells)} au lieu de {self.width}")
        row = dict(zip(self.header, (c.strip() for c in cells)))

        source = self.fmt.source
        key = self._required(row, self.fmt.key_column, "identifiant du débiteur")
        # A debtor's identity repeats on each of its lines: parse it once per distinct content.
        cache_key = tuple(row.get(name, "") for name in IDENTITY_COLUMNS)
        identity = self._identity_cache.get(cache_key)
        if identity is None:
            identity = self._identity(row, key)
            if len(self._identity_cache) > 10_000:
                self._identity_cache.clear()
            self._identity_cache[cache_key] = identity

        structure = self._required(row, "comptable", "poste comptable")
        if structure not in self.structure_codes:
            raise LineRejected(f"Poste comptable inconnu : « {structure} »")
        initial = parse_amount_cents(self._required(row, "montant_initial", "montant initial"), "Montant initial")
        rar = parse_amount_cents(self._required(row, "reste_a_recouvrer", "reste à recouvrer"), "Reste à recouvrer")
        if rar > initial:
            raise LineRejected("Reste à recouvrer supérieur au montant initial")
        status_raw = row.get("statut", "").upper()
        if status_raw not in STATUSES:
            raise LineRejected(f"Statut inconnu : « {status_raw} » (attendu : EN_COURS ou ANNULEE)")
        status = STATUSES[status_raw]
        if status == "en_cours" and rar == 0:
            status = "soldee"
        creance = {
            "product": source.value,
            "reference": _text(self._required(row, self.fmt.reference_column, "référence de la créance"), 64),
            "amount_initial_cents": initial,
            "rar_cents": rar,
            "status": status,
            "budget": None,
            "is_hospital": False,
            "offence_category": None,
            "date_infraction": None,
            "date_emission": None,
        }
        if source is Source.IMPOTS:
            creance["nature"] = _text(self._required(row, "impot", "impôt"), 100)
            creance["creditor_code"] = "ETAT"
            creance["creditor_name"] = "État"
            creance["year"] = self._year(row.get("annee", ""))
            creance["date_prise_en_charge"] = parse_date(
                self._required(row, "date_mise_en_recouvrement", "date de mise en recouvrement"),
                "Date de mise en recouvrement")
            creance["date_exigibilite"] = parse_date(
                self._required(row, "date_exigibilite", "date d'exigibilité"), "Date d'exigibilité")
        elif source is Source.AMENDES:
            creance["nature"] = _text(self._required(row, "type_amende", "type d'amende"), 100)
            creance["creditor_code"] = "ETAT"
            creance["creditor_name"] = "État"
            category = row.get("categorie_infraction", "").lower().replace("é", "e")
            if category and category not in ("contravention", "delit"):
                raise LineRejected(f"Catégorie d'infraction inconnue : « {category} » (contravention ou délit)")
            creance["offence_category"] = category or None
            infraction = row.get("date_infraction", "")
            creance["date_infraction"] = parse_date(infraction, "Date d'infraction") if infraction else None
            creance["date_prise_en_charge"] = parse_date(
                self._required(row, "date_titre", "date du titre exécutoire"), "Date du titre")
            creance["date_exigibilite"] = creance["date_prise_en_charge"]
            creance["year"] = creance["date_prise_en_charge"].year
        else:
            creance["nature"] = _text(self._required(row, "objet", "objet du titre"), 100)
            creance["creditor_code"] = _text(self._required(row, "code_collectivite", "code du créancier"), 32)
            creance["creditor_name"] = _text(self._required(row, "collectivite", "créancier"))
            creance["budget"] = _text(row.get("budget", ""), 100)
            flag = self._required(row, "hospitalier", "créance hospitalière O/N").upper()
            if flag not in FLAGS:
                raise LineRejected(f"Indicateur hospitalier invalide : « {flag} » (attendu : O ou N)")
            creance["is_hospital"] = FLAGS[flag]
            creance["year"] = self._year(row.get("exercice", ""))
            emission = row.get("date_emission", "")
            creance["date_emission"] = parse_date(emission, "Date d'émission") if emission else None
            creance["date_prise_en_charge"] = parse_date(
                self._required(row, "date_prise_en_charge", "date de prise en charge"), "Date de prise en charge")
            creance["date_exigibilite"] = creance["date_prise_en_charge"]
        return ParsedLine(line=line, source_key=key, identity=identity, creance=creance,
                          structure_code=structure)

    @staticmethod
    def _year(text: str) -> int | None:
        if not text:
            return None
        if not (text.isdigit() and len(text) == 4 and 1990 <= int(text) <= 2100):
            raise LineRejected(f"Année invalide : « {text} »")
        return int(text)
