"""One label table per vocabulary: every stored code has its French label, and the pages' ``libelle`` filter
reads them (the demo-wide check of visible text is tests/web/test_raw_codes.py)."""

from __future__ import annotations

import re
from pathlib import Path

import mrf
from mrf.services.admin.audit import ACTION_LABELS
from mrf.services.admin.audit_lisible import OBJECT_LABELS
from mrf.services.comptes import vocabulaire as comptes
from mrf.services.poursuites.renseignements import SOURCES
from mrf.services.poursuites.vocabulaire import SOURCE_RENSEIGNEMENT_LABELS
from mrf.web.helpers import VOCABULAIRES, libelle
from panels.lifecycle import PanelState


def test_every_code_of_each_vocabulary_has_a_label() -> None:
    assert set(comptes.METHODE_RATTACHEMENT_LABELS) == {m.value for m in comptes.MethodeRattachement}
    assert set(comptes.STATUT_CREANCE_LABELS) == {s.value for s in comptes.StatutCreance}
    assert set(comptes.SOURCE_LABELS) == {s.value for s in comptes.Source}
    assert set(comptes.PRODUIT_LABELS) == set(comptes.PRODUITS)
    assert set(SOURCE_RENSEIGNEMENT_LABELS) == set(SOURCES)
    assert set(VOCABULAIRES["etat_panel"]) == {s.value for s in PanelState}
    for table in VOCABULAIRES.values():
        assert all(label and "_" not in label for label in table.values())


def test_the_filter_reads_the_tables() -> None:
    assert libelle("publie", "etat_panel") == "publié"
    assert libelle(PanelState.PUBLISHED, "etat_panel") == "publié"
    assert libelle("impots", "produit") == "Impôts"
    assert libelle("batch", "rattachement") == "rapprochement d'ensemble"
    assert libelle("huissier", "source_renseignement") == "Commissaire de justice"
    assert libelle(None, "produit") == "—"


# audit.add(session, who, "action", "object_type", …), audit.record(who, "action", "object_type", …),
# AuditLog(…action="…", object_type="…")
_WRITES = (re.compile(r'audit\.add\(\s*\w+,\s*[\w.()\[\]"]+,\s*"([a-z_]+)",\s*"([a-z_]+)"'),
           re.compile(r'audit\.record\(\s*[\w.()\[\]"]+,\s*"([a-z_]+)",\s*"([a-z_]+)"'),
           re.compile(r'AuditLog\([^)]*?action="([a-z_]+)",\s*object_type="([a-z_]+)"', re.S))


def test_every_audit_action_and_object_written_by_the_code_has_a_label() -> None:
    actions, objects = set(), set()
    for path in Path(mrf.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in _WRITES:
            for action, object_type in pattern.findall(text):
                actions.add(action)
                objects.add(object_type)
    assert len(actions) > 20  # the scan does find the writes
    assert sorted(actions - set(ACTION_LABELS)) == [] and sorted(objects - set(OBJECT_LABELS)) == []


def test_audit_details_show_labels_not_codes() -> None:
    from mrf.services.admin.audit_lisible import details_lisibles

    shown = dict(details_lisibles({"role": "administration_centrale", "products": ["impots", "secteur_local"],
                                   "motif": "mot_de_passe_errone", "amount_cents": 9_999_900}))
    assert shown == {"Rôle": "Administration centrale", "Produits": "Impôts, Secteur local",
                     "Motif": "mot de passe erroné", "Montant": "99\u202f999,00\u00a0€"}
    assert dict(details_lisibles({"motif": "Solde réglé"})) == {"Motif": "Solde réglé"}  # free text kept


def test_document_kinds_and_anv_deciders_have_labels() -> None:
    from mrf.services.poursuites import anv
    from mrf.services.poursuites.courriers import SERIES
    from mrf.services.poursuites.vocabulaire import DECIDEUR_ANV_LABELS, DOCUMENT_LABELS

    assert set(SERIES) | {"satd_tiers", "satd_redevable", "remboursement"} <= set(DOCUMENT_LABELS)
    assert {*anv._DECIDERS.values(), "executif_delegation"} <= set(DECIDEUR_ANV_LABELS)
    assert libelle("satd_tiers", "document") == "SATD — avis au tiers détenteur"
    assert "Cour des comptes" in libelle("comptable_cour_des_comptes", "decideur_anv")  # from anv.toml
