"""Small explicit worlds for the evaluation tests: debtors with an impôt and/or an amende (created
long before publication, so that the pre-period is known), a panel published then dated back."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import select

from mrf.demo.evaluation import antidate_publication
from mrf.extensions import db
from mrf.models import Creance, Panel, PanelMember, RecordLink, Redevable, SourceRecord, Structure
from mrf.services.admin.structures import StructureSpec, upsert_structures
from mrf.services.panels.composition import publish_panel

AUXERRE = "89024"
LONG_AGO = datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
CRITERIA = """name = "{name}"
configuration = 1
products = ["amendes", "impots"]
departements = ["89"]
control_share = 0.5
seed = 1
"""


class EvalWorld:
    def __init__(self) -> None:
        upsert_structures([
            StructureSpec("SIP-EVAL", "SIP d'Auxerre (évaluation)", "sip", "89", ("impots",), (AUXERRE,), 1),
            StructureSpec("TA-EVAL", "Trésorerie amendes de l'Yonne (évaluation)", "tresorerie_amendes", "89",
                          ("amendes",), (AUXERRE,)),
        ])
        self._seq = itertools.count(1)
        with db.new_session() as s:
            self.structure_ids = {code: sid for sid, code in s.execute(select(Structure.id, Structure.code))}

    def debtor(self, *, impots: int = 0, amendes: int = 0, created: datetime = LONG_AGO) -> tuple[int, dict[str, int]]:
        """A redevable named DEBITEUR-EVAL n with the RAR given (cents); its id and créance ids per product."""
        n = next(self._seq)
        ids: dict[str, int] = {}
        with db.transaction() as s:
            red = Redevable(nom=f"DEBITEUR-EVAL {n}", prenoms="CLAIRE", code_insee=AUXERRE)
            s.add(red)
            s.flush()
            for product, amount in (("impots", impots), ("amendes", amendes)):
                if amount:
                    ids[product] = self.creance(s, red.id, product, amount, created)
            return red.id, ids

    def creance(self, s, redevable_id: int, product: str, amount: int, created: datetime) -> int:  # noqa: ANN001
        n = next(self._seq)
        rec = SourceRecord(source=product, source_key=f"{product}-eval-{n}", nom="DEBITEUR-EVAL", code_insee=AUXERRE)
        s.add(rec)
        s.flush()
        s.add(RecordLink(source_record_id=rec.id, redevable_id=redevable_id, method="manual"))
        c = Creance(source_record_id=rec.id, product=product, reference=f"EVAL-{product}-{n}",
                    nature="IR" if product == "impots" else "AFM", creditor_code="ETAT", creditor_name="État",
                    offence_category="contravention" if product == "amendes" else None,
                    amount_initial_cents=amount, rar_cents=amount, date_prise_en_charge=date(2023, 9, 1),
                    date_exigibilite=date(2023, 10, 15), created_at=created,
                    structure_id=self.structure_ids["SIP-EVAL" if product == "impots" else "TA-EVAL"])
        s.add(c)
        s.flush()
        return c.id

    def arrival(self, redevable_id: int, product: str, amount: int) -> int:
        """A créance of the debtor that reaches the database now (after publication)."""
        with db.transaction() as s:
            return self.creance(s, redevable_id, product, amount, datetime.now(UTC))

    def panel(self, name: str, treated: list[int], control: list[int], published_on: date | None = None) -> None:
        """A draft with these members, published (baseline frozen), then dated back to ``published_on``."""
        with db.transaction() as s:
            panel = Panel(name=name, configuration=1, criteria_toml=CRITERIA.format(name=name), seed=1,
                          status="brouillon", report={"products": ["amendes", "impots"]})
            s.add(panel)
            s.flush()
            for rid in treated:
                s.add(PanelMember(panel_id=panel.id, redevable_id=rid, group="panel",
                                  structure_id=self.structure_ids["SIP-EVAL"], reason="test"))
            for rid in control:
                s.add(PanelMember(panel_id=panel.id, redevable_id=rid, group="control", reason="test"))
        publish_panel(name)
        if published_on is not None:
            antidate_publication(name, published_on)


def build_evaluated() -> dict:
    """Panel ``eval-web`` (6 treated, 6 control, 12 simulated months, published 23/11/2025) and
    ``eval-mini`` (2 and 2), for the pages."""
    from mrf.demo.evaluation import simulate_panel

    w = EvalWorld()
    treated = [w.debtor(impots=30_000 + 2_000 * k, amendes=12_000 + 900 * k)[0] for k in range(6)]
    control = [w.debtor(impots=35_000 + 1_500 * k, amendes=10_000 + 800 * k)[0] for k in range(6)]
    w.panel("eval-web", treated, control)
    simulate_panel("eval-web", seed=5, months=12, today=date(2026, 11, 23))
    small = [w.debtor(impots=10_000)[0] for _ in range(4)]
    w.panel("eval-mini", small[:2], small[2:], date(2026, 1, 15))
    return {"name": "eval-web", "ids": treated + control + small}
