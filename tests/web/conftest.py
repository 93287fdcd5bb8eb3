"""Fixtures of the web tests: a small world (structures, accounts, créances, links, users of every
role) on each database backend, signed-in test clients, and a live server for the browser tests."""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from mrf.extensions import db
from mrf.models import (
    Acte,
    ActeLine,
    Assignment,
    Creance,
    Document,
    MatchPair,
    MatchRun,
    Panel,
    RecordLink,
    Redevable,
    Renseignement,
    SourceRecord,
    Structure,
)
from mrf.services.admin.structures import StructureSpec, upsert_structures
from mrf.services.admin.users import create_user

PASSWORD = "cheval-agrafe-batterie-1"
ROLES = ("agent", "comptable", "administration_centrale", "evaluateur", "administrateur")
# A minimal valid PDF, for downloads.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass
class World:
    structures: dict[str, int] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # role or name -> login
    mine: int = 0  # DUPONT: créances managed by SIP-A and TA-A
    other: int = 0  # MARTIN: créances of SIP-B only
    assigned: int = 0  # BERNARD: créances of SIP-B, assigned to SIP-A
    merged: int = 0  # an account merged into ``mine``
    document: int = 0
    other_document: int = 0
    bank: int = 0
    acte: int = 0
    pair: int = 0
    panel: str = "panel-test"
    victim_id: int = 0
    creances: dict[str, int] = field(default_factory=dict)


def _record(session, source: str, key: str, **identity) -> SourceRecord:  # noqa: ANN001
    record = SourceRecord(source=source, source_key=key, **identity)
    session.add(record)
    session.flush()
    return record


def _creance(session, record: SourceRecord, product: str, reference: str, rar: int, structure_id: int,  # noqa: ANN001
             taken: date, **extra) -> Creance:
    c = Creance(source_record_id=record.id, product=product, reference=reference, nature=extra.pop("nature", "IR"),
                creditor_code=extra.pop("creditor_code", "ETAT"), creditor_name=extra.pop("creditor_name", "État"),
                amount_initial_cents=extra.pop("initial", rar), rar_cents=rar, date_prise_en_charge=taken,
                date_exigibilite=taken + timedelta(days=45), status=extra.pop("status", "en_cours"),
                structure_id=structure_id, **extra)
    session.add(c)
    session.flush()
    return c


