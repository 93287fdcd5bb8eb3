"""Statistics per arrondissement (annex, IV): the commune → arrondissement table imported whole from a file
(the product's layout or the INSEE COG's), refused whole with line and reason, idempotent; the statistic
keyed on it, dossiers of unknown communes counted « non renseigné »; on every backend."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import ArrondissementCommune, AuditLog
from mrf.services.commissaires import arrondissements, saisine, stats
from mrf.services.commissaires.etudes import FichierRefuse

from mrf_poursuites_world import ON

SAISI = ON - timedelta(days=20)
MRF = "code_insee;arrondissement;libelle\n89024;891;Auxerre\n89387;893;Sens\n"
COG = ("TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"
       "COM,89024,27,89,89D,891,1,AUXERRE,Auxerre,Auxerre,8901,\n"
       "COMD,89999,27,89,89D,,0,DELEGUEE,Déléguée,Déléguée,,89024\n"
       "COM,89387,27,89,89D,893,0,SENS,Sens,Sens,8915,\n")
NOMS = "ARR,DEP,REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE\n891,89,27,89024,1,AUXERRE,Auxerre,Auxerre\n"


def rows() -> dict[str, tuple[str, str]]:
    with db.new_session() as s:
        return arrondissements.table(s)


def test_both_layouts_give_the_same_table_and_a_reimport_changes_nothing(app):
    assert arrondissements.parse(MRF) == {"89024": ("891", "Auxerre"), "89387": ("893", "Sens")}
    # the COG's commune file: only TYPECOM = COM rows; names from its arrondissement file when given
    assert arrondissements.parse(COG, NOMS) == {"89024": ("891", "Auxerre"), "89387": ("893", "Arrondissement 893")}
    first = arrondissements.importer_texte(MRF, source="arr.csv")
    assert (first.communes, first.arrondissements, first.inchange) == (2, 2, False)
    again = arrondissements.importer_texte(MRF, source="arr.csv")
    assert again.inchange and "inchangée" in again.summary()
    arrondissements.importer_texte("code_insee;arrondissement;libelle\n89024;891;Auxerre\n")
    assert rows() == {"89024": ("891", "Auxerre")}  # a new import replaces the whole table
    with db.new_session() as s:
        assert len(s.scalars(select(AuditLog).where(AuditLog.action == "import_arrondissements")).all()) == 2


def test_a_bad_file_is_refused_whole_with_line_and_reason(app):
    arrondissements.importer_texte(MRF)
    bad = MRF + "58194;891;Nevers\n89ABC;891;X\n06088;061;\n"
    with pytest.raises(FichierRefuse) as refused:
        arrondissements.importer_texte(bad)
    text = str(refused.value)
    assert "rien n'a été modifié" in text
    assert "ligne 4 : l'arrondissement 891 n'est pas dans le département de la commune 58194" in text
    assert "ligne 5 : code INSEE de commune invalide « 89ABC »" in text
    assert "ligne 6 : libellé de l'arrondissement absent" in text
    assert rows() == {"89024": ("891", "Auxerre"), "89387": ("893", "Sens")}
    with pytest.raises(FichierRefuse, match="en-tête"):
        arrondissements.importer_texte("commune;arr\n89024;891\n")


def test_statistics_per_arrondissement_add_up_to_the_dossiers(world):
    for _ in range(2):
        d = world.debtor(impots=0)
        assert len(saisine.saisir([d.id], "comminatoire", SAISI).dossiers) == 1
    with db.new_session() as s:
        before = stats.statistiques(s, ON, "arrondissement")
    assert [(r.cle, r.dossiers) for r in before] == [("", 2)] and "non renseigné" in before[0].libelle
    arrondissements.importer_texte(MRF)
    with db.new_session() as s:
        after = stats.statistiques(s, ON, "arrondissement")
        by_etude = stats.statistiques(s, ON, "etude")
    assert [(r.cle, r.libelle, r.dossiers) for r in after] == [("891", "Auxerre (891)", 2)]
    assert sum(r.confie_cents for r in after) == sum(r.confie_cents for r in by_etude)


def test_cli_import_refusal_exits_2_and_stats_json(world, cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(MRF + "58194;891;Nevers\n", encoding="utf-8")
    result = cli.invoke(args=["cj", "arrondissements", "import", str(bad)])
    assert result.exit_code == 2 and "ligne 4" in result.stderr
    with db.new_session() as s:
        assert s.scalar(select(ArrondissementCommune)) is None
    good, noms = tmp_path / "v_commune_2026.csv", tmp_path / "v_arrondissement_2026.csv"
    good.write_text(COG, encoding="utf-8")
    noms.write_text(NOMS, encoding="utf-8")
    result = cli.invoke(args=["cj", "arrondissements", "import", str(good), "--noms", str(noms)])
    assert result.exit_code == 0, result.output
    assert "2 commune(s) dans 2 arrondissement(s)" in result.stderr
    d = world.debtor(impots=0)
    saisine.saisir([d.id], "comminatoire", SAISI)
    result = cli.invoke(args=["cj", "stats", "--critere", "arrondissement", "--json",
                              "--date", ON.strftime("%d/%m/%Y")])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["arrondissement"] == "891" and row["dossiers"] == 1 and row["libelle"] == "Auxerre (891)"
