"""Published panels written with the models for the scope tests: a treated member assigned to one
structure, a témoin, and a hospital debt beside the world's impôt, amende and water bill."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Assignment, Creance, Panel, PanelMember, RecordLink, SourceRecord, Structure
from mrf.services.admin.structures import StructureSpec, upsert_structures

from mrf_poursuites_world import AUXERRE, Debtor, World


def add_mixed_structure() -> None:
    upsert_structures([StructureSpec("TM-89", "Trésorerie mixte d'Auxerre (hôpital et amendes)", "tresorerie_mixte",
                                     "89", ("amendes", "secteur_local"), (AUXERRE,))])


def add_hospital_debt(world: World, d: Debtor, amount: int = 61_000) -> int:
    with db.transaction() as s:
        rec = SourceRecord(source="secteur_local", source_key=f"hop-{d.id}", nom=f"DUPONT{d.id}", prenoms="MARIE",
                           numero_voie="3", voie="PLACE DE LA MAIRIE", code_postal="89000", commune="AUXERRE",
                           code_insee=AUXERRE, address_date=date(2026, 1, 10))
        s.add(rec)
        s.flush()
        s.add(RecordLink(source_record_id=rec.id, redevable_id=d.id, method="manual"))
        c = Creance(source_record_id=rec.id, product="secteur_local", amount_initial_cents=amount, rar_cents=amount,
                    reference=f"HOP-{d.id:05d}", nature="hospitalisation", creditor_code="CH-AUXERRE",
                    creditor_name="CENTRE HOSPITALIER D'AUXERRE", date_prise_en_charge=date(2025, 4, 2),
                    date_exigibilite=date(2025, 5, 2), structure_id=world.structure_ids["SPL-AUXERRE"],
                    is_hospital=True)
        s.add(c)
        s.flush()
        d.creances["hopital"] = c.id
        return c.id


def publish(world: World, name: str, configuration: int, members: list[tuple[Debtor, str, str | None]]) -> int:
    """A published panel: ``members`` are (debtor, group ``panel``/``control``, structure code or None)."""
    with db.transaction() as s:
        ids = {code: sid for sid, code in s.execute(select(Structure.id, Structure.code))}
        panel = Panel(name=name, configuration=configuration, criteria_toml=f'name = "{name}"\n', seed=1,
                      status="publie", published_at=datetime.now(UTC),
                      report={"products": ["amendes", "hopital", "impots", "secteur_local"]})  # selected on all
        s.add(panel)
        s.flush()
        for d, group, code in members:
            sid = ids[code] if code else None
            s.add(PanelMember(panel_id=panel.id, redevable_id=d.id, group=group, structure_id=sid, reason="test"))
            if group == "panel" and sid is not None:
                s.add(Assignment(redevable_id=d.id, structure_id=sid, panel_id=panel.id, reason=f"Panel {name}"))
        return panel.id
