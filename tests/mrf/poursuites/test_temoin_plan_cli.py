"""Issue 17, seeing, on the command line: ``mrf --as LOGIN plan ID`` on a témoin shows the acting office's
créances and steps only (business as usual); the JSON interface and other viewers keep the whole account."""

from __future__ import annotations

import json

from mrf.audit import actor
from mrf.cli import main
from mrf.extensions import db
from mrf.models import Agent

from mrf_poursuites_world import ON
from mrf_scope_world import publish

DATE = ON.strftime("%d/%m/%Y")


def _plan(cli, rid: int, login: str | None, *extra: str):  # noqa: ANN001, ANN202
    args = (["--as", login] if login else []) + ["plan", str(rid), "--date", DATE, *extra]
    try:
        result = cli.invoke(main, args)
    finally:
        actor.request_login(None)  # the process-wide --as must not outlive the call
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_office_sees_the_plan_of_its_own_creances_of_a_temoin(world, cli):
    d = world.debtor(assigned=None)
    publish(world, "mrf-c1-vue", 1, [(d, "control", None)])
    with db.transaction() as s:
        s.add(Agent(login="agent.ta", password_hash="x", role="agent", structure_id=world.structure_ids["TA-89"]))
        s.add(Agent(login="centrale.cli", password_hash="x", role="administration_centrale"))
    whole = json.loads(_plan(cli, d.id, None, "--json"))
    origins = {c["comptable_origine"] for c in whole["creances"]}
    assert {"TA-89", "SIP-AUXERRE"} <= origins  # créances of several offices
    amendes = {c["reference"] for c in whole["creances"] if c["comptable_origine"] == "TA-89"}
    others = {c["reference"] for c in whole["creances"]} - amendes

    text = _plan(cli, d.id, "agent.ta")
    assert "Témoin : seules les créances de votre poste" in text
    assert all(ref in text for ref in amendes) and not any(ref in text for ref in others)
    assert "comptable SIP-AUXERRE" not in text and "comptable TA-89" in text

    as_json = json.loads(_plan(cli, d.id, "agent.ta", "--json"))  # the JSON interface is unchanged
    assert {c["reference"] for c in as_json["creances"]} == amendes | others and as_json["group"] == "control"

    central = _plan(cli, d.id, "centrale.cli")
    assert "Témoin : seules" not in central and all(ref in central for ref in amendes | others)
