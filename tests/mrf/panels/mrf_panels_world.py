"""Small explicit worlds for the panels application tests: structures with communes, source
records, créances, redevables and record links, written with the models directly."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Creance, RecordLink, Redevable, SourceRecord, Structure
from mrf.services.admin.structures import StructureSpec, upsert_structures

AS_OF = date(2026, 11, 23)
AUXERRE, AVALLON, SENS, NEVERS = "89024", "89025", "89387", "58194"
DEFAULT_CODES = {"impots": "SIP-A", "amendes": "TA-89", "secteur_local": "SPL-89", "hopital": "TM-58"}


class World:
    """Builder of debtors: each has one source record per product, with its créances."""

    def __init__(self) -> None:
        self._seq = itertools.count(1)
        with db.new_session() as s:
            self.structure_ids = {code: sid for sid, code in s.execute(select(Structure.id, Structure.code))}

    def debtor(self, insee: str | None = AUXERRE, *, impots: int = 0, amendes: int = 0, local: int = 0,
               hospital: int = 0, address_date: date = date(2026, 6, 1), delit: bool = False,
               prise_en_charge: date = date(2025, 7, 31), codes: dict[str, str] | None = None) -> int:
        """A redevable with the RAR given (cents) per product; returns its id. ``codes``: the
        structure in charge per product (``hopital`` for hospital debts), defaults of the test world."""
        codes = {**DEFAULT_CODES, **(codes or {})}
        with db.transaction() as s:
            red = Redevable(nom=f"DEBITEUR {next(self._seq)}")
            s.add(red)
            s.flush()
            for product, amount, structure, hosp in (
                ("impots", impots, codes["impots"], False), ("amendes", amendes, codes["amendes"], False),
                ("secteur_local", local, codes["secteur_local"], False),
                ("secteur_local", hospital, codes["hopital"], True),
            ):
                if not amount:
                    continue
                rec = SourceRecord(source=product, source_key=f"{product}-{red.id}-{next(self._seq)}",
                                   nom=red.nom, code_insee=insee, code_postal=None, address_date=address_date)
                s.add(rec)
                s.flush()
                s.add(RecordLink(source_record_id=rec.id, redevable_id=red.id, method="manual"))
                self._creance(s, rec.id, product, amount, structure, hosp, delit, prise_en_charge)
            return red.id

    def _creance(self, s, record_id: int, product: str, amount: int, structure: str, hosp: bool,  # noqa: ANN001
                 delit: bool, prise_en_charge: date) -> Creance:
        c = Creance(source_record_id=record_id, product=product, reference=f"REF-{next(self._seq)}",
                    nature="AFM" if product == "amendes" else "IR", creditor_code="ETAT", creditor_name="État",
                    is_hospital=hosp, offence_category=("delit" if delit else "contravention") if product == "amendes"
                    else None, amount_initial_cents=amount, rar_cents=amount,
                    date_prise_en_charge=prise_en_charge, date_exigibilite=prise_en_charge,
                    structure_id=self.structure_ids[structure])
        s.add(c)
        s.flush()
        return c

    def add_creance(self, redevable_id: int, product: str, amount: int, structure: str, hosp: bool = False) -> int:
        """A créance arriving later on one of the debtor's existing records of that source."""
        with db.transaction() as s:
            record_id = s.scalar(
                select(SourceRecord.id).join(RecordLink, RecordLink.source_record_id == SourceRecord.id)
                .where(RecordLink.redevable_id == redevable_id, SourceRecord.source == product)
                .order_by(SourceRecord.id).limit(1))
            if record_id is None:
                rec = SourceRecord(source=product, source_key=f"{product}-{redevable_id}-{next(self._seq)}")
                s.add(rec)
                s.flush()
                s.add(RecordLink(source_record_id=rec.id, redevable_id=redevable_id, method="manual"))
                record_id = rec.id
            return self._creance(s, record_id, product, amount, structure, hosp, False, date(2026, 10, 1)).id


def make_structures() -> None:
    upsert_structures([
        StructureSpec("SIP-A", "SIP d'Auxerre", "sip", "89", ("impots",), (AUXERRE, AVALLON), 1),
        StructureSpec("SIP-S", "SIP de Sens", "sip", "89", ("impots",), (SENS,), 1),
        StructureSpec("SIP-N", "SIP de Nevers", "sip", "58", ("impots",), (NEVERS,), None),
        StructureSpec("TA-89", "Trésorerie amendes de l'Yonne", "tresorerie_amendes", "89", ("amendes",),
                      (AUXERRE, AVALLON, SENS), None),
        StructureSpec("SPL-89", "Trésorerie SPL", "tresorerie_spl", "89", ("secteur_local",),
                      (AUXERRE, AVALLON, SENS)),
        StructureSpec("TM-58", "Trésorerie de Nevers hôpital et amendes", "tresorerie_mixte", "58",
                      ("amendes", "secteur_local"), (NEVERS,), 2),
    ])


CRITERIA = """\
name = "yonne-test"
configuration = 1
products = ["amendes", "impots"]
departements = ["89"]
min_total_cents = 1000
control_share = 0.3
seed = 7
reference_date = 2026-11-23
"""