def build_world() -> World:
    w = World()
    upsert_structures([
        StructureSpec("SIP-A", "SIP d'Auxerre (test)", "sip", "89", ("impots",), ("89024",), 1),
        StructureSpec("TA-A", "Trésorerie amendes de l'Yonne (test)", "tresorerie_amendes", "89", ("amendes",),
                      ("89024",)),
        StructureSpec("SIP-B", "SIP de Sens (test)", "sip", "89", ("impots",), ("89387",)),
    ])
    with db.transaction() as s:
        w.structures = {code: sid for code, sid in s.query(Structure.code, Structure.id)}
        a, ta, b = w.structures["SIP-A"], w.structures["TA-A"], w.structures["SIP-B"]
        run = MatchRun(kind="batch", started_at=datetime.now(UTC) - timedelta(hours=1),
                       finished_at=datetime.now(UTC) - timedelta(minutes=50), stats={})
        s.add(run)
        s.flush()

        mine = Redevable(nom="DUPONT", prenoms="JEAN PIERRE", date_naissance=date(1975, 3, 12), code_insee="89024",
                         search_text="DUPONT JEAN PIERRE DUPONT MARTIN")
        other = Redevable(nom="MARTIN", prenoms="MARIE", date_naissance=date(1980, 6, 1), code_insee="89387",
                          search_text="MARTIN MARIE")
        assigned = Redevable(nom="BERNARD", prenoms="LUC", date_naissance=date(1968, 11, 30), code_insee="89024",
                             search_text="BERNARD LUC")
        s.add_all([mine, other, assigned])
        s.flush()
        merged = Redevable(nom="DUPONT", prenoms="JEAN", merged_into_id=mine.id, search_text="DUPONT JEAN")
        s.add(merged)
        s.flush()
        w.mine, w.other, w.assigned, w.merged = mine.id, other.id, assigned.id, merged.id

        explanation = {
            "summary": "Probabilité 99,2 % : même date de naissance (+8.1) ; nom de naissance identique (+6.3)",
            "fields": [
                {"comparison": "date_naissance", "label": "Date de naissance", "level": "exact",
                 "level_label": "identique", "weight": 8.1},
                {"comparison": "nom", "label": "Nom", "level": "exact", "level_label": "identique", "weight": 6.3},
                {"comparison": "prenoms", "label": "Prénoms", "level": "partial", "level_label": "premier prénom",
                 "weight": 2.2},
            ],
            "probability": 0.992,
        }
        r_imp = _record(s, "impots", "1234567890123", numero_fiscal="1234567890123", nom_naissance="DUPONT",
                        nom_usage=None, prenoms="JEAN PIERRE", sexe="M", date_naissance=date(1975, 3, 12),
                        lieu_naissance="AUXERRE", numero_voie="12", voie="RUE DE PARIS", code_postal="89000",
                        commune="AUXERRE", code_insee="89024")
        r_amd = _record(s, "amendes", "AMD-77", nom="DUPONT", prenoms="JEAN", date_naissance=date(1975, 3, 12),
                        voie="RUE DE PARIS", code_postal="89000", commune="AUXERRE", code_insee="89024")
        r_other = _record(s, "impots", "9876543210987", numero_fiscal="9876543210987", nom_naissance="MARTIN",
                          prenoms="MARIE", date_naissance=date(1980, 6, 1), code_insee="89387")
        r_assigned = _record(s, "impots", "5555555555555", numero_fiscal="5555555555555", nom_naissance="BERNARD",
                             prenoms="LUC", date_naissance=date(1968, 11, 30), code_insee="89387")
        r_merged = _record(s, "secteur_local", "HEL-9", nom="DUPONT JEAN", code_insee="89024")
        s.add_all([
            RecordLink(source_record_id=r_imp.id, redevable_id=mine.id, method="batch", probability=1.0,
                       explanation={"summary": "Enregistrement de référence (numéro fiscal)."}, run_id=run.id),
            RecordLink(source_record_id=r_amd.id, redevable_id=mine.id, method="batch", probability=0.992,
                       explanation=explanation, run_id=run.id),
            RecordLink(source_record_id=r_other.id, redevable_id=other.id, method="singleton", run_id=run.id),
            RecordLink(source_record_id=r_assigned.id, redevable_id=assigned.id, method="singleton", run_id=run.id),
            RecordLink(source_record_id=r_merged.id, redevable_id=merged.id, method="batch", probability=0.95,
                       explanation={"summary": "fusion"}, run_id=run.id),
        ])
        today = date.today()
        c1 = _creance(s, r_imp, "impots", "IR-2024-0001", 120_000, a, today - timedelta(days=400), nature="IR",
                      year=2024, initial=150_000)
        c2 = _creance(s, r_imp, "impots", "TF-2024-0002", 45_000, a, today - timedelta(days=300), nature="TF",
                      year=2024)
        c3 = _creance(s, r_amd, "amendes", "AFM-0003", 13_500, ta, today - timedelta(days=200), nature="AFM",
                      offence_category="contravention")
        c4 = _creance(s, r_merged, "secteur_local", "T-2025-44", 8_000, b, today - timedelta(days=100),
                      nature="eau", creditor_code="C89024", creditor_name="Commune d'Auxerre")
        c5 = _creance(s, r_other, "impots", "IR-2024-0099", 99_000, b, today - timedelta(days=500))
        c6 = _creance(s, r_assigned, "impots", "IR-2024-0777", 30_000, b, today - timedelta(days=500))
        w.creances = {"ir": c1.id, "tf": c2.id, "afm": c3.id, "eau": c4.id, "other": c5.id, "assigned": c6.id}
        s.add(Assignment(redevable_id=assigned.id, structure_id=a, reason="Panel de test : SIP compétent"))

        bank = Renseignement(redevable_id=mine.id, kind="banque", name="Banque Populaire de Bourgogne",
                             iban="FR7630006000011234567890189", bic="CCBPFRPPDJN", source="ficoba",
                             observed_on=today - timedelta(days=30), reliability="confirmee")
        s.add(bank)
        s.flush()
        w.bank = bank.id
        acte = Acte(redevable_id=mine.id, kind="satd_banque", structure_id=a, renseignement_id=bank.id,
                    amount_cents=133_500, issued_on=today - timedelta(days=10), status="emis")
        acte.lines = [ActeLine(creance_id=c1.id, amount_cents=120_000), ActeLine(creance_id=c3.id, amount_cents=13_500)]
        s.add(acte)
        s.flush()
        w.acte = acte.id
        doc = Document(number="SATD-TEST-0001", kind="satd_tiers", redevable_id=mine.id, acte_id=acte.id,
                       sha256="0" * 64, html="<p>SATD</p>", pdf=PDF)
        other_doc = Document(number="SATD-TEST-0002", kind="satd_tiers", redevable_id=other.id, sha256="1" * 64,
                             html="<p>SATD</p>", pdf=PDF)
        s.add_all([doc, other_doc])
        s.flush()
        w.document, w.other_document = doc.id, other_doc.id

        left, right = sorted([r_other.id, r_assigned.id])
        pair = MatchPair(run_id=run.id, left_record_id=left, right_record_id=right, probability=0.61,
                         explanation=explanation, status="review")
        s.add(pair)
        s.add(Panel(name=w.panel, configuration=1, criteria_toml='name = "panel-test"\n', seed=1, report={}))
        s.flush()
        w.pair = pair.id

    logins = {
        "agent": ("agent.a", "agent", "SIP-A"),
        "comptable": ("comptable.a", "comptable", "SIP-A"),
        "administration_centrale": ("centrale", "administration_centrale", None),
        "evaluateur": ("evaluateur", "evaluateur", None),
        "administrateur": ("admin", "administrateur", None),
        "agent_b": ("agent.b", "agent", "SIP-B"),
        "agent_ta": ("agent.ta", "agent", "TA-A"),
    }
    for key, (login, role, structure) in logins.items():
        create_user(login, role, PASSWORD, structure, f"Test {login}")
        w.users[key] = login
    w.victim_id = create_user("victime", "agent", PASSWORD, "SIP-B").id
    return w


