"""Small explicit worlds for the poursuites service tests: structures, one debtor with an impôt,
an amende and a local debt (three structures in charge), renseignements, written with the models."""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date

import pypdf
from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import Assignment, Creance, RecordLink, Redevable, Renseignement, SourceRecord, Structure
from mrf.services.admin.structures import StructureSpec, upsert_structures

ON = date(2026, 11, 23)
AUXERRE = "89024"
IBAN = "FR7630006000011234567890189"  # valid (stdnum)
IBAN_SAME_BANK = "FR7630006000019876543210173"
SIRET = "73282932000074"  # valid (Luhn)


def make_structures() -> None:
    upsert_structures([
        StructureSpec("SIP-AUXERRE", "SIP d'Auxerre", "sip", "89", ("impots",), (AUXERRE,), 1),
        StructureSpec("TA-89", "Trésorerie amendes de l'Yonne", "tresorerie_amendes", "89", ("amendes",), (AUXERRE,)),
        StructureSpec("SPL-AUXERRE", "Trésorerie d'Auxerre (secteur public local)", "tresorerie_spl", "89",
                      ("secteur_local",), (AUXERRE,)),
    ])


def agent_of(structure_code: str, login: str, role: str = "comptable") -> int:
    """An agent of ``structure_code`` (services that act check who acts); its id."""
    from mrf.services.admin.users import create_user

    return create_user(login, role, "cheval-agrafe-batterie-1", structure_code).id


def count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@dataclass
class Debtor:
    id: int
    creances: dict[str, int] = field(default_factory=dict)  # "impots", "amendes", "local" -> créance id
    tiers: dict[str, int] = field(default_factory=dict)  # "banque", "employeur" -> renseignement id


class World:
    def __init__(self) -> None:
        self._seq = itertools.count(1)
        with db.new_session() as s:
            self.structure_ids = {code: sid for sid, code in s.execute(select(Structure.id, Structure.code))}

    def debtor(self, *, impots: int = 120_000, amendes: int = 37_500, local: int = 48_000,
               assigned: str | None = "SIP-AUXERRE", bank: bool = True, employer: bool = False) -> Debtor:
        n = next(self._seq)
        with db.transaction() as s:
            red = Redevable(nom=f"DUPONT{n}", prenoms="MARIE", date_naissance=date(1980, 3, 4), code_insee=AUXERRE)
            s.add(red)
            s.flush()
            d = Debtor(red.id)
            for key, product, amount in (("impots", "impots", impots), ("amendes", "amendes", amendes),
                                         ("local", "secteur_local", local)):
                if not amount:
                    continue
                rec = SourceRecord(source=product, source_key=f"{product}-{red.id}", nom=red.nom, prenoms="MARIE",
                                   numero_voie="3", voie="PLACE DE LA MAIRIE", code_postal="89000", commune="AUXERRE",
                                   code_insee=AUXERRE, address_date=date(2026, 1, 10))
                s.add(rec)
                s.flush()
                s.add(RecordLink(source_record_id=rec.id, redevable_id=red.id, method="manual"))
                d.creances[key] = self._creance(s, rec.id, product, amount, n).id
            if assigned:
                s.add(Assignment(redevable_id=red.id, structure_id=self.structure_ids[assigned], reason="panel test"))
            if bank:
                r = Renseignement(redevable_id=red.id, kind="banque", name="Banque Exemple", iban=IBAN,
                                  source="ficoba", observed_on=date(2026, 10, 1), reliability="confirmee")
                s.add(r)
                s.flush()
                d.tiers["banque"] = r.id
            if employer:
                r = Renseignement(redevable_id=red.id, kind="employeur", name="Société Exemple", siret=SIRET,
                                  annual_net_salary_cents=2_400_000, dependants=1, source="impots",
                                  observed_on=date(2026, 9, 1), reliability="confirmee",
                                  voie="1 RUE DE PARIS", code_postal="89000", commune="AUXERRE")
                s.add(r)
                s.flush()
                d.tiers["employeur"] = r.id
        return d

    def _creance(self, s, record_id: int, product: str, amount: int, n: int) -> Creance:  # noqa: ANN001
        if product == "impots":
            values = dict(reference=f"IR-2024-{n:04d}", nature="IR", creditor_code="ETAT", creditor_name="État",
                          date_prise_en_charge=date(2025, 7, 31), date_exigibilite=date(2025, 9, 15),
                          structure="SIP-AUXERRE")
        elif product == "amendes":
            values = dict(reference=f"AFM-{n:06d}", nature="AFM", creditor_code="ETAT", creditor_name="État",
                          date_prise_en_charge=date(2025, 3, 1), date_exigibilite=date(2025, 3, 1),
                          structure="TA-89", offence_category="contravention")
        else:
            values = dict(reference=f"2025-COM-{AUXERRE}-{n:05d}", nature="eau", creditor_code=f"COM-{AUXERRE}",
                          creditor_name="COMMUNE D'AUXERRE", date_prise_en_charge=date(2025, 5, 10),
                          date_exigibilite=date(2025, 6, 1), structure="SPL-AUXERRE")
        structure = values.pop("structure")
        c = Creance(source_record_id=record_id, product=product, amount_initial_cents=amount, rar_cents=amount,
                    structure_id=self.structure_ids[structure], **values)
        s.add(c)
        s.flush()
        return c
