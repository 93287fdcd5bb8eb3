"""``mrf situation add|list`` and the refusals a situation brings to ``mrf plan`` / ``mrf satd issue``."""

from __future__ import annotations

import json

from mrf.models import Acte, Situation

from mrf_poursuites_world import ON, count

DATE = ON.strftime("%d/%m/%Y")


def test_situation_add_then_every_forbidden_act_is_refused_with_exit_2(world, cli, tmp_path):
    d = world.debtor(employer=True)
    plan = json.loads(cli.invoke(args=["plan", str(d.id), "--json", "--date", DATE]).stdout)
    assert {s["tiers_kind"] for s in plan["steps"]} == {"banque", "employeur"}

    added = cli.invoke(args=["situation", "add", str(d.id), "--kind", "surendettement", "--date", "01/10/2026",
                             "--reference", "BDF-89-0042"])
    assert added.exit_code == 0, added.output
    assert "Situation n°" in added.stdout and "surendettement" in added.stdout
    listed = cli.invoke(args=["situation", "list", str(d.id)])
    assert "BDF-89-0042" in listed.stdout and "01/10/2026" in listed.stdout

    plan = json.loads(cli.invoke(args=["plan", str(d.id), "--json", "--date", DATE]).stdout)
    assert all(s["tiers_kind"] is None for s in plan["steps"])  # no SATD left, only the reminder letter
    refused = cli.invoke(args=["satd", "issue", str(d.id), "--out", str(tmp_path), "--date", DATE,
                               "--tiers", str(d.tiers["banque"])])
    assert refused.exit_code != 0 and refused.stdout == ""
    assert "L722-2" in refused.stderr and "BDF-89-0042" in refused.stderr
    assert count(Acte) == 0


def test_situation_add_refuses_bad_input_with_exit_2(world, cli):
    d = world.debtor()
    bad_kind = cli.invoke(args=["situation", "add", str(d.id), "--kind", "faillite", "--date", "01/10/2026"])
    assert bad_kind.exit_code == 2
    future = cli.invoke(args=["situation", "add", str(d.id), "--kind", "deces", "--date", "01/01/2099"])
    assert future.exit_code == 2 and "futur" in future.stderr
    unknown = cli.invoke(args=["situation", "add", "999999", "--kind", "deces", "--date", "01/10/2026"])
    assert unknown.exit_code == 2 and "inconnu" in unknown.stderr
    assert count(Situation) == 0
