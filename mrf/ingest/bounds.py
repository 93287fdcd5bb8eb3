"""The bounds every imported value is checked against before the database sees it, the same on SQLite
and PostgreSQL. None is a legal figure: they are plausibility limits of the formats (docs/formats.md).

- Amounts: at most 10 000 000 000 € (10¹² cents) per line. The largest debts a SIP, a trésorerie
  amendes or a trésorerie SPL holds against a person are several orders of magnitude below; a
  larger figure is a shifted decimal comma or a corrupted line. The bound also keeps the sums safe:
  a BIGINT (PostgreSQL) or SQLite integer holds 2⁶³ − 1 ≈ 9.22 × 10¹⁸ cents, so the total of any
  9 223 372 créances (an account, a structure, the whole base) cannot overflow even if every one
  were at the bound.
- Dates: from 1 January 1850 (oldest birth date the sources carry) to 31 December 2100; Python
  and both databases would take years 1 to 9999, but a date near either end breaks the date
  arithmetic downstream (prescription, délais), and is never a real date of these files.
- Text: at most the length of the column that stores it (String(n) of the models), counted in
  characters as PostgreSQL does; SQLite does not enforce lengths, so the check is here for both.
- Header: at most MAX_COLUMNS columns (the largest format has 29) in at most MAX_HEADER_CHARS
  characters; anything larger is not one of the formats and is refused before being parsed.
- A field over FIELD_LIMIT characters (the csv module's default limit, kept explicit) cannot be a
  value of any column: its line is rejected without reading it further.
"""

from __future__ import annotations

from datetime import date

from ..models import Creance, Situation, SourceRecord

MAX_AMOUNT_EUROS = 10_000_000_000
MAX_AMOUNT_CENTS = MAX_AMOUNT_EUROS * 100
# Digits of the euro part of the largest amount: a longer run of digits is refused before int()
# (which also refuses more than 4,300 digits with a ValueError).
MAX_AMOUNT_DIGITS = len(str(MAX_AMOUNT_EUROS))

FIRST_DATE = date(1850, 1, 1)
LAST_DATE = date(2100, 12, 31)

MAX_COLUMNS = 500
MAX_HEADER_CHARS = 65_536
FIELD_LIMIT = 131_072

_records, _creances = SourceRecord.__table__.c, Creance.__table__.c

# File column → the length of the String(n) column its value is stored in.
FIELD_LENGTHS: dict[str, int] = {
    "numero_fiscal": _records.source_key.type.length,
    "id_debiteur": _records.source_key.type.length,
    "id_tiers": _records.source_key.type.length,
    "nom_naissance": _records.nom_naissance.type.length,
    "nom_usage": _records.nom_usage.type.length,
    "prenoms": _records.prenoms.type.length,
    "nom": _records.nom.type.length,
    "prenom": _records.prenoms.type.length,
    "lieu_naissance": _records.lieu_naissance.type.length,
    "numero_voie": _records.numero_voie.type.length,
    "voie": _records.voie.type.length,
    "complement_adresse": _records.complement_adresse.type.length,
    "commune": _records.commune.type.length,
    "reference_avis": _creances.reference.type.length,
    "numero_amende": _creances.reference.type.length,
    "numero_titre": _creances.reference.type.length,
    "impot": _creances.nature.type.length,
    "type_amende": _creances.nature.type.length,
    "objet": _creances.nature.type.length,
    "code_collectivite": _creances.creditor_code.type.length,
    "collectivite": _creances.creditor_name.type.length,
    "budget": _creances.budget.type.length,
    "reference_situation": Situation.__table__.c.reference.type.length,
}
