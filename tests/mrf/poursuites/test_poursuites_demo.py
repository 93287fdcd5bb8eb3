"""Demo renseignements: valid identifiers, deterministic, recorded through the service, replayable."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from stdnum import iban as stdnum_iban
from stdnum.fr import siret as stdnum_siret

from mrf.demo.renseignements import _employers, demo_renseignements, make_iban, make_siret, plan_for_account
from mrf.extensions import db
from mrf.models import Renseignement
from mrf.services.poursuites import actes as service

from mrf_poursuites_world import ON, count


def test_generated_ibans_and_sirets_are_valid():
    rnd = random.Random(3)
    for _ in range(300):
        assert stdnum_iban.is_valid(make_iban(rnd, "30004"))
        assert stdnum_siret.is_valid(make_siret(rnd))


def test_plan_for_an_account_is_deterministic():
    employers = _employers(1)
    first = [plan_for_account(rid, "89", date(1960, 1, 1), ON, 1, employers) for rid in range(200)]
    again = [plan_for_account(rid, "89", date(1960, 1, 1), ON, 1, employers) for rid in range(200)]
    assert first == again
    kinds = {item["kind"] for items in first for item in items}
    assert {"banque", "caisse_retraite"} <= kinds  # born in 1960: pensions rather than salaries


def test_demo_step_records_through_the_service_and_can_be_replayed(world, tmp_path):
    debtors = [world.debtor(bank=False, assigned=None) for _ in range(30)]
    messages: list[str] = []
    counts = demo_renseignements(tmp_path, messages.append, seed=1, today=ON)
    assert sum(counts.values()) == count(Renseignement) > 0
    assert (tmp_path / "renseignements.csv").is_file() and "Renseignements :" in messages[0]
    with db.new_session() as s:
        for iban in s.scalars(select(Renseignement.iban).where(Renseignement.kind == "banque")):
            assert stdnum_iban.is_valid(iban)
    assert any(service.build_plan(d.id, ON).satd_steps for d in debtors)
    demo_renseignements(tmp_path, messages.append, seed=1, today=ON)
    assert count(Renseignement) == sum(counts.values())
