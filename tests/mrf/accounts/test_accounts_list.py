"""``mrf accounts list``: products held, total due, filters, on every database backend."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mrf.extensions import db
from mrf.models import Assignment, Creance, RecordLink, Redevable, SourceRecord, Structure


@pytest.fixture
def accounts(app):
    """Three accounts: 1 holds impôts + amendes (SIP-A); 2 amendes only (TA-B) but assigned to
    SIP-A; 3 impôts only with a cancelled amende (SIP-A / TA-B)."""
    with db.transaction() as s:
        sip = Structure(code="SIP-A", name="SIP A", type="sip", departement="89", products=["impots"])
        ta = Structure(code="TA-B", name="TA B", type="tresorerie_amendes", departement="89", products=["amendes"])
        s.add_all([sip, ta])
        s.flush()
        redevables = [Redevable(id=i) for i in (1, 2, 3)]
        s.add_all(redevables)
        s.flush()

        def record(n: int, source: str, redevable: int) -> SourceRecord:
            rec = SourceRecord(source=source, source_key=f"K{n}", nom="X")
            s.add(rec)
            s.flush()
            s.add(RecordLink(source_record_id=rec.id, redevable_id=redevable, method="batch"))
            return rec

        def creance(rec: SourceRecord, ref: str, product: str, rar: int, structure: Structure,
                    status: str = "en_cours") -> None:
            s.add(Creance(source_record_id=rec.id, product=product, reference=ref, nature="N", creditor_code="ETAT",
                          creditor_name="État", amount_initial_cents=rar, rar_cents=rar, status=status,
                          date_prise_en_charge=date(2024, 1, 1), date_exigibilite=date(2024, 1, 1),
                          structure_id=structure.id))

        r1i, r1a = record(1, "impots", 1), record(2, "amendes", 1)
        creance(r1i, "I1", "impots", 10000, sip)
        creance(r1a, "A1", "amendes", 13500, ta)
        r2a = record(3, "amendes", 2)
        creance(r2a, "A2", "amendes", 50000, ta)
        s.add(Assignment(redevable_id=2, structure_id=sip.id, reason="test"))
        r3i, r3a = record(4, "impots", 3), record(5, "amendes", 3)
        creance(r3i, "I3", "impots", 700, sip)
        creance(r3a, "A3", "amendes", 9999, ta, status="annulee")


def run(cli, *args: str) -> list[dict]:
    result = cli.invoke(args=["accounts", "list", *args, "--json"])
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.output)


def test_all_accounts_largest_due_first(cli, accounts):
    assert run(cli) == [
        {"id": 2, "products": ["amendes"], "total_due_cents": 50000},
        {"id": 1, "products": ["impots", "amendes"], "total_due_cents": 23500},
        {"id": 3, "products": ["impots"], "total_due_cents": 700},
    ]


def test_products_filter_keeps_accounts_holding_every_product(cli, accounts):
    assert [a["id"] for a in run(cli, "--products", "impots,amendes")] == [1]


def test_structure_filter_includes_assigned_accounts(cli, accounts):
    assert [a["id"] for a in run(cli, "--structure", "SIP-A")] == [2, 1, 3]
    assert [a["id"] for a in run(cli, "--structure", "TA-B")] == [2, 1, 3]
    assert [a["id"] for a in run(cli, "--structure", "SIP-A", "--limit", "1")] == [2]


def test_unknown_product_or_structure_exit_2(cli, accounts):
    bad = cli.invoke(args=["accounts", "list", "--products", "taxes", "--json"])
    assert bad.exit_code == 2 and "Produit inconnu" in bad.stderr
    bad = cli.invoke(args=["accounts", "list", "--structure", "NOPE", "--json"])
    assert bad.exit_code == 2 and "Structure inconnue" in bad.stderr
