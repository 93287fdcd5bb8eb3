"""Property-based test of every form: for each POST route that takes input, random field values (huge
numbers, other scripts' digits, empty, very long, dates far ahead, control characters…) never make the
server answer 5xx. Then the classes of input it found, each refused at the edge with a French reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NASTY = st.sampled_from([
    "", " ", "0", "-1", "99999999999999999999", "1e400", "NaN", "inf", "١٢٣", "²", "½", "1 234,56", "12.345.678,9",
    "2031-01-01", "01/01/2031", "9999-12-31", "0001-01-01", "+1/+1/2020", "2024-02-30", "x" * 5000, "é" * 300,
    "=SUM(A1)", "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "\u202e", "🙂" * 10, "-0", "0,001", "1,5,5",
    str(2**63), str(-2**63 - 1), "12345678901234567890123456789",
])
HUGE = st.integers(min_value=10**15, max_value=10**30).map(str)  # beyond any 64-bit count of cents
VALUE = st.one_of(NASTY, NASTY, NASTY, HUGE, HUGE, st.text(max_size=80), st.integers().map(str),
                  st.dates(min_value=date(1, 1, 1)).map(date.isoformat))
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


TODAY = date.today().isoformat()


def _fields(*names: str, **valid: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Mostly one field fuzzed while the others hold valid values (so that it reaches the service and the
    database), sometimes every field fuzzed at once."""
    def good(name: str) -> st.SearchStrategy[str]:
        values = valid.get(name.replace("-", "_"))
        return st.sampled_from(values) if values else VALUE

    all_fuzzed = st.fixed_dictionaries({name: VALUE for name in names})

    @st.composite
    def one_fuzzed(draw: st.DrawFn) -> dict[str, str]:
        target = draw(st.sampled_from(names))
        return {name: draw(VALUE if name == target else good(name)) for name in names}

    return st.one_of(one_fuzzed(), one_fuzzed(), one_fuzzed(), all_fuzzed)


def _post(client, csrf, path: str, data: dict[str, str], token_field: str = "csrf_token"):  # noqa: ANN001, ANN202
    return client.post(path, data={**data, token_field: csrf(client)})


def _check(response) -> None:  # noqa: ANN001
    assert response.status_code < 500, response.get_data(as_text=True)[:800]


@SETTINGS
@given(data=_fields("paiement-montant", "paiement-recu_le", "paiement-payeur", "paiement-moyen",
                    "paiement-reference", paiement_montant=["10", "0,01"], paiement_recu_le=[TODAY],
                    paiement_payeur=["redevable", "tiers"], paiement_moyen=["virement"], paiement_reference=["R1"]))
def test_payment_form(world, client_for, csrf, data) -> None:
    _check(_post(client_for("agent"), csrf, f"/redevables/{world.mine}/paiements", data))


@SETTINGS
@given(data=_fields("reponse-acte", "reponse-reponse", "reponse-montant", "reponse-repondu_le",
                    reponse_reponse=["positive", "pas_de_compte"], reponse_montant=["10", ""],
                    reponse_repondu_le=[TODAY]),
       real_acte=st.booleans())
def test_tiers_answer_form(world, client_for, csrf, data, real_acte) -> None:
    if real_acte:
        data["reponse-acte"] = str(world.acte)
    _check(_post(client_for("agent"), csrf, f"/redevables/{world.mine}/reponses-tiers", data))


@SETTINGS
@given(data=_fields("demande-type_demande", "demande-creances", "demande-recue_le", "demande-details",
                    demande_type_demande=["contestation", "plan_reglement"], demande_recue_le=[TODAY],
                    demande_details=["motif"]))
def test_request_form(world, client_for, csrf, data) -> None:
    _check(_post(client_for("agent"), csrf, f"/redevables/{world.mine}/demandes", data))


@SETTINGS
@given(data=_fields("satd-renseignement"))
def test_satd_form(world, client_for, csrf, data) -> None:
    _check(_post(client_for("agent"), csrf, f"/redevables/{world.mine}/satd", data))


@SETTINGS
@given(data=_fields("decision", "commentaire", decision=["same", "different"]))
def test_review_decision_form(world, client_for, csrf, data) -> None:
    _check(_post(client_for("administration_centrale"), csrf, f"/revue/{world.pair}", data))


@SETTINGS
@given(data=_fields("login", "display_name", "role", "structure", "password", login=["nouvel.agent"],
                    role=["agent", "administration_centrale"], structure=["", "SIP-A"],
                    password=["un-mot-de-passe-solide-42"]))
def test_user_form(world, client_for, csrf, data) -> None:
    _check(_post(client_for("administrateur"), csrf, "/administration/utilisateurs", data))


@SETTINGS
@given(data=_fields("actif"))
def test_user_activation_form(world, client_for, csrf, data) -> None:
    _check(_post(client_for("administrateur"), csrf, f"/administration/utilisateurs/{world.victim_id}/activation",
                 data))


