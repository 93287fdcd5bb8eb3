"""Issue 17 for the saisine: on a témoin, an office refers to a commissaire de justice only the créances it is
the original comptable of — by default its own, refused (audited) when it names another office's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Agent, AuditLog, DossierCommissaire, DossierLigne
from mrf.services.commissaires import saisine
from mrf.services.poursuites.perimetre import RefusTraitement

from mrf_poursuites_world import ON
from mrf_scope_world import publish

SAISI = ON - timedelta(days=20)


def test_an_office_refers_its_own_creances_of_a_temoin_only(world):
    d = world.debtor(impots=0)  # an amende (TA-89) and a water bill (SPL-AUXERRE)
    publish(world, "mrf-c1-cj", 1, [(d, "control", None)])
    with db.transaction() as s:
        a = Agent(login="agent.ta", password_hash="x", role="agent", structure_id=world.structure_ids["TA-89"])
        s.add(a)
        s.flush()
        ta = a.id
    with pytest.raises(RefusTraitement, match="groupe témoin"):
        saisine.saisir([d.id], "comminatoire", SAISI, ta, creance_ids=[d.creances["local"]])
    (dossier,) = saisine.saisir([d.id], "comminatoire", SAISI, ta).dossiers
    with db.new_session() as s:
        lines = s.scalars(select(DossierLigne.creance_id).where(DossierLigne.dossier_id == dossier.id)).all()
        assert lines == [d.creances["amendes"]]
        assert len(s.scalars(select(DossierCommissaire)).all()) == 1
        (row,) = s.scalars(select(AuditLog).where(AuditLog.action == "refus_traitement")).all()
    assert row.details["action"] == "saisine_comminatoire"