@pytest.fixture
def world(app):  # noqa: ANN201, ARG001
    """The world, then no application context while the test runs: each request of a test client gets
    its own, as in production (otherwise ``g`` — CSRF token, database session — is shared)."""
    from flask.globals import _cv_app

    w = build_world()
    ctx = _cv_app.get(None)
    if ctx is not None:
        ctx.pop()
    yield w
    if ctx is not None:
        ctx.push()


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, path: str = "/login") -> str:  # noqa: ANN001
    page = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def sign_in(client, login: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    token = csrf_token(client)
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token})


@pytest.fixture
def queue(app):  # noqa: ANN001, ANN201
    """The application with its own Redis job queue (removed afterwards); skips when Redis does not answer."""
    from mrf.jobs import file

    if not file.redis_disponible():
        pytest.skip("Redis ne répond pas sur 127.0.0.1:6379 (redis-cli ping) : tests de la file de tâches sautés")
    name = f"mrf-test-{uuid.uuid4().hex[:8]}"
    app.config["MRF_JOBS_QUEUE"] = name
    yield app
    conn = file.connexion()
    for key in conn.scan_iter(f"*{name}*"):
        conn.delete(key)


@pytest.fixture
def csrf():  # noqa: ANN201
    """A function: client → a CSRF token valid for its session."""
    return csrf_token


@pytest.fixture
def client_for(app, world):  # noqa: ANN001, ANN201
    """A function: role or user key → a test client signed in as that user."""
    clients = {}

    def make(key: str):  # noqa: ANN202
        if key not in clients:
            client = app.test_client()
            if key != "anonyme":
                response = sign_in(client, world.users[key])
                assert response.status_code == 302, response.get_data(as_text=True)[:500]
            clients[key] = client
        return clients[key]

    return make


class LiveServer:
    def __init__(self, app) -> None:  # noqa: ANN001
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app, world):  # noqa: ANN001, ANN201, ARG001
    server = LiveServer(app)
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():  # noqa: ANN201
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium absent : lancer « make system-test-deps »")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):  # noqa: ANN001, ANN201
    context = chromium.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
