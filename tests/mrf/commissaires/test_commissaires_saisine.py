"""Études register and saisine (flux « Demande du comptable »), on every database backend."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import (
    Acte,
    DemandeCommissaire,
    DossierCommissaire,
    Etude,
    EtudeTerritoire,
    FichierEchange,
    SourceRecord,
)
from mrf.services.commissaires import saisine
from mrf.services.commissaires.etudes import FichierRefuse, import_etudes_text

from cj_world import SIRET_A, etudes_text
from mrf_poursuites_world import ON, count, pdf_text


def test_import_registers_etudes_and_territory(world):
    with db.new_session() as s:
        etudes = {e.code: e for e in s.scalars(select(Etude))}
        assert set(etudes) == {"CJ-AUX", "CJ-SENS"}
        assert etudes["CJ-AUX"].siret == SIRET_A and etudes["CJ-AUX"].centre_serveur == "CS-NORD"
        cps = set(s.scalars(select(EtudeTerritoire.code_postal).where(EtudeTerritoire.etude_id == etudes["CJ-AUX"].id)))
        assert cps == {"89000", "89290"}


def test_bad_csv_is_refused_whole_with_reasons(world):
    bad = etudes_text([
        ["CJ-BAD", "Étude fautive", "12345678901234", "1 rue", "89000", "AUXERRE", "CS-NORD", "89", "89000", ""],
        ["CJ-NICE", "Étude de Nice", "40483304800022", "1 rue", "06000", "NICE", "CS-SUD", "89", "06000", ""],
    ])
    before = count(EtudeTerritoire)
    with pytest.raises(FichierRefuse) as exc:
        import_etudes_text(bad)
    text = str(exc.value)
    assert "ligne 4" in text and "SIRET invalide" in text and "déjà couvert par l'étude CJ-AUX" in text
    assert "ligne 5" in text and "hors du département 89" in text
    assert count(EtudeTerritoire) == before and count(Etude, Etude.code == "CJ-NICE") == 0


def test_saisine_builds_dossier_for_covered_products_and_dispatches_by_postcode(world):
    d = world.debtor(assigned=None)
    result = saisine.saisir([d.id], "comminatoire", ON)
    # impôts are not covered; the amende and the local titre have two comptables: two dossiers
    assert len(result.dossiers) == 2 and not result.rejets
    with db.new_session() as s:
        dossiers = list(s.scalars(select(DossierCommissaire)))
        etude = s.scalar(select(Etude).where(Etude.code == "CJ-AUX"))
        assert {x.etude_id for x in dossiers} == {etude.id}
        creances = {line.creance_id for x in dossiers for line in x.lignes}
        assert creances == {d.creances["amendes"], d.creances["local"]}
        assert all(x.code_postal == "89000" and x.code_postal_recu is None for x in dossiers)
        assert all(x.echeance == date(2027, 2, 6) for x in dossiers)  # 75 days
        actes = list(s.scalars(select(Acte).where(Acte.kind == "phase_comminatoire")))
        assert len(actes) == 2
    assert len(result.demandes) == 2
    text = pdf_text(result.demandes[0].pdf)
    assert "Demande de phase comminatoire" in text and "Étude d'Auxerre" in text
    assert len(result.fichiers) == 1
    content = result.fichiers[0].contenu
    assert result.fichiers[0].nom == "MRF-CJ-ALLER-CS-NORD-20261123.csv"
    lines = content.splitlines()
    assert lines[0].startswith("E;MRF-CJ-ALLER;1;CS-NORD;2026-11-23")
    assert sum(1 for x in lines if x.startswith("D;")) == 2 and sum(1 for x in lines if x.startswith("T;")) == 2
    titre = next(x for x in lines if x.startswith("T;") and "COM-89024" in x).split(";")
    assert titre[3].startswith("2025-COM-") and titre[4] == "2025-05-10"  # number and date of the titre


def test_account_assigned_to_one_structure_gives_one_dossier_from_it(world):
    d = world.debtor()  # assigned to the SIP d'Auxerre (MRF configuration 1)
    result = saisine.saisir([d.id], "comminatoire", ON)
    assert len(result.dossiers) == 1 and len(result.dossiers[0].lignes) == 2
    with db.new_session() as s:
        from mrf.models import Structure

        assert s.get(Structure, result.dossiers[0].structure_id).code == "SIP-AUXERRE"


def test_second_saisine_refuses_creances_already_referred(world):
    d = world.debtor()
    saisine.saisir([d.id], "comminatoire", ON)
    again = saisine.saisir([d.id], "comminatoire", ON)
    assert not again.dossiers and len(again.rejets) == 2 and "déjà confiée" in again.rejets[0]
    assert count(DossierCommissaire) == 1


def test_broken_postal_code_is_restored_from_the_commune(world):
    d = world.debtor(impots=0)
    with db.transaction() as s:
        for rec in s.scalars(select(SourceRecord).where(SourceRecord.nom == f"DUPONT{1}")):
            rec.code_postal = "8900X"
            rec.code_insee = None
    with db.transaction() as s:
        from mrf.models import Redevable

        s.get(Redevable, d.id).code_insee = None
    result = saisine.saisir([d.id], "comminatoire", ON)
    assert len(result.dossiers) == 1 and result.restaures == 1
    with db.new_session() as s:
        x = s.scalars(select(DossierCommissaire)).first()
        assert x.code_postal in ("89000", "89290") and x.code_postal_recu == "8900X"
        assert s.get(Etude, x.etude_id).code == "CJ-AUX"


def test_unknown_commune_and_broken_postcode_is_rejected_with_reason(world):
    d = world.debtor(impots=0)
    with db.transaction() as s:
        for rec in s.scalars(select(SourceRecord)):
            rec.code_postal, rec.commune, rec.code_insee = "", "VILLE IMAGINAIRE", None
        from mrf.models import Redevable

        s.get(Redevable, d.id).code_insee = None
    result = saisine.saisir([d.id], "comminatoire", ON)
    assert not result.dossiers and "introuvable" in result.rejets[0]
    assert count(DossierCommissaire) == 0 and count(FichierEchange) == 0


def test_batch_over_the_structure_work_list_keeps_its_own_creances(world):
    a, b = world.debtor(assigned=None), world.debtor(assigned=None)
    result = saisine.saisir_lot("TA-89", "comminatoire", ON)
    with db.new_session() as s:
        ids = {line.creance_id for x in s.scalars(select(DossierCommissaire)) for line in x.lignes}
    assert ids == {a.creances["amendes"], b.creances["amendes"]}
    assert len(result.demandes) == 1 and count(DemandeCommissaire) == 1
