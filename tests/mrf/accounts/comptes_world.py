"""Builders of the accounts tests' worlds (``test_consolide``, ``test_prescription_sql``): a debtor with a
younger account merged into it, one record per source, and the créances and acts each test names."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from mrf.models import Acte, ActeLine, Creance, RecordLink, Redevable, SourceRecord

SOURCES = ("impots", "amendes", "secteur_local")


def merged_pair(s: Session, nom: str, prenoms: str, born: date, key: str, place: tuple[str, str, str, str],
                ) -> tuple[Redevable, Redevable, list[SourceRecord]]:
    """The surviving account, the one merged into it, and one record per source (the last one linked to
    the merged account). ``place``: (code INSEE, postal code, commune, street)."""
    root = Redevable(nom=nom, prenoms=prenoms, date_naissance=born, search_text=f"{nom} {prenoms}")
    s.add(root)
    s.flush()
    merged = Redevable(nom=nom, prenoms=prenoms[0], merged_into_id=root.id, search_text=f"{nom} {prenoms[0]}")
    s.add(merged)
    s.flush()
    insee, postcode, commune, street = place
    records = []
    for n, owner in enumerate((root.id, root.id, merged.id)):
        rec = SourceRecord(source=SOURCES[n], source_key=f"{key}-{n}", nom=nom, code_insee=insee,
                           code_postal=postcode, commune=commune, voie=street)
        s.add(rec)
        s.flush()
        s.add(RecordLink(source_record_id=rec.id, redevable_id=owner, method="batch", probability=0.9))
        records.append(rec)
    return root, merged, records


def creance(s: Session, record: SourceRecord, product: str, ref: str, structure: int, taken: date,
            rar: int = 10_000, **extra) -> int:  # noqa: ANN003
    initial = extra.pop("amount_initial_cents", max(rar, 5_000))
    c = Creance(source_record_id=record.id, product=product, reference=ref, nature="IR", creditor_code="ETAT",
                creditor_name="État", amount_initial_cents=initial, rar_cents=rar,
                date_prise_en_charge=taken, date_exigibilite=taken + timedelta(days=45),
                status=extra.pop("status", "en_cours"), structure_id=structure, **extra)
    s.add(c)
    s.flush()
    return c.id


def act(s: Session, rid: int, kind: str, on: date, creances: list[int], **extra) -> Acte:  # noqa: ANN003
    acte = Acte(redevable_id=rid, kind=kind, issued_on=on, amount_cents=1_000, **extra)
    acte.lines = [ActeLine(creance_id=cid, amount_cents=1_000) for cid in creances]
    s.add(acte)
    s.flush()
    return acte
