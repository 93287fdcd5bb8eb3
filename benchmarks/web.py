"""Web server time with 1M debtors on PostgreSQL: work list and consolidated account, p50/p95, and
50 concurrent agents for 2 minutes on 127.0.0.1 with no error.

The population is bulk-generated in SQL (INSERT … SELECT generate_series): four départements,
the demo's structures, one to three source records per debtor (impôts 70 %, amendes 55 %,
secteur local 35 %), one to three créances per record, assignments of the experimental panels,
SATD acts with answers, payments, requests and renseignements.

    python benchmarks/web.py [--debtors 1000000] [--requests 200] [--agents 50] [--duration 120]
                             [--keep]   # reuse the database mrf_bench_web when it is already filled

Targets: p95 ≤ 150 ms for both pages (server time: WSGI request handled in-process); no error
under load. The name search is measured too (no target).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_ADMIN_URL = os.environ.get("MRF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DB_NAME = "mrf_bench_web"
PASSWORD = "mot-de-passe-de-mesure"

SURNAMES = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
            "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
            "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT",
            "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER",
            "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLEMENT",
            "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON"]
FIRST_NAMES = ["MARIE", "JEAN", "PIERRE", "MICHEL", "ANNE", "NATHALIE", "PHILIPPE", "ISABELLE", "ALAIN",
               "SYLVIE", "CATHERINE", "FRANCOISE", "NICOLAS", "CHRISTOPHE", "SANDRINE", "LAURENT"]
# Share of the population per département (INSEE 2021, rounded).
DEP_WEIGHTS = {"06": 59, "89": 18, "43": 12, "58": 11}


def _sql_array(values: list) -> str:
    def lit(v):  # noqa: ANN001
        return "NULL" if v is None else (str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'")
    return "(ARRAY[" + ", ".join(lit(v) for v in values) + "])"


def populate(url: str, debtors: int, say=print) -> None:  # noqa: ANN001
    """Fill an empty, migrated PostgreSQL database with ``debtors`` consolidated accounts."""
    from mrf.demo.structures import demo_structures
    from mrf.extensions import db
    from mrf.services.admin.structures import StructureSpec, upsert_structures
    from mrf.services.admin.users import create_user

    db.configure(url)
    structs = demo_structures()
    upsert_structures([StructureSpec(s.code, s.name, s.type, s.departement, tuple(s.products),
                                     tuple(s.communes), s.configuration) for s in structs])
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT code, id FROM structure")).all())
    # One "slot" per 1 % of the population: département, SIP, SPL, amendes structure, a commune.
    slots: list[tuple[int, int, int, str, str]] = []
    for dep, weight in DEP_WEIGHTS.items():
        sips = [s for s in structs if s.departement == dep and s.type == "sip"]
        amendes = next(s for s in structs if s.departement == dep and s.type in ("tresorerie_amendes",
                                                                                   "tresorerie_mixte"))
        for k in range(weight):
            sip = sips[k % len(sips)]
            spl_code = "SPL-" + sip.code.split("-", 1)[1]
            slots.append((ids[sip.code], ids[spl_code], ids[amendes.code], sip.communes[k % len(sip.communes)],
                          dep))
    assert len(slots) == 100
    sip_a, spl_a, am_a, insee_a = (_sql_array([s[i] for s in slots]) for i in range(4))
    # Experimental configuration of each slot (assignment of common debtors, as a published panel does).
    exp = {ids["SIP-AUXERRE"]: "SIP-AUXERRE", ids["SIP-LE-PUY"]: "SIP-LE-PUY"}
    assign_a = _sql_array([ids[exp[s[0]]] if s[0] in exp else (ids["TM-NEVERS"] if s[4] == "58" else
                          (ids["TA-06"] if s[4] == "06" else None)) for s in slots])
    n = debtors
    steps = [
        ("redevables", f"""
        INSERT INTO redevable (id, created_at, nom, prenoms, date_naissance, code_insee, search_text)
        SELECT g, now(), {_sql_array(SURNAMES)}[1 + (g * 7) % {len(SURNAMES)}],
               {_sql_array(FIRST_NAMES)}[1 + (g * 13) % {len(FIRST_NAMES)}],
               DATE '1940-01-01' + ((g * 37) % 23000),
               ({insee_a})[1 + g % 100],
               lower({_sql_array(SURNAMES)}[1 + (g * 7) % {len(SURNAMES)}] || ' '
                     || {_sql_array(FIRST_NAMES)}[1 + (g * 13) % {len(FIRST_NAMES)}])
        FROM generate_series(1, {n}) g"""),
        # Source records: impôts id = g, amendes id = n + g, secteur local id = 2n + g.
        ("source_record", f"""
        INSERT INTO source_record (id, source, source_key, numero_fiscal, nom, nom_naissance, prenoms,
                                   date_naissance, code_postal, commune, code_insee, created_at)
        SELECT s.id, s.source, s.source || '-' || r.id, CASE WHEN s.source = 'impots'
                   THEN lpad((1000000000 + r.id)::text, 13, '0') END,
               r.nom, CASE WHEN s.source = 'impots' THEN r.nom END, r.prenoms,
               CASE WHEN s.source = 'secteur_local' AND r.id % 2 = 0 THEN NULL ELSE r.date_naissance END,
               '00000', 'COMMUNE', r.code_insee, now()
        FROM redevable r
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN r.id % 10 < 7 OR (r.id % 20 >= 11 AND (r.id * 3) % 20 >= 7) THEN r.id END, 'impots'),
            (CASE WHEN r.id % 20 < 11 THEN {n} + r.id END, 'amendes'),
            (CASE WHEN (r.id * 3) % 20 < 7 THEN 2 * {n} + r.id END, 'secteur_local')) AS s(id, source)
        WHERE s.id IS NOT NULL"""),
        ("record_link", f"""
        INSERT INTO record_link (source_record_id, redevable_id, method, probability, explanation, linked_at)
        SELECT sr.id, CASE WHEN sr.source = 'impots' THEN sr.id
                           WHEN sr.source = 'amendes' THEN sr.id - {n}
                           ELSE sr.id - 2 * {n} END,
               'batch', 0.99, '{{"summary": "mesure"}}'::json, now()
        FROM source_record sr"""),
        ("creance", f"""
        INSERT INTO creance (source_record_id, product, reference, nature, creditor_code, creditor_name,
                             is_hospital, offence_category, year, amount_initial_cents, rar_cents,
                             date_prise_en_charge, date_exigibilite, status, structure_id, created_at)
        SELECT sr.id, sr.source, sr.source || '-' || sr.id || '-' || k,
               CASE sr.source WHEN 'impots' THEN (ARRAY['IR', 'TF', 'TH'])[k] WHEN 'amendes' THEN 'AFM'
                    ELSE 'eau' END,
               CASE WHEN sr.source = 'secteur_local' THEN 'C' || r.code_insee ELSE 'ETAT' END,
               CASE WHEN sr.source = 'secteur_local' THEN 'Commune' ELSE 'État' END,
               sr.source = 'secteur_local' AND r.id % 5 = 0,
               CASE WHEN sr.source = 'amendes' THEN (CASE WHEN r.id % 9 = 0 THEN 'delit' ELSE 'contravention' END) END,
               2020 + (r.id + k) % 5,
               1000 + ((r.id * 7919 + k * 104729) % 500000),
               CASE WHEN (r.id + k) % 6 = 0 THEN 0 ELSE 1000 + ((r.id * 7919 + k * 104729) % 500000) / (1 + k % 2) END,
               DATE '2020-01-01' + (((r.id * 31 + k * 97) % 2000))::int,
               DATE '2020-03-01' + (((r.id * 31 + k * 97) % 2000))::int,
               CASE WHEN (r.id + k) % 6 = 0 THEN 'soldee' ELSE 'en_cours' END,
               CASE sr.source WHEN 'impots' THEN ({sip_a})[1 + r.id % 100]
                              WHEN 'amendes' THEN ({am_a})[1 + r.id % 100]
                              ELSE ({spl_a})[1 + r.id % 100] END,
               now()
        FROM source_record sr
        JOIN record_link rl ON rl.source_record_id = sr.id
        JOIN redevable r ON r.id = rl.redevable_id
        CROSS JOIN LATERAL generate_series(1, 1 + (r.id + length(sr.source)) % 3) k"""),
        ("assignment", f"""
        INSERT INTO assignment (redevable_id, structure_id, reason, created_at)
        SELECT r.id, ({assign_a})[1 + r.id % 100], 'panel de mesure', now()
        FROM redevable r
        WHERE ({assign_a})[1 + r.id % 100] IS NOT NULL AND r.id % 20 < 11 AND r.id % 4 = 0"""),
        ("renseignement", """
        INSERT INTO renseignement (redevable_id, kind, name, iban, source, observed_on, reliability, recorded_at)
        SELECT r.id, 'banque', 'Banque ' || (r.id % 40), 'FR76' || lpad((30000 + r.id % 40)::text, 5, '0')
               || lpad(r.id::text, 18, '0'), 'ficoba', DATE '2025-01-01', 'confirmee', now()
        FROM redevable r WHERE r.id % 5 = 0"""),
        ("acte", """
        INSERT INTO acte (redevable_id, kind, structure_id, renseignement_id, amount_cents, issued_on, issued_at,
                          status, details)
        SELECT re.redevable_id, 'satd_banque', NULL, re.id, 50000, DATE '2025-06-01' + ((re.id % 150))::int,
               now(), 'emis', '{}'::json
        FROM renseignement re WHERE (re.redevable_id / 5) % 2 = 1"""),
        ("acte_line", """
        INSERT INTO acte_line (acte_id, creance_id, amount_cents)
        SELECT a.id, c.id, c.rar_cents
        FROM acte a JOIN record_link rl ON rl.redevable_id = a.redevable_id
        JOIN creance c ON c.source_record_id = rl.source_record_id AND c.status = 'en_cours'"""),
        ("tiers_answer", """
        INSERT INTO tiers_answer (acte_id, kind, amount_cents, answered_on, recorded_at)
        SELECT a.id, 'positive', 20000, a.issued_on + 10, now() FROM acte a WHERE a.id % 2 = 0"""),
        ("payment", """
        INSERT INTO payment (redevable_id, amount_cents, received_on, payer, rule, overpayment_cents, recorded_at)
        SELECT r.id, 10000 + r.id % 50000, DATE '2025-01-01' + ((r.id % 300))::int, 'redevable', 'code_civil', 0, now()
        FROM redevable r WHERE r.id % 7 = 0"""),
        ("debtor_request", """
        INSERT INTO debtor_request (redevable_id, kind, received_on, creance_ids, details, recorded_at)
        SELECT r.id, 'plan_reglement', DATE '2025-09-01' + ((r.id % 60))::int, '[]'::json, '{}'::json, now()
        FROM redevable r WHERE r.id % 25 = 15"""),
    ]
    with engine.begin() as conn:
        # Consistent by construction: skip the per-row foreign-key triggers while bulk loading.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("SET LOCAL jit = off"))
        for name, sql in steps:
            started = time.monotonic()
            conn.execute(text(sql))
            say(f"  {name}: {time.monotonic() - started:.1f} s")
        for table in ("redevable", "source_record", "record_link", "creance", "assignment", "renseignement",
                      "acte", "acte_line", "tiers_answer", "payment", "debtor_request"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    create_user("bench-auxerre", "agent", PASSWORD, "SIP-AUXERRE")
    create_user("bench-ta06", "agent", PASSWORD, "TA-06")
    create_user("bench-centrale", "administration_centrale", PASSWORD)


def _admin():  # noqa: ANN202
    return create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def prepare(debtors: int, keep: bool) -> str:
    from mrf import schema

    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + DB_NAME
    admin = _admin()
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DB_NAME})
    if exists and keep:
        engine = create_engine(url)
        with engine.connect() as conn:
            count = conn.scalar(text("SELECT count(*) FROM redevable")) if conn.scalar(
                text("SELECT to_regclass('redevable')")) else 0
        engine.dispose()
        if count == debtors:
            schema.upgrade(url)
            print(f"Base {DB_NAME} réutilisée ({count} redevables).")
            return url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    schema.upgrade(url)
    print(f"Génération de {debtors} redevables dans {DB_NAME}…")
    started = time.monotonic()
    populate(url, debtors)
    print(f"Population prête en {time.monotonic() - started:.0f} s.")
    refresh_worklists(url)
    return url


def refresh_worklists(url: str) -> None:
    """The full refresh of the work-list entries (what a batch match run triggers)."""
    from mrf.extensions import db
    from mrf.services.comptes import worklist

    db.configure(url)
    started = time.monotonic()
    report = worklist.sync(full=True)
    print(f"Listes de travail recalculées ({report.accounts} comptes) en {time.monotonic() - started:.0f} s.")
    engine = create_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE worklist_entry"))
    engine.dispose()


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _login(client, login: str) -> None:  # noqa: ANN001
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    response = client.post("/login", data={"login": login, "password": PASSWORD,
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302, response.status_code


def server_times(url: str, requests: int) -> None:
    from mrf import create_app

    os.environ.setdefault("MRF_SECRET_KEY", "cle-de-mesure")
    app = create_app({"DATABASE_URL": url, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    engine = create_engine(url)
    with engine.connect() as conn:
        auxerre = conn.scalar(text("SELECT id FROM structure WHERE code = 'SIP-AUXERRE'"))
        ta06 = conn.scalar(text("SELECT id FROM structure WHERE code = 'TA-06'"))
        sample = {}
        for sid in (auxerre, ta06):
            sample[sid] = [r for (r,) in conn.execute(text(
                "SELECT DISTINCT rl.redevable_id FROM creance c JOIN record_link rl "
                "ON rl.source_record_id = c.source_record_id WHERE c.structure_id = :s "
                "ORDER BY 1 LIMIT 5000"), {"s": sid})]
        sizes = {sid: conn.scalar(text(
            "SELECT count(DISTINCT rl.redevable_id) FROM creance c JOIN record_link rl "
            "ON rl.source_record_id = c.source_record_id WHERE c.structure_id = :s"), {"s": sid})
            for sid in (auxerre, ta06)}
    engine.dispose()
    rng = random.Random(1)
    cases = [
        ("SIP-AUXERRE", "bench-auxerre", auxerre),
        ("TA-06", "bench-ta06", ta06),
    ]
    print(f"\nTemps serveur (requête WSGI traitée dans le processus), {requests} requêtes par cas :")
    for label, login, sid in cases:
        client = app.test_client()
        _login(client, login)
        for name, make in (
            ("liste de travail (tri par montant dû)", lambda: "/travail"),
            ("liste de travail, page 20", lambda: "/travail?page=20"),
            ("liste de travail (tri prescription)", lambda: "/travail?tri=prescription"),
            ("liste de travail (échéances, amendes)", lambda: "/travail?echeances=1&produit=amendes"),
            ("compte consolidé", lambda sid=sid: f"/redevables/{rng.choice(sample[sid])}"),
            ("recherche par nom (faute de frappe)", lambda: "/recherche?nom=garnyer+catherine"),
        ):
            times = []
            for i in range(requests + 5):
                path = make()
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (path, response.status_code)
                if i >= 5:  # warm-up
                    times.append(elapsed)
            print(f"  {label:<12} ({sizes[sid]:>7} comptes)  {name:<40} p50 {statistics.median(times):6.1f} ms"
                  f"   p95 {_pct(times, 0.95):6.1f} ms")


def load_test(url: str, agents: int, duration: float) -> None:
    """``agents`` threads sign in and browse (work list, pages, accounts) for ``duration`` seconds
    against a real HTTP server on 127.0.0.1."""
    import http.cookiejar
    import logging
    import re
    import urllib.parse
    import urllib.request

    from waitress.server import create_server

    from mrf import create_app

    app = create_app({"DATABASE_URL": url, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth": expected at saturation
    server = create_server(app, host="127.0.0.1", port=0, threads=16, connection_limit=200)
    port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    engine = create_engine(url)
    with engine.connect() as conn:
        auxerre = conn.scalar(text("SELECT id FROM structure WHERE code = 'SIP-AUXERRE'"))
        ids = [r for (r,) in conn.execute(text(
            "SELECT DISTINCT rl.redevable_id FROM creance c JOIN record_link rl "
            "ON rl.source_record_id = c.source_record_id WHERE c.structure_id = :s LIMIT 5000"), {"s": auxerre})]
    engine.dispose()
    deadline = time.monotonic() + duration
    lock = threading.Lock()
    stats = {"requests": 0, "errors": 0, "times": []}

    def agent(k: int) -> None:
        rng = random.Random(k)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                             urllib.request.ProxyHandler({}))
        page = opener.open(base + "/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"login": "bench-auxerre", "password": PASSWORD, "csrf_token": token})
        opener.open(base + "/login", data=data.encode(), timeout=30).read()
        while time.monotonic() < deadline:
            choice = rng.random()
            if choice < 0.3:
                path = f"/travail?page={rng.randint(1, 50)}"
            elif choice < 0.4:
                path = "/travail?tri=prescription"
            else:
                path = f"/redevables/{rng.choice(ids)}"
            started = time.perf_counter()
            try:
                with opener.open(base + path, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:  # noqa: BLE001 - every failure counts as an error
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                stats["requests"] += 1
                stats["errors"] += 0 if ok else 1
                stats["times"].append(elapsed)

    print(f"\n{agents} agents simultanés pendant {duration:.0f} s sur http://127.0.0.1:{port}/ …")
    with ThreadPoolExecutor(max_workers=agents) as pool:
        list(pool.map(agent, range(agents)))
    server.close()
    times = stats["times"]
    print(f"  {stats['requests']} requêtes, {stats['errors']} erreur(s), {stats['requests'] / duration:.1f} req/s,"
          f" temps de réponse p50 {statistics.median(times):.0f} ms, p95 {_pct(times, 0.95):.0f} ms")
    if stats["errors"]:
        raise SystemExit("Des requêtes ont échoué sous charge.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--keep", action="store_true", help="réutiliser la base si elle est déjà remplie")
    parser.add_argument("--skip-load", action="store_true", help="sans le test de charge")
    args = parser.parse_args()
    os.environ.setdefault("MRF_SECRET_KEY", "cle-de-mesure")
    url = prepare(args.debtors, args.keep)
    server_times(url, args.requests)
    if not args.skip_load:
        load_test(url, args.agents, args.duration)
    if not args.keep:
        admin = _admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
