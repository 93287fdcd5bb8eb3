"""The administrators' page on the audit trail's hash chain: intact, or the first broken line named."""

from __future__ import annotations

import html
import re

from sqlalchemy import select, text

from mrf.extensions import db
from mrf.models import AuditLog
from mrf.services.admin import audit


def _visible(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_intact_then_the_first_changed_line_is_named(world, client_for) -> None:
    admin = client_for("administrateur")
    for n in range(4):
        audit.record(None, "consultation", "redevable", n)
    assert "/administration/audit/integrite" in admin.get("/administration/audit").get_data(as_text=True)
    page = admin.get("/administration/audit/integrite")
    assert page.status_code == 200
    body = _visible(page.get_data(as_text=True))
    with db.new_session() as s:
        lines = list(s.scalars(select(AuditLog).order_by(AuditLog.seq)))
    assert "Journal intègre" in body and f"{len(lines)} lignes vérifiées" in body

    target = lines[-2]  # changed behind the application, as someone with rights on the database would
    from mrf.audit import append_only

    with db.engine.begin() as conn:
        append_only.remove(conn)
        conn.execute(text("UPDATE audit_log SET object_id = 'autre' WHERE id = :i"), {"i": target.id})
    body = _visible(admin.get("/administration/audit/integrite").get_data(as_text=True))
    assert f"la chaîne est rompue à la ligne n° {target.id}" in body and "Journal intègre" not in body
    assert "contenu modifié" in body and f"{len(lines) - 2} lignes intègres avant elle" in body
    assert "Consultation d'un compte" in body


def test_only_administrators_see_it(world, client_for) -> None:
    for role in ("agent", "comptable", "administration_centrale", "evaluateur"):
        assert client_for(role).get("/administration/audit/integrite").status_code in (403, 404)
