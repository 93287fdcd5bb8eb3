"""CLI parity: ``mrf etudes import``, ``mrf cj saisine|actualisation|bilan import|stats|dossiers``."""

from __future__ import annotations

import json
from datetime import timedelta

from mrf.models import DossierCommissaire, Etude, Payment

from cj_world import bilan_text, etudes_text, retour
from mrf_poursuites_world import ON, count


def _run(cli, *args: str):  # noqa: ANN001, ANN202
    return cli.invoke(args=list(args))


def test_etudes_import_and_refusal_exit_2(world, cli, tmp_path):
    good = tmp_path / "etudes.csv"
    good.write_text(etudes_text(), encoding="utf-8")
    result = _run(cli, "etudes", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "2 étude(s)" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(etudes_text([["X", "", "1", "", "", "", "", "", "", ""]]), encoding="utf-8")
    result = _run(cli, "cj", "etudes", "import", str(bad))
    assert result.exit_code == 2 and "refusé" in result.stderr and count(Etude) == 2


def test_saisine_actualisation_bilan_and_stats(world, cli, tmp_path):
    d = world.debtor(impots=0, assigned=None)
    out = tmp_path / "out"
    on = (ON - timedelta(days=10)).strftime("%d/%m/%Y")
    result = _run(cli, "cj", "saisine", "--structure", "TA-89", "--date", on, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    printed = result.stdout.split()
    assert any(p.endswith("MRF-CJ-ALLER-CS-NORD-20261113.csv") for p in printed)
    assert any(p.endswith(".pdf") for p in printed) and all((out / p.split("/")[-1]).exists() for p in printed)
    assert count(DossierCommissaire) == 1
    numero = next(iter(_dossiers(cli)))["numero"]
    result = _run(cli, "commissaires", "actualisation", "--date", ON.strftime("%d/%m/%Y"), "--out", str(out))
    assert result.exit_code == 0
    bilan = tmp_path / "bilan.csv"
    bilan.write_text(bilan_text([retour("r1", numero, "paiement", ON, montant=37_500, mode="autre", encaisse=ON,
                                        poste="TA-89")], {"TA-89": 37_500}), encoding="utf-8")
    result = _run(cli, "cj", "bilan", "import", str(bilan), "--date", ON.strftime("%d/%m/%Y"))
    assert result.exit_code == 0, result.stderr
    assert count(Payment) == 1
    broken = tmp_path / "broken.csv"
    broken.write_text(bilan_text([retour("r2", numero, "paiement", ON, montant="abc", mode="autre", encaisse=ON,
                                         poste="TA-89")]), encoding="utf-8")
    result = _run(cli, "commissaires", "bilans", "import", str(broken), "--date", ON.strftime("%d/%m/%Y"))
    assert result.exit_code == 2 and "montant invalide" in result.stderr and count(Payment) == 1
    result = _run(cli, "cj", "stats", "--json", "--date", ON.strftime("%d/%m/%Y"))
    rows = json.loads(result.stdout)
    assert rows == [{**rows[0], "etude": "CJ-AUX", "dossiers": 1, "recouvre_cents": 37_500,
                     "taux_recouvrement": 1.0}]
    rates = {"taux_pli_non_distribuable", "taux_insolvabilite", "taux_disparition", "taux_nouvelle_adresse"}
    assert rates <= set(rows[0])
    assert d.creances["amendes"]


def _dossiers(cli):  # noqa: ANN001, ANN202
    return json.loads(_run(cli, "cj", "dossiers", "--json", "--date", ON.strftime("%d/%m/%Y")).stdout)
