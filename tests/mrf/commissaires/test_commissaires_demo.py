"""On a seeded demo (the whole chain, then the études step): dispatch by territory, the simulated
bilans landing on the accounts, statistics adding up to the dossiers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from mrf.demo.run import run_demo
from mrf.extensions import db
from mrf.models import DossierCommissaire, DossierEvenement, EtudeTerritoire, Payment, Renseignement
from mrf.services.commissaires import stats

pytestmark = pytest.mark.slow


def test_seeded_demo_round_trip(app, tmp_path):  # noqa: ANN001
    said: list[str] = []
    run_demo(150, 5, tmp_path, said.append)
    assert any(s.startswith("Études de commissaires de justice : 8 étude(s)") for s in said)
    with db.new_session() as s:
        dossiers = list(s.scalars(select(DossierCommissaire)))
        assert dossiers
        by_cp = dict(s.execute(select(EtudeTerritoire.code_postal, EtudeTerritoire.etude_id)).all())
        assert all(by_cp.get(d.code_postal) == d.etude_id for d in dossiers)
        huissier = s.scalar(select(func.count()).select_from(Payment).where(Payment.payer == "huissier"))
        paid_events = s.scalar(select(func.count()).select_from(DossierEvenement).where(
            DossierEvenement.kind == "paiement", DossierEvenement.sens == "retour"))
        assert huissier == paid_events > 0
        addresses = s.scalar(select(func.count()).select_from(Renseignement).where(
            Renseignement.source == "huissier", Renseignement.kind == "adresse",
            Renseignement.id.in_([e.details["renseignement_id"] for e in s.scalars(select(DossierEvenement).where(
                DossierEvenement.kind == "nouvelle_adresse"))])))
        new_address_events = s.scalar(select(func.count()).select_from(DossierEvenement).where(
            DossierEvenement.kind == "nouvelle_adresse"))
        assert addresses == new_address_events
        rows = stats.statistiques(s, date(2026, 11, 23), "etude")
        by_dep = stats.statistiques(s, date(2026, 11, 23), "departement")
    assert sum(r.dossiers for r in rows) == len(dossiers) == sum(r.dossiers for r in by_dep)
    assert sum(r.confie_cents for r in rows) == sum(d.montant_cents for d in dossiers)
    assert sum(r.recouvre_cents for r in rows) == sum(r.recouvre_cents for r in by_dep) > 0
