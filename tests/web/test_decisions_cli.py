"""CLI parity of the decisions (issue 20): ``mrf request decide``, ``mrf anv propose|decide|list``,
``mrf act issue``, ``mrf satd release --partial``; refusals exit 2 with a French message."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mrf.extensions import db
from mrf.models import Document, RequestDecision
from mrf.services.poursuites import demandes


@pytest.fixture
def run(app, world, monkeypatch):  # noqa: ANN001, ANN201
    runner = app.test_cli_runner()

    def invoke(login: str, *args: str):  # noqa: ANN202
        monkeypatch.setenv("MRF_AS", login)
        with app.app_context():
            return runner.invoke(args=list(args))

    return invoke


def test_request_decide_as_comptable_only(run, app, world) -> None:
    with app.app_context():
        req = demandes.record_request(world.mine, "contestation", [world.creances["ir"]], {}, received_on=date.today())
    refused = run("agent.a", "request", "decide", str(req.id), "--decision", "refusee", "--reason", "Infondée")
    assert refused.exit_code == 2 and "Seul le comptable" in refused.stderr
    ok = run("comptable.a", "request", "decide", str(req.id), "--decision", "refusee", "--reason", "Infondée")
    assert ok.exit_code == 0, ok.stderr
    assert "Rejetée — courrier n° DEC-" in ok.stdout
    with app.app_context(), db.new_session() as s:
        assert s.scalar(select(RequestDecision.status)) == "refusee"


def test_anv_propose_decide_list(run, world, tmp_path) -> None:
    proposed = run("agent.a", "anv", "propose", str(world.mine), "--motif", "insolvabilite",
                   "--insolvabilite", "PV de carence", "--recherches", "FICOBA néant")
    assert proposed.exit_code == 0, proposed.stderr
    pid = proposed.stdout.split("n° ")[1].split(" ")[0]
    own = run("agent.a", "anv", "decide", pid, "--accept", "--by", "agent.a", "--reason", "Je valide")
    assert own.exit_code == 2 and "Seul le comptable" in own.stderr
    ok = run("agent.a", "anv", "decide", pid, "--accept", "--by", "comptable.a", "--reason", "Insolvabilité avérée")
    assert ok.exit_code == 0 and "admise" in ok.stdout, ok.stderr
    listed = run("comptable.a", "anv", "list", "--creditor", "ETAT", "--format", "csv")
    assert listed.exit_code == 0 and "IR-2024-0001" in listed.stdout and listed.stdout.startswith("creancier_code;")
    assert "le comptable public" in listed.stdout and ";comptable;" not in listed.stdout  # who decides, in words
    pdf = tmp_path / "anv.pdf"
    out = run("comptable.a", "anv", "list", "--format", "pdf", "--out", str(pdf))
    assert out.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_act_issue_and_partial_release(run, app, world) -> None:
    preview = run("agent.a", "act", "issue", str(world.assigned), "--kind", "mise_en_demeure", "--preview")
    assert preview.exit_code == 0 and "IR-2024-0777" in preview.stdout and "300,00" in preview.stdout
    issued = run("agent.a", "act", "issue", str(world.assigned), "--kind", "mise_en_demeure")
    assert issued.exit_code == 0 and "courrier n° MED-" in issued.stdout, issued.stderr
    bad = run("agent.a", "satd", "release", str(world.acte), "--partial", "5000", "--motif", "trop")
    assert bad.exit_code == 2 and "inférieure" in bad.stderr
    part = run("agent.a", "satd", "release", str(world.acte), "--partial", "335", "--motif", "Paiement partiel")
    assert part.exit_code == 0 and "Mainlevée partielle de 335,00" in part.stdout, part.stderr
    with app.app_context(), db.new_session() as s:
        assert s.scalar(select(Document).where(Document.kind == "mainlevee")) is not None
