"""``mrf plan``, ``mrf satd issue|batch``, ``mrf payment record`` on every backend."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from mrf.services.poursuites import actes as service

from mrf_poursuites_world import ON, pdf_text

DATE = ON.strftime("%d/%m/%Y")


def test_plan_json_has_steps_creances_amounts_reasons_and_prescription(world, cli):
    d = world.debtor(employer=True)
    result = cli.invoke(args=["plan", str(d.id), "--json", "--date", DATE])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"redevable_id", "date", "total_rar_cents", "planned_cents", "nearest_prescription", "steps",
            "creances", "comptable"} <= set(data)
    assert data["redevable_id"] == d.id and data["total_rar_cents"] == 205_500
    assert data["nearest_prescription"] == {"date": "2028-03-01", "creance_id": d.creances["amendes"],
                                            "reference": "AFM-000001"}
    step = data["steps"][0]
    assert {"action", "label", "creance_ids", "total_cents", "products", "tiers", "joint"} <= set(step)
    assert step["action"] == "satd_banque" and sorted(step["creance_ids"]) == sorted(d.creances.values())
    assert step["tiers"][0]["renseignement_id"] == d.tiers["banque"]
    for c in data["creances"]:
        assert {"id", "reference", "product", "rar_cents", "eligible", "code", "reason", "prescription"} <= set(c)
        assert c["reason"].startswith("Éligible")

    text = cli.invoke(args=["plan", str(d.id), "--date", DATE])
    assert text.exit_code == 0 and "Plan d'action coordonné" in text.stdout and "conjointe" in text.stdout


def test_satd_issue_prints_only_paths_that_exist(world, cli, tmp_path):
    d = world.debtor(employer=True)
    out = tmp_path / "pdf"
    result = cli.invoke(args=["satd", "issue", str(d.id), "--out", str(out), "--date", DATE])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # the bank SATD covers every créance: no second full-amount SATD to the employer (over-seizure, issue 19);
    # notice to the tiers + notification to the debtor
    assert len(lines) == 2 and "000001" in lines[0]
    for line in lines:
        path = Path(line)
        assert path.is_file() and path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
    assert "L262" in pdf_text(Path(lines[1]).read_bytes())
    # again: nothing left to issue; the refusal goes to stderr, stdout stays empty
    again = cli.invoke(args=["satd", "issue", str(d.id), "--out", str(out), "--date", DATE,
                             "--tiers", str(d.tiers["banque"])])
    assert again.exit_code == 2 and again.stdout == ""
    assert "Une SATD est déjà en cours pour cette créance auprès de ce tiers" in again.stderr


def test_satd_issue_for_every_tiers_exits_2_on_a_refusal_with_the_reason_on_stderr(world, cli, tmp_path,
                                                                                     monkeypatch):
    from mrf.services.comptes.consolide import PoursuitesError

    d = world.debtor(employer=True)
    real = service.issue_satd

    def refuse_the_bank(redevable_id, tiers_id, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if tiers_id == d.tiers["banque"]:
            raise PoursuitesError("Refus simulé : barème à confirmer (poursuites/data/bareme_saisie.toml)")
        return real(redevable_id, tiers_id, *args, **kwargs)

    monkeypatch.setattr(service, "issue_satd", refuse_the_bank)
    result = cli.invoke(args=["satd", "issue", str(d.id), "--out", str(tmp_path), "--date", DATE])
    assert result.exit_code == 2, result.output
    assert f"Compte {d.id}, tiers {d.tiers['banque']} : Refus simulé" in result.stderr
    assert all(Path(line).is_file() for line in result.stdout.splitlines())  # stdout: only paths written


def test_satd_batch_issues_the_work_list_and_continues_past_an_error(world, cli, tmp_path, monkeypatch):
    a = world.debtor()
    world.debtor()  # b: issued
    c = world.debtor(bank=False)
    real = service.issue_satd

    def flaky(redevable_id, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if redevable_id == a.id:
            raise RuntimeError("panne simulée")
        return real(redevable_id, *args, **kwargs)

    monkeypatch.setattr(service, "issue_satd", flaky)
    result = cli.invoke(args=["satd", "batch", "--structure", "SIP-AUXERRE", "--out", str(tmp_path), "--date", DATE])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(Path(x).is_file() for x in lines)  # b only (c has no tiers)
    assert f"Compte {a.id}" in result.stderr and "panne simulée" in result.stderr
    assert "3 compte(s) examiné(s), 1 avec SATD, 2 document(s) écrit(s), 1 erreur(s)" in result.stderr
    assert c.id  # examined, nothing to issue


def test_payment_record_and_bad_input_exit_2_in_french(world, cli, tmp_path):
    d = world.debtor()
    ok = cli.invoke(args=["payment", "record", str(d.id), "--amount", "100,50", "--date", DATE])
    assert ok.exit_code == 0, ok.output
    assert "Paiement n°" in ok.stdout and "100,50" in ok.stdout
    for args, message in (
        (["plan", "999999"], "Compte consolidé inconnu"),
        (["plan", "abc"], "Identifiant de compte invalide"),
        (["payment", "record", str(d.id), "--amount", "douze", "--date", DATE], "Montant invalide"),
        (["payment", "record", str(d.id), "--amount", "-5", "--date", DATE], "Montant invalide"),
        (["payment", "record", str(d.id), "--amount", "5", "--date", "32/13/2026"], "Date invalide"),
        (["satd", "issue", "999999", "--out", str(tmp_path)], "Compte consolidé inconnu"),
        (["satd", "batch", "--structure", "NOPE", "--out", str(tmp_path)], "Structure inconnue"),
    ):
        result = cli.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr and result.stdout == ""


def test_renseignement_add_rejects_a_bad_iban(world, cli):
    d = world.debtor(bank=False)
    bad = cli.invoke(args=["renseignement", "add", str(d.id), "--kind", "banque", "--name", "Banque",
                           "--iban", "FR7630006000011234567890188"])
    assert bad.exit_code == 2 and "IBAN invalide" in bad.stderr
    good = cli.invoke(args=["renseignement", "add", str(d.id), "--kind", "banque", "--name", "Banque",
                            "--iban", "FR76 3000 6000 0112 3456 7890 189"])
    assert good.exit_code == 0, good.output


def test_satd_batch_covers_only_the_structure_s_creances_of_unassigned_accounts(world, cli, tmp_path):
    world.debtor(assigned=None)
    result = cli.invoke(args=["satd", "batch", "--structure", "TA-89", "--out", str(tmp_path), "--date", DATE])
    assert result.exit_code == 0, result.output
    names = sorted(Path(x).name for x in result.stdout.splitlines())
    assert names == ["SATD-2026-TA-89-000001.pdf", "SATD-2026-TA-89-000002.pdf"]


def test_satd_batch_follows_a_twice_merged_account_to_its_root(world, cli, tmp_path):
    from mrf.extensions import db
    from mrf.models import Redevable

    root = world.debtor()
    merged = world.debtor(assigned=None, bank=False)  # its créances belong to root's family once merged
    with db.transaction() as s:
        middle = Redevable(nom="DUPONT", prenoms="MARIE", merged_into_id=root.id)
        s.add(middle)
        s.flush()
        s.get(Redevable, merged.id).merged_into_id = middle.id  # merged → middle → root
    result = cli.invoke(args=["satd", "batch", "--structure", "SIP-AUXERRE", "--out", str(tmp_path), "--date", DATE])
    assert result.exit_code == 0, result.output
    # One account (the root), examined once: no second attempt on an intermediate id, hence no error.
    assert "1 compte(s) examiné(s), 1 avec SATD, 2 document(s) écrit(s), 0 erreur(s)" in result.stderr
    plan = json.loads(cli.invoke(args=["plan", str(merged.id), "--json", "--date", DATE]).stdout)
    assert plan["redevable_id"] == root.id
    assert set(merged.creances.values()) <= {c["id"] for c in plan["creances"]}


def test_satd_release_annulation_ends_the_satd_once(world, cli):
    d = world.debtor()
    [doc, _] = service.issue_satd(d.id, d.tiers["banque"], None, date(2026, 11, 2))
    done = cli.invoke(args=["satd", "release", str(doc.acte_id), "--annulation", "--motif", "tiers inexistant",
                            "--date", DATE])
    assert done.exit_code == 0, done.output
    assert "Annulation enregistrée" in done.output and f"SATD n° {doc.acte_id}" in done.output
    again = cli.invoke(args=["satd", "release", str(doc.acte_id), "--annulation", "--date", DATE])
    assert again.exit_code == 2 and "déjà levée ou annulée" in again.stderr
