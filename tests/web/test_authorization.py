"""Every route of the application, for every role, against an explicit table of expected answers.

A route added without a rule here makes ``test_every_route_has_a_rule`` fail: the table is the
authorisation policy, reviewed with each new page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

ANON, AGENT, COMPTABLE, CENTRALE, EVAL, ADMIN = "anonyme", "agent", "comptable", "administration_centrale", \
    "evaluateur", "administrateur"
KEYS = (ANON, AGENT, COMPTABLE, CENTRALE, EVAL, ADMIN)


def _identity(ok: int = 200) -> dict[str, int]:
    """Pages with identities: agents, comptables and central administration."""
    return {ANON: 302, AGENT: ok, COMPTABLE: ok, CENTRALE: ok, EVAL: 403, ADMIN: 403}


def _action(function: str) -> Callable[[], dict[str, int]]:  # noqa: ARG001 - names the service called
    """Forms acting on an account: agents and comptables only. An empty form is refused (400)."""
    def expected() -> dict[str, int]:
        return {ANON: 302, AGENT: 400, COMPTABLE: 400, CENTRALE: 403, EVAL: 403, ADMIN: 403}
    return expected


def _only(roles: dict[str, int]) -> dict[str, int]:
    out = {ANON: 302, AGENT: 403, COMPTABLE: 403, CENTRALE: 403, EVAL: 403, ADMIN: 403}
    out.update(roles)
    return out


# (endpoint, method) -> (path builder from the world, expected status per user, form data)
RULES: dict[tuple[str, str], tuple] = {
    ("static", "GET"): (lambda w: "/static/dsfr/dsfr.min.css", {k: 200 for k in KEYS}, None),
    ("auth.login", "GET"): (lambda w: "/login", {k: 200 for k in KEYS}, None),
    ("auth.login", "POST"): (lambda w: "/login", {k: 400 for k in KEYS}, {}),  # empty form: shown again, says why
    ("auth.logout", "POST"): (lambda w: "/logout", {k: 302 for k in KEYS}, {}),
    ("auth.change_password", "GET"): (lambda w: "/mot-de-passe", {ANON: 302, **{k: 200 for k in KEYS[1:]}}, None),
    ("auth.change_password", "POST"): (lambda w: "/mot-de-passe", {ANON: 302, **{k: 400 for k in KEYS[1:]}}, {}),
    ("home.index", "GET"): (lambda w: "/", {ANON: 302, AGENT: 200, COMPTABLE: 200, CENTRALE: 200, EVAL: 302,
                                            ADMIN: 302}, None),
    ("worklist.worklist", "GET"): (lambda w: "/travail", _identity(), None),
    ("search.search", "GET"): (lambda w: "/recherche?nom=dupont", _identity(), None),
    ("accounts.show", "GET"): (lambda w: f"/redevables/{w.mine}", _identity(), None),
    ("accounts.document", "GET"): (lambda w: f"/redevables/{w.mine}/documents/{w.document}.pdf", _identity(), None),
    ("accounts.issue_satd", "POST"): (lambda w: f"/redevables/{w.mine}/satd", _action("issue_satd"), {}),
    ("accounts.record_payment", "POST"): (lambda w: f"/redevables/{w.mine}/paiements", _action("record_payment"),
                                          {}),
    ("accounts.record_tiers_answer", "POST"): (lambda w: f"/redevables/{w.mine}/reponses-tiers",
                                               _action("record_tiers_answer"), {}),
    ("accounts.record_request", "POST"): (lambda w: f"/redevables/{w.mine}/demandes", _action("record_request"),
                                          {}),
    ("decisions.queue", "GET"): (lambda w: "/comptable", _only({COMPTABLE: 200}), None),
    ("decisions.decide_request", "POST"): (lambda w: "/demandes/1/decision", _only({COMPTABLE: 302}), {}),
    ("decisions.decide_anv", "POST"): (lambda w: "/anv/1/decision", _only({COMPTABLE: 302}), {}),
    ("decisions.propose_anv", "GET"): (lambda w: f"/redevables/{w.mine}/anv", _only({AGENT: 200, COMPTABLE: 200}),
                                       None),
    ("decisions.propose_anv", "POST"): (lambda w: f"/redevables/{w.mine}/anv", _action("propose"), {}),
    ("decisions.anv_list", "GET"): (lambda w: "/anv/liste", _only({AGENT: 200, COMPTABLE: 200}), None),
    ("decisions.release", "GET"): (lambda w: f"/redevables/{w.mine}/actes/{w.acte}/mainlevee",
                                   _only({AGENT: 200, COMPTABLE: 200}), None),
    ("decisions.release", "POST"): (lambda w: f"/redevables/{w.mine}/actes/{w.acte}/mainlevee", _action("release"),
                                    {}),
    ("decisions.letter", "GET"): (lambda w: f"/redevables/{w.assigned}/courriers/mise_en_demeure",
                                  _only({AGENT: 200, COMPTABLE: 200}), None),
    ("decisions.letter", "POST"): (lambda w: f"/redevables/{w.assigned}/courriers/mise_en_demeure",
                                   _only({AGENT: 302, COMPTABLE: 302}), {}),  # confirmed: issued, then refused
    ("renseignements.add", "GET"): (lambda w: f"/redevables/{w.mine}/renseignements/nouveau",
                                    _only({AGENT: 200, COMPTABLE: 200}), None),
    ("renseignements.add", "POST"): (lambda w: f"/redevables/{w.mine}/renseignements/nouveau", _action("add"), {}),
    ("decisions.satd_preview", "GET"): (lambda w: f"/redevables/{w.mine}/satd/apercu?tiers={w.bank}",
                                        _only({AGENT: 200, COMPTABLE: 200}), None),
    ("review.queue", "GET"): (lambda w: "/revue", _only({CENTRALE: 200}), None),
    ("review.decide", "POST"): (lambda w: f"/revue/{w.pair}", _only({CENTRALE: 302}), {}),
    ("review.undo", "POST"): (lambda w: "/revue/decision/999999/annuler", _only({CENTRALE: 404}), {}),
    ("panels.index", "GET"): (lambda w: "/panels", _only({CENTRALE: 200}), None),
    ("panels.new", "GET"): (lambda w: "/panels/nouveau", _only({CENTRALE: 200}), None),
    ("panels.new", "POST"): (lambda w: "/panels/nouveau", _only({CENTRALE: 400}), {"criteres": "x ="}),
    ("panels.show", "GET"): (lambda w: f"/panels/{w.panel}", _only({CENTRALE: 200}), None),
    ("panels.publish", "POST"): (lambda w: f"/panels/{w.panel}/publier", _only({CENTRALE: 302}), {}),
    ("panels.close", "POST"): (lambda w: f"/panels/{w.panel}/cloturer", _only({CENTRALE: 302}), {}),
    ("panels.criteria_toml", "GET"): (lambda w: f"/panels/{w.panel}/criteres.toml", _only({CENTRALE: 200}), None),
    ("panels.assign", "POST"): (lambda w: f"/panels/{w.panel}/affectations", _only({CENTRALE: 302}), {}),
    ("panels.reassignments", "GET"): (lambda w: "/panels/reaffectations", _only({CENTRALE: 200}), None),
    ("panels.decide", "POST"): (lambda w: "/panels/reaffectations/1", _only({CENTRALE: 302}), {}),
    ("dashboard.index", "GET"): (lambda w: "/tableau-de-bord", _only({CENTRALE: 200, EVAL: 200}), None),
    ("dashboard.chart", "GET"): (lambda w: "/tableau-de-bord/recouvrement.svg", _only({CENTRALE: 200, EVAL: 200}),
                                 None),
    ("evaluation.index", "GET"): (lambda w: "/evaluation", _only({CENTRALE: 200, EVAL: 200}), None),
    # an unknown panel: the role is checked first (403), then the panel (404)
    ("evaluation.show", "GET"): (lambda w: "/evaluation/absent", _only({CENTRALE: 404, EVAL: 404}), None),
    ("evaluation.curve_svg", "GET"): (lambda w: "/evaluation/absent/courbe-amendes.svg",
                                      _only({CENTRALE: 404, EVAL: 404}), None),
    ("evaluation.curve_png", "GET"): (lambda w: "/evaluation/absent/courbe-amendes.png",
                                      _only({CENTRALE: 404, EVAL: 404}), None),
    ("evaluation.differences_svg", "GET"): (lambda w: "/evaluation/absent/ecarts.svg",
                                            _only({CENTRALE: 404, EVAL: 404}), None),
    ("evaluation.table_csv", "GET"): (lambda w: "/evaluation/absent/tableau.csv", _only({CENTRALE: 404, EVAL: 404}),
                                      None),
    ("evaluation.curves_csv", "GET"): (lambda w: "/evaluation/absent/courbes.csv", _only({CENTRALE: 404, EVAL: 404}),
                                       None),
    ("admin.users", "GET"): (lambda w: "/administration/utilisateurs", _only({ADMIN: 200}), None),
    ("admin.users", "POST"): (lambda w: "/administration/utilisateurs", _only({ADMIN: 400}), {}),
    ("admin.toggle", "POST"): (lambda w: f"/administration/utilisateurs/{w.victim_id}/activation",
                               _only({ADMIN: 302}), {"actif": "1"}),
    ("admin.audit", "GET"): (lambda w: "/administration/audit", _only({ADMIN: 200}), None),
    ("admin.audit_chain", "GET"): (lambda w: "/administration/audit/integrite", _only({ADMIN: 200}), None),
    ("admin.reset_password", "POST"): (lambda w: f"/administration/utilisateurs/{w.victim_id}/mot-de-passe",
                                       _only({ADMIN: 200}), {}),  # the provisional password, shown once
    # commissaires de justice: agents see, comptables sign; an unknown dossier is 404
    ("commissaires.index", "GET"): (lambda w: "/commissaires/", _identity(), None),
    ("commissaires.statistiques", "GET"): (lambda w: "/commissaires/statistiques", _identity(), None),
    ("commissaires.dossier", "GET"): (lambda w: "/commissaires/dossiers/INCONNU", _identity(404), None),
    ("commissaires.demande_pdf", "GET"): (lambda w: "/commissaires/demandes/999999.pdf", _identity(404), None),
    ("commissaires.fichier", "GET"): (lambda w: "/commissaires/fichiers/999999", _only({CENTRALE: 404}), None),
    ("commissaires.saisine_compte", "GET"): (lambda w: f"/commissaires/redevables/{w.mine}/saisine",
                                             _only({AGENT: 200, COMPTABLE: 200}), None),
    ("commissaires.saisine_compte", "POST"): (lambda w: f"/commissaires/redevables/{w.mine}/saisine",
                                              _only({AGENT: 403, COMPTABLE: 200}), {}),  # empty: shown again
    ("commissaires.saisine_lot", "POST"): (lambda w: "/commissaires/saisine-lot", _only({COMPTABLE: 302}), {}),
    ("commissaires.import_bilan", "POST"): (lambda w: "/commissaires/bilans", _only({COMPTABLE: 302}), {}),
    ("commissaires.import_arrondissements", "POST"): (lambda w: "/commissaires/arrondissements",
                                                      _only({CENTRALE: 302}), {}),
    ("commissaires.prolongation", "POST"): (lambda w: "/commissaires/dossiers/INCONNU/prolongation",
                                            _only({COMPTABLE: 302}), {}),
    ("commissaires.signal", "POST"): (lambda w: "/commissaires/dossiers/INCONNU/signal", _only({COMPTABLE: 400}), {}),
    ("commissaires.proposer_anv", "POST"): (lambda w: "/commissaires/dossiers/INCONNU/anv", _only({COMPTABLE: 302}),
                                            {}),
    # issue 19: an empty form is refused with a message on the account page (redirect)
    ("garde_fous.add_situation", "POST"): (lambda w: f"/redevables/{w.mine}/situations", _only({COMPTABLE: 302}),
                                           {}),
    ("garde_fous.record_mainlevee", "POST"): (lambda w: f"/redevables/{w.mine}/mainlevees",
                                              _only({AGENT: 302, COMPTABLE: 302}), {}),
    ("garde_fous.preview_payment", "POST"): (lambda w: f"/redevables/{w.mine}/paiements/apercu",
                                             _only({AGENT: 302, COMPTABLE: 302}), {}),
    ("jobs.index", "GET"): (lambda w: "/taches", _identity(), None),
    ("jobs.start", "POST"): (lambda w: "/taches/import", _only({CENTRALE: 303}), {}),  # no file: back to the list
    ("jobs.show", "GET"): (lambda w: "/taches/suivi/inconnue", _identity(404), None),
    ("jobs.satd_preview", "GET"): (lambda w: "/taches/satd/apercu", _only({AGENT: 200, COMPTABLE: 200}), None),
    ("jobs.restart", "POST"): (lambda w: "/taches/suivi/inconnue/relancer", _identity(404), {}),
}


def _methods(rule) -> set[str]:  # noqa: ANN001
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def test_every_route_has_a_rule(app, world) -> None:  # noqa: ARG001
    missing = [(rule.endpoint, m, rule.rule) for rule in app.url_map.iter_rules() for m in _methods(rule)
               if (rule.endpoint, m) not in RULES]
    assert not missing, f"Routes sans règle d'autorisation dans RULES : {missing}"
    stale = set(RULES) - {(rule.endpoint, m) for rule in app.url_map.iter_rules() for m in _methods(rule)}
    assert not stale, f"Règles sans route : {stale}"


def test_every_route_for_every_role(app, world, client_for, csrf) -> None:  # noqa: ARG001
    mismatches = []
    # Sign-out last: it ends the session of the client it is sent with.
    order = sorted(RULES, key=lambda key: key == ("auth.logout", "POST"))
    for endpoint, method in order:
        build, expected, form = RULES[(endpoint, method)]
        if callable(expected):
            expected = expected()
        path = build(world)
        for key in KEYS:
            client = client_for(key)
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data={**form, "csrf_token": csrf(client)})
            if response.status_code != expected[key]:
                mismatches.append(f"{method} {path} en {key} : {response.status_code} au lieu de {expected[key]}")
    assert not mismatches, "\n".join(mismatches)


VISIBILITY = [
    # (user, account attribute of the world, visible?)
    ("agent", "mine", True),  # créances managed by SIP-A
    ("agent", "assigned", True),  # assigned to SIP-A, créances elsewhere
    ("agent", "other", False),
    ("agent_ta", "mine", True),  # the amende is managed by TA-A
    ("agent_ta", "assigned", False),
    ("agent_ta", "other", False),
    ("agent_b", "other", True),
    ("agent_b", "assigned", True),
    ("agent_b", "mine", True),  # the account merged into DUPONT holds a créance of SIP-B
]


@pytest.mark.parametrize(("user", "account", "visible"), VISIBILITY)
def test_structure_scope(world, client_for, csrf, user, account, visible) -> None:
    """An agent sees the accounts of their structure; any other answers 404, like a missing one
    (no existence leak), on the page, the documents and every form."""
    client = client_for(user)
    rid = getattr(world, account)
    assert client.get(f"/redevables/{rid}").status_code == (200 if visible else 404)
    if not visible:
        token = csrf(client)
        for action in ("satd", "paiements", "reponses-tiers", "demandes"):
            assert client.post(f"/redevables/{rid}/{action}", data={"csrf_token": token}).status_code == 404, action


def test_documents_of_another_account_are_404(world, client_for) -> None:
    agent = client_for("agent")
    assert agent.get(f"/redevables/{world.mine}/documents/{world.document}.pdf").status_code == 200
    # A document of MARTIN, asked through an account the agent may see, or through MARTIN's: 404 both.
    assert agent.get(f"/redevables/{world.mine}/documents/{world.other_document}.pdf").status_code == 404
    assert agent.get(f"/redevables/{world.other}/documents/{world.other_document}.pdf").status_code == 404
    assert agent.get(f"/redevables/{world.mine}/documents/999999.pdf").status_code == 404
    assert agent.get("/redevables/999999").status_code == 404


def test_merged_account_redirects_to_the_surviving_one(world, client_for) -> None:
    response = client_for("agent").get(f"/redevables/{world.merged}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/redevables/{world.mine}")
