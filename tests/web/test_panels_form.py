"""The panel form: it builds the same panel as the equivalent TOML, previews in words and euros, warns of
overlaps with published panels, imports and exports TOML; manual assignment and reassignment decisions."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from mrf.extensions import db
from mrf.models import Assignment, AuditLog, PanelMember, ReassignmentDecision, ReassignmentProposal
from mrf.services.panels import composition as service

from mrf_panels_world import AUXERRE
from mrf_panels_world import World as Builder

CODES = {"impots": "SIP-A", "amendes": "TA-A"}
TOML = """name = "auxerre-form"
configuration = 1
products = ["amendes", "impots"]
departements = ["89"]
communes = ["89024"]
min_total_cents = 12345
max_total_cents = 9000000
control_share = 0.4
seed = 17
reference_date = 2026-11-23

[min_per_product_cents]
amendes = 1000
"""
FORM = {"nom": "auxerre-form", "configuration": "1", "produits": ["amendes", "impots"], "departements": "89",
        "communes": "89024", "seuil_min": "123,45", "seuil_max": "90 000", "min_amendes": "10",
        "part_temoin": "40", "graine": "17", "date_reference": "2026-11-23"}


def _count(model, *where) -> int:  # noqa: ANN001
    with db.new_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _population(n: int = 24) -> list[int]:
    builder = Builder()
    return [builder.debtor(AUXERRE, impots=9_000 + 311 * i, amendes=2_000 + 97 * i, codes=CODES) for i in range(n)]


def test_form_builds_the_same_panel_as_the_toml(world, client_for, csrf) -> None:  # noqa: ARG001
    _population()
    from_toml = service.preview_panel(TOML)
    centrale = client_for("administration_centrale")
    saved = centrale.post("/panels/nouveau", data={**FORM, "action": "enregistrer", "csrf_token": csrf(centrale)})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    kept = service.show_panel("auxerre-form")
    assert service.parse_panel_criteria(kept["criteria_toml"]) == from_toml.criteria
    assert service.preview_panel(kept["criteria_toml"]).to_json() == from_toml.to_json()
    members = [(m.redevable_id, m.group.value, m.structure_code) for m in from_toml.members]
    assert [(m["redevable_id"], m["group"], m["structure"]) for m in kept["members"]] == members
    assert from_toml.balance.n_panel > 0 and from_toml.balance.n_control > 0
    # Export: the TOML downloaded reads back as the same criteria.
    download = centrale.get("/panels/auxerre-form/criteres.toml")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert service.parse_panel_criteria(download.get_data(as_text=True)) == from_toml.criteria


def test_preview_in_words_and_euros_and_overlap_warning(world, client_for, csrf) -> None:  # noqa: ARG001
    ids = _population(12)
    centrale = client_for("administration_centrale")
    body = centrale.post("/panels/nouveau", data={**FORM, "action": "apercu", "csrf_token": csrf(centrale)}
                         ).get_data(as_text=True)
    assert "Montant total dû — moyenne traités " in body and "écart standardisé" in body
    assert "\u00a0€ / témoins " in body  # means in euros
    assert "_cents" not in body.split("apercu-titre")[1] and "centimes" not in body
    assert "Chevauchement" not in body
    other = TOML.replace("auxerre-form", "deja-publie")
    service.save_panel(other)
    service.publish_panel("deja-publie")
    body = centrale.post("/panels/nouveau", data={**FORM, "action": "apercu", "csrf_token": csrf(centrale)}
                         ).get_data(as_text=True)
    assert "Chevauchement avec un panel publié" in body
    published = [m["redevable_id"] for m in service.show_panel("deja-publie")["members"]]
    assert len(published) >= 8 and set(published) & set(ids)
    assert f"{len(published)} dans « deja-publie » (comptes {', '.join(str(i) for i in sorted(published))})" in body


def test_toml_upload_fills_the_form(world, client_for, csrf) -> None:  # noqa: ARG001
    centrale = client_for("administration_centrale")
    text = TOML.replace("seed = 17\n", "seed = 17\nexclude_contested = false\n")
    response = centrale.post("/panels/nouveau", data={
        "action": "importer", "csrf_token": csrf(centrale),
        "fichier": (io.BytesIO(text.encode("utf-8")), "criteres.toml")}, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[-2000:]
    assert 'value="auxerre-form"' in body and 'value="123,45"' in body and 'value="40"' in body
    assert 'value="90000"' in body and "89024</textarea>" in body and 'value="10"' in body
    assert "exclude_contested = false" in body  # kept although the form does not show it


def test_manual_assignment_in_bulk_with_reason(world, client_for, csrf) -> None:
    builder = Builder()
    # Communes outside SIP-A's territory: placed on the manual list.
    ids = [builder.debtor("89387", impots=20_000 + i, amendes=5_000, codes=CODES) for i in range(6)]
    service.save_panel(TOML.replace('communes = ["89024"]\n', "").replace("control_share = 0.4", "control_share = 0.3")
                       .replace("auxerre-form", "manuel"))
    service.publish_panel("manuel")
    manual = [m["redevable_id"] for m in service.show_panel("manuel")["manual"]]
    assert manual and set(manual) <= set(ids)
    centrale = client_for("administration_centrale")
    page = centrale.get("/panels/manuel").get_data(as_text=True)
    assert "À affecter manuellement" in page and f'value="{manual[0]}"' in page
    refused = centrale.post("/panels/manuel/affectations", data={
        "redevables": manual, "structure": "SIP-A", "motif": "", "csrf_token": csrf(centrale)})
    assert refused.status_code == 302 and _count(Assignment, Assignment.redevable_id.in_(manual)) == 0
    done = centrale.post("/panels/manuel/affectations", data={
        "redevables": manual, "structure": "SIP-A", "motif": "adresse confirmée par le pôle",
        "csrf_token": csrf(centrale)})
    assert done.status_code == 302
    sip_a = Assignment.structure_id == world.structures["SIP-A"]
    assert _count(Assignment, Assignment.redevable_id.in_(manual), sip_a) == len(manual)
    assert _count(AuditLog, AuditLog.action == "panel_affectation") == len(manual)
    assert "Aucun redevable traité n'attend d'affectation" in centrale.get("/panels/manuel").get_data(as_text=True)


def test_reassignment_listed_and_decided_once(world, client_for, csrf) -> None:
    ids = _population(6)
    service.save_panel(TOML.replace("control_share = 0.4", "control_share = 0.2"))
    service.publish_panel("auxerre-form")
    treated = next(m["redevable_id"] for m in service.show_panel("auxerre-form")["members"]
                   if m["group"] == "panel" and m["structure"])
    assert ids
    with db.transaction() as s:
        panel_id = s.scalar(select(PanelMember.panel_id).where(PanelMember.redevable_id == treated))
        proposal = ReassignmentProposal(redevable_id=treated, panel_id=panel_id,
                                        from_structure_id=world.structures["SIP-A"],
                                        to_structure_id=world.structures["SIP-B"], reason="Déménagement à Sens")
        s.add(proposal)
        s.flush()
        pid = proposal.id
    centrale = client_for("administration_centrale")
    assert "Déménagement à Sens" in centrale.get("/panels/reaffectations").get_data(as_text=True)
    no_reason = centrale.post(f"/panels/reaffectations/{pid}", data={"decision": "accepter", "motif": "",
                                                                      "csrf_token": csrf(centrale)})
    assert no_reason.status_code == 302 and _count(ReassignmentDecision) == 0
    centrale.post(f"/panels/reaffectations/{pid}", data={"decision": "accepter", "motif": "bail signé",
                                                          "csrf_token": csrf(centrale)})
    assert _count(ReassignmentDecision) == 1
    sip_b = Assignment.structure_id == world.structures["SIP-B"]
    assert _count(Assignment, Assignment.redevable_id == treated, sip_b) == 1
    again = centrale.post(f"/panels/reaffectations/{pid}", data={"decision": "refuser", "motif": "erreur",
                                                                  "csrf_token": csrf(centrale)})
    assert "déjà été acceptée" in centrale.get(again.headers["Location"]).get_data(as_text=True)
    assert _count(ReassignmentDecision) == 1  # the first decision holds
    page = centrale.get("/panels/reaffectations").get_data(as_text=True)
    assert "acceptée" in page and "bail signé" in page and "centrale" in page
    assert json.loads(json.dumps(service.show_panel("auxerre-form")["members"]))  # still readable