@SETTINGS
@given(data=_fields("criteres", "graine", "action", criteres=['name = "p"\nconfiguration = 1\nproducts = ["impots"]\n'],
                    action=["apercu", "enregistrer"]))
def test_panel_form(world, client_for, csrf, data) -> None:
    _check(_post(client_for("administration_centrale"), csrf, "/panels/nouveau", data))


@SETTINGS
@given(data=_fields("current", "new", "confirm", current=["cheval-agrafe-batterie-1"]))
def test_password_change_form(world, client_for, csrf, data) -> None:
    client = client_for("agent")
    _check(client.post("/mot-de-passe", data={**data, "csrf_token": csrf(client, "/mot-de-passe")}))


@SETTINGS
@given(agent_id=st.one_of(st.integers(min_value=-5, max_value=50), st.integers(min_value=2**31, max_value=2**70)))
def test_password_reset_form(world, client_for, csrf, agent_id) -> None:
    admin = client_for("administrateur")
    _check(admin.post(f"/administration/utilisateurs/{agent_id}/mot-de-passe",
                      data={"csrf_token": csrf(admin, "/administration/utilisateurs")}))


@SETTINGS
@given(data=_fields("login", "password"))
def test_login_form(app, world, csrf, data) -> None:
    _check(_post(app.test_client(), csrf, "/login", data))


@SETTINGS
@given(data=_fields("panel-criteres", "panel-graine", "satd-date", "liste_travail-complete",
                    panel_criteres=['name = "p"\nconfiguration = 1\nproducts = ["impots"]\n']),
       code=st.sampled_from(["panel", "satd", "liste_travail", "rapprochement", "import", "inconnu"]))
def test_job_forms(queue, world, client_for, csrf, data, code) -> None:
    role = "agent" if code == "satd" else "administration_centrale"
    client = client_for(role)
    _check(client.post(f"/taches/{code}", data={**data, f"{code}-csrf_token": csrf(client, "/taches")}))


# ------------------------------------------------------------------ what the fuzzing found, one test per class
def _agent_post(client_for, csrf, world, path: str, data: dict):  # noqa: ANN001, ANN202
    agent = client_for("agent")
    return agent.post(f"/redevables/{world.mine}/{path}", data={**data, "csrf_token": csrf(agent)})


@pytest.mark.parametrize("amount", ["99999999999999999999", str(2**63), "1000000001"])
def test_a_huge_payment_is_refused_with_a_reason(world, client_for, csrf, amount) -> None:
    response = _agent_post(client_for, csrf, world, "paiements", {
        "paiement-montant": amount, "paiement-recu_le": date.today().isoformat(), "paiement-payeur": "redevable",
        "paiement-moyen": "virement"})
    assert response.status_code == 400
    assert "Montant trop élevé" in response.get_data(as_text=True)


@pytest.mark.parametrize("amount", ["١٢٣", "²", "12³"])
def test_other_scripts_digits_are_not_amounts(world, client_for, csrf, amount) -> None:
    response = _agent_post(client_for, csrf, world, "paiements", {
        "paiement-montant": amount, "paiement-recu_le": date.today().isoformat(), "paiement-payeur": "redevable",
        "paiement-moyen": "virement"})
    assert response.status_code == 400
    assert "Montant illisible" in response.get_data(as_text=True)


def test_a_request_dated_in_the_future_is_refused(world, client_for, csrf) -> None:
    response = _agent_post(client_for, csrf, world, "demandes", {
        "demande-type_demande": "contestation",
        "demande-recue_le": (date.today() + timedelta(days=365 * 5)).isoformat()})
    assert response.status_code == 400
    assert "La date de réception ne peut pas être dans le futur." in response.get_data(as_text=True)


def test_a_tiers_answer_above_its_satd_is_refused(world, client_for, csrf) -> None:
    response = _agent_post(client_for, csrf, world, "reponses-tiers", {
        "reponse-acte": str(world.acte), "reponse-reponse": "positive", "reponse-montant": "99999",
        "reponse-repondu_le": date.today().isoformat()})
    assert response.status_code == 400
    assert "Le montant déclaré dépasse celui de la SATD (1 335,00" in response.get_data(as_text=True).replace(
        "\u202f", " ").replace("\xa0", " ")


def test_wtforms_messages_are_french(world, client_for, csrf) -> None:
    admin = client_for("administrateur")
    response = admin.post("/administration/utilisateurs", data={
        "login": "a" * 65, "role": "agent", "structure": "", "password": "x" * 20, "csrf_token": csrf(admin)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Le champ ne peut pas contenir plus de 64 caractères." in page
    assert "Field cannot be longer" not in page


def test_an_empty_sign_in_says_what_is_missing(app, world, csrf) -> None:
    client = app.test_client()
    response = client.post("/login", data={"login": "", "password": "", "csrf_token": csrf(client)})
    assert response.status_code == 400
    assert "Saisissez votre identifiant et votre mot de passe." in response.get_data(as_text=True)
