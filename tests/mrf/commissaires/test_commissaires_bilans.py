"""Bilans d'intervention (return flow), actualisation, deadlines and statistics, on every backend."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Creance, DossierEvenement, FichierEchange, Payment, Renseignement
from mrf.services.commissaires import actualisation, bilans, registre, saisine, stats
from mrf.services.errors import Refus
from mrf.services.poursuites.actes import propose_anv
from mrf.services.poursuites.paiements import record_payment

from cj_world import SIRET_B, bilan_text, retour
from mrf_poursuites_world import ON, count

SAISI = ON - timedelta(days=20)


def _dossier(world, **kw):  # noqa: ANN001, ANN202
    d = world.debtor(impots=0, **kw)
    result = saisine.saisir([d.id], "comminatoire", SAISI)
    assert len(result.dossiers) == 1
    return d, result.dossiers[0]


def _rar(cid: int) -> int:
    with db.new_session() as s:
        return s.get(Creance, cid).rar_cents


def test_bilan_round_trip_changes_the_account(world):
    d, x = _dossier(world)
    text = bilan_text([
        retour("r1", x.numero, "accuse_reception", SAISI + timedelta(days=1)),
        retour("r2", x.numero, "paiement", ON, montant=20_000, mode="cheque_tresor", encaisse=ON - timedelta(days=3),
               poste="SIP-AUXERRE"),
        retour("r3", x.numero, "nouvelle_adresse", ON, adresse=("12", "RUE DU TEMPLE", "89000", "AUXERRE")),
        retour("r4", x.numero, "insolvabilite", ON),
        retour("r5", x.numero, "prolongation_demandee", ON, jours="30"),
        retour("r6", "CJC-2026-INCONNU-000001", "disparition", ON),
    ], {"SIP-AUXERRE": 20_000})
    before = _rar(d.creances["amendes"]) + _rar(d.creances["local"])
    result = bilans.importer_bilan_texte(text, "bilan1.csv", today=ON)
    assert result.appliques == 5 and len(result.rejets) == 1 and "dossier inconnu" in result.rejets[0]
    assert _rar(d.creances["amendes"]) + _rar(d.creances["local"]) == before - 20_000
    with db.new_session() as s:
        pay = s.scalar(select(Payment))
        assert pay.payer == "huissier" and pay.acte_id == x.acte_id and pay.amount_cents == 20_000
        addr = s.scalar(select(Renseignement).where(Renseignement.kind == "adresse"))
        assert addr.source == "huissier" and addr.voie == "RUE DU TEMPLE" and addr.redevable_id == d.id
        v = registre.un_dossier(s, x.numero, ON)
    assert {"insolvabilite", "nouvelle_adresse", "paiement", "prolongation_demandee"} <= {e.kind for e in v.events}
    paid = next(e for e in v.events if e.kind == "paiement")
    assert paid.frais_cents == 2_510  # 12.55 % of 200 € (phase comminatoire fee)
    assert any("Prolongation de 30 jour(s)" in a.label for a in v.etat.alertes)
    # idempotent: the same file changes nothing, the same lines in another file neither
    again = bilans.importer_bilan_texte(text, "bilan1.csv", today=ON)
    assert again.deja_importe and count(Payment) == 1
    other = bilans.importer_bilan_texte(text.replace(";B1\n", ";B2\n"), "bilan2.csv", today=ON)
    assert other.appliques == 0 and other.deja_connus == 5 and count(Payment) == 1


def test_malformed_bilan_changes_nothing(world):
    d, x = _dossier(world)
    good = retour("r1", x.numero, "paiement", ON, montant=10_000, mode="especes", encaisse=ON, poste="SIP-AUXERRE")
    bad = retour("r2", x.numero, "evenement_inconnu", ON)
    with pytest.raises(Refus) as exc:
        bilans.importer_bilan_texte(bilan_text([good, bad], {"SIP-AUXERRE": 10_000}), "b.csv", today=ON)
    assert "ligne 4" in str(exc.value) and "événement inconnu" in str(exc.value)
    assert count(Payment) == 0 and count(DossierEvenement) == 0
    assert count(FichierEchange, FichierEchange.sens == "retour") == 0


def test_transfer_different_from_imputation_file_refuses_the_file(world):
    d, x = _dossier(world)
    line = retour("r1", x.numero, "paiement", ON, montant=10_000, mode="autre", encaisse=ON, poste="SIP-AUXERRE")
    with pytest.raises(Refus) as exc:
        bilans.importer_bilan_texte(bilan_text([line], {"SIP-AUXERRE": 9_000}), "b.csv", today=ON)
    assert "contrôle de cohérence" in str(exc.value)
    assert count(Payment) == 0


def test_a_line_of_another_etude_is_rejected_alone(world):
    d, x = _dossier(world)
    text = bilan_text([retour("r1", x.numero, "disparition", ON, siret=SIRET_B),
                       retour("r2", x.numero, "pli_non_distribuable", ON)])
    result = bilans.importer_bilan_texte(text, "b.csv", today=ON)
    assert result.appliques == 1 and "autre étude" in result.rejets[0]


def test_late_reversement_is_flagged(world):
    d, x = _dossier(world)
    line = retour("r1", x.numero, "paiement", ON, montant=5_000, mode="cheque_tresor",
                  encaisse=ON - timedelta(days=16), poste="SIP-AUXERRE")
    result = bilans.importer_bilan_texte(bilan_text([line], {"SIP-AUXERRE": 5_000}), "b.csv", today=ON)
    assert "reversement tardif" in result.alertes[0]
    with db.new_session() as s:
        v = registre.un_dossier(s, x.numero, ON)
    assert any("Reversement tardif" in a.label for a in v.etat.alertes)


def test_extension_granted_moves_the_deadline_and_is_sent(world):
    d, x = _dossier(world)
    bilans.importer_bilan_texte(bilan_text([retour("r1", x.numero, "prolongation_demandee", ON, jours="30")]),
                                "b.csv", today=ON)
    bilans.decider_prolongation(x.numero, True, ON)
    with db.new_session() as s:
        v = registre.un_dossier(s, x.numero, ON)
    assert v.etat.echeance == x.echeance + timedelta(days=30)
    sent = actualisation.actualiser(ON + timedelta(days=1))
    assert [e.kind for e in sent.evenements] == ["prolongation_accordee"]
    with pytest.raises(Refus):
        bilans.decider_prolongation(x.numero, True, ON)


def test_actualisation_sends_payment_to_comptable_with_fee_due_and_anv_next_day(world):
    d, x = _dossier(world)
    record_payment(d.id, 10_000, ON, "redevable", today=ON)
    first = actualisation.actualiser(ON)  # the payment of ON goes out the next day, not today
    assert not first.evenements
    result = actualisation.actualiser(ON + timedelta(days=1))
    assert [(e.kind, e.montant_cents, e.frais_cents) for e in result.evenements] == [("paiement", 10_000, 1_255)]
    assert result.fichiers and "A;" + x.numero + ";paiement;" + ON.isoformat() + ";10000" in result.fichiers[0].contenu
    again = actualisation.actualiser(ON + timedelta(days=1))
    assert not again.evenements  # each event goes out once
    propose_anv(d.id, "insolvabilite", ON + timedelta(days=1), justification="carence constatée par l'étude")
    from mrf.services.poursuites.actes import decide_anv

    decide_anv(d.id, "admise", decided_on=ON + timedelta(days=1))
    result = actualisation.actualiser(ON + timedelta(days=2))
    assert {e.kind for e in result.evenements} == {"anv"}
    with db.new_session() as s:
        assert registre.un_dossier(s, x.numero, ON + timedelta(days=2)).etat.etat == "clos"


def test_signal_stop_goes_out_and_closes_the_dossier(world):
    d, x = _dossier(world)
    actualisation.signaler(x.numero, "arret_demande", ON, motif="erreur de titre")
    result = actualisation.actualiser(ON + timedelta(days=1))
    assert [e.kind for e in result.evenements] == ["arret_demande"]
    with db.new_session() as s:
        assert registre.un_dossier(s, x.numero, ON).etat.etat == "clos"


def test_phase_over_without_full_payment_resumes_poursuites(world):
    d, x = _dossier(world)
    with db.new_session() as s:
        v = registre.un_dossier(s, x.numero, x.echeance + timedelta(days=1))
    assert v.etat.etat == "echu" and "reprendre les poursuites" in v.etat.alertes[-1].label
    # and the phase judiciaire may then be requested for its titres
    result = saisine.saisir([d.id], "judiciaire", x.echeance + timedelta(days=1))
    assert len(result.dossiers) == 1 and result.dossiers[0].phase == "judiciaire"
    assert result.dossiers[0].echeance == x.echeance + timedelta(days=51)


def test_follow_up_alerts_without_acknowledgement(world):
    d, x = _dossier(world)
    with db.new_session() as s:
        v = registre.un_dossier(s, x.numero, SAISI + timedelta(days=16))
    labels = [a.label for a in v.etat.alertes]
    assert any("Premier courrier" in label for label in labels)
    assert any("J+8" in label for label in labels) and any("J+15" in label for label in labels)


def test_stats_add_up_to_the_dossiers(world):
    _, x1 = _dossier(world)
    _, x2 = _dossier(world)
    text = bilan_text([
        retour("r1", x1.numero, "paiement", ON, montant=x1.montant_cents, mode="autre", encaisse=ON,
               poste="SIP-AUXERRE"),
        retour("r2", x2.numero, "pli_non_distribuable", ON),
    ], {"SIP-AUXERRE": x1.montant_cents})
    bilans.importer_bilan_texte(text, "b.csv", today=ON)
    with db.new_session() as s:
        rows = stats.statistiques(s, ON, "etude")
        by_creditor = stats.statistiques(s, ON, "creancier")
    assert len(rows) == 1 and rows[0].dossiers == 2
    assert rows[0].confie_cents == x1.montant_cents + x2.montant_cents
    assert rows[0].recouvre_cents == x1.montant_cents
    assert rows[0].taux_pli_non_distribuable == 0.5 and rows[0].pli_non_distribuable == 1
    assert sum(r.confie_cents for r in by_creditor) == rows[0].confie_cents
    assert sum(r.recouvre_cents for r in by_creditor) == rows[0].recouvre_cents


def test_contestation_and_cancellation_go_out_and_suspend_or_close(world):
    from datetime import datetime

    from mrf.models import CreanceEvent
    from mrf.services.poursuites.demandes import record_request

    d = world.debtor(impots=0, assigned=None)  # two comptables: two dossiers
    assert len(saisine.saisir([d.id], "comminatoire", SAISI).dossiers) == 2
    record_request(d.id, "contestation", [d.creances["amendes"]], {"motif": "pas l'auteur"}, received_on=ON)
    assert not actualisation.actualiser(ON).evenements  # not before the next day
    with db.transaction() as s:
        c = s.get(Creance, d.creances["local"])
        c.status = "annulee"
        at = datetime(2026, 11, 23, 10, tzinfo=UTC)
        s.add(CreanceEvent(creance_id=c.id, kind="annulation", at=at, rar_before_cents=c.rar_cents,
                           rar_after_cents=0, changes={"status": ["en_cours", "annulee"]}))
    result = actualisation.actualiser(ON + timedelta(days=1))
    sent = {(e.kind, e.dossier_id) for e in result.evenements}
    with db.new_session() as s:
        vues = {v.dossier.id: v for v in registre.charger(s, ON + timedelta(days=1))}
    assert len(sent) == 2 and {k for k, _ in sent} == {"contestation", "annulation"}
    assert {k: vues[did].etat.etat for k, did in sent} == {"contestation": "suspendu", "annulation": "clos"}


def test_insolvency_found_by_the_etude_feeds_the_anv_proposal(world):
    from mrf.models import AnvDecision
    from mrf.services.commissaires import anv

    d, x = _dossier(world)
    with pytest.raises(Refus):
        anv.proposer_anv(x.numero, ON)
    bilans.importer_bilan_texte(bilan_text([retour("r1", x.numero, "insolvabilite", ON)]), "b.csv", today=ON)
    proposal = anv.proposer_anv(x.numero, ON)
    assert proposal.total_cents == 37_500 + 48_000
    with db.new_session() as s:
        rows = list(s.scalars(select(AnvDecision)))
    assert {r.creance_id for r in rows} == {d.creances["amendes"], d.creances["local"]}
    assert all(r.status == "proposee" and r.ground == "insolvabilite" and "Étude d'Auxerre" in r.comment
               for r in rows)


def test_invoice_deadline_followed_until_paid(world):
    d, x = _dossier(world)
    bilans.importer_bilan_texte(bilan_text([retour("f1", x.numero, "facture", ON, montant=1_540)]), "f.csv", today=ON)
    with db.new_session() as s:
        alerts = [a for a in registre.un_dossier(s, x.numero, ON).etat.alertes if "Facture" in a.label]
    assert len(alerts) == 1 and alerts[0].due_on == ON + timedelta(days=30)
    paid = bilans.payer_facture(x.numero, ON + timedelta(days=31))
    assert paid.details["hors_delai"] is True
    with db.new_session() as s:
        assert not [a for a in registre.un_dossier(s, x.numero, ON).etat.alertes if "Facture" in a.label]
    with pytest.raises(Refus):
        bilans.payer_facture(x.numero, ON + timedelta(days=31))
